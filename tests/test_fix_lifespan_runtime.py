"""The lifespan and yield fixes proven at run time: each test app runs under FastAPI's
`TestClient` (as a context manager, which runs the lifespan) in a subprocess, before and after
`fix --unsafe-fixes`, and what its startup, request and shutdown code did is compared. The
linter never imports what it checks; these tests import only their own fixtures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli
from test_fix_runtime import make

_RUN = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from fastapi.testclient import TestClient
    from server import main

    seen = {}
    with TestClient(main.app, raise_server_exceptions=False) as client:
        seen["started"] = list(main.events)
        seen["responses"] = [
            [client.get(path).status_code, client.get(path).json()] for path in sys.argv[2:]
        ]
    seen["stopped"] = list(main.events)
    print(json.dumps(seen))
''')


def run_app(root: Path, *paths: str) -> dict:
    """What the app's events list holds once started and once stopped, and the responses to
    GET requests on the paths."""
    process = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", _RUN, str(root), *paths],
        capture_output=True, text=True, cwd=root,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def _project(select: str, main: str) -> dict:
    return {
        "pyproject.toml": f'''
            [project]
            name = "events"
            version = "0"
            dependencies = ["fastapi>=0.115"]

            [tool.fastapi-conventions-lint]
            select = [{select}]
        ''',
        "server/__init__.py": "",
        "server/main.py": main,
    }


_EVENT_HANDLERS = '''
    import asyncio

    from fastapi import FastAPI

    events = []


    def load_settings():
        events.append("load settings")
        app.state.settings = {"debug": False}


    async def open_pool():
        await asyncio.sleep(0)
        events.append("open pool")
        app.state.pool = "pool-1"


    def forget_settings():
        events.append("forget settings")


    app = FastAPI(
        title="events",
        on_startup=[load_settings],
        on_shutdown=[forget_settings],
    )
    app.router.add_event_handler("startup", open_pool)


    @app.on_event("startup")
    async def warm_cache():
        events.append("warm cache with " + app.state.pool)
        app.state.cache = ["warm"]


    @app.on_event("startup")
    def start_metrics():
        events.append("start metrics")


    @app.on_event("shutdown")
    async def close_pool():
        await asyncio.sleep(0)
        events.append("close " + app.state.pool)


    # flush last
    @app.on_event("shutdown")
    def flush_metrics():
        events.append("flush metrics")


    app.router.add_event_handler("shutdown", load_settings)


    @app.get("/state")
    def state():
        return {"pool": app.state.pool, "cache": app.state.cache, "settings": app.state.settings}
'''


def test_event_handlers_become_a_lifespan_with_the_same_effects_in_the_same_order(tmp_path, capsys):
    root = make(tmp_path / "events", _project('"FCL301", "FCL302"', _EVENT_HANDLERS))
    before = run_app(root, "/state")
    assert before == {
        "started": ["load settings", "open pool", "warm cache with pool-1", "start metrics"],
        "responses": [[200, {"pool": "pool-1", "cache": ["warm"], "settings": {"debug": False}}]],
        "stopped": [
            "load settings", "open pool", "warm cache with pool-1", "start metrics",
            "forget settings", "close pool-1", "flush metrics", "load settings",
        ],
    }
    code, out, err = run_cli(["fix", str(root)], capsys)
    assert code == 1 and "FCL301" in out  # unsafe: only with the flag
    code, out, err = run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert code == 0, out + err
    text = (root / "server/main.py").read_text(encoding="utf-8")
    for gone in ("on_event", "add_event_handler", "on_startup", "on_shutdown"):
        assert gone not in text
    assert "lifespan=lifespan" in text and "# flush last" in text
    assert run_app(root, "/state") == before


_FACTORY = '''
    from fastapi import FastAPI

    events = []


    async def connect():
        events.append("connect")


    def warm():
        events.append("warm")


    async def disconnect():
        events.append("disconnect")


    def create_app() -> FastAPI:
        application = FastAPI(on_startup=[connect])
        application.router.add_event_handler("startup", warm)
        # closed last
        application.router.add_event_handler("shutdown", disconnect)

        @application.get("/state")
        def state() -> dict:
            return {"events": list(events)}

        return application


    app = create_app()
'''


def test_an_app_factory_gets_a_lifespan_beside_it(tmp_path, capsys):
    root = make(tmp_path / "factory", _project('"FCL301"', _FACTORY))
    before = run_app(root, "/state")
    assert before["stopped"] == ["connect", "warm", "disconnect"]
    code, out, err = run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert code == 0, out + err
    text = (root / "server/main.py").read_text(encoding="utf-8")
    assert "add_event_handler" not in text and "on_startup" not in text and "# closed last" in text
    assert text.index("async def lifespan(") < text.index("def create_app(")
    assert "application = FastAPI(lifespan=lifespan)" in text
    assert run_app(root, "/state") == before


def test_no_lifespan_is_written_while_a_registration_is_suppressed(tmp_path, capsys):
    main = _EVENT_HANDLERS.replace(
        '@app.on_event("startup")\n    def start_metrics', '@app.on_event("startup")  # noqa: FCL301\n    def start_metrics'
    )
    root = make(tmp_path / "events", _project('"FCL301"', main))
    code, out, err = run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert code == 1
    assert (root / "server/main.py").read_text(encoding="utf-8") == textwrap.dedent(main).lstrip("\n")


def test_an_older_declared_fastapi_gets_no_lifespan(tmp_path, capsys):
    files = _project('"FCL301"', _EVENT_HANDLERS)
    files["pyproject.toml"] = files["pyproject.toml"].replace("fastapi>=0.115", "fastapi>=0.100")
    root = make(tmp_path / "events", files)
    code, out, err = run_cli(["check", str(root)], capsys)
    assert "no fix: fastapi >=0.100" in out and "0.112.2" in out


_SESSION_MODULE = '''
    events = []


    def get_session():
        events.append("open")
        yield "session"
        events.append("close")
'''
_IMPORTS = '''
    from typing import Annotated

    from fastapi import Depends, FastAPI, HTTPException
'''
_ROUTES = '''
    app = FastAPI()
    Session = Annotated[str, Depends(get_session)]


    @app.get("/ok")
    def ok(session: Session):
        return {"session": session}


    @app.get("/missing")
    def missing(session: Session):
        raise HTTPException(status_code=404, detail="missing")
'''
_YIELD_DEPENDENCY = _IMPORTS + _SESSION_MODULE + _ROUTES
_ROUTES_USING_IT = _IMPORTS + "\n    from server.db import events, get_session\n" + _ROUTES


@pytest.mark.parametrize("layout", ["one module", "the dependency in a module of its own"])
def test_a_wrapped_yield_cleans_up_after_an_error_too(tmp_path, capsys, layout):
    files = _project('"FCL303"', _YIELD_DEPENDENCY)
    if layout != "one module":
        # server/db.py mentions nothing of FastAPI: only the project pass finds it.
        files.update({"server/db.py": _SESSION_MODULE, "server/main.py": _ROUTES_USING_IT})
    root = make(tmp_path / "yields", files)
    before = run_app(root, "/ok", "/missing")
    assert before["responses"] == [[200, {"session": "session"}], [404, {"detail": "missing"}]]
    assert before["stopped"].count("close") < before["stopped"].count("open")  # the error skipped it
    code, out, err = run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert code == 0, out + err
    after = run_app(root, "/ok", "/missing")
    assert after["responses"] == before["responses"]
    assert after["stopped"] == ["open", "close"] * 4
