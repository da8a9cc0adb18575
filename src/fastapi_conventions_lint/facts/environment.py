"""Where a file reads the process environment (`os.getenv`, `os.environ[...]`,
`os.environ.get`), through whatever names its imports give `os`, `environ` and `getenv`."""

from __future__ import annotations

import ast
import re
from typing import Dict, Iterable, Iterator, List, Optional, Sequence

from fastapi_conventions_lint.facts.names import ImportTable

_READ_CALLS = frozenset({"os.getenv", "os.getenvb", "os.environ.get", "os.environb.get"})
_MAPPINGS = frozenset({"os.environ", "os.environb"})
_FROM_OS = frozenset({"os.environ", "os.environb", "os.getenv", "os.getenvb"})


_LINE_END = re.compile(r"\r\n|\r|\n")


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _nodes_at(block: Sequence[ast.AST], line: int) -> Iterator[ast.AST]:
    """The smallest pieces of the block that hold `line`: a simple statement, or the header
    (decorators, test, arguments...) of a compound one; bodies are entered, not walked."""
    for stmt in block:
        if not stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):  # type: ignore[attr-defined]
            continue
        nested = [getattr(stmt, name, None) or [] for name in _BLOCKS]
        if not any(nested):
            yield stmt
            continue
        for name, value in ast.iter_fields(stmt):
            if name in _BLOCKS:
                yield from _nodes_at(value, line)
            elif isinstance(value, ast.AST):
                yield value
            elif isinstance(value, list):
                yield from (item for item in value if isinstance(item, ast.AST))


def _nodes_to_walk(tree: ast.Module, imports: ImportTable, text: Optional[str]) -> Iterable[ast.AST]:
    """The pieces of the module on the lines that name `os` or what the file imports from it
    under any name (the whole module when the text is not at hand)."""
    if text is None:
        return [tree]
    names = [name for name, target in imports.bindings.items() if target == "os" or target in _FROM_OS]
    mentions = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
    found: Dict[int, ast.AST] = {}
    for number, line in enumerate(_LINE_END.split(text), start=1):
        if mentions.search(line):
            for node in _nodes_at(tree.body, number):
                found[id(node)] = node
    return found.values()


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
