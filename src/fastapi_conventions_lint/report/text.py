"""The default output: `path:line:col: CODE message`, then a summary line."""

from __future__ import annotations

from typing import List, TextIO, Tuple

from fastapi_conventions_lint.diagnostics import Diagnostic

FileDiagnostics = Tuple[str, List[Diagnostic]]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def write_text(results: List[FileDiagnostics], out: TextIO) -> None:
    total = 0
    files = 0
    for path, diagnostics in results:
        if diagnostics:
            files += 1
        for diagnostic in diagnostics:
            total += 1
            out.write(
                f"{path}:{diagnostic.line}:{diagnostic.col + 1}: "
                f"{diagnostic.code} {diagnostic.message}\n"
            )
    out.write(f"Found {_plural(total, 'violation')} in {_plural(files, 'file')}.\n")
