"""Fixing one file's bytes: the cheap path first (nothing fixable, no LibCST), then the fix
engine, then the bytes to write back in the file's own encoding."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import List, Optional

from fastapi_conventions_lint import engine, prefilter, source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.apply import applicable, fix_text
from fastapi_conventions_lint.fix.codemods import FixContext
from fastapi_conventions_lint.fix.project import annotated_module
from fastapi_conventions_lint.selection import CodeSelection


@dataclass
class FileFix:
    diagnostics: List[Diagnostic] = field(default_factory=list)  # what remains
    fixed: int = 0
    original: str = ""
    text: Optional[str] = None  # the fixed text, when it differs
    data: Optional[bytes] = None  # the fixed text encoded as the file was
    note: Optional[str] = None

    def diff(self, shown: str) -> str:
        if self.text is None:
            return ""
        return "".join(
            difflib.unified_diff(
                self.original.splitlines(keepends=True),
                self.text.splitlines(keepends=True),
                fromfile=shown,
                tofile=shown,
            )
        )


def fix_file(
    data: bytes,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    *,
    explicit: bool,
    unsafe: bool,
) -> FileFix:
    if not explicit and not prefilter.might_matter(data, engine.prefilter_names(settings)):
        return FileFix()
    try:
        decoded = source.decode_file(data)
    except source.NotChecked:
        return FileFix(engine.check_source(data, filename, settings, selection, explicit=True))
    diagnostics = engine.check_text(decoded.text, filename, settings, selection)
    if not any(applicable(d, unsafe) for d in diagnostics):
        return FileFix(diagnostics, original=decoded.text)
    directory = Path(filename).resolve().parent
    context = FixContext(settings, filename, annotated_module(directory))
    outcome = fix_text(
        decoded.text, filename, settings, selection, context, unsafe=unsafe, diagnostics=diagnostics
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
