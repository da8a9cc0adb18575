"""Measurements of a route handler's body: size, complexity and direct data access."""

from __future__ import annotations

import ast
from typing import Collection, Iterator, List, Mapping, Optional, Set, Tuple

from fastapi_conventions_lint.facts.model import FunctionNode
from fastapi_conventions_lint.facts.names import (
    ANNOTATED,
    OPTIONAL,
    SQL_STATEMENT_BUILDERS,
    SQL_STATEMENT_PACKAGES,
    ImportTable,
    is_db_type,
)
from fastapi_conventions_lint.facts.values import bound_expression

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
    return max((graph.complexity() for graph in visitor.graphs.values()), default=1)


class DataAccessFinder:
    """Finds the first direct data-layer call in a handler (FCL102)."""

    def __init__(
        self,
        imports: ImportTable,
        bindings: Mapping[str, object],
        handle_names: Collection[str],
        access_methods: Collection[str],
    ) -> None:
        self._imports = imports
        self._bindings = bindings
        self._handle_names = frozenset(handle_names)
        self._methods = frozenset(access_methods)

    def first_call(self, function: FunctionNode) -> Optional[Tuple[ast.Call, str]]:
        """The first call in source order, with the name to show for it."""
        handles = set(self._typed_parameters(function))
        calls = sorted(
            (node for node in self._walk(function, handles) if isinstance(node, ast.Call)),
            key=lambda node: (node.lineno, node.col_offset),
        )
        for call in calls:
            described = self._describe(call, handles)
            if described:
                return call, described
        return None

    def _walk(self, function: FunctionNode, handles: Set[str]) -> Iterator[ast.AST]:
        """All nodes of the body; on the way, `x = <handle>.attr` makes `x` a handle too."""
        for node in ast.walk(ast.Module(body=function.body, type_ignores=[])):
            if isinstance(node, ast.Assign) and self._is_handle(node.value, handles):
                handles.update(t.id for t in node.targets if isinstance(t, ast.Name))
            yield node

    def _describe(self, call: ast.Call, handles: Set[str]) -> Optional[str]:
        func = call.func
        qualname = self._imports.qualname(func)
        if qualname and not qualname.startswith("."):
            package, _, rest = qualname.partition(".")
            name = rest.rpartition(".")[2]
            if package in SQL_STATEMENT_PACKAGES and name in SQL_STATEMENT_BUILDERS:
                return f"{qualname}()"
        if (
            isinstance(func, ast.Attribute)
            and func.attr in self._methods
            and self._is_handle(func.value, handles)
        ):
            return f"{ast.unparse(func)}()"
        return None

    def _is_handle(self, node: ast.expr, handles: Set[str]) -> bool:
        if isinstance(node, ast.Name):
            return node.id in handles or self._is_handle_name(node.id)
        if isinstance(node, ast.Attribute):
            return self._is_handle_name(node.attr) or self._is_handle(node.value, handles)
        if isinstance(node, ast.Subscript):
            return self._is_handle(node.value, handles)
        return False

    def _is_handle_name(self, name: str) -> bool:
        return name in self._handle_names or name.endswith(("_collection", "_db"))

    def _typed_parameters(self, function: FunctionNode) -> Iterator[str]:
        arguments = function.args
        for parameter in (
            arguments.posonlyargs + arguments.args + arguments.kwonlyargs
        ):
            if parameter.annotation is not None and self._is_db_annotation(parameter.annotation, 0):
                yield parameter.arg

    def _is_db_annotation(self, node: ast.expr, depth: int) -> bool:
        if depth > 8:
            return False
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                node = ast.parse(node.value, mode="eval").body
            except SyntaxError:
                return False
        if isinstance(node, ast.Name) and node.id not in self._imports.bindings:
            alias = bound_expression(self._bindings, node.id)
            return alias is not None and self._is_db_annotation(alias, depth + 1)
        if isinstance(node, ast.Subscript):
            outer = self._imports.qualname(node.value)
            inner = node.slice
            elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            if outer in ANNOTATED:
                return self._is_db_annotation(elements[0], depth + 1)
            if outer in OPTIONAL:
                return any(self._is_db_annotation(element, depth + 1) for element in elements)
            return False
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return self._is_db_annotation(node.left, depth + 1) or self._is_db_annotation(
                node.right, depth + 1
            )
        return is_db_type(self._imports.qualname(node))
