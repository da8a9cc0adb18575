"""Where an `HTTPException`'s detail is built from the exception an enclosing `except ... as e`
caught (FCL402): `str(e)`, `repr(e)`, an f-string or `format` holding `e`, `e.args`, an
attribute of `e`."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional

from fastapi_conventions_lint.facts.calls import argument, same_scope
from fastapi_conventions_lint.facts.names import ImportTable

HTTP_EXCEPTIONS = frozenset({
    "fastapi.HTTPException", "fastapi.exceptions.HTTPException", "starlette.exceptions.HTTPException",
})


def _handlers(block: List[ast.stmt]) -> Iterator[ast.ExceptHandler]:
    """The `except` clauses of the statements, at any depth, visiting statements only."""
    stack = list(block)
    while stack:
        stmt = stack.pop()
        for part in getattr(stmt, "handlers", None) or ():
            yield part
            stack.extend(part.body)
        for name in ("body", "orelse", "finalbody"):
            stack.extend(getattr(stmt, name, None) or ())
        for case in getattr(stmt, "cases", None) or ():
            stack.extend(case.body)


def _mentions(node: ast.expr, name: str) -> bool:
    return any(isinstance(child, ast.Name) and child.id == name for child in same_scope([node]))  # type: ignore[list-item]


def leaked_details(tree: ast.Module, imports: ImportTable, text: Optional[str] = None) -> List[ast.expr]:
    """The details that carry the caught exception, in source order. A file whose text has no
    `HTTPException` or no `except` is not walked."""
    if text is not None and ("HTTPException" not in text or "except" not in text):
        return []
    found = []
    for handler in _handlers(tree.body):
        if not handler.name:
            continue
        caught = handler.type
        if caught is not None and imports.qualname(caught) in HTTP_EXCEPTIONS:
            continue  # re-raising an HTTPException's own detail, meant for the client
        for node in same_scope(handler.body):
            if isinstance(node, ast.Call) and imports.qualname(node.func) in HTTP_EXCEPTIONS:
                detail = argument(node, 1, "detail")
                if detail is not None and _mentions(detail, handler.name):
                    found.append(detail)
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return found
