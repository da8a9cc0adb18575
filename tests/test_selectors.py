"""Selectors are a contract: a code or prefix that selects no rule is an error that names the
nearest codes, on the command line and in the configuration alike, instead of a silent
"nothing found"."""

from __future__ import annotations

import pytest

from conftest import run_cli
from test_fix_runtime import make

_APP = {
    "main.py": '''
        from fastapi import FastAPI, HTTPException

        app = FastAPI(docs_url=None, redoc_url=None)


        @app.get("/items", tags=["items"])
        def items():
            raise HTTPException(404)
    ''',
}


@pytest.mark.parametrize("option,value,suggested", [
    ("--select", "FCL9999", "FCL900"),
    ("--select", "fcl001", "FCL001"),
    ("--select", "FLC001", "FCL001"),
    ("--ignore", "FCL4011", "FCL401"),
    ("--extend-select", "XYZ", None),
    ("--extend-ignore", "FCL105,FCL1O4", "FCL104"),
])
def test_an_unknown_selector_on_the_command_line_is_an_error(tmp_path, capsys, option, value, suggested):
    root = make(tmp_path / "app", _APP)
    code, out, err = run_cli(["check", option, value, str(root)], capsys)
    assert code == 2 and out == ""
    assert f"error: {option}: " in err and "is no rule code or prefix" in err
    if suggested:
        assert suggested in err.partition("did you mean ")[2].partition("?")[0]
    else:
        assert "did you mean" not in err


@pytest.mark.parametrize("key", ["select", "ignore", "extend-select", "extend-ignore"])
def test_an_unknown_selector_in_the_configuration_is_an_error(tmp_path, capsys, key):
    root = make(tmp_path / "app", {**_APP, "pyproject.toml": f'[tool.fastapi-conventions-lint]\n{key} = ["FCL9999"]\n'})
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 2 and f"{key}: 'FCL9999' is no rule code or prefix" in err


def test_an_unknown_code_in_per_file_ignores_is_an_error(tmp_path, capsys):
    root = make(tmp_path / "app", {
        **_APP, "pyproject.toml": '[tool.fastapi-conventions-lint.per-file-ignores]\n"tests/*" = ["FCL1", "E501"]\n',
    })
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 2 and "'E501' is no rule code or prefix" in err


def test_prefixes_and_codes_as_written_are_accepted_and_extend_ignore_adds_to_ignore(tmp_path, capsys):
    root = make(tmp_path / "app", {**_APP, "pyproject.toml": '[tool.fastapi-conventions-lint]\nignore = ["FCL5"]\n'})
    code, out, _ = run_cli(["check", "--select", "FCL1,FCL4", str(root)], capsys)
    assert {line.split()[1] for line in out.splitlines() if ": FCL" in line} == {"FCL104", "FCL401"}
    code, out, _ = run_cli(["check", "--extend-ignore", "FCL104", str(root)], capsys)
    assert {line.split()[1] for line in out.splitlines() if ": FCL" in line} == {"FCL401"}
