"""`github`: GitHub Actions workflow commands, which the runner turns into annotations on
the pull request's diff: `::error file=...,line=...,col=...::message`."""

from __future__ import annotations

from typing import List, TextIO

from fastapi_conventions_lint.report.common import FileDiagnostics, display_path, end_of


def escape_data(text: str) -> str:
    """The message after `::`, as the runner's own toolkit escapes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also `:` and `,`, which separate the properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(results: List[FileDiagnostics], out: TextIO) -> None:
    for path, diagnostics in results:
        file = escape_property(display_path(path))
        for diagnostic in diagnostics:
            properties = [f"file={file}", f"line={diagnostic.line}"]
            if diagnostic.end_line is not None and diagnostic.end_col is not None:
                end_line, end_col = end_of(diagnostic)
                properties += [
                    f"endLine={end_line}", f"col={diagnostic.col + 1}", f"endColumn={end_col + 1}",
                ]
            else:
                properties.append(f"col={diagnostic.col + 1}")
            properties.append(f"title={escape_property(diagnostic.code)}")
            out.write(f"::error {','.join(properties)}::{escape_data(diagnostic.message)}\n")
