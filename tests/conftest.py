from __future__ import annotations

import atexit
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

from fastapi_conventions_lint.cache import ENVIRONMENT as CACHE_ENVIRONMENT
from fastapi_conventions_lint.cli import main

ROOT = Path(__file__).resolve().parent.parent


def _fixtures_outside_the_repository() -> Path:
    """The sample apps, copied out of this repository once per test session. Inside it, the
    repository's own pyproject.toml makes the whole repository their workspace: every run
    over them would link this tool's own source too, seconds a run instead of a tenth."""
    root = Path(tempfile.mkdtemp(prefix="fcl-fixtures-"))
    shutil.copytree(ROOT / "fixtures", root / "fixtures", ignore=shutil.ignore_patterns("__pycache__"))
    atexit.register(shutil.rmtree, root, True)
    return root / "fixtures"


FIXTURES = _fixtures_outside_the_repository()
OUTPUT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<message>.*)$")


class Reported(NamedTuple):
    path: str
    line: int
    col: int
    code: str
    message: str


@pytest.fixture(autouse=True)
def _results_cache_per_test(tmp_path_factory, monkeypatch):
    """Every test's check runs share a results cache of their own (never the fixtures'
    folders): a run a test makes twice is answered the second time from it."""
    monkeypatch.setenv(CACHE_ENVIRONMENT, str(tmp_path_factory.mktemp("results-cache")))


def parse_output(text: str) -> List[Reported]:
    found = []
    for line in text.splitlines():
        match = OUTPUT_LINE.match(line)
        if match:
            found.append(
                Reported(match["path"], int(match["line"]), int(match["col"]), match["code"], match["message"])
            )
    return found


def summary_of(out: str) -> str:
    """The run's summary line ("Found N violations in M files." or "All checks passed!"),
    whatever follows it (the `[*] N fixable` line of a check)."""
    return next(
        line for line in reversed(out.splitlines())
        if line.startswith(("Found ", "All checks passed!"))
    )


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


CONFIG_MODULE = """\
class APIConfig:
    V1_PREFIX = "/api/v1"
    AUTH_PREFIX = f"{V1_PREFIX}/auth"
    DATA_PREFIX = f"{V1_PREFIX}/data"
    CAPABILITIES_PREFIX = f"{V1_PREFIX}/capabilities"
    RAG_PREFIX = f"{V1_PREFIX}/rag"
    SERVICES_PREFIX = f"{V1_PREFIX}/services"
    ADMIN_PREFIX = f"{V1_PREFIX}/admin"
    MCP_PREFIX = f"{V1_PREFIX}/mcp"
    PREFERENCES_PREFIX = f"{V1_PREFIX}/preferences"


api_config = APIConfig()
"""


def write_config_module(root: Path) -> None:
    """The project's `server/config.py` with the default prefix constants (FCL001's fix
    imports `api_config` only from a project that defines it), unless one is there."""
    config = root / "server" / "config.py"
    if not config.exists():
        config.parent.mkdir(parents=True, exist_ok=True)
        config.write_text(CONFIG_MODULE, encoding="utf-8")


@pytest.fixture
def write(tmp_path):
    """Write a dedented source file under tmp_path and return its path."""
    import textwrap

    def _write(name: str, text: str, *, raw: bytes = None) -> Path:
        write_config_module(tmp_path)
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is not None:
            path.write_bytes(raw)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write
