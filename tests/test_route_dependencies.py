"""Each route's effective dependencies, read statically (the `routes` json and FCL012): the
forms a project writes them in, followed through imports, re-exports and aliases, and names
from installed packages as `module:function`."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Dict

from conftest import parse_output, run_cli

FILES = {
    "src/svc/__init__.py": "",
    "src/svc/security/__init__.py": '''
        from svc.security.users import current_user as current_user
        from svc.security.users import Pagination
    ''',
    "src/svc/security/users.py": '''
        from fastapi import Depends
        from fastapi_users import FastAPIUsers

        users = FastAPIUsers()
        active_user = users.current_user(active=True)


        def get_db():
            yield None


        def current_user(db=Depends(get_db)):
            return {}


        class Pagination:
            def __init__(self, user=Depends(current_user), page: int = 1):
                self.page = page
    ''',
    "src/svc/main.py": '''
        from typing import Annotated

        from fastapi import Depends, FastAPI
        from fastapi.security import HTTPBearer

        from svc import security
        from svc.security import Pagination, current_user
        from svc.security.users import active_user

        bearer = HTTPBearer()
        COMMON = [Depends(security.current_user)]
        app = FastAPI(docs_url=None, redoc_url=None)


        @app.get("/a", dependencies=COMMON)
        def a():
            return {}


        @app.get("/b")
        def b(page: Annotated[Pagination, Depends()]):
            return {}


        @app.get("/c")
        def c(user=Depends(dependency=current_user)):
            return {}


        @app.get("/d")
        def d(user=Depends(active_user), token=Depends(bearer)):
            return {}


        @app.get("/e")
        def e(*, user: dict = Depends(current_user)):
            return {}


        @app.get("/open")
        def open_route(q: str = ""):
            return {}
    ''',
}


def _write(root: Path, files: Dict[str, str], config: str = "") -> Path:
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'svc'\n\n[tool.fastapi-conventions-lint]\n" + config, encoding="utf-8"
    )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def test_dependencies_by_name_through_every_form(tmp_path, capsys):
    root = _write(tmp_path, FILES)
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0, err
    rows = {row["path"]: row["dependencies"] for row in json.loads(out) if row["kind"] == "http"}
    assert rows == {
        "/a": ["svc.security.users:current_user"],  # a list bound to a name; a re-export
        "/b": ["svc.security.users:Pagination"],  # a bare Depends(): the annotation's class
        "/c": ["svc.security.users:current_user"],  # Depends(dependency=...)
        "/d": ["svc.security.users:active_user", "svc.main:bearer"],  # objects made at import
        "/e": ["svc.security.users:current_user"],  # keyword-only parameter
        "/open": [],
    }


def test_required_dependency_reached_through_a_class_and_an_installed_package(tmp_path, capsys):
    config = 'required-dependencies = ["svc.security.users:current_user"]\n'
    root = _write(tmp_path, FILES, config)
    code, out, _ = run_cli(["check", "--select", "FCL012", str(root)], capsys)
    assert code == 1
    found = [(item.line, item.message.split(" does not")[0]) for item in parse_output(out)]
    # /b reaches it through Pagination.__init__; /d only through objects the project does not
    # define in Python it can read (the installed package's user, the bearer scheme).
    assert found == [(31, "GET /d"), (41, "GET /open")]


def test_an_installed_package_dependency_is_matched_by_its_name(tmp_path, capsys):
    files = dict(FILES)
    files["src/svc/main.py"] = '''
        from fastapi import Depends, FastAPI
        from fastapi_users.authentication import current_active_user

        app = FastAPI(docs_url=None, redoc_url=None)


        @app.get("/me")
        def me(user=Depends(current_active_user)):
            return user


        @app.get("/other")
        def other():
            return {}
    '''
    config = 'required-dependencies = ["fastapi_users.authentication:current_active_user"]\n'
    root = _write(tmp_path, files, config)
    code, out, _ = run_cli(["check", "--select", "FCL012", str(root)], capsys)
    assert [item.message.split(" does not")[0] for item in parse_output(out)] == ["GET /other"]


def test_a_malformed_required_dependency_is_a_configuration_error(tmp_path, capsys):
    root = _write(tmp_path, FILES, 'required-dependencies = ["svc.security.current_user"]\n')
    code, _, err = run_cli(["check", str(root)], capsys)
    assert code == 2 and "required-dependencies[0]" in err and "module:object" in err
