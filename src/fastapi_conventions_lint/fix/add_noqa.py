"""`check --add-noqa`: a baseline for a code base adopting the linter. Every diagnostic's line
gets `# noqa: CODE`, so that the run is clean and only new code is held to the conventions.

A `# noqa` covers every line of the token range it ends (as flake8 reads it: tokens up to a
NEWLINE or NL), so the comment goes at the end of that range's last line: never inside a
multi-line string, never after a backslash. An existing `# noqa: A` there is extended
(`# noqa: A,FCL001`); no code is written twice."""

from __future__ import annotations

import re
from typing import Dict, Iterable, List, Set

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.suppression import token_ranges

_LINE_END = re.compile(r"(\r\n|\r|\n)?$")


def _noqa_pattern():
    from flake8 import defaults

    return defaults.NOQA_INLINE_REGEXP


def add_noqa(text: str, diagnostics: Iterable[Diagnostic]) -> "tuple[str, int]":
    """The text with `# noqa: CODES` for the diagnostics, and how many codes were added."""
    wanted: Dict[int, Set[str]] = {}
    ends = {number: last for number, (_, last) in token_ranges(text.splitlines(keepends=True)).items()}
    for diagnostic in diagnostics:
        line = ends.get(diagnostic.line, diagnostic.line)
        wanted.setdefault(line, set()).add(diagnostic.code)
    lines: List[str] = text.splitlines(keepends=True)
    added = 0
    pattern = _noqa_pattern()
    for number, codes in sorted(wanted.items()):
        if not 0 < number <= len(lines):
            continue
        line = lines[number - 1]
        ending = _LINE_END.search(line).group(1) or ""  # type: ignore[union-attr]
        body = line[: len(line) - len(ending)]
        match = pattern.search(body)
        if match is not None and match.group("codes") is None:
            continue  # a bare `# noqa` already covers everything
        if match is not None:
            present = [code for code in re.split(r"[,\s]+", match.group("codes")) if code]
            new = sorted(codes - set(present))
            if not new:
                continue
            listed = ",".join(present + new)
            start, end = match.span("codes")
            body = body[:start] + listed + body[end:]
        else:
            new = sorted(codes)
            body = body.rstrip() + f"  # noqa: {','.join(new)}"
        added += len(new)
        lines[number - 1] = body + ending
    return "".join(lines), added
