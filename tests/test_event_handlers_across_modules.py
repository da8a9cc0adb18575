"""FCL301/FCL302 with what only the whole project shows: handlers registered on an app or a
router of another module, and the FastAPI version the project declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_cli, run_flake8
from test_fix_runtime import make

_MAIN = '''
    from contextlib import asynccontextmanager

    from fastapi import FastAPI

    from server.jobs import router


    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield


    app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
    app.include_router(router)
'''
_JOBS = '''
    from fastapi import APIRouter

    router = APIRouter(prefix="/jobs", tags=["jobs"])  # noqa: FCL001


    @router.on_event("startup")  # noqa: FCL301
    async def start_jobs():
        pass
'''


def _project(tmp_path: Path, requirement: str) -> Path:
    return make(tmp_path / "app", {
        "requirements.txt": requirement + "\n",
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nselect = ["FCL302"]\n',
        "server/__init__.py": "",
        "server/main.py": _MAIN,
        "server/jobs.py": _JOBS,
    })


@pytest.mark.parametrize("requirement,reported", [
    ("fastapi>=0.100", True),
    ("fastapi==0.110.0", True),
    ("fastapi>=0.112.2", False),
    ("fastapi>=0.115,<1", False),
    ("uvicorn", False),  # FastAPI not declared: the version in use is not known
])
def test_router_handlers_in_an_app_with_a_lifespan_depend_on_the_declared_fastapi(
    tmp_path, capsys, requirement, reported
):
    root = _project(tmp_path, requirement)
    code, out, _ = run_cli(["check", str(root)], capsys)
    found = [line for line in out.splitlines() if "FCL302" in line]
    if reported:
        assert len(found) == 1 and "jobs.py:6:2" in found[0], out
        assert "before 0.112.2" in found[0] and requirement.replace("fastapi", "") in found[0]
    else:
        assert found == [], out


def test_a_router_included_through_another_router_counts_too(tmp_path, capsys):
    root = _project(tmp_path, "fastapi>=0.100")
    (root / "server/api.py").write_text(
        "from fastapi import APIRouter\n\nfrom server.jobs import router as jobs\n\n"
        "api = APIRouter(prefix='/api', tags=['api'])  # noqa: FCL001\napi.include_router(jobs)\n",
        encoding="utf-8",
    )
    main = (root / "server/main.py").read_text(encoding="utf-8")
    (root / "server/main.py").write_text(
        main.replace("from server.jobs import router", "from server.api import api as router"),
        encoding="utf-8",
    )
    code, out, _ = run_cli(["check", str(root / "server/jobs.py")], capsys)
    assert "jobs.py:6:2: FCL302" in out


def test_flake8_sees_a_router_and_its_app_in_one_file(tmp_path):
    root = make(tmp_path / "one", {
        "requirements.txt": "fastapi>=0.100\n",
        "main.py": _JOBS + _MAIN.replace("from server.jobs import router\n", ""),
    })
    process = run_flake8(["--select", "FCL302", str(root / "main.py")], cwd=root)
    assert ":6:2: FCL302" in process.stdout, process.stdout + process.stderr


def test_handlers_registered_on_an_imported_app_are_reported_and_block_the_lifespan_fix(tmp_path, capsys):
    root = make(tmp_path / "app", {
        "requirements.txt": "fastapi>=0.115\n",
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nselect = ["FCL301"]\n',
        "server/__init__.py": "",
        "server/main.py": '''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.on_event("startup")
            def connect():
                pass
        ''',
        "server/events.py": '''
            from server.main import app


            def flush():
                pass


            app.router.add_event_handler("shutdown", flush)
            socket_manager.on_event("connect")(flush)
        ''',
    })
    code, out, _ = run_cli(["check", str(root)], capsys)
    lines = sorted(line for line in out.splitlines() if "FCL301" in line)
    assert len(lines) == 2, out
    assert "events.py:8:1" in lines[0] and "made in another module" in lines[0]
    assert "main.py:6:2" in lines[1] and "other modules register handlers on this app too" in lines[1]
    code, out, _ = run_cli(["fix", "--unsafe-fixes", str(root)], capsys)
    assert "lifespan" not in (root / "server/main.py").read_text(encoding="utf-8")
