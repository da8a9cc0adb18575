"""Formats other CI systems read: `gitlab` (a GitLab Code Quality report), `junit` (JUnit XML,
one failing test case per violation) and `pylint` (`path:line: [CODE] message`, which many
editors and CI log parsers know)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from typing import Dict, List, Optional, TextIO, Tuple

from fastapi_conventions_lint.report.common import FileDiagnostics, SourceLines, display_path, source_line
from fastapi_conventions_lint.report.sarif import fingerprint


def write_pylint(results: List[FileDiagnostics], out: TextIO) -> None:
    for path, diagnostics in results:
        for diagnostic in diagnostics:
            out.write(f"{path}:{diagnostic.line}: [{diagnostic.code}] {diagnostic.message}\n")


def write_gitlab(results: List[FileDiagnostics], out: TextIO, sources: Optional[SourceLines] = None) -> None:
    """The Code Quality report: a JSON array of issues, each with a fingerprint that survives
    lines moving (the code, the file, the source line's text and its occurrence)."""
    issues = []
    for shown, diagnostics in results:
        path = display_path(shown)
        lines = (sources or {}).get(shown)
        seen: Dict[Tuple[str, str], int] = {}
        for diagnostic in diagnostics:
            text = (source_line(lines, diagnostic.line) or "").strip()
            occurrence = seen[diagnostic.code, text] = seen.get((diagnostic.code, text), 0) + 1
            issues.append({
                "type": "issue",
                "check_name": diagnostic.code,
                "description": f"{diagnostic.code} {diagnostic.message}",
                "categories": ["Style"],
                "severity": "major",
                "fingerprint": fingerprint(diagnostic.code, path, text, occurrence),
                "location": {
                    "path": path,
                    "positions": {
                        "begin": {"line": diagnostic.line, "column": diagnostic.col + 1},
                        "end": {
                            "line": diagnostic.end_line or diagnostic.line,
                            "column": (diagnostic.end_col if diagnostic.end_col is not None else diagnostic.col) + 1,
                        },
                    },
                },
            })
    json.dump(issues, out, indent=2, ensure_ascii=False)
    out.write("\n")


def write_junit(results: List[FileDiagnostics], out: TextIO) -> None:
    """One test suite; a failing test case per violation (named `path:line:column`), or one
    passing case when there is none, so that a clean run still shows as a passed check."""
    total = sum(len(diagnostics) for _, diagnostics in results)
    suite = ElementTree.Element("testsuite", {
        "name": "fastapi-conventions-lint", "tests": str(max(total, 1)), "failures": str(total),
        "errors": "0",
    })
    for shown, diagnostics in results:
        path = display_path(shown)
        for diagnostic in diagnostics:
            case = ElementTree.SubElement(suite, "testcase", {
                "classname": path, "name": f"{path}:{diagnostic.line}:{diagnostic.col + 1} {diagnostic.code}",
                "file": path, "line": str(diagnostic.line),
            })
            failure = ElementTree.SubElement(case, "failure", {
                "type": diagnostic.code, "message": f"{diagnostic.code} {diagnostic.message}",
            })
            failure.text = f"{path}:{diagnostic.line}:{diagnostic.col + 1}: {diagnostic.code} {diagnostic.message}"
    if not total:
        ElementTree.SubElement(suite, "testcase", {"classname": "fastapi-conventions-lint", "name": "no violations"})
    root = ElementTree.Element("testsuites", {"tests": str(max(total, 1)), "failures": str(total)})
    root.append(suite)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ElementTree.tostring(root, encoding="unicode"))
    out.write("\n")
