"""Where a file reads the process environment (`os.getenv`, `os.environ[...]`,
`os.environ.get`), through whatever names its imports give `os`, `environ` and `getenv`."""

from __future__ import annotations

import ast
from typing import List, Optional

from fastapi_conventions_lint.facts.names import ImportTable

_READ_CALLS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
_MAPPINGS = frozenset({"os.environ", "os.environb"})


def environment_reads(tree: ast.AST, imports: ImportTable, text: Optional[str] = None) -> List[ast.expr]:
    """The calls and subscripts that read an environment variable, in source order. A file
    whose text names neither `environ` nor `getenv` is not walked."""
    if text is not None and "environ" not in text and "getenv" not in text:
        return []
    if not any(name.startswith("os") for name in imports.bindings.values()):
        return []
    found: List[ast.expr] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if imports.qualname(node.func) in _READ_CALLS:
                found.append(node)
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if imports.qualname(node.value) in _MAPPINGS:
                found.append(node)
    found.sort(key=lambda node: (node.lineno, node.col_offset))
    return found
