"""Reporters turn sorted diagnostics into output: one module a format, chosen here."""

from __future__ import annotations

import os
from typing import Callable, Dict, List, Mapping, Optional, TextIO

from fastapi_conventions_lint.config import ConfigError
from fastapi_conventions_lint.report.common import FileDiagnostics, SourceLines

FORMATS = ("text", "concise", "json", "json-lines", "github", "sarif", "gitlab", "junit", "pylint")
DEFAULT_FORMAT = "text"
ENVIRONMENT = "FCL_OUTPUT_FORMAT"


def output_format(requested: Optional[str], environ: Mapping[str, str] = os.environ) -> str:
    """The format asked for: the option, else FCL_OUTPUT_FORMAT, else text."""
    if requested:
        return requested
    value = environ.get(ENVIRONMENT, "").strip()
    if not value:
        return DEFAULT_FORMAT
    if value not in FORMATS:
        raise ConfigError(
            f"{ENVIRONMENT}={value!r} is not an output format; use one of: {', '.join(FORMATS)}"
        )
    return value


def write_report(
    fmt: str,
    results: List[FileDiagnostics],
    out: TextIO,
    *,
    sources: Optional[SourceLines] = None,
    statistics: bool = False,
    show_summary: bool = True,
    fix_hint: bool = False,
) -> None:
    """Write `results` ((shown path, sorted diagnostics) pairs, sorted by path) to `out`;
    `show_summary=False` (`--quiet`) leaves out the closing "Found ..." line of text and the
    statistics table. Paths and messages are written printable in every format (report/
    common.py: no control character from the analysed code reaches a terminal or a CI log)."""
    from fastapi_conventions_lint.report.common import printable, printable_results

    results = printable_results(results)
    if sources:
        sources = {printable(shown): lines for shown, lines in sources.items()}
    if statistics:
        from fastapi_conventions_lint.report import statistics as stats

        if fmt == "json":
            stats.write_statistics_json(results, out)
        elif fmt == "json-lines":
            stats.write_statistics_json_lines(results, out)
        else:
            stats.write_statistics_table(results, out, show_summary=show_summary)
        return
    if fmt == "text":
        from fastapi_conventions_lint.report import text

        text.write_text(results, out, sources, show_summary=show_summary, fix_hint=fix_hint)
        return
    _writers()[fmt](results, out, sources)


def _writers() -> Dict[str, Callable[[List[FileDiagnostics], TextIO, Optional[SourceLines]], None]]:
    from fastapi_conventions_lint.report import ci_formats, github, json, sarif, text

    return {
        "concise": lambda results, out, _: text.write_concise(results, out),
        "json": lambda results, out, _: json.write_json(results, out),
        "json-lines": lambda results, out, _: json.write_json_lines(results, out),
        "github": lambda results, out, _: github.write_github(results, out),
        "sarif": sarif.write_sarif,
        "gitlab": ci_formats.write_gitlab,
        "junit": lambda results, out, _: ci_formats.write_junit(results, out),
        "pylint": lambda results, out, _: ci_formats.write_pylint(results, out),
    }
