"""A codemod whose edits stay inside a few statements need not see the rest of the module.

LibCST's cost is proportional to the module (parsing, positions, code generation), while a
fix usually touches two or three statements. `outline` keeps the top-level statements that
matter, the imports at the top, the statement after them and the statements holding the edits,
and stands each line of every other top-level statement in for a numbered comment line: the
lines keep their numbers, so positions found with `ast` still point at the same code.
`restore` puts the original lines back in place of those comments in the rewritten text, and
gives up (None) unless every stand-in comes back once, in order, with the lines of one
statement still together.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint.fix.parsed import parsed
from fastapi_conventions_lint.source import lines_with_ends

# A module shorter than this is rewritten whole: outlining would save little.
MIN_LINES = 80

_MARK = "#\u2063fcl-line "
_STAND_IN = re.compile(r"^#\u2063fcl-line (\d+)(\r\n|\r|\n)?$")


class Outline:
    def __init__(self, lines: List[str], stand_ins: Dict[int, int], text: str) -> None:
        self.lines = lines  # the original lines, line ends kept
        self.stand_ins = stand_ins  # 0-based line -> the top-level statement it belongs to
        self.text = text  # the outlined module


def _span(statement: ast.stmt) -> Tuple[int, int]:
    decorators = getattr(statement, "decorator_list", ())
    start = min([statement.lineno] + [decorator.lineno for decorator in decorators])
    return start, statement.end_lineno or statement.lineno


def _has_import(statement: ast.stmt) -> bool:
    return any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(statement))


def _kept(body: Sequence[ast.stmt], target_lines: Set[int]) -> List[bool]:
    keep = [False] * len(body)
    index = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        keep[0], index = True, 1  # the docstring
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        keep[index] = True
        index += 1
    if index < len(body):
        keep[index] = True  # what follows the imports decides how an added one is set off
    spans = [_span(statement) for statement in body]
    for number, statement in enumerate(body):
        start, end = spans[number]
        if any(start <= line <= end for line in target_lines):
            keep[number] = True
        elif not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and _has_import(statement):
            keep[number] = True  # `if TYPE_CHECKING: import ...`: how names are imported
    # Statements sharing a line (`a = 1; b = 2`) are kept or left out together.
    changed = True
    while changed:
        changed = False
        kept_lines = {line for number, (start, end) in enumerate(spans) if keep[number] for line in range(start, end + 1)}
        for number, (start, end) in enumerate(spans):
            if not keep[number] and any(line in kept_lines for line in range(start, end + 1)):
                keep[number] = changed = True
    return keep


def outline(text: str, target_lines: Set[int]) -> Optional[Outline]:
    """The module with the statements the edits do not need stood in for by comments, or
    None when that saves nothing or cannot be done safely."""
    lines = lines_with_ends(text)
    if len(lines) < MIN_LINES or _MARK in text:
        return None
    try:
        body = parsed(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    keep = _kept(body, target_lines)
    stand_ins: Dict[int, int] = {}
    for number, statement in enumerate(body):
        if not keep[number]:
            start, end = _span(statement)
            for line in range(start - 1, end):
                stand_ins[line] = number
    if len(stand_ins) < len(lines) // 2:
        return None
    outlined = []
    for index, line in enumerate(lines):
        if index in stand_ins:
            ending = line[len(line.rstrip("\r\n")):]
            outlined.append(f"{_MARK}{index}{ending}")
        else:
            outlined.append(line)
    return Outline(lines, stand_ins, "".join(outlined))


def restore(outlined: Outline, rewritten: str) -> Optional[str]:
    """The rewritten outline with the original lines back, or None when the rewrite moved,
    dropped or split the stand-ins."""
    result: List[str] = []
    expected = sorted(outlined.stand_ins)
    seen = 0
    previous: Optional[int] = None
    for line in lines_with_ends(rewritten):
        match = _STAND_IN.match(line)
        if match is None:
            if previous is not None and previous + 1 in outlined.stand_ins and (
                outlined.stand_ins[previous + 1] == outlined.stand_ins[previous]
            ):
                return None  # something was put inside a statement that was left out
            previous = None
            result.append(line)
            continue
        index = int(match.group(1))
        if seen >= len(expected) or expected[seen] != index:
            return None
        seen += 1
        previous = index
        result.append(outlined.lines[index])
    if seen != len(expected):
        return None
    return "".join(result)
