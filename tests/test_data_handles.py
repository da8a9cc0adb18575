"""FCL102 knows a data handle by its type across the project's modules, in both hosts: aliases of
aliases, library types re-exported by a project module, subclasses, import cycles, and names the
handler rebinds."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import parse_output, run_cli, run_flake8

ROUTES = '''
from fastapi import APIRouter

from app.deps import {name}

router = APIRouter(prefix="/items", tags=["items"])


@router.get("")
def list_items(s: {name}, db: {name}):
    s.execute("SELECT 1")
    db.execute("SELECT 2")
'''


def _project(root: Path, files: Dict[str, str]) -> Path:
    (root / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n", encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _fcl102(root: Path, capsys, target: str = "app/routes.py") -> Tuple[List[str], List[str]]:
    """The FCL102 calls reported on `target`, by the CLI over the project and by flake8 on the
    file alone."""
    _, out, _ = run_cli(["check", "--select", "FCL102", str(root)], capsys)
    process = run_flake8(["--select", "FCL102", target], cwd=root)
    assert "Traceback" not in process.stderr, process.stderr
    return _calls(out), _calls(process.stdout)


def _calls(output: str) -> List[str]:
    return [item.message.split(" directly (")[1].split("): ")[0] for item in parse_output(output)]


@pytest.mark.parametrize("deps, db_module", [
    # An alias of an alias the module imports from another project module.
    ('''
        from typing import Annotated

        from fastapi import Depends

        from app.db import DbSession, get_db

        Handle = Annotated[DbSession, Depends(get_db)]
    ''', '''
        from typing import Optional

        from sqlalchemy.ext.asyncio import AsyncSession

        DbSession = Optional[AsyncSession]

        def get_db():
            ...
    '''),
    # A library's type re-exported by a project module.
    ('''
        from app.db import Session as Handle
    ''', '''
        from sqlalchemy.orm import Session
    '''),
    # A subclass of a library's session type.
    ('''
        from app.db import AppSession as Handle
    ''', '''
        from sqlmodel import Session

        class AppSession(Session):
            pass
    '''),
], ids=["alias-of-an-imported-alias", "re-exported-library-type", "subclass"])
def test_a_handle_type_from_another_module_makes_any_name_a_handle(deps, db_module, tmp_path, capsys):
    root = _project(tmp_path, {
        "app/deps.py": deps, "app/db.py": db_module, "app/routes.py": ROUTES.format(name="Handle"),
    })
    assert _fcl102(root, capsys) == (["s.execute()"], ["s.execute()"])


def test_aliases_importing_each_other_are_not_handles_and_the_name_decides(tmp_path, capsys):
    root = _project(tmp_path, {
        "app/deps.py": '''
            from app.other import Loop as Handle
        ''',
        "app/other.py": '''
            from typing import Annotated

            from app.deps import Handle

            Loop = Annotated[Handle, "cycle"]
        ''',
        "app/routes.py": ROUTES.format(name="Handle"),
    })
    assert _fcl102(root, capsys) == (["db.execute()"], ["db.execute()"])


def test_a_project_class_leaves_the_decision_to_the_name(tmp_path, capsys):
    root = _project(tmp_path, {
        "app/deps.py": '''
            class Handle:
                def execute(self, sql):
                    ...
        ''',
        "app/routes.py": ROUTES.format(name="Handle"),
    })
    assert _fcl102(root, capsys) == (["db.execute()"], ["db.execute()"])


def test_a_third_party_class_is_not_a_handle_whatever_the_name(tmp_path, capsys):
    root = _project(tmp_path, {
        "app/deps.py": '''
            from requests import Session as Handle
        ''',
        "app/routes.py": ROUTES.format(name="Handle"),
    })
    assert _fcl102(root, capsys) == ([], [])


def test_a_data_store_package_leaves_the_decision_to_the_name(tmp_path, capsys):
    root = _project(tmp_path, {
        "app/deps.py": '''
            from databases import Database as Handle
        ''',
        "app/routes.py": ROUTES.format(name="Handle"),
    })
    assert _fcl102(root, capsys) == (["db.execute()"], ["db.execute()"])


def test_what_the_handler_binds_a_name_to_counts_with_its_annotation(tmp_path, capsys):
    """A local made from an HTTP client class or a literal is not a handle; one made from a
    session class is; a name rebound to an unknown value, returned by a library's function, typed
    with a data store's other classes (a redis client) or with classes deriving from each other,
    is judged by its name."""
    root = _project(tmp_path, {
        "app/routes.py": '''
            import aiohttp
            import fastdb
            import httpx
            import redis
            import requests
            from fastapi import APIRouter
            from sqlalchemy.orm import Session

            router = APIRouter(prefix="/items", tags=["items"])


            @router.delete("/remote")
            async def remote():
                session = aiohttp.ClientSession()
                await session.delete(REMOTE_URL)


            @router.delete("/local")
            def local(session: requests.Session):
                session = get_session()
                session.delete(item)


            @router.delete("/made")
            def made():
                handle = Session(engine)
                handle.commit()


            @router.delete("/literal")
            def literal():
                db = set()
                db.add(1)


            @router.delete("/annotated")
            def annotated():
                session: httpx.Client = make_client()
                session.delete(REMOTE_URL)


            @router.delete("/connected")
            def connected(item_id: int):
                conn = fastdb.connect(DSN)
                conn.execute(DELETE_ITEM, item_id)


            @router.delete("/cycle")
            def cycle(session: Loop):
                session.delete(item)


            class Loop(Cycle):
                pass


            class Cycle(Loop):
                pass


            @router.delete("/cache")
            def cache(key: str, db: redis.Redis):
                db.delete(key)
        ''',
    })
    expected = [
        "session.delete()", "handle.commit()", "conn.execute()", "session.delete()", "db.delete()",
    ]
    assert _fcl102(root, capsys) == (expected, expected)
