"""The other tools' settings a fix follows (isort's first-party modules, the line length):
read from the nearest configuration files above a file, once per directory."""

from __future__ import annotations

import configparser
import os
from functools import lru_cache
from typing import Any, Mapping, Optional

from fastapi_conventions_lint import source
from fastapi_conventions_lint.config import tomllib

INI_FILES = ("setup.cfg", "tox.ini", ".flake8")


def _nearest(directory: str, name: str) -> Optional[str]:
    """The file `name` in `directory` or the closest directory above it, stopping at the
    repository root (the directory holding .git)."""
    current = os.path.abspath(directory)
    while True:
        candidate = os.path.join(current, name)
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(current)
        if parent == current or os.path.exists(os.path.join(current, ".git")):
            return None
        current = parent


@lru_cache(maxsize=256)
def tool_table(directory: str) -> Mapping[str, Any]:
    """The `[tool]` table of the nearest pyproject.toml ({} when there is none or it is
    unreadable: the fixes then use the tools' defaults)."""
    path = _nearest(directory, "pyproject.toml")
    if path is None:
        return {}
    try:
        with source.open_regular(path, "rb") as handle:
            tool = tomllib.load(handle).get("tool", {})
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return tool if isinstance(tool, dict) else {}


@lru_cache(maxsize=256)
def ini_option(directory: str, section: str, option: str) -> Optional[str]:
    """An option of the nearest setup.cfg, tox.ini or .flake8 that has `section`."""
    for name in INI_FILES:
        path = _nearest(directory, name)
        if path is None:
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read(path, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError):
            continue
        if parser.has_option(section, option):
            return parser.get(section, option)
    return None


def table(tool: Mapping[str, Any], *keys: str) -> Mapping[str, Any]:
    """A nested table by its keys ({} when any is missing or not a table)."""
    current: Any = tool
    for key in keys:
        current = current.get(key, {}) if isinstance(current, dict) else {}
    return current if isinstance(current, dict) else {}
