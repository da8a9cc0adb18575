"""Whitespace LibCST's tree does not hold, put back after a rewrite.

Parsing and generating a module unchanged loses two things (`Module.code` differs from the
text): a form feed in the indentation of a statement's line (with the blanks around it), and
the last carriage return of a file whose lines end in a lone CR. Both are whitespace a
reader of the file sees (a page break; the file's last line end), so a fix must keep them.
They are put back on every line the rewrite left as it was."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Dict, List, Optional

from fastapi_conventions_lint.source import lines_with_ends


def may_lose(text: str) -> bool:
    """Whether LibCST can lose anything of `text` (cheap: most files have neither)."""
    return "\x0c" in text or text.endswith("\r")


def column_shifts(original: str, unchanged: str) -> Dict[int, int]:
    """Line number -> how many characters of its indentation LibCST lost: what to add to a
    LibCST column on that line to get the column `ast` (and so a diagnostic) gives."""
    return {
        number: len(line) - len(kept)
        for number, (line, kept) in enumerate(zip(_lines(original), _lines(unchanged)), start=1)
        if "\x0c" in line and len(line.rstrip("\r\n")) > len(kept.rstrip("\r\n"))
    }


def _lines(text: str) -> List[str]:
    """The lines of `text` with their ends, then what follows the last line end (maybe ""):
    a dropped last line end shows as one line fewer."""
    lines = lines_with_ends(text)
    last = lines.pop() if lines and not lines[-1].endswith(("\r", "\n")) else ""
    return [*lines, last]


def put_back(original: str, unchanged: str, rewritten: str) -> Optional[str]:
    """`rewritten` with what `unchanged` (LibCST's code for `original`, not rewritten) lost
    of `original` restored on the lines the rewrite kept; None when the loss is not one of
    the kinds above (the rewrite is then refused)."""
    if unchanged == original:
        return rewritten
    if original.endswith("\r") and len(_lines(original)) == len(_lines(unchanged)) + 1:
        # The module's last line end was dropped, so every rewrite of it lacks it too.
        unchanged, rewritten = unchanged + "\r", rewritten + "\r"
    before, after = _lines(original), _lines(unchanged)
    if len(before) != len(after):
        return None
    lost: Dict[int, str] = {}
    for index, (line, kept) in enumerate(zip(before, after)):
        if line != kept:
            if line.replace("\x0c", "").lstrip(" \t") != kept.lstrip(" \t"):
                return None
            lost[index] = line
    new = _lines(rewritten)
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, after, new, autojunk=False).get_opcodes():
        if tag == "equal":
            for offset in range(i2 - i1):
                if i1 + offset in lost:
                    new[j1 + offset] = lost[i1 + offset]
        elif tag == "replace":
            # A line edited in place keeps its page break when the edit left its indentation
            # alone: it is the line of the block most like the one before.
            for index in (i for i in range(i1, i2) if i in lost):
                likeness, where = max(
                    (SequenceMatcher(None, after[index], new[j], autojunk=False).ratio(), -j)
                    for j in range(j1, j2)
                )
                if likeness >= 0.5:
                    new[-where] = _indented_as(lost[index], after[index], new[-where])
    return "".join(new)


def _indented_as(original: str, unchanged: str, line: str) -> str:
    indent = _indent(unchanged)
    if not line.startswith(indent) or line[len(indent):len(indent) + 1] in (" ", "\t"):
        return line
    return _indent(original) + line[len(indent):]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t\x0c"))]
