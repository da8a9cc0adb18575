"""`# noqa` exactly as flake8 applies it: the same regular expressions (imported from flake8),
the same code matching, and the same treatment of multi-line strings (a comment on any line of
a multi-line token range covers every line of it)."""

from __future__ import annotations

import io
import tokenize
from typing import Callable, Dict, List, Optional, Sequence, Tuple

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


# ---- FCL901: noqa codes that suppress nothing -------------------------------------------------

UNUSED_NOQA = "FCL901"


def _noqa_comments(lines: Sequence[str]) -> List[Tuple[int, int, int, List[str]]]:
    """(line, column of `# noqa`, end of the codes, codes) of every `# noqa: CODES` comment:
    comments only, not the text of a string that shows one."""
    pattern = _flake8_defaults().NOQA_INLINE_REGEXP
    found = []
    try:
        for token in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
            if token.type != tokenize.COMMENT or "noqa" not in token.string.lower():
                continue
            match = pattern.search(token.string)
            if match is not None and match.group("codes"):
                codes = [code for code in match.group("codes").replace(",", " ").split() if code]
                column = token.start[1]
                found.append((token.start[0], column + match.start(), column + match.end("codes"), codes))
    except (tokenize.TokenError, SyntaxError):
        return []
    return found


def token_ranges(lines: Sequence[str]) -> Dict[int, Tuple[int, int]]:
    """Line -> (first, last) line of the token range holding it, as `_noqa_lines` reads them."""
    ranges: Dict[int, Tuple[int, int]] = {}
    readline = io.StringIO("".join(lines)).readline
    first: Optional[int] = None
    try:
        for token in tokenize.generate_tokens(readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT, tokenize.INDENT):
                continue
            if first is None:
                first = token.start[0]
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                for number in range(first, token.end[0] + 1):
                    ranges[number] = (first, token.end[0])
                first = None
    except (tokenize.TokenError, SyntaxError):
        return {}
    return ranges


def unused_noqa(
    found: Sequence[Diagnostic], lines: Sequence[str], checked: Callable[[str], bool],
    known: Sequence[str],
) -> List[Diagnostic]:
    """FCL901 for each `# noqa: FCL...` code that suppresses nothing on its lines: a known code
    whose rule ran (`checked`) and reported nothing there, or a code no rule has. Other tools'
    codes and prefixes of known codes are left alone."""
    if not any("noqa" in line.lower() for line in lines):
        return []
    comments = _noqa_comments(lines)
    if not comments:
        return []
    ranges = token_ranges(lines)
    reported: Dict[int, set] = {}
    for diagnostic in found:
        first, last = ranges.get(diagnostic.line, (diagnostic.line, diagnostic.line))
        for number in range(first, last + 1):
            reported.setdefault(number, set()).add(diagnostic.code)
    result = []
    for number, col, end, codes in comments:
        here = reported.get(number, set())
        unused, unknown = [], []
        for code in codes:
            if not code.startswith("FCL"):
                continue
            if code not in known:
                if not any(other.startswith(code) for other in known):
                    unknown.append(code)
            elif checked(code) and code not in here:
                unused.append(code)
        if not unused and not unknown:
            continue
        parts = []
        if unused:
            parts.append(f"{', '.join(unused)} reported nothing here")
        if unknown:
            parts.append(f"{', '.join(unknown)} {'is no rule' if len(unknown) == 1 else 'are no rules'}")
        from fastapi_conventions_lint.diagnostics import FixIntent

        result.append(Diagnostic(
            number, col, UNUSED_NOQA,
            f"unused `noqa` code{'s' if len(unused) + len(unknown) > 1 else ''}: {'; '.join(parts)}",
            end_line=number, end_col=end,
            fix=FixIntent(safe=True, description="remove the unused codes from the `noqa` comment",
                          payload={"line": number, "remove": unused + unknown}),
        ))
    return result
