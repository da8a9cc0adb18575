"""Where a file reads the process environment (`os.getenv`, `os.environ[...]`,
`os.environ.get`), through whatever names its imports give `os`, `environ` and `getenv`."""

from __future__ import annotations

import ast
import re
from typing import Iterable, List, Optional

from fastapi_conventions_lint.facts.lines import nodes_on_lines
from fastapi_conventions_lint.facts.names import ImportTable

_READ_CALLS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
_MAPPINGS = frozenset({"os.environ", "os.environb"})
_FROM_OS = frozenset({"os.environ", "os.environb", "os.getenv", "os.getenvb"})


def _nodes_to_walk(tree: ast.Module, imports: ImportTable, text: Optional[str]) -> Iterable[ast.AST]:
    """The pieces of the module on the lines that name `os` or what the file imports from it
    under any name (the whole module when the text is not at hand)."""
    if text is None:
        return [tree]
    names = [name for name, target in imports.bindings.items() if target == "os" or target in _FROM_OS]
    return nodes_on_lines(tree, text, re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b"))


def environment_reads(tree: ast.Module, imports: ImportTable, text: Optional[str] = None) -> List[ast.expr]:
    """The calls and subscripts that read an environment variable, in source order. Only the
    statements whose text names `environ` or `getenv` are walked."""
    if text is not None and "environ" not in text and "getenv" not in text:
        return []
    if not any(name == "os" or name in _FROM_OS for name in imports.bindings.values()):
        return []
    found: List[ast.expr] = []
    for node in (node for piece in _nodes_to_walk(tree, imports, text) for node in ast.walk(piece)):
        if isinstance(node, ast.Call):
            if imports.qualname(node.func) in _READ_CALLS:
                found.append(node)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if imports.qualname(node.value) in _MAPPINGS:
                found.append(node)
    found = list({id(node): node for node in found}.values())  # a header walked twice
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return found
