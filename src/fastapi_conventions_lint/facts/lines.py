"""The pieces of a module on the lines whose text matches a pattern: a cheap way to look at
the few statements a rule cares about without walking the whole tree."""

from __future__ import annotations

import ast
import bisect
import re
from typing import Iterable, Iterator, List, Optional, Pattern, Sequence, Set, Tuple

LINE_END = re.compile(r"\r\n|\r|\n")


_BLOCKS = ("body", "orelse", "finalbody", "handlers", "cases")


def _pieces(block: Sequence[ast.AST], lines: List[int]) -> Iterator[ast.AST]:
    """The smallest pieces of the block that hold one of the (sorted) lines: a simple
    statement, or the header (decorators, test, arguments...) of a compound one; bodies are
    entered, not walked."""
    for stmt in block:
        if not hasattr(stmt, "lineno"):  # a `case` of a `match`: its pattern has the lines
            yield from (part for part in (stmt.pattern, stmt.guard) if part is not None)  # type: ignore[attr-defined]
            yield from _pieces(stmt.body, lines)  # type: ignore[attr-defined]
            continue
        decorators = getattr(stmt, "decorator_list", None) or ()
        start = min([stmt.lineno] + [d.lineno for d in decorators])  # type: ignore[attr-defined]
        end = stmt.end_lineno or stmt.lineno  # type: ignore[attr-defined]
        at = bisect.bisect_left(lines, start)
        if at == len(lines) or lines[at] > end:
            continue
        if not any(getattr(stmt, name, None) for name in _BLOCKS):
            yield stmt
            continue
        for name, value in ast.iter_fields(stmt):
            if name in _BLOCKS:
                yield from _pieces(value, lines)
            elif isinstance(value, ast.AST):
                yield value
            elif isinstance(value, list):
                yield from (item for item in value if isinstance(item, ast.AST))


def nodes_on_lines(tree: ast.Module, text: str, pattern: Pattern[str]) -> Iterable[ast.AST]:
    """The smallest pieces (see `_pieces`) on every line `pattern` finds something on."""
    lines = [number for number, line in enumerate(LINE_END.split(text), start=1) if pattern.search(line)]
    return pieces_on_lines(tree, lines)


def line_numbers(text: str, positions: Sequence[int]) -> Set[int]:
    """The (1-based) lines of these positions in the text, its line ends counted as the
    parser counts them."""
    if not positions:
        return set()
    starts = [0]
    starts.extend(match.end() for match in LINE_END.finditer(text))
    return {bisect.bisect_right(starts, position) for position in positions}


def pieces_on_lines(tree: ast.Module, lines: List[int]) -> List[ast.AST]:
    """The smallest pieces (see `_pieces`) on these lines (1-based, sorted)."""
    return list(_pieces(tree.body, lines)) if lines else []


def span(node: ast.AST) -> Tuple[int, int, Optional[int], Optional[int]]:
    """Where a node is, start and end: the same for a node of the tree and for its copy in a
    tree parsed again from the same text (no two nodes of one tree that a rule tells apart
    share it)."""
    return (
        node.lineno, node.col_offset,  # type: ignore[attr-defined]
        getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None),
    )
