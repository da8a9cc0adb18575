"""A pipe named `*.py` (or a pyproject.toml that is one) is never opened: opening it would block
the run forever. It is skipped, and said so with -v."""

from __future__ import annotations

import os
import threading

import pytest

from conftest import run_cli
from test_fix_runtime import make

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")

_MAIN = '''
    from fastapi import FastAPI

    app = FastAPI(docs_url=None, redoc_url=None)


    @app.get("/items", tags=["items"], status_code=201)
    def items() -> list:
        return []
'''


def _run_with_deadline(args, capsys):
    """The CLI, failing the test instead of hanging when something opens a pipe."""
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=run_cli(args, capsys)), daemon=True)
    worker.start()
    worker.join(60)
    if worker.is_alive():
        # Unblock the reader so the process can end, then fail.
        for path in args:
            if os.path.exists(path) and not os.path.isdir(path):
                try:
                    with open(path, "wb", buffering=0) as pipe:
                        pipe.write(b"")
                except OSError:
                    pass
        pytest.fail(f"blocked on a pipe: {args}")
    return result["out"]


@pytest.fixture
def project(tmp_path):
    root = make(tmp_path / "app", {"server/__init__.py": "", "server/main.py": _MAIN})
    os.mkfifo(root / "server" / "pipe.py")
    os.mkfifo(root / "outside.py")
    return root


@pytest.mark.parametrize("command", [["check"], ["fix"], ["fix", "--diff"], ["routes"]])
def test_a_pipe_in_a_walked_directory_is_never_opened(project, capsys, command):
    code, out, err = _run_with_deadline([*command, str(project)], capsys)
    assert "internal error" not in err
    if command == ["routes"]:
        assert "/items" in out
    else:
        assert "FCL401" in out or "Fixed" in out or "Would fix" in err


def test_a_pipe_named_on_the_command_line_is_skipped_and_said_with_verbose(project, capsys):
    pipe = str(project / "server" / "pipe.py")
    code, out, err = _run_with_deadline(["check", "-v", pipe, str(project / "server" / "main.py")], capsys)
    assert f"skipped {pipe}: not a regular file" in err
    assert "main.py:6:48: FCL401" in out and "pipe.py" not in out


def test_a_pipe_as_config_is_a_configuration_error(project, capsys):
    config = str(project / "pyproject.toml")
    os.mkfifo(config)
    code, out, err = _run_with_deadline(["check", "--config", config, str(project / "server" / "main.py")], capsys)
    assert code == 2 and "not a regular file" in err


@pytest.mark.parametrize("name", ["requirements.txt", "uv.lock", "poetry.lock"])
def test_a_pipe_named_like_a_file_of_declared_versions_is_never_opened(project, capsys, name):
    # Read to learn the declared FastAPI and Python versions (project/versions.py).
    (project / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    os.mkfifo(project / name)
    code, out, err = _run_with_deadline(["check", str(project / "server" / "main.py")], capsys)
    assert "internal error" not in err
    assert "FCL401" in out


def test_a_pipe_as_the_routes_snapshot_is_a_one_line_error(project, capsys):
    snapshot = project / "routes.json"
    os.mkfifo(snapshot)
    code, out, err = _run_with_deadline(["routes", "--check", str(snapshot), str(project)], capsys)
    assert code == 2 and "not a regular file" in err and len(err.splitlines()) == 1
