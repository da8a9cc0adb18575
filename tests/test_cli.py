"""The `check` command as a user sees it: output lines, sorting, summary, exit codes, code
selection, standard input, directory walking and per-file-ignores."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from conftest import parse_output, run_cli, summary_of, write_config_module
from fastapi_conventions_lint import __version__, engine
from fastapi_conventions_lint.cli import main

# Line 3: FCL003 at the call (col 10) and FCL001 at the prefix (col 27).
ROUTER = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/data/mongodb")
'''

# FCL001 and FCL003 on line 3, FCL101 and FCL203 on the def line (7), FCL102 on line 20.
MIXED = '''\
from fastapi import APIRouter, Depends

router = APIRouter(prefix="/api/v1/data/mongodb")


@router.get("/items")
async def list_items(db=Depends(get_db)) -> dict:
    a = 1
    b = 2
    c = 3
    d = 4
    e = 5
    f = 6
    g = 7
    h = 8
    i = 9
    j = 10
    k = 11
    m = 12
    return await db.find({})
'''
MIXED_EXPECTED = [
    (3, 10, "FCL003"),
    (3, 27, "FCL001"),
    (7, 1, "FCL101"),
    (7, 25, "FCL203"),
    (20, 18, "FCL102"),
]
ALL_MIXED = {code for _, _, code in MIXED_EXPECTED}

CLEAN = '''\
from fastapi import APIRouter
from server.config import api_config

router = APIRouter(prefix=api_config.DATA_PREFIX, tags=["data"])
'''


def _codes(out: str) -> set:
    return {item.code for item in parse_output(out)}


def _pyproject(directory: Path, body: str) -> Path:
    path = directory / "pyproject.toml"
    path.write_text("[tool.fastapi-conventions-lint]\n" + textwrap.dedent(body), encoding="utf-8")
    return path


# ---- output format ----------------------------------------------------------------------

def test_output_lines_are_path_line_col_code_message_with_1_based_columns(write, capsys):
    path = write("app.py", MIXED)
    code, out, err = run_cli(["check", str(path)], capsys)
    lines = out.splitlines()
    assert lines[0] == (
        f"{path}:3:10: FCL003 router has no tags: add tags=[...] to group its routes in the "
        f"OpenAPI docs"
    )
    assert lines[1] == (
        f'{path}:3:27: FCL001 hardcoded router prefix "/api/v1/data/mongodb": use '
        f'f"{{api_config.DATA_PREFIX}}/mongodb"'
    )
    reported = [(item.line, item.col, item.code) for item in parse_output(out)]
    assert reported == MIXED_EXPECTED
    assert all(item.path == str(path) for item in parse_output(out))
    assert lines[-2:] == ["Found 5 violations in 1 file.", "[*] 1 fixable with `fix` (1 more with `fix --unsafe-fixes`)."]
    assert len(lines) == len(MIXED_EXPECTED) + 2
    assert err == ""


def test_columns_count_characters_not_bytes(write, capsys):
    line = 'router = APIRouter(tags=["données"], prefix="/api/v1/rag")'
    path = write("app.py", f"from fastapi import APIRouter\n\n{line}\n")
    _, out, _ = run_cli(["check", str(path)], capsys)
    (item,) = parse_output(out)
    assert (item.line, item.col, item.code) == (3, line.index('"/api/v1/rag"') + 1, "FCL001")


def test_output_is_sorted_by_path_then_position(write, capsys, tmp_path):
    b = write("b.py", ROUTER)
    a = write("a.py", MIXED)
    c = write("pkg/c.py", "\n\n" + ROUTER)
    code, out, _ = run_cli(["check", str(c), str(b), str(a)], capsys)
    reported = parse_output(out)
    assert [item.path for item in reported] == sorted(item.path for item in reported)
    assert [item.path for item in reported][0] == str(a)
    for path in (a, b, c):
        positions = [(item.line, item.col) for item in reported if item.path == str(path)]
        assert positions == sorted(positions) and positions
    assert summary_of(out) == "Found 9 violations in 3 files."


def test_summary_for_a_clean_run_and_for_one_violation(write, capsys):
    clean = write("clean.py", CLEAN)
    code, out, _ = run_cli(["check", str(clean)], capsys)
    assert (code, out) == (0, "All checks passed!\n")
    one = write("one.py", ROUTER.replace(")", ', tags=["data"])'))
    code, out, _ = run_cli(["check", str(one), str(clean)], capsys)
    assert code == 1
    assert summary_of(out) == "Found 1 violation in 1 file."


# ---- exit codes -------------------------------------------------------------------------

def test_exit_0_when_clean_and_1_with_violations(write, capsys):
    assert run_cli(["check", str(write("clean.py", CLEAN))], capsys)[0] == 0
    assert run_cli(["check", str(write("bad.py", ROUTER))], capsys)[0] == 1


def test_exit_zero_forces_0_but_still_reports(write, capsys):
    code, out, _ = run_cli(["check", "--exit-zero", str(write("bad.py", ROUTER))], capsys)
    assert code == 0
    assert _codes(out) == {"FCL001", "FCL003"}


def test_a_file_that_cannot_be_checked_exits_1(write, capsys):
    code, out, _ = run_cli(["check", str(write("broken.py", "def f(:\n"))], capsys)
    assert code == 1
    assert _codes(out) == {"FCL900"}


def test_config_error_exits_2_even_with_exit_zero(write, capsys, tmp_path):
    path = write("bad.py", ROUTER)
    _pyproject(tmp_path, "max-handler-statements = 'many'\n")
    code, out, err = run_cli(["check", "--exit-zero", str(path)], capsys)
    assert code == 2
    assert parse_output(out) == []
    assert "max-handler-statements" in err


@pytest.mark.parametrize("argv, help_of", [
    (["check", "--no-such-option"], "fastapi-conventions-lint check"),
    (["check", "--select"], "fastapi-conventions-lint check"),
    (["lint", "."], "fastapi-conventions-lint"),
])
def test_usage_errors_exit_2_in_one_line_pointing_at_help(argv, help_of, capsys):
    with pytest.raises(SystemExit) as raised:
        main(argv)
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{help_of}: error: ")
    assert err.endswith(f"(see '{help_of} --help')\n")


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, err = run_cli([], capsys)
    assert code == 2
    assert "check" in err and out == ""


def test_internal_error_exits_2_and_the_run_goes_on(write, capsys, monkeypatch):
    crashing = write("crash.py", ROUTER)
    fine = write("fine.py", ROUTER)
    real = engine.analyse_path

    def analyse_path(path, *args, **kwargs):
        if path == str(crashing):
            raise RuntimeError("boom")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "analyse_path", analyse_path)
    code, out, err = run_cli(["check", "--exit-zero", str(crashing), str(fine)], capsys)
    assert code == 2
    assert f"{crashing}: internal error: RuntimeError: boom" in err
    # The report says which file was not checked, as its FCL900.
    reported = parse_output(out)
    assert {item.path for item in reported} == {str(fine), str(crashing)}
    assert [item.message for item in reported if item.path == str(crashing)] == [
        "could not analyse: internal error: RuntimeError: boom; please report it"
    ]


@pytest.mark.parametrize("error", [MemoryError, RecursionError])
def test_running_out_of_memory_or_stack_on_one_file_is_its_fcl900(write, capsys, monkeypatch, error):
    crashing = write("crash.py", ROUTER)
    fine = write("fine.py", ROUTER)
    real = engine.analyse_path

    def analyse_path(path, *args, **kwargs):
        if path == str(crashing):
            raise error()
        return real(path, *args, **kwargs)

    monkeypatch.setattr(engine, "analyse_path", analyse_path)
    code, out, err = run_cli(["check", str(crashing), str(fine)], capsys)
    assert code == 1 and "internal error" not in err
    reported = parse_output(out)
    assert [(item.code, item.message) for item in reported if item.path == str(crashing)] == [
        ("FCL900", f"could not analyse: the code is too large or nested too deeply ({error.__name__})")
    ]
    assert any(item.path == str(fine) for item in reported)


def test_a_file_whose_rules_raise_in_the_project_pass_is_its_fcl900(write, capsys, monkeypatch):
    crashing = write("crash.py", ROUTER)
    fine = write("fine.py", ROUTER)
    real = engine.FileAnalysis.conclude

    def conclude(self, extra=()):
        if self.filename == str(crashing):
            raise MemoryError()
        return real(self, extra)

    monkeypatch.setattr(engine.FileAnalysis, "conclude", conclude)
    code, out, err = run_cli(["check", str(crashing), str(fine)], capsys)
    assert "project analysis failed" not in err and "internal error" not in err
    reported = parse_output(out)
    assert [item.code for item in reported if item.path == str(crashing)] == ["FCL900"]
    assert any(item.path == str(fine) and item.code != "FCL900" for item in reported)


# ---- selection --------------------------------------------------------------------------

@pytest.mark.parametrize("options, expected", [
    ([], ALL_MIXED),
    (["--select", "FCL"], ALL_MIXED),
    (["--select", "FCL1"], {"FCL101", "FCL102"}),
    (["--select", "FCL101"], {"FCL101"}),
    (["--select", "FCL001,FCL003"], {"FCL001", "FCL003"}),
    (["--select", "FCL001", "--select", "FCL203"], {"FCL001", "FCL203"}),
    (["--ignore", "FCL1"], {"FCL001", "FCL003", "FCL203"}),
    (["--ignore", "FCL101"], ALL_MIXED - {"FCL101"}),
    (["--ignore", "FCL"], set()),
    (["--select", "FCL1", "--ignore", "FCL101"], {"FCL102"}),
    (["--ignore", "FCL1", "--select", "FCL101"], {"FCL101"}),
    (["--select", "FCL0", "--extend-select", "FCL203"], {"FCL001", "FCL003", "FCL203"}),
    (["--select", "FCL2", "--extend-select", "FCL1"], {"FCL101", "FCL102", "FCL203"}),
])
def test_select_ignore_extend_select_take_codes_and_prefixes(options, expected, write, capsys):
    path = write("app.py", MIXED)
    code, out, _ = run_cli(["check", *options, str(path)], capsys)
    assert _codes(out) == expected
    assert code == (1 if expected else 0)


def test_command_line_select_replaces_configured_select(write, capsys, tmp_path):
    path = write("app.py", MIXED)
    _pyproject(tmp_path, 'select = ["FCL1"]\n')
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL101", "FCL102"}
    assert _codes(run_cli(["check", "--select", "FCL0", str(path)], capsys)[1]) == {
        "FCL001", "FCL003"
    }


def test_command_line_ignore_replaces_configured_ignore(write, capsys, tmp_path):
    path = write("app.py", MIXED)
    _pyproject(tmp_path, 'ignore = ["FCL003", "FCL1"]\n')
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL001", "FCL203"}
    assert _codes(run_cli(["check", "--ignore", "FCL001", str(path)], capsys)[1]) == (
        ALL_MIXED - {"FCL001"}
    )


def test_command_line_extend_select_adds_to_configured_selection(write, capsys, tmp_path):
    path = write("app.py", MIXED)
    _pyproject(tmp_path, 'select = ["FCL0"]\nextend-select = ["FCL102"]\n')
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL001", "FCL003", "FCL102"}
    assert _codes(run_cli(["check", "--extend-select", "FCL203", str(path)], capsys)[1]) == {
        "FCL001", "FCL003", "FCL102", "FCL203"
    }


def test_command_line_selection_applies_on_top_of_config_option(write, capsys, tmp_path):
    path = write("app.py", MIXED)
    config = tmp_path / "conf" / "pyproject.toml"
    config.parent.mkdir()
    config.write_text('[tool.fastapi-conventions-lint]\nselect = ["FCL1"]\n', encoding="utf-8")
    assert _codes(run_cli(["check", "--config", str(config), str(path)], capsys)[1]) == {
        "FCL101", "FCL102"
    }
    out = run_cli(["check", "--config", str(config), "--select", "FCL203", str(path)], capsys)[1]
    assert _codes(out) == {"FCL203"}


# ---- standard input ---------------------------------------------------------------------

def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


def test_dash_reads_stdin_and_reports_the_stdin_filename(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    write_config_module(tmp_path / "api")
    _stdin(monkeypatch, ROUTER.encode())
    code, out, _ = run_cli(["check", "-", "--stdin-filename", "api/app.py"], capsys)
    assert code == 1
    assert out.splitlines()[:2] == [
        "api/app.py:3:10: FCL003 router has no tags: add tags=[...] to group its routes in "
        "the OpenAPI docs",
        'api/app.py:3:27: FCL001 hardcoded router prefix "/api/v1/data/mongodb": use '
        'f"{api_config.DATA_PREFIX}/mongodb"',
    ]


def test_dash_without_stdin_filename_is_reported_as_dash(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, ROUTER.encode())
    _, out, _ = run_cli(["check", "-"], capsys)
    assert {(item.path, item.line, item.col) for item in parse_output(out)} == {
        ("-", 3, 10), ("-", 3, 27)
    }


def test_stdin_and_files_in_one_run(monkeypatch, capsys, write, tmp_path):
    monkeypatch.chdir(tmp_path)
    write("b.py", ROUTER)
    _stdin(monkeypatch, CLEAN.encode() + b"\nx = APIRouter()\n")
    code, out, _ = run_cli(["check", "b.py", "-", "--stdin-filename", "a.py"], capsys)
    assert [item.path for item in parse_output(out)] == ["a.py", "b.py", "b.py"]
    assert summary_of(out) == "Found 3 violations in 2 files."


def test_an_unsaved_buffer_is_judged_by_its_own_text_not_the_file_on_disk(monkeypatch, capsys, tmp_path):
    """An editor pipes the buffer it has not saved: whether two routes are in branches that
    never both run is read from that text, whatever the file on disk holds now."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.py").write_text("x = 1\n")
    _stdin(monkeypatch, textwrap.dedent('''\
        from fastapi import FastAPI

        from settings import LEGACY

        app = FastAPI(docs_url=None, redoc_url=None)

        if LEGACY:
            @app.get("/items")
            def old_items() -> list:
                return []
        else:
            @app.get("/items")
            def new_items() -> list:
                return []
    ''').encode())
    code, out, _ = run_cli(["check", "--stdin-filename", "app.py"], capsys)
    assert code == 0 and "FCL007" not in out, out


def test_stdin_filename_finds_the_settings_and_per_file_ignores(monkeypatch, capsys, tmp_path):
    (tmp_path / "sub").mkdir()
    _pyproject(tmp_path / "sub", 'ignore = ["FCL003"]\nper-file-ignores = {"legacy/*.py" = ["FCL001"]}\n')
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, ROUTER.encode())
    assert _codes(run_cli(["check", "-", "--stdin-filename", "sub/app.py"], capsys)[1]) == {"FCL001"}
    _stdin(monkeypatch, ROUTER.encode())
    assert _codes(run_cli(["check", "-", "--stdin-filename", "sub/legacy/app.py"], capsys)[1]) == set()
    _stdin(monkeypatch, ROUTER.encode())
    assert _codes(run_cli(["check", "-", "--stdin-filename", "other.py"], capsys)[1]) == {
        "FCL001", "FCL003"
    }


def test_stdin_that_does_not_parse_gives_fcl900(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, b"x = (\n")
    code, out, _ = run_cli(["check", "-", "--stdin-filename", "app.py"], capsys)
    (item,) = parse_output(out)
    assert (item.path, item.line, item.code) == ("app.py", 1, "FCL900")
    assert code == 1


# ---- directory walking ------------------------------------------------------------------

SKIPPED_DIRECTORIES = (
    ".git", ".hg", ".venv", "venv", "__pycache__", "build", "dist", "node_modules", ".tox",
    ".nox", "lib/python3.11/site-packages", "src/.venv", "src/pkg/build",
)


def test_walk_skips_tool_and_environment_directories(write, capsys, tmp_path):
    for directory in SKIPPED_DIRECTORIES:
        write(f"{directory}/mod.py", ROUTER)
    write("src/pkg/app.py", ROUTER)
    write("src/pkg/notes.txt", ROUTER)
    write("src/pkg/stub.pyi", ROUTER)
    write("main.py", ROUTER)
    code, out, _ = run_cli(["check", str(tmp_path)], capsys)
    files = {Path(item.path).relative_to(tmp_path).as_posix() for item in parse_output(out)}
    assert files == {"src/pkg/app.py", "main.py"}
    assert code == 1


def test_walk_skips_files_that_never_mention_fastapi_even_when_broken(write, capsys, tmp_path):
    write("scripts/broken.py", "def f(:\n")
    write("app.py", ROUTER)
    _, out, _ = run_cli(["check", str(tmp_path)], capsys)
    assert {Path(item.path).name for item in parse_output(out)} == {"app.py"}
    _, out, _ = run_cli(["check", str(tmp_path / "scripts" / "broken.py")], capsys)
    assert _codes(out) == {"FCL900"}


@pytest.mark.parametrize("argument", [".", "src", "src/pkg"])
def test_walk_skips_configured_exclude_and_extend_exclude(argument, write, capsys, tmp_path, monkeypatch):
    _pyproject(tmp_path, 'extend-exclude = ["generated", "src/pkg/legacy", "*_pb2.py"]\n')
    write("src/pkg/app.py", ROUTER)
    write("src/pkg/generated/models.py", ROUTER)
    write("src/pkg/legacy/old.py", ROUTER)
    write("src/pkg/api_pb2.py", ROUTER)
    write("src/pkg/other/legacy/kept.py", ROUTER)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run_cli(["check", argument], capsys)
    files = {Path(item.path).resolve().relative_to(tmp_path.resolve()).as_posix() for item in parse_output(out)}
    assert files == {"src/pkg/app.py", "src/pkg/other/legacy/kept.py"}


def test_extend_exclude_keeps_the_default_exclusions(write, capsys, tmp_path):
    _pyproject(tmp_path, 'extend-exclude = ["generated"]\n')
    write(".venv/lib/mod.py", ROUTER)
    write("generated/mod.py", ROUTER)
    write("app.py", ROUTER)
    _, out, _ = run_cli(["check", str(tmp_path)], capsys)
    assert {Path(item.path).name for item in parse_output(out)} == {"app.py"}


def test_configured_exclude_skips_its_patterns(write, capsys, tmp_path):
    _pyproject(tmp_path, 'exclude = ["migrations", "conftest.py"]\n')
    write("migrations/0001.py", ROUTER)
    write("tests/conftest.py", ROUTER)
    write("app.py", ROUTER)
    _, out, _ = run_cli(["check", str(tmp_path)], capsys)
    assert {Path(item.path).name for item in parse_output(out)} == {"app.py"}


def test_an_explicitly_named_excluded_file_is_checked(write, capsys, tmp_path):
    _pyproject(tmp_path, 'extend-exclude = ["legacy"]\n')
    named = [
        write(".venv/lib/mod.py", ROUTER),
        write("build/gen.py", ROUTER),
        write("legacy/old.py", ROUTER),
    ]
    code, out, _ = run_cli(["check", *map(str, named)], capsys)
    assert {item.path for item in parse_output(out)} == set(map(str, named))
    assert code == 1


def test_a_file_named_twice_or_also_found_by_walking_is_reported_once(write, capsys, tmp_path):
    path = write("app.py", ROUTER)
    _, out, _ = run_cli(["check", str(tmp_path), str(path), str(path)], capsys)
    assert len(parse_output(out)) == 2


def test_directory_symlink_loop_is_walked_once_without_hanging(write, tmp_path):
    write("proj/app.py", ROUTER)
    write("proj/pkg/mod.py", ROUTER)
    os.symlink("..", tmp_path / "proj" / "pkg" / "parent")
    os.symlink(".", tmp_path / "proj" / "self")
    os.symlink(str(tmp_path / "proj" / "pkg"), tmp_path / "proj" / "pkg" / "inner")
    process = subprocess.run(
        [sys.executable, "-m", "fastapi_conventions_lint", "check", "proj"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60,
    )
    assert process.returncode == 1, process.stderr
    reported = parse_output(process.stdout)
    assert sorted({item.path for item in reported}) == ["proj/app.py", "proj/pkg/mod.py"]
    assert len(reported) == 4
    assert summary_of(process.stdout) == "Found 4 violations in 2 files."


def test_python_dash_m_version():
    process = subprocess.run(
        [sys.executable, "-m", "fastapi_conventions_lint", "--version"],
        capture_output=True, text=True, timeout=60,
    )
    assert process.returncode == 0
    assert process.stdout.strip() == f"fastapi-conventions-lint {__version__}"


def test_the_command_exits_without_freeing_its_objects_after_all_output_and_files_are_written(tmp_path):
    """The entry point ends with os._exit once the output is flushed (no tracer in the child:
    the coverage hook is left out of its environment). Output larger than a pipe holds
    arrives whole, the fixed files are on disk, and the status is the findings'."""
    for number in range(600):
        (tmp_path / f"m{number}.py").write_text(
            f'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/x{number}/", tags=["x"])\n'
        )
    environment = {key: value for key, value in os.environ.items() if not key.startswith("COV_CORE")}
    command = [sys.executable, "-m", "fastapi_conventions_lint"]
    checked = subprocess.run([*command, "check", str(tmp_path)], capture_output=True, text=True, env=environment, timeout=300)
    assert checked.returncode == 1 and checked.stderr == ""
    assert len(checked.stdout) > 3 * 65536  # several times what a pipe holds
    assert summary_of(checked.stdout) == "Found 1200 violations in 600 files."
    fixed = subprocess.run([*command, "fix", str(tmp_path)], capture_output=True, text=True, env=environment, timeout=300)
    assert fixed.returncode == 1 and fixed.stdout.startswith("Fixed 600 violations in 600 files.")
    assert all(f'prefix="/x{n}", ' in (tmp_path / f"m{n}.py").read_text() for n in range(600))


# ---- per-file-ignores -------------------------------------------------------------------

def test_per_file_ignores(write, capsys, tmp_path, monkeypatch):
    _pyproject(tmp_path, '''\
        [tool.fastapi-conventions-lint.per-file-ignores]
        "scripts/*.py" = ["FCL003"]
        "legacy.py" = ["FCL"]
        "src/api/*.py" = ["FCL1", "FCL203"]
    ''')
    write("scripts/seed_app.py", ROUTER)
    write("src/pkg/legacy.py", ROUTER)
    write("src/api/items.py", MIXED)
    write("app.py", ROUTER)
    expected = {
        "scripts/seed_app.py": {"FCL001"},
        "src/api/items.py": {"FCL001", "FCL003"},
        "app.py": {"FCL001", "FCL003"},
    }
    for cwd, argument in ((tmp_path, "."), (tmp_path / "src", "."), (tmp_path / "scripts", "..")):
        monkeypatch.chdir(cwd)
        _, out, _ = run_cli(["check", argument], capsys)
        found: dict = {}
        for item in parse_output(out):
            relative = Path(item.path).resolve().relative_to(tmp_path.resolve()).as_posix()
            found.setdefault(relative, set()).add(item.code)
        wanted = {k: v for k, v in expected.items() if (cwd / argument).resolve() in (tmp_path / k).resolve().parents}
        assert found == wanted, (cwd, argument)


def test_per_file_ignores_also_covers_fcl900(write, capsys, tmp_path):
    _pyproject(tmp_path, 'per-file-ignores = {"broken_*.py" = ["FCL900"]}\n')
    ignored = write("broken_ok.py", "def f(:\n")
    reported = write("other.py", "def f(:\n")
    _, out, _ = run_cli(["check", str(ignored), str(reported)], capsys)
    assert [(item.path, item.code) for item in parse_output(out)] == [(str(reported), "FCL900")]


def test_stdin_named_twice_is_read_once(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, ROUTER.encode())
    _, out, _ = run_cli(["check", "-", "-", "--stdin-filename", "app.py"], capsys)
    assert summary_of(out) == "Found 2 violations in 1 file."


def test_internal_error_on_stdin_exits_2(monkeypatch, capsys, tmp_path):
    monkeypatch.chdir(tmp_path)
    _stdin(monkeypatch, ROUTER.encode())

    def analyse_source(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "analyse_source", analyse_source)
    code, out, err = run_cli(["check", "-", "--stdin-filename", "app.py"], capsys)
    assert code == 2
    assert "app.py: internal error: RuntimeError: boom" in err
    assert out.splitlines()[0] == (
        "app.py:1:1: FCL900 could not analyse: internal error: RuntimeError: boom; please report it"
    )


def test_an_unreadable_directory_does_not_stop_the_walk(write, capsys, tmp_path, monkeypatch):
    write("locked/app.py", ROUTER)
    good = write("open/app.py", ROUTER)
    real_scandir = os.scandir

    def scandir(path):
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    code, out, err = run_cli(["check", str(tmp_path)], capsys)
    assert {item.path for item in parse_output(out)} == {str(good)}
    assert "Traceback" not in err
    # ...and is said, not passed over in silence.
    assert err == (
        f"fastapi-conventions-lint: warning: {tmp_path / 'locked'}: could not be read "
        "(Permission denied): the files in it are not checked\n"
    )


def test_config_globs_for_a_tree_outside_the_named_config(write, capsys, tmp_path):
    (tmp_path / "ci").mkdir()
    config = _pyproject(tmp_path / "ci", '''\
        extend-exclude = ["generated"]
        per-file-ignores = {"seed_*.py" = ["FCL003"]}
    ''')
    write("proj/generated/models.py", ROUTER)
    tests = write("proj/seed_api.py", ROUTER)
    app = write("proj/app.py", ROUTER)
    _, out, _ = run_cli(["check", "--config", str(config), str(tmp_path / "proj")], capsys)
    assert sorted((item.path, item.code) for item in parse_output(out)) == [
        (str(app), "FCL001"), (str(app), "FCL003"), (str(tests), "FCL001"),
    ]


NEWER_SYNTAX = {
    "alias.py": ("type UserId = int\n", (3, 12)),
    "generic.py": ("def first[T](items: list[T]) -> T:\n    return items[0]\n", (3, 12)),
    "handlers.py": ("try:\n    pass\nexcept ValueError, TypeError:\n    pass\n", (3, 14)),
}


@pytest.mark.parametrize("command", ["check", "fix"])
def test_files_with_syntax_newer_than_the_interpreter_are_counted_in_one_stderr_line(
    write, capsys, tmp_path, command
):
    paths = [str(write(name, text)) for name, (text, _) in NEWER_SYNTAX.items()]
    paths.append(str(write("broken.py", "x = = 1\n")))  # an error no Python accepts: not counted
    code, out, err = run_cli([command, *paths], capsys)

    running = sys.version_info[:2]
    too_new = [version for _, version in NEWER_SYNTAX.values() if version > running]
    lines = [line for line in err.splitlines() if "syntax newer than" in line]
    if not too_new:
        assert lines == []
        return
    count = len(too_new)
    newest = "{}.{}".format(*max(too_new))
    assert lines == [
        f"{count} file{'s' if count > 1 else ''} {'use' if count > 1 else 'uses'} syntax newer than "
        f"Python {running[0]}.{running[1]} (needs Python {newest} or newer): "
        f"{'they were' if count > 1 else 'it was'} not checked; run with a newer interpreter to "
        f"check {'them' if count > 1 else 'it'}"
    ]
    reported = {Path(item.path).name: item for item in parse_output(out)}
    for name, (_, version) in NEWER_SYNTAX.items():
        if version > running:
            assert reported[name].code == "FCL900"
            assert f"needs Python {version[0]}.{version[1]} or newer" in reported[name].message
    assert "needs Python" not in reported["broken.py"].message
    assert code == 1


def test_the_newer_syntax_line_is_left_out_with_q(write, capsys):
    # Newer syntax for every Python before 3.14, then an error for every Python.
    path = str(write("handlers.py", NEWER_SYNTAX["handlers.py"][0] + "x = = 1\n"))
    _, _, err = run_cli(["check", path], capsys)
    assert ("1 file uses syntax newer than" in err) == (sys.version_info < (3, 14))
    code, out, err = run_cli(["check", "-q", path], capsys)
    assert "syntax newer than" not in err
    assert "FCL900" in out and code == 1


def test_in_flake8_a_file_whose_analysis_raises_is_its_fcl900(tmp_path, monkeypatch):
    import ast as ast_module

    from fastapi_conventions_lint import flake8_plugin

    path = tmp_path / "app.py"
    path.write_text(ROUTER)

    def extract(*args, **kwargs):
        raise MemoryError()

    monkeypatch.setattr(flake8_plugin, "extract_facts", extract)
    plugin = flake8_plugin.Plugin(ast_module.parse(ROUTER), str(path), ROUTER.splitlines(keepends=True))
    assert [message for _, _, message, _ in plugin.run()] == [
        "FCL900 could not analyse: the code is too large or nested too deeply (MemoryError)"
    ]


@pytest.mark.parametrize("command", [["check"], ["fix"], ["fix", "--diff"]])
def test_a_symlink_loop_named_on_the_command_line_is_its_fcl900(tmp_path, capsys, monkeypatch, command):
    (tmp_path / "a.py").symlink_to("b.py")
    (tmp_path / "b.py").symlink_to("a.py")
    fine = tmp_path / "fine.py"
    fine.write_text(ROUTER)
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli([*command, "a.py", "fine.py"], capsys)
    assert "internal error" not in err and code == 1
    reported = parse_output(out + err)
    assert ("a.py", "FCL900") in [(item.path, item.code) for item in reported]
    assert "a symbolic link that leads to no file" in out + err
