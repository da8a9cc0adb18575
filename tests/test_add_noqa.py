"""`check --add-noqa`: a baseline. Every line with a diagnostic gets `# noqa: CODE` (merged into
an existing list, never a code twice, never inside a string), the run is clean afterwards, and
a second run adds nothing."""

from __future__ import annotations

import shutil

from conftest import FIXTURES, run_cli
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.add_noqa import add_noqa


def _at(line: int, code: str) -> Diagnostic:
    return Diagnostic(line, 0, code, "message")


def test_the_violations_app_is_clean_after_a_baseline_and_a_second_run_adds_nothing(tmp_path, capsys):
    app = tmp_path / "violations_app"
    shutil.copytree(FIXTURES / "violations_app", app)
    code, before, _ = run_cli(["check", str(app / "src")], capsys)
    assert code == 1
    code, out, _ = run_cli(["check", "--add-noqa", str(app / "src")], capsys)
    assert code == 0 and out.startswith("Added ") and " noqa directives in " in out
    assert run_cli(["check", str(app / "src")], capsys)[:2] == (0, "All checks passed!\n")
    snapshot = {path: path.read_bytes() for path in app.rglob("*.py")}
    code, out, _ = run_cli(["check", "--add-noqa", str(app / "src")], capsys)
    assert (code, out) == (0, "Added 0 noqa directives in 0 files.\n")
    assert {path: path.read_bytes() for path in app.rglob("*.py")} == snapshot


def test_codes_are_merged_into_an_existing_list_once_each():
    text = "x = 1  # noqa: FCL001\ny = 2  # keep this comment\n"
    new, added = add_noqa(text, [_at(1, "FCL001"), _at(1, "FCL003"), _at(2, "FCL401"), _at(2, "FCL401")])
    assert new == "x = 1  # noqa: FCL001,FCL003\ny = 2  # keep this comment  # noqa: FCL401\n"
    assert added == 2


def test_a_comment_goes_where_it_covers_the_line_never_inside_a_string():
    text = (
        'router = APIRouter(\r\n'
        '    prefix="/api",\r\n'
        '    description="""\r\n'
        '    spans lines\r\n'
        '    """,\r\n'
        ')\r\n'
    )
    new, added = add_noqa(text, [_at(2, "FCL001"), _at(4, "FCL003")])
    assert added == 2
    # A comment covers the lines of its token range (as flake8 reads noqa): line 4 is inside
    # the string, whose range ends on line 5; CRLF is kept.
    assert new == text.replace('"/api",\r\n', '"/api",  # noqa: FCL001\r\n').replace(
        '    """,\r\n', '    """,  # noqa: FCL003\r\n'
    )


def test_a_bare_noqa_is_left_alone_and_a_line_past_the_end_is_ignored():
    text = "x = 1  # noqa\n"
    assert add_noqa(text, [_at(1, "FCL001"), _at(9, "FCL002")]) == (text, 0)


def test_a_file_that_does_not_tokenize_gets_the_comment_on_the_reported_line(tmp_path, capsys):
    path = tmp_path / "broken.py"
    path.write_text("from fastapi import APIRouter\nif router\n", encoding="utf-8")
    code, out, _ = run_cli(["check", "--add-noqa", str(path)], capsys)
    assert code == 0 and path.read_text(encoding="utf-8").endswith("if router  # noqa: FCL900\n")
    assert run_cli(["check", str(path)], capsys)[0] == 0


# ---- FCL901: the baseline shrinks ------------------------------------------------------------

_ROUTER = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])
'''


def test_a_baselined_violation_once_fixed_leaves_an_fcl901_that_fix_removes(tmp_path, capsys):
    path = tmp_path / "items.py"
    path.write_text(_ROUTER, encoding="utf-8")
    run_cli(["check", "--add-noqa", str(path)], capsys)
    assert "  # noqa: FCL001" in path.read_text(encoding="utf-8")
    # The prefix is fixed by hand: the noqa code now suppresses nothing.
    path.write_text(path.read_text(encoding="utf-8").replace('prefix="/items", ', ""), encoding="utf-8")
    code, out, _ = run_cli(["check", str(path)], capsys)
    assert code == 1 and "FCL901 unused `noqa` code: FCL001 reported nothing here" in out
    code, out, _ = run_cli(["fix", str(path)], capsys)
    assert path.read_text(encoding="utf-8").splitlines()[2] == 'router = APIRouter(tags=["items"])'
    assert run_cli(["check", str(path)], capsys)[:2] == (0, "All checks passed!\n")


def test_noqa_in_a_string_and_codes_of_rules_that_did_not_run_are_left_alone(tmp_path, capsys):
    path = tmp_path / "app.py"
    path.write_text(
        'from fastapi import FastAPI\n'
        'EXAMPLE = """\n'
        'x = 1  # noqa: FCL001\n'
        '"""\n'
        'app = FastAPI(docs_url=None, redoc_url=None)  # noqa: FCL101, E501\n',
        encoding="utf-8",
    )
    code, out, _ = run_cli(["check", "--select", "FCL0,FCL901", str(path)], capsys)
    assert (code, out) == (0, "All checks passed!\n")  # FCL101 did not run: its silence says nothing
    code, out, _ = run_cli(["check", str(path)], capsys)
    assert "app.py:5:47: FCL901 unused `noqa` code: FCL101 reported nothing here" in out
    assert ":3:" not in out


def test_whole_app_codes_are_judged_by_the_cli_only(tmp_path, capsys):
    from conftest import run_flake8

    path = tmp_path / "app.py"
    path.write_text(
        'from fastapi import FastAPI\n\napp = FastAPI(docs_url=None, redoc_url=None)  # noqa: FCL009\n',
        encoding="utf-8",
    )
    assert "FCL901 unused `noqa` code: FCL009" in run_cli(["check", str(path)], capsys)[1]
    process = run_flake8(["--select", "FCL", str(path)])
    assert process.stdout == "", process.stdout  # flake8 never runs FCL009: it cannot know
