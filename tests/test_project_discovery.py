"""One project model whatever path is given: `check .` at the repository root, `check backend`,
`check backend/app` and `check <one file>` (as pre-commit passes the changed files) report the
same diagnostics for the same files, whole-app rules included; flake8 on one file reports what
`check` reports for it; `routes` gives the same table from any of those directories.

Each project is a small repository in tmp_path (a `.git` folder marks its root)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path
from typing import Dict, List, Set, Tuple

import pytest

from conftest import parse_output, run_cli, run_flake8

Found = Set[Tuple[str, int, str]]

MONOREPO: Dict[str, str] = {
    "pyproject.toml": "[tool.uv.workspace]\nmembers = ['backend']\n",
    "scripts/release.py": "print('not part of the app')\n",
    "backend/pyproject.toml": "[project]\nname = 'app'\n",
    "backend/app/__init__.py": "",
    "backend/app/main.py": '''
        from fastapi import FastAPI

        from app.api.main import api_router

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(api_router)
    ''',
    "backend/app/api/__init__.py": "",
    "backend/app/api/main.py": '''
        from fastapi import APIRouter

        from app.api.routes import items, users
        from server.config import api_config

        api_router = APIRouter(prefix=api_config.V1_PREFIX)
        api_router.include_router(users.router)
        api_router.include_router(items.router)
    ''',
    "backend/app/api/routes/__init__.py": "",
    # Nested in api_router: its prefix is relative there (no FCL001), it has tags.
    "backend/app/api/routes/users.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/users", tags=["users"])


        @router.get("")
        def list_users() -> dict:
            return []
    ''',
    # Nested too, but without tags under an untagged parent (FCL003), and a handler that
    # reaches into the database (FCL102).
    "backend/app/api/routes/items.py": '''
        from fastapi import APIRouter
        from sqlmodel import Session, select

        router = APIRouter(prefix="/items")


        @router.get("")
        def list_items(session: Session) -> dict:
            return session.exec(select(Item)).all()
    ''',
    # Never included anywhere (FCL009), with a hardcoded prefix (FCL001).
    "backend/app/api/routes/drafts.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/drafts", tags=["drafts"])


        @router.get("")
        def list_drafts() -> dict:
            return []
    ''',
    # An earlier handler of the app serves the same path (FCL007 at the later one).
    "backend/app/api/routes/legacy.py": '''
        from fastapi import APIRouter

        from app.api.routes.users import router


        @router.get("")
        def legacy_users() -> dict:
            return []
    ''',
}

MONOREPO_FOUND: Found = {
    ("backend/app/api/routes/items.py", 4, "FCL003"),
    ("backend/app/api/routes/items.py", 9, "FCL102"),
    ("backend/app/api/routes/drafts.py", 3, "FCL001"),
    ("backend/app/api/routes/drafts.py", 3, "FCL009"),
}


def make_repository(root: Path, files: Dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def check_from(root: Path, capsys, target: str, cwd: Path = None) -> Found:
    """`check target` run from `cwd` (the repository root by default), its findings as paths
    relative to the root."""
    previous = os.getcwd()
    os.chdir(cwd or root)
    try:
        code, out, err = run_cli(["check", target], capsys)
    finally:
        os.chdir(previous)
    assert "Traceback" not in err and "internal error" not in err and "failed" not in err, err
    base = cwd or root
    return {
        (Path(os.path.normpath(base / item.path)).relative_to(root).as_posix(), item.line, item.code)
        for item in parse_output(out)
    }


def under(found: Found, prefix: str) -> Found:
    return {item for item in found if item[0] == prefix or item[0].startswith(prefix.rstrip("/") + "/")}


@pytest.fixture
def monorepo(tmp_path) -> Path:
    return make_repository(tmp_path / "repo", MONOREPO)


def test_the_repository_root_reports_each_convention_once(monorepo, capsys):
    found = check_from(monorepo, capsys, ".")
    # legacy.py registers on users' router: the path is not served twice by two handlers of
    # different routers, but legacy_users comes after list_users for GET /api/v1/users.
    legacy = {item for item in found if item[0].endswith("legacy.py")}
    assert legacy == {("backend/app/api/routes/legacy.py", 7, "FCL007")}
    assert found - legacy == MONOREPO_FOUND


@pytest.mark.parametrize("target", [
    "backend", "backend/app", "backend/app/api", "backend/app/api/routes",
    "backend/app/api/routes/drafts.py", "backend/app/api/routes/items.py",
    "backend/app/api/routes/legacy.py", "backend/app/api/routes/users.py",
])
def test_any_directory_or_file_reports_what_the_root_reports_for_it(monorepo, capsys, target):
    everything = check_from(monorepo, capsys, ".")
    assert check_from(monorepo, capsys, target) == under(everything, target)


@pytest.mark.parametrize("cwd", ["backend", "backend/app/api"])
def test_the_directory_the_run_starts_in_does_not_matter(monorepo, capsys, cwd):
    everything = check_from(monorepo, capsys, ".")
    target = os.path.relpath(monorepo / "backend/app/api/routes", monorepo / cwd)
    assert check_from(monorepo, capsys, target, cwd=monorepo / cwd) == under(
        everything, "backend/app/api/routes"
    )


@pytest.mark.parametrize("name", ["items.py", "users.py", "drafts.py"])
@pytest.mark.parametrize("cwd", [".", "backend"])
def test_flake8_on_one_file_reports_the_file_rules_check_reports(monorepo, capsys, name, cwd):
    path = monorepo / "backend/app/api/routes" / name
    expected = {
        (line, code) for file, line, code in check_from(monorepo, capsys, str(path))
        if code not in ("FCL007", "FCL008", "FCL009")
    }
    process = run_flake8(["--select", "FCL", str(path)], cwd=monorepo / cwd)
    assert "Traceback" not in process.stderr, process.stderr
    assert {(item.line, item.code) for item in parse_output(process.stdout)} == expected


@pytest.mark.parametrize("target", [".", "backend", "backend/app", "backend/app/main.py"])
def test_routes_lists_the_same_table_from_any_directory(monorepo, capsys, target):
    previous = os.getcwd()
    os.chdir(monorepo)
    try:
        code, out, err = run_cli(["routes", target, "--format", "json"], capsys)
    finally:
        os.chdir(previous)
    assert code == 0, err
    import json

    table = sorted(
        (tuple(row["methods"]), row["path"], row["endpoint"]) for row in json.loads(out) if row["kind"] != "docs"
    )
    assert table == [
        (("GET",), "/api/v1/items", "app.api.routes.items.list_items"),
        (("GET",), "/api/v1/users", "app.api.routes.legacy.legacy_users"),
        (("GET",), "/api/v1/users", "app.api.routes.users.list_users"),
    ]


# -- src/ layout: the package lives in src/, imports name it without `src.` ---------------------

SRC_LAYOUT: Dict[str, str] = {
    "pyproject.toml": "[project]\nname = 'shop'\n\n[tool.fastapi-conventions-lint]\n",
    "src/shop/__init__.py": "",
    "src/shop/app.py": '''
        from fastapi import FastAPI

        from shop.orders import router as orders_router

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(orders_router, prefix="/api/v1/orders")
    ''',
    "src/shop/orders/__init__.py": "from .router import router\n",
    "src/shop/orders/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/orders", tags=["orders"])


        @router.get("")
        async def list_orders() -> dict:
            return []
    ''',
    "tests/test_orders.py": '''
        from shop.app import app


        def test_app():
            assert app
    ''',
}


def test_src_layout_links_the_package_from_any_directory(tmp_path, capsys):
    root = make_repository(tmp_path / "shop", SRC_LAYOUT)
    everything = check_from(root, capsys, ".")
    # The include repeats the router's own prefix: FCL002 at the include (the router's module
    # is found under src/ through the `__init__` re-export); the router's prefix is hardcoded.
    assert everything == {("src/shop/app.py", 6, "FCL002"), ("src/shop/orders/router.py", 3, "FCL001")}
    for target in ("src", "src/shop", "src/shop/app.py", "tests"):
        assert check_from(root, capsys, target) == under(everything, target), target


def test_two_services_with_the_same_package_name_each_link_their_own(tmp_path, capsys):
    service = '''
        from fastapi import FastAPI

        from app.routes import router

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(router, prefix="{outer}")
    '''
    routes = '''
        from fastapi import APIRouter

        router = APIRouter(prefix="{inner}", tags=["things"])


        @router.get("")
        def things() -> dict:
            return []
    '''
    root = make_repository(tmp_path / "services", {
        "users/app/__init__.py": "",
        "users/app/main.py": service.replace("{outer}", "/api"),
        "users/app/routes.py": routes.replace("{inner}", "/api/users"),
        "items/app/__init__.py": "",
        "items/app/main.py": service.replace("{outer}", "/api"),
        "items/app/routes.py": routes.replace("{inner}", "/items"),
    })
    found = check_from(root, capsys, ".")
    # users' include doubles its own router's prefix (FCL002); items' composes (FCL005).
    assert {(path, code) for path, _, code in found if path.endswith("main.py")} == {
        ("users/app/main.py", "FCL002"), ("items/app/main.py", "FCL005"),
    }
    assert check_from(root, capsys, "items/app/main.py") == under(found, "items/app/main.py")
