"""Fixes proven on the app at run time: each test app is imported with real FastAPI (in a
subprocess, from its own folder) before and after `fix`, and its OpenAPI operations are
compared: method, path, tags and parameters must be identical after the safe fixes; method
and path after the unsafe ones. The linter itself never imports what it checks; these
tests import only their own fixtures."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import FIXTURES, parse_output, run_cli

_OPERATIONS = textwrap.dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    module, _, name = sys.argv[2].partition(":")
    app = getattr(__import__(module, fromlist=[name]), name)
    schema = app.openapi()
    operations = []
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            parameters = sorted((p["in"], p["name"]) for p in operation.get("parameters", []))
            operations.append([method, path, operation.get("tags", []), parameters])
    print(json.dumps(sorted(operations)))
''')


def operations(src: Path, app: str = "server.main:app") -> List[list]:
    """The app's OpenAPI operations: [method, path, tags, parameters], sorted."""
    process = subprocess.run(
        [sys.executable, "-c", _OPERATIONS, str(src), app],
        capture_output=True, text=True, cwd=src,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert process.returncode == 0, process.stderr
    return json.loads(process.stdout)


def methods_and_paths(found: List[list]) -> List[list]:
    return sorted(operation[:2] for operation in found)


def make(root: Path, files: Dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def _fix(capsys, root: Path, *options: str):
    code, out, err = run_cli(["fix", *options, str(root)], capsys)
    assert "internal error" not in err, err
    return code, out, err


# ---- the app the guide was written for, before its config object exists -------------------

LEGACY = {
    "pyproject.toml": '''
        [project]
        name = "legacy"
        dependencies = ["fastapi>=0.100"]
    ''',
    "server/__init__.py": "",
    "server/config.py": '''
        """Settings of the server."""


        class Settings:
            DEBUG = False


        settings = Settings()
    ''',
    "server/main.py": '''
        from fastapi import FastAPI

        app = FastAPI()

        try:
            from services.users.router import router as users_router

            app.include_router(users_router, prefix="/api/v1")
        except ImportError:
            pass

        try:
            from capabilities.calendar.router import router as calendar_router
            from capabilities.persona.router import router as persona_router

            app.include_router(calendar_router)
            app.include_router(persona_router)
        except ImportError:
            pass

        from server.health import router as health_router

        app.include_router(health_router)
    ''',
    "server/health.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/health", tags=["health"])


        @router.get("/")
        def health():
            return {"ok": True}
    ''',
    "services/__init__.py": "",
    "services/users/__init__.py": "",
    "services/users/router.py": '''
        from fastapi import APIRouter, Depends

        router = APIRouter(prefix="/users", tags=["users"])


        def get_db():
            return None


        @router.get("/{user_id}")
        async def get_user(user_id: int, db=Depends(get_db)):
            return {"id": user_id}
    ''',
    "capabilities/__init__.py": "",
    "capabilities/calendar/__init__.py": "",
    "capabilities/calendar/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/capabilities/calendar", tags=["calendar"])


        @router.get("/events")
        async def events(limit: int = 10):
            return []
    ''',
    "capabilities/persona/__init__.py": "",
    "capabilities/persona/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/capabilities/persona", tags=["persona"])


        @router.get("/")
        def personas():
            return []
    ''',
}

LEGACY_OPERATIONS = [
    ["get", "/api/v1/capabilities/calendar/events", ["calendar"], [["query", "limit"]]],
    ["get", "/api/v1/capabilities/persona/", ["persona"], []],
    ["get", "/api/v1/health/", ["health"], []],
    ["get", "/api/v1/users/{user_id}", ["users"], [["path", "user_id"]]],
]


@pytest.fixture
def legacy(tmp_path) -> Path:
    root = make(tmp_path / "legacy", LEGACY)
    assert operations(root) == LEGACY_OPERATIONS
    return root


def test_safe_fixes_import_no_config_object_the_project_lacks(legacy, capsys):
    code, out, _ = _fix(capsys, legacy)
    assert operations(legacy) == LEGACY_OPERATIONS  # the app starts, and serves the same
    for path in legacy.rglob("*.py"):
        assert "api_config" not in path.read_text(), path
    fcl001 = [item for item in parse_output(out) if item.code == "FCL001"]
    # The users prefix was moved out of include_router, as a literal (no constant to import).
    assert 'APIRouter(prefix="/api/v1/users", tags=["users"])' in (
        legacy / "services/users/router.py").read_text()
    assert len(fcl001) == 4
    for item in fcl001:
        assert item.message.endswith(
            "(no fix: server.config does not define api_config; "
            "`fastapi-conventions-lint init-config` writes it)"
        ), item.message


def test_the_prefix_move_alone_keeps_every_operation(legacy, capsys):
    _fix(capsys, legacy, "--select", "FCL005")
    router = (legacy / "services/users/router.py").read_text()
    assert 'APIRouter(prefix="/api/v1/users", tags=["users"])' in router  # a literal, no import
    assert "import api_config" not in router
    assert "prefix=" not in (legacy / "server/main.py").read_text()
    assert operations(legacy) == LEGACY_OPERATIONS


def test_init_config_then_fix_makes_the_fcl001_fixes_and_the_app_still_starts(legacy, capsys):
    config = legacy / "server/config.py"
    before = config.read_text()
    code, diff, _ = run_cli(["init-config", "--diff", str(legacy)], capsys)
    assert code == 1 and config.read_text() == before
    assert "+    V1_PREFIX = \"/api/v1\"" in diff and "+    CAPABILITIES_PREFIX = \"/api/v1/capabilities\"" in diff

    code, out, _ = run_cli(["init-config", str(legacy)], capsys)
    assert code == 0
    after = config.read_text()
    assert after.startswith(before)  # appended; nothing else in the module changes
    assert after[len(before):] == "\n\n" + textwrap.dedent('''\
        class ApiConfig:
            """Router prefixes: build every router's prefix from these."""

            V1_PREFIX = "/api/v1"
            CAPABILITIES_PREFIX = "/api/v1/capabilities"


        api_config = ApiConfig()
    ''')
    assert "server/config.py" in out and "V1_PREFIX" in out
    assert operations(legacy) == LEGACY_OPERATIONS

    # Running it again changes nothing.
    code, out, err = run_cli(["init-config", str(legacy)], capsys)
    assert code == 0 and config.read_text() == after
    assert "already defines api_config" in err

    _fix(capsys, legacy)
    calendar = (legacy / "capabilities/calendar/router.py").read_text()
    assert "from server.config import api_config" in calendar
    assert 'prefix=f"{api_config.CAPABILITIES_PREFIX}/calendar"' in calendar
    assert 'prefix=f"{api_config.V1_PREFIX}/health"' in (legacy / "server/health.py").read_text()
    assert operations(legacy) == LEGACY_OPERATIONS

    _fix(capsys, legacy, "--unsafe-fixes")
    assert methods_and_paths(operations(legacy)) == methods_and_paths(LEGACY_OPERATIONS)


def test_init_config_writes_a_new_module_where_none_exists(tmp_path, capsys):
    files = dict(LEGACY)
    del files["server/config.py"]
    root = make(tmp_path / "fresh", files)
    shutil.rmtree(root / "server")
    (root / "main.py").write_text(textwrap.dedent(LEGACY["server/main.py"]).replace("from server.health", "from health"))
    (root / "health.py").write_text(textwrap.dedent(LEGACY["server/health.py"]))
    code, _, err = run_cli(["init-config", "--diff", str(root)], capsys)
    assert code == 1 and "would also create" in err and "server/__init__.py (empty)" in err
    assert not (root / "server").exists()
    code, out, _ = run_cli(["init-config", str(root)], capsys)
    assert (root / "server" / "__init__.py").read_text() == ""
    assert code == 0
    text = (root / "server/config.py").read_text()
    assert text.startswith("class ApiConfig:\n") and text.endswith("api_config = ApiConfig()\n")
    _fix(capsys, root)
    assert operations(root, "main:app") == LEGACY_OPERATIONS


def test_init_config_uses_the_configured_prefixes_table(tmp_path, capsys):
    files = dict(LEGACY)
    files["pyproject.toml"] = LEGACY["pyproject.toml"] + '''
        [tool.fastapi-conventions-lint.prefixes]
        HEALTH_PREFIX = "/api/v1/health"
    '''
    root = make(tmp_path / "configured", files)
    run_cli(["init-config", str(root)], capsys)
    text = (root / "server/config.py").read_text()
    assert '    HEALTH_PREFIX = "/api/v1/health"\n' in text and "V1_PREFIX" not in text


def test_init_config_refuses_an_object_it_cannot_read(tmp_path, capsys):
    root = make(tmp_path / "opaque", {
        "server/__init__.py": "",
        "server/config.py": "import os\n\napi_config = os.environ\n",
        "server/main.py": LEGACY["server/main.py"],
    })
    code, _, err = run_cli(["init-config", str(root)], capsys)
    assert code == 2 and "binds api_config" in err
    assert (root / "server/config.py").read_text() == "import os\n\napi_config = os.environ\n"


def test_init_config_with_nothing_shared_writes_nothing(tmp_path, capsys):
    root = make(tmp_path / "single", {
        "main.py": '''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/items", tags=["items"])
            app = FastAPI()
            app.include_router(router)
        ''',
    })
    code, _, err = run_cli(["init-config", str(root)], capsys)
    assert code == 0 and "nothing to write" in err
    assert not (root / "server").exists()


# ---- a move next to a module that does not parse -------------------------------------------

def test_no_move_while_a_module_with_an_include_does_not_parse(legacy, capsys):
    (legacy / "server/admin.py").write_text(
        "from services.users.router import router\n"
        "def broken(:\n"
        "    admin.include_router(router)\n",
        encoding="utf-8",
    )
    users = (legacy / "services/users/router.py").read_text()
    code, out, _ = _fix(capsys, legacy, "--select", "FCL005")
    assert (legacy / "services/users/router.py").read_text() == users
    [fcl005] = [item for item in parse_output(out) if item.code == "FCL005"]
    assert "server/admin.py does not parse, and an include_router in it may include the router" in fcl005.message


def test_no_move_while_an_include_cannot_be_followed(legacy, capsys):
    (legacy / "server/extra.py").write_text(
        "from fastapi import FastAPI\n"
        "from server.registry import pick\n\n"
        "extra = FastAPI()\n"
        "extra.include_router(pick())\n",
        encoding="utf-8",
    )
    (legacy / "server/registry.py").write_text("def pick():\n    return None\n", encoding="utf-8")
    users = (legacy / "services/users/router.py").read_text()
    code, out, _ = _fix(capsys, legacy, "--select", "FCL005")
    assert (legacy / "services/users/router.py").read_text() == users
    [fcl005] = [item for item in parse_output(out) if item.code == "FCL005"]
    assert "cannot be followed" in fcl005.message and "extra.py:5" in fcl005.message


def test_an_include_from_an_installed_package_does_not_block_moves(legacy, capsys):
    (legacy / "server/extra.py").write_text(
        "from fastapi import FastAPI\n"
        "from fastapi_users import FastAPIUsers\n\n"
        "users = FastAPIUsers(None, [])\n"
        "extra = FastAPI()\n"
        "extra.include_router(users.get_auth_router(None))\n",
        encoding="utf-8",
    )
    _fix(capsys, legacy, "--select", "FCL005")
    assert 'prefix="/api/v1/users"' in (legacy / "services/users/router.py").read_text()


def test_a_move_keeps_a_same_file_constant_as_a_name_or_is_not_made(legacy, capsys):
    main = legacy / "server/main.py"
    main.write_text(main.read_text().replace(
        'app = FastAPI()', 'API_V1 = "/api/v1"\napp = FastAPI()'
    ).replace('prefix="/api/v1"', "prefix=API_V1"))
    code, out, _ = _fix(capsys, legacy, "--select", "FCL005")
    assert "prefix=API_V1" in main.read_text()
    [fcl005] = [item for item in parse_output(out) if item.code == "FCL005"]
    assert "the include's prefix reads API_V1" in fcl005.message
    assert operations(legacy) == LEGACY_OPERATIONS


# ---- the fixture apps -------------------------------------------------------------------------

def test_fixable_app_serves_the_same_operations_after_safe_and_unsafe_fixes(tmp_path, capsys):
    app = tmp_path / "fixable_app"
    shutil.copytree(FIXTURES / "fixable_app", app)
    src = app / "src"
    before = operations(src)
    assert len(before) >= 4
    _fix(capsys, src)
    assert operations(src) == before
    _fix(capsys, src, "--unsafe-fixes")
    assert methods_and_paths(operations(src)) == methods_and_paths(before)


HELPER_INCLUDED = {
    "pyproject.toml": '''
        [project]
        name = "helper"
        dependencies = ["fastapi>=0.100"]
    ''',
    "server/__init__.py": "",
    "server/main.py": '''
        from fastapi import FastAPI

        from server.routing import add_routers

        app = FastAPI()
        add_routers(app)
    ''',
    "server/routing.py": '''
        from services.items.router import router as items_router
        from services.users.router import router as users_router


        def add_routers(application):
            application.include_router(users_router, prefix="/api/v1/users")
            application.include_router(items_router)
    ''',
    "services/__init__.py": "",
    "services/users/__init__.py": "",
    "services/users/router.py": '''
        from fastapi import APIRouter, Depends

        router = APIRouter()


        def get_db():
            return None


        @router.get("/{user_id}")
        async def get_user(user_id: int, db=Depends(get_db)):
            return {"id": user_id}
    ''',
    "services/items/__init__.py": "",
    "services/items/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/items")


        @router.post("/", status_code=201)
        def create_item(name: str):
            return {"name": name}
    ''',
}


def test_an_app_whose_routers_a_helper_includes_serves_the_same_after_fixes(tmp_path, capsys):
    """The routers are included by a function the app is handed to: linked to the app, they
    are fixed as top-level routers, and the app serves the same operations."""
    root = make(tmp_path / "helper", HELPER_INCLUDED)
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/api/v1/users/{user_id}"], ["post", "/api/v1/items/"]]
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert "services/users/router.py:3:10: FCL003" in out  # no tags on the way to the app
    _fix(capsys, root)
    assert operations(root) == before
    assert 'APIRouter(prefix="/api/v1/users")' in (root / "services/users/router.py").read_text()
    _fix(capsys, root, "--unsafe-fixes")
    assert methods_and_paths(operations(root)) == methods_and_paths(before)
    assert "tags=" in (root / "services/users/router.py").read_text()


def test_a_prefix_given_in_a_loop_over_routers_is_not_moved(tmp_path, capsys):
    """`for router in (users, items): app.include_router(router, prefix=...)`: the call's
    prefix is each router's; moving it into one of them would change the other's URLs."""
    root = make(tmp_path / "loop", {
        "pyproject.toml": HELPER_INCLUDED["pyproject.toml"],
        "server/__init__.py": "",
        "server/routers.py": '''
            from fastapi import APIRouter

            users = APIRouter(tags=["users"])
            items = APIRouter(tags=["items"])


            @users.get("/users")
            def list_users():
                return []


            @items.get("/items")
            def list_items():
                return []
        ''',
        "server/main.py": '''
            from fastapi import FastAPI

            from server.routers import items, users

            app = FastAPI()
            for router in (users, items):
                app.include_router(router, prefix="/api/v1")
        ''',
    })
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/api/v1/items"], ["get", "/api/v1/users"]]
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert "(no fix: the include_router is made in a loop over several routers)" in out
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before


def test_a_router_factory_included_elsewhere_does_not_block_a_move(tmp_path, capsys):
    """An include of what a factory returns (a router made at each call, in the factory's
    body) cannot include a module's router: the prefix of another include is moved, and the
    app serves the same operations."""
    root = make(tmp_path / "factory", {
        "pyproject.toml": HELPER_INCLUDED["pyproject.toml"],
        "server/__init__.py": "",
        "server/oauth.py": '''
            from fastapi import APIRouter


            def make_oauth_router(name: str) -> APIRouter:
                router = APIRouter(prefix=f"/{name}", tags=["oauth"])

                @router.get("/authorize")
                def authorize():
                    return {}

                return router
        ''',
        "server/users.py": '''
            from fastapi import APIRouter

            router = APIRouter(tags=["users"])


            @router.get("")
            def list_users():
                return []
        ''',
        "server/main.py": '''
            from fastapi import FastAPI

            from server.oauth import make_oauth_router
            from server.users import router as users_router

            app = FastAPI()
            app.include_router(make_oauth_router("github"))
            app.include_router(make_oauth_router("google"))
            app.include_router(users_router, prefix="/users")
        ''',
    })
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/github/authorize"], ["get", "/google/authorize"], ["get", "/users"]]
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert "FCL005" in out and "cannot be followed" not in out
    _fix(capsys, root)
    assert 'APIRouter(prefix="/users", tags=["users"])' in (root / "server/users.py").read_text()
    assert operations(root) == before


def test_a_function_returning_a_module_router_still_blocks_a_move(tmp_path, capsys):
    """`def users_again(): return router` gives the module's own router: included through it
    too, the router serves two URLs, and moving one include's prefix would change both."""
    root = make(tmp_path / "again", {
        "pyproject.toml": HELPER_INCLUDED["pyproject.toml"],
        "server/__init__.py": "",
        "server/users.py": '''
            from fastapi import APIRouter

            router = APIRouter(tags=["users"])


            @router.get("")
            def list_users():
                return []


            def users_again() -> APIRouter:
                return router
        ''',
        "server/main.py": '''
            from fastapi import FastAPI

            from server.users import router as users_router, users_again

            app = FastAPI()
            app.include_router(users_again(), prefix="/legacy")
            app.include_router(users_router, prefix="/users")
        ''',
    })
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/legacy"], ["get", "/users"]]
    code, out, _ = run_cli(["check", str(root)], capsys)
    assert "cannot be followed, and it may include the router" in out
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before


def test_clean_app_is_left_as_it_is(tmp_path, capsys):
    app = tmp_path / "clean_app"
    shutil.copytree(FIXTURES / "clean_app", app)
    src = app / "src"
    before = operations(src)
    texts = {path: path.read_bytes() for path in src.rglob("*.py")}
    _fix(capsys, src, "--unsafe-fixes")
    assert {path: path.read_bytes() for path in src.rglob("*.py")} == texts
    assert operations(src) == before


# ---- what `check` says a fix would do -------------------------------------------------------

def test_statistics_and_json_count_the_moves_as_safe_fixes(legacy, capsys):
    code, out, _ = run_cli(["check", "--statistics", str(legacy)], capsys)
    [fcl005] = [line.split() for line in out.splitlines() if "FCL005" in line]
    assert fcl005[:4] == ["1", "FCL005", "prefix-at-include", "1"], out
    code, out, _ = run_cli(["check", "--output-format", "json", str(legacy)], capsys)
    [entry] = [item for item in json.loads(out) if item["code"] == "FCL005"]
    assert entry["fix"]["applicability"] == "safe"
    assert "into the router in" in entry["fix"]["message"]
    # The plain text report does not plan the moves (and shows no fix column).
    code, out, _ = run_cli(["check", str(legacy)], capsys)
    assert "FCL005" in out


# ---- init-config's pieces ---------------------------------------------------------------------

def test_shared_roots_and_their_names():
    from fastapi_conventions_lint.commands.init_config import constant_names, shared_roots

    roots = shared_roots([
        "/api/v1/users", "/api/v1/items", "/api/v2/users", "/api/v2/items",
        "/api/v1/{tenant}/a", "/api/v1/{tenant}/b", "/2024/a", "/2024/b",
    ])
    assert roots == ["/2024", "/api", "/api/v1", "/api/v2"]
    assert constant_names(roots) == {
        "P_2024_PREFIX": "/2024", "API_PREFIX": "/api", "V1_PREFIX": "/api/v1", "V2_PREFIX": "/api/v2",
    }
    # Two roots ending in the same segment are told apart by the segments before it.
    assert constant_names(["/admin/users", "/api/users"]) == {
        "ADMIN_USERS_PREFIX": "/admin/users", "API_USERS_PREFIX": "/api/users",
    }


def test_init_config_appends_after_a_module_without_a_final_newline_and_a_taken_class_name(tmp_path, capsys):
    files = dict(LEGACY)
    root = make(tmp_path / "taken", files)
    config = root / "server/config.py"
    config.write_text("class ApiConfig:\n    pass", encoding="utf-8")
    code, _, _ = run_cli(["init-config", str(root)], capsys)
    text = config.read_text()
    assert code == 0 and text.startswith("class ApiConfig:\n    pass\n\n\nclass ApiConfigPrefixes:\n")
    assert text.endswith("api_config = ApiConfigPrefixes()\n")
    _fix(capsys, root)
    assert operations(root) == LEGACY_OPERATIONS


def test_init_config_on_a_module_that_does_not_parse_or_a_missing_path(tmp_path, capsys):
    files = dict(LEGACY)
    root = make(tmp_path / "broken", files)
    (root / "server/config.py").write_text("def broken(:\n", encoding="utf-8")
    code, _, err = run_cli(["init-config", str(root)], capsys)
    assert code == 2 and "does not parse" in err
    code, _, err = run_cli(["init-config", str(tmp_path / "nowhere")], capsys)
    assert code == 2 and "no such file or directory" in err


# ---- FCL011: a route path that repeats its router's prefix ----------------------------------

def test_dropping_a_repeated_prefix_serves_each_route_once_under_the_prefix(tmp_path, capsys):
    root = make(tmp_path / "kb", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nselect = ["FCL011"]\n',
        "server/__init__.py": "",
        "server/main.py": '''
            from fastapi import APIRouter, FastAPI

            kb = APIRouter(prefix="/api/v1/kb", tags=["kb"])
            shop = APIRouter(prefix="/shop")
            orders = APIRouter(prefix="/orders", tags=["orders"])


            @kb.get("/api/v1/kb")
            async def list_documents():
                return []


            @kb.get("/api/v1/kb/search")
            def search(q: str):
                return []


            @orders.get("/shop/orders/{order_id}")
            async def read_order(order_id: int):
                return {}


            shop.include_router(orders)
            app = FastAPI()
            app.include_router(kb)
            app.include_router(shop)
        ''',
    })
    before = methods_and_paths(operations(root))
    assert ["get", "/api/v1/kb/api/v1/kb/search"] in before
    code, out, _ = _fix(capsys, root)
    assert code == 1 and "FCL011" in out  # unsafe: only with the flag
    code, out, _ = _fix(capsys, root, "--unsafe-fixes")
    assert code == 0, out
    after = methods_and_paths(operations(root))
    assert after == [
        ["get", "/api/v1/kb"], ["get", "/api/v1/kb/search"], ["get", "/shop/orders/{order_id}"],
    ]


# ---- FCL401: status code constants -----------------------------------------------------------

_SCHEMA_AND_STATUSES = textwrap.dedent('''
    import asyncio, json, sys
    sys.path.insert(0, sys.argv[1])
    from server.main import app


    async def status_of(method, path):
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
            "path": path, "raw_path": path.encode(), "query_string": b"", "headers": [],
            "server": ("test", 80), "client": ("test", 1), "scheme": "http", "root_path": "",
        }
        await app(scope, receive, send)
        return next(m["status"] for m in sent if m["type"] == "http.response.start")


    calls = [("POST", "/items"), ("GET", "/items/1"), ("GET", "/accepted"), ("GET", "/invalid")]
    statuses = [asyncio.run(status_of(method, path)) for method, path in calls]
    print(json.dumps({"schema": app.openapi(), "statuses": statuses}, sort_keys=True))
''')


@pytest.mark.parametrize("style", ["fastapi", "http"])
def test_status_constants_keep_the_schema_and_the_responses(tmp_path, capsys, style):
    root = make(tmp_path / "codes", {
        "pyproject.toml": f'[tool.fastapi-conventions-lint]\nselect = ["FCL401"]\nstatus-code-style = "{style}"\n',
        "server/__init__.py": "",
        "server/main.py": '''
            from fastapi import FastAPI, HTTPException
            from fastapi.responses import JSONResponse

            app = FastAPI()


            @app.post("/items", status_code=201, responses={409: {"description": "exists"}})
            def create_item():
                return {}


            @app.get("/items/{item_id}")
            def read_item(item_id: int):
                raise HTTPException(404, detail="not found")


            @app.get("/accepted")
            async def accepted():
                return JSONResponse({}, status_code=202)


            @app.get("/invalid")
            def invalid():
                raise HTTPException(status_code=422)
        ''',
    })

    def observed():
        process = subprocess.run(
            [sys.executable, "-c", _SCHEMA_AND_STATUSES, str(root)], capture_output=True, text=True,
            cwd=root, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)

    before = observed()
    assert before["statuses"] == [201, 404, 202, 422]
    code, out, _ = _fix(capsys, root)
    text = (root / "server/main.py").read_text(encoding="utf-8")
    if style == "fastapi":
        assert code == 1 and "FCL401" in out  # 422 has no fix: renamed between Starlette versions
        assert "from fastapi import FastAPI, HTTPException, status" in text
        assert "status_code=status.HTTP_201_CREATED" in text and "HTTPException(status.HTTP_404_NOT_FOUND" in text
        assert "status_code=422" in text
    else:  # HTTPStatus has had the old names all along
        assert text.startswith("from http import HTTPStatus\n\nfrom fastapi import FastAPI, HTTPException\n")
        assert "status_code=HTTPStatus.CREATED" in text and "HTTPException(HTTPStatus.NOT_FOUND" in text
        assert "status_code=HTTPStatus.UNPROCESSABLE_ENTITY" in text
        # A `responses` key only where the project declares Python >= 3.11: before, the
        # OpenAPI document would say "HTTPStatus.CONFLICT" instead of "409".
        assert code == 1 and "409: {" in text and "before Python 3.11" in out
    assert observed() == before


# ---- an app and routers kept on instances ----------------------------------------------------

INSTANCES = {
    "pyproject.toml": '''
        [project]
        name = "inst"
        dependencies = ["fastapi>=0.100"]
    ''',
    "server/__init__.py": "",
    "server/users.py": '''
        from fastapi import APIRouter

        router = APIRouter(tags=["users"])


        @router.get("/users/{user_id}")
        async def get_user(user_id: int):
            return {"id": user_id}
    ''',
    "server/traces.py": '''
        from fastapi import APIRouter


        class TracesRouter:
            def __init__(self):
                self.router = APIRouter()
                self.router.add_api_route("/{trace_id}", self.fetch, methods=["GET"])

            async def fetch(self, trace_id: str):
                return {}
    ''',
    "server/webserver.py": '''
        from fastapi import FastAPI

        from server.users import router as users_router


        class ApiServer:
            def __init__(self):
                self.app = FastAPI()
                self.configure_app(self.app)

            def configure_app(self, app: FastAPI) -> None:
                app.include_router(users_router, prefix="/api/v1")
    ''',
    "server/main.py": '''
        from server.traces import TracesRouter
        from server.webserver import ApiServer

        server = ApiServer()
        traces = TracesRouter()
        server.app.include_router(traces.router, prefix="/traces", tags=["traces"])
        app = server.app
    ''',
}


def test_fixes_on_an_app_kept_on_an_instance_keep_every_operation(tmp_path, capsys):
    """The prefix given where `configure_app` includes a module's router moves into it; the
    router each `TracesRouter` makes keeps its include's prefix and tags (another instance
    may be included elsewhere), and the app serves the same operations, tags included."""
    root = make(tmp_path / "inst", INSTANCES)
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/api/v1/users/{user_id}"], ["get", "/traces/{trace_id}"]]
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before
    assert 'APIRouter(prefix="/api/v1", tags=["users"])' in (root / "server/users.py").read_text(encoding="utf-8")
    assert "self.router = APIRouter()\n" in (root / "server/traces.py").read_text(encoding="utf-8")
    _, out, _ = run_cli(["check", "--no-cache", str(root)], capsys)
    assert "no fix: the router is made anew for each instance of its class" in out, out


FACTORIES = {
    "pyproject.toml": """
        [project]
        name = "factories"
        dependencies = ["fastapi>=0.100"]
    """,
    "server/__init__.py": "",
    "server/oauth.py": """
        from fastapi import APIRouter


        def oauth_router(provider: str) -> APIRouter:
            router = APIRouter()

            @router.get("/authorize")
            async def authorize():
                return {"provider": provider}

            return router
    """,
    "server/main.py": """
        from fastapi import FastAPI

        from server.oauth import oauth_router

        app = FastAPI()
        app.include_router(oauth_router("github"), prefix="/auth/github", tags=["github"])
        app.include_router(oauth_router("google"), prefix="/auth/google", tags=["google"])
    """,
}


def test_fixes_leave_a_router_factory_and_every_operation_as_they_were(tmp_path, capsys):
    """Each call of a router factory makes a router of its own: the prefix and tags its
    includes give cannot move into the one definition, and `fix` leaves the app serving the
    same operations; `check` says why no fix is made."""
    root = make(tmp_path / "factories", FACTORIES)
    before = operations(root)
    assert methods_and_paths(before) == [["get", "/auth/github/authorize"], ["get", "/auth/google/authorize"]]
    factory = (root / "server/oauth.py").read_text(encoding="utf-8")
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before
    assert (root / "server/oauth.py").read_text(encoding="utf-8") == factory
    _, out, _ = run_cli(["check", "--no-cache", str(root)], capsys)
    assert out.count("no fix: the router is made anew at each call of `oauth_router()`") == 3, out
    assert "FCL008" not in out, out


SCOPED = {
    "pyproject.toml": """
        [project]
        name = "scoped"
        dependencies = ["fastapi>=0.100"]
    """,
    "server/__init__.py": "",
    "server/routers.py": """
        from fastapi import APIRouter

        users = APIRouter()
        items = APIRouter()


        @users.get("/users/{user_id}")
        async def read_user(user_id: str):
            return {}


        @items.get("/items")
        def list_items():
            return []
    """,
    "server/main.py": """
        from fastapi import APIRouter, FastAPI

        from server.routers import items, users


        def include_scoped(application: FastAPI, router: APIRouter) -> None:
            application.include_router(router, prefix="/workspaces/{workspace_id}", tags=["workspace"])


        app = FastAPI()
        include_scoped(app, users)
        include_scoped(app, items)
    """,
}


def test_fixes_leave_a_function_including_each_router_its_callers_pass(tmp_path, capsys):
    """One include_router call, in a function, includes every router its callers pass: its
    prefix and tags cannot move into any one of them, and `fix` leaves the app serving the same
    operations, tags included; `check` says why no fix is made."""
    root = make(tmp_path / "scoped", SCOPED)
    before = operations(root)
    assert methods_and_paths(before) == [
        ["get", "/workspaces/{workspace_id}/items"], ["get", "/workspaces/{workspace_id}/users/{user_id}"],
    ]
    routers = (root / "server/routers.py").read_text(encoding="utf-8")
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before
    assert (root / "server/routers.py").read_text(encoding="utf-8") == routers
    _, out, _ = run_cli(["check", "--no-cache", str(root)], capsys)
    reason = "no fix: the include_router is made in `include_scoped()`, whose callers pass different routers or apps"
    # FCL003 for each router (its tags come from the include), FCL005 once for the call.
    assert out.count(reason) == 3, out


# Routes registered by one function on each router its callers pass, the routers included with
# their prefix and tags at the include, and a path that repeats one router's prefix.
REGISTERED = {
    "pyproject.toml": """
        [project]
        name = "registered"
        dependencies = ["fastapi>=0.100"]
    """,
    "server/__init__.py": "",
    "server/health.py": """
        from fastapi import APIRouter


        def register_health(router: APIRouter) -> None:
            @router.get("/users/health")
            async def health():
                return {}

            def ready():
                return {}

            router.add_api_route("/ready", ready, methods=["GET"])
    """,
    "server/main.py": """
        from fastapi import APIRouter, FastAPI, Depends

        from server.health import register_health

        users = APIRouter(prefix="/users")
        items = APIRouter()
        register_health(users)
        register_health(items)


        def current_user():
            return None


        @users.get("/{user_id}")
        def read_user(user_id: str, user=Depends(current_user)):
            return {}


        app = FastAPI()
        app.include_router(users, tags=["users"])
        app.include_router(items, prefix="/items", tags=["items"])
    """,
}


def test_fixes_keep_the_routes_a_function_registers_on_each_router_its_callers_pass(tmp_path, capsys):
    """`fix --unsafe-fixes` moves the include prefixes and tags into the routers the function
    registers routes on: FastAPI serves the same operations, tags included; the path shared by
    both routers is not shortened for the one whose prefix it repeats."""
    root = make(tmp_path / "registered", REGISTERED)
    before = operations(root)
    assert methods_and_paths(before) == [
        ["get", "/items/ready"], ["get", "/items/users/health"],
        ["get", "/users/ready"], ["get", "/users/users/health"], ["get", "/users/{user_id}"],
    ]
    health = (root / "server/health.py").read_text(encoding="utf-8")
    _, out, _ = run_cli(["check", "--no-cache", str(root)], capsys)
    assert "no fix: the route is registered in `register_health()`" in out, out
    _fix(capsys, root, "--unsafe-fixes")
    assert operations(root) == before
    assert (root / "server/health.py").read_text(encoding="utf-8") == health
    main = (root / "server/main.py").read_text(encoding="utf-8")
    assert 'APIRouter(prefix="/users", tags=["users"])' in main, main
    assert 'APIRouter(prefix="/items", tags=["items"])' in main, main
