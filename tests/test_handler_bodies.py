"""Route handlers' bodies, let go while a large run links its files (handler_bodies.py): read
again whenever code asks for one, and the reports are those of a run that kept them."""

from __future__ import annotations

import ast
import copy
import pickle
import textwrap

import pytest

from conftest import run_cli
from fastapi_conventions_lint import compact_tree, handler_bodies
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts.extract import extract_facts
from fastapi_conventions_lint.project.statements import enclosing

ROUTES = '''\
from fastapi import APIRouter, FastAPI

from app.db import Session

app = FastAPI()
router = APIRouter(prefix="/items", tags=["items"])


@router.get("/{item_id}")
async def read_item(item_id: int):
    found = {"id": item_id}
    return found


@router.post("/")
def create_item(name: str):
    """Made here."""
    deps = MyDeps.from_settings()
    deps.initialize()
    deps.cleanup()
    return {"name": name, "tags": name.tags}


@router.get("/nested")
def nested():
    app.include_router(router)
    return {}
'''


def _held(text: str = ROUTES):
    tree = compact_tree.compact(ast.parse(text))
    facts = extract_facts(tree, Settings())
    return tree, facts


def _function(tree: ast.Module, name: str) -> ast.AST:
    return next(node for node in tree.body if getattr(node, "name", None) == name)


def test_handler_bodies_are_let_go_and_read_again_when_asked():
    tree, facts = _held()
    assert handler_bodies.let_go(facts, lambda: ROUTES) == 2
    read, create = _function(tree, "read_item"), _function(tree, "create_item")
    assert handler_bodies.body_lines(read) == (11, 12)
    assert handler_bodies.body_lines(create) == (17, 21)
    # What encloses a registration, and a function's head, is known without its body.
    assert enclosing(tree, 9) == [] and enclosing(tree, 10) == [] and handler_bodies.is_let_go(read)
    walked = list(handler_bodies.walk(tree))
    assert read in walked and not any(isinstance(node, ast.Return) and node.lineno == 12 for node in walked)
    assert not any(isinstance(node, ast.Return) and node.lineno == 12 for node in ast.walk(ast.Module(
        body=handler_bodies.children(read), type_ignores=[])))
    # Asking for one body gives back all of the file's, as parsed.
    assert ast.unparse(read.body[0]) == "found = {'id': item_id}"
    assert not handler_bodies.is_let_go(create)
    assert compact_tree.shape(tree) == compact_tree.shape(ast.parse(ROUTES))
    assert ast.unparse(tree) == ast.unparse(ast.parse(ROUTES))
    assert isinstance(read, ast.AsyncFunctionDef) and type(read).__name__ == "AsyncFunctionDef"


def test_a_body_holding_a_registration_is_kept():
    tree, facts = _held()
    handler_bodies.let_go(facts, lambda: ROUTES)
    nested = _function(tree, "nested")
    assert not handler_bodies.is_let_go(nested)
    assert handler_bodies.body_lines(nested) is None


def test_a_dropped_body_keeps_its_router_attributes_and_its_lifecycles_their_calls():
    tree, facts = _held()
    handler_bodies.let_go(facts, lambda: ROUTES)
    create = _function(tree, "create_item")
    assert [node.attr for node in handler_bodies.router_attributes(create)] == ["tags"]
    assert handler_bodies.router_attributes(_function(tree, "read_item")) == ()
    assert handler_bodies.router_attributes(tree) is None
    (lifecycle,) = facts.lifecycles
    assert lifecycle.function is create and lifecycle.blocks == {} and lifecycle.anchor is None
    assert [call.lineno for call in lifecycle.cleanup_calls] == [20]


def test_a_let_go_function_is_copied_and_pickled_with_its_body():
    for duplicate in (copy.deepcopy, lambda tree: pickle.loads(pickle.dumps(tree))):
        tree, facts = _held()
        handler_bodies.let_go(facts, lambda: ROUTES)
        copied = duplicate(tree)
        assert compact_tree.shape(copied) == compact_tree.shape(ast.parse(ROUTES))


def test_only_compact_trees_are_let_go():
    facts = extract_facts(ast.parse(ROUTES), Settings())
    assert handler_bodies.let_go(facts, lambda: ROUTES) == 0


def test_a_walk_reads_again_only_the_bodies_that_name_a_word_asked_about():
    tree, facts = _held()
    handler_bodies.let_go(facts, lambda: ROUTES)
    returns = lambda nodes: sorted(node.lineno for node in nodes if isinstance(node, ast.Return))  # noqa: E731
    assert returns(handler_bodies.walk(tree, {"missing"})) == [27]  # the kept body's
    assert handler_bodies.is_let_go(_function(tree, "read_item"))
    assert returns(handler_bodies.walk(tree, {"found"})) == [12, 21, 27]
    assert not handler_bodies.is_let_go(_function(tree, "read_item"))


def test_a_text_that_no_longer_holds_the_function_is_an_error_not_a_wrong_body():
    tree, facts = _held()
    handler_bodies.let_go(facts, lambda: "x = 1\n")
    with pytest.raises(RuntimeError, match="could not be read again"):
        _function(tree, "read_item").body


# A project whose whole-app answers need dropped bodies: the router handed on from inside a
# handler (FCL009 must stay silent), a route handler that another module uses as an async
# dependency (FCL105 once, from its own file), and a handler body reading its router's prefix
# (FCL005's move is refused: the body kept that attribute, and is not read again). The held
# files' lines are kept as one text until they are concluded: noqa comments and columns in
# characters come out as they do from the lines.
PROJECT = {
    "app/__init__.py": "",
    "app/main.py": '''\
        from fastapi import FastAPI

        from app import admin, items, orders

        app = FastAPI()
        app.include_router(items.router, prefix="/items")
        app.include_router(orders.router, prefix="/orders")
        ''',
    "app/registry.py": '''\
        def remember(router):
            return router
        ''',
    "app/admin.py": '''\
        from fastapi import APIRouter

        from app.registry import remember

        router = APIRouter(prefix="/admin", tags=["admin"])  # noqa: FCL001


        @router.get("/")
        async def admin_home():
            remember(router)
            return {}
        ''',
    "app/items.py": '''\
        import time

        from fastapi import APIRouter

        router = APIRouter(tags=["items"])


        @router.get("/")
        async def list_items():
            time.sleep(1)
            return []
        ''',
    "app/orders.py": '''\
        from fastapi import APIRouter

        router = APIRouter(tags=["orders"])


        @router.get("/")
        async def list_orders():
            return {"prefix": router.prefix}
        ''',
    "app/reports.py": '''\
        from fastapi import APIRouter

        router = APIRouter(prefix="/reports", tags=["reports"])


        @router.get("/")
        async def list_reports():
            found = []
            return found
        ''',
    "app/users.py": '''\
        from fastapi import APIRouter, Depends

        from app.items import list_items

        router = APIRouter(tags=["usagers é"], prefix="/users")


        @router.get("/")
        async def users(found=Depends(list_items)):
            return found  # tous les usagersé
        ''',
}


def test_a_run_that_reads_bodies_again_reports_what_a_run_that_kept_them_does(tmp_path, monkeypatch, capsys):
    root = tmp_path / "shop"
    for name, text in PROJECT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    read_again = []
    bring_back = handler_bodies._HeldFile.bring_back
    monkeypatch.setattr(
        handler_bodies._HeldFile, "bring_back", lambda held: read_again.append(held.filename) or bring_back(held)
    )
    kept = run_cli(["check", "--no-cache", str(root)], capsys)
    assert read_again == []
    monkeypatch.setattr(compact_tree, "MIN_FILES", 0)
    assert run_cli(["check", "--no-cache", str(root)], capsys) == kept
    # admin.py: a router no app serves, named in a body (it may be handed on there); users.py
    # too, with a body line that is not ASCII (a name may be spelled otherwise); items.py: an async
    # dependency of another module. reports.py's router is served by no app either, but no
    # body of its module names it.
    assert sorted(name.rpartition("/")[2] for name in read_again) == ["admin.py", "items.py", "users.py"]
    reported = kept[1].splitlines()
    assert [line for line in reported if "FCL001" in line and "admin.py" in line] == []
    (hardcoded,) = [line for line in reported if "FCL001" in line and "users.py" in line]
    assert hardcoded.split(": ")[0].endswith("users.py:5:47")  # characters, not bytes (48)
    assert [line for line in reported if "FCL009" in line and "admin.py" in line] == []
    assert [line.split(": ")[0].rpartition("/")[2] for line in reported if "FCL009" in line] == [
        "reports.py:3:10", "users.py:5:10",
    ]
    assert [line.split(": ")[0].rpartition("/")[2] for line in reported if "FCL105" in line] == ["items.py:10:5"]
    moves = {line.split(": ")[0].rpartition("/")[2]: "(no fix:" in line for line in reported if "FCL005" in line}
    assert moves == {"main.py:6:41": False, "main.py:7:42": True}  # items moves, orders does not
