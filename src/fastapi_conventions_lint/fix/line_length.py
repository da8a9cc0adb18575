"""The project's line length, as its formatter or linter is told: ruff's `line-length` in
`[tool.ruff]`, black's `[tool.black] line-length`, or flake8's `max-line-length` (setup.cfg,
tox.ini, .flake8); 88 (black's default) when none is set. Read once per directory."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any, Optional

from fastapi_conventions_lint.fix.tool_config import ini_option, table, tool_table

DEFAULT = 88


def _positive(value: Any) -> Optional[int]:
    try:
        number = int(str(value).strip())
    except ValueError:
        return None
    return number if number > 0 else None


@lru_cache(maxsize=256)
def line_length(directory: str) -> int:
    directory = os.path.abspath(directory)
    tool = tool_table(directory)
    for value in (table(tool, "ruff").get("line-length"), table(tool, "black").get("line-length")):
        if value is not None and _positive(value):
            return _positive(value)  # type: ignore[return-value]
    configured = ini_option(directory, "flake8", "max-line-length")
    return (_positive(configured) if configured is not None else None) or DEFAULT


def line_length_for(filename: str) -> int:
    return line_length(os.path.dirname(os.path.abspath(filename or ".")))
