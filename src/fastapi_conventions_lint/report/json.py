"""`json` and `json-lines`: one object a diagnostic, with ruff's field names.

`fix` says whether `fix` (safe) or `fix --unsafe-fixes` (unsafe) rewrites the code and what
it does; its `edits` list is empty. The fix engine works a whole file at a time with LibCST
(and the cross-file fixes edit two files), so exact edits per diagnostic would mean running
it on every file with a fixable diagnostic in every `check`; `fix --diff` shows the edits."""

from __future__ import annotations

import json
from typing import Any, Dict, List, TextIO

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.report.common import FileDiagnostics, end_of, rule_url


def diagnostic_record(path: str, diagnostic: Diagnostic) -> Dict[str, Any]:
    end_line, end_col = end_of(diagnostic)
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "message": diagnostic.message,
        "filename": path,
        "location": {"row": diagnostic.line, "column": diagnostic.col + 1},
        "end_location": {"row": end_line, "column": end_col + 1},
        "fix": None if fix is None else {
            "applicability": "safe" if fix.safe else "unsafe",
            "message": fix.description,
            "edits": [],
        },
        "url": rule_url(diagnostic.code),
    }


def records(results: List[FileDiagnostics]) -> List[Dict[str, Any]]:
    return [diagnostic_record(path, d) for path, diagnostics in results for d in diagnostics]


def write_json(results: List[FileDiagnostics], out: TextIO) -> None:
    out.write(json.dumps(records(results), indent=2) + "\n")


def write_json_lines(results: List[FileDiagnostics], out: TextIO) -> None:
    for record in records(results):
        out.write(json.dumps(record) + "\n")
