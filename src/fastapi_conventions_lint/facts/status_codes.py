"""Integer literals used as HTTP status codes (FCL401): `status_code=` of route decorators,
`add_api_route`, `HTTPException` and the response classes; `code=` of `WebSocketException`;
`HTTPException`'s first positional argument; the integer keys of `responses={...}`. Only the
lines that name one of these are looked at."""

from __future__ import annotations

import ast
import io
import re
from dataclasses import dataclass
from typing import List, Optional, Tuple

from fastapi_conventions_lint.facts.lines import nodes_on_lines, pieces_on_lines
from fastapi_conventions_lint.facts.names import ImportTable

# A line that may hold such a literal: a keyword being given, or one of the classes called.
_MENTIONS = re.compile(r"\b(?:status_code|code|responses)\s*=|(?:HTTPException|WebSocketException|Response)\s*\(")
_EXCEPTIONS = frozenset({
    "fastapi.HTTPException", "fastapi.exceptions.HTTPException", "starlette.exceptions.HTTPException",
})
_WEBSOCKET_EXCEPTIONS = frozenset({
    "fastapi.WebSocketException", "fastapi.exceptions.WebSocketException",
    "starlette.exceptions.WebSocketException",
})
_RESPONSE_MODULES = ("fastapi.", "fastapi.responses.", "starlette.responses.")
_ROUTE_METHODS = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route",
    "add_api_route", "include_router",
})
_RESPONSES_OWNERS = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter", "fastapi.FastAPI"})


RESPONSES_KEY = "a `responses` key"


@dataclass(frozen=True)
class StatusLiteral:
    node: ast.Constant  # the integer
    where: str  # for messages: `status_code=`, `HTTPException(...)`, `responses key`


def _integer(node: Optional[ast.expr]) -> Optional[ast.Constant]:
    if isinstance(node, ast.Constant) and type(node.value) is int and 100 <= node.value <= 599:
        return node
    return None


def _is_response(name: Optional[str]) -> bool:
    return bool(name) and name.startswith(_RESPONSE_MODULES) and name.endswith("Response")  # type: ignore[union-attr]


def status_literals(tree: ast.Module, imports: ImportTable, text: Optional[str]) -> List[StatusLiteral]:
    if text is None or _MENTIONS.search(text) is None:
        return []
    found: List[StatusLiteral] = []
    for piece in nodes_on_lines(tree, text, _MENTIONS):
        for node in ast.walk(piece):
            if isinstance(node, ast.Call):
                found += _in_call(node, imports)
    unique = {id(item.node): item for item in found}
    return sorted(unique.values(), key=lambda item: (item.node.lineno, item.node.col_offset))


def _in_call(call: ast.Call, imports: ImportTable) -> List[StatusLiteral]:
    name = imports.qualname(call.func)
    route = isinstance(call.func, ast.Attribute) and call.func.attr in _ROUTE_METHODS
    found = []
    for keyword in call.keywords:
        literal = _integer(keyword.value)
        if keyword.arg == "status_code" and literal is not None and (route or name in _EXCEPTIONS or _is_response(name)):
            found.append(StatusLiteral(literal, "status_code="))
        elif keyword.arg == "code" and literal is not None and name in _WEBSOCKET_EXCEPTIONS:
            found.append(StatusLiteral(literal, "code="))
        elif keyword.arg == "responses" and isinstance(keyword.value, ast.Dict) and (route or name in _RESPONSES_OWNERS):
            found += [
                StatusLiteral(key, RESPONSES_KEY)
                for key in map(_integer, keyword.value.keys) if key is not None
            ]
    if name in _EXCEPTIONS and call.args:
        literal = _integer(call.args[0])
        if literal is not None:
            found.append(StatusLiteral(literal, "HTTPException's status code"))
    return found


# The name each style of constant is reached through, and what it may already be bound to.
STYLE_NAMES = {
    "fastapi": ("status", ("fastapi.status", "starlette.status"), "HTTP_"),
    "http": ("HTTPStatus", ("http.HTTPStatus",), "[A-Z]"),
}


def status_name_free(
    imports: ImportTable, text: Optional[str], style: str = "fastapi", tree: Optional[ast.Module] = None
) -> bool:
    """Whether the style's name (`status`, `HTTPStatus`) may be imported in this file: it is
    unbound or already the right object, and the code names no other one (a parameter, a
    variable, a function: any use of the bare name other than as `status.HTTP_...`). A
    reading of the text answers most files without a walk of the tree, the lines of the import
    statements left out (`from fastapi import (\n    status,\n)`); where the rest still names
    the word (`dict(status="ok")`), the tree decides."""
    name, allowed, constant = STYLE_NAMES[style]
    bound = imports.bindings.get(name)
    if bound is not None and bound not in allowed:
        return False
    if text is None:
        return False
    word = re.compile(rf"(?<![\"'.])\b{name}\b(?!\s*\.\s*{constant}|[\"'])")

    def used(lines: List[str]) -> bool:
        rest = "\n".join(line for line in lines if not line.lstrip().startswith(("import ", "from ")))
        return word.search(rest) is not None

    lines = io.StringIO(text, newline=None).read().split("\n")  # the lines `ast` counts
    if not used(lines):
        return True  # most files: no need to find the import statements
    if tree is None or _bound_by_a_statement(tree, name, allowed, lines):
        return False
    # The import statements' lines are blank now: where the word still stands, the pieces
    # of code on those lines decide (lines.py).
    on = [number for number, line in enumerate(lines, start=1) if word.search(line)]
    for piece in pieces_on_lines(tree, on):
        if _names_another(piece, name, constant, imported=bound is not None):
            return False
    return True


def _bound_by_a_statement(tree: ast.Module, name: str, allowed: Tuple[str, ...], lines: List[str]) -> bool:
    """Whether a statement binds the name by itself, anywhere in the module: `def status`,
    `class status`, `except ... as status`, `global status`, an import of another object as
    it. Only statements are visited (cheap); expressions are `_names_another`'s. The lines
    of the import statements are blanked in `lines` on the way."""
    blocks = [tree.body]
    while blocks:
        for statement in blocks.pop():
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                for index in range(statement.lineno - 1, statement.end_lineno or statement.lineno):
                    lines[index] = ""
                for alias in statement.names:
                    bound = alias.asname or alias.name.split(".")[0]
                    whole = f"{statement.module}.{alias.name}" if isinstance(statement, ast.ImportFrom) else alias.name
                    if bound == name and (getattr(statement, "level", 0) or whole not in allowed):
                        return True
                continue
            if getattr(statement, "name", None) == name:
                return True
            if isinstance(statement, (ast.Global, ast.Nonlocal)) and name in statement.names:
                return True
            for handler in getattr(statement, "handlers", ()):
                if handler.name == name:
                    return True
                blocks.append(handler.body)
            for field in ("body", "orelse", "finalbody"):
                nested = getattr(statement, field, None)
                if isinstance(nested, list):
                    blocks.append(nested)
            for case in getattr(statement, "cases", ()):
                blocks.append(case.body)
    return False


def _names_another(piece: ast.AST, name: str, constant: str, imported: bool) -> bool:
    """Whether a piece of code binds the name, or, when the file does not import it yet,
    reads it other than as `name.CONSTANT` (a keyword argument `status=...` is no use of it).
    `ast.walk` visits a node before its children: an attribute is seen before its base."""
    constant_attribute = re.compile(constant)
    as_module = set()
    for node in ast.walk(piece):
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == name and constant_attribute.match(node.attr):
                as_module.add(id(node.value))
        elif isinstance(node, ast.Name):
            if node.id == name and id(node) not in as_module and not (imported and isinstance(node.ctx, ast.Load)):
                return True
        elif isinstance(node, ast.arg):
            if node.arg == name:
                return True
        elif getattr(node, "name", None) == name and not isinstance(node, ast.alias):
            return True  # a nested function or class, a `case` capture, a type parameter
    return False
