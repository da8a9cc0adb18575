"""How much a fix run does. A file none of whose diagnostics has a fix to apply is not analysed
a second time, and when no file changes, the first pass's conclusions are the run's results:
a `fix` with nothing to fix does the work of a `check`. None of this may change what a fix run
writes or reports, which the tests compare with the run that analyses every file again."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import FIXTURES, parse_output, run_cli
from fastapi_conventions_lint import source
from fastapi_conventions_lint.commands.check import CheckRun
from fastapi_conventions_lint.fix import session
from test_fix_cli import _copy_app


def _copy(app: str, destination: Path) -> Path:
    """A fixture app with a pyproject.toml of its own (test_fix_cli's copy)."""
    return _copy_app(FIXTURES / app, destination)


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
    monkeypatch.setattr(source, "read_bytes", lambda path, **kw: reads.append(str(path)) or original(path, **kw))
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


# ---- outlines: a codemod whose edits stay in their statements sees only those ----------------

def _generated_module(functions: int) -> str:
    """A long module with a router, imports at the top and many handlers (some to fix)."""
    parts = [
        '"""Items."""\n\nfrom fastapi import APIRouter, Depends, HTTPException\n\nfrom app.deps import get_db\n\n'
        'router = APIRouter(prefix="/items/", tags=["items"])\n'
    ]
    for number in range(functions):
        decorator = f'@router.get("/{number}", status_code=200)\n' if number % 7 == 0 else f'@router.get("/{number}")\n'
        parts.append(
            f"\n\n{decorator}def read_{number}(db=Depends(get_db)) -> dict:\n"
            f"    if db is None:\n        raise HTTPException(status_code=404)  # not found\n"
            f"    return {{'n': {number}}}\n"
        )
    return "".join(parts)


def _without_outlines(monkeypatch):
    from fastapi_conventions_lint.fix.codemods import base

    monkeypatch.setattr(base, "outline", lambda text, lines: None)


@pytest.mark.parametrize("app", ["violations_app", "fixable_app"])
def test_fixes_made_on_outlines_are_those_made_on_whole_modules(app, tmp_path, monkeypatch, capsys):
    outlined = _copy(app, tmp_path / "outlined")
    whole = _copy(app, tmp_path / "whole")
    for root in (outlined, whole):
        (root / "src" / "generated.py").write_text(_generated_module(40))
    monkeypatch.chdir(outlined)
    first = run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    with monkeypatch.context() as patched:
        _without_outlines(patched)
        patched.chdir(whole)
        second = run_cli(["fix", "--unsafe-fixes", "src"], capsys)
    assert first == second
    assert _files(outlined) == _files(whole)
    assert _files(outlined)["src/generated.py"] != _generated_module(40).encode()


def test_an_outline_keeps_line_numbers_and_stands_in_for_the_other_statements():
    from fastapi_conventions_lint.fix.codemods.sparse import outline

    text = _generated_module(30)
    target = text.splitlines().index("def read_14(db=Depends(get_db)) -> dict:") + 1
    found = outline(text, {target})
    assert found is not None
    lines, outlined_lines = text.splitlines(), found.text.splitlines()
    assert len(outlined_lines) == len(lines)
    # The docstring, the imports, the statement after them and the target's function stay.
    for kept in (1, 3, 5, 7, target - 1, target, target + 3):
        assert outlined_lines[kept - 1] == lines[kept - 1]
    assert "read_13" not in found.text and "read_15" not in found.text


def test_an_outline_is_not_restored_when_the_rewrite_moved_or_split_its_stand_ins():
    from fastapi_conventions_lint.fix.codemods.sparse import outline, restore

    text = _generated_module(30)
    target = text.splitlines().index("def read_14(db=Depends(get_db)) -> dict:") + 1
    found = outline(text, {target})
    assert restore(found, found.text) == text
    lines = found.text.splitlines(keepends=True)
    stand_ins = [number for number, line in enumerate(lines) if line.startswith("#\u2063")]
    dropped = "".join(line for number, line in enumerate(lines) if number != stand_ins[3])
    assert restore(found, dropped) is None
    swapped = list(lines)
    swapped[stand_ins[0]], swapped[stand_ins[-1]] = swapped[stand_ins[-1]], swapped[stand_ins[0]]
    assert restore(found, "".join(swapped)) is None
    inside = list(lines)
    inside.insert(stand_ins[1] + 1, "x = 1\n")  # between two lines of one left-out function
    assert restore(found, "".join(inside)) is None
    assert outline("#\u2063fcl-line 1\n" + text, {target}) is None  # the marker in the source
    assert outline("x = 1\n", {1}) is None  # too short to be worth it


# ---- Ctrl-C ----------------------------------------------------------------------------------

def test_an_interrupt_says_which_files_were_rewritten_and_leaves_no_temporary_file(tmp_path, monkeypatch, capsys):
    import os

    app = _copy("fixable_app", tmp_path / "app")
    monkeypatch.chdir(app)
    real_replace = os.replace
    replaced = []

    def replace_then_interrupt(source_path, target):
        if len(replaced) == 1:
            raise KeyboardInterrupt  # the second file, between its temporary file and the rename
        replaced.append(target)
        return real_replace(source_path, target)

    monkeypatch.setattr(os, "replace", replace_then_interrupt)
    before = _files(app)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert code == 130
    assert err.startswith("fastapi-conventions-lint: error: interrupted after rewriting 1 file: src/")
    changed = [name for name, data in _files(app).items() if before[name] != data]
    assert len(changed) == 1 and err.rstrip().endswith(changed[0])
    assert not [path for path in app.rglob("*") if path.name.endswith(".tmp")]


def test_an_interrupt_before_any_write_says_nothing_changed(tmp_path, monkeypatch, capsys):
    app = _copy("fixable_app", tmp_path / "app")
    monkeypatch.chdir(app)

    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(CheckRun, "project_contexts", interrupt)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert (code, err) == (130, "fastapi-conventions-lint: error: interrupted; no file was changed\n")


# ---- one run reaches the fixed point -------------------------------------------------------

@pytest.mark.parametrize("nested", [False, True], ids=["app", "nested"])
def test_a_malformed_include_prefix_is_normalised_and_moved_in_one_run(tmp_path, monkeypatch, capsys, nested):
    import subprocess
    import sys

    from test_fix_runtime import make

    root = make(tmp_path / "proj", {
        "pyproject.toml": "[tool.fastapi-conventions-lint]\n",
        "app/__init__.py": "",
        "app/users.py": '''
            from fastapi import APIRouter

            router = APIRouter(tags=["users"])


            @router.get("")
            def users() -> list:
                return []
        ''',
        # FastAPI refuses "users/" at start-up (FCL006), and the prefix belongs in the router
        # (FCL005): the move normalises it on the way.
        "app/main.py": '''
            from fastapi import FastAPI

            from app.users import router

            app = FastAPI(docs_url=None, redoc_url=None)
            app.include_router(router, prefix="users/")
        ''' if not nested else '''
            from fastapi import FastAPI

            from app.api import api

            app = FastAPI(docs_url=None, redoc_url=None)
            app.include_router(api)
        ''',
        # Under a parent router, "users/" reads as "/apiusers/" before and "/api/users" after.
        "app/api.py": '''
            from fastapi import APIRouter

            from app.users import router

            api = APIRouter(prefix="/api")
            api.include_router(router, prefix="users/")
        ''' if nested else "",
    })
    monkeypatch.chdir(root)
    code, out, _ = run_cli(["check", "--select", "FCL005,FCL006", "."], capsys)
    assert out.splitlines()[-1] == "[*] 2 fixable with `fix`."
    code, out, err = run_cli(["fix", "--select", "FCL005,FCL006", "."], capsys)
    assert out.startswith("Fixed 2 violations in 2 files.") and "not moved" not in err
    assert run_cli(["check", "--select", "FCL005,FCL006", "."], capsys)[1] == "All checks passed!\n"
    served = subprocess.run(
        [sys.executable, "-c", "from app.main import app; print(sorted(app.openapi()['paths']))"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout
    # The app now starts, and serves the path once.
    assert served.strip() == ("['/api/users']" if nested else "['/users']")


def test_a_file_edited_while_it_is_being_fixed_keeps_the_edit(tmp_path, monkeypatch, capsys):
    app = _copy("fixable_app", tmp_path / "app")
    monkeypatch.chdir(app)
    real = session.fix_file
    edited = []

    def fix_then_edit(data, filename, *args, **kwargs):
        result = real(data, filename, *args, **kwargs)
        if result.text is not None and not edited:
            # The user saves the file while LibCST works on it.
            with open(filename, "ab") as handle:
                handle.write(b"\n# edited meanwhile\n")
            edited.append(filename)
        return result

    monkeypatch.setattr(session, "fix_file", fix_then_edit)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert edited
    assert f"warning: {edited[0]}: not fixed: the file changed while it was being fixed; run fix again" in err
    # The edit is kept; the next round fixes the file as it now is, on top of it.
    assert open(edited[0], encoding="utf-8").read().endswith("# edited meanwhile\n")
    assert edited[0] not in {item.path for item in parse_output(out) if item.code == "FCL401"}


# ---- the files of a cross-file move: all written or none -------------------------------------

def _moving_project(tmp_path):
    """A router without a prefix, included with one from another module (test_run_says)."""
    from test_fix_runtime import make
    from test_run_says import _MAIN, _ROUTER

    return make(tmp_path / "proj", {
        "pyproject.toml": "[tool.fastapi-conventions-lint]\n",
        "app/__init__.py": "", "app/users.py": _ROUTER, "app/main.py": _MAIN,
    })


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()])
def test_a_move_whose_second_file_cannot_be_replaced_leaves_both_as_they_were(tmp_path, monkeypatch, capsys, failure):
    import os

    root = _moving_project(tmp_path)
    monkeypatch.chdir(root)
    before = _files(root)
    real_replace = os.replace
    calls = []

    def second_fails(source_path, target):
        calls.append(target)
        if len(calls) == 2:
            raise failure
        return real_replace(source_path, target)

    monkeypatch.setattr(os, "replace", second_fails)
    code, out, err = run_cli(["fix", "--select", "FCL005", "."], capsys)
    monkeypatch.setattr(os, "replace", real_replace)
    assert len(calls) >= 2  # the first file was replaced, then restored
    assert _files(root) == before
    assert not [path for path in root.rglob("*") if path.name.endswith(".tmp")]
    if isinstance(failure, KeyboardInterrupt):
        assert code == 130 and "interrupted; no file was changed" in err
    else:
        assert code == 2
        assert "the include_router moves were not written: No space left on device; 2 files of them left as they were" in err
        assert out.startswith("Fixed 0 violations in 0 files.")


def test_a_file_of_a_move_edited_meanwhile_stops_the_whole_move(tmp_path, monkeypatch, capsys):
    root = _moving_project(tmp_path)
    monkeypatch.chdir(root)
    real = CheckRun.project_contexts

    def plan_then_edit(self, files):
        contexts = real(self, files)
        with open(root / "app" / "users.py", "a", encoding="utf-8") as handle:
            handle.write("\n# edited meanwhile\n")  # after the move was planned from the old text
        return contexts

    monkeypatch.setattr(CheckRun, "project_contexts", plan_then_edit)
    before_main = (root / "app" / "main.py").read_bytes()
    code, out, err = run_cli(["fix", "--select", "FCL005", "."], capsys)
    assert "the include_router moves were not written: ./app/users.py changed while it was being fixed" in err
    assert (root / "app" / "main.py").read_bytes() == before_main  # the include keeps its prefix
    assert (root / "app" / "users.py").read_text(encoding="utf-8").endswith("# edited meanwhile\n")
    assert "FCL005" in out
