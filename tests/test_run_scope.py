"""What a run reads: the files named and the modules the analysis asks for, all inside the
project's root. A configuration named from elsewhere (`--config ../pyproject.toml`) does not
widen that, whatever its `src` key lists."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import run_cli
from fastapi_conventions_lint import source
from test_fix_runtime import make

_MAIN = '''
    from fastapi import FastAPI

    from app.items import router
    from items import router as elsewhere  # a module only the outer configuration's roots hold

    app = FastAPI(docs_url=None, redoc_url=None)
    app.include_router(router)
    app.include_router(elsewhere)
'''

_ROUTER = '''
    from fastapi import APIRouter

    router = APIRouter(prefix="/items", tags=["items"])


    @router.get("")
    def items() -> list:
        return []
'''


@pytest.fixture
def layout(tmp_path):
    """outer/ holds a configuration and a module of the same name as the project's; the
    project (a repository) is beside it."""
    outer = make(tmp_path / "outer", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\nsrc = [".", "shared", "../outer"]\n',
        "items.py": _ROUTER.replace('"/items"', '"/outside"'),
        "shared/items.py": _ROUTER.replace('"/items"', '"/shared"'),
        "project/app/__init__.py": "",
        "project/app/main.py": _MAIN,
        "project/app/items.py": _ROUTER,
    })
    subprocess.run(["git", "init", "-q", str(outer / "project")], check=True)
    return outer


@pytest.fixture
def reads(monkeypatch):
    """Every source file the run reads."""
    seen = []
    original = source.read_bytes

    def recording(path, **options):
        seen.append(str(path))
        return original(path, **options)

    monkeypatch.setattr(source, "read_bytes", recording)
    return seen


@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"], ["routes"]])
def test_a_configuration_above_the_project_does_not_make_the_run_read_above_it(layout, reads, capsys, command):
    project = layout / "project"
    config = str(layout / "pyproject.toml")
    code, out, err = run_cli([*command, "--config", config, str(project / "app" / "main.py")], capsys)
    assert "error" not in err
    assert reads, "the run read nothing"
    outside = [path for path in reads if not path.startswith(str(project.resolve()))]
    assert outside == []
    if command == ["routes"]:
        assert "/items" in out and "/outside" not in out and "/shared" not in out


def test_the_modules_inside_the_project_are_still_followed(layout, reads, capsys):
    project = layout / "project"
    code, out, err = run_cli(
        ["routes", "--config", str(layout / "pyproject.toml"), str(project / "app" / "main.py")], capsys
    )
    assert "GET" in out and "/items" in out
    assert str((project / "app" / "items.py").resolve()) in reads


def test_a_file_the_first_pass_passed_over_is_not_read_again_by_the_project_pass(layout, reads, capsys):
    """The project pass reads the workspace's files for what others' answers depend on; a
    checked file that mentions none of it was read once, by its own first pass."""
    project = layout / "project"
    (project / "app" / "models.py").write_text("class Item:\n    name = ''\n")
    (project / "app" / "callbacks.py").write_text("from app.items import router\n\nCALLBACKS = router.routes\n")
    code, out, err = run_cli(["check", "--no-cache", str(project)], capsys)
    assert "error" not in err
    read = [path for path in reads if path.endswith(("models.py", "callbacks.py"))]
    assert sorted(read, key=lambda path: path.endswith("callbacks.py")) == [
        str(project / "app" / "models.py"), str(project / "app" / "callbacks.py"),
        str((project / "app" / "callbacks.py").resolve()),  # `.routes`: read for the project too
    ]


@pytest.mark.parametrize("app", ["violations_app", "fixable_app"])
def test_a_file_named_alone_is_reported_as_in_the_whole_project(app, capsys, monkeypatch, tmp_path):
    """What is reported for a file does not depend on which other files the run names: the
    project pass reads the others (without the facts only their own reports need). Only
    whether a two-file fix can be made does: both files must be among those given. (The app
    is copied out of this repository, whose root pyproject.toml would make the whole
    repository its workspace: each run would link this tool's own source too.)"""
    import shutil

    from conftest import FIXTURES, parse_output

    root = tmp_path / app
    shutil.copytree(FIXTURES / app, root)
    monkeypatch.chdir(root)
    def found(*paths: str) -> list:
        return [(os.path.normpath(item.path), item.line, item.col, item.code, item.message.split(" (no fix: ")[0])
                for item in parse_output(run_cli(["check", "--no-cache", *paths], capsys)[1])]

    whole = found(".")
    reported = 0
    for name in sorted(str(path.relative_to(root)) for path in root.rglob("*.py")):
        expected = [item for item in whole if item[0] == name]
        assert found(name) == expected, name
        reported += bool(expected)
    assert reported >= 5  # the comparison is about files with findings
