"""Module names: relative imports read as absolute ones, and which names are tests'."""

from __future__ import annotations

import os
from typing import Iterable, Optional


def names_a_test(parts: Iterable[str]) -> bool:
    """Whether a module's dotted name or path parts make it a test's: `tests`, `test`,
    `conftest`, `test_*` or `*_test`, itself or a package or folder above it."""
    return any(
        part in ("tests", "test", "conftest") or part.startswith("test_") or part.endswith("_test")
        for part in parts
    )


def is_test_module(name: str, path: str, home: Optional[str]) -> bool:
    """Whether a module is a test's, by its dotted name or by its path in the project (a
    `tests/` folder need not be a package)."""
    relative = os.path.relpath(path, home) if home is not None else os.pardir
    parts = () if relative.startswith(os.pardir) else os.path.splitext(relative)[0].split(os.sep)
    return names_a_test(name.split(".")) or names_a_test(parts)


def absolute(name: str, current: str, is_package: bool) -> Optional[str]:
    """An import's target as an absolute module path: `..config.x` seen from `a.b.c`."""
    if not name.startswith("."):
        return name
    level = len(name) - len(name.lstrip("."))
    base = current.split(".") if is_package else current.split(".")[:-1]
    if level - 1 > len(base):
        return None
    base = base[: len(base) - (level - 1)]
    rest = name[level:]
    return ".".join(base + ([rest] if rest else [])) or None
