"""The compact copies of the syntax trees a run holds for the project pass (compact_tree.py):
read as the parsed trees are, the same reports, and a fraction of the memory."""

from __future__ import annotations

import ast
import copy
import gc
import pickle
import shutil
import tracemalloc

import pytest

from conftest import FIXTURES, run_cli
from fastapi_conventions_lint import compact_tree

ROUTES = '''\
"""Orders."""
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from app.config import api_config
from app.services import orders as service

router = APIRouter(prefix=api_config.ORDERS_PREFIX, tags=["orders"])


@router.get("/{order_id}", response_model=service.Order)
async def read_order(order_id: int, db: Annotated[service.Db, Depends(service.db)]) -> service.Order:
    """One order."""
    try:
        return await service.read(db, order_id)
    except service.Missing as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no order {order_id}") from error


@router.post("/", status_code=status.HTTP_201_CREATED)
def create_order(lines: list[service.Line], *, db=Depends(service.db), **extra) -> service.Order:
    totals = {line.sku: line.count * 2 for line in lines if line.count > 0}
    seen = {"skus": sorted({line.sku for line in lines}), **extra}
    return service.create(db, totals, lambda x: x or None, seen, *[total for total in totals])
'''


def _nodes(tree: ast.AST):
    return list(ast.walk(tree))


def test_a_copy_reads_as_the_parsed_tree():
    parsed = ast.parse(ROUTES)
    copied = compact_tree.compact(ast.parse(ROUTES))
    assert compact_tree.shape(copied) == compact_tree.shape(parsed)
    assert compact_tree.shape(copied) != compact_tree.shape(ast.parse(ROUTES.replace("status_code", "code")))
    assert ast.unparse(copied) == ast.unparse(parsed)
    pairs = list(zip(_nodes(parsed), _nodes(copied)))
    assert len(pairs) == len(_nodes(parsed)) > 100
    for original, twin in pairs:
        assert isinstance(twin, type(original)) and type(twin).__name__ == type(original).__name__
        if original._fields or original._attributes:
            assert type(twin) is not type(original)
            assert not any(isinstance(held, dict) for held in gc.get_referents(twin))  # slots only
        else:
            assert twin is original  # Load(), Add(): the parser's shared ones

    class Names(ast.NodeVisitor):
        def __init__(self):
            self.seen = []

        def visit_FunctionDef(self, node):
            self.seen.append(node.name)
            self.generic_visit(node)

        visit_AsyncFunctionDef = visit_FunctionDef

    visitor = Names()
    visitor.visit(copied)
    assert visitor.seen == ["read_order", "create_order"]
    handler = copied.body[-1]
    assert ast.get_source_segment(ROUTES, handler.args) == ast.get_source_segment(ROUTES, parsed.body[-1].args)


def test_a_copy_takes_a_fraction_of_the_memory_of_the_parsed_tree():
    text = ROUTES * 20
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        parsed = ast.parse(text)
        parsed_size = tracemalloc.get_traced_memory()[0] - before
        copied = compact_tree.compact(ast.parse(text))
        copied_size = tracemalloc.get_traced_memory()[0] - before - parsed_size
    finally:
        tracemalloc.stop()
    assert len(_nodes(copied)) == len(_nodes(parsed))
    assert copied_size < parsed_size / 2


def test_the_copies_share_one_empty_list_that_refuses_to_change():
    function = compact_tree.compact(ast.parse("def ping():\n    pass\n")).body[0]
    assert function.decorator_list == [] and function.decorator_list is function.args.kwonlyargs
    assert isinstance(function.decorator_list, list)
    with pytest.raises(TypeError, match="shared"):
        function.decorator_list.append(ast.Name("cached", ast.Load()))
    with pytest.raises(TypeError):
        function.args.args += [ast.arg("request")]
    assert function.decorator_list == [] and function.args.args == []


def test_copies_can_be_copied_and_pickled():
    copied = compact_tree.compact(ast.parse(ROUTES))
    expected = ast.dump(copied, include_attributes=True)
    for twin in (copy.deepcopy(copied), pickle.loads(pickle.dumps(copied))):
        assert ast.dump(twin, include_attributes=True) == expected
        assert type(twin.body[-1]) is type(copied.body[-1])


def test_a_tree_nested_too_deeply_to_copy_is_kept_as_parsed():
    deep = ast.parse("total = " + " + ".join(["price"] * 600))
    assert compact_tree.compact(deep) is deep
    shallow = ast.parse("total = " + " + ".join(["price"] * 20))
    assert compact_tree.compact(shallow) is not shallow


def test_only_the_trees_of_files_that_may_hold_project_facts_are_copied():
    text = "import os\n\nTIMEOUT = int(os.environ['TIMEOUT'])\n"
    tree = ast.parse(text)
    assert compact_tree.held(tree, text) is tree
    tree = ast.parse(ROUTES)
    assert compact_tree.held(tree, ROUTES) is not tree


@pytest.fixture
def copies(monkeypatch):
    """Whether each tree given to `compact` came back as a copy."""
    made = []
    compact = compact_tree.compact

    def counting(tree):
        copied = compact(tree)
        made.append(copied is not tree)
        return copied

    monkeypatch.setattr(compact_tree, "compact", counting)
    return made


@pytest.mark.parametrize("app", ["violations_app", "fixable_app", "clean_app"])
def test_the_reports_and_fixes_are_those_made_on_the_parsed_trees(app, tmp_path, monkeypatch, capsys, copies):
    root = tmp_path / app
    shutil.copytree(FIXTURES / app, root)
    runs = [
        ["check", "--no-cache", str(root)],
        ["fix", "--unsafe-fixes", "--diff", "--no-cache", str(root)],
        ["routes", str(root)],
    ]
    parsed = [run_cli(args, capsys) for args in runs]
    assert not any(copies)  # a small workspace keeps its trees as parsed
    monkeypatch.setattr(compact_tree, "MIN_FILES", 0)
    assert [run_cli(args, capsys) for args in runs] == parsed
    assert any(copies)


def test_trees_are_copied_in_a_workspace_of_at_least_min_files(tmp_path, monkeypatch, capsys, copies):
    root = tmp_path / "shop"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "orders.py").write_text(ROUTES)
    (root / "app" / "settings.py").write_text("import os\n\nTIMEOUT = int(os.environ['TIMEOUT'])\n")
    monkeypatch.setattr(compact_tree, "MIN_FILES", 4)
    run_cli(["check", "--no-cache", str(root)], capsys)
    assert copies == []
    (root / "app" / "users.py").write_text(ROUTES.replace("orders", "users"))
    run_cli(["check", "--no-cache", str(root)], capsys)
    assert copies == [True, True]  # the two routers, not the settings
