"""Cleanup after a `yield` that an exception skips (FCL303): in a lifespan function or a yield
dependency, the statements that run after the `yield` only when nothing went wrong.

Which functions are meant: the names a file passes to `Depends(...)`/`Security(...)` or as
`lifespan=`. A local name is this file's function; an imported one is asked about in the
project pass, where the function's module is known.

What counts as unprotected: the statements after a `yield`, in its block and in the blocks
around it up to the function's body, that are not inside a `try` with a `finally` (or a `with`)
enclosing the `yield`. Inside such a `try`, code after the `yield` is the success path
(`db.commit()`) and the `finally` is the cleanup: that is the convention, not a fault. `pass`,
a bare `return` and logging calls are no cleanup and are not counted.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint.facts.calls import SCOPES, argument, keyword, same_scope
from fastapi_conventions_lint.facts.lifecycle import child_blocks, own_expressions
from fastapi_conventions_lint.facts.lines import nodes_on_lines
from fastapi_conventions_lint.facts.model import FunctionNode
from fastapi_conventions_lint.facts.names import DEPENDS, ImportTable

_LOGGING = frozenset({"debug", "info", "warning", "warn", "error", "exception", "critical", "log"})
# Statements that cannot move into a `finally` without changing what the function does.
_TRY = tuple(getattr(ast, name) for name in ("Try", "TryStar") if hasattr(ast, name))
_NOT_MOVABLE = (ast.Return, ast.Break, ast.Continue, ast.Yield, ast.YieldFrom)


@dataclass(frozen=True)
class YieldCleanup:
    function: FunctionNode
    yield_node: ast.expr  # the `yield` the cleanup follows: where it is reported
    after: Tuple[ast.stmt, ...]  # the unprotected statements, in source order
    # None when the fix can wrap the `yield` (a statement of the function's own body, all the
    # rest of the body may move into a `finally`), else why it cannot.
    movable: Optional[str] = None


@dataclass
class DependencyTargets:
    """What a file passes to `Depends`/`Security` or as `lifespan=`."""

    local: Set[str]  # names of the file's own functions (or any name not imported)
    imported: Set[str]  # qualnames as the file imports them (`app.db.get_db`, `..deps.x`)
    lifespans: Set[str] = field(default_factory=set)  # those of both passed as `lifespan=`


def dependency_targets(
    calls: Iterable[ast.Call], imports: ImportTable, text: Optional[str] = None,
) -> DependencyTargets:
    """The functions the given calls (every call of the file) make dependencies or lifespans."""
    targets = DependencyTargets(set(), set())
    if text is not None and not any(word in text for word in ("Depends", "Security", "lifespan")):
        return targets
    for call in calls:
        chosen: Optional[ast.expr] = None
        lifespan = keyword(call, "lifespan")
        if lifespan is not None:
            chosen = lifespan.value
        elif imports.qualname(call.func) in DEPENDS:
            chosen = argument(call, 0, "dependency")
        if chosen is None:
            continue
        qualname = imports.qualname(chosen)
        if qualname is not None and (not isinstance(chosen, ast.Name) or chosen.id in imports.bindings):
            targets.imported.add(qualname)
        elif isinstance(chosen, ast.Name):
            targets.local.add(qualname := chosen.id)
        if qualname is not None and lifespan is not None:
            targets.lifespans.add(qualname)
    return targets


def every_call(tree: ast.Module, imports: ImportTable, text: Optional[str] = None) -> Iterator[ast.Call]:
    """The calls of the module; with its text, only those in the pieces on the lines that
    name `Depends`, `Security` (or a name they are imported as) or `lifespan=`."""
    pieces: Iterable[ast.AST] = [tree]
    if text is not None:
        names = {"Depends", "Security"} | {
            local for local, target in imports.bindings.items() if target in DEPENDS
        }
        mentions = re.compile(r"\b(?:" + "|".join(sorted(names)) + r")\b|\blifespan\s*=")
        pieces = nodes_on_lines(tree, text, mentions)
    for piece in pieces:
        for node in ast.walk(piece):
            if isinstance(node, ast.Call):
                yield node


# ---- the function's own statements ---------------------------------------------------------

def _yields_in(stmt: ast.stmt) -> List[ast.expr]:
    """The `yield`s a statement holds itself (not those of its nested blocks or scopes)."""
    return [node for node in own_expressions(stmt) if isinstance(node, (ast.Yield, ast.YieldFrom))]  # type: ignore[misc]


def is_generator(function: FunctionNode) -> bool:
    return any(
        isinstance(node, (ast.Yield, ast.YieldFrom)) for node in same_scope(function.body)  # type: ignore[arg-type]
    )


def _is_no_cleanup(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.Return) and stmt.value is None):
        return True
    if not isinstance(stmt, ast.Expr):
        return False
    value = stmt.value.value if isinstance(stmt.value, ast.Await) else stmt.value
    if isinstance(value, ast.Constant):
        return True  # a string used as a comment
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    return isinstance(func, ast.Attribute) and func.attr in _LOGGING


def _movable(function: FunctionNode, stmt: ast.stmt, top_level: bool) -> Optional[str]:
    """Why the fix cannot wrap this `yield`, or None when it can: all the rest of the
    function's body moves into the `finally`."""
    if not top_level or not isinstance(stmt, ast.Expr) or not isinstance(stmt.value, ast.Yield):
        return "the `yield` is not a statement of the function's own body"
    tail = function.body[function.body.index(stmt) + 1:]
    for node in same_scope(tail):  # type: ignore[arg-type]
        if isinstance(node, _NOT_MOVABLE):
            return "the code after the `yield` returns, yields or leaves a loop"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            return "the code after the `yield` commits: in a `finally` it would commit after an error"
    return None


def yield_cleanups(function: FunctionNode) -> List[YieldCleanup]:
    """Each `yield` of the function with statements after it that an exception skips."""
    found: List[YieldCleanup] = []
    # (block, statements around: list of (parent statement, field, block) outermost first)
    stack: List[Tuple[List[ast.stmt], Tuple[Tuple[ast.stmt, str, List[ast.stmt]], ...]]] = [(function.body, ())]
    while stack:
        block, around = stack.pop()
        for index, stmt in enumerate(block):
            if isinstance(stmt, SCOPES):
                continue
            for node in _yields_in(stmt):
                after = _unprotected_after(block, index, around)
                if after:
                    found.append(YieldCleanup(
                        function, node, tuple(after), _movable(function, stmt, not around),
                    ))
            if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
                continue  # a `yield` in a loop: no dependency or lifespan shape
            for name, child in child_blocks(stmt):
                stack.append((child, around + ((stmt, name, block),)))
    found.sort(key=lambda item: (item.yield_node.lineno, item.yield_node.col_offset))
    return found


def _protects(stmt: ast.stmt, via: str) -> bool:
    """Whether leaving this statement's `via` block runs cleanup whatever happened."""
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return True
    return isinstance(stmt, _TRY) and bool(stmt.finalbody) and via != "finalbody"


def _unprotected_after(
    block: List[ast.stmt], index: int, around: Tuple[Tuple[ast.stmt, str, List[ast.stmt]], ...],
) -> List[ast.stmt]:
    """The statements after the `yield`, innermost block first, less those inside a `try` with
    a `finally` (or a `with`) that encloses the `yield`: they are its success path."""
    levels = [(block, index)]
    for parent, via, parent_block in reversed(around):
        if isinstance(parent, _TRY) and via == "handlers":
            return []  # a `yield` in an `except` clause: no dependency or lifespan shape
        if _protects(parent, via):
            levels = []
        levels.append((parent_block, parent_block.index(parent)))
    statements = [
        stmt for level_block, position in levels for stmt in level_block[position + 1:]
        if not _is_no_cleanup(stmt)
    ]
    statements.sort(key=lambda stmt: (stmt.lineno, stmt.col_offset))
    return statements


def local_cleanups(functions: Dict[str, FunctionNode], names: Iterable[str]) -> List[YieldCleanup]:
    found: List[YieldCleanup] = []
    for name in sorted(set(names)):
        function = functions.get(name)
        if function is not None and is_generator(function):
            found.extend(yield_cleanups(function))
    found.sort(key=lambda item: (item.yield_node.lineno, item.yield_node.col_offset))
    return found


def add_dependencies(facts, names: Dict[str, bool]) -> None:
    """Count functions other modules make dependencies (False) or lifespans (True) as the
    file's own targets: what the project says, applied to the file's facts."""
    targets = facts.dependency_targets
    new = {name for name in names if name not in targets.local}
    targets.local |= new
    targets.lifespans |= {name for name in new if names[name]}
    if new:
        facts.yield_cleanups = sorted(
            [*facts.yield_cleanups, *local_cleanups(facts.functions, new)],
            key=lambda item: (item.yield_node.lineno, item.yield_node.col_offset),
        )
