"""Relative imports read as absolute module names."""

from __future__ import annotations

from typing import Optional


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
