"""Module names: relative imports read as absolute ones, and which names are tests'."""

from __future__ import annotations

import os
from typing import Iterable, Optional, Tuple


def names_a_test(parts: Iterable[str]) -> bool:
    """Whether a module's dotted name or path parts make it a test's: `tests`, `test`,
    `conftest`, `test_*` or `*_test`, itself or a package or folder above it."""
    return any(
        part in ("tests", "test", "conftest") or part.startswith("test_") or part.endswith("_test")
        for part in parts
    )


def is_test_module(name: str, path: Optional[str], home: Optional[str]) -> bool:
    """Whether a module is a test's: `tests`, `test`, `conftest`, `test_*` or `*_test`, or
    under such a package, or under such a folder of the project `home` (a `tests/` folder
    need not be a package)."""
    return names_a_test(name.split(".")) or names_a_test(_parts_below(path, home))


def _parts_below(path: Optional[str], home: Optional[str]) -> Tuple[str, ...]:
    """A file's path below a folder, without the `.py` (nothing when it is not below it)."""
    if not path or home is None:
        return ()
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(home))
    except ValueError:  # another drive
        return ()
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return ()
    return tuple(os.path.splitext(relative)[0].split(os.sep))


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
