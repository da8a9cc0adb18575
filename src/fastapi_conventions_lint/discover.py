"""Finding the files to check: explicit files always, `*.py` under directories otherwise,
skipping excluded names and walking each real directory once (symlink loops end).

An exclude pattern matches an entry's name, or its path relative to the directory of the
pyproject.toml that configured it (relative to the walked directory when there is none)."""

from __future__ import annotations

import fnmatch
import os
from typing import Callable, Iterator, List, Optional, Sequence, Set, Tuple


def _excluded(name: str, relative: str, patterns: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern)
        for pattern in patterns
    )


def _prefix(root: str, config_root: Optional[str]) -> str:
    """The path of `root` relative to `config_root`, as a glob prefix ("" when it is the same
    directory or there is no config root)."""
    if config_root is None:
        return ""
    try:
        relative = os.path.relpath(os.path.realpath(root), os.path.realpath(config_root))
    except ValueError:  # pragma: no cover - another drive on Windows
        return ""
    if relative == "." or relative == ".." or relative.startswith(".." + os.sep):
        return ""
    return relative.replace(os.sep, "/") + "/"


def walk(
    root: str,
    patterns: Sequence[str],
    visited: Set[Tuple[int, int]],
    config_root: Optional[str] = None,
) -> Iterator[str]:
    """Python files under `root` in a stable order."""
    prefix = _prefix(root, config_root)
    stack: List[Tuple[str, str]] = [(root, "")]
    while stack:
        directory, relative = stack.pop()
        try:
            info = os.stat(directory)
            key = (info.st_dev, info.st_ino)
            if key in visited:
                continue
            visited.add(key)
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError:
            continue
        subdirectories = []
        for entry in entries:
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            if _excluded(entry.name, prefix + entry_relative, patterns):
                continue
            try:
                is_directory = entry.is_dir()
            except OSError:
                continue
            if is_directory:
                subdirectories.append((entry.path, entry_relative))
            elif entry.name.endswith(".py"):
                yield entry.path
        stack.extend(reversed(subdirectories))


def discover(
    paths: Sequence[str],
    exclude_for: Callable[[str], Tuple[Sequence[str], Optional[str]]],
) -> Iterator[Tuple[str, bool]]:
    """(path, named explicitly) for every file to check. `exclude_for(directory)` gives the
    exclude patterns that apply under a directory argument, and the directory they are
    relative to (None: the argument itself)."""
    visited: Set[Tuple[int, int]] = set()
    seen: Set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            patterns, config_root = exclude_for(path)
            for found in walk(path, patterns, visited, config_root):
                if found not in seen:
                    seen.add(found)
                    yield found, False
        elif path not in seen:
            seen.add(path)
            yield path, True
