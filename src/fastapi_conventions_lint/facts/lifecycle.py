"""Lifecycles of dependencies objects inside one function (FCL201, FCL202).

An object is *owned* by the function that creates it (`X.from_settings(...)`, or `X(...)` for a
dependencies class). It stops being owned when it is returned, stored on an attribute or in a
container, or managed by `with`/`async with`, unless the function itself calls `cleanup()`.
"""

from __future__ import annotations

import ast
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from fastapi_conventions_lint.facts.calls import SCOPES
from fastapi_conventions_lint.facts.model import FunctionNode, Lifecycle

_BODY_FIELDS = ("body", "orelse", "finalbody")
_CONTAINER_METHODS = frozenset({"append", "add", "insert", "extend", "setdefault", "put", "put_nowait"})


class _Place:
    """Where a statement sits: its parent statement, the parent's field, and its index."""

    __slots__ = ("parent", "field", "siblings", "index")

    def __init__(self, parent: Optional[ast.stmt], field: str, siblings: List[ast.stmt], index: int):
        self.parent = parent
        self.field = field
        self.siblings = siblings
        self.index = index


def child_blocks(stmt: ast.stmt) -> Iterator[Tuple[str, List[ast.stmt]]]:
    for name in _BODY_FIELDS:
        block = getattr(stmt, name, None)
        if block:
            yield name, block
    for handler in getattr(stmt, "handlers", ()):
        yield "handlers", handler.body
    for case in getattr(stmt, "cases", ()):
        yield "cases", case.body


def own_expressions(stmt: ast.stmt) -> Iterator[ast.AST]:
    """Expression nodes of a statement, without its nested statements or nested scopes."""
    stack: List[ast.AST] = []
    for name, value in ast.iter_fields(stmt):
        if name in _BODY_FIELDS or name in ("handlers", "cases", "decorator_list"):
            continue
        if isinstance(value, list):
            stack.extend(item for item in value if isinstance(item, ast.AST))
        elif isinstance(value, ast.AST):
            stack.append(value)
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, SCOPES):
            stack.extend(ast.iter_child_nodes(node))


def _method_call_on(node: ast.AST, var: str, method: str) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == method
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == var
    )


def _is_name(node: Optional[ast.AST], var: str) -> bool:
    return isinstance(node, ast.Name) and node.id == var


class _FunctionIndex:
    """The statements of one function body (nested scopes excluded) and their places."""

    def __init__(self, function: FunctionNode) -> None:
        self.statements: List[ast.stmt] = []
        self.places: Dict[int, _Place] = {}
        stack: List[Tuple[Optional[ast.stmt], str, List[ast.stmt]]] = [(None, "body", function.body)]
        while stack:
            parent, field, block = stack.pop()
            for index, stmt in enumerate(block):
                self.statements.append(stmt)
                self.places[id(stmt)] = _Place(parent, field, block, index)
                if isinstance(stmt, SCOPES):
                    continue
                for name, child in child_blocks(stmt):
                    stack.append((stmt, name, child))
        self.statements.sort(key=lambda stmt: (stmt.lineno, stmt.col_offset))

    def ancestors(self, stmt: ast.stmt) -> Iterator[Tuple[ast.stmt, str, ast.stmt]]:
        """(ancestor, field the path goes through, child on the path), innermost first."""
        place = self.places[id(stmt)]
        child = stmt
        while place.parent is not None:
            yield place.parent, place.field, child
            child = place.parent
            place = self.places[id(child)]

    def contains(self, outer: ast.stmt, field: str, stmt: ast.stmt) -> bool:
        return any(
            ancestor is outer and via == field for ancestor, via, _ in self.ancestors(stmt)
        )


def _created_name(
    stmt: ast.stmt, creates_dependencies: Callable[[ast.expr, Optional[str]], bool]
) -> Optional[str]:
    """`deps` for `deps = X.from_settings(...)` (or an annotated or awaited form)."""
    if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
        target, value = stmt.targets[0], stmt.value
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        target, value = stmt.target, stmt.value
    else:
        return None
    if isinstance(value, ast.Await):
        value = value.value
    if isinstance(target, ast.Name) and creates_dependencies(value, target.id):
        return target.id
    return None


def find_lifecycles(
    function: FunctionNode, creates_dependencies: Callable[[ast.expr, Optional[str]], bool]
) -> List[Lifecycle]:
    index = _FunctionIndex(function)
    creations = [
        (name, stmt)
        for stmt in index.statements
        for name in [_created_name(stmt, creates_dependencies)]
        if name is not None
    ]
    lifecycles = []
    blocks = {key: place.siblings for key, place in index.places.items()} if creations else {}
    for number, (var, creation) in enumerate(creations):
        # The object lives from its creation to the next object made under the same name.
        end = next(
            (_position(later) for name, later in creations[number + 1:] if name == var), None
        )
        statements = [
            stmt
            for stmt in index.statements
            if _position(stmt) >= _position(creation) and (end is None or _position(stmt) < end)
        ]
        lifecycle = _lifecycle(index, function, var, creation, statements)
        if lifecycle is not None:
            lifecycle.blocks = blocks
            lifecycles.append(lifecycle)
    return lifecycles


def _lifecycle(
    index: _FunctionIndex,
    function: FunctionNode,
    var: str,
    creation: ast.stmt,
    statements: List[ast.stmt],
) -> Optional[Lifecycle]:
    lifecycle = Lifecycle(function=function, var=var, created=creation)
    released = False
    call_statements: Dict[int, ast.stmt] = {}
    for stmt in statements:
        released = released or _releases(stmt, var)
        for node in own_expressions(stmt):
            if _method_call_on(node, var, "initialize"):
                lifecycle.initialize_calls.append(node)  # type: ignore[arg-type]
                call_statements[id(node)] = stmt
            elif _method_call_on(node, var, "cleanup"):
                lifecycle.cleanup_calls.append(node)  # type: ignore[arg-type]
                call_statements[id(node)] = stmt
            elif not released:
                released = _releases_in_expression(node, var)
    if released and not lifecycle.cleanup_calls:
        return None  # someone else owns it now
    lifecycle.initialize_calls.sort(key=_position)
    lifecycle.cleanup_calls.sort(key=_position)
    anchor = (
        call_statements[id(lifecycle.initialize_calls[0])]
        if lifecycle.initialize_calls
        else creation
    )
    for cleanup in lifecycle.cleanup_calls:
        if not _protected(index, call_statements[id(cleanup)], anchor):
            lifecycle.unprotected_cleanups.append(cleanup)
    lifecycle.anchor = anchor
    lifecycle.call_statements = call_statements
    return lifecycle


def _position(node: ast.AST) -> Tuple[int, int]:
    return (node.lineno, node.col_offset)  # type: ignore[attr-defined]


def _releases(stmt: ast.stmt, var: str) -> bool:
    """Statements that hand the object to someone else."""
    if isinstance(stmt, ast.Return) and _is_name(stmt.value, var):
        return True
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and _is_name(stmt.value, var):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        return any(isinstance(target, (ast.Attribute, ast.Subscript)) for target in targets)
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return any(_is_name(item.context_expr, var) for item in stmt.items)
    return False


def _releases_in_expression(node: ast.AST, var: str) -> bool:
    """`[deps]`, `{"k": deps}`, `items.append(deps)`: the object goes into a container."""
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return any(_is_name(element, var) for element in node.elts)
    if isinstance(node, ast.Dict):
        return any(_is_name(value, var) for value in node.values)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in _CONTAINER_METHODS
    ):
        return any(_is_name(argument, var) for argument in node.args)
    return False


def _protected(index: _FunctionIndex, cleanup: ast.stmt, anchor: ast.stmt) -> bool:
    """The cleanup runs in a `finally` whose `try` covers everything after the anchor."""
    for ancestor, via, _child in index.ancestors(cleanup):
        if via != "finalbody" or not isinstance(ancestor, _try_types()):
            continue
        if index.contains(ancestor, "body", anchor):
            return True
        anchor_place = index.places[id(anchor)]
        try_place = index.places[id(ancestor)]
        if (
            anchor_place.siblings is try_place.siblings
            and try_place.index == anchor_place.index + 1
        ):
            return True
    return False


def _try_types() -> tuple:
    try_star = getattr(ast, "TryStar", None)
    return (ast.Try, try_star) if try_star else (ast.Try,)


# ---- shapes the fixes need (read only when a rule reports) --------------------------------

def position_in(block: List[ast.stmt], stmt: ast.stmt) -> int:
    """The index of `stmt` in its block (by identity)."""
    return next(number for number, item in enumerate(block) if item is stmt)


def on_own_lines(block: List[ast.stmt], number: int) -> bool:
    """The statement shares no line with its neighbours (no `a; b`, no one-line suite)."""
    stmt = block[number]
    before = block[number - 1] if number > 0 else None
    after = block[number + 1] if number + 1 < len(block) else None
    return (before is None or before.end_lineno < stmt.lineno) and (  # type: ignore[operator]
        after is None or after.lineno > stmt.end_lineno  # type: ignore[operator]
    )


def is_call_statement(stmt: ast.stmt, call: ast.Call) -> bool:
    """`call` or `await call` as a statement of its own."""
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    return value is call


def awaited(stmt: ast.stmt, call: ast.Call) -> bool:
    """Whether `call` is awaited in `stmt` (`await c`, `await asyncio.wait_for(c, 5)`)."""
    return any(
        isinstance(node, ast.Await) and any(inner is call for inner in ast.walk(node.value))
        for node in ast.walk(stmt)
    )


def calls_method(statements: List[ast.stmt], var: str, method: str) -> bool:
    return any(
        _method_call_on(node, var, method) for stmt in statements for node in ast.walk(stmt)
    )


def hands_over(statements: List[ast.stmt], var: str) -> bool:
    """Whether any of the statements (nested ones included) gives the object away."""
    for stmt in statements:
        for node in ast.walk(stmt):
            if isinstance(node, ast.stmt) and _releases(node, var):
                return True
            if _releases_in_expression(node, var):
                return True
    return False


def rebinds(statements: List[ast.stmt], var: str) -> bool:
    """Whether any of the statements (nested scopes included, to be safe) binds the name."""
    for stmt in statements:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and node.id == var and not isinstance(node.ctx, ast.Load):
                return True
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if node.name == var:
                    return True
            elif isinstance(node, ast.alias):
                if (node.asname or node.name.partition(".")[0]) == var:
                    return True
            elif isinstance(node, (ast.Global, ast.Nonlocal)) and var in node.names:
                return True
            elif getattr(node, "name", None) == var or getattr(node, "rest", None) == var:
                return True  # `except E as var`, match-case captures
    return False


def used_after(function: FunctionNode, block: List[ast.stmt], var: str) -> bool:
    """Whether the name appears in the function after the end of `block`."""
    end = (block[-1].end_lineno, block[-1].end_col_offset)
    return any(
        isinstance(node, ast.Name)
        and node.id == var
        and (node.lineno, node.col_offset) >= end  # type: ignore[operator]
        for stmt in function.body
        for node in ast.walk(stmt)
    )
