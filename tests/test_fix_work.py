"""How much a fix run does. A file none of whose diagnostics has a fix to apply is not analysed
a second time, and when no file changes, the first pass's conclusions are the run's results:
a `fix` with nothing to fix does the work of a `check`. None of this may change what a fix run
writes or reports, which the tests compare with the run that analyses every file again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, parse_output, run_cli
from fastapi_conventions_lint import source
from fastapi_conventions_lint.commands.check import CheckRun
from fastapi_conventions_lint.fix import session


def _copy(app: str, destination: Path) -> Path:
    shutil.copytree(FIXTURES / app, destination, ignore=shutil.ignore_patterns("__pycache__"))
    (destination / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    return destination


def _files(root: Path):
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*.py"))}


def _every_file_fixed_again(monkeypatch):
    """The run without the shortcut: every file goes through the fixer and is re-checked."""
    monkeypatch.setattr(CheckRun, "_concluded_first_pass", lambda self, entries: {})


@pytest.mark.parametrize("app", ["violations_app", "fixable_app", "clean_app"])
@pytest.mark.parametrize("options", [[], ["--unsafe-fixes"], ["--diff"], ["--unsafe-fixes", "--output-format", "json"]])
def test_fix_writes_and_reports_the_same_as_when_every_file_is_fixed_again(app, options, tmp_path, monkeypatch, capsys):
    fast = _copy(app, tmp_path / "fast")
    slow = _copy(app, tmp_path / "slow")
    monkeypatch.chdir(fast)
    fast_result = run_cli(["fix", *options, "src"], capsys)
    with monkeypatch.context() as patched:
        _every_file_fixed_again(patched)
        patched.chdir(slow)
        slow_result = run_cli(["fix", *options, "src"], capsys)
    assert fast_result == slow_result
    assert _files(fast) == _files(slow)
    # And a second run, with nothing left to fix, agrees too.
    monkeypatch.chdir(fast)
    fast_again = run_cli(["fix", *options, "src"], capsys)
    with monkeypatch.context() as patched:
        _every_file_fixed_again(patched)
        patched.chdir(slow)
        assert run_cli(["fix", *options, "src"], capsys) == fast_again


def test_a_fix_with_nothing_to_fix_reads_what_check_reads_and_never_calls_the_fixer(tmp_path, monkeypatch, capsys):
    app = _copy("fixable_app", tmp_path / "app")
    monkeypatch.chdir(app)
    run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    reads = []
    original = source.read_bytes
    monkeypatch.setattr(source, "read_bytes", lambda path: reads.append(str(path)) or original(path))
    calls = []
    monkeypatch.setattr(session, "fix_file", lambda *args, **kwargs: calls.append(args) or pytest.fail("fixer called"))

    check = run_cli(["check", "--unsafe-fixes", "src"], capsys)
    read_by_check = sorted(reads)
    reads.clear()
    fix = run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    assert fix[1].startswith("Fixed 0 violations in 0 files.\n")
    assert calls == []
    # Every file once, as check reads it; the report is check's, after the fix line.
    assert sorted(reads) == read_by_check
    assert parse_output(fix[1]) == parse_output(check[1]) != []
