"""The keys that choose a style: FCL401's `status-code-style` (which constants the fix writes,
and when a `responses` key in `HTTPStatus` style is left alone: before Python 3.11, `str()` of
a member is its name) and FCL104's `response-type-policy`."""

from __future__ import annotations

import pytest

from conftest import run_cli, run_flake8
from test_fix_runtime import make

_MAIN = '''
    from fastapi import FastAPI, HTTPException

    app = FastAPI()


    @app.get("/items/{item_id}", responses={404: {"description": "gone"}})
    def read_item(item_id: int):
        raise HTTPException(status_code=404)
'''


@pytest.mark.parametrize("requires_python,key_fixed", [(">=3.11", True), (">=3.9", False), (None, False)])
def test_http_style_fixes_a_responses_key_only_for_python_3_11_on(tmp_path, capsys, requires_python, key_fixed):
    project = '[project]\nname = "x"\nversion = "0"\n'
    if requires_python:
        project += f'requires-python = "{requires_python}"\n'
    root = make(tmp_path / "app", {
        "pyproject.toml": project + '\n[tool.fastapi-conventions-lint]\nselect = ["FCL401"]\nstatus-code-style = "http"\n',
        "main.py": _MAIN,
    })
    code, out, err = run_cli(["fix", str(root)], capsys)
    text = (root / "main.py").read_text(encoding="utf-8")
    assert "HTTPException(status_code=HTTPStatus.NOT_FOUND)" in text
    assert ("responses={HTTPStatus.NOT_FOUND:" in text) is key_fixed
    assert code == (0 if key_fixed else 1), out + err


def test_an_unknown_style_is_a_configuration_error(tmp_path, capsys):
    root = make(tmp_path / "app", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nstatus-code-style = "starlette"\n',
        "main.py": _MAIN,
    })
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 2 and "status-code-style = 'starlette': expected 'fastapi' or 'http'" in err


def test_flake8_takes_the_style_as_an_option(tmp_path):
    root = make(tmp_path / "app", {"main.py": _MAIN})
    process = run_flake8(["--select", "FCL401", "--fcl-status-code-style", "http", str(root / "main.py")])
    assert "use HTTPStatus.NOT_FOUND" in process.stdout, process.stdout + process.stderr
    process = run_flake8(["--select", "FCL", "--fcl-status-code-style", "nope", str(root / "main.py")])
    assert "FCL900 not checked: invalid flake8 option fcl-status-code-style = 'nope': expected 'fastapi' or 'http'" in process.stdout


_ANNOTATED = '''
    from fastapi import FastAPI

    app = FastAPI()


    @app.get("/items")
    def items() -> list:
        return []


    @app.get("/ping", response_model=str)
    def ping():
        return "pong"
'''


@pytest.mark.parametrize("policy,reported", [(None, []), ("annotation-or-model", []), ("response-model", [":7:1: FCL104"])])
def test_the_response_type_policy_in_both_hosts(tmp_path, capsys, policy, reported):
    config = f'response-type-policy = "{policy}"\n' if policy else ""
    root = make(tmp_path / "app", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nselect = ["FCL104"]\n' + config,
        "main.py": _ANNOTATED,
    })
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert [line[line.index(":"):line.index(" route")] for line in out.splitlines() if "FCL104" in line] == reported
    options = ["--fcl-response-type-policy", policy] if policy else []
    process = run_flake8(["--select", "FCL104", *options, str(root / "main.py")])
    assert [line[line.index(":"):line.index(" route")] for line in process.stdout.splitlines()] == reported
