"""A fix run analyses its files again after moves and after each round. A file whose bytes and
settings did not change, and whose answers from other modules are still the same, keeps its
analysis: its links to the other files' old facts are undone first, so that it is linked
afresh."""

from __future__ import annotations

from pathlib import Path

from fastapi_conventions_lint.cli import build_parser
from fastapi_conventions_lint.commands.check import CheckRun
from fastapi_conventions_lint.project_pass import project_indexes

ROUTING = '''\
from fastapi import APIRouter


class V1Router(APIRouter):
    def __init__(self, **kwargs):
        super().__init__(prefix="{prefix}", **kwargs)
'''
USERS = '''\
from app.routing import V1Router

router = V1Router(tags=["users"])


@router.get("/users")
def list_users() -> list:
    return []
'''
ITEMS = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/items", tags=["items"])
'''
MAIN = '''\
from fastapi import FastAPI

from app import items, users

app = FastAPI(docs_url=None, redoc_url=None)
app.include_router(users.router)
app.include_router(items.router)
'''


def _project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    package = tmp_path / "app"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "routing.py").write_text(ROUTING.format(prefix="/v1"))
    (package / "users.py").write_text(USERS)
    (package / "items.py").write_text(ITEMS)
    (package / "main.py").write_text(MAIN)
    return package


def _pass(run: CheckRun, package: Path) -> dict:
    files = [(str(path), False) for path in sorted(package.glob("*.py"))]
    entries = run._first_pass(files, {})
    project_indexes(entries, whole_app=True)  # linked, as the project pass links them
    return {path.name: analysis for path, analysis, _ in entries}


def test_an_unchanged_file_keeps_its_analysis_and_is_linked_afresh(tmp_path):
    package = _project(tmp_path)
    run = CheckRun(build_parser().parse_args(["fix", str(package)]))
    first = _pass(run, package)
    (package / "main.py").write_text(MAIN + "\n")  # main.py changes; items.py does not
    second = _pass(run, package)
    assert second["items.py"] is first["items.py"]
    assert second["main.py"] is not first["main.py"]
    [router] = second["items.py"].facts.routers
    # Included once, by the new main.py: the include of the old one was taken away.
    assert [include.path for include in router.included_in] == [str((package / "main.py").resolve())]
    assert all(include in second["main.py"].facts.includes for include in router.included_in)


def test_the_next_round_keeps_the_analyses_of_unchanged_files(tmp_path):
    """A new round is a new run with settings of its own: a project file rewritten with the
    same bytes (its timestamps moved, as time moves them past the clock tick) changes no
    settings, and the unchanged files keep their analyses."""
    package = _project(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[project]\nname = "app"\nrequires-python = ">=3.9"\n\n[tool.fastapi-conventions-lint]\n')
    run = CheckRun(build_parser().parse_args(["fix", str(package)]))
    first = _pass(run, package)
    (package / "main.py").write_text(MAIN + "\n")
    pyproject.write_text(pyproject.read_text())
    following = run.next_round([])
    second = _pass(following, package)
    assert second["items.py"] is first["items.py"]
    assert second["main.py"] is not first["main.py"]


def test_a_file_that_took_a_class_from_another_module_is_analysed_again(tmp_path):
    package = _project(tmp_path)
    run = CheckRun(build_parser().parse_args(["fix", str(package)]))
    first = _pass(run, package)
    assert first["users.py"].facts.routers[0].prefix.head == "/v1"
    (package / "routing.py").write_text(ROUTING.format(prefix="/v2"))
    second = _pass(run, package)
    assert second["users.py"] is not first["users.py"]
    assert second["users.py"].facts.routers[0].prefix.head == "/v2"


def test_a_file_whose_answers_from_another_module_hold_keeps_its_analysis(tmp_path):
    """routing.py changes, but not the class users.py asked about: users.py is not analysed
    again (the benchmark's fix rounds analysed 38 such files twice)."""
    package = _project(tmp_path)
    run = CheckRun(build_parser().parse_args(["fix", str(package)]))
    first = _pass(run, package)
    (package / "routing.py").write_text(ROUTING.format(prefix="/v1") + "\n\nVERSION = 1\n")
    second = _pass(run, package)
    assert second["routing.py"] is not first["routing.py"]
    assert second["users.py"] is first["users.py"]
    assert second["users.py"].facts.routers[0].prefix.head == "/v1"


DB = '''\
from sqlalchemy.orm import {base}


class Repository({base}):
    pass
'''
HANDLERS = '''\
from typing import Annotated

from fastapi import APIRouter, Depends

from app.db import Repository

router = APIRouter(prefix="/orders", tags=["orders"])


def get_repository() -> Repository:
    return Repository()


@router.get("")
def list_orders(repository: Annotated[Repository, Depends(get_repository)]) -> list:
    return repository.query("orders").all()
'''


def test_a_kept_analysis_asks_the_new_pass_about_other_modules(tmp_path):
    package = _project(tmp_path)
    (package / "db.py").write_text(DB.format(base="Session"))
    (package / "handlers.py").write_text(HANDLERS)
    (package / "more_handlers.py").write_text(HANDLERS.replace("/orders", "/more"))
    run = CheckRun(build_parser().parse_args(["fix", str(package)]))
    first = _pass(run, package)
    # Another file's rules ask about Repository: the pass's index has read db.py.
    assert "FCL102" in [d.code for d in first["more_handlers.py"].conclude()]
    (package / "db.py").write_text("class Repository:\n    pass\n")  # no data handle any more
    second = _pass(run, package)
    assert second["handlers.py"] is first["handlers.py"]  # its facts asked no other module
    codes = [d.code for d in second["handlers.py"].conclude()]
    assert "FCL102" not in codes
