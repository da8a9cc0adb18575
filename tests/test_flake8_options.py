"""The flake8 plugin's own options (`--fcl-...`), from the command line and from flake8's config
files, over the pyproject table; flake8's output options and per-file-ignores on FCL codes.

Most tests run flake8 as a user does, in a subprocess in a project directory (without
`--isolated`, so that flake8 reads its config file there); the last ones run flake8's main in
this process.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import List

import pytest

from conftest import write_config_module
from fastapi_conventions_lint import __version__
from fastapi_conventions_lint.flake8_plugin import Plugin

# A handler of 4 statements that calls the data layer through `session`.
HANDLER = """\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/things", tags=["things"])


@router.get("/things")
def list_things(session, repo) -> dict:
    first = 1
    second = 2
    repo.save(first + second)
    return session.execute("select 1")
"""


def flake8(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "FCL", *args],
        cwd=project, capture_output=True, text=True,
    )


def codes(output: str) -> List[str]:
    return re.findall(r": (FCL\d+) ", output)


@pytest.fixture
def project(tmp_path) -> Path:
    (tmp_path / "app.py").write_text(HANDLER)
    write_config_module(tmp_path)
    return tmp_path


def _write(path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text).lstrip("\n"))


# ---- the options, and where they come from -------------------------------------------------

def test_without_options_the_default_limit_applies(project):
    process = flake8(project, "app.py")
    assert process.returncode == 1, process.stderr
    assert codes(process.stdout) == ["FCL001", "FCL102"]  # 4 statements: under the limit of 12


@pytest.mark.parametrize("config_file, key", [
    (".flake8", "fcl-max-handler-statements"),
    ("setup.cfg", "fcl-max-handler-statements"),
    ("tox.ini", "fcl_max_handler_statements"),
])
def test_a_flake8_config_file_sets_fcl101s_limit(project, config_file, key):
    _write(project / config_file, f"""
        [flake8]
        {key} = 3
    """)
    process = flake8(project, "app.py")
    assert "app.py:7:1: FCL101 route handler 'list_things' has 4 statements (limit 3)" in process.stdout
    assert process.returncode == 1


def test_the_command_line_flag_sets_the_limit_and_wins_over_the_config_file(project):
    _write(project / ".flake8", """
        [flake8]
        fcl-max-handler-statements = 100
    """)
    process = flake8(project, "--fcl-max-handler-statements=2", "app.py")
    assert "has 4 statements (limit 2)" in process.stdout


def test_the_pyproject_table_applies_when_no_flake8_option_is_given(project):
    _write(project / "pyproject.toml", """
        [tool.fastapi-conventions-lint]
        max-handler-statements = 3
    """)
    process = flake8(project, "app.py")
    assert "has 4 statements (limit 3)" in process.stdout


def test_a_flake8_option_wins_over_the_table_key_by_key(project):
    _write(project / "pyproject.toml", """
        [tool.fastapi-conventions-lint]
        max-handler-statements = 3
        data-handle-names = ["repo"]
        data-access-methods = ["save"]
    """)
    _write(project / ".flake8", """
        [flake8]
        fcl-max-handler-statements = 10
    """)
    process = flake8(project, "app.py")
    # The option's limit of 10: no FCL101; the table's data-layer names: repo.save, not session.
    assert codes(process.stdout) == ["FCL001", "FCL102"]
    assert "(repo.save())" in process.stdout


def test_list_options_are_comma_separated(project):
    process = flake8(
        project, "--fcl-data-handle-names=repo, store", "--fcl-data-access-methods=save,load", "app.py"
    )
    assert "calls the data layer directly (repo.save())" in process.stdout
    assert "session.execute" not in process.stdout


def test_data_access_functions_option_names_the_data_layer_functions(project):
    _write(project / "reports.py", """
        from fastapi import APIRouter

        from app.db import run_sql as query

        router = APIRouter(prefix="/api/v1/reports", tags=["reports"])


        @router.get("/reports")
        def list_reports() -> dict:
            return query("SELECT * FROM reports")


        @router.get("/totals")
        def totals() -> dict:
            return repo_query("totals")
    """)
    assert "FCL102" not in flake8(project, "reports.py").stdout  # none by default
    process = flake8(project, "--fcl-data-access-functions=run_sql, repo_query", "reports.py")
    assert codes(process.stdout) == ["FCL001", "FCL102", "FCL102"]
    assert "reports.py:10:12: FCL102 route handler 'list_reports' calls the data layer directly (query())" in (
        process.stdout
    )
    assert "reports.py:15:12: FCL102 route handler 'totals' calls the data layer directly (repo_query())" in (
        process.stdout
    )


def test_list_options_in_a_config_file_may_span_lines(project):
    _write(project / ".flake8", """
        [flake8]
        fcl-data-handle-names =
            repo,
            store
        fcl-data-access-methods = save
    """)
    process = flake8(project, "app.py")
    assert "(repo.save())" in process.stdout


def test_prefixes_and_api_config_change_what_fcl001_suggests(project):
    _write(project / ".flake8", """
        [flake8]
        fcl-prefixes = THINGS_PREFIX=/api/v1/things, V1_PREFIX=/api/v1
        fcl-api-config = app.settings:settings
    """)
    process = flake8(project, "app.py")
    assert 'FCL001 hardcoded router prefix "/api/v1/things": use settings.THINGS_PREFIX' in process.stdout


def test_base_dependencies_names_the_class_fcl201_follows(tmp_path):
    _write(tmp_path / "job.py", """
        from app.resources import Resources


        class Context(Resources):
            pass


        def job():
            context = Context()
            context.initialize()
            return context.run()
    """)
    assert codes(flake8(tmp_path, "job.py").stdout) == []
    process = flake8(tmp_path, "--fcl-base-dependencies=app.resources:Resources", "job.py")
    assert "job.py:10:5: FCL201 'context' is initialized but never cleaned up" in process.stdout


def test_router_classes_option(tmp_path):
    _write(tmp_path / "app.py", """
        from plugins import make_router

        router = make_router(prefix="/users")


        @router.get("")
        def list_users() -> dict:
            return []
    """)
    assert codes(flake8(tmp_path, "app.py").stdout) == []
    process = flake8(tmp_path, "--fcl-router-classes=plugins:make_router", "app.py")
    assert sorted(codes(process.stdout)) == ["FCL001", "FCL003"], process.stdout + process.stderr


def test_src_names_the_import_roots_relative_to_the_project_root(tmp_path):
    (tmp_path / "lib" / "pkg").mkdir(parents=True)
    _write(tmp_path / "lib" / "pkg" / "__init__.py", "")
    _write(tmp_path / "lib" / "pkg" / "routes.py", """
        from fastapi import APIRouter

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("/")
        def items() -> dict:
            return []
    """)
    _write(tmp_path / "main.py", """
        from fastapi import FastAPI

        from pkg.routes import router

        app = FastAPI(openapi_url=None)
        app.include_router(router, prefix="/items")
    """)
    # Without the root, `pkg.routes` is unknown: the include's prefix is only misplaced.
    assert codes(flake8(tmp_path, "main.py").stdout) == ["FCL005"]
    _write(tmp_path / "setup.cfg", """
        [flake8]
        fcl-src = lib
    """)
    process = flake8(tmp_path, "main.py")
    assert codes(process.stdout) == ["FCL002"]
    assert 'so it serves "/items/items"' in process.stdout


@pytest.mark.parametrize("option, expected", [
    ("--fcl-max-handler-statements=many",
     "fcl-max-handler-statements = 'many': expected an integer"),
    ("--fcl-max-handler-complexity=-1",
     "fcl-max-handler-complexity = -1: expected an integer of 0 or more"),
    ("--fcl-api-config=settings",
     "fcl-api-config = 'settings': expected a string of the form 'module:object'"),
    ("--fcl-prefixes=V1_PREFIX",
     "fcl-prefixes = 'V1_PREFIX': expected NAME=VALUE pairs separated by commas"),
])
def test_a_bad_option_value_is_one_diagnostic_per_file_not_a_crash(project, option, expected):
    process = flake8(project, option, "app.py")
    assert process.returncode == 1
    (line,) = process.stdout.splitlines()
    assert line.startswith(f"app.py:1:1: FCL900 not checked: invalid flake8 option {expected}")
    assert "Traceback" not in process.stderr


def test_the_options_are_listed_in_flake8s_help(project):
    process = flake8(project, "--help")
    for option in ("--fcl-api-config", "--fcl-prefixes", "--fcl-base-dependencies",
                   "--fcl-max-handler-statements", "--fcl-max-handler-complexity",
                   "--fcl-data-handle-names", "--fcl-data-access-methods",
                   "--fcl-data-access-functions", "--fcl-src"):
        assert option in process.stdout


# ---- flake8's own options on FCL output ------------------------------------------------------

def test_pylint_format(project):
    process = flake8(project, "--format=pylint", "--fcl-max-handler-statements=3", "app.py")
    assert process.stdout.splitlines() == [
        "app.py:3: [FCL001] hardcoded router prefix \"/api/v1/things\": use f\"{api_config.V1_PREFIX}/things\"",
        "app.py:7: [FCL101] route handler 'list_things' has 4 statements (limit 3): "
        "move the logic into a service or use case",
        "app.py:11: [FCL102] route handler 'list_things' calls the data layer directly "
        "(session.execute()): move it into a repository or service",
    ]


def test_show_source_puts_a_caret_under_the_column(project):
    process = flake8(project, "--show-source", "--select", "FCL001,FCL102", "app.py")
    lines = process.stdout.splitlines()
    assert lines[0].startswith("app.py:3:27: FCL001 ")
    assert lines[1] == 'router = APIRouter(prefix="/api/v1/things", tags=["things"])'
    assert lines[2] == " " * 26 + "^"
    assert lines[3].startswith("app.py:11:12: FCL102 ")
    assert lines[4] == '    return session.execute("select 1")'
    assert lines[5] == " " * 11 + "^"


def test_per_file_ignores_in_a_flake8_file(project):
    (project / "api").mkdir()
    (project / "api" / "things.py").write_text(HANDLER)
    _write(project / ".flake8", """
        [flake8]
        per-file-ignores =
            api/*.py: FCL1
            app.py: FCL001
    """)
    process = flake8(project, ".")
    found = sorted(re.findall(r"^\.?/?(\S+?):\d+:\d+: (FCL\d+)", process.stdout, re.M))
    assert found == [("api/things.py", "FCL001"), ("app.py", "FCL102")]


def test_flake8_version_lists_the_plugin(project):
    process = subprocess.run(
        [sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True
    )
    assert process.returncode == 0
    assert f"fastapi-conventions-lint: {__version__}" in " ".join(process.stdout.split())
    assert Plugin.name == "fastapi-conventions-lint" and Plugin.version == __version__


# ---- in this process (flake8's main, one file: no worker processes) ---------------------------

@pytest.fixture
def plugin_state(monkeypatch):
    """flake8 sets the plugin's class-level options; restore them after the test."""
    for name in ("_finder", "_overrides", "_option_error", "_applied", "_projects", "_resolved", "_completed"):
        monkeypatch.setattr(Plugin, name, getattr(Plugin, name))


def test_in_process_options_from_a_config_file_and_the_command_line(
    project, plugin_state, monkeypatch, capsys
):
    from flake8.main.cli import main as flake8_main

    shutil.rmtree(project / "server")  # the table names the constants, not a config object
    _write(project / ".flake8", """
        [flake8]
        fcl-max-handler-statements = 3
        fcl-prefixes = THINGS_PREFIX=/api/v1/things
        fcl-data-handle-names = repo
        fcl-data-access-methods = save
        fcl-src = src
    """)
    monkeypatch.chdir(project)
    assert flake8_main(["--select", "FCL", "-j1", "--fcl-max-handler-complexity=1", "app.py"]) == 1
    out = capsys.readouterr().out
    assert "use api_config.THINGS_PREFIX" in out
    assert "has 4 statements (limit 3)" in out
    assert "(repo.save())" in out
    assert Plugin._overrides["src"] == ("src",)

    assert flake8_main(["--select", "FCL", "-j1", "--fcl-max-handler-statements=x", "app.py"]) == 1
    assert "FCL900 not checked: invalid flake8 option fcl-max-handler-statements = 'x'" in (
        capsys.readouterr().out
    )
