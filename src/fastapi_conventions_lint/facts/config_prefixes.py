"""Matching hardcoded prefixes against the configured constants, and spelling the
replacement (FCL001's message now, its fix later)."""

from __future__ import annotations

import ast
from typing import Mapping, Optional, Tuple

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts.names import ImportTable, refers_to


def longest_constant(text: str, prefixes: Mapping[str, str]) -> Optional[Tuple[str, str]]:
    """(name, value) of the longest constant that is a whole-segment prefix of `text`."""
    best: Optional[Tuple[str, str]] = None
    for name, value in prefixes.items():
        if not value or value.endswith("/"):
            continue
        if text == value or text.startswith(value + "/"):
            if best is None or len(value) > len(best[1]):
                best = (name, value)
    return best


def config_reference(imports: ImportTable, settings: Settings) -> Tuple[str, bool]:
    """How the file refers to the configured object, and whether it is already bound: an
    alias it imported (`cfg`), a module path through an imported package, else the object's
    own name (which a fix would import)."""
    target = settings.api_config_qualname
    for local, qualname in imports.bindings.items():
        if refers_to(qualname, target):
            return local, True
    for local, qualname in imports.bindings.items():
        if target.startswith(qualname + "."):
            return local + target[len(qualname):], True
    return settings.api_config_name, False


def _fstring_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("{", "{{").replace("}", "}}")


def replacement(node: ast.expr, constant: str, value: str, reference: str) -> Optional[str]:
    """Source text that builds the same string from `reference.constant`, for a string
    literal or an f-string whose literal head starts with `value`; None otherwise."""
    attribute = f"{reference}.{constant}"
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        rest = node.value[len(value):]
        return attribute if not rest else f'f"{{{attribute}}}{_fstring_literal(rest)}"'
    if (
        isinstance(node, ast.JoinedStr)
        and node.values
        and isinstance(node.values[0], ast.Constant)
        and node.values[0].value.startswith(value)
    ):
        rest = node.values[0].value[len(value):]
        tail = ast.unparse(ast.JoinedStr(values=node.values[1:]))[2:-1] if node.values[1:] else ""
        if '"' in tail or "\\" in tail:
            return None
        return f'f"{{{attribute}}}{_fstring_literal(rest)}{tail}"'
    return None
