"""`# noqa` in the CLI behaves exactly as flake8 applies it to the plugin's diagnostics: every
case runs through the CLI and through one real `flake8 --select FCL` process, and the two
hosts must report the same thing."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import by_file, parse_output, run_cli, run_flake8

HEAD = "from fastapi import APIRouter\n\n"


def _router(comment: str = "") -> str:
    # FCL003 at column 10 and FCL001 at column 27 of this line.
    return 'router = APIRouter(prefix="/api/v1/data/mongodb")' + (f"  {comment}" if comment else "")


BOTH = {(3, "FCL001"), (3, "FCL003")}

# name -> (source, the (line, code) pairs that remain after noqa)
CASES: Dict[str, Tuple[str, set]] = {
    "no_comment": (HEAD + _router() + "\n", BOTH),
    "blanket": (HEAD + _router("# noqa") + "\n", set()),
    "blanket_upper": (HEAD + _router("# NOQA") + "\n", set()),
    "blanket_mixed_case": (HEAD + _router("# NoQa") + "\n", set()),
    "one_code": (HEAD + _router("# noqa: FCL001") + "\n", {(3, "FCL003")}),
    "two_codes_no_space": (HEAD + _router("# noqa:FCL001,FCL003") + "\n", set()),
    "two_codes_spaces": (HEAD + _router("# noqa: FCL001, FCL003") + "\n", set()),
    "two_codes_space_separated": (HEAD + _router("# noqa:FCL001 FCL003") + "\n", set()),
    "upper_with_code": (HEAD + _router("# NOQA: FCL003") + "\n", {(3, "FCL001")}),
    "other_code": (HEAD + _router("# noqa: E501") + "\n", BOTH),
    "other_fcl_code": (HEAD + _router("# noqa: FCL002") + "\n", BOTH),
    "prefix_code": (HEAD + _router("# noqa: FCL0") + "\n", set()),
    "prefix_family": (HEAD + _router("# noqa: FCL") + "\n", set()),
    "other_prefix": (HEAD + _router("# noqa: FCL1") + "\n", BOTH),
    "lowercase_code": (HEAD + _router("# noqa: fcl001") + "\n", BOTH),
    "space_before_colon": (HEAD + _router("# noqa : FCL001") + "\n", set()),
    "after_other_comment": (HEAD + _router("# legacy # noqa: FCL001") + "\n", {(3, "FCL003")}),
    "on_the_line_above": (HEAD + "# noqa\n" + _router() + "\n", {(4, "FCL001"), (4, "FCL003")}),
    "on_the_line_below": (HEAD + _router() + "\n# noqa\n", BOTH),
    "multi_line_string_noqa_on_last_line": (HEAD + textwrap.dedent('''\
        router = APIRouter(prefix="/api/v1/data/mongodb", tags=["data"], description="""
        Items kept in MongoDB.
        """)  # noqa: FCL001
    '''), set()),
    "multi_line_string_without_noqa": (HEAD + textwrap.dedent('''\
        router = APIRouter(prefix="/api/v1/data/mongodb", tags=["data"], description="""
        Items kept in MongoDB.
        """)
    '''), {(3, "FCL001")}),
    "multi_line_string_other_code": (HEAD + textwrap.dedent('''\
        router = APIRouter(prefix="/api/v1/data/mongodb", tags=["data"], description="""
        Items kept in MongoDB.
        """)  # noqa: FCL003
    '''), {(3, "FCL001")}),
    "parenthesised_continuation_is_not_joined": (HEAD + textwrap.dedent('''\
        router = APIRouter(
            prefix="/api/v1/data/mongodb",
            tags=["data"],
        )  # noqa: FCL001
    '''), {(4, "FCL001")}),
    "noqa_inside_a_string": (
        HEAD + 'router = APIRouter(prefix="/api/v1/data/mongodb", summary="# noqa")\n', set()
    ),
    "file_noqa_own_line": (HEAD + "# flake8: noqa\n" + _router() + "\n", set()),
    "file_noqa_indented_upper": (HEAD + "if True:\n    # FLAKE8: NOQA\n    pass\n" + _router() + "\n", set()),
    "file_noqa_with_codes": (HEAD + "# flake8: noqa: FCL003\n" + _router() + "\n", set()),
    "file_noqa_not_on_its_own_line": (HEAD + _router("# flake8: noqa") + "\n", BOTH),
    "handler_def_line": (textwrap.dedent('''\
        from fastapi import APIRouter, Depends
        from server.config import api_config

        router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])


        @router.get("/items")  # noqa: FCL203
        async def list_items(db=Depends(get_db)) -> dict:  # noqa: FCL102
            return await db.find({})  # noqa: FCL203
    '''), {(8, "FCL203"), (9, "FCL102")}),
}


@pytest.fixture(scope="module")
def case_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("noqa")
    for name, (text, _) in CASES.items():
        (root / f"{name}.py").write_text(text, encoding="utf-8")
        if "multi_line" in name:  # the same with Windows line ends
            (root / f"{name}_crlf.py").write_bytes(text.replace("\n", "\r\n").encode())
    return root


def _pairs(results, path: Path) -> List[tuple]:
    return sorted((item.line, item.col, item.code) for item in results.get(str(path.resolve()), []))


@pytest.fixture(scope="module")
def cli_results(case_dir):
    from contextlib import redirect_stdout
    import io

    from fastapi_conventions_lint.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        # The cases hold noqa codes that suppress nothing on purpose: FCL901 (which says so) is
        # tested in test_add_noqa.py.
        code = main(["check", "--extend-ignore", "FCL901", str(case_dir)])
    assert code == 1
    return by_file(parse_output(out.getvalue()))


@pytest.fixture(scope="module")
def flake8_results(case_dir):
    process = run_flake8(["--select", "FCL", "--extend-ignore", "FCL901", str(case_dir)])
    assert "Traceback" not in process.stderr, process.stderr
    return by_file(parse_output(process.stdout))


NAMES = sorted(CASES) + sorted(f"{name}_crlf" for name in CASES if "multi_line" in name)


@pytest.mark.parametrize("name", NAMES)
def test_noqa_as_flake8_applies_it(name, case_dir, cli_results, flake8_results):
    path = case_dir / f"{name}.py"
    cli = _pairs(cli_results, path)
    assert {(line, code) for line, _, code in cli} == CASES[name.replace("_crlf", "")][1]
    assert cli == _pairs(flake8_results, path), "the CLI and flake8 disagree"


def test_noqa_in_a_single_file_run(write, capsys):
    path = write("app.py", CASES["one_code"][0])
    code, out, _ = run_cli(["check", str(path)], capsys)
    assert out.splitlines() == [
        f"{path}:3:10: FCL003 router has no tags: add tags=[...] to group its routes in the "
        "OpenAPI docs",
        "Found 1 violation in 1 file.",
        "[*] 1 fixable with `fix --unsafe-fixes`.",
    ]
    assert code == 1


def test_fully_suppressed_file_exits_0(write, capsys):
    path = write("app.py", CASES["blanket"][0])
    assert run_cli(["check", str(path)], capsys)[:2] == (0, "All checks passed!\n")
    path = write("skip.py", CASES["file_noqa_own_line"][0])
    assert run_cli(["check", str(path)], capsys)[:2] == (0, "All checks passed!\n")
