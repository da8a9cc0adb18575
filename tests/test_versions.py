"""The versions a project declares, and FCL203's fix decided by them: safe with FastAPI 0.95 or
newer, unsafe when nothing is declared, none when an older FastAPI is allowed."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import parse_output, run_cli, run_flake8
from fastapi_conventions_lint.project.versions import (
    allows_below,
    annotated_module,
    declared_versions,
    lowest_python,
    poetry_specifier,
    read_declared,
)


def _files(root: Path, files) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


@pytest.mark.parametrize("poetry, expected", [
    ("^0.79.1", ">=0.79.1,<0.80"),
    ("^1.2", ">=1.2,<2"),
    ("^0.0.3", ">=0.0.3,<0.0.4"),
    ("~1.2.3", ">=1.2.3,<1.3"),
    ("~1.2", ">=1.2,<1.3"),
    ("~1", ">=1,<2"),
    ("0.95.1", "==0.95.1"),
    ("0.95.*", "==0.95.*"),
    (">=0.100, <1", ">=0.100,<1"),
    ("*", ""),
    ("^0.79 || ^0.100", ">=0.79,<0.80"),
])
def test_poetry_constraints(poetry, expected):
    spec = poetry_specifier(poetry)
    assert spec is not None and {str(s) for s in spec} == {s for s in expected.split(",") if s}


def test_poetry_nonsense_is_not_read():
    assert poetry_specifier("latest") is None
    assert poetry_specifier("^x || ^1") is None


@pytest.mark.parametrize("spec, below", [
    (">=0.100", False), ("==0.95.0", False), ("~=0.95", False), (">0.95", False),
    (">=0.90", True), (">0.94", True), ("<1", True), ("", True), ("==0.94.*", True),
])
def test_whether_a_constraint_allows_a_version_before_0_95(spec, below):
    from packaging.specifiers import SpecifierSet

    assert allows_below(SpecifierSet(spec), "0.95") is below


def test_nothing_declared_decides_nothing(tmp_path):
    declared = read_declared(str(tmp_path))
    assert declared.fastapi is None and declared.python is None
    assert allows_below(None, "0.95") is None and lowest_python(None) is None
    assert annotated_module(declared) == annotated_module(None) == "typing"


def test_every_place_a_version_is_declared(tmp_path):
    project = _files(tmp_path / "project", {"pyproject.toml": '''
        [project]
        name = "x"
        requires-python = ">=3.8"
        dependencies = ["uvicorn", "fastapi[all]>=0.100,<1; python_version >= '3.8'"]
    '''})
    declared = read_declared(str(project))
    assert str(declared.fastapi) == "<1,>=0.100" and declared.fastapi_source == "pyproject.toml [project]"
    assert lowest_python(declared.python) == (3, 8) and annotated_module(declared) == "typing_extensions"

    poetry = _files(tmp_path / "poetry", {"pyproject.toml": '''
        [tool.poetry.dependencies]
        python = "^3.10"
        fastapi = {version = "^0.79.1", extras = ["all"]}
    '''})
    declared = read_declared(str(poetry))
    assert declared.fastapi_source == "pyproject.toml [tool.poetry.dependencies]"
    assert allows_below(declared.fastapi, "0.95") and lowest_python(declared.python) == (3, 10)

    ruff = _files(tmp_path / "ruff", {
        "pyproject.toml": '[tool.ruff]\ntarget-version = "py37"\n',
        "requirements.txt": "# pinned\n-r base.txt\n-e .\nhttps://x/y.whl\nfastapi==0.94.1  # old\n",
    })
    declared = read_declared(str(ruff))
    assert str(declared.fastapi) == "==0.94.1" and declared.fastapi_source == "requirements.txt"
    assert lowest_python(declared.python) == (3, 7)

    nested = _files(tmp_path / "nested", {"requirements/base.txt": "fastapi>=0.110\n"})
    assert read_declared(str(nested)).fastapi_source == "requirements/base.txt"


def test_a_lock_file_decides(tmp_path):
    root = _files(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["fastapi>=0.90"]\n',
        "uv.lock": '''
            version = 1

            [[package]]
            name = "starlette"
            version = "0.26.0"

            [[package]]
            name = "fastapi"
            version = "0.94.0"
        ''',
    })
    declared = declared_versions(str(root))
    assert str(declared.fastapi) == "==0.94.0" and declared.fastapi_source == "uv.lock"
    (root / "uv.lock").write_text('[[package]]\nname = "fastapi"\nversion = "0.110.0"\n')
    assert str(declared_versions(str(root)).fastapi) == "==0.110.0"  # re-read when it changes


def test_the_files_bytes_decide_whether_the_declared_versions_changed(tmp_path, monkeypatch):
    """A same-size rewrite within one clock tick keeps every timestamp: the bytes tell.
    And time passing alone changes nothing (a fix run's rounds keep their analyses)."""
    from fastapi_conventions_lint.project import versions

    root = _files(tmp_path, {"uv.lock": '[[package]]\nname = "fastapi"\nversion = "0.94.0"\n'})
    frozen = (root / "uv.lock").stat()
    real_stat = versions.os.stat
    monkeypatch.setattr(
        versions.os, "stat", lambda path, **kw: frozen if str(path).endswith("uv.lock") else real_stat(path, **kw)
    )
    first = declared_versions(str(root))
    assert str(first.fastapi) == "==0.94.0"
    assert declared_versions(str(root)) == first and repr(declared_versions(str(root))) == repr(first)
    (root / "uv.lock").write_text('[[package]]\nname = "fastapi"\nversion = "0.95.0"\n')
    second = declared_versions(str(root))
    assert first != second and repr(first) != repr(second)
    assert str(second.fastapi) == "==0.95.0"


def test_fastapi_s_section_of_a_long_lock_file_is_found(tmp_path):
    packages = "".join(f'[[package]]\nname = "package-{n}"\nversion = "1.{n}"\n\n' for n in range(200))
    fastapi = (
        '[[package]]\nname = "fastapi"\nversion = "0.111.0"\nsource = { registry = "https://pypi.org/simple" }\n'
        'dependencies = [\n    { name = "starlette" },\n]\n\n[package.optional-dependencies]\n'
        'all = [\n    { name = "uvicorn" },\n]\n\n'
    )
    users = '[[package]]\nname = "fastapi-users"\nversion = "13.0.0"\n\n'
    root = _files(tmp_path, {"uv.lock": 'version = 1\n\n' + users + packages + fastapi + packages})
    declared = read_declared(str(root))
    assert str(declared.fastapi) == "==0.111.0" and declared.fastapi_source == "uv.lock"


def test_broken_files_are_ignored(tmp_path):
    root = _files(tmp_path, {"pyproject.toml": "[project\n", "poetry.lock": "not toml ["})
    declared = read_declared(str(root))
    assert declared.fastapi is None and declared.python is None


# ---- the fix, decided by them --------------------------------------------------------------

HANDLER = '''
    from fastapi import Depends


    def get_db():
        return None


    async def handler(db: object = Depends(get_db)):
        return db
'''
FIXED = "async def handler(db: Annotated[object, Depends(get_db)]):"


def _project(tmp_path: Path, pyproject=None, **files) -> Path:
    if pyproject is not None:
        files["pyproject.toml"] = pyproject
    _files(tmp_path, {"app/__init__.py": "", "app/items.py": HANDLER, **files})
    return tmp_path / "app" / "items.py"


def test_an_older_fastapi_gets_no_fix_and_the_message_says_why(tmp_path, capsys):
    path = _project(tmp_path, '[tool.poetry.dependencies]\nfastapi = "^0.79.1"\n')
    before = path.read_text()
    code, out, _ = run_cli(["fix", "--unsafe-fixes", str(path)], capsys)
    assert path.read_text() == before and code == 1
    [item] = [i for i in parse_output(out) if i.code == "FCL203"]
    assert item.message.endswith(
        "(no fix: fastapi <0.80,>=0.79.1 in pyproject.toml [tool.poetry.dependencies] allows "
        "versions before 0.95, which do not understand Annotated dependencies)"
    )
    # flake8 says the same.
    process = run_flake8(["--select", "FCL203", str(path)])
    assert item.message in process.stdout


def test_fastapi_with_no_version_bound_is_said_so(tmp_path, capsys):
    """`dependencies = ["fastapi"]` admits every release: the note names the requirement in
    words (it read `fastapi  in ...` before)."""
    path = _project(tmp_path, '[project]\nname = "x"\ndependencies = ["fastapi"]\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    [item] = [i for i in parse_output(out) if i.code == "FCL203"]
    assert item.message.endswith(
        "(no fix: fastapi with no version bound in pyproject.toml [project] allows versions "
        "before 0.95, which do not understand Annotated dependencies)"
    )


def test_a_new_enough_fastapi_makes_the_fix_safe(tmp_path, capsys):
    path = _project(tmp_path, '[project]\nname = "x"\ndependencies = ["fastapi>=0.100"]\n')
    assert run_cli(["fix", str(path)], capsys)[0] == 0
    assert FIXED in path.read_text() and "from typing import Annotated" in path.read_text()


def test_nothing_declared_makes_the_fix_unsafe(tmp_path, capsys):
    path = _project(tmp_path)
    before = path.read_text()
    code, out, _ = run_cli(["fix", str(path)], capsys)
    assert path.read_text() == before and "1 violation can be fixed with --unsafe-fixes." in out
    run_cli(["fix", "--unsafe-fixes", str(path)], capsys)
    assert FIXED in path.read_text()


def test_a_locked_older_fastapi_wins_over_a_loose_constraint(tmp_path, capsys):
    path = _project(
        tmp_path, '[project]\nname = "x"\ndependencies = ["fastapi>=0.90"]\n',
        **{"uv.lock": '[[package]]\nname = "fastapi"\nversion = "0.94.0"\n'},
    )
    before = path.read_text()
    code, out, _ = run_cli(["fix", "--unsafe-fixes", str(path)], capsys)
    assert path.read_text() == before and "fastapi ==0.94.0 in uv.lock" in out


def test_python_3_8_takes_annotated_from_typing_extensions(tmp_path, capsys):
    path = _project(
        tmp_path, '[project]\nname = "x"\nrequires-python = ">=3.8"\ndependencies = ["fastapi>=0.100"]\n'
    )
    run_cli(["fix", str(path)], capsys)
    assert "from typing_extensions import Annotated" in path.read_text()
