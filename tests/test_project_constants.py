"""The configured prefix constants, read statically from the project's api_config object.

When the configured object resolves, its public UPPER_CASE string attributes replace the
`prefixes` table for `check`, `fix` and `routes`; otherwise the table (or its defaults) is
used. astroid builds that one module from its text and never imports anything: the marker
tests below put a config module that writes a file and exits at import on sys.path, run every
command, and find no marker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Optional

import pytest

from conftest import parse_output, run_cli
from fastapi_conventions_lint.config import Settings, settings_from_table
from fastapi_conventions_lint.project import constants
from fastapi_conventions_lint.project.constants import configured_prefixes as read_constants
from fastapi_conventions_lint.project.layout import from_roots


def configured_prefixes(settings: Settings, root: Path) -> Optional[Dict[str, str]]:
    """The constants as a file at the project root sees them, `src/` and the root importable."""
    return read_constants(settings, from_roots([root / "src", root], settings), str(root))


def _project(root: Path, files: Dict[str, str], table: Optional[str] = None) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    if table is not None:
        (root / "pyproject.toml").write_text(
            "[tool.fastapi-conventions-lint]\n" + textwrap.dedent(table), encoding="utf-8"
        )
    return root


def _read(root: Path, config: str, settings: Settings = Settings()) -> Optional[Dict[str, str]]:
    _project(root, {"src/server/__init__.py": "", "src/server/config.py": config})
    return configured_prefixes(settings, root)


# -- reading the constants -------------------------------------------------------------------

def test_plain_class_with_string_attributes(tmp_path):
    assert _read(tmp_path, '''
        class APIConfig:
            """Prefixes."""

            V1_PREFIX = "/api/v1"
            AUTH_PREFIX = "/api/v1/auth"
            TIMEOUT = 30
            lower_case = "/ignored"
            _PRIVATE = "/ignored"

            def helper(self):
                return "/ignored"


        api_config = APIConfig()
    ''') == {"V1_PREFIX": "/api/v1", "AUTH_PREFIX": "/api/v1/auth"}


def test_pydantic_settings_class_with_annotated_defaults(tmp_path):
    """The bases come from pydantic_settings, which astroid is not allowed to load: the
    class's own fields are read from the source all the same, pydantic installed or not."""
    assert _read(tmp_path, '''
        from functools import lru_cache

        from pydantic import Field
        from pydantic_settings import BaseSettings, SettingsConfigDict


        class APIConfig(BaseSettings):
            model_config = SettingsConfigDict(env_file=".env", extra="ignore")

            V1_PREFIX: str = "/api/v3"
            RAG_PREFIX: str = f"{V1_PREFIX}/rag"
            NO_DEFAULT: str
            FROM_FIELD: str = Field("/api/field")
            environment: str = "development"


        @lru_cache
        def get_api_config() -> APIConfig:
            return APIConfig()


        api_config = get_api_config()
    ''') == {"V1_PREFIX": "/api/v3", "RAG_PREFIX": "/api/v3/rag"}


def test_values_composed_from_other_attributes(tmp_path):
    assert _read(tmp_path, '''
        ROOT = "/api"


        class Base:
            V1_PREFIX = ROOT + "/v2"


        class APIConfig(Base):
            AUTH_PREFIX: str = f"{Base.V1_PREFIX}/auth"
            DATA_PREFIX = Base.V1_PREFIX + "/data"
            ADMIN_PREFIX = "%s/admin" % ROOT
            SERVICES_PREFIX = "{}/services".format(ROOT)
            RAG_PREFIX = "/api" "/rag"


        api_config = APIConfig()
    ''') == {
        "V1_PREFIX": "/api/v2",
        "AUTH_PREFIX": "/api/v2/auth",
        "DATA_PREFIX": "/api/v2/data",
        "ADMIN_PREFIX": "/api/admin",
        "SERVICES_PREFIX": "/api/services",
        "RAG_PREFIX": "/api/rag",
    }


def test_names_in_the_class_body(tmp_path):
    assert _read(tmp_path, '''
        class APIConfig:
            V1_PREFIX: str = "/api/v2"
            AUTH_PREFIX: str = f"{V1_PREFIX}/auth"
            DATA_PREFIX = V1_PREFIX + "/data"


        api_config = APIConfig()
    ''') == {"V1_PREFIX": "/api/v2", "AUTH_PREFIX": "/api/v2/auth", "DATA_PREFIX": "/api/v2/data"}


@pytest.mark.parametrize("config", [
    '''
        class APIConfig:
            V1_PREFIX = "/api/v2"


        api_config = APIConfig
    ''',
    '''
        class api_config:
            V1_PREFIX = "/api/v2"
    ''',
    '''
        from dataclasses import dataclass


        @dataclass(frozen=True)
        class APIConfig:
            V1_PREFIX: str = "/api/v2"


        api_config: APIConfig = APIConfig()
    ''',
], ids=["class-as-namespace", "class-statement", "annotated-dataclass-instance"])
def test_other_forms_of_the_object(tmp_path, config):
    assert _read(tmp_path, config) == {"V1_PREFIX": "/api/v2"}


def test_attributes_without_one_static_string_are_left_out(tmp_path):
    assert _read(tmp_path, '''
        import os
        import random


        class APIConfig:
            V1_PREFIX = "/api/v1"
            FROM_ENV = os.environ.get("PREFIX", "/api/env")
            EITHER = "/a" if random.random() > 0.5 else "/b"
            BYTES = b"/api/bytes"
            SET_LATER = "/api/class"

            def __init__(self):
                self.SET_LATER = os.environ["PREFIX"]


        api_config = APIConfig()
    ''') == {"V1_PREFIX": "/api/v1"}


def test_constructor_keywords_are_set_at_run_time(tmp_path):
    assert _read(tmp_path / "keywords", '''
        class APIConfig:
            V1_PREFIX = "/api/v1"
            AUTH_PREFIX = "/api/v1/auth"


        api_config = APIConfig(AUTH_PREFIX="/auth")
    ''') == {"V1_PREFIX": "/api/v1"}
    assert _read(tmp_path / "positional", '''
        class APIConfig:
            V1_PREFIX = "/api/v1"


        api_config = APIConfig("/api/v9")
    ''') is None


@pytest.mark.parametrize("config", [
    "from server.settings import api_config\n",
    "from server.settings import APIConfig\n\napi_config = APIConfig()\n",
    "api_config = None\n",
    "class APIConfig:\n    V1_PREFIX = '/api/v1'\n\nconfig = APIConfig()\n",
    "if True:\n    api_config = 1\nelse:\n    api_config = 2\n",
    "class APIConfig:\n    TIMEOUT = 3\n\napi_config = APIConfig()\n",
    "def broken(:\n    api_config = 1\n",
], ids=["imported", "class-imported", "none", "missing", "not-a-class", "no-strings", "syntax-error"])
def test_objects_that_cannot_be_read(tmp_path, config):
    assert _read(tmp_path, config) is None


def test_no_config_module(tmp_path):
    _project(tmp_path, {"src/app.py": "x = 1\n"})
    assert configured_prefixes(Settings(), tmp_path) is None


def test_configured_module_name_and_package_module(tmp_path):
    _project(tmp_path, {
        "backend/settings/__init__.py": '''
            class Prefixes:
                API = "/v7"


            prefixes = Prefixes()
        ''',
    })
    settings = settings_from_table(
        {"api-config": "backend.settings:prefixes"}, root=tmp_path
    )
    assert configured_prefixes(settings, tmp_path) == {"API": "/v7"}


def test_cached_per_file_and_modification_time(tmp_path):
    config = tmp_path / "src/server/config.py"
    first = 'class C:\n    V1_PREFIX = "/api/v1"\n\napi_config = C()\n'
    _project(tmp_path, {"src/server/__init__.py": "", "src/server/config.py": first})
    assert configured_prefixes(Settings(), tmp_path) == {"V1_PREFIX": "/api/v1"}
    config.write_text(first.replace("/api/v1", "/api/v2"), encoding="utf-8")
    os.utime(config, ns=(config.stat().st_atime_ns, config.stat().st_mtime_ns + 10**9))
    assert configured_prefixes(Settings(), tmp_path) == {"V1_PREFIX": "/api/v2"}


def test_astroid_state_is_left_as_it_was(tmp_path):
    import astroid
    from astroid.manager import AstroidManager

    method = AstroidManager.__dict__["ast_from_module_name"]
    assert _read(tmp_path, 'class C:\n    V1_PREFIX = "/x"\n\napi_config = C()\n') == {"V1_PREFIX": "/x"}
    assert AstroidManager.__dict__["ast_from_module_name"] is method
    assert "server.config" not in astroid.MANAGER.astroid_cache
    assert astroid.MANAGER.always_load_extensions is False


# -- in the commands ---------------------------------------------------------------------------

V2_PROJECT = {
    "src/server/__init__.py": "",
    "src/server/config.py": '''
        class APIConfig:
            V1_PREFIX: str = "/api/v2"
            ITEMS_PREFIX: str = f"{V1_PREFIX}/items"


        api_config = APIConfig()
    ''',
    "src/server/main.py": '''
        from fastapi import FastAPI

        from server.orders import router as orders_router
        from server.users import router as users_router

        app = FastAPI()
        app.include_router(users_router)
        app.include_router(orders_router, prefix="/api/v2")
    ''',
    "src/server/users.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v2/users", tags=["users"])


        @router.get("/")
        def list_users():
            return []
    ''',
    "src/server/orders.py": '''
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.V1_PREFIX}/orders", tags=["orders"])


        @router.get("/")
        def list_orders():
            return []
    ''',
}


def test_real_prefix_changes_fcl001_suggestion_and_fcl002_detection(tmp_path, capsys):
    root = _project(tmp_path, V2_PROJECT, table="")
    code, out, err = run_cli(["check", str(root)], capsys)
    found = {(Path(r.path).name, r.code): r.message for r in parse_output(out)}
    assert code == 1, err
    assert 'use f"{api_config.V1_PREFIX}/users"' in found[("users.py", "FCL001")]
    # /api/v2 at the include + /api/v2/orders in the router: doubled, with the real value.
    assert "/api/v2/api/v2/orders" in found[("main.py", "FCL002")]


def test_with_the_table_alone_the_same_project_reads_differently(tmp_path, capsys):
    """The control for the test above: without its config module the defaults apply, and
    neither finding is made."""
    files = {name: text for name, text in V2_PROJECT.items() if not name.endswith("config.py")}
    root = _project(tmp_path, files, table="")
    code, out, err = run_cli(["check", str(root)], capsys)
    found = {(Path(r.path).name, r.code): r.message for r in parse_output(out)}
    assert "no configured prefix constant matches" in found[("users.py", "FCL001")]
    assert ("main.py", "FCL002") not in found


def test_fix_uses_the_real_prefix(tmp_path, capsys):
    root = _project(tmp_path, V2_PROJECT, table="")
    code, out, err = run_cli(["fix", "--diff", "--select", "FCL001", str(root)], capsys)
    assert '+router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=["users"])' in out
    assert "+from server.config import api_config" in out


def test_routes_shows_the_real_value(tmp_path, capsys):
    root = _project(tmp_path, V2_PROJECT, table="")
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0, err
    paths = sorted(row["path"] for row in json.loads(out) if row["kind"] != "docs")
    assert paths == ["/api/v2/api/v2/orders/", "/api/v2/users/"]


def test_no_config_module_uses_the_table(tmp_path, capsys):
    root = _project(tmp_path, {
        "src/app.py": '''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v9/users", tags=["users"])
        ''',
    }, table='prefixes = { V9_PREFIX = "/api/v9" }\n')
    code, out, err = run_cli(["check", str(root)], capsys)
    (finding,) = parse_output(out)
    assert 'use f"{api_config.V9_PREFIX}/users"' in finding.message


def test_object_that_cannot_be_inferred_uses_the_table(tmp_path, capsys):
    root = _project(tmp_path, {
        "src/server/__init__.py": "",
        "src/server/config.py": '''
            from server.settings import load

            api_config = load()
        ''',
        "src/server/settings.py": '''
            class APIConfig:
                V1_PREFIX = "/api/v2"


            def load():
                return APIConfig()
        ''',
        "src/server/users.py": '''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v9/users", tags=["users"])
        ''',
    }, table='prefixes = { V9_PREFIX = "/api/v9" }\n')
    code, out, err = run_cli(["check", str(root)], capsys)
    (finding,) = parse_output(out)
    assert 'use f"{api_config.V9_PREFIX}/users"' in finding.message


def test_constants_replace_the_table(tmp_path, capsys):
    root = _project(tmp_path, {
        **V2_PROJECT,
        "src/server/legacy.py": '''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v9/legacy", tags=["legacy"])
        ''',
    }, table='prefixes = { V9_PREFIX = "/api/v9" }\n')
    code, out, err = run_cli(["check", "--select", "FCL001", str(root)], capsys)
    found = {Path(r.path).name: r.message for r in parse_output(out)}
    assert "no configured prefix constant matches" in found["legacy.py"]


# -- nothing is imported -----------------------------------------------------------------------

MARKER_CONFIG = '''
    """Importing this module would leave a marker and end the process."""

    import pathlib
    import sys

    from pydantic_settings import BaseSettings

    pathlib.Path(__file__).with_name("IMPORTED").write_text("imported")
    sys.exit(1)


    class APIConfig(BaseSettings):
        V1_PREFIX: str = "/api/v2"


    api_config = APIConfig()
'''


@pytest.fixture
def marker_project(tmp_path, monkeypatch):
    """A project whose config module is importable (its src is on sys.path): any import of
    it, by astroid or anything else, would leave the marker and raise SystemExit."""
    package = "fcl_marker_server"
    root = _project(tmp_path, {
        f"src/{package}/__init__.py": "",
        f"src/{package}/config.py": MARKER_CONFIG,
        f"src/{package}/users.py": f'''
            from fastapi import APIRouter, FastAPI

            from {package}.config import api_config

            router = APIRouter(prefix="/api/v2/users", tags=["users"])


            @router.get("/")
            def list_users():
                return []


            app = FastAPI()
            app.include_router(router)
            app.include_router(router, prefix=api_config.V1_PREFIX)
        ''',
    }, table=f'api-config = "{package}.config:api_config"\n')
    monkeypatch.syspath_prepend(str(root / "src"))
    yield root, root / "src" / package / "IMPORTED"
    assert f"{package}.config" not in sys.modules


def test_check_fix_and_routes_never_import_the_config_module(marker_project, capsys):
    root, marker = marker_project
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 1 and "Found" in out, err
    assert 'use f"{api_config.V1_PREFIX}/users"' in out  # the value was read
    code, out, err = run_cli(["fix", "--diff", str(root)], capsys)
    assert code == 1 and "api_config.V1_PREFIX" in out, err
    code, out, err = run_cli(["routes", str(root)], capsys)
    assert code == 0 and "/api/v2/users" in out, err
    assert not marker.exists()


def test_the_cli_process_never_imports_the_config_module(marker_project):
    root, marker = marker_project
    environment = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root / "src"), *sys.path]))
    for args in (["check"], ["fix", "--diff"], ["routes"]):
        done = subprocess.run(
            [sys.executable, "-m", "fastapi_conventions_lint", *args, str(root)],
            capture_output=True, text=True, env=environment, cwd=root / "src",
        )
        assert done.returncode in (0, 1) and "/api/v2" in done.stdout, done.stderr
        assert "Traceback" not in done.stderr
    assert not marker.exists()


# -- only when needed --------------------------------------------------------------------------

@pytest.fixture
def counted(monkeypatch):
    calls = []
    original = constants.config_object

    def counting(settings, layout, near):
        calls.append(Path(near))
        return original(settings, layout, near)

    monkeypatch.setattr(constants, "config_object", counting)
    return calls


def test_read_once_per_project_root(tmp_path, capsys, counted):
    first = _project(tmp_path / "one", V2_PROJECT)
    second = _project(tmp_path / "two", V2_PROJECT)
    run_cli(["check", str(first), str(second)], capsys)
    # Files of no packaging project: each package root (src/ here) stands for its project.
    assert sorted(counted) == [first / "src", second / "src"]
    counted.clear()
    run_cli(["fix", "--diff", str(first)], capsys)
    assert counted == [first / "src"]


def test_not_read_when_no_file_is_analysed(tmp_path, capsys, counted):
    root = _project(tmp_path, {
        "src/server/__init__.py": "",
        "src/server/config.py": V2_PROJECT["src/server/config.py"],
    }, table='extend-exclude = ["src"]\n')
    code, out, err = run_cli(["check", str(root)], capsys)
    assert code == 0 and counted == []


@pytest.mark.parametrize("text", [
    "class APIConfig:\n    V1_PREFIX = '/api/v2'\n    AUTH_PREFIX = f'{V1_PREFIX}/auth'\n"
    "    RAG_PREFIX: str = V1_PREFIX + '/rag'\n\napi_config = APIConfig()\n",
    "class api_config:\n    V1_PREFIX = '/v9'\n    DATA_PREFIX = f'{V1_PREFIX}/data'\n",
    "class APIConfig:\n    V1_PREFIX = '/api/v3'\n\napi_config = APIConfig\n",
])
def test_the_stdlib_reader_agrees_with_astroid_on_the_common_shape(text, tmp_path):
    from fastapi_conventions_lint.project import constants

    simple = constants._read_simple(text, "api_config")
    assert simple is not None
    assert simple == constants._infer(text, tmp_path / "config.py", "server.config", "api_config")


@pytest.mark.parametrize("text", [
    "class APIConfig:\n    V1_PREFIX = '/api'\n    AUTH = '%s/auth' % V1_PREFIX\n\napi_config = APIConfig()\n",
    "class APIConfig:\n    V1_PREFIX = '/api'\n    def __init__(self):\n        self.V1_PREFIX = '/x'\n\n"
    "api_config = APIConfig()\n",
    "class APIConfig:\n    V1_PREFIX = '/api'\n\napi_config = APIConfig(V1_PREFIX='/v2')\n",
    "from .base import api_config\n",
])
def test_the_stdlib_reader_leaves_other_shapes_to_astroid(text):
    from fastapi_conventions_lint.project import constants

    assert constants._read_simple(text, "api_config") is None
