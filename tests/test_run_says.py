"""What a run says: "All checks passed!", how many diagnostics `fix` would fix (cross-file
moves counted), a warning for a directory with nothing to check, and the files and settings
a run would use (`--show-files`, `--show-settings`); `--force-exclude`, virtual environments
and `--stdin-filename` without `-`."""

from __future__ import annotations

import io
import json
import os

from conftest import run_cli
from test_fix_runtime import make

_ROUTER = '''
    from fastapi import APIRouter

    router = APIRouter(tags=["users"])


    @router.get("")
    def users() -> list:
        return []
'''
_MAIN = '''
    from fastapi import FastAPI

    from app.users import router

    app = FastAPI(docs_url=None, redoc_url=None)
    app.include_router(router, prefix="/users")
'''


def test_a_clean_run_says_all_checks_passed(tmp_path, capsys):
    root = make(tmp_path / "clean", {"app.py": "x = 1\n"})
    assert run_cli(["check", str(root)], capsys)[:2] == (0, "All checks passed!\n")


def test_check_counts_the_moves_into_other_files_as_fixable(tmp_path, capsys):
    root = make(tmp_path / "proj", {"app/__init__.py": "", "app/users.py": _ROUTER, "app/main.py": _MAIN})
    code, out, _ = run_cli(["check", "--select", "FCL005", str(root)], capsys)
    assert code == 1
    assert out.splitlines()[-2:] == ["Found 1 violation in 1 file.", "[*] 1 fixable with `fix`."]
    code, out, _ = run_cli(["check", "--select", "FCL005", "--statistics", str(root)], capsys)
    assert "FCL005" in out and "1" in out.split("FCL005")[1].split("\n")[0]
    code, out, _ = run_cli(["check", "--select", "FCL005", "--output-format", "json", str(root)], capsys)
    assert [item["fix"]["applicability"] for item in json.loads(out)] == ["safe"]
    code, out, _ = run_cli(["fix", str(root)], capsys)
    assert out.startswith("Fixed 1 violation in 2 files.")  # the move fixed what check counted


def test_check_says_why_a_move_into_another_file_would_not_be_made(tmp_path, capsys):
    root = make(tmp_path / "proj", {
        "app/__init__.py": "", "app/users.py": _ROUTER,
        # Included twice: the prefix cannot go into the router.
        "app/main.py": _MAIN + '    app.include_router(router, prefix="/people")\n',
    })
    code, out, _ = run_cli(["check", "--select", "FCL005", str(root)], capsys)
    messages = [line for line in out.splitlines() if "FCL005" in line]
    assert len(messages) == 2
    assert all(line.endswith("(no fix: the router is included more than once)") for line in messages)
    assert "fixable" not in out
    # fix says the same, as a fix it did not apply.
    code, out, _ = run_cli(["fix", "--select", "FCL005", str(root)], capsys)
    assert "(fix not applied: the router is included more than once)" in out
    # Checking the including module alone: the router's module is not among the files.
    single = make(tmp_path / "single", {"app/__init__.py": "", "app/users.py": _ROUTER, "app/main.py": _MAIN})
    code, out, _ = run_cli(["check", "--select", "FCL005", str(single / "app" / "main.py")], capsys)
    assert out.splitlines()[0].endswith("(no fix: the router's module is not among the files given)")
    assert out.splitlines()[-1] == "Found 1 violation in 1 file."


def test_check_of_a_router_alone_says_why_its_tags_do_not_move(tmp_path, capsys):
    """The include that gives a router its tags is in a file the run does not hold: the
    router's FCL003 says why no fix moves them, as a run over both files would."""
    main = 'from fastapi import FastAPI\n\nfrom app.users import router\n\napp = FastAPI()\n'
    included = main + 'app.include_router(router, tags=["users"])\n'
    router = 'from fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n@router.get("/users")\ndef users() -> list:\n    return []\n'
    project = {"pyproject.toml": "[project]\nname = \"shop\"\n", "app/__init__.py": "", "app/users.py": router}
    root = make(tmp_path / "proj", {**project, "app/main.py": included})
    code, out, _ = run_cli(["check", "--select", "FCL003", str(root / "app" / "users.py")], capsys)
    assert out.splitlines()[0].endswith("(no fix: the include's module is not among the files given)")
    assert "fixable" not in out
    # Included twice: the same reason as when both files are checked.
    twice = included + 'app.include_router(router, prefix="/v2", tags=["users"])\n'
    root = make(tmp_path / "twice", {**project, "app/main.py": twice})
    alone = run_cli(["check", "--select", "FCL003", str(root / "app" / "users.py")], capsys)[1]
    both = run_cli(["check", "--select", "FCL003", str(root)], capsys)[1]
    assert alone.splitlines()[0].endswith("(no fix: the router is included more than once)")
    assert both.splitlines()[0] == alone.splitlines()[0]


def test_a_directory_with_nothing_to_check_is_warned_about(tmp_path, capsys):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# docs\n")
    code, out, err = run_cli(["check", str(tmp_path / "docs")], capsys)
    assert code == 0 and out == "All checks passed!\n"
    assert f"warning: {tmp_path / 'docs'}: no Python files to check" in err


def test_show_files_and_show_settings(tmp_path, capsys):
    root = make(tmp_path / "proj", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nextend-exclude = ["migrations"]\nmax-handler-statements = 8\n',
        "app/__init__.py": "", "app/users.py": _ROUTER, "migrations/one.py": "x = 1\n",
        "env/pyvenv.cfg": "home = /usr/bin\n", "env/lib/site.py": "x = 1\n",
    })
    code, out, _ = run_cli(["check", "--show-files", str(root)], capsys)
    assert code == 0
    assert out.splitlines() == [str(root / "app" / "__init__.py"), str(root / "app" / "users.py")]
    code, out, _ = run_cli(["check", "--show-settings", str(root / "app" / "users.py")], capsys)
    assert code == 0 and f"settings from {root / 'pyproject.toml'}" in out
    assert "max-handler-statements = 8" in out and "extend-exclude = ['migrations']" in out


def test_force_exclude_applies_the_excludes_to_files_named(tmp_path, capsys, monkeypatch):
    root = make(tmp_path / "proj", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nextend-exclude = ["migrations"]\n',
        "migrations/one.py": "from fastapi import HTTPException\nraise HTTPException(404)\n",
    })
    named = str(root / "migrations" / "one.py")
    assert "FCL401" in run_cli(["check", named], capsys)[1]  # named: checked
    code, out, err = run_cli(["check", "-v", "--force-exclude", named], capsys)
    assert (code, out) == (0, "All checks passed!\n")
    assert "excluded (matches 'migrations'; --force-exclude)" in err
    monkeypatch.chdir(root / "migrations")
    assert run_cli(["check", "--force-exclude", "one.py"], capsys)[:2] == (0, "All checks passed!\n")


def test_stdin_filename_alone_reads_standard_input(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"from fastapi import HTTPException\nraise HTTPException(404)\n")))
    code, out, _ = run_cli(["check", "--stdin-filename", "api.py"], capsys)
    assert code == 1 and out.startswith("api.py:2:21: FCL401")
    assert not os.path.exists(tmp_path / "api.py")
