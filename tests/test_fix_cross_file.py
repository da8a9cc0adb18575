"""Fixes that edit two files in one run: an include_router call's prefix (FCL005) and tags
(FCL003) moved into the included router's own definition, in the router's module.

Each test builds a small project under tmp_path (pyproject.toml with the tool's table, the app
in src/server/main.py, routers in other packages) and runs the command in this process. What
a user would notice is checked: the exact files after `fix`, what `--diff` shows and that it
writes nothing, that a second run changes nothing, and that the routes the app serves are the
same before and after, by the `routes` command and by FastAPI itself (the app imported in a
subprocess)."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from conftest import CONFIG_MODULE, FIXTURES, parse_output, run_cli

OLD = 1_000_000_000 * 10**9  # an mtime (2001) that any write replaces

CONFIG = CONFIG_MODULE


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _project(root: Path, files: Dict[str, str]) -> Path:
    """A project: pyproject.toml, src/server/config.py, the given files under src/ (with the
    packages' __init__.py), every mtime old."""
    (root / "src").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    files = {"server/config.py": CONFIG, **files}
    for name, text in files.items():
        path = root / "src" / name
        for package in path.relative_to(root / "src").parents:
            if package != Path("."):
                (root / "src" / package).mkdir(parents=True, exist_ok=True)
                (root / "src" / package / "__init__.py").touch()
        path.write_text(_dedent(text), encoding="utf-8")
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, ns=(OLD, OLD))
    return root


def _read(root: Path, name: str) -> str:
    return (root / "src" / name).read_text(encoding="utf-8")


def _tree(root: Path) -> Dict[str, Tuple[bytes, int, int]]:
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            info = path.stat()
            found[path.relative_to(root).as_posix()] = (
                path.read_bytes(), info.st_mtime_ns, stat.S_IMODE(info.st_mode),
            )
    return found


def _reported(out: str, *codes: str, root: Optional[Path] = None) -> List[Tuple[str, int, str]]:
    """(file, line, code) reported, the file relative to `root` (or to where the command ran)."""
    return sorted(
        (Path(os.path.relpath(item.path, root or ".")).as_posix(), item.line, item.code)
        for item in parse_output(out)
        if not codes or item.code in codes
    )


def _static_routes(root: Path, capsys) -> list:
    code, out, err = run_cli(["routes", "--format", "json", str(root)], capsys)
    assert code == 0, err
    return sorted((sorted(route["methods"]), route["path"]) for route in json.loads(out))


_LIST_ROUTES = _dedent('''
    import json, sys
    sys.path.insert(0, sys.argv[1])
    import fastapi.routing
    from fastapi.routing import APIRoute
    from server.main import app

    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    if flatten is not None:
        routes = [
            [sorted(context.methods or []), context.path]
            for context in flatten(app.routes)
            if isinstance(context.original_route, APIRoute)
        ]
    else:
        routes = [
            [sorted(route.methods), route.path] for route in app.routes if isinstance(route, APIRoute)
        ]
    print(json.dumps(sorted(routes)))
''')


def _served_routes(root: Path) -> list:
    """The routes FastAPI really serves, the app imported in a subprocess."""
    src = root / "src"
    process = subprocess.run(
        [sys.executable, "-c", _LIST_ROUTES, str(src)],
        capture_output=True, text=True, cwd=src,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert process.returncode == 0, process.stderr
    return [tuple(route) for route in json.loads(process.stdout)]


def _fix(root: Path, capsys, *options: str) -> Tuple[int, str, str]:
    return run_cli(["fix", *options, str(root)], capsys)


# -- the two merge examples, and tags -----------------------------------------------------------

MERGE = {
    "server/main.py": """
        from fastapi import FastAPI

        from controlnet.skeletons import router as skeletons_router
        from services.rag.router import router as rag_router
        from server.config import api_config

        app = FastAPI(title="svc", openapi_url=None)
        app.include_router(skeletons_router, prefix="/api/v1")
        app.include_router(rag_router, prefix=api_config.RAG_PREFIX)
    """,
    "controlnet/skeletons.py": """
        from fastapi import APIRouter

        router = APIRouter(prefix="/controlnet/skeletons", tags=["skeletons"])


        @router.get("/{skeleton_id}")
        def read_skeleton(skeleton_id: str) -> dict:
            return {"id": skeleton_id}
    """,
    "services/rag/router.py": '''
        """Search over the indexed documents."""
        from fastapi import APIRouter

        router = APIRouter(
            prefix="/search",  # the search endpoints
            tags=["rag"],
        )


        @router.get("")
        def search(q: str) -> dict:
            return []
    ''',
}


def test_prefixes_move_into_the_routers_merged_in_the_fcl001_form(tmp_path, capsys):
    root = _project(tmp_path / "proj", MERGE)
    code, out, err = _fix(root, capsys)
    assert err == ""
    assert _read(root, "server/main.py") == _dedent("""
        from fastapi import FastAPI

        from controlnet.skeletons import router as skeletons_router
        from services.rag.router import router as rag_router
        from server.config import api_config

        app = FastAPI(title="svc", openapi_url=None)
        app.include_router(skeletons_router)
        app.include_router(rag_router)
    """)
    # "/api/v1" at the include + "/controlnet/skeletons" in the router; the config object
    # was not imported in the router's module: it is now.
    assert _read(root, "controlnet/skeletons.py") == _dedent("""
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(
            prefix=f"{api_config.V1_PREFIX}/controlnet/skeletons", tags=["skeletons"]
        )


        @router.get("/{skeleton_id}")
        def read_skeleton(skeleton_id: str) -> dict:
            return {"id": skeleton_id}
    """)
    # api_config.RAG_PREFIX at the include + "/search" in the router; layout and comment kept.
    assert _read(root, "services/rag/router.py") == _dedent('''
        """Search over the indexed documents."""
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(
            prefix=f"{api_config.RAG_PREFIX}/search",  # the search endpoints
            tags=["rag"],
        )


        @router.get("")
        def search(q: str) -> dict:
            return []
    ''')
    # One fix per move, counted in the file that holds the include; three files written.
    assert out == "Fixed 2 violations in 3 files.\nAll checks passed!\n"
    assert code == 0


def test_the_served_routes_stay_the_same(tmp_path, capsys):
    root = _project(tmp_path / "proj", MERGE)
    static, served = _static_routes(root, capsys), _served_routes(root)
    assert served == [(["GET"], "/api/v1/controlnet/skeletons/{skeleton_id}"), (["GET"], "/api/v1/rag/search")]
    _fix(root, capsys)
    assert _static_routes(root, capsys) == static
    assert _served_routes(root) == served


SAME_NAME = {
    "server/main.py": """
        from fastapi import FastAPI

        from server.routes import routes

        app = FastAPI(openapi_url=None)
        app.include_router(routes)
    """,
    "server/routes.py": """
        from fastapi import APIRouter

        routes = APIRouter()


        def add_action_routes():
            from actions.router import router as feature_router

            routes.include_router(feature_router, prefix="/actions")


        def add_plugin_routes():
            from plugins.router import router as feature_router

            routes.include_router(feature_router, prefix="/plugins")


        add_action_routes()
        add_plugin_routes()
    """,
    "actions/router.py": """
        from fastapi import APIRouter

        router = APIRouter(tags=["actions"])


        @router.get("")
        def list_actions() -> list:
            return []
    """,
    "plugins/router.py": """
        from fastapi import APIRouter

        router = APIRouter(tags=["plugins"])


        @router.get("")
        async def list_plugins() -> list:
            return []
    """,
}


def test_each_function_s_import_takes_its_own_include_s_prefix(tmp_path, capsys):
    """Two functions import two routers under one name: each include is of the router its own
    function imports, and its prefix moves there."""
    root = _project(tmp_path / "proj", SAME_NAME)
    static, served = _static_routes(root, capsys), _served_routes(root)
    assert served == [(["GET"], "/actions"), (["GET"], "/plugins")]
    assert static == served
    _fix(root, capsys)
    assert 'APIRouter(prefix="/plugins", tags=["plugins"])' in (root / "src/plugins/router.py").read_text()
    assert _static_routes(root, capsys) == static
    assert _served_routes(root) == served


TAGS = {
    "server/main.py": """
        from fastapi import FastAPI

        from server.config import api_config
        from users.router import router as users_router
        from items import router as items

        app = FastAPI(openapi_url=None)
        app.include_router(users_router, tags=["users"])
        app.include_router(
            items.router,
            prefix=api_config.V1_PREFIX,
            tags=["items", "catalogue"],
        )
    """,
    "users/router.py": """
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users")


        @router.get("/{user_id}", tags=["read"])
        def read_user(user_id: int) -> dict:
            return {"id": user_id}
    """,
    "items/router.py": """
        import fastapi

        router = fastapi.APIRouter(
            tags=None,
        )


        @router.post("/items")
        async def create_item() -> dict:
            return {}
    """,
}


def test_tags_move_into_the_router_and_prefix_with_them(tmp_path, capsys):
    root = _project(tmp_path / "proj", TAGS)
    code, out, err = _fix(root, capsys)
    assert err == ""
    assert _read(root, "server/main.py") == _dedent("""
        from fastapi import FastAPI

        from server.config import api_config
        from users.router import router as users_router
        from items import router as items

        app = FastAPI(openapi_url=None)
        app.include_router(users_router)
        app.include_router(
            items.router,
        )
    """)
    assert _read(root, "users/router.py") == _dedent("""
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=["users"])


        @router.get("/{user_id}", tags=["read"])
        def read_user(user_id: int) -> dict:
            return {"id": user_id}
    """)
    # Both moves on one include: `tags=None` replaced, the prefix added first, one per line.
    assert _read(root, "items/router.py") == _dedent("""
        import fastapi

        from server.config import api_config

        router = fastapi.APIRouter(
            prefix=api_config.V1_PREFIX,
            tags=["items", "catalogue"],
        )


        @router.post("/items")
        async def create_item() -> dict:
            return {}
    """)
    assert out == "Fixed 3 violations in 3 files.\nAll checks passed!\n"
    assert code == 0


def test_moved_tags_keep_their_order_in_the_openapi_schema(tmp_path, capsys):
    root = _project(tmp_path / "proj", TAGS)
    schema = _dedent('''
        import json, sys
        sys.path.insert(0, sys.argv[1])
        from server.main import app
        paths = app.openapi()["paths"]
        print(json.dumps(sorted(
            [path, method, operation.get("tags", [])]
            for path, methods in paths.items() for method, operation in methods.items()
        )))
    ''')

    def tags() -> list:
        process = subprocess.run(
            [sys.executable, "-c", schema, str(root / "src")], capture_output=True, text=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        assert process.returncode == 0, process.stderr
        return json.loads(process.stdout)

    before = tags()
    assert before == [
        ["/api/v1/items", "post", ["items", "catalogue"]],
        ["/api/v1/users/{user_id}", "get", ["users", "read"]],
    ]
    served = _served_routes(root)
    _fix(root, capsys)
    assert tags() == before
    assert _served_routes(root) == served


# -- --diff, a second run ---------------------------------------------------------------------


def test_diff_shows_both_files_and_writes_nothing(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path / "proj", MERGE)
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "--diff", "src"], capsys)
    assert out == "".join(line + "\n" for line in (
        "--- src/controlnet/skeletons.py",
        "+++ src/controlnet/skeletons.py",
        "@@ -1,6 +1,10 @@",
        " from fastapi import APIRouter",
        " ",
        '-router = APIRouter(prefix="/controlnet/skeletons", tags=["skeletons"])',
        "+from server.config import api_config",
        "+",
        "+router = APIRouter(",
        '+    prefix=f"{api_config.V1_PREFIX}/controlnet/skeletons", tags=["skeletons"]',
        "+)",
        " ",
        " ",
        ' @router.get("/{skeleton_id}")',
        "--- src/server/main.py",
        "+++ src/server/main.py",
        "@@ -5,5 +5,5 @@",
        " from server.config import api_config",
        " ",
        ' app = FastAPI(title="svc", openapi_url=None)',
        '-app.include_router(skeletons_router, prefix="/api/v1")',
        "-app.include_router(rag_router, prefix=api_config.RAG_PREFIX)",
        "+app.include_router(skeletons_router)",
        "+app.include_router(rag_router)",
        "--- src/services/rag/router.py",
        "+++ src/services/rag/router.py",
        "@@ -1,8 +1,10 @@",
        ' """Search over the indexed documents."""',
        " from fastapi import APIRouter",
        " ",
        "+from server.config import api_config",
        "+",
        " router = APIRouter(",
        '-    prefix="/search",  # the search endpoints',
        '+    prefix=f"{api_config.RAG_PREFIX}/search",  # the search endpoints',
        '     tags=["rag"],',
        " )",
        " ",
    ))
    assert err == "Would fix 2 violations in 3 files.\n"
    assert code == 1
    assert _tree(root) == before


def test_a_second_fix_changes_nothing(tmp_path, capsys):
    root = _project(tmp_path / "proj", {**MERGE, **{k: v for k, v in TAGS.items() if k != "server/main.py"}})
    main = root / "src/server/main.py"
    main.write_text(main.read_text() + _dedent("""
        from users.router import router as users_router
        from items import router as items

        app.include_router(users_router, tags=["users"])
        app.include_router(items.router, prefix=api_config.V1_PREFIX, tags=["items"])
    """))
    code, out, _ = _fix(root, capsys)
    assert out.startswith("Fixed 5 violations in 5 files.\n")
    for path in root.rglob("*.py"):
        os.utime(path, ns=(OLD, OLD))
    first = _tree(root)
    code, out, err = _fix(root, capsys)
    assert out == "Fixed 0 violations in 0 files.\nAll checks passed!\n"
    assert code == 0
    assert _tree(root) == first
    code, out, err = run_cli(["fix", "--diff", str(root)], capsys)
    assert out == "" and code == 0


# -- when nothing moves -------------------------------------------------------------------------

ROUTER = _dedent("""
    from fastapi import APIRouter

    router = APIRouter(prefix="/users", tags=["users"])


    @router.get("")
    def list_users() -> dict:
        return []
""")


def _main(*lines: str, imports: str = "from users.router import router") -> str:
    return "from fastapi import FastAPI\n\n" + imports + "\n\napp = FastAPI(openapi_url=None)\n" + "".join(
        line + "\n" for line in lines
    )


@pytest.mark.parametrize(
    "files, why",
    [
        (
            {"server/main.py": _main(
                'app.include_router(router, prefix="/api/v1")',
                'app.include_router(router, prefix="/api/v2")',
            )},
            "included twice",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "admin/router.py": """
                    from fastapi import APIRouter
                    from users.router import router as users

                    admin = APIRouter(prefix="/admin", tags=["admin"])
                    admin.include_router(users)
                """,
            },
            "included twice, in two modules",
        ),
        (
            {"server/main.py": _main('app.include_router(router, prefix="/api/v1")  # noqa: FCL005')},
            "suppressed",
        ),
        (
            {"server/main.py": _main(
                "app.include_router(",
                "    router,",
                '    prefix="/api/v1",  # noqa: FCL005',
                ")",
            )},
            "suppressed on the prefix's line of a multi-line call",
        ),
        (
            {"server/main.py": _main(
                "from app.settings import settings",
                "app.include_router(router, prefix=settings.USERS_PREFIX)",
            )},
            "the include's prefix is not known statically",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "users/router.py": """
                    from fastapi import APIRouter
                    from app.settings import settings

                    router = APIRouter(prefix=settings.USERS_PREFIX, tags=["users"])
                """,
            },
            "the router's prefix is not known statically",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "users/router.py": """
                    from fastapi import APIRouter

                    class UsersRouter(APIRouter):
                        def __init__(self, **kwargs):
                            super().__init__(tags=["users"], **kwargs)

                    router = UsersRouter(prefix="/users")
                """,
            },
            "a subclass with its own __init__",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "users/router.py": ROUTER + '\n\nrouter.add_route("/raw", list_users)\n',
            },
            "a Starlette route, which FastAPI does not put under the router's prefix",
        ),
        (
            {
                "server/main.py": _main(
                    'app.include_router(router, prefix="/api/v1")', 'router.mount("/static", FastAPI(openapi_url=None))'
                ),
            },
            "a mount on the router, in another module",
        ),
        (
            {
                "server/main.py": _main(
                    'app.include_router(router, prefix="/api/v1")', 'router.prefix = "/people"'
                ),
            },
            "the prefix changed after construction",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "server/setup.py": _dedent("""
                    from users.router import router as users


                    def configure(enabled):
                        if enabled:
                            users.tags.append(
                                "extra",
                            ); (
                                users
                                .routes
                            )
                """),
            },
            "tags and routes reached inside a function of a module the check does not need",
        ),
        (
            {
                "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
                "users/router.py": ROUTER + _dedent("""

                    from fastapi import APIRouter as Router

                    inner = Router()
                    inner.add_websocket_route("/ws", list_users)
                    router.include_router(inner)
                """),
            },
            "a router included into it has a Starlette route",
        ),
        (
            {"server/main.py": _main('app.include_router(router, prefix="/api/v1/")')},
            "a malformed include prefix, and FCL006 not selected",
        ),
        (
            {
                "server/main.py": _main(
                    "users = UsersApi()",
                    'app.include_router(users.router, prefix="/api/v1")',
                    imports="from users.api import UsersApi",
                ),
                "users/api.py": """
                    from fastapi import APIRouter


                    class UsersApi:
                        def __init__(self):
                            self.router = APIRouter(prefix="/users", tags=["users"])
                            self.router.add_api_route("", self.list_users, methods=["GET"])

                        def list_users(self):
                            return []
                """,
            },
            "a router each instance of a class makes (another instance may be included elsewhere)",
        ),
        (
            {"server/main.py": _main(
                'app.include_router(router, prefix="/users")  # FCL002: a doubled prefix',
            )},
            "a doubled prefix is FCL002's (unsafe) fix",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_nothing_moves(files, why, tmp_path, capsys):
    root = _project(tmp_path / "proj", {"users/router.py": ROUTER, **files})
    options = ("--select", "FCL005") if "FCL006 not selected" in why else ()
    before = _tree(root)
    static = _static_routes(root, capsys)
    code, out, err = _fix(root, capsys, *options)
    assert "Traceback" not in err and "internal error" not in err, err
    assert _tree(root) == before, why
    assert _static_routes(root, capsys) == static
    assert out.startswith("Fixed 0 violations in 0 files.\n"), out
    if "suppressed" not in why and "FCL002" not in why:
        assert ("src/server/main.py", "FCL005") in {(path, c) for path, _, c in _reported(out, root=root)}, out


def test_only_the_files_of_the_run_are_rewritten(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path / "proj", {
        "users/router.py": ROUTER,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
    })
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "src/server/main.py"], capsys)
    assert _tree(root) == before
    assert _reported(out, "FCL005") == [("src/server/main.py", 6, "FCL005")]

    # Excluded by the configuration: not part of the run either.
    (root / "pyproject.toml").write_text('[tool.fastapi-conventions-lint]\nextend-exclude = ["users"]\n')
    before = _tree(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert _tree(root) == before
    assert _reported(out, "FCL005") == [("src/server/main.py", 6, "FCL005")]


# -- select / ignore ----------------------------------------------------------------------------

BOTH = {
    "users/router.py": """
        from fastapi import APIRouter

        router = APIRouter()


        @router.get("")
        def list_users() -> dict:
            return []
    """,
    "server/main.py": _main('app.include_router(router, prefix="/api/v1/users", tags=["users"])'),
}


@pytest.mark.parametrize(
    "options, router, include",
    [
        ([], 'APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=["users"])', "app.include_router(router)"),
        (["--select", "FCL005"], 'APIRouter(prefix=f"{api_config.V1_PREFIX}/users")',
         'app.include_router(router, tags=["users"])'),
        (["--ignore", "FCL005"], 'APIRouter(tags=["users"])',
         'app.include_router(router, prefix="/api/v1/users")'),
        (["--select", "FCL004"], "APIRouter()", 'app.include_router(router, prefix="/api/v1/users", tags=["users"])'),
    ],
)
def test_select_and_ignore_decide_which_moves_are_made(options, router, include, tmp_path, capsys):
    root = _project(tmp_path / "proj", BOTH)
    _fix(root, capsys, *options)
    assert f"router = {router}\n" in _read(root, "users/router.py")
    assert ("from server.config import api_config\n" in _read(root, "users/router.py")) == ("api_config" in router)
    assert _read(root, "server/main.py").endswith(include + "\n")


def test_a_router_noqa_keeps_its_missing_tags(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        **BOTH,
        "users/router.py": BOTH["users/router.py"].replace("APIRouter()", "APIRouter()  # noqa: FCL003"),
    })
    _fix(root, capsys)
    assert _read(root, "server/main.py").endswith('app.include_router(router, tags=["users"])\n')
    assert 'router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users")  # noqa: FCL003\n' in _read(
        root, "users/router.py"
    )


# -- the FCL001 form and the layout of the router call --------------------------------------------


@pytest.mark.parametrize(
    "include_prefix, router_call, expected",
    [
        ('"/api/v1/rag"', "APIRouter()", "APIRouter(prefix=api_config.RAG_PREFIX)"),
        ('"/internal"', 'APIRouter(prefix="/tools")', 'APIRouter(prefix="/internal/tools")'),
        ('"/api/v1"', 'APIRouter(prefix="/items/{item_id}")',
         'APIRouter(prefix=f"{api_config.V1_PREFIX}/items/{{item_id}}")'),
        ("api_config.RAG_PREFIX", "APIRouter(prefix=api_config.DATA_PREFIX)",
         'APIRouter(prefix=f"{api_config.RAG_PREFIX}/api/v1/data")'),
        ('"/api/v1/"', 'APIRouter(prefix="/things/")', 'APIRouter(prefix=f"{api_config.V1_PREFIX}/things")'),
        ('"/api/v1"', "APIRouter(dependencies=[], prefix = '/x')",
         'APIRouter(dependencies=[], prefix = f"{api_config.V1_PREFIX}/x")'),
        ('"/api/v1/things"', "APIRouter(dependencies = [])",
         'APIRouter(prefix = f"{api_config.V1_PREFIX}/things", dependencies = [])'),
        ('"/api/v1/things"', "APIRouter(  # the things\n    dependencies=[],\n)",
         'APIRouter(  # the things\n    prefix=f"{api_config.V1_PREFIX}/things",\n    dependencies=[],\n)'),
        ('"/api/v1/things"', "APIRouter(\n    dependencies=[]\n)",
         'APIRouter(\n    prefix=f"{api_config.V1_PREFIX}/things",\n    dependencies=[]\n)'),
        ('"/api/v1"', "APIRouter(prefix=(\n    \"/things\"\n))",
         'APIRouter(prefix=(\n    f"{api_config.V1_PREFIX}/things"\n))'),
    ],
    ids=["constant", "no-constant", "path-parameter", "config-both-sides", "normalised",
         "keyword-spacing", "added-first", "one-per-line", "one-per-line-no-comma", "parenthesised"],
)
def test_the_merged_prefix(include_prefix, router_call, expected, tmp_path, capsys):
    """The include's prefix and the router's own, merged and written as FCL001 wants, in the
    router call laid out as it was."""
    root = _project(tmp_path / "proj", {
        "things/router.py": (
            "from fastapi import APIRouter, Request\nfrom server.config import api_config\n\n"
            f"router = {router_call}\n\n\n@router.get(\"/x\")\ndef things(request: Request):\n    return []\n"
        ),
        "server/main.py": _main(
            f"app.include_router(router, prefix={include_prefix})",
            imports="from things.router import router\nfrom server.config import api_config",
        ),
    })
    malformed = include_prefix.endswith('/"')  # FastAPI refuses to start: nothing to compare
    served = None if malformed else _served_routes(root)
    code, out, err = _fix(root, capsys)
    assert err == ""
    assert f"router = {expected}\n" in _read(root, "things/router.py")
    assert _read(root, "server/main.py").endswith("app.include_router(router)\n")
    if not malformed:
        assert _served_routes(root) == served


def test_a_name_taken_in_the_router_module_gives_a_plain_literal(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "users/router.py": """
            from fastapi import APIRouter

            api_config = {"name": "not the configured object"}
            router = APIRouter(prefix="/users", tags=["users"])
        """,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
    })
    code, out, err = _fix(root, capsys)
    text = _read(root, "users/router.py")
    assert 'router = APIRouter(prefix="/api/v1/users", tags=["users"])\n' in text
    assert "import api_config" not in text
    # Reported by FCL001 as any hardcoded prefix is; no fix: the name means something else.
    assert _reported(out, "FCL001", "FCL005", root=root) == [("src/users/router.py", 4, "FCL001")]


def test_an_alias_of_the_config_object_is_used(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "users/router.py": """
            from fastapi import APIRouter

            from server.config import api_config as cfg

            router = APIRouter(prefix=cfg.V1_PREFIX, tags=["users"])
        """,
        "server/main.py": _main('app.include_router(router, prefix="/users")'),
    })
    _fix(root, capsys)
    # "/users" + "/api/v1": under no configured root, a plain literal; the alias is kept.
    assert 'router = APIRouter(prefix="/users/api/v1", tags=["users"])\n' in _read(root, "users/router.py")


def test_router_and_include_in_one_file(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "server/main.py": """
            from fastapi import APIRouter, FastAPI

            app = FastAPI(openapi_url=None)
            health = APIRouter()


            @health.get("/health")
            def read_health() -> dict:
                return {"ok": True}


            app.include_router(health, prefix="/api/v1/ops", tags=["ops"])
        """,
    })
    served = _served_routes(root)
    code, out, err = _fix(root, capsys)
    assert _read(root, "server/main.py") == _dedent("""
        from fastapi import APIRouter, FastAPI

        from server.config import api_config

        app = FastAPI(openapi_url=None)
        health = APIRouter(prefix=f"{api_config.V1_PREFIX}/ops", tags=["ops"])


        @health.get("/health")
        def read_health() -> dict:
            return {"ok": True}


        app.include_router(health)
    """)
    assert out == "Fixed 2 violations in 1 file.\nAll checks passed!\n"
    assert _served_routes(root) == served == [(["GET"], "/api/v1/ops/health")]


def test_nested_routers_and_a_parent_with_its_own_prefix(tmp_path, capsys):
    """Moving P from `parent.include_router(child, prefix=P)` keeps parent prefix + P + child
    prefix, whatever the parent is: here a router with a prefix, included into the app with
    one of its own, and a conditional include."""
    root = _project(tmp_path / "proj", {
        "server/main.py": """
            import os

            from fastapi import FastAPI

            from server.config import api_config
            from shop import api

            app = FastAPI(openapi_url=None)
            app.include_router(api.shop, prefix=api_config.V1_PREFIX)
            if os.environ.get("NEVER_SET_IN_THE_TEST"):
                app.include_router(api.beta, prefix="/beta")
        """,
        "shop/api.py": """
            from fastapi import APIRouter

            from shop.orders import orders

            shop = APIRouter(prefix="/shop", tags=["shop"])
            beta = APIRouter(tags=["beta"])


            @beta.get("/ping")
            def ping() -> dict:
                return "pong"


            @shop.api_route("/cart", methods=["GET", "DELETE"])
            def cart() -> dict:
                return []


            shop.include_router(orders, prefix="/orders/{order_id}")
        """,
        "shop/orders.py": """
            from fastapi import APIRouter

            orders = APIRouter(prefix="/lines")


            @orders.get("/{line}")
            def read_line(order_id: int, line: int) -> dict:
                return {}


            @orders.websocket("/live")
            async def live(websocket):
                await websocket.accept()


            def add(order_id: int):
                return {}


            orders.add_api_route("", add, methods=["POST"], include_in_schema=False)
        """,
    })
    static, served = _static_routes(root, capsys), _served_routes(root)
    assert served == [
        (["DELETE", "GET"], "/api/v1/shop/cart"),
        (["GET"], "/api/v1/shop/orders/{order_id}/lines/{line}"),
        (["POST"], "/api/v1/shop/orders/{order_id}/lines"),
    ]
    code, out, err = _fix(root, capsys)
    assert err == ""
    assert 'shop = APIRouter(prefix=f"{api_config.V1_PREFIX}/shop", tags=["shop"])' in _read(root, "shop/api.py")
    assert 'beta = APIRouter(prefix="/beta", tags=["beta"])' in _read(root, "shop/api.py")
    assert "shop.include_router(orders)\n" in _read(root, "shop/api.py")
    assert 'orders = APIRouter(prefix="/orders/{order_id}/lines")' in _read(root, "shop/orders.py")
    assert "app.include_router(api.shop)\n" in _read(root, "server/main.py")
    assert "    app.include_router(api.beta)\n" in _read(root, "server/main.py")
    assert out.startswith("Fixed 3 violations in 3 files.\n")
    assert _static_routes(root, capsys) == static
    assert _served_routes(root) == served


# -- what a user's files keep -------------------------------------------------------------------


def test_encoding_line_endings_and_mode_are_kept(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "server/main.py": _main('app.include_router(router, prefix="/api/v1/caf\u00e9", tags=["caf\u00e9"])'),
        "users/router.py": "",
    })
    router = root / "src/users/router.py"
    router.write_bytes(
        b"# -*- coding: latin-1 -*-\r\n"
        b'"""Caf\xe9."""\r\n'
        b"from fastapi import APIRouter\r\n"
        b"\r\n"
        b"router = APIRouter()  # \xe0 la carte\r\n"
    )
    os.chmod(router, 0o755)
    main = root / "src/server/main.py"
    main.write_bytes(b"\xef\xbb\xbf" + main.read_bytes())
    code, out, err = _fix(root, capsys)
    assert err == ""
    assert router.read_bytes() == (
        b"# -*- coding: latin-1 -*-\r\n"
        b'"""Caf\xe9."""\r\n'
        b"from fastapi import APIRouter\r\n"
        b"\r\n"
        b"from server.config import api_config\r\n"
        b"\r\n"
        b'router = APIRouter(prefix=f"{api_config.V1_PREFIX}/caf\xe9", tags=["caf\xe9"])  # \xe0 la carte\r\n'
    )
    assert stat.S_IMODE(router.stat().st_mode) == 0o755
    assert main.read_bytes().startswith(b"\xef\xbb\xbffrom fastapi import FastAPI\n")
    assert main.read_bytes().endswith(b"app.include_router(router)\n")


def test_a_tag_the_router_file_cannot_encode_is_not_moved(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "server/main.py": _main('app.include_router(router, prefix="/api/v1/users", tags=["\u7528\u6237"])'),
        "users/router.py": "",
    })
    router = root / "src/users/router.py"
    router.write_bytes(b"# -*- coding: latin-1 -*-\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n")
    before = _tree(root)
    code, out, err = _fix(root, capsys)
    assert err == (
        f"fastapi-conventions-lint: warning: {root / 'src/server/main.py'}:6: FCL003: the include_router "
        f"tags were not moved into the router in {router}: the new text cannot be written in the "
        "file's encoding (iso-8859-1)\n"
    )
    # The prefix moves all the same; the tags stay where they are.
    assert router.read_bytes() == (
        b"# -*- coding: latin-1 -*-\nfrom fastapi import APIRouter\n\nfrom server.config import api_config\n\n"
        b'router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users")\n'
    )
    assert _read(root, "server/main.py").endswith('app.include_router(router, tags=["\u7528\u6237"])\n')
    assert _tree(root) != before


def test_a_router_file_without_write_permission_keeps_both_files_as_they_were(tmp_path, capsys):
    root = _project(tmp_path / "proj", {
        "users/router.py": ROUTER,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
    })
    router = root / "src/users/router.py"
    os.chmod(router, 0o444)
    before = _tree(root)
    code, out, err = _fix(root, capsys)
    assert err == (
        f"fastapi-conventions-lint: warning: {root / 'src/server/main.py'}:6: FCL005: the include_router "
        f"prefix was not moved into the router in {router}: {router}: the file is read-only\n"
    )
    assert _tree(root) == before
    assert _reported(out, "FCL005", root=root) == [("src/server/main.py", 6, "FCL005")]
    # --diff writes nothing: the preview shows the move all the same.
    code, out, err = run_cli(["fix", "--diff", str(root)], capsys)
    assert "+router = APIRouter(prefix=f\"{api_config.V1_PREFIX}/users\", tags=[\"users\"])\n" in out


# -- files outside the run, and the checks that keep a move from being made -------------------------

TEST_APP = """
    from fastapi import FastAPI

    from users.router import router

    test_app = FastAPI(openapi_url=None)
    test_app.include_router(router, prefix="/api/v1")
"""


@pytest.mark.parametrize(
    "outside",
    [
        {"tests/test_users.py": TEST_APP},
        {"tests/conftest.py": "from users.router import router\n\nPATHS = [route.path for route in router.routes]\n"},
    ],
    ids=["included-again-by-a-test", "routes-read-by-a-test"],
)
def test_a_file_outside_the_checked_paths_can_keep_the_router_as_it_is(outside, tmp_path, capsys, monkeypatch):
    root = _project(tmp_path / "proj", {
        "users/router.py": ROUTER,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
    })
    for name, text in outside.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(_dedent(text))
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert err == ""
    assert _tree(root) == before
    assert _reported(out, "FCL005") == [("src/server/main.py", 6, "FCL005")]


def test_the_files_outside_the_run_are_not_read_past_a_limit(tmp_path, capsys, monkeypatch):
    import fastapi_conventions_lint.fix.cross_file as cross_file

    root = _project(tmp_path / "proj", {
        "users/router.py": ROUTER,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1")'),
    })
    (root / "tools.py").write_text("print('not part of the run')\n")
    monkeypatch.setattr(cross_file, "MAX_OUTSIDE_FILES", 0)
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert err == (
        "fastapi-conventions-lint: warning: the include_router prefixes and tags were not moved: "
        "over 0 files outside the checked paths would need reading to know that each router is "
        "included only once\n"
    )
    assert _tree(root) == before


def test_a_refused_edit_drops_only_its_own_move(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path / "proj", {
        "users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(tags=[  # filled in by main.py for now
            ])


            @router.get("")
            def list_users() -> dict:
                return []
        """,
        "server/main.py": _main('app.include_router(router, prefix="/api/v1/users", tags=["users"])'),
    })
    monkeypatch.chdir(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert err == (
        "fastapi-conventions-lint: warning: src/server/main.py:6: FCL003: the include_router tags "
        "were not moved into the router in src/users/router.py: the tags value has comments "
        "inside it that the rewrite would drop\n"
    )
    assert _read(root, "users/router.py").startswith(_dedent("""
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=[  # filled in by main.py for now
        ])
    """))
    assert _read(root, "server/main.py").endswith('app.include_router(router, tags=["users"])\n')
    assert out.startswith("Fixed 1 violation in 2 files.\n")


def test_a_route_table_that_would_change_keeps_every_file_as_it_was(tmp_path, capsys, monkeypatch):
    """The last check: the static route table of the app, before and after the moves. Made to
    differ here (as a wrong move would make it), nothing moves; the per-file fixes still run."""
    import fastapi_conventions_lint.fix.cross_file as cross_file

    root = _project(tmp_path / "proj", {
        **MERGE,
        "extra/router.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/v1/data/x/", tags=["x"])\n',
    })
    # Before, after; in every round of the run (a wrong move stays wrong).
    tables = itertools.cycle([[("app", "app", [("http", ("GET",), "/a")])], [("app", "app", [("http", ("GET",), "/b")])]])
    monkeypatch.setattr(cross_file, "_route_tables", lambda indexes, files: next(tables))
    code, out, err = _fix(root, capsys)
    assert err == (
        "fastapi-conventions-lint: warning: the include_router prefixes and tags were not moved: "
        "the static route table would not stay the same\n"
    )
    assert _read(root, "server/main.py") == _dedent(MERGE["server/main.py"])
    assert _read(root, "controlnet/skeletons.py") == _dedent(MERGE["controlnet/skeletons.py"])
    assert 'APIRouter(prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])' in _read(root, "extra/router.py")
    assert sorted(code for _, _, code in _reported(out, root=root)) == ["FCL001", "FCL001", "FCL005", "FCL005"]


def test_an_error_in_the_moves_is_a_warning_and_the_other_fixes_run(tmp_path, capsys, monkeypatch):
    import fastapi_conventions_lint.fix.cross_file as cross_file

    def broken(*args, **kwargs):
        raise RuntimeError("planning went wrong")

    root = _project(tmp_path / "proj", {
        **MERGE,
        "extra/router.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/api/v1/data/x/", tags=["x"])\n',
    })
    monkeypatch.setattr(cross_file, "apply_moves", broken)
    code, out, err = _fix(root, capsys)
    assert err == (
        "fastapi-conventions-lint: warning: the include_router prefixes and tags were not moved: "
        "RuntimeError: planning went wrong\n"
    )
    assert _read(root, "server/main.py") == _dedent(MERGE["server/main.py"])
    assert 'APIRouter(prefix=f"{api_config.DATA_PREFIX}/x", tags=["x"])' in _read(root, "extra/router.py")
    assert out.startswith("Fixed 2 violations in 1 file.\n")


def test_a_rewrite_whose_facts_do_not_show_the_move_is_dropped(tmp_path, capsys, monkeypatch):
    """After the codemod, each touched file is analysed again: the include must have lost
    the argument and the router must have the merged value. A rewrite that did not do that
    (here: one that changes nothing) drops the move."""
    import fastapi_conventions_lint.fix.codemods.moves as moves

    monkeypatch.setattr(moves, "rewrite_calls", lambda text, filename, edits, layout=None: (text, ""))
    root = _project(tmp_path / "proj", BOTH)
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "--select", "FCL005,FCL003", "src"], capsys)
    assert err == (
        "fastapi-conventions-lint: warning: src/server/main.py:6: FCL005: the include_router prefix "
        "was not moved into the router in src/users/router.py: the include still passes a prefix\n"
        "fastapi-conventions-lint: warning: src/server/main.py:6: FCL003: the include_router tags "
        "were not moved into the router in src/users/router.py: the include still passes tags\n"
    )
    assert _tree(root) == before


def test_a_file_that_changes_during_the_run_is_not_moved_into(tmp_path, capsys, monkeypatch):
    from fastapi_conventions_lint.commands import check as check_command

    root = _project(tmp_path / "proj", {**BOTH})
    router = root / "src/users/router.py"
    first_pass = check_command.CheckRun._first_pass

    def edited_meanwhile(self, files, moved):
        entries = first_pass(self, files, moved)
        if not moved:
            router.write_text(router.read_text() + "# edited meanwhile\n")
        return entries

    monkeypatch.setattr(check_command.CheckRun, "_first_pass", edited_meanwhile)
    monkeypatch.chdir(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert "the file changed while it was being fixed" in err
    assert _read(root, "server/main.py").endswith(
        'app.include_router(router, prefix="/api/v1/users", tags=["users"])\n'
    )
    assert _read(root, "users/router.py").endswith("# edited meanwhile\n")
    assert "router = APIRouter()\n" in _read(root, "users/router.py")


def test_a_router_file_that_cannot_be_decoded_is_not_moved_into(tmp_path, capsys, monkeypatch):
    root = _project(tmp_path / "proj", {**BOTH})
    router = root / "src/users/router.py"
    router.write_bytes(router.read_bytes() + b"# caf\xe9 (latin-1, no coding line)\n")
    monkeypatch.chdir(root)
    before = _tree(root)
    code, out, err = run_cli(["fix", "src"], capsys)
    assert err == ""
    assert _tree(root) == before
    assert _reported(out, "FCL005", "FCL900") == [
        ("src/server/main.py", 6, "FCL005"), ("src/users/router.py", 9, "FCL900"),
    ]


# -- the fixture apps ---------------------------------------------------------------------------


def _copy_fixture(name: str, destination: Path) -> Path:
    shutil.copytree(FIXTURES / name, destination, ignore=shutil.ignore_patterns("__pycache__"))
    (destination / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    return destination


def _includes_to_move(root: Path, capsys) -> List[Tuple[str, int, str]]:
    """What `check` reports with FCL005 and FCL003 (the candidates for a move)."""
    code, out, _ = run_cli(["check", "--select", "FCL005,FCL003", str(root)], capsys)
    return _reported(out, root=root)


@pytest.mark.parametrize("fixture", ["violations_app", "fixable_app"])
def test_the_fixture_apps_keep_their_static_route_table(fixture, tmp_path, capsys):
    """The moves alone (FCL005 and FCL003 selected) leave every path and method the app
    serves as it was; `--diff` showed exactly what `fix` then wrote."""
    root = _copy_fixture(fixture, tmp_path / fixture)
    candidates = _includes_to_move(root, capsys)
    static = _static_routes(root, capsys)
    before = _tree(root)
    code, diff, err = run_cli(["fix", "--diff", "--select", "FCL005,FCL003", str(root)], capsys)
    assert _tree(root) == before
    code, out, err = run_cli(["fix", "--select", "FCL005,FCL003", str(root)], capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    assert _static_routes(root, capsys) == static
    moved = int(re.match(r"Fixed (\d+) violations?", out).group(1))
    # Each move removes the diagnostic it fixes (a tags move may also exempt nested routers).
    code, remaining, _ = run_cli(["check", "--select", "FCL005,FCL003", str(root)], capsys)
    assert len(_reported(remaining)) <= len(candidates) - moved
    changed = sorted(name for name, state in _tree(root).items() if state[0] != before[name][0])
    assert sorted(
        line[4:] for line in diff.splitlines() if line.startswith("+++ ")
    ) == sorted(str(root / name) for name in changed)
    # What remains reported as FCL005 is what could not move; a second run moves nothing.
    code, out, err = run_cli(["fix", "--select", "FCL005,FCL003", str(root)], capsys)
    assert out.startswith("Fixed 0 violations in 0 files.\n")


def test_the_violations_fixture_moves_the_billing_prefix(tmp_path, capsys):
    """fixtures/violations_app: main.py includes billing's router (which has routes and tags
    but no prefix) once, with prefix="/api/v1/billing"; the safe fixes move it."""
    root = _copy_fixture("violations_app", tmp_path / "violations_app")
    billing = root / "src/capabilities/billing/router.py"
    assert 'router = APIRouter(tags=["billing"])' in billing.read_text()
    assert 'app.include_router(billing_router, prefix="/api/v1/billing")' in (root / "src/server/main.py").read_text()
    billing_routes = [route for route in _static_routes(root, capsys) if "/billing/" in route[1]]
    assert billing_routes
    code, out, err = _fix(root, capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    assert 'router = APIRouter(prefix=f"{api_config.V1_PREFIX}/billing", tags=["billing"])' in billing.read_text()
    assert "from server.config import api_config\n" in billing.read_text()
    assert "app.include_router(billing_router)" in (root / "src/server/main.py").read_text()
    assert [route for route in _static_routes(root, capsys) if "/billing/" in route[1]] == billing_routes
    # FCL004 (routes, no prefix) went with it; the suppressed and unresolved includes stayed.
    remaining = _reported(out, root=root)
    assert ("src/capabilities/billing/router.py", "FCL004") not in {(p, c) for p, _, c in remaining}
    assert "app.include_router(legacy_router, prefix=\"/legacy\")  # noqa: FCL005" in (root / "src/server/main.py").read_text()
    assert "prefix=settings.MEMORIES_PREFIX" in (root / "src/server/main.py").read_text()


def test_the_violations_fixture_moves_the_labels_tags(tmp_path, capsys):
    """fixtures/violations_app: main.py includes the labels router once with tags=["labels"]
    while the router has none (FCL003); the safe fix moves them into its definition."""
    root = _copy_fixture("violations_app", tmp_path / "violations_app")
    labels = root / "src/capabilities/labels/router.py"
    main = root / "src/server/main.py"
    assert 'app.include_router(labels_router, tags=["labels"])' in main.read_text()
    labels_routes = [route for route in _static_routes(root, capsys) if "/labels" in route[1]]
    assert labels_routes
    code, out, err = _fix(root, capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    assert (
        'router = APIRouter(\n    prefix=f"{api_config.CAPABILITIES_PREFIX}/labels", tags=["labels"]\n)'
        in labels.read_text()
    )
    assert "app.include_router(labels_router)\n" in main.read_text()
    assert [route for route in _static_routes(root, capsys) if "/labels" in route[1]] == labels_routes
    remaining = _reported(out, root=root)
    assert ("src/capabilities/labels/router.py", "FCL003") not in {(p, c) for p, _, c in remaining}
