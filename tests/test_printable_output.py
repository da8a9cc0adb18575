"""Nothing from the analysed code reaches a terminal or a CI log as it is: a prefix holding a
newline and `::error ...` used to forge a GitHub workflow command in the text output, escape
sequences passed through, and a file name that is not UTF-8 ended a SARIF run with an internal
error. Paths and messages are written with such characters escaped, in every format."""

from __future__ import annotations

import os
import sys

import pytest

from conftest import run_cli
from fastapi_conventions_lint.report import FORMATS

FORGED = "/x\n::error file=a.py::forged\x1b[31m\u202e"
SOURCE = (
    "from fastapi import APIRouter\n\n"
    f"router = APIRouter(prefix={FORGED!r}, tags=['x'])\n"
)


@pytest.mark.parametrize("output_format", FORMATS)
def test_source_text_in_a_message_is_escaped(tmp_path, capsys, monkeypatch, output_format):
    (tmp_path / "app.py").write_text(SOURCE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--output-format", output_format, "app.py"], capsys)
    assert code == 1 and "internal error" not in err
    assert not any(line.startswith("::error file=a.py") for line in out.splitlines())
    assert "\x1b" not in out and "\u202e" not in out
    # What was there is still said, escaped (JSON formats escape the backslash once more).
    assert "::error file=a.py::forged" in out and ("\\x1b" in out or "\\\\x1b" in out)


def test_routes_and_diffs_escape_source_text(tmp_path, capsys, monkeypatch):
    text = (
        "from fastapi import APIRouter, FastAPI\n\n"
        "app = FastAPI(docs_url=None, redoc_url=None)\n"
        f"router = APIRouter(prefix={FORGED!r}, tags=['x'])\n\n\n"
        "@router.get('/items')\ndef items() -> list:\n    return []\n\n\n"
        "app.include_router(router)\n"
    )
    (tmp_path / "app.py").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for output_format in ("text", "markdown"):
        code, out, err = run_cli(["routes", "--format", output_format, "."], capsys)
        assert code == 0, err
        assert "\x1b" not in out and not any(line.startswith("::error") for line in out.splitlines())
        assert "\\n::error file=a.py::forged\\x1b[31m\\u202e/items" in out


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 need a POSIX file system")
@pytest.mark.parametrize("output_format", FORMATS)
def test_a_file_name_that_is_not_utf8_is_written_escaped(tmp_path, capsys, monkeypatch, output_format):
    name = os.fsdecode(b"bad\xff.py")
    (tmp_path / name).write_text("from fastapi import APIRouter\n\nrouter = APIRouter()\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--output-format", output_format, "."], capsys)
    assert "internal error" not in err, err
    assert code == 1
    out.encode("utf-8")  # writable as UTF-8: no lone surrogate left
    # SARIF writes it in a URI, percent-encoded; JSON escapes the backslash once more.
    assert any(escaped in out for escaped in ("bad\\udcff.py", "bad\\\\udcff.py", "bad%5Cudcff.py"))


@pytest.mark.skipif(sys.platform != "linux", reason="file names that are not UTF-8 need a POSIX file system")
def test_show_files_escapes_a_file_name_that_is_not_utf8(tmp_path, capsys, monkeypatch):
    name = os.fsdecode(b"bad\xff.py")
    (tmp_path / name).write_text("x = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", "--show-files", "."], capsys)
    assert code == 0 and out == "./bad\\udcff.py\n"
