"""Module names from file paths, under the project's import roots."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional, Sequence, Tuple

from fastapi_conventions_lint.config import Settings


def import_roots(settings: Settings, fallback: Path) -> List[Path]:
    """The directories imports are resolved from: the `src` setting's directories (default:
    `src` when it exists, else the project root), then the project root itself."""
    root = (settings.root or fallback).resolve()
    if settings.src:
        roots = [(root / folder).resolve() for folder in settings.src]
    elif (root / "src").is_dir():
        roots = [root / "src"]
    else:
        roots = []
    return roots + [root] if root not in roots else roots


def module_name(path: Path, roots: Sequence[Path]) -> Optional[Tuple[str, bool]]:
    """(dotted name, is a package) of a file under the deepest root that holds it."""
    resolved = path.resolve()
    for root in sorted(roots, key=lambda r: len(r.parts), reverse=True):
        try:
            relative = resolved.relative_to(root)
        except ValueError:
            continue
        parts = list(relative.with_suffix("").parts)
        package = parts[-1] == "__init__"
        if package:
            parts = parts[:-1]
        if parts and all(part.isidentifier() for part in parts):
            return ".".join(parts), package
        return None
    return None


def module_file(name: str, roots: Sequence[Path]) -> Optional[Tuple[Path, bool]]:
    """The file of a module under the roots: (path, is a package)."""
    relative = Path(*name.split("."))
    for root in roots:
        package = root / relative / "__init__.py"
        if package.is_file():
            return package, True
        module = (root / relative).with_suffix(".py")
        if module.is_file():
            return module, False
    return None


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
