"""Finding the files to check: explicit files always, `*.py` under directories otherwise,
skipping excluded names and walking each real directory once (symlink loops end)."""

from __future__ import annotations

import fnmatch
import os
from typing import Callable, Iterator, List, Sequence, Set, Tuple


def _excluded(name: str, relative: str, patterns: Sequence[str]) -> bool:
    return any(
        fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern)
        for pattern in patterns
    )


def walk(
    root: str, patterns: Sequence[str], visited: Set[Tuple[int, int]]
) -> Iterator[str]:
    """Python files under `root` in a stable order."""
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
            if _excluded(entry.name, entry_relative, patterns):
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
    paths: Sequence[str], exclude_for: Callable[[str], Sequence[str]]
) -> Iterator[Tuple[str, bool]]:
    """(path, named explicitly) for every file to check. `exclude_for(directory)` gives the
    exclude patterns that apply under a directory argument."""
    visited: Set[Tuple[int, int]] = set()
    seen: Set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            for found in walk(path, exclude_for(path), visited):
                if found not in seen:
                    seen.add(found)
                    yield found, False
        elif path not in seen:
            seen.add(path)
            yield path, True
