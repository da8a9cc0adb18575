"""Never crash on valid code: generated programs through every rule, in both hosts' paths."""

from __future__ import annotations

import ast

import hypothesmith
from hypothesis import HealthCheck, given, settings

from fastapi_conventions_lint import engine
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.flake8_plugin import Plugin
from fastapi_conventions_lint.selection import CodeSelection
from fastapi_conventions_lint.source import physical_lines

PRELUDE = (
    "from fastapi import APIRouter, FastAPI, Depends\n"
    "router = APIRouter(prefix='/api/v1/x/')\n"
)
SETTINGS = Settings()
SELECTION = CodeSelection.from_settings(SETTINGS)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(hypothesmith.from_grammar())
def test_generated_programs_never_crash(program):
    for text in (program, PRELUDE + program):
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        lines = physical_lines(text)
        engine.lint_tree(tree, lines, SETTINGS, engine.file_rules())
        list(Plugin(tree, "generated.py", lines).run())
        found = engine.check_source(text.encode(), "generated.py", SETTINGS, SELECTION, explicit=True)
        assert all(d.line >= 1 and d.col >= 0 for d in found)


# ---- multi-module projects: fix reaches its fixed point in one run, and never crashes ----------

import tempfile  # noqa: E402
import textwrap  # noqa: E402
from pathlib import Path  # noqa: E402

from hypothesis import strategies as st  # noqa: E402

_PREFIXES = st.sampled_from([None, '"/users"', '"users/"', '"/users/"', '"/api/v1/users"'])
_STATUS = st.sampled_from([None, "201", "status.HTTP_201_CREATED"])


@st.composite
def _projects(draw):
    """A package of two or three modules: a router (prefix, tags, a route with or without a
    literal status code and a Depends default), maybe a parent router nesting it, and a main
    module including it with or without a prefix and tags."""
    own_prefix, include_prefix = draw(_PREFIXES), draw(_PREFIXES)
    tags, include_tags, nested = draw(st.booleans()), draw(st.booleans()), draw(st.booleans())
    status, depends, asynchronous = draw(_STATUS), draw(st.booleans()), draw(st.booleans())
    arguments = ", ".join(filter(None, [
        f"prefix={own_prefix}" if own_prefix else "", 'tags=["users"]' if tags else "",
    ]))
    decorator_arguments = '"/{user_id}"' + (f", status_code={status}" if status else "")
    parameter = "user_id: int" + (", db=Depends(get_db)" if depends else "")
    users = textwrap.dedent(f'''
        from fastapi import APIRouter, Depends, status


        def get_db():
            return None


        router = APIRouter({arguments})


        @router.get({decorator_arguments})
        {"async " if asynchronous else ""}def read_user({parameter}) -> dict:
            return {{}}
    ''').lstrip()
    include_arguments = ", ".join(filter(None, [
        "router", f"prefix={include_prefix}" if include_prefix else "",
        'tags=["people"]' if include_tags else "",
    ]))
    files = {"app/__init__.py": "", "app/users.py": users}
    if nested:
        files["app/api.py"] = textwrap.dedent(f'''
            from fastapi import APIRouter

            from app.users import router

            api = APIRouter(prefix="/api")
            api.include_router({include_arguments})
        ''').lstrip()
        included = "from app.api import api\n", "app.include_router(api)\n"
    else:
        included = "from app.users import router\n", f"app.include_router({include_arguments})\n"
    files["app/main.py"] = (
        "from fastapi import FastAPI\n\n" + included[0]
        + "\napp = FastAPI(docs_url=None, redoc_url=None)\n" + included[1]
    )
    return files


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(_projects())
def test_generated_projects_are_fixed_in_one_run(files):
    """Every run leaves valid Python, and a second run changes nothing: the first reached the
    fixed point (in rounds: a prefix FCL006 normalises in the router's file can make the
    include's prefix a doubled one, FCL002, which the first round's plan did not see)."""
    from fastapi_conventions_lint.cli import main

    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        (root / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        states = []
        for _ in range(2):
            assert main(["fix", "--unsafe-fixes", "-qq", str(root)]) in (0, 1)
            state = {name: (root / name).read_text() for name in files}
            for name, text in state.items():
                ast.parse(text, filename=name)
            states.append(state)
        assert states[0] == states[1]
