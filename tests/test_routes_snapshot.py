"""`routes --check SNAPSHOT`: the API snapshot for CI, end to end through the real CLI on a
folder: the snapshot is written by `routes --format json`, the app is edited, and the check
says what changed (and exits 1), or that nothing did (exit 0)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli

APP = {
    "pyproject.toml": "[project]\nname = 'shop'\n\n[tool.fastapi-conventions-lint]\n",
    "src/shop/__init__.py": "",
    "src/shop/auth.py": '''
        def current_user():
            return {}


        def admin_user():
            return {}
    ''',
    "src/shop/items.py": '''
        from fastapi import APIRouter, Depends

        from shop.auth import current_user

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items(user=Depends(current_user)):
            return []


        @router.delete("/{item_id}")
        def delete_item(item_id: int, user=Depends(current_user)):
            return {}
    ''',
    "src/shop/main.py": '''
        from fastapi import FastAPI

        from shop.items import router as items_router

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(items_router)
    ''',
}


@pytest.fixture
def shop(tmp_path, capsys) -> Path:
    for name, text in APP.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    code, out, err = run_cli(["routes", str(tmp_path), "--format", "json"], capsys)
    assert code == 0, err
    (tmp_path / "routes.json").write_text(out, encoding="utf-8")
    return tmp_path


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(capsys, root: Path, *options: str):
    return run_cli(["routes", str(root), "--check", str(root / "routes.json"), *options], capsys)


def test_no_change_exits_0(shop, capsys):
    code, out, err = check(capsys, shop)
    assert (code, err) == (0, "")
    assert out.endswith("the routes match the snapshot\n")


def test_a_line_number_only_change_is_no_change(shop, capsys):
    edit(shop, "src/shop/items.py", "router = APIRouter(", "\n\n# Items.\nrouter = APIRouter(")
    code, out, _ = check(capsys, shop)
    assert code == 0, out


def test_an_added_route(shop, capsys):
    edit(shop, "src/shop/items.py", '@router.delete(', '@router.post("")\ndef add_item():\n    return {}\n\n\n@router.delete(')
    code, out, _ = check(capsys, shop)
    assert code == 1
    assert out.splitlines()[0] == "+ POST /items  (shop.items.add_item  tags: items)"
    assert "1 change to the API" in out


def test_a_removed_route(shop, capsys):
    edit(shop, "src/shop/items.py", '@router.delete("/{item_id}")', 'def _unused():\n    pass\n\n\n@router.delete("/{item_id}", include_in_schema=False)')
    code, out, _ = check(capsys, shop)
    assert code == 0, "include_in_schema is not part of an operation"
    edit(shop, "src/shop/main.py", "app.include_router(items_router)", "")
    code, out, _ = check(capsys, shop)
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("- GET /items  (shop.items.list_items")
    assert lines[1].startswith("- DELETE /items/{item_id}  (shop.items.delete_item")


def test_a_changed_tag(shop, capsys):
    edit(shop, "src/shop/items.py", 'tags=["items"]', 'tags=["catalogue"]')
    code, out, _ = check(capsys, shop)
    assert code == 1
    assert "~ GET /items  tags: [items] -> [catalogue]" in out.splitlines()


def test_a_changed_dependency(shop, capsys):
    edit(shop, "src/shop/items.py", "def delete_item(item_id: int, user=Depends(current_user)):",
         "def delete_item(item_id: int, user=Depends(admin_user)):")
    edit(shop, "src/shop/items.py", "from shop.auth import current_user", "from shop.auth import admin_user, current_user")
    code, out, _ = check(capsys, shop)
    assert code == 1
    assert out.splitlines()[0] == (
        "~ DELETE /items/{item_id}  dependencies: [shop.auth:current_user] -> [shop.auth:admin_user]"
    )


def test_github_annotations_point_at_the_changed_route(shop, capsys, monkeypatch):
    monkeypatch.chdir(shop)
    edit(shop, "src/shop/items.py", 'tags=["items"]', 'tags=["catalogue"]')
    code, out, _ = run_cli(["routes", ".", "--check", "routes.json", "--format", "github"], capsys)
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=src/shop/items.py,line=9,title=API change::~ GET /items")


def test_the_snapshot_holds_paths_relative_to_the_directory_it_is_written_from(shop, capsys, monkeypatch):
    monkeypatch.chdir(shop)
    code, out, _ = run_cli(["routes", "--format", "json"], capsys)
    assert code == 0
    assert {row["file"] for row in json.loads(out) if row["kind"] == "http"} == {"src/shop/items.py"}


@pytest.mark.parametrize("content,problem", [
    (None, "No such file or directory; write the snapshot first"),
    ("not json", "not a routes json snapshot"),
    ('{"path": "/x"}', "expected a list of rows"),
])
def test_a_snapshot_that_cannot_be_read_is_a_usage_error(shop, capsys, content, problem):
    snapshot = shop / "routes.json"
    if content is None:
        snapshot.unlink()
    else:
        snapshot.write_text(content, encoding="utf-8")
    code, out, err = check(capsys, shop)
    assert code == 2 and out == ""
    assert problem in err and "Traceback" not in err


def test_github_format_needs_check(shop, capsys):
    code, _, err = run_cli(["routes", str(shop), "--format", "github"], capsys)
    assert code == 2 and "--format github goes with --check" in err


def test_markdown_table(shop, capsys):
    code, out, _ = run_cli(["routes", str(shop), "--format", "markdown"], capsys)
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["| methods | path | endpoint | tags | dependencies |", "| --- | --- | --- | --- | --- |"]
    assert "| GET | `/items` | `shop.items.list_items` | items | `shop.auth:current_user` |" in lines
    assert lines[2] == "| DOCS | `/openapi.json` | `<FastAPI openapi>` |  |  |"
