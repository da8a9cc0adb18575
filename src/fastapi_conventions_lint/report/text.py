"""The default output: `path:line:col: CODE message`, then a summary line. On a terminal,
each diagnostic also shows its source line with carets under the reported code, in colour
unless NO_COLOR is set. `concise` is the same lines without the summary."""

from __future__ import annotations

import os
import unicodedata
from typing import List, Optional, TextIO

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.report.common import FileDiagnostics, SourceLines, source_line

BOLD, RED, BLUE, RESET = "\033[1m", "\033[31m", "\033[34m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def is_terminal(out: TextIO) -> bool:
    isatty = getattr(out, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def use_colour(out: TextIO) -> bool:
    """Colour on a terminal only, and never when NO_COLOR is set (https://no-color.org)."""
    return is_terminal(out) and not os.environ.get("NO_COLOR")


CLEAN = "All checks passed!\n"


def summary(results: List[FileDiagnostics], *, fix_hint: bool = False) -> str:
    """"Found N violations in M files." (or "All checks passed!"); with `fix_hint`, a second
    line says how many `fix` would fix (moves into other files included), and how many more
    with `--unsafe-fixes`."""
    total = sum(len(diagnostics) for _, diagnostics in results)
    if not total:
        return CLEAN
    files = sum(1 for _, diagnostics in results if diagnostics)
    text = f"Found {_plural(total, 'violation')} in {_plural(files, 'file')}.\n"
    if fix_hint:
        found = [d for _, diagnostics in results for d in diagnostics if d.fix is not None]
        safe = sum(1 for d in found if d.fix.safe)  # type: ignore[union-attr]
        unsafe = len(found) - safe
        if safe or unsafe:
            more = f" ({unsafe} more with `fix --unsafe-fixes`)" if safe and unsafe else ""
            text += (
                f"[*] {safe} fixable with `fix`{more}.\n" if safe
                else f"[*] {unsafe} fixable with `fix --unsafe-fixes`.\n"
            )
    return text


def write_concise(results: List[FileDiagnostics], out: TextIO) -> None:
    for path, diagnostics in results:
        for diagnostic in diagnostics:
            out.write(
                f"{path}:{diagnostic.line}:{diagnostic.col + 1}: "
                f"{diagnostic.code} {diagnostic.message}\n"
            )


def write_text(
    results: List[FileDiagnostics], out: TextIO, sources: Optional[SourceLines] = None,
    *, show_summary: bool = True, fix_hint: bool = False,
) -> None:
    """`show_summary=False` (`--quiet`) leaves out the closing "Found ..." line; `fix_hint`
    (a check, not a fix run) marks fixable diagnostics on a terminal and counts them."""
    if not is_terminal(out):
        write_concise(results, out)
        if show_summary:
            out.write(summary(results, fix_hint=fix_hint))
        return
    colour = use_colour(out)
    for path, diagnostics in results:
        lines = (sources or {}).get(path)
        for diagnostic in diagnostics:
            where = f"{path}:{diagnostic.line}:{diagnostic.col + 1}:"
            mark = "[*] " if fix_hint and diagnostic.fix is not None and diagnostic.fix.safe else ""
            if colour:
                out.write(f"{BOLD}{where}{RESET} {BOLD}{RED}{diagnostic.code}{RESET} {mark}{diagnostic.message}\n")
            else:
                out.write(f"{where} {diagnostic.code} {mark}{diagnostic.message}\n")
            out.write(snippet(diagnostic, lines, colour))
    if show_summary:
        out.write(summary(results, fix_hint=fix_hint))


def _width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _printable(char: str) -> str:
    """Control characters (other than tab) would move the cursor or restyle the terminal,
    bidirectional overrides reorder what is shown, and a lone surrogate cannot be written."""
    if char == "\t":
        return char
    return "?" if unicodedata.category(char) in ("Cc", "Cs") or char in _BIDI_CONTROLS else char


def snippet(diagnostic: Diagnostic, lines: Optional[List[str]], colour: bool) -> str:
    """The diagnostic's source line and carets under the reported code (to its end on that
    line, at least one), aligned for tabs and wide characters, then a blank line; empty
    without the source (a file that could not be decoded)."""
    text = source_line(lines, diagnostic.line)
    if text is None:
        return ""
    text = "".join(_printable(char) for char in text)
    start = min(diagnostic.col, len(text))
    if diagnostic.end_line == diagnostic.line and diagnostic.end_col is not None:
        stop = min(max(diagnostic.end_col, start), len(text))
    elif diagnostic.end_line is not None and diagnostic.end_line > diagnostic.line:
        stop = len(text.rstrip())  # the node goes on below: underline the rest of this line
    else:
        stop = start
    indent = "".join("\t" if char == "\t" else " " * _width(char) for char in text[:start])
    carets = "^" * max(sum(_width(char) for char in text[start:stop]), 1)
    number = str(diagnostic.line)
    gutter = " " * len(number)
    if colour:
        return (
            f"{BLUE}{number} |{RESET} {text}\n"
            f"{BLUE}{gutter} |{RESET} {indent}{RED}{carets}{RESET}\n\n"
        )
    return f"{number} | {text}\n{gutter} | {indent}{carets}\n\n"
