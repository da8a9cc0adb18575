"""The pieces of a module on the lines whose text matches a pattern: a cheap way to look at
the few statements a rule cares about without walking the whole tree."""

from __future__ import annotations

import ast
import re
from typing import Dict, Iterable, Iterator, Pattern, Sequence

LINE_END = re.compile(r"\r\n|\r|\n")


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _nodes_at(block: Sequence[ast.AST], line: int) -> Iterator[ast.AST]:
    """The smallest pieces of the block that hold `line`: a simple statement, or the header
    (decorators, test, arguments...) of a compound one; bodies are entered, not walked."""
    for stmt in block:
        if not hasattr(stmt, "lineno"):  # a `case` of a `match`: its pattern has the lines
            yield from (part for part in (stmt.pattern, stmt.guard) if part is not None)  # type: ignore[attr-defined]
            yield from _nodes_at(stmt.body, line)  # type: ignore[attr-defined]
            continue
        decorators = getattr(stmt, "decorator_list", None) or ()
        start = min([stmt.lineno] + [d.lineno for d in decorators])  # type: ignore[attr-defined]
        if not start <= line <= (stmt.end_lineno or stmt.lineno):  # type: ignore[attr-defined]
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


def nodes_on_lines(tree: ast.Module, text: str, pattern: Pattern[str]) -> Iterable[ast.AST]:
    """The smallest pieces (see `_nodes_at`) on every line `pattern` finds something on."""
    found: Dict[int, ast.AST] = {}
    for number, line in enumerate(LINE_END.split(text), start=1):
        if pattern.search(line):
            for node in _nodes_at(tree.body, number):
                found[id(node)] = node
    return found.values()
