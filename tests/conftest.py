from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

from fastapi_conventions_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
OUTPUT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")


class Reported(NamedTuple):
    path: str
    line: int
    col: int
    code: str
    message: str


def parse_output(text: str) -> List[Reported]:
    found = []
    for line in text.splitlines():
        match = OUTPUT_LINE.match(line)
        if match:
            found.append(
                Reported(match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"])
            )
    return found


def run_cli(args: List[str], capsys) -> tuple:
    """The CLI in this process (so coverage sees it): (exit code, stdout, stderr)."""
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def run_flake8(args: List[str], cwd: Path = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", *args],
        capture_output=True, text=True, cwd=cwd,
    )


def by_file(reported: List[Reported]) -> Dict[str, List[Reported]]:
    grouped: Dict[str, List[Reported]] = {}
    for item in reported:
        grouped.setdefault(str(Path(item.path).resolve()), []).append(item)
    return grouped


@pytest.fixture
def write(tmp_path):
    """Write a dedented source file under tmp_path and return its path."""
    import textwrap

    def _write(name: str, text: str, *, raw: bytes = None) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
