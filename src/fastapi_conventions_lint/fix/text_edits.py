"""The cheap path of a fix (pyupgrade's way): a rule whose fix replaces a few spans of text in
place (a literal replaced, a signature's default moved into its annotation) gets its edits at
the positions `ast` gives, without LibCST parsing, positioning and printing the whole module.

An import the edits need is still placed by fix/imports.py, on a LibCST parse of the file's
head alone (its docstring, its imports and the statement after them), and not at all when the
file imports the name already. Whatever this path is not sure to do exactly as the rule's
codemod would (a layout it does not know, a line the edit makes too long, a form feed LibCST
would see differently) it leaves to the codemod: `rewrite` answers None.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.codemods.lossless import may_lose
from fastapi_conventions_lint.fix.codemods.wrapping import lines_to_split, split_long_lines
from fastapi_conventions_lint.fix.context import FixContext
from fastapi_conventions_lint.fix.imports import Needed, Sections, place_imports
from fastapi_conventions_lint.fix.line_length import line_length_for
from fastapi_conventions_lint.fix.parsed import parsed
from fastapi_conventions_lint.source import lines_with_ends


@dataclass(frozen=True)
class Edit:
    """Replace the text from (line, column) to (end line, end column): 1-based lines,
    0-based columns in characters, the end exclusive (a diagnostic's span)."""

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass
class Edits:
    """What a rule's text path makes of its targets in one file."""

    edits: List[Edit] = field(default_factory=list)
    needed: List[Needed] = field(default_factory=list)  # `from module import name` to add
    applied: List[Diagnostic] = field(default_factory=list)

    def replace(self, start: Tuple[int, int], end: Tuple[int, int], text: str, diagnostic: Diagnostic) -> None:
        """Handle `diagnostic` by writing `text` in place of the span."""
        self.edits.append(Edit(*start, *end, text))
        self.applied.append(diagnostic)

    def need(self, module: str, name: str) -> None:
        if (module, name) not in self.needed:
            self.needed.append((module, name))


class Source:
    """A text being fixed, with its tree, and spans of it by `ast` position."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tree = parsed(text)
        self.lines = lines_with_ends(text)

    def column(self, line: int, byte_col: int) -> int:
        """An `ast` column (UTF-8 bytes) as characters."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return byte_col if text.isascii() else len(text.encode("utf-8")[:byte_col].decode("utf-8", "ignore"))

    def start(self, node: ast.AST) -> Tuple[int, int]:
        return node.lineno, self.column(node.lineno, node.col_offset)  # type: ignore[attr-defined]

    def end(self, node: ast.AST) -> Tuple[int, int]:
        line = node.end_lineno  # type: ignore[attr-defined]
        return line, self.column(line, node.end_col_offset)  # type: ignore[attr-defined]

    def between(self, start: Tuple[int, int], end: Tuple[int, int]) -> str:
        (line, col), (end_line, end_col) = start, end
        if line == end_line:
            return self.lines[line - 1][col:end_col]
        middle = self.lines[line:end_line - 1]
        return "".join([self.lines[line - 1][col:], *middle, self.lines[end_line - 1][:end_col]])

    def char_after(self, at: Tuple[int, int]) -> str:
        line, col = at
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return text[col:col + 1]

    def statements_on(self, lines: Set[int]) -> List[ast.stmt]:
        """The top-level statements (decorators included) that hold any of the lines."""
        found = []
        for statement in self.tree.body:
            decorators = getattr(statement, "decorator_list", ())
            first = min([statement.lineno] + [d.lineno for d in decorators])
            last = statement.end_lineno or statement.lineno
            if any(first <= line <= last for line in lines):
                found.append(statement)
        return found


def _splice(lines: Sequence[str], edits: Sequence[Edit]) -> Optional[str]:
    """The text with the edits made; None when two of them overlap."""
    lines = list(lines)
    ordered = sorted(edits, key=lambda edit: (edit.line, edit.col), reverse=True)
    for later, earlier in zip(ordered, ordered[1:]):
        if (earlier.end_line, earlier.end_col) > (later.line, later.col):
            return None
    for edit in ordered:
        head = lines[edit.line - 1][:edit.col]
        tail = lines[edit.end_line - 1][edit.end_col:]
        lines[edit.line - 1:edit.end_line] = [head + edit.text + tail]
    return "".join(lines)


def _head(tree: ast.Module) -> Optional[Tuple[List[ast.stmt], Optional[int]]]:
    """The imports at the top of the module (after its docstring) and the last line of its
    head, the statement after them included (what placing an import looks at; None when that
    is the whole module). None instead when two statements of the head share a line (`;`):
    the codemods read such a line as no import at all."""
    body = tree.body
    index = 0
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, (str, bytes)):
        index = 1
    start = index
    while index < len(body) and isinstance(body[index], (ast.Import, ast.ImportFrom)):
        index += 1
    for statement, following in zip(body[:index + 1], body[1:index + 2]):
        if following.lineno == statement.end_lineno:
            return None
    return body[start:index], (body[index].end_lineno if index < len(body) else None)


def _imports_already(imports: Sequence[ast.stmt], module: str, name: str) -> bool:
    """Whether the imports at the top already bring `name` from `module`, as fix/imports.py
    reads them (`from module import name` or `*`, not under another name)."""
    return any(
        isinstance(statement, ast.ImportFrom) and not statement.level and statement.module == module
        and any(alias.name == "*" or (alias.name == name and alias.asname is None) for alias in statement.names)
        for statement in imports
    )


def _with_imports(text: str, tree: ast.Module, needed: Sequence[Needed], context: FixContext) -> Optional[str]:
    """The text with the imports placed as the codemods place them, LibCST reading the head of
    the module only (None: a head it cannot be sure of). The edits never add or remove lines,
    so the head's extent is the one `tree` (the text before them) gives."""
    head = _head(tree)
    if head is None:
        return None
    imports, end = head
    wanted = [item for item in needed if not _imports_already(imports, *item)]
    if not wanted:
        return text
    import libcst as cst

    lines = lines_with_ends(text)
    top, rest = (lines, []) if end is None else (lines[:end], lines[end:])
    module = place_imports(cst.parse_module("".join(top)), wanted, Sections(context.filename, context.layout))
    return module.code + "".join(rest)


def rewrite(codemod, text: str, targets: List[Diagnostic], context: FixContext) -> Optional[Tuple[str, List[Diagnostic]]]:
    """(the text rewritten, the targets handled) by the codemod's text path, or None: the
    codemod itself is to run."""
    text_edits = getattr(codemod, "text_edits", None)
    if text_edits is None or may_lose(text):
        return None
    try:
        source = Source(text)
        found = text_edits(source, targets, context)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if found is None or not found.applied:
        return None
    edited = _splice(source.lines, found.edits)
    if edited is None:
        return None
    result = _with_imports(edited, source.tree, found.needed, context)
    if result is None:
        return None
    limit = line_length_for(context.filename)
    if lines_to_split(text, result, limit):
        # A line made too long is split as the codemod splits it, on the text the codemod
        # would see (the outline of a long module), without its walk over the module.
        result = _split_as_the_codemod(text, found, targets, context, limit)
    return None if result is None else (result, found.applied)


def _split_as_the_codemod(
    text: str, found: Edits, targets: List[Diagnostic], context: FixContext, limit: int
) -> Optional[str]:
    import libcst as cst

    from fastapi_conventions_lint.fix.codemods.base import lines_of
    from fastapi_conventions_lint.fix.codemods.sparse import outline, restore

    outlined = outline(text, lines_of(targets))  # the outline the codemod would see
    base = outlined.text if outlined is not None else text
    edited = _splice(lines_with_ends(base), found.edits)  # the kept statements keep their lines
    if edited is None:
        return None
    module = cst.parse_module(edited)
    if found.needed:
        module = place_imports(module, found.needed, Sections(context.filename, context.layout))
    code = module.code
    if code != base:
        code = split_long_lines(base, module, limit, code)
    return code if outlined is None else restore(outlined, code)
