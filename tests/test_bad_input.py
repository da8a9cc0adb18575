"""Files that cannot be read, decoded or parsed: one FCL900 line each, saying what failed, and
the run goes on to the next file. Nothing crashes either host."""

from __future__ import annotations

import ast
import builtins
import io
import os
import sys
import types
from pathlib import Path

import pytest

from conftest import parse_output, run_cli, run_flake8, summary_of
from fastapi_conventions_lint import source

PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"

GOOD = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/rag", tags=["rag"])
'''
GOOD_REPORT = (3, 27, "FCL001")

UNARY_DEPTH = "x = " + "-" * 100_000 + "1\n"
CHAIN_DEPTH = "x = " + "1+" * 100_000 + "1\n"
PAREN_DEPTH = "x = " + "(" * 300 + ")" * 300 + "\n"

# name -> (bytes, expected FCL900 line, a piece of the message)
BAD = {
    # For syntax errors, this interpreter's own parser says where and what (None below).
    "syntax": (b"from fastapi import APIRouter\n\ndef handler(:\n    pass\n", None, None),
    "never_closed": (b"import fastapi\n\nrouter = fastapi.APIRouter(\n\n", None, None),
    "undecodable_first_line": (
        b"\xff\xfeimport fastapi\n", 1, "could not decode as utf-8: invalid start byte (byte 0xff)",
    ),
    "undecodable_after_a_comment": (
        b"# the service\nx = '\xe9t\xe9'  # fastapi\n", 2, "could not decode as utf-8",
    ),
    "undecodable_later": (
        b"import fastapi\n\n\n\nname = '\xc3\x28'\n", 5, "could not decode as utf-8",
    ),
    "unknown_codec": (
        b"# -*- coding: klingon -*-\nimport fastapi\n", 1, "unknown encoding: klingon",
    ),
    "bom_and_other_coding": (
        b"\xef\xbb\xbf# coding: latin-1\nimport fastapi\n", 1, "could not decode",
    ),
    "nul_bytes": (
        b"import fastapi\n\nx = 1\x00\n", 3, "NUL bytes",
    ),
}


def _raises_syntax_error(text: str) -> bool:
    try:
        ast.parse(text)
    except SyntaxError:
        return True
    except ValueError:
        return False
    return False


def _parser_refuses(text: str) -> bool:
    try:
        ast.parse(text)
    except (SyntaxError, RecursionError, MemoryError):
        return True
    return False


# Deep nesting is bad input only where this interpreter's parser gives up on it.
for _name, _text in (("deep_unary", UNARY_DEPTH), ("deep_chain", CHAIN_DEPTH), ("deep_parentheses", PAREN_DEPTH)):
    if _parser_refuses(_text):
        BAD[_name] = (_text.encode() + b"# fastapi\n", 1, None)


def _syntax_error(data: bytes) -> SyntaxError:
    try:
        ast.parse(data)
    except SyntaxError as error:
        return error
    raise AssertionError("this case is meant to be a syntax error")  # pragma: no cover


def _expected_line(name: str) -> int:
    data, line, _ = BAD[name]
    return line if line is not None else _syntax_error(data).lineno


def _depth_message(text: str) -> str:
    """What this interpreter's parser does with the deep case decides the message."""
    try:
        ast.parse(text)
    except (RecursionError, MemoryError):
        return f"could not parse: nested too deeply for the {PYTHON} parser"
    except SyntaxError:
        return f"syntax error: too many nested parentheses (parsed by {PYTHON};"
    raise AssertionError("this case is meant to fail to parse")  # pragma: no cover


def _expected_message(name: str) -> str:
    data, line, message = BAD[name]
    if line is None:
        return f"syntax error: {_syntax_error(data).msg} (parsed by {PYTHON};"
    return message or _depth_message(data.decode())


def test_cpython_raises_what_the_deep_cases_are_about():
    if sys.version_info[:2] != (3, 11):  # pragma: no cover - the messages adapt elsewhere
        return
    with pytest.raises(MemoryError):
        ast.parse(UNARY_DEPTH)
    with pytest.raises(RecursionError):
        ast.parse(CHAIN_DEPTH)
    with pytest.raises(SyntaxError, match="too many nested parentheses"):
        ast.parse(PAREN_DEPTH)


def _check(paths, capsys):
    code, out, err = run_cli(["check", *map(str, paths)], capsys)
    assert err == "", err
    return code, out, parse_output(out)


def _only_fcl900(reported, path):
    mine = [item for item in reported if item.path == str(path)]
    assert len(mine) == 1, mine
    (item,) = mine
    assert item.code == "FCL900"
    assert item.line >= 1 and item.col >= 1
    return item


def _good_reported(reported, path):
    return [(item.line, item.col, item.code) for item in reported if item.path == str(path)]


@pytest.mark.parametrize("name", sorted(BAD))
def test_one_fcl900_per_bad_file_and_the_run_goes_on(name, write, capsys):
    data, _, _ = BAD[name]
    bad = write(f"bad_{name}.py", "", raw=data)
    good = write("zz_good.py", GOOD)
    code, out, reported = _check([bad, good], capsys)
    item = _only_fcl900(reported, bad)
    assert item.line == _expected_line(name)
    assert _expected_message(name) in item.message
    assert _good_reported(reported, good) == [GOOD_REPORT]
    assert code == 1
    assert summary_of(out) == "Found 2 violations in 2 files."


def test_syntax_error_points_at_the_error(write, capsys):
    bad = write("bad.py", "import fastapi\nvalue = [1, 2 3]\n")
    _, _, reported = _check([bad], capsys)
    item = _only_fcl900(reported, bad)
    error = _syntax_error(bad.read_bytes())
    assert (item.line, item.col) == (2, error.offset)
    assert item.message.startswith(f"syntax error: {error.msg}")
    assert f"parsed by {PYTHON}" in item.message


def test_bad_files_found_by_walking_a_directory(write, capsys, tmp_path):
    for name, (data, _, _) in BAD.items():
        write(f"pkg/bad_{name}.py", "", raw=data)
    good = write("pkg/good.py", GOOD)
    write("pkg/empty.py", "")
    code, _, reported = _check([tmp_path / "pkg"], capsys)
    for name in BAD:
        item = _only_fcl900(reported, tmp_path / "pkg" / f"bad_{name}.py")
        assert item.line == _expected_line(name)
        assert _expected_message(name) in item.message
    assert _good_reported(reported, good) == [GOOD_REPORT]
    assert len(reported) == len(BAD) + 1
    assert code == 1


def test_latin1_coding_line_is_honoured(write, capsys):
    text = (
        "# -*- coding: latin-1 -*-\n"
        "from fastapi import APIRouter\n"
        'router = APIRouter(tags=["caf\xe9"], prefix="/api/v1/rag")\n'
    )
    path = write("latin.py", "", raw=text.encode("latin-1"))
    code, _, reported = _check([path], capsys)
    line = text.splitlines()[2]
    assert [(item.line, item.col, item.code) for item in reported] == [
        (3, line.index('"/api/v1/rag"') + 1, "FCL001")
    ]


def test_utf8_bom_is_not_an_error_and_columns_do_not_count_it(write, capsys):
    line = 'from fastapi import APIRouter; router = APIRouter(prefix="/api/v1/rag", tags=["r"])'
    path = write("bom.py", "", raw=b"\xef\xbb\xbf" + line.encode() + b"\n")
    _, _, reported = _check([path], capsys)
    assert [(item.line, item.col, item.code) for item in reported] == [
        (1, line.index('"/api/v1/rag"') + 1, "FCL001")
    ]


def test_utf8_bom_on_a_multi_line_file(write, capsys):
    path = write("bom.py", "", raw=b"\xef\xbb\xbf" + GOOD.encode())
    _, _, reported = _check([path], capsys)
    assert _good_reported(reported, path) == [GOOD_REPORT]


def test_empty_and_comment_only_files_give_nothing(write, capsys):
    empty = write("empty.py", "")
    comments = write("comments.py", "# fastapi\n\n   \n")
    bom_only = write("bom_only.py", "", raw=b"\xef\xbb\xbf")
    code, out, reported = _check([empty, comments, bom_only], capsys)
    assert reported == []
    assert code == 0
    assert out == "All checks passed!\n"


def test_missing_file_named_explicitly(write, capsys, tmp_path):
    good = write("good.py", GOOD)
    missing = tmp_path / "missing.py"
    _, _, reported = _check([missing, good], capsys)
    item = _only_fcl900(reported, missing)
    assert item.line == 1
    assert item.message == "could not read file: No such file or directory"
    assert _good_reported(reported, good) == [GOOD_REPORT]


def test_dangling_symlink_named_explicitly(write, capsys, tmp_path):
    good = write("good.py", GOOD)
    link = tmp_path / "link.py"
    os.symlink(tmp_path / "gone.py", link)
    _, _, reported = _check([link, good], capsys)
    item = _only_fcl900(reported, link)
    assert "could not read file" in item.message
    assert _good_reported(reported, good) == [GOOD_REPORT]


def test_permission_denied_on_open(write, capsys, monkeypatch):
    bad = write("secret.py", GOOD)
    good = write("good.py", GOOD)
    real_open = builtins.open

    def fake_open(file, *args, **kwargs):
        if str(file) == str(bad):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    _, _, reported = _check([bad, good], capsys)
    item = _only_fcl900(reported, bad)
    assert (item.line, item.message) == (1, "could not read file: Permission denied")
    assert _good_reported(reported, good) == [GOOD_REPORT]


def test_permission_denied_on_stat_while_walking(write, capsys, monkeypatch, tmp_path):
    bad = write("pkg/secret.py", GOOD)
    good = write("pkg/good.py", GOOD)
    real_stat = os.stat

    def fake_stat(path, *args, **kwargs):
        if str(path) == str(bad):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(source.os, "stat", fake_stat)
    _, _, reported = _check([tmp_path / "pkg"], capsys)
    item = _only_fcl900(reported, bad)
    assert item.message == "could not read file: Permission denied"
    assert _good_reported(reported, good) == [GOOD_REPORT]


def test_file_over_10_mb(write, capsys, tmp_path):
    big = tmp_path / "big.py"
    with open(big, "wb") as handle:
        handle.write(GOOD.encode())
        handle.truncate(11 * 1024 * 1024)  # sparse: quick to make
    good = write("good.py", GOOD)
    _, _, reported = _check([big, good], capsys)
    item = _only_fcl900(reported, big)
    assert item.line == 1
    assert "over the 10 MB limit" in item.message and "11.0 MB" in item.message
    assert _good_reported(reported, good) == [GOOD_REPORT]


def test_exactly_10_mb_is_still_checked(write, capsys, tmp_path):
    path = tmp_path / "large.py"
    padding = 10 * 1024 * 1024 - len(GOOD)
    path.write_bytes(GOOD.encode() + b"#" * (padding - 1) + b"\n")
    assert path.stat().st_size == 10 * 1024 * 1024
    _, _, reported = _check([path], capsys)
    assert _good_reported(reported, path) == [GOOD_REPORT]


def test_stdin_over_10_mb(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    data = GOOD.encode() + b"#" * (10 * 1024 * 1024)
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))
    code, out, err = run_cli(["check", "-", "--stdin-filename", "app.py"], capsys)
    (item,) = parse_output(out)
    assert (item.path, item.line, item.code) == ("app.py", 1, "FCL900")
    assert "10 MB" in item.message
    assert code == 1 and err == ""


def test_flake8_does_not_crash_on_bad_input(write, tmp_path):
    # flake8's own ast.parse raises before any plugin runs on these (and, before Python 3.12,
    # on NUL bytes, which raise ValueError there rather than SyntaxError).
    skip = {"deep_unary", "deep_chain"}
    if not _raises_syntax_error("x = 1\x00"):
        skip.add("nul_bytes")
    names = sorted(set(BAD) - skip)
    for name in names:
        write(f"bad_{name}.py", "", raw=BAD[name][0])
    write("good.py", GOOD)
    write("empty.py", "")
    write("latin.py", "", raw=(
        "# -*- coding: latin-1 -*-\nfrom fastapi import APIRouter\n"
        'router = APIRouter(tags=["caf\xe9"], prefix="/api/v1/rag")\n'
    ).encode("latin-1"))
    write("bom.py", "", raw=b"\xef\xbb\xbf" + GOOD.encode())
    os.symlink(tmp_path / "gone.py", tmp_path / "dangling.py")
    process = run_flake8(["--select", "FCL,E902,E999", "."], cwd=tmp_path)
    assert "Traceback" not in process.stderr, process.stderr
    assert "failed during execution" not in process.stderr, process.stderr
    reported = parse_output(process.stdout)
    by_file = {}
    for item in reported:
        by_file.setdefault(Path(item.path).name, []).append((item.line, item.code))
    assert by_file["good.py"] == [(3, "FCL001")]
    assert by_file["bom.py"] == [(3, "FCL001")]
    assert by_file["latin.py"] == [(3, "FCL001")]
    assert "empty.py" not in by_file
    assert [code for _, code in by_file["dangling.py"]] == ["E902"]
    for name in {"syntax", "never_closed", "nul_bytes", "deep_parentheses"} & set(names):
        assert [code for _, code in by_file[f"bad_{name}.py"]] == ["E999"], name
    assert not any(item.code == "FCL900" for item in reported)


def test_syntax_error_in_a_file_skipped_by_flake8_noqa_is_not_reported(write, capsys):
    skipped = write("skipped.py", "# flake8: noqa\nimport fastapi\nx = (\n")
    code, out, _ = run_cli(["check", str(skipped)], capsys)
    assert code == 0 and "FCL900" not in out


def test_noqa_on_the_error_line_silences_the_syntax_error_as_flake8_does_for_e999(write, capsys):
    silenced = write("silenced.py", "import fastapi\nx = (  # noqa\n")
    code, out, _ = run_cli(["check", str(silenced)], capsys)
    assert code == 0 and "FCL900" not in out


@pytest.mark.parametrize("line, version", [
    ("type UserId = int", (3, 12)),
    ("type Pair[T] = tuple[T, T]", (3, 12)),
    ("    def first[T](items: list[T]) -> T:", (3, 12)),
    ("async def fetch[T](url: str) -> T:", (3, 12)),
    ("class Box[T]:", (3, 12)),
    ("type Default[T = int] = list[T]", (3, 13)),
    ("def make[T = str]() -> T:", (3, 13)),
    ("except ValueError, TypeError:", (3, 14)),
    ("except* ValueError, TypeError:", (3, 14)),
    ("except ValueError, TypeError as error:", None),  # no Python accepts this
    ("except (ValueError, TypeError):", None),
    ("x = = 1", None),
    ("typed = 1", None),
])
def test_newer_syntax_is_recognised_by_its_shape_and_the_version_it_needs(line, version):
    found = source.newer_syntax(line)
    if version is None or version <= sys.version_info[:2]:
        assert found is None
    else:
        assert found is not None and found[1] == version
