"""Measurements of a route handler's body: size, complexity and direct data access."""

from __future__ import annotations

import ast
from typing import Callable, Collection, Dict, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint.facts.data_handles import HandleTypes, Kind, combine
from fastapi_conventions_lint.facts.model import FunctionNode
from fastapi_conventions_lint.facts.names import SQL_STATEMENT_BUILDERS, SQL_STATEMENT_PACKAGES, ImportTable

_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
# Nodes that hold statements without being statements (`match_case` exists from 3.10 on).
_STATEMENT_HOLDERS = (ast.stmt, ast.excepthandler) + (
    (ast.match_case,) if hasattr(ast, "match_case") else ()
)


def _has_docstring(body: List[ast.stmt]) -> bool:
    first = body[0] if body else None
    return (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )


def count_statements(function: FunctionNode) -> int:
    """Every statement in the body, recursively, without the docstring; a nested function or
    class counts as one statement and its body is not counted."""
    body = function.body[1:] if _has_docstring(function.body) else function.body
    count = 0
    stack: List[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.stmt):
            count += 1
            if isinstance(node, _NESTED_SCOPES):
                continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _STATEMENT_HOLDERS):
                stack.append(child)
    return count


def complexity(function: FunctionNode) -> int:
    """McCabe complexity exactly as flake8's C901 (the `mccabe` package) computes it."""
    import mccabe  # imported here: only files with route handlers pay for it

    visitor = mccabe.PathGraphingAstVisitor()
    visitor.preorder(function, visitor)
    try:
        return max((graph.complexity() for graph in visitor.graphs.values()), default=1)
    finally:
        # The visitor refers to itself (its dispatch cache): freed now rather than at the next
        # collection, which a check, run with the collector off, never makes.
        visitor.__dict__.clear()


class DataAccessFinder:
    """Finds the first direct data-layer call in a handler (FCL102).

    A name is a data handle when its type says so (a parameter annotated with a session or
    connection type, or an alias of one in this file or another project module; a local bound
    to a call of such a class); when its type says it is something else (`aiohttp.ClientSession`,
    `str`), it is not; otherwise its name decides (`data-handle-names`, `*_db`, `*_collection`).
    """

    def __init__(
        self,
        imports: ImportTable,
        types: HandleTypes,
        handle_names: Collection[str],
        access_methods: Collection[str],
        access_functions: Collection[str] = (),
    ) -> None:
        self._imports = imports
        self._types = types
        self._handle_names = frozenset(handle_names)
        self._methods = frozenset(access_methods)
        self._functions = frozenset(access_functions)

    def first_call(self, function: FunctionNode) -> Optional[Tuple[ast.Call, str]]:
        """The first call in source order, with the name to show for it."""
        names = _NameKinds(self._types, function)
        handles: Set[str] = set()
        calls = sorted(
            (node for node in self._walk(function, handles, names) if isinstance(node, ast.Call)),
            key=lambda node: (node.lineno, node.col_offset),
        )
        for call in calls:
            described = self._describe(call, handles, names)
            if described:
                return call, described
        return None

    def _walk(self, function: FunctionNode, handles: Set[str], names: "_NameKinds") -> Iterator[ast.AST]:
        """All nodes of the body; on the way, `x = <handle>.attr` makes `x` a handle too."""
        for node in names.nodes:
            if isinstance(node, ast.Assign) and self._is_handle(node.value, handles, names):
                handles.update(t.id for t in node.targets if isinstance(t, ast.Name))
            yield node

    def _describe(self, call: ast.Call, handles: Set[str], names: "_NameKinds") -> Optional[str]:
        func = call.func
        qualname = self._imports.qualname(func)
        if qualname and not qualname.startswith("."):
            package, _, rest = qualname.partition(".")
            name = rest.rpartition(".")[2]
            if package in SQL_STATEMENT_PACKAGES and name in SQL_STATEMENT_BUILDERS:
                return f"{qualname}()"
        if self._functions and self._is_access_function(func, qualname):
            return f"{ast.unparse(func)}()"
        if (
            isinstance(func, ast.Attribute)
            and func.attr in self._methods
            and self._is_handle(func.value, handles, names)
        ):
            return f"{ast.unparse(func)}()"
        return None

    def _is_access_function(self, func: ast.expr, qualname: Optional[str]) -> bool:
        """A call of a configured data-layer function: by the last part of the name it is
        imported under (`from db import run_sql as q`), or a plain name of the file."""
        if qualname is not None:
            return qualname.rpartition(".")[2] in self._functions
        return isinstance(func, ast.Name) and func.id in self._functions

    def _is_handle(self, node: ast.expr, handles: Set[str], names: "_NameKinds") -> bool:
        if isinstance(node, ast.Name):
            if node.id in handles:
                return True
            kind = names.kind(node.id)
            return kind is Kind.HANDLE or (kind is Kind.UNKNOWN and self._is_handle_name(node.id))
        if isinstance(node, ast.Attribute):
            return self._is_handle_name(node.attr) or self._is_handle(node.value, handles, names)
        if isinstance(node, ast.Subscript):
            return self._is_handle(node.value, handles, names)
        return False

    def _is_handle_name(self, name: str) -> bool:
        return name in self._handle_names or name.endswith(("_collection", "_db"))


class _NameKinds:
    """What the parameters and locals of one handler are, from their annotations and the
    classes they are made from; judged on first use, since judging an imported annotation may
    mean reading another module."""

    def __init__(self, types: HandleTypes, function: FunctionNode) -> None:
        self._types = types
        self._evidence: Dict[str, List[Callable[[], Kind]]] = {}
        self._kinds: Dict[str, Kind] = {}
        arguments = function.args
        for parameter in arguments.posonlyargs + arguments.args + arguments.kwonlyargs:
            if parameter.annotation is not None:
                self._add(parameter.arg, types.annotation, parameter.annotation)
        # Every node of the body, kept for the search for calls (one walk per handler).
        self.nodes = list(ast.walk(ast.Module(body=function.body, type_ignores=[])))
        for node in self.nodes:
            self._binding(node)

    def _add(self, name: str, judge: Callable[[ast.expr], Kind], node: ast.expr) -> None:
        self._evidence.setdefault(name, []).append(lambda: judge(node))

    def _binding(self, node: ast.AST) -> None:
        types = self._types
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self._add(target.id, types.called, node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            self._add(node.target.id, types.annotation, node.annotation)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    # `with Session(engine) as s` binds what Session.__enter__ returns: a
                    # session for the data and HTTP clients alike.
                    self._add(item.optional_vars.id, types.called, item.context_expr)

    def kind(self, name: str) -> Kind:
        kind = self._kinds.get(name)
        if kind is None:
            kind = self._kinds[name] = combine([judge() for judge in self._evidence.get(name, ())])
        return kind
