"""`--statistics`: how many diagnostics each code has and how many of them the fix engine
rewrites, with `fix` (safe fixes) and with `fix --unsafe-fixes`. Like ruff's, it replaces
the per-diagnostic lines: a table (or JSON, for the JSON formats)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Dict, List, TextIO

from fastapi_conventions_lint.report.common import FileDiagnostics, rule_url
from fastapi_conventions_lint.report.text import summary


@dataclass
class CodeCount:
    code: str
    name: str
    count: int = 0
    fixable: int = 0  # by `fix`
    fixable_unsafe: int = 0  # by `fix --unsafe-fixes` (the safe ones included)


def count(results: List[FileDiagnostics]) -> List[CodeCount]:
    """Per code, the most frequent first (then by code)."""
    from fastapi_conventions_lint.rules import RULES_BY_CODE

    counts: Dict[str, CodeCount] = {}
    for _, diagnostics in results:
        for diagnostic in diagnostics:
            rule = RULES_BY_CODE.get(diagnostic.code)
            entry = counts.setdefault(
                diagnostic.code, CodeCount(diagnostic.code, rule.name if rule else "")
            )
            entry.count += 1
            if diagnostic.fix is not None:
                entry.fixable_unsafe += 1
                entry.fixable += diagnostic.fix.safe
    return sorted(counts.values(), key=lambda entry: (-entry.count, entry.code))


def write_statistics_table(
    results: List[FileDiagnostics], out: TextIO, *, show_summary: bool = True
) -> None:
    header = ("COUNT", "CODE", "NAME", "FIXABLE", "WITH --UNSAFE-FIXES")
    rows = [header] + [
        (str(e.count), e.code, e.name, str(e.fixable), str(e.fixable_unsafe)) for e in count(results)
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = (True, False, False, True, True)
    for row in rows:
        cells = [
            cell.rjust(width) if right else cell.ljust(width)
            for cell, width, right in zip(row, widths, numeric)
        ]
        out.write("  ".join(cells).rstrip() + "\n")
    if show_summary:
        out.write(summary(results))


def statistics_records(results: List[FileDiagnostics]) -> List[dict]:
    return [
        {
            "code": e.code,
            "name": e.name,
            "count": e.count,
            "fixable": e.fixable,
            "fixable_with_unsafe_fixes": e.fixable_unsafe,
            "url": rule_url(e.code),
        }
        for e in count(results)
    ]


def write_statistics_json(results: List[FileDiagnostics], out: TextIO) -> None:
    out.write(json.dumps(statistics_records(results), indent=2) + "\n")


def write_statistics_json_lines(results: List[FileDiagnostics], out: TextIO) -> None:
    for record in statistics_records(results):
        out.write(json.dumps(record) + "\n")
