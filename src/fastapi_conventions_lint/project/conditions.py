"""The conditions a statement runs under: the tests of the `if` statements around it, as
written (`settings.ENVIRONMENT == "local"`; the `else` branch as `not (...)`)."""

from __future__ import annotations

import ast
from typing import Iterator, List, Optional, Sequence, Tuple


def _holds(block: Sequence[ast.stmt], line: int) -> Optional[ast.stmt]:
    for stmt in block:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            return stmt
    return None


def _blocks(stmt: ast.stmt) -> Iterator[List[ast.stmt]]:
    """The statement lists inside a compound statement."""
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for part in getattr(stmt, "handlers", None) or getattr(stmt, "cases", None) or ():
        yield part.body


def conditions_at(tree: ast.Module, line: int) -> Tuple[str, ...]:
    found: List[str] = []
    block: Sequence[ast.stmt] = tree.body
    while True:
        stmt = _holds(block, line)
        if stmt is None:
            return tuple(found)
        if isinstance(stmt, ast.If):
            test = ast.unparse(stmt.test)
            if _holds(stmt.body, line) is not None:
                found.append(test)
                block = stmt.body
            elif _holds(stmt.orelse, line) is not None:
                found.append(f"not ({test})")
                block = stmt.orelse
            else:
                return tuple(found)  # the line is the test itself
            continue
        inner = next((b for b in _blocks(stmt) if _holds(b, line) is not None), None)
        if inner is None:
            return tuple(found)
        block = inner
