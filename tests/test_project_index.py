"""Project analysis in the CLI: include_router calls linked across modules.

Each test builds a small multi-module project in tmp_path (a pyproject.toml with a
`[tool.fastapi-conventions-lint]` table, with or without a src/ folder) and runs `check` on it
in-process. What a user notices: a router included into a router of another module is nested
(FCL001/FCL004 do not apply, FCL003 not under a tagged parent), a prefix repeated across modules
is FCL002 rather than FCL005, and nothing of the analysed project is ever imported or run.
The unit tests at the end pin down how file paths become module names and relative imports
become absolute ones.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

import pytest

from conftest import CONFIG_MODULE, parse_output, run_cli, run_flake8, summary_of
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.project.modules import absolute

Found = Set[Tuple[str, int, str]]

# A router with a handler, a hardcoded prefix and no tags: on its own (or included into the
# app) it is FCL001 and FCL003; nested in a tagged router of another module it is clean.
USERS_ROUTER = '''
    from fastapi import APIRouter

    router = APIRouter(prefix="/users")


    @router.get("")
    def list_users() -> dict:
        return []
'''
USERS_ALONE = {(3, "FCL001"), (3, "FCL003")}

# The same without a prefix: FCL004 (and FCL003) unless nested.
UNPREFIXED_ROUTER = '''
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/users")
    def list_users() -> dict:
        return []
'''


def tagged_router(prefix: str, name: str = "users") -> str:
    """A router with tags, a handler and the given prefix expression."""
    return f'''
        from fastapi import APIRouter
        from server.config import api_config

        router = APIRouter(prefix={prefix}, tags=["{name}"])


        @router.get("")
        def list_{name}() -> list:
            return []
    '''


def v1_parent(import_line: str, expression: str, tags: str = ', tags=["v1"]') -> str:
    """An aggregator router (prefix from api_config) that includes `expression`."""
    return f'''
        from fastapi import APIRouter
        from server.config import api_config
        {import_line}

        v1 = APIRouter(prefix=api_config.V1_PREFIX{tags})
        v1.include_router({expression})
    '''


def main_including(import_line: str, expression: str, prefix: Optional[str] = None) -> str:
    """An app module that includes `expression` (line 5 holds the include_router call)."""
    extra = f", prefix={prefix}" if prefix is not None else ""
    return f'''
        from fastapi import FastAPI
        {import_line}

        app = FastAPI(openapi_url=None)
        app.include_router({expression}{extra})
    '''


def make_project(root: Path, files: Dict[str, str], config: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'sample'\n\n[tool.fastapi-conventions-lint]\n" + textwrap.dedent(config),
        encoding="utf-8",
    )
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check(capsys, root: Path, *paths: str, command: str = "check", options=()) -> tuple:
    """Run the CLI on `paths` under root (default: the root directory itself):
    (exit code, {(relative path, line, code)}, the parsed lines, stdout, stderr)."""
    targets = [str(root / p) for p in paths] if paths else [str(root)]
    code, out, err = run_cli([command, *options, *targets], capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    assert "project analysis failed" not in err, err
    reported = parse_output(out)
    found = {
        (Path(item.path).resolve().relative_to(root.resolve()).as_posix(), item.line, item.code)
        for item in reported
    }
    return code, found, reported, out, err


def in_file(found: Found, name: str) -> Set[Tuple[int, str]]:
    return {(line, code) for path, line, code in found if path == name}


# -- import forms: a router nested in a router of another module ------------------------------

IMPORT_FORMS = [
    pytest.param("src/app/api.py", "from .users import router", "router", id="from-dot-module"),
    pytest.param("src/app/api.py", "from . import users", "users.router", id="from-dot-import-module"),
    pytest.param(
        "src/app/parts/v1.py", "from ..users import router as users_router", "users_router",
        id="from-dotdot-alias",
    ),
    pytest.param("src/app/parts/v1.py", "from .. import users as u", "u.router", id="from-dotdot-import-alias"),
    pytest.param(
        "src/app/parts/deep/v1.py", "from ...users import router", "router", id="three-levels-up",
    ),
    pytest.param("src/api.py", "from app.users import router as users_router", "users_router", id="absolute-alias"),
    pytest.param("src/api.py", "import app.users", "app.users.router", id="import-dotted"),
    pytest.param("src/api.py", "import app.users as u", "u.router", id="import-as"),
    pytest.param("src/api.py", "from app import users", "users.router", id="from-package-import-module"),
]


@pytest.mark.parametrize("parent_file, import_line, expression", IMPORT_FORMS)
def test_router_nested_in_a_router_of_another_module_is_exempt(
    tmp_path, capsys, parent_file, import_line, expression
):
    files = {
        "src/app/__init__.py": "",
        "src/app/users.py": USERS_ROUTER,
        parent_file: v1_parent(import_line, expression),
    }
    for package in Path(parent_file).parents:
        if package.parts[:2] == ("src", "app") and len(package.parts) > 2:
            files[f"{package.as_posix()}/__init__.py"] = ""
    root = make_project(tmp_path / "proj", files)

    code, found, _, out, _ = check(capsys, root)

    assert found == set(), out
    assert code == 0
    # The router's file checked alone (as pre-commit passes it): the module that includes it
    # is read all the same, so the answer is the same.
    code, found, _, out, _ = check(capsys, root, "src/app/users.py")
    assert found == set(), out
    assert code == 0


def test_include_that_resolves_to_nothing_keeps_the_router_unexempt(tmp_path, capsys):
    # `users.router` where `users` is the module `app.users` is the router; `users.missing`
    # names nothing: the router in app/users.py is not included anywhere.
    root = make_project(tmp_path / "proj", {
        "src/app/__init__.py": "",
        "src/app/users.py": USERS_ROUTER,
        "src/app/api.py": v1_parent("from . import users", "users.missing"),
    })
    code, found, _, out, _ = check(capsys, root)
    assert in_file(found, "src/app/users.py") == USERS_ALONE, out
    assert code == 1


# -- __init__ re-exports -------------------------------------------------------------------

REEXPORTS = [
    pytest.param("from .router import router", "from users import router", "router", id="same-name"),
    pytest.param(
        "from .router import router", "from users import router as users_router", "users_router",
        id="same-name-aliased",
    ),
    pytest.param("from .router import router", "import users", "users.router", id="import-package"),
    pytest.param(
        "from .router import router as users_router", "from users import users_router", "users_router",
        id="renamed",
    ),
    pytest.param(
        "from users.router import router", "from users import router", "router", id="absolute-in-init",
    ),
]


def reexport_project(root: Path, init_line: str, import_line: str, expression: str) -> Path:
    return make_project(root, {
        "src/server/__init__.py": "",
        "src/server/main.py": main_including(import_line, expression, prefix='"/api/v1"'),
        "src/users/__init__.py": init_line + "\n",
        "src/users/router.py": tagged_router('"/api/v1/users"'),
    })


@pytest.mark.parametrize("init_line, import_line, expression", REEXPORTS)
@pytest.mark.parametrize("explicit", [False, True], ids=["directory", "named-files"])
def test_router_reexported_by_package_init(tmp_path, capsys, init_line, import_line, expression, explicit):
    root = reexport_project(tmp_path / "proj", init_line, import_line, expression)
    # Named explicitly, only main.py and the router module are checked: users/__init__.py is
    # read on demand. Walking the directory, the prefilter skips it (it never says fastapi).
    paths = ("src/server/main.py", "src/users/router.py") if explicit else ()

    code, found, reported, out, _ = check(capsys, root, *paths)

    assert found == {
        ("src/server/main.py", 5, "FCL002"),
        ("src/users/router.py", 4, "FCL001"),  # included into the app: not nested
    }, out
    (doubled,) = [r for r in reported if r.code == "FCL002"]
    assert doubled.col == len(f"app.include_router({expression}, prefix=") + 1
    assert '"/api/v1/api/v1/users"' in doubled.message
    assert code == 1


def test_reexport_from_an_unchecked_init_exempts_a_nested_router(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/users/__init__.py": "from .router import router\n",
        "src/users/router.py": USERS_ROUTER,
        "src/api/v1.py": v1_parent("from users import router as users_router", "users_router"),
    })
    code, found, _, out, _ = check(capsys, root, "src/api/v1.py", "src/users/router.py")
    assert found == set(), out
    assert code == 0


# -- include chains over three modules, conditional includes --------------------------------


def chain_project(root: Path, users_router: str) -> Path:
    return make_project(root, {
        "src/users/__init__.py": "",
        "src/users/router.py": users_router,
        "src/api/__init__.py": "",
        "src/api/v1.py": v1_parent("from users.router import router as users_router", "users_router"),
        "src/server/__init__.py": "",
        "src/server/main.py": main_including("from api.v1 import v1", "v1"),
    })


def test_router_in_a_router_in_the_app_across_three_modules(tmp_path, capsys):
    root = chain_project(tmp_path / "proj", USERS_ROUTER)
    code, found, _, out, _ = check(capsys, root)
    assert found == set(), out
    assert code == 0


def test_unprefixed_router_nested_across_modules_is_not_fcl004(tmp_path, capsys):
    root = chain_project(tmp_path / "proj", UNPREFIXED_ROUTER)
    code, found, _, out, _ = check(capsys, root)
    assert found == set(), out
    assert code == 0

    # Checked alone, the same file gives the same answer.
    code, found, _, out, _ = check(capsys, root, "src/users/router.py")
    assert found == set(), out


def test_doubled_prefix_of_a_nested_router_across_modules(tmp_path, capsys):
    # v1 (in api/v1.py) has api_config.V1_PREFIX; the router it includes from users/router.py
    # already starts with it: the served path repeats /api/v1 (FCL002 at the router argument).
    root = chain_project(tmp_path / "proj", tagged_router('f"{api_config.V1_PREFIX}/users"'))
    code, found, reported, out, _ = check(capsys, root)
    assert found == {("src/api/v1.py", 6, "FCL002")}, out
    (doubled,) = reported
    assert doubled.col == 19
    assert '"/api/v1/api/v1/users"' in doubled.message
    assert code == 1


def test_conditional_includes_count(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/extras/router.py": USERS_ROUTER,
        # Its own path: the extras router already serves GET /api/v1/users (FCL007).
        "src/admin/router.py": UNPREFIXED_ROUTER.replace('"/users"', '"/admins"'),
        "src/legacy/router.py": tagged_router('"/api/v1/legacy"', "legacy"),
        "src/api/v1.py": '''
            from fastapi import APIRouter
            from server.config import api_config
            from server.settings import settings

            v1 = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])

            try:
                from extras.router import router as extras_router

                v1.include_router(extras_router)
            except ImportError:
                pass

            if settings.ENABLE_ADMIN:
                from admin.router import router as admin_router

                v1.include_router(admin_router)
        ''',
        "src/server/main.py": '''
            from fastapi import FastAPI
            from api.v1 import v1
            from server.settings import settings

            app = FastAPI(openapi_url=None)
            app.include_router(v1)
            if settings.LEGACY:
                from legacy import router as legacy

                app.include_router(legacy.router, prefix="/api/v1")
        ''',
    })
    code, found, _, out, _ = check(capsys, root)
    assert found == {
        # The legacy router is included into the app (conditionally): not nested, and the
        # include repeats its prefix.
        ("src/legacy/router.py", 4, "FCL001"),
        ("src/server/main.py", 10, "FCL002"),
    }, out
    assert code == 1


# -- FCL002 / FCL005 across modules ---------------------------------------------------------


@pytest.mark.parametrize(
    "router_prefix, include_prefix, expected, served",
    [
        pytest.param('"/api/v1/users"', '"/api/v1"', "FCL002", "/api/v1/api/v1/users", id="literals"),
        pytest.param('"/api/v1"', '"/api/v1"', "FCL002", "/api/v1/api/v1", id="equal-literals"),
        pytest.param(
            'f"{api_config.SERVICES_PREFIX}/feature"', "api_config.SERVICES_PREFIX", "FCL002",
            "/api/v1/services/api/v1/services/feature", id="api-config-constants",
        ),
        pytest.param(
            "api_config.RAG_PREFIX", '"/api/v1"', "FCL002", "/api/v1/api/v1/rag", id="constant-vs-literal",
        ),
        pytest.param('"/users"', '"/api/v1"', "FCL005", None, id="no-overlap"),
        pytest.param('"/api/v1-beta/users"', '"/api/v1"', "FCL005", None, id="not-on-a-segment-boundary"),
        pytest.param(
            "api_config.RAG_PREFIX", "api_config.AUTH_PREFIX", "FCL005", None, id="different-constants",
        ),
    ],
)
def test_prefix_repeated_at_include_across_modules(
    tmp_path, capsys, router_prefix, include_prefix, expected, served
):
    root = make_project(tmp_path / "proj", {
        "src/users/router.py": tagged_router(router_prefix),
        "src/server/main.py": main_including(
            "from server.config import api_config\n        from users.router import router as users_router",
            "users_router", prefix=include_prefix,
        ),
    })
    code, found, reported, out, _ = check(capsys, root)
    assert in_file(found, "src/server/main.py") == {(6, expected)}, out
    (at_include,) = [r for r in reported if r.path.endswith("main.py")]
    assert at_include.col == len("app.include_router(users_router, prefix=") + 1
    if served:
        assert f'"{served}"' in at_include.message
    assert code == 1


def test_configured_prefixes_table_is_used_across_modules(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/users/router.py": tagged_router("api_config.USERS"),
        "src/server/main.py": main_including(
            "from server.config import api_config\n        from users.router import router",
            "router", prefix="api_config.API",
        ),
    }, config='[tool.fastapi-conventions-lint.prefixes]\nAPI = "/api/v3"\nUSERS = "/api/v3/users"\n')
    code, found, reported, out, _ = check(capsys, root)
    assert found == {("src/server/main.py", 6, "FCL002")}, out
    assert '"/api/v3/api/v3/users"' in reported[0].message


# -- nesting is about routers, not apps ------------------------------------------------------


def test_router_included_into_an_app_of_another_module_is_not_nested(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/server/__init__.py": "",
        "src/server/app.py": "from fastapi import FastAPI\n\napp = FastAPI(title='svc', docs_url=None, redoc_url=None)\n",
        "src/server/main.py": '''
            from server.app import app
            from users.router import router as users_router
            from items.router import router as items_router

            app.include_router(users_router)
            app.include_router(items_router, prefix="/api/v1")
        ''',
        "src/users/router.py": UNPREFIXED_ROUTER,
        "src/items/router.py": tagged_router('"/api/v1/items"', "items"),
    })
    code, found, _, out, _ = check(capsys, root)
    assert found == {
        ("src/users/router.py", 3, "FCL003"),
        ("src/users/router.py", 3, "FCL004"),
        ("src/items/router.py", 4, "FCL001"),
        # The receiver is the app from server/app.py: only the call's prefix is outer.
        ("src/server/main.py", 6, "FCL002"),
    }, out


def test_fcl003_stays_when_the_parent_in_another_module_has_no_tags(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/users/router.py": USERS_ROUTER,
        "src/api/v1.py": v1_parent("from users.router import router", "router", tags=""),
    })
    code, found, _, out, _ = check(capsys, root)
    # Nested: no FCL001. The parent is an aggregator without tags: its child still needs its own.
    assert found == {("src/users/router.py", 3, "FCL003")}, out
    assert code == 1


def test_router_nested_in_one_module_and_in_the_app_in_another_is_nested(tmp_path, capsys):
    # A router that is also included into a router counts as nested (its prefix is relative
    # there), as in a single file.
    root = make_project(tmp_path / "proj", {
        "src/users/router.py": USERS_ROUTER,
        "src/api/v1.py": v1_parent("from users.router import router", "router"),
        "src/server/main.py": main_including("from users.router import router", "router"),
    })
    code, found, _, out, _ = check(capsys, root)
    assert in_file(found, "src/users/router.py") == set(), out


# -- import roots -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "config, expected",
    [
        pytest.param('src = ["lib"]\n', "FCL002", id="src-key-names-lib"),
        pytest.param('src = ["lib", "plugins"]\n', "FCL002", id="several-roots"),
        pytest.param("", "FCL005", id="no-src-key"),
    ],
)
def test_src_config_key_names_the_import_roots(tmp_path, capsys, config, expected):
    root = make_project(tmp_path / "proj", {
        "lib/users/router.py": tagged_router('"/api/v1/users"'),
        "lib/server/main.py": main_including("from users.router import router", "router", prefix='"/api/v1"'),
    }, config=config)
    code, found, _, out, _ = check(capsys, root)
    assert in_file(found, "lib/server/main.py") == {(5, expected)}, out


def test_project_root_is_the_import_root_without_src(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "users/router.py": tagged_router('"/api/v1/users"'),
        "main.py": main_including("from users.router import router", "router", prefix='"/api/v1"'),
    })
    code, found, _, out, _ = check(capsys, root)
    assert in_file(found, "main.py") == {(5, "FCL002")}, out


def test_project_root_stays_an_import_root_next_to_src(tmp_path, capsys):
    # src/ holds the package, but a module at the project root imports through the root.
    root = make_project(tmp_path / "proj", {
        "src/users/router.py": tagged_router('"/api/v1/users"'),
        "scripts/__init__.py": "",
        "scripts/routers.py": tagged_router('"/api/v1/tools"', "tools"),
        "src/server/main.py": main_including(
            "from scripts.routers import router", "router", prefix='"/api/v1"'
        ),
    })
    code, found, _, out, _ = check(capsys, root)
    assert in_file(found, "src/server/main.py") == {(5, "FCL002")}, out


@pytest.mark.parametrize("import_line", ["from src.users.router import router", "from users.router import router"])
def test_one_file_reached_through_both_import_roots_is_one_module(tmp_path, capsys, import_line):
    # `src.users.router` (through the project root) and `users.router` (through src/) are the
    # same file: the router nested through either name is the one reported in that file.
    root = make_project(tmp_path / "proj", {
        "src/__init__.py": "",
        "src/users/__init__.py": "",
        "src/users/router.py": USERS_ROUTER,
        "src/api/__init__.py": "",
        "src/api/v1.py": v1_parent(import_line, "router"),
    })
    code, found, _, out, _ = check(capsys, root)
    assert found == set(), out
    assert code == 0


def test_route_table_lists_a_module_reached_by_two_names_once(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/__init__.py": "",
        "src/users/__init__.py": "",
        "src/users/router.py": tagged_router('"/users"'),
        "src/main.py": main_including("from src.users.router import router", "router"),
    })
    code, out, err = run_cli(["routes", str(root)], capsys)
    assert code == 0, err
    listed = [line.split()[:2] for line in out.splitlines() if "list_users" in line]
    assert listed == [["GET", "/users"]], out


def test_projects_under_two_arguments_are_linked_separately(tmp_path, capsys):
    # Two projects with the same module names: each main links to its own users.router.
    one = make_project(tmp_path / "one", {
        "src/users/router.py": tagged_router('"/api/v1/users"'),
        "src/main.py": main_including("from users.router import router", "router", prefix='"/api/v1"'),
    })
    two = make_project(tmp_path / "two", {
        "src/users/router.py": tagged_router('"/users"'),
        "src/main.py": main_including("from users.router import router", "router", prefix='"/api/v1"'),
    })
    code, out, err = run_cli(["check", str(one), str(two)], capsys)
    found = {(Path(r.path).resolve().relative_to(tmp_path.resolve()).as_posix(), r.line, r.code)
             for r in parse_output(out)}
    assert ("one/src/main.py", 5, "FCL002") in found, out
    assert ("two/src/main.py", 5, "FCL005") in found, out


# -- cycles and broken modules ---------------------------------------------------------------


def test_import_cycle_between_two_modules(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        # a and b import each other and include each other's router: each is nested.
        "src/a.py": '''
            from fastapi import APIRouter
            from b import router_b

            router_a = APIRouter(prefix="/a", tags=["a"])


            @router_a.get("")
            def read_a() -> dict:
                return {}


            router_a.include_router(router_b)
        ''',
        "src/b.py": '''
            from fastapi import APIRouter
            from a import router_a

            router_b = APIRouter(prefix="/b", tags=["b"])


            @router_b.get("")
            def read_b() -> dict:
                return {}


            router_b.include_router(router_a)
        ''',
        # c and d re-export each other's `router`: it names nothing.
        "src/c.py": "from d import router\n",
        "src/d.py": "from c import router\n",
        "src/main.py": main_including("from c import router", "router", prefix='"/api/v1"'),
    })
    code, found, _, out, _ = check(capsys, root)
    # a and b only include each other, and the include of main names nothing: no chain
    # brings them into the app, and neither object is handed on (FCL009).
    assert found == {("src/main.py", 5, "FCL005"), ("src/a.py", 4, "FCL009"), ("src/b.py", 4, "FCL009")}, out
    assert code == 1


def test_module_with_a_syntax_error_imported_by_main(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "src/broken/router.py": 'from fastapi import APIRouter\n\nrouter = APIRouter(prefix="/b"\n',
        "src/users/router.py": tagged_router('"/api/v1/users"'),
        "src/server/main.py": '''
            from fastapi import FastAPI
            from broken.router import router as broken_router
            from users.router import router as users_router

            app = FastAPI(openapi_url=None)
            app.include_router(broken_router, prefix="/api/v1")
            app.include_router(users_router, prefix="/api/v1")
        ''',
    })
    code, found, reported, out, _ = check(capsys, root)
    assert [r.code for r in reported if r.code == "FCL900"] == ["FCL900"], out
    assert found == {
        ("src/broken/router.py", 3, "FCL900"),
        ("src/server/main.py", 6, "FCL005"),  # the broken router cannot be read: FCL005
        ("src/server/main.py", 7, "FCL002"),  # the rest is linked
        ("src/users/router.py", 4, "FCL001"),
    }, out
    assert code == 1

    # Checked without the broken file (it is then read on demand, and fails the same way).
    code, found, reported, out, _ = check(capsys, root, "src/server/main.py")
    assert found == {("src/server/main.py", 6, "FCL005"), ("src/server/main.py", 7, "FCL002")}, out


# -- the flake8 host sees one file -----------------------------------------------------------


def test_flake8_on_one_file_reports_what_the_cli_reports(tmp_path, capsys):
    root = chain_project(tmp_path / "proj", USERS_ROUTER)
    router = root / "src" / "users" / "router.py"

    code, found, _, out, _ = check(capsys, root)
    assert found == set(), out
    assert code == 0

    # An editor runs flake8 on the one file: the include in another module is read there too.
    process = run_flake8(["--select", "FCL", str(router)], cwd=root)
    assert "Traceback" not in process.stderr, process.stderr
    assert parse_output(process.stdout) == [], process.stdout
    assert process.returncode == 0


def test_flake8_resolves_the_routers_a_file_imports(tmp_path, capsys):
    """From main.py, flake8 reads the modules it imports: a doubled prefix across modules is
    FCL002 in both hosts (a prefix that composes stays FCL005)."""
    root = make_project(tmp_path / "proj", {
        "src/users/__init__.py": "from .router import router\n",
        "src/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/users", tags=["users"])
        """,
        "src/items.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/items", tags=["items"])
        """,
        "src/server/main.py": """
            from fastapi import FastAPI
            from users import router as users_router
            import items

            app = FastAPI(openapi_url=None)
            app.include_router(users_router, prefix="/api/v1")
            app.include_router(items.router, prefix="/api/v1")
        """,
    })
    main = root / "src" / "server" / "main.py"
    expected = {(6, "FCL002"), (7, "FCL005")}
    _, _, reported, out, _ = check(capsys, root, "src/server/main.py")
    assert {(r.line, r.code) for r in reported if r.code in ("FCL002", "FCL005")} == expected, out
    process = run_flake8(["--select", "FCL002,FCL005", str(main)], cwd=root)
    assert "Traceback" not in process.stderr, process.stderr
    assert {(r.line, r.code) for r in parse_output(process.stdout)} == expected, process.stdout


# -- nothing of the project is imported or executed -----------------------------------------


def test_project_modules_are_never_imported(tmp_path, capsys):
    markers = [tmp_path / "init-ran", tmp_path / "router-ran", tmp_path / "main-ran"]
    side_effect = 'open({marker!r}, "w").write("imported")\nraise SystemExit(3)\n'
    root = make_project(tmp_path / "proj", {
        # Read on demand (the prefilter skips it: it never names fastapi).
        "src/users/__init__.py": (
            "from .router import router\n" + side_effect.format(marker=str(markers[0]))
        ),
        "src/users/router.py": (
            textwrap.dedent(tagged_router('"/api/v1/users"'))
            + side_effect.format(marker=str(markers[1]))
        ),
        "src/server/config.py": CONFIG_MODULE,
        "src/server/main.py": (
            side_effect.format(marker=str(markers[2]))
            + textwrap.dedent(main_including("from users import router", "router", prefix='"/api/v1"'))
        ),
    })
    before = {p: p.read_bytes() for p in root.rglob("*.py")}

    code, found, _, out, _ = check(capsys, root)
    assert ("src/server/main.py", 8, "FCL002") in found, out  # linked through users/__init__.py
    assert summary_of(out).startswith("Found"), out
    assert code == 1

    code, _, _, out, _ = check(capsys, root, command="fix", options=["--diff"])
    assert '+router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=["users"])' in out
    assert code == 1

    assert [m for m in markers if m.exists()] == []
    assert {p: p.read_bytes() for p in root.rglob("*.py")} == before


# -- unit: project/modules.py ------------------------------------------------------------------


def python_resolves(name: str, current: str, is_package: bool) -> str:
    """What the import system makes of a relative import in module `current`."""
    package = current if is_package else current.rpartition(".")[0]
    return importlib.util.resolve_name(name, package)


@pytest.mark.parametrize(
    "name, current, is_package, expected",
    [
        (".x", "a.b", False, "a.x"),
        (".x", "a.b", True, "a.b.x"),
        (".x.y", "a.b.c", False, "a.b.x.y"),
        ("..x", "a.b.c", False, "a.x"),
        ("..x", "a.b", True, "a.x"),
        ("..config.api_config", "a.b.c", False, "a.config.api_config"),
        ("...x", "a.b.c.d", False, "a.x"),
        ("...x", "a.b.c", True, "a.x"),
        (".", "a.b", False, "a"),
        ("..", "a.b.c", False, "a"),
        (".users.router", "app", True, "app.users.router"),
    ],
)
def test_absolute_agrees_with_the_import_system(name, current, is_package, expected):
    assert absolute(name, current, is_package) == expected
    assert python_resolves(name, current, is_package) == expected


@pytest.mark.parametrize(
    "name, current, is_package",
    [
        ("...x", "a.b", False),
        ("....x", "a.b.c", False),
        ("...x", "a", True),
        ("..x", "main", False),
    ],
)
def test_absolute_of_a_name_above_every_root_is_none(name, current, is_package):
    assert absolute(name, current, is_package) is None


def test_absolute_leaves_absolute_names_alone():
    assert absolute("fastapi.APIRouter", "a.b", False) == "fastapi.APIRouter"
    assert absolute("server.config.api_config", "server", True) == "server.config.api_config"


# -- classes from other modules: router subclasses, dependencies classes --------------------

CLASSES_PROJECT = {
    "src/shared/__init__.py": "",
    "src/shared/dependencies.py": """
        class BaseDependencies:
            async def initialize(self):
                pass

            async def cleanup(self):
                pass
    """,
    "src/shared/context.py": """
        from shared.dependencies import BaseDependencies


        class RequestContext(BaseDependencies):
            pass
    """,
    "src/pkg/__init__.py": "",
    "src/pkg/base.py": """
        from fastapi import APIRouter


        class VersionedRouter(APIRouter):
            def __init__(self, **kwargs):
                super().__init__(prefix="/api/v1/x", tags=["x"], **kwargs)
    """,
    "src/pkg/v2.py": """
        from .base import VersionedRouter as Base


        class V2Router(Base):
            pass
    """,
    "src/pkg/users.py": """
        from pkg.v2 import V2Router
        from shared.context import RequestContext

        router = V2Router()


        @router.get("/a")
        async def read_a() -> dict:
            ctx = RequestContext()
            await ctx.initialize()
            return 1
    """,
    "src/server/__init__.py": "",
    "src/server/main.py": """
        from fastapi import FastAPI
        from pkg.users import router

        app = FastAPI(openapi_url=None)
        app.include_router(router)
    """,
}


def test_router_and_dependencies_classes_from_other_modules(tmp_path, capsys):
    """A router built from a subclass two modules away has its class's prefix and tags (no
    FCL003/FCL004, and FCL001 belongs to the class's file, not here); an object of a
    BaseDependencies subclass from another module is owned (FCL201). Both hosts agree."""
    root = make_project(tmp_path / "proj", CLASSES_PROJECT)
    code, found, _, out, _ = check(capsys, root)
    assert found == {("src/pkg/users.py", 10, "FCL201")}, out
    process = run_flake8(["--select", "FCL", str(root / "src/pkg/users.py")], cwd=root)
    assert "Traceback" not in process.stderr, process.stderr
    assert {(r.line, r.code) for r in parse_output(process.stdout)} == {(10, "FCL201")}


def test_route_table_through_a_router_class_of_another_module(tmp_path, capsys):
    root = make_project(tmp_path / "proj", CLASSES_PROJECT)
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0, err
    rows = [(row["methods"], row["path"], row["tags"]) for row in json.loads(out)]
    assert rows == [(["GET"], "/api/v1/x/a", ["x"])]
    served = subprocess.run(
        [sys.executable, "-c", (
            "import sys; sys.path.insert(0, sys.argv[1])\n"
            "import fastapi.routing as routing\n"
            "from server.main import app\n"
            "flatten = getattr(routing, 'iter_route_contexts', None)\n"
            "routes = [(sorted(c.methods), c.path) for c in flatten(app.routes)\n"
            "          if isinstance(c.original_route, routing.APIRoute)] if flatten else [\n"
            "    (sorted(r.methods), r.path) for r in app.routes if isinstance(r, routing.APIRoute)]\n"
            "print(routes)\n"
        ), str(root / "src")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert served == "[(['GET'], '/api/v1/x/a')]"


# -- one design decision, one diagnostic; what OpenAPI shows, across modules -----------------

UNTAGGED_USERS = '''
    from fastapi import APIRouter

    router = APIRouter()


    @router.get("/me")
    def me() -> dict:
        return {}
'''


def test_prefix_and_tags_given_at_the_include_in_main_is_fcl005_and_fcl003_naming_the_include(
    tmp_path, capsys, monkeypatch
):
    root = make_project(tmp_path / "proj", {
        "users/__init__.py": "",
        "users/router.py": UNTAGGED_USERS,
        "main.py": main_including(
            "from users.router import router", "router", '"/api/v1/users", tags=["users"]'
        ),
    })
    monkeypatch.chdir(root)
    code, found, reported, out, _ = check(capsys, root)
    assert found == {("main.py", 5, "FCL005"), ("users/router.py", 3, "FCL003")}, out
    [fcl003] = [item for item in reported if item.code == "FCL003"]
    assert fcl003.message == (
        "router has no tags; they are given at its include (main.py:5): move them into the router"
    )
    assert code == 1


def test_a_router_included_without_prefix_somewhere_is_still_fcl004(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "users/__init__.py": "",
        "users/router.py": UNTAGGED_USERS.replace("APIRouter()", 'APIRouter(tags=["users"])'),
        "main.py": main_including("from users.router import router", "router", '"/api/v1/users"'),
        "admin.py": main_including("from users.router import router", "router"),
    })
    code, found, _, out, _ = check(capsys, root)
    assert found == {("main.py", 5, "FCL005"), ("users/router.py", 3, "FCL004")}, out


@pytest.mark.parametrize("read", [
    pytest.param('@app.post("/subscribe", callbacks=router.routes)\ndef subscribe():\n    return {}', id="callbacks"),
    pytest.param("app.router.routes.extend(users.router.routes)", id="module-attribute"),
    pytest.param("copied = [r for r in router.routes]", id="comprehension"),
])
def test_routes_read_in_another_module_need_no_tags(tmp_path, capsys, read):
    routes_module = "import users.router as users\nfrom users.router import router\n"
    root = make_project(tmp_path / "proj", {
        "users/__init__.py": "",
        "users/router.py": UNTAGGED_USERS.replace("APIRouter()", "APIRouter(prefix=api_config.V1_PREFIX)"),
        "main.py": "from fastapi import FastAPI\n" + routes_module + "app = FastAPI(openapi_url=None)\n" + read + "\n",
    })
    code, found, _, out, _ = check(capsys, root, options=["--select", "FCL003"])
    assert found == set(), out
    # The router's file alone (pre-commit, an editor): main.py is read all the same.
    code, found, _, out, _ = check(capsys, root, "users/router.py", options=["--select", "FCL003"])
    assert found == set(), out
    process = run_flake8(["--select", "FCL003", str(root / "users/router.py")], cwd=root)
    assert parse_output(process.stdout) == [], process.stdout


def test_an_app_without_docs_in_another_module_hides_the_routers_it_includes(tmp_path, capsys):
    root = make_project(tmp_path / "proj", {
        "users/__init__.py": "",
        "users/router.py": UNTAGGED_USERS.replace("APIRouter()", "APIRouter(prefix=api_config.V1_PREFIX)"),
        "main.py": main_including("from users.router import router", "router").replace(
            "FastAPI(openapi_url=None)", "FastAPI(openapi_url=None)"
        ),
    })
    code, found, _, out, _ = check(capsys, root)
    assert found == set(), out
    assert code == 0


def test_a_module_in_newer_syntax_still_answers_for_its_router_classes(tmp_path, capsys):
    """The factory of the project's router class sits in a module that uses syntax newer than
    the running Python (type parameters, a `type` statement, `except A, B`): that module is
    FCL900 when checked, but what it binds is read all the same, so the handlers of the routers
    it makes are seen."""
    root = make_project(tmp_path / "proj", {
        "shop/__init__.py": "",
        "shop/routing.py": """
            from typing import Any, Callable

            from fastapi import APIRouter as _APIRouter

            type Handler = Callable[..., Any]


            def _same_signature[**P, T](to: Callable[P, T]) -> Callable[[Callable[..., T]], Callable[P, T]]:
                try:
                    return lambda x: x
                except TypeError, ValueError:
                    raise


            def get_api_router_class(route_class):
                class _Router(_APIRouter):
                    def __init__(self, *args: Any, **kwargs: Any) -> None:
                        kwargs["route_class"] = route_class
                        super().__init__(*args, **kwargs)

                return _Router


            APIRouter = get_api_router_class(None)
        """,
        "shop/orders.py": """
            from shop.routing import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX)


            @router.get("/orders")
            def list_orders(db: Session) -> dict:
                return db.query(Order).all()
        """,
    })
    code, found, _, out, _ = check(capsys, root, "shop/orders.py")
    assert found == {("shop/orders.py", 3, "FCL003"), ("shop/orders.py", 8, "FCL102")}, out
