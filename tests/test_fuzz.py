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
