"""What the reporters share: where a rule is documented, a diagnostic's end, and paths
relative to the working directory."""

from __future__ import annotations

import os
import re
from typing import Dict, List, Optional, Tuple

from fastapi_conventions_lint.diagnostics import Diagnostic

FileDiagnostics = Tuple[str, List[Diagnostic]]
# Shown path -> the file's physical lines (line ends kept), for the reporters that quote or
# fingerprint a line. A path without an entry is reported without its source.
SourceLines = Dict[str, List[str]]

# The rules reference: docs/rules.md, one `## FCL001 hardcoded-router-prefix` section a rule.
# Relative to the repository root; the project has no published docs address yet.
RULES_REFERENCE = "docs/rules.md"


def github_slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation other than `-` and
    `_` dropped, each space a `-`."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def rule_url(code: str) -> str:
    """docs/rules.md#fcl001-hardcoded-router-prefix, the section of the code's rule (the
    rules reference renders the headings: docs.rule_url is the one place that spells it)."""
    from fastapi_conventions_lint.docs import rule_url as documented
    from fastapi_conventions_lint.rules import RULES_BY_CODE

    rule = RULES_BY_CODE.get(code)
    return documented(rule) if rule is not None else f"{RULES_REFERENCE}#{github_slug(code)}"


def end_of(diagnostic: Diagnostic) -> Tuple[int, int]:
    """(line, 0-based column) where the reported node ends, exclusive; the start when the
    diagnostic has no extent (a file that could not be parsed)."""
    if diagnostic.end_line is None or diagnostic.end_col is None:
        return diagnostic.line, diagnostic.col
    return diagnostic.end_line, diagnostic.end_col


# What must not reach a terminal or a CI log as it is: control characters (a newline starting
# a forged `::error` workflow command, an escape sequence), the bidirectional overrides of
# "Trojan source", and the lone surrogates a file name that is not UTF-8 decodes to.
_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\x00": "\\0"}


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with what a terminal or a log would act on written as escapes (`\\n`, `\\t`,
    `\\x1b`, `\\u202e`, `\\udcff`)."""
    escaped = _UNPRINTABLE.sub(_escape, text)
    return escaped.replace("\t", "\\t") if "\t" in escaped else escaped


def printable_results(results: List[FileDiagnostics]) -> List[FileDiagnostics]:
    """The results with every path and message printable (unchanged objects where they are)."""
    from dataclasses import replace

    cleaned: List[FileDiagnostics] = []
    for shown, diagnostics in results:
        safe = [
            d if printable(d.message) == d.message else replace(d, message=printable(d.message))
            for d in diagnostics
        ]
        cleaned.append((printable(shown), safe))
    return cleaned


def source_line(lines: Optional[List[str]], number: int) -> Optional[str]:
    """Line `number` (1-based) without its line end, or None when unknown (the text format
    shows control characters in it as `?`, keeping the carets under their columns)."""
    if not lines or not 1 <= number <= len(lines):
        return None
    return lines[number - 1].rstrip("\r\n")


def relative_path(shown: str) -> Optional[str]:
    """The path relative to the working directory with `/` separators, or None for a file
    outside it (or standard input)."""
    if shown == "-":
        return None
    try:
        relative = os.path.relpath(os.path.abspath(shown))
    except ValueError:  # pragma: no cover - another drive on Windows
        return None
    if relative == os.pardir or relative.startswith(os.pardir + os.sep) or os.path.isabs(relative):
        return None
    return relative.replace(os.sep, "/")


def display_path(shown: str) -> str:
    """The path for formats read relative to the repository root (GitHub annotations)."""
    relative = relative_path(shown)
    return relative if relative is not None else shown.replace(os.sep, "/")
