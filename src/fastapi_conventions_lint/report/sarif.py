"""`sarif`: a SARIF 2.1.0 log for GitHub code scanning and other SARIF viewers.

The log is the same for the same code: results are sorted, there are no timestamps, and
each result carries a partial fingerprint made from its code, its file and the text of its
source line (not the line number), so that an alert keeps its identity when lines above
it move. URIs are relative to the working directory (`%SRCROOT%`); columns count Unicode
code points, as the other formats do."""

from __future__ import annotations

import hashlib
import json
import os
import urllib.parse
from pathlib import Path
from typing import Any, Dict, List, Optional, TextIO, Tuple

from fastapi_conventions_lint import __version__
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.report.common import (
    FileDiagnostics,
    SourceLines,
    relative_path,
    source_line,
)

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
TOOL = "fastapi-conventions-lint"
SRCROOT = "%SRCROOT%"
FINGERPRINT = "fastapiConventionsLint/v1"
LEVEL = "error"  # every code fails the run (exit 1), as `github` reports it


def _rules() -> List[Dict[str, Any]]:
    from fastapi_conventions_lint.docs import render_rule
    from fastapi_conventions_lint.rules import ALL_RULES

    return [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.rationale},
            # No helpUri: the rules reference has no address of its own (a relative path is no
            # valid URI), so the documentation travels here, as `explain` prints it.
            "help": {"text": f"{rule.summary}\n\n{rule.rationale}", "markdown": render_rule(rule, level=3)},
            "defaultConfiguration": {"level": LEVEL},
            "properties": {"fix": rule.fix.value},
        }
        for rule in ALL_RULES
    ]


def _artifact_location(shown: str) -> Dict[str, str]:
    relative = relative_path(shown)
    if relative is not None:
        return {"uri": urllib.parse.quote(relative), "uriBaseId": SRCROOT}
    if shown == "-":
        return {"uri": "-"}
    return {"uri": Path(os.path.abspath(shown)).as_uri()}


def _region(diagnostic: Diagnostic) -> Dict[str, int]:
    region = {"startLine": diagnostic.line, "startColumn": diagnostic.col + 1}
    if diagnostic.end_line is not None and diagnostic.end_col is not None:
        region["endLine"] = diagnostic.end_line
        region["endColumn"] = diagnostic.end_col + 1
    return region


def fingerprint(code: str, uri: str, line: Optional[str], occurrence: int) -> str:
    """The code, the file and the stripped source line; `occurrence` tells apart the same
    code on identical lines of one file (counted from the top)."""
    digest = hashlib.sha256("\0".join((code, uri, (line or "").strip())).encode("utf-8"))
    return f"{digest.hexdigest()[:32]}:{occurrence}"


def sarif_log(results: List[FileDiagnostics], sources: Optional[SourceLines] = None) -> Dict[str, Any]:
    rules = _rules()
    index = {rule["id"]: number for number, rule in enumerate(rules)}
    found: List[Tuple[tuple, Dict[str, Any]]] = []
    for shown, diagnostics in results:
        location = _artifact_location(shown)
        lines = (sources or {}).get(shown)
        seen: Dict[Tuple[str, str], int] = {}
        for diagnostic in sorted(diagnostics):
            text = (source_line(lines, diagnostic.line) or "").strip()
            occurrence = seen[diagnostic.code, text] = seen.get((diagnostic.code, text), 0) + 1
            result: Dict[str, Any] = {"ruleId": diagnostic.code}
            if diagnostic.code in index:
                result["ruleIndex"] = index[diagnostic.code]
            result.update({
                "level": LEVEL,
                "message": {"text": diagnostic.message},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": dict(location),
                        "region": _region(diagnostic),
                    },
                }],
                "partialFingerprints": {
                    FINGERPRINT: fingerprint(diagnostic.code, location["uri"], text, occurrence),
                },
            })
            key = (location["uri"], diagnostic.line, diagnostic.col, diagnostic.code, diagnostic.message)
            found.append((key, result))
    found.sort(key=lambda item: item[0])
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": TOOL, "version": __version__, "rules": rules}},
            "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(os.getcwd())}},
            "columnKind": "unicodeCodePoints",
            "results": [result for _, result in found],
        }],
    }


def _directory_uri(directory: str) -> str:
    uri = Path(directory).resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def write_sarif(
    results: List[FileDiagnostics], out: TextIO, sources: Optional[SourceLines] = None
) -> None:
    out.write(json.dumps(sarif_log(results, sources), indent=2) + "\n")
