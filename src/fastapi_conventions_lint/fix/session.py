"""Fixing one file's bytes: the cheap path first (nothing fixable, no LibCST), then the fix
engine, then the bytes to write back in the file's own encoding."""

from __future__ import annotations

import difflib
import io
from dataclasses import dataclass, field, replace
from typing import Any, List, Optional

from fastapi_conventions_lint import engine, prefilter, source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.diagnostics import fixable as applicable
from fastapi_conventions_lint.fix.context import FixContext
from fastapi_conventions_lint.project.versions import annotated_module
from fastapi_conventions_lint.report.common import printable
from fastapi_conventions_lint.selection import CodeSelection


@dataclass
class FileFix:
    diagnostics: List[Diagnostic] = field(default_factory=list)  # what remains
    fixed: int = 0
    original: str = ""
    text: Optional[str] = None  # the fixed text, when it differs
    data: Optional[bytes] = None  # the fixed text encoded as the file was
    note: Optional[str] = None
    skipped: Optional[str] = None  # why the file was not analysed at all (`-v` says)

    def diff(self, shown: str) -> str:
        if self.text is None:
            return ""
        lines = difflib.unified_diff(
            _lines(self.original),
            _lines(self.text),
            fromfile=printable(shown),
            tofile=printable(shown),
        )
        # A last line without a line end is marked as `diff -u` does; otherwise it would run
        # into the next line (the next file's `---` header) and `patch` could not apply it.
        return "".join(
            line if line.endswith(("\n", "\r")) else f"{line}\n\\ No newline at end of file\n"
            for line in lines
        )


def _lines(text: str) -> List[str]:
    """Lines split at \\n, \\r\\n and \\r only, ends kept: str.splitlines() would also split at
    a form feed or U+2028 inside a line, and the diff would join them with the next line."""
    return io.StringIO(text, newline="").readlines()


def fix_file(
    data: bytes,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    *,
    explicit: bool,
    unsafe: bool,
    project: Any = None,
    start: Optional[str] = None,
    layout: Any = None,
) -> FileFix:
    """`start`, when given, is the text to fix instead of `data`'s: the file as the cross-file
    fixes left it (fix/cross_file.py). The diff and the bytes to write are still relative to
    `data`, so that they include those edits."""
    if (
        start is None and not explicit and not getattr(project, "dependencies_elsewhere", None)
        and not prefilter.might_matter(data, engine.prefilter_names(settings))
    ):
        return FileFix(skipped=engine.PREFILTERED)
    try:
        decoded = source.decode_file(data)
    except source.NotChecked:
        return FileFix(engine.check_source(data, filename, settings, selection, explicit=True))
    text = decoded.text if start is None else start
    diagnostics = engine.check_text(text, filename, settings, selection, context=project)
    if not any(applicable(d, unsafe) for d in diagnostics):
        result = FileFix(diagnostics, original=decoded.text)
        if text != decoded.text:
            result.text, result.data = text, decoded.encode(text)
        return result
    from fastapi_conventions_lint.fix.apply import fix_text  # LibCST: only when there is work

    context = FixContext(settings, filename, annotated_module(settings.declared), layout)
    outcome = fix_text(
        text, filename, settings, selection, context,
        unsafe=unsafe, diagnostics=diagnostics, project=project,
    )
    remaining = []
    for diagnostic in outcome.remaining:
        why = outcome.failure_of(diagnostic) if applicable(diagnostic, unsafe) else None
        if why:
            diagnostic = replace(diagnostic, message=f"{diagnostic.message} (fix not applied: {why})")
        remaining.append(diagnostic)
    result = FileFix(remaining, len(outcome.applied), decoded.text, note=outcome.note)
    if outcome.text != decoded.text:
        result.text = outcome.text
        result.data = decoded.encode(outcome.text)
    return result
