"""The check every fix passes: an import it adds names something the project (or the
standard library, or what FastAPI installs) really has."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import run_cli
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.fix.added_imports import missing_import
from fastapi_conventions_lint.project.bindings import module_binds, top_level_names
from fastapi_conventions_lint.project.layout import from_roots

BEFORE = "x = 1\n"


@pytest.fixture
def project(tmp_path) -> Path:
    files = {
        "server/__init__.py": "",
        "server/config.py": "class A:\n    pass\n\n\napi_config = A()\n",
        "server/star.py": "from server.config import *\n",
        "server/lazy.py": "def __getattr__(name):\n    return name\n",
        "server/routers/__init__.py": "",
        "server/routers/users.py": "router = None\n",
        "server/broken.py": "def broken(:\n",
        "app/__init__.py": "",
        "app/main.py": "",
    }
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _missing(project: Path, added: str, filename: str = "app/main.py") -> str:
    layout = from_roots([project], Settings())
    return missing_import(BEFORE, BEFORE + added, str(project / filename), layout)


@pytest.mark.parametrize("added", [
    "from server.config import api_config\n",
    "from server.star import anything\n",  # a star import may bind it
    "from server.lazy import anything\n",  # a module __getattr__ may
    "from server.routers import users\n",  # a submodule
    "import server.config\n",
    "from typing import Annotated\n",
    "from typing_extensions import Annotated\n",
    "from fastapi import Depends\n",
    "from contextlib import asynccontextmanager\n",
    "from ..server.config import api_config\n",  # relative, from app/
    "x = 2\n",  # no import at all
])
def test_imports_of_what_exists_pass(project, added):
    assert _missing(project, added) == ""


@pytest.mark.parametrize("added, why", [
    ("from server.config import settings\n",
     "it would import settings from server.config, but server.config does not define settings"),
    ("from server.settings import api_config\n",
     "it would import api_config from server.settings, but the project has no module server.settings"),
    ("from sqlalchemy import select\n",
     "it would import select from sqlalchemy, but sqlalchemy is neither a module of the project "
     "nor a library every FastAPI app has"),
    ("import server.nothing\n", "it would import server.nothing, but the project has no module server.nothing"),
    ("from server.broken import x\n", "server.broken cannot be read"),
])
def test_imports_of_what_is_missing_are_refused_with_the_reason(project, added, why):
    assert why in _missing(project, added)


def test_an_import_already_there_is_not_checked_again(project):
    layout = from_roots([project], Settings())
    before = "from sqlalchemy import select\n"
    assert missing_import(before, before + "y = select\n", str(project / "app/main.py"), layout) == ""


def test_without_a_project_or_with_text_that_does_not_parse_nothing_is_refused(project):
    assert missing_import(BEFORE, "from nowhere import x\n", "a.py", None) == ""
    layout = from_roots([project], Settings())
    assert missing_import(BEFORE, "def broken(:\n", str(project / "app/main.py"), layout) == ""


def test_top_level_names_cover_every_binding_statement():
    tree = __import__("ast").parse(textwrap.dedent('''
        import os.path
        from x import y as z
        a, (b, c) = 1, (2, 3)
        d: int = 4
        e += 1
        for f in []:
            g = 1
        with open("x") as h:
            pass
        try:
            i = 1
        except Exception:
            j = 2
        else:
            k = 3
        finally:
            m = 4
        if (n := 5):
            class C:
                inner = 1
            async def coroutine():
                local = 1
        while False:
            w = 1
    '''))
    assert top_level_names(tree) == set("abcdefghijkmnw") | {"os", "z", "C", "coroutine"}


def test_module_binds_reports_what_is_missing(project):
    layout = from_roots([project], Settings())
    near = str(project / "app" / "main.py")
    assert module_binds(layout, "server.config", "api_config", near) == (True, "")
    assert module_binds(layout, "server.config", "other", near) == (False, "server.config does not define other")
    assert module_binds(layout, "nowhere", "x", near) == (False, "the project has no module nowhere")


def test_an_object_bound_only_at_run_time_gets_no_fix(tmp_path, capsys, monkeypatch):
    (tmp_path / "server").mkdir()
    (tmp_path / "server" / "config.py").write_text(
        "class A:\n    V1_PREFIX = '/api/v1'\n\n\nglobals()['api_config'] = A()\n"
    )
    router = tmp_path / "router.py"
    router.write_text('from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/v1/x", tags=["x"])\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run_cli(["fix", "router.py"], capsys)
    assert "api_config" not in router.read_text()
    assert code == 1 and "(no fix: server.config does not define api_config;" in out


def test_the_fix_engine_refuses_a_rewrite_whose_import_would_fail(tmp_path):
    """The backstop behind every rule: settings that claim the config object exists, in a
    project that has no such module; the rewrite is made, then refused for its import."""
    from dataclasses import replace

    from fastapi_conventions_lint.fix.apply import fix_text
    from fastapi_conventions_lint.fix.context import FixContext
    from fastapi_conventions_lint.selection import CodeSelection

    settings = replace(Settings(), config_missing="")
    layout = from_roots([tmp_path], settings)
    text = 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/v1/x", tags=["x"])\n'
    filename = str(tmp_path / "router.py")
    outcome = fix_text(
        text, filename, settings, CodeSelection(["FCL001"]),
        FixContext(settings, filename, layout=layout),
    )
    assert outcome.text == text and not outcome.applied
    [remaining] = outcome.remaining
    assert outcome.failure_of(remaining) == (
        "it would import api_config from server.config, but server.config is neither a module "
        "of the project nor a library every FastAPI app has"
    )
