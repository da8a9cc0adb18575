"""`# noqa` exactly as flake8 applies it: the same regular expressions (imported from flake8),
the same code matching, and the same treatment of multi-line strings (a comment on any line of
a multi-line token range covers every line of it)."""

from __future__ import annotations

import io
import tokenize
from typing import Dict, List, Sequence

from fastapi_conventions_lint.diagnostics import Diagnostic


def _flake8_defaults():
    from flake8 import defaults  # imported lazily: most files carry no noqa comment

    return defaults


def skips_file(lines: Sequence[str]) -> bool:
    """`# flake8: noqa` on a line of its own turns the whole file off."""
    pattern = _flake8_defaults().NOQA_FILE
    return any(pattern.match(line) for line in lines if "noqa" in line.lower())


def _noqa_lines(lines: Sequence[str]) -> Dict[int, str]:
    """Line number -> the text searched for `noqa`: every line of a token range that ends at
    a NEWLINE or NL token maps to the joined text of the whole range."""
    mapping: Dict[int, str] = {}
    readline = io.StringIO("".join(lines)).readline
    first, last = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[first - 1:last])
                for number in range(first, last + 1):
                    mapping[number] = joined
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping


def _is_suppressed(diagnostic: Diagnostic, text: str) -> bool:
    match = _flake8_defaults().NOQA_INLINE_REGEXP.search(text)
    if match is None:
        return False
    codes_text = match.groupdict()["codes"]
    if codes_text is None:
        return True
    codes = {code for code in codes_text.replace(",", " ").split() if code}
    return diagnostic.code in codes or diagnostic.code.startswith(tuple(codes))


def remove_suppressed(diagnostics: List[Diagnostic], lines: Sequence[str]) -> List[Diagnostic]:
    if not diagnostics or not any("noqa" in line.lower() for line in lines):
        return diagnostics
    mapping = _noqa_lines(lines)
    kept = []
    for diagnostic in diagnostics:
        text = mapping.get(diagnostic.line)
        if text is None:
            index = diagnostic.line - 1
            text = lines[index] if 0 <= index < len(lines) else ""
        if not _is_suppressed(diagnostic, text):
            kept.append(diagnostic)
    return kept
