"""Where a line sits in a module's statements: the compound statements around it and the
branch of each (the whole-app rules ask which registrations exclude each other; the route
table, which `if` tests an include runs under)."""

from __future__ import annotations

import ast
from typing import List, Optional, Sequence, Tuple

from fastapi_conventions_lint.handler_bodies import body_lines


def blocks_of(stmt: ast.stmt) -> Tuple[str, List[Tuple[str, List[ast.stmt]]]]:
    """A compound statement's kind and its statement lists, each with the branch it is."""
    if isinstance(stmt, ast.If):
        return "if", [("then", stmt.body), ("else", stmt.orelse)]
    if isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
        return "loop", [("body", stmt.body), ("body", stmt.orelse)]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return "with", [("body", stmt.body)]
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return "def", [("body", stmt.body)]
    handlers = getattr(stmt, "handlers", None)
    if handlers is not None:  # try (and try/except* on 3.11+)
        return "try", (
            [("body", stmt.body), ("body", stmt.orelse)]  # type: ignore[attr-defined]
            + [(f"except{n}", handler.body) for n, handler in enumerate(handlers)]
            + [("finally", stmt.finalbody)]  # type: ignore[attr-defined]
        )
    cases = getattr(stmt, "cases", None)
    if cases is not None:  # match
        return "match", [(f"case{n}", case.body) for n, case in enumerate(cases)]
    return "simple", []


def _containing(block: Sequence[ast.stmt], line: int) -> Optional[ast.stmt]:
    for stmt in block:
        if stmt.lineno <= line <= (stmt.end_lineno or stmt.lineno):
            return stmt
    return None


def enclosing(tree: ast.Module, line: int) -> List[Tuple[ast.stmt, str]]:
    """The compound statements that enclose `line`, outermost first, with the branch taken."""
    path: List[Tuple[ast.stmt, str]] = []
    block: Sequence[ast.stmt] = tree.body
    while True:
        stmt = _containing(block, line)
        if stmt is None:
            return path
        dropped = body_lines(stmt)
        if dropped is not None and not dropped[0] <= line <= dropped[1]:
            return path  # in the head of a function whose body is let go: not brought back
        _, parts = blocks_of(stmt)
        for branch, body in parts:
            if _containing(body, line) is not None:
                path.append((stmt, branch))
                block = body
                break
        else:
            return path


def conditions_at(tree: ast.Module, line: int) -> Tuple[str, ...]:
    """The tests of the `if` statements around `line`, as written; an `else` branch's as
    `not (...)`."""
    return tuple(
        ast.unparse(stmt.test) if branch == "then" else f"not ({ast.unparse(stmt.test)})"
        for stmt, branch in enclosing(tree, line) if isinstance(stmt, ast.If)
    )
