"""Fixing from the command line, end to end: `check --fix` / `fix`, `--diff`, `--unsafe-fixes`,
`--select/--ignore`, `# noqa`, stdin, what is (and is not) written, byte-for-byte
preservation, failed writes, idempotence over the violations fixture, and the FastAPI route
table of fixtures/fixable_app unchanged under safe fixes.

Only the FCL001 and FCL006 (safe) and FCL002 (unsafe) fixes are relied on here; the exact
diff of fixtures/violations_app is pinned with `--select FCL001,FCL002,FCL006` so that
codemods added for other rules do not change it. Set FCL_UPDATE_GOLDEN=1 to rewrite the
golden file (then review the diff of tests/golden/ line by line before committing it).
"""

from __future__ import annotations

import ast
import difflib
import errno
import io
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import pytest

import fastapi_conventions_lint.fix.files as fix_files
from conftest import FIXTURES, parse_output, run_cli, summary_of, write_config_module

VIOLATIONS_APP = FIXTURES / "violations_app"
FIXABLE_APP = FIXTURES / "fixable_app"
GOLDEN = Path(__file__).resolve().parent / "golden"

OLD = 1_000_000_000 * 10**9  # an mtime (in ns, 2001) that any write would replace

# FCL006 and FCL001 on one literal (safe): the slash goes, then the configured constant
# comes in, and with it the import of the config object.
SAFE = """\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/data/reports/", tags=["reports"])
"""
SAFE_FIXED = """\
from fastapi import APIRouter

from server.config import api_config

router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=["reports"])
"""
# FCL001 with no configured constant to use: reported, never fixed.
UNFIXABLE = 'tools = APIRouter(prefix="/internal/tools", tags=["tools"])\n'

# Safe fixes on the router, and an FCL002 (unsafe: the served path changes) at the include.
MIXED = """\
from fastapi import APIRouter, FastAPI

app = FastAPI(openapi_url=None)
status_router = APIRouter(prefix="/api/v1/status/", tags=["status"])


@status_router.get("")
async def status() -> dict:
    return {"ok": True}


app.include_router(status_router, prefix="/api/v1")
"""


def _lines(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


# Written line by line so that the blank context lines (" ") survive editors.
MIXED_SAFE_DIFF = _lines(
    "--- mixed.py",
    "+++ mixed.py",
    "@@ -1,7 +1,9 @@",
    " from fastapi import APIRouter, FastAPI",
    " ",
    "+from server.config import api_config",
    "+",
    " app = FastAPI(openapi_url=None)",
    '-status_router = APIRouter(prefix="/api/v1/status/", tags=["status"])',
    '+status_router = APIRouter(prefix=f"{api_config.V1_PREFIX}/status", tags=["status"])',
    " ",
    " ",
    ' @status_router.get("")',
)
MIXED_UNSAFE_DIFF = MIXED_SAFE_DIFF + _lines(
    "@@ -9,4 +11,4 @@",
    '     return {"ok": True}',
    " ",
    " ",
    '-app.include_router(status_router, prefix="/api/v1")',
    "+app.include_router(status_router)",
)

UNSAFE_HINT = re.compile(r"^\d+ violations? can be fixed with --unsafe-fixes\.$", re.M)


# -- helpers ----------------------------------------------------------------------------------


def _old_mtime(*paths: Path) -> None:
    for path in paths:
        os.utime(path, ns=(OLD, OLD))


def _state(path: Path) -> Tuple[bytes, int, int]:
    """What a user would see change: content, modification time, permission bits."""
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, stat.S_IMODE(info.st_mode)


def _tree(root: Path) -> Dict[str, Tuple[bytes, int, int]]:
    return {
        path.relative_to(root).as_posix(): _state(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def _copy_app(app: Path, destination: Path) -> Path:
    """A copy of a fixture app with a pyproject.toml of its own (default settings, whatever
    lies above the temporary directory) and old mtimes everywhere."""
    shutil.copytree(app, destination, ignore=shutil.ignore_patterns("__pycache__"))
    (destination / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    for path in destination.rglob("*"):
        if path.is_file():
            _old_mtime(path)
    return destination


def _stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def _codes(out: str) -> List[str]:
    return sorted(item.code for item in parse_output(out))


def _script() -> str:
    return shutil.which("fastapi-conventions-lint") or str(
        Path(sys.executable).with_name("fastapi-conventions-lint")
    )


# -- check --fix and fix: in place, then report what remains -------------------------------------


@pytest.mark.parametrize("command", [["fix"], ["check", "--fix"]])
def test_safe_fixes_are_applied_in_place_and_exit_0_when_nothing_remains(
    command, write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    write("a.py", SAFE)
    code, out, err = run_cli([*command, "a.py"], capsys)
    assert (tmp_path / "a.py").read_text() == SAFE_FIXED
    assert out == "Fixed 2 violations in 1 file.\nAll checks passed!\n"
    assert err == ""
    assert code == 0


@pytest.mark.parametrize("command", [["fix"], ["check", "--fix"]])
def test_what_remains_is_reported_at_its_new_position_and_exits_1(
    command, write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    write("a.py", SAFE + UNFIXABLE)
    write("b.py", SAFE)
    code, out, err = run_cli([*command, "."], capsys)
    assert (tmp_path / "a.py").read_text() == SAFE_FIXED + UNFIXABLE
    assert (tmp_path / "b.py").read_text() == SAFE_FIXED
    assert out.splitlines()[0] == "Fixed 4 violations in 2 files."
    # The import added above it moved the remaining diagnostic down one line.
    [remaining] = parse_output(out)
    assert (Path(remaining.path).name, remaining.line, remaining.code) == ("a.py", 6, "FCL001")
    assert remaining.col == len("tools = APIRouter(prefix=") + 1
    assert "no configured prefix constant matches it" in remaining.message
    assert summary_of(out) == "Found 1 violation in 1 file."
    assert not UNSAFE_HINT.search(out)
    assert code == 1


def test_unsafe_fix_is_held_back_and_hinted_without_the_flag(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write("mixed.py", MIXED)
    code, out, _ = run_cli(["fix", "mixed.py"], capsys)
    fixed = (tmp_path / "mixed.py").read_text()
    assert 'prefix=f"{api_config.V1_PREFIX}/status"' in fixed  # the safe fixes are applied
    assert 'app.include_router(status_router, prefix="/api/v1")' in fixed  # the unsafe one not
    assert out.splitlines()[0] == "Fixed 2 violations in 1 file."
    assert _codes(out) == ["FCL002"]
    assert out.endswith(
        "Found 1 violation in 1 file.\n1 violation can be fixed with --unsafe-fixes.\n"
    )
    assert code == 1


def test_unsafe_fix_is_applied_with_the_flag(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write("mixed.py", MIXED)
    code, out, _ = run_cli(["check", "--fix", "--unsafe-fixes", "mixed.py"], capsys)
    fixed = (tmp_path / "mixed.py").read_text()
    assert fixed.endswith("\napp.include_router(status_router)\n")
    assert out == "Fixed 3 violations in 1 file.\nAll checks passed!\n"
    assert not UNSAFE_HINT.search(out)
    assert code == 0


def test_only_unsafe_fixes_leave_the_file_untouched_without_the_flag(
    write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    only_unsafe = MIXED.replace(
        'prefix="/api/v1/status/"', 'prefix=f"{api_config.V1_PREFIX}/status"'
    ).replace("\napp = FastAPI(openapi_url=None)", "\nfrom server.config import api_config\n\napp = FastAPI(openapi_url=None)")
    path = write("mixed.py", only_unsafe)
    _old_mtime(path)
    before = _state(path)
    code, out, _ = run_cli(["fix", "mixed.py"], capsys)
    assert _state(path) == before
    assert _codes(out) == ["FCL002"]
    assert out.startswith("Fixed 0 violations in 0 files.\n")
    assert out.endswith("1 violation can be fixed with --unsafe-fixes.\n")
    assert code == 1


def test_plain_check_never_hints_at_unsafe_fixes_and_writes_nothing(
    write, tmp_path, monkeypatch, capsys
):
    """Without --fix, --unsafe-fixes fixes nothing: a plain check's output ends with its
    "Found ..." line."""
    monkeypatch.chdir(tmp_path)
    write("safe.py", SAFE)
    write("mixed.py", MIXED)
    _old_mtime(tmp_path / "safe.py", tmp_path / "mixed.py")
    before = _tree(tmp_path)
    for options in ([], ["--unsafe-fixes"]):
        code, out, _ = run_cli(["check", *options, "safe.py", "mixed.py"], capsys)
        assert out.endswith("Found 5 violations in 2 files.\n[*] 4 fixable with `fix` (1 more with `fix --unsafe-fixes`).\n")
        assert not UNSAFE_HINT.search(out)
        assert code == 1
    assert _tree(tmp_path) == before


def test_exit_zero_with_fix(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write("a.py", SAFE + UNFIXABLE)
    code, out, _ = run_cli(["fix", "--exit-zero", "a.py"], capsys)
    assert "Found 1 violation in 1 file." in out
    assert code == 0


# -- --diff -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command, unsafe, expected, summary",
    [
        (["fix", "--diff"], False, MIXED_SAFE_DIFF, "Would fix 2 violations in 1 file.\n"),
        (["check", "--diff"], False, MIXED_SAFE_DIFF, "Would fix 2 violations in 1 file.\n"),
        (["fix", "--diff"], True, MIXED_UNSAFE_DIFF, "Would fix 3 violations in 1 file.\n"),
    ],
)
def test_diff_prints_exactly_the_fix_and_writes_nothing(
    command, unsafe, expected, summary, write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    path = write("mixed.py", MIXED)
    _old_mtime(path)
    before = _tree(tmp_path)
    code, out, err = run_cli([*command, *(["--unsafe-fixes"] if unsafe else []), "mixed.py"], capsys)
    assert out == expected
    assert err == summary
    assert _tree(tmp_path) == before  # same bytes, same mtime, no temporary file
    assert code == 1


def test_diff_with_nothing_to_fix_prints_nothing_and_exits_0(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write("clean.py", SAFE_FIXED)
    write("unfixable.py", "from fastapi import APIRouter\n" + UNFIXABLE)
    code, out, err = run_cli(["fix", "--diff", "."], capsys)
    assert out == ""
    assert err == "Would fix 0 violations in 0 files.\n"
    assert code == 0


def test_diff_of_a_file_without_a_final_newline_is_a_valid_patch(write, tmp_path, monkeypatch, capsys):
    """The last line is marked `\\ No newline at end of file`, so the next file's header does
    not run into it."""
    monkeypatch.chdir(tmp_path)
    write("a.py", "", raw=SAFE.rstrip("\n").encode())
    write("b.py", SAFE)
    code, out, _ = run_cli(["fix", "--diff", "a.py", "b.py"], capsys)
    assert code == 1
    assert "\n--- b.py\n+++ b.py\n" in out
    a_diff = out.split("--- b.py\n")[0]
    assert a_diff.endswith(
        '+router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=["reports"])\n'
        "\\ No newline at end of file\n"
    )
    assert a_diff.count("\\ No newline at end of file\n") == 2  # the old last line and the new


def test_diff_golden_violations_app(tmp_path, monkeypatch, capsys):
    """The whole diff of the violations fixture, paths relative to where the command runs;
    then `fix` writes exactly that diff."""
    app = _copy_app(VIOLATIONS_APP, tmp_path / "violations_app")
    monkeypatch.chdir(app)
    before = _tree(app)
    args = ["fix", "--unsafe-fixes", "--select", "FCL001,FCL002,FCL006", "src"]
    code, out, err = run_cli([args[0], "--diff", *args[1:]], capsys)
    golden = GOLDEN / "violations_app.diff"
    if os.environ.get("FCL_UPDATE_GOLDEN"):
        golden.write_text(out, encoding="utf-8", newline="")
    assert out == golden.read_text(encoding="utf-8"), "\n" + "".join(
        difflib.unified_diff(
            golden.read_text(encoding="utf-8").splitlines(True), out.splitlines(True),
            "golden", "actual",
        )
    )
    assert err == "Would fix 9 violations in 3 files.\n"
    assert code == 1
    assert _tree(app) == before

    code, out, _ = run_cli(args, capsys)
    assert out.startswith("Fixed 9 violations in 3 files.\n")
    after = _tree(app)
    written = "".join(
        "".join(difflib.unified_diff(
            before[name][0].decode().splitlines(True), after[name][0].decode().splitlines(True),
            name, name,
        ))
        for name in sorted(before)
        if before[name][0] != after[name][0]
    )
    assert written == golden.read_text(encoding="utf-8")


# -- --select / --ignore / noqa -------------------------------------------------------------------

SELECTABLE = """\
from fastapi import APIRouter

from server.config import api_config

archive = APIRouter(prefix=f"{api_config.DATA_PREFIX}/archive/", tags=["archive"])
rag = APIRouter(prefix="/api/v1/rag", tags=["rag"])
"""


@pytest.mark.parametrize(
    "options, archive, rag",
    [
        (["--select", "FCL006"], 'f"{api_config.DATA_PREFIX}/archive"', '"/api/v1/rag"'),
        (["--select", "FCL001"], 'f"{api_config.DATA_PREFIX}/archive/"', "api_config.RAG_PREFIX"),
        (["--ignore", "FCL001"], 'f"{api_config.DATA_PREFIX}/archive"', '"/api/v1/rag"'),
        (["--ignore", "FCL006"], 'f"{api_config.DATA_PREFIX}/archive/"', "api_config.RAG_PREFIX"),
        (["--select", "FCL0", "--ignore", "FCL001,FCL006"],
         'f"{api_config.DATA_PREFIX}/archive/"', '"/api/v1/rag"'),
    ],
)
def test_select_and_ignore_limit_which_rules_fix(
    options, archive, rag, write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    write("a.py", SELECTABLE)
    code, out, _ = run_cli(["fix", *options, "a.py"], capsys)
    text = (tmp_path / "a.py").read_text()
    assert f"archive = APIRouter(prefix={archive}, " in text
    assert f"rag = APIRouter(prefix={rag}, " in text
    # What is not selected is neither fixed nor reported.
    assert parse_output(out) == []
    assert code == 0


def test_noqa_suppressed_diagnostics_are_never_fixed(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write("a.py", """\
        from fastapi import APIRouter, FastAPI

        from server.config import api_config

        app = FastAPI(openapi_url=None)
        a = APIRouter(prefix="/api/v1/data/a/", tags=["a"])  # noqa: FCL001
        b = APIRouter(prefix="/api/v1/data/b/", tags=["b"])  # noqa: FCL006
        c = APIRouter(prefix="/api/v1/data/c/", tags=["c"])  # noqa
        d = APIRouter(prefix="/api/v1/data/d/", tags=["d"])  # noqa: FCL001,FCL006
        e = APIRouter(prefix=f"{api_config.V1_PREFIX}/e", tags=["e"])


        @e.get("")
        def read() -> dict:
            return {}


        app.include_router(e, prefix="/api/v1")  # noqa: FCL002
    """)
    code, out, _ = run_cli(["fix", "--unsafe-fixes", "a.py"], capsys)
    assert (tmp_path / "a.py").read_text() == textwrap.dedent("""\
        from fastapi import APIRouter, FastAPI

        from server.config import api_config

        app = FastAPI(openapi_url=None)
        a = APIRouter(prefix="/api/v1/data/a", tags=["a"])  # noqa: FCL001
        b = APIRouter(prefix=f"{api_config.DATA_PREFIX}/b/", tags=["b"])  # noqa: FCL006
        c = APIRouter(prefix="/api/v1/data/c/", tags=["c"])  # noqa
        d = APIRouter(prefix="/api/v1/data/d/", tags=["d"])  # noqa: FCL001,FCL006
        e = APIRouter(prefix=f"{api_config.V1_PREFIX}/e", tags=["e"])


        @e.get("")
        def read() -> dict:
            return {}


        app.include_router(e, prefix="/api/v1")  # noqa: FCL002
    """)
    assert out == "Fixed 2 violations in 1 file.\nAll checks passed!\n"
    assert code == 0


# -- stdin ----------------------------------------------------------------------------------------

# CRLF and latin-1 with a coding line: the fixed source must come out in the same bytes.
STDIN_SOURCE = (
    b"# -*- coding: latin-1 -*-\r\n"
    b'"""R\xe9sum\xe9s."""\r\n'
    b"from fastapi import APIRouter\r\n"
    b"\r\n"
    b'router = APIRouter(tags=["r\xe9sum\xe9"], prefix="/api/v1/data/r\xe9sum\xe9s/")  # \xe0 jour\r\n'
)
STDIN_FIXED = (
    b"# -*- coding: latin-1 -*-\r\n"
    b'"""R\xe9sum\xe9s."""\r\n'
    b"from fastapi import APIRouter\r\n"
    b"\r\n"
    b"from server.config import api_config\r\n"
    b"\r\n"
    b"router = APIRouter(\r\n"
    b'    tags=["r\xe9sum\xe9"], prefix=f"{api_config.DATA_PREFIX}/r\xe9sum\xe9s"\r\n'
    b")  # \xe0 jour\r\n"
)


@pytest.mark.parametrize("command", [["fix"], ["check", "--fix"]])
def test_stdin_fixed_source_goes_to_stdout_and_the_report_to_stderr(
    command, tmp_path, monkeypatch, capsysbinary
):
    monkeypatch.chdir(tmp_path)
    write_config_module(tmp_path / "app")
    _stdin(monkeypatch, STDIN_SOURCE)
    code, out, err = run_cli([*command, "-", "--stdin-filename", "app/resumes.py"], capsysbinary)
    assert out == STDIN_FIXED
    assert err.decode() == "Fixed 2 violations in 1 file.\nAll checks passed!\n"
    assert code == 0
    assert _entries(tmp_path / "app") == []  # nothing written anywhere


def test_stdin_remaining_violations_are_reported_on_stderr_under_the_stdin_filename(
    tmp_path, monkeypatch, capsysbinary
):
    monkeypatch.chdir(tmp_path)
    write_config_module(tmp_path / "app")
    source = SAFE + "from fastapi import APIRouter\n" + UNFIXABLE
    _stdin(monkeypatch, source.encode())
    code, out, err = run_cli(["fix", "-", "--stdin-filename", "app/r.py"], capsysbinary)
    assert out == (SAFE_FIXED + "from fastapi import APIRouter\n" + UNFIXABLE).encode()
    [remaining] = parse_output(err.decode())
    assert (remaining.path, remaining.line, remaining.code) == ("app/r.py", 7, "FCL001")
    assert err.decode().endswith("Found 1 violation in 1 file.\n")
    assert code == 1


def test_stdin_with_nothing_to_fix_comes_back_byte_for_byte(tmp_path, monkeypatch, capsysbinary):
    monkeypatch.chdir(tmp_path)
    data = b"\xef\xbb\xbf" + SAFE_FIXED.replace("\n", "\r\n").encode() + b"# no final newline"
    _stdin(monkeypatch, data)
    code, out, err = run_cli(["fix", "-", "--stdin-filename", "a.py"], capsysbinary)
    assert out == data
    assert err.decode() == "Fixed 0 violations in 0 files.\nAll checks passed!\n"
    assert code == 0


def test_stdin_with_diff_prints_the_diff_not_the_source(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    write_config_module(tmp_path)
    _stdin(monkeypatch, MIXED.encode())
    code, out, err = run_cli(["fix", "--diff", "-", "--stdin-filename", "mixed.py"], capsys)
    assert out == MIXED_SAFE_DIFF
    assert err == "Would fix 2 violations in 1 file.\n"
    assert code == 1


# -- files that are not touched -------------------------------------------------------------------

COMMENT_INSIDE = """\
from fastapi import APIRouter

router = APIRouter(
    prefix=(
        "/api/v1/data"  # the data root
        "/archive"
    ),
    tags=["archive"],
)
"""


def _entries(directory: Path) -> List[str]:
    """The names in a directory, without the project's config package."""
    return sorted(p.name for p in directory.iterdir() if p.name != "server")


def test_files_whose_fixed_source_equals_the_original_are_not_touched(
    write, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    untouched = [
        write("clean.py", SAFE_FIXED),
        write("unfixable.py", "from fastapi import APIRouter\n" + UNFIXABLE),
        write("comment_inside.py", COMMENT_INSIDE),  # the fix would drop the comment
        write("suppressed.py", SAFE.replace("])\n", "])  # noqa\n")),
        write("broken.py", SAFE + "def broken(:\n"),
        write("not_python.txt", SAFE),
    ]
    fixed = write("fixed.py", SAFE)
    _old_mtime(*untouched, fixed)
    before = {path.name: _state(path) for path in untouched}
    code, out, err = run_cli(["fix", "."], capsys)
    assert {path.name: _state(path) for path in untouched} == before
    assert fixed.stat().st_mtime_ns != OLD and fixed.read_text() == SAFE_FIXED
    assert _entries(tmp_path) == sorted(
        [p.name for p in untouched] + ["fixed.py"]
    )
    assert out.splitlines()[0] == "Fixed 2 violations in 1 file."
    reported = {Path(item.path).name: item for item in parse_output(out)}
    assert set(reported) == {"unfixable.py", "comment_inside.py", "broken.py"}
    assert reported["comment_inside.py"].message.endswith(
        "(fix not applied: the prefix has comments inside it that the rewrite would drop)"
    )
    assert reported["broken.py"].code == "FCL900"
    assert err == ""
    assert code == 1


def test_a_second_fix_run_touches_nothing(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    path = write("mixed.py", MIXED)
    run_cli(["fix", "--unsafe-fixes", "mixed.py"], capsys)
    _old_mtime(path)
    before = _state(path)
    code, out, _ = run_cli(["fix", "--unsafe-fixes", "mixed.py"], capsys)
    assert _state(path) == before
    assert out == "Fixed 0 violations in 0 files.\nAll checks passed!\n"
    assert code == 0


# -- preservation, byte for byte outside the edits --------------------------------------------------

PRESERVED = {
    "crlf": (
        b"from fastapi import APIRouter\r\n"
        b"\r\n"
        b'router = APIRouter(prefix="/api/v1/data/x/", tags=["x"])  # keep\t \r\n'
        b"\r\n"
        b"OTHER = {  'a' :1 }\r\n",
        b"from fastapi import APIRouter\r\n"
        b"\r\n"
        b"from server.config import api_config\r\n"
        b"\r\n"
        b'router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])  # keep\t \r\n'
        b"\r\n"
        b"OTHER = {  'a' :1 }\r\n",
        0o644,
    ),
    "lone-cr": (
        b"from fastapi import APIRouter\r"
        b"\r"
        b'router = APIRouter(prefix="/api/v1/data/x/", tags=["x"])\r',
        b"from fastapi import APIRouter\r"
        b"\r"
        b"from server.config import api_config\r"
        b"\r"
        b'router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])\r',
        0o644,
    ),
    # A form feed before a statement on its line (a page break) is not in LibCST's tree.
    "form-feeds": (
        b"\x0cfrom fastapi import APIRouter\n"
        b"\n"
        b"\x0crouter = APIRouter(\n"
        b'    prefix="/api/v1/data/x/", tags=["x"])\n'
        b"\x0c\n"
        b"def handler():\n"
        b"    x = 1\n"
        b"\x0c    return x\n",
        b"\x0cfrom fastapi import APIRouter\n"
        b"\n"
        b"from server.config import api_config\n"
        b"\n"
        b"\x0crouter = APIRouter(\n"
        b'    prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])\n'
        b"\x0c\n"
        b"def handler():\n"
        b"    x = 1\n"
        b"\x0c    return x\n",
        0o644,
    ),
    "form-feed-on-the-fixed-line": (
        b"from fastapi import APIRouter\n"
        b"\n"
        b'\x0crouter = APIRouter(prefix="/api/v1/data/x/", tags=["x"])\n',
        b"from fastapi import APIRouter\n"
        b"\n"
        b"from server.config import api_config\n"
        b"\n"
        b'\x0crouter = APIRouter(prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])\n',
        0o644,
    ),
    "bom": (
        b'\xef\xbb\xbf"""R\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 UTF-8 with a BOM."""\n'
        b"from fastapi import APIRouter\n"
        b"\n"
        b'router = APIRouter(tags=["\xc3\xa9t\xc3\xa9"], prefix="/api/v1/data")\n',
        b'\xef\xbb\xbf"""R\xc3\xa9sum\xc3\xa9 \xe2\x80\x94 UTF-8 with a BOM."""\n'
        b"from fastapi import APIRouter\n"
        b"\n"
        b"from server.config import api_config\n"
        b"\n"
        b'router = APIRouter(tags=["\xc3\xa9t\xc3\xa9"], prefix=api_config.DATA_PREFIX)\n',
        0o644,
    ),
    "latin-1": (
        b"#!/usr/bin/env python\n"
        b"# -*- coding: latin-1 -*-\n"
        b'"""Caf\xe9 \xab cr\xe8me \xbb, na\xefve."""\n'
        b"from fastapi import APIRouter\n"
        b"from server.config import api_config as cfg\n"
        b"\n"
        b'router = APIRouter(tags=["caf\xe9"], prefix="/api/v1/data/\xe9t\xe9/")  # \xe0 la carte\n'
        b'NOTE = "\xb1 5 \xb0C"\n',
        b"#!/usr/bin/env python\n"
        b"# -*- coding: latin-1 -*-\n"
        b'"""Caf\xe9 \xab cr\xe8me \xbb, na\xefve."""\n'
        b"from fastapi import APIRouter\n"
        b"from server.config import api_config as cfg\n"
        b"\n"
        b'router = APIRouter(tags=["caf\xe9"], prefix=f"{cfg.DATA_PREFIX}/\xe9t\xe9")  # \xe0 la carte\n'
        b'NOTE = "\xb1 5 \xb0C"\n',
        0o644,
    ),
    "executable": (
        b"#!/usr/bin/env python3\n"
        b"from fastapi import APIRouter\n"
        b"from server.config import api_config\n"
        b"\n"
        b'router = APIRouter(prefix="/api/v1/rag", tags=["rag"])\n',
        b"#!/usr/bin/env python3\n"
        b"from fastapi import APIRouter\n"
        b"from server.config import api_config\n"
        b"\n"
        b'router = APIRouter(prefix=api_config.RAG_PREFIX, tags=["rag"])\n',
        0o755,
    ),
    "odd-formatting": (
        b"from fastapi import (  # the framework\n"
        b"    APIRouter ,\n"
        b")\n"
        b"from server.config import api_config as  cfg\n"
        b"router = APIRouter(   # odd spacing\n"
        b'\ttags = [ "x" ] ,\n'
        b'    prefix  =  "/api/v1/data/x/"  ,   # the prefix\t\n'
        b")   # end\n"
        b"x = 1;  y = 2 # trailing ;\n"
        b"\n\n\n",
        b"from fastapi import (  # the framework\n"
        b"    APIRouter ,\n"
        b")\n"
        b"from server.config import api_config as  cfg\n"
        b"router = APIRouter(   # odd spacing\n"
        b'\ttags = [ "x" ] ,\n'
        b'    prefix  =  f"{cfg.DATA_PREFIX}/x"  ,   # the prefix\t\n'
        b")   # end\n"
        b"x = 1;  y = 2 # trailing ;\n"
        b"\n\n\n",
        0o644,
    ),
}


@pytest.mark.parametrize("case", sorted(PRESERVED))
def test_fixed_files_keep_encoding_bom_line_endings_mode_and_formatting(
    case, write, tmp_path, monkeypatch, capsys
):
    original, expected, mode = PRESERVED[case]
    monkeypatch.chdir(tmp_path)
    path = write("router.py", "", raw=original)
    os.chmod(path, mode)
    code, out, err = run_cli(["fix", "router.py"], capsys)
    assert path.read_bytes() == expected
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert out.startswith("Fixed ") and out.endswith("All checks passed!\n")
    assert err == ""
    assert code == 0
    assert _entries(tmp_path) == ["router.py"]


@pytest.mark.parametrize("app", [FIXABLE_APP, VIOLATIONS_APP], ids=["fixable", "violations"])
def test_page_breaks_and_lone_cr_line_ends_survive_every_fix_of_an_app(app, tmp_path, monkeypatch, capsys):
    """The same app with a form feed before each top-level statement and lone-CR line ends
    gets the same fixes, and keeps every form feed and line end outside what they remove."""
    plain = _copy_app(app, tmp_path / "plain")
    marked = _copy_app(app, tmp_path / "marked")
    sources = sorted(path.relative_to(marked) for path in marked.rglob("*.py"))
    for name in sources:
        text = re.sub(r"^(?=(?:def |class |async |@|[A-Za-z_]\w* = ))", "\x0c", (marked / name).read_text(), flags=re.M)
        (marked / name).write_bytes(text.replace("\n", "\r").encode())
    reports = []
    for root in (plain, marked):
        monkeypatch.chdir(root)
        out = run_cli(["fix", "--unsafe-fixes", "."], capsys)[1]
        reports.append(re.sub(r":(\d+):\d+:", r":\1:", out))  # a form feed takes a column
    assert reports[0] == reports[1] and reports[0].startswith("Fixed ")
    for name in sources:
        fixed = (marked / name).read_bytes().decode()
        assert "\n" not in fixed
        assert fixed.replace("\x0c", "").replace("\r", "\n") == (plain / name).read_text(), name
        kept = [line for line in (plain / name).read_text().splitlines() if re.match(r"(def |class |async |@|[A-Za-z_]\w* = )", line)]
        assert fixed.count("\x0c") >= len(kept) - 2, name  # a page break goes only with an edited statement


def test_a_symlinked_file_is_fixed_through_the_link_inside_the_paths(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target = write("real/router.py", SAFE)
    os.symlink(os.path.join("real", "router.py"), tmp_path / "link.py")
    code, out, _ = run_cli(["fix", "link.py", "real"], capsys)
    assert (tmp_path / "link.py").is_symlink()
    assert os.readlink(tmp_path / "link.py") == os.path.join("real", "router.py")
    assert target.read_text() == SAFE_FIXED
    assert _entries(tmp_path / "real") == ["router.py"]
    assert out.startswith("Fixed 2 violations in 1 file.")  # reached twice, fixed once


def test_a_link_to_a_file_outside_the_paths_is_not_written_through(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target = write("real/router.py", SAFE)
    write_config_module(tmp_path / "linked")
    os.symlink(os.path.join("..", "real", "router.py"), tmp_path / "linked" / "link.py")
    code, out, err = run_cli(["fix", "linked"], capsys)
    assert target.read_text() == SAFE
    assert f"link.py: not fixed: it is a link to {target}, outside the paths given" in err
    assert code == 2


def test_a_link_to_a_directory_outside_the_paths_is_not_written_through(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    target = write("outside/router.py", SAFE)
    write_config_module(tmp_path / "project")
    os.symlink(os.path.join("..", "outside"), tmp_path / "project" / "linked", target_is_directory=True)
    monkeypatch.chdir(tmp_path / "project")
    code, out, err = run_cli(["check", "."], capsys)
    assert f"(no fix: it is a link to {target}, outside the paths given)" in out
    assert "fixable" not in out  # as `fix` then shows
    code, out, err = run_cli(["fix", "."], capsys)
    assert target.read_text() == SAFE
    assert f"router.py: not fixed: it is a link to {target}, outside the paths given" in err
    assert code == 2


def test_the_owner_is_kept(write, tmp_path, monkeypatch, capsys):
    """Root rewriting another user's file hands it back to that user (a normal user can only
    fix files it may write, and the new file is its own, as with any editor)."""
    monkeypatch.chdir(tmp_path)
    path = write("router.py", SAFE)
    if os.geteuid() == 0:
        os.chown(path, 4321, 4321)
    before = path.stat()
    run_cli(["fix", "router.py"], capsys)
    after = path.stat()
    assert path.read_text() == SAFE_FIXED
    assert (after.st_uid, after.st_gid) == (before.st_uid, before.st_gid)


# -- failed writes ----------------------------------------------------------------------------------

ERROR_LINE = re.compile(
    r"^fastapi-conventions-lint: error: (?P<path>\S+): could not write the fixed file: "
    r"(?P<why>[^\n]+); the original is unchanged$"
)


def _assert_failed_write(tmp_path: Path, code: int, out: str, err: str, failed: Path, why: str) -> None:
    [line] = err.splitlines()
    match = ERROR_LINE.match(line)
    assert match, err
    assert Path(match["path"]).resolve() == failed.resolve()
    assert match["why"] == why
    assert code == 2
    # The failed file is reported as it still is; the counts leave it out.
    reported = [item for item in parse_output(out) if Path(item.path).resolve() == failed.resolve()]
    assert sorted(item.code for item in reported) == ["FCL001", "FCL006"]


def test_a_failed_replace_is_reported_and_the_run_goes_on(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    failing = write("pkg/a.py", SAFE)
    other = write("pkg/b.py", SAFE)
    write_config_module(tmp_path / "pkg")
    real_replace = os.replace

    def replace(src, dst, *args, **kwargs):
        if os.path.basename(dst) == "a.py":
            raise PermissionError(errno.EACCES, "Permission denied", dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(fix_files.os, "replace", replace)
    code, out, err = run_cli(["fix", "pkg"], capsys)
    _assert_failed_write(tmp_path, code, out, err, failing, "Permission denied")
    assert failing.read_text() == SAFE  # intact
    assert other.read_text() == SAFE_FIXED  # the other file is fixed
    assert out.splitlines()[0] == "Fixed 2 violations in 1 file."
    assert _entries(tmp_path / "pkg") == ["a.py", "b.py"]  # no temp


def test_a_read_only_file_is_not_rewritten(write, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    failing = write("a.py", SAFE)
    other = write("b.py", SAFE)
    os.chmod(failing, 0o444)
    _old_mtime(failing)
    before = _state(failing)
    code, out, err = run_cli(["fix", "a.py", "b.py"], capsys)
    _assert_failed_write(tmp_path, code, out, err, failing, "the file is read-only")
    assert _state(failing) == before
    assert other.read_text() == SAFE_FIXED
    assert _entries(tmp_path) == ["a.py", "b.py"]


def _make_read_only(directory: Path) -> Optional[Callable[[], None]]:
    """Make `directory` refuse new entries for this process and return how to undo it, or
    None when that is not possible here. chmod is enough for a normal user; root ignores it,
    so for root the immutable attribute is tried (ext4 and most local filesystems)."""

    def refuses_new_files() -> bool:
        probe = directory / ".probe"
        try:
            probe.touch()
        except OSError:
            return True
        probe.unlink()
        return False

    os.chmod(directory, 0o555)
    if refuses_new_files():
        return lambda: os.chmod(directory, 0o755)
    os.chmod(directory, 0o755)
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(directory)], capture_output=True).returncode == 0:
        def undo() -> None:
            subprocess.run([chattr, "-i", str(directory)], capture_output=True, check=True)

        if refuses_new_files():
            return undo
        undo()
    return None


def test_a_read_only_directory_is_reported_and_the_file_left_intact(
    write, tmp_path, monkeypatch, capsys
):
    """A real read-only directory where one can be made (chmod for a user, chattr +i for
    root); elsewhere the temporary file cannot be created, as in one."""
    monkeypatch.chdir(tmp_path)
    failing = write("locked/a.py", SAFE)
    other = write("open/b.py", SAFE)
    write_config_module(tmp_path / "locked")
    write_config_module(tmp_path / "open")
    _old_mtime(failing)
    before = _state(failing)
    undo = _make_read_only(tmp_path / "locked")
    if undo is None:
        def mkstemp(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / "locked"))

        monkeypatch.setattr(fix_files.tempfile, "mkstemp", mkstemp)
        undo = lambda: None  # noqa: E731
    try:
        code, out, err = run_cli(["fix", "locked", "open"], capsys)
        assert _entries(tmp_path / "locked") == ["a.py"]
    finally:
        undo()
    [line] = err.splitlines()
    match = ERROR_LINE.match(line)
    assert match and Path(match["path"]).resolve() == failing.resolve(), err
    assert match["why"] in {"Permission denied", "Operation not permitted"}
    assert _state(failing) == before
    assert other.read_text() == SAFE_FIXED
    assert out.splitlines()[0] == "Fixed 2 violations in 1 file."
    assert code == 2


# -- the violations fixture: idempotence --------------------------------------------------------------


def test_fix_unsafe_twice_over_violations_app_is_idempotent(tmp_path, monkeypatch, capsys):
    app = _copy_app(VIOLATIONS_APP, tmp_path / "violations_app")
    monkeypatch.chdir(app)
    original = _tree(app)

    code, out, err = run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    assert code == 1  # rules without a fix remain
    first = _tree(app)
    changed = sorted(name for name in original if original[name][0] != first[name][0])
    assert len(changed) >= 4, changed
    fixed_count = int(re.match(r"Fixed (\d+) violations? in (\d+) files?\.", out).group(1))
    assert fixed_count >= 10
    # Every fixed file still parses; the file that never did is left alone.
    for name in changed:
        ast.parse(first[name][0], filename=name)
    assert "src/server/broken.py" not in changed
    # No FCL006 remains (all have a fix); an FCL001 remains only where there is no fix.
    remaining = parse_output(out)
    assert not [item for item in remaining if item.code == "FCL006"]
    for item in remaining:
        if item.code == "FCL001":
            assert (
                "no configured prefix constant matches it" in item.message
                or "build it from" in item.message
                or "(fix not applied:" in item.message
            ), item
    assert not UNSAFE_HINT.search(out)

    # A second run changes no byte (nor any mtime) and has nothing left to show as a diff.
    code, out2, _ = run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    assert _tree(app) == first
    assert out2.startswith("Fixed 0 violations in 0 files.\n")
    assert parse_output(out2) == remaining
    code, diff, err = run_cli(["fix", "--diff", "--unsafe-fixes", "src"], capsys)
    assert diff == ""
    # The preview still names the file it could not check, and fails because of it.
    assert err.splitlines()[-1] == "Would fix 0 violations in 0 files."
    with pytest.raises(SyntaxError) as error:
        ast.parse((app / "src/server/broken.py").read_bytes())
    where = f"src/server/broken.py:{error.value.lineno}:{error.value.offset}"
    assert [line.split(": FCL900")[0] for line in err.splitlines()[:-1]] == [where]
    assert code == 1
    # And `check` reports the same that remains.
    code, out3, _ = run_cli(["check", "src"], capsys)
    assert [item[:4] for item in parse_output(out3)] == [item[:4] for item in remaining]


# -- fixtures/fixable_app: a real FastAPI app keeps its routes under safe fixes -------------------------

_LIST_ROUTES = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import fastapi.routing
    from fastapi.routing import APIRoute
    from server.main import app

    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    entries = list(flatten(app.routes)) if flatten else list(app.routes)
    routes = sorted(
        [sorted(entry.methods), entry.path]
        for entry in entries
        if isinstance(getattr(entry, "original_route", entry), APIRoute)
    )
    print(json.dumps(routes))
''')

FIXABLE_ROUTES = [
    [["DELETE"], "/api/v1/services/storage/files/{name}"],
    [["GET"], "/api/v1/auth/me"],
    [["GET"], "/api/v1/capabilities/notes"],
    [["GET"], "/api/v1/capabilities/notes/{note_id}"],
    [["GET"], "/api/v1/health"],
    [["GET"], "/api/v1/health/version"],
    [["GET"], "/api/v1/services/storage/files"],
    [["POST"], "/api/v1/auth/logout"],
]


def _routes(src: Path) -> list:
    process = subprocess.run(
        [sys.executable, "-c", _LIST_ROUTES, str(src)],
        capture_output=True, text=True, cwd=src,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # leave no __pycache__ behind
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def test_fixable_app_serves_the_same_routes_after_safe_fixes(tmp_path, capsys):
    before = _routes(FIXABLE_APP / "src")
    assert before == FIXABLE_ROUTES

    app = _copy_app(FIXABLE_APP, tmp_path / "fixable_app")
    code, out, _ = run_cli(["check", str(app)], capsys)
    fcl001 = sorted(Path(item.path).relative_to(app).as_posix()
                    for item in parse_output(out) if item.code == "FCL001")
    # The other safe-fixable violations it declares (fixed once their codemods exist).
    assert {"FCL202", "FCL203"} <= set(_codes(out))
    assert fcl001 == [
        "src/capabilities/notes/router.py",
        "src/server/health.py",
        "src/services/auth/router.py",
        "src/services/storage/router.py",
    ]

    # The installed command, in its own process, safe fixes only.
    process = subprocess.run([_script(), "fix", "src"], capture_output=True, text=True, cwd=app)
    assert "Traceback" not in process.stderr, process.stderr
    assert re.match(r"Fixed \d+ violations in \d+ files\.\n", process.stdout), process.stdout
    assert "FCL001" not in process.stdout

    src = app / "src"
    storage = (src / "services/storage/router.py").read_text()
    assert "from server.config import api_config\n" in storage  # added: it had no config import
    assert 'prefix=f"{api_config.SERVICES_PREFIX}/storage"' in storage
    assert 'prefix=f"{settings_config.CAPABILITIES_PREFIX}/{NAME}"' in (
        src / "capabilities/notes/router.py"
    ).read_text()  # the alias the module already uses
    assert "    prefix=cfg.AUTH_PREFIX,  # FCL001, a comment" in (src / "services/auth/router.py").read_text()
    assert 'prefix=f"{api_config.V1_PREFIX}/health"' in (src / "server/health.py").read_text()

    assert _routes(src) == before

    code, out, _ = run_cli(["check", str(app)], capsys)
    assert "FCL001" not in _codes(out)
    assert "FCL900" not in _codes(out)
    assert not list(app.rglob("__pycache__"))
