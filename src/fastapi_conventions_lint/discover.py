"""Finding the files to check: explicit files always, `*.py` under directories otherwise,
skipping excluded names and walking each real directory once (symlink loops end).

An exclude pattern matches an entry's name, or its path relative to the directory of the
pyproject.toml that configured it (relative to the walked directory when there is none)."""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from contextlib import contextmanager
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import gitignore

# Told about each entry a walk passes over: (path, why).
OnSkip = Optional[Callable[[str, str], None]]


@functools.lru_cache(maxsize=32)
def _any_of(patterns: Tuple[str, ...]) -> "re.Pattern[str]":
    """One expression for all the patterns: most entries match none, and one search is
    cheaper than a glob test per pattern."""
    return re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in patterns) or "(?!)")


def _exclusion(name: str, relative: str, patterns: Sequence[str]) -> Optional[str]:
    """The first pattern that excludes an entry, if any."""
    combined = _any_of(tuple(patterns))
    if combined.match(name) is None and combined.match(relative) is None:
        return None
    for pattern in patterns:
        if fnmatch.fnmatchcase(name, pattern) or fnmatch.fnmatchcase(relative, pattern):
            return pattern
    return None


def _regular(entry: os.DirEntry) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _special(path: str) -> bool:
    """A pipe, socket or device: reading it may block, so it is never opened."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False  # missing: reported when read
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


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


# Within `shared_walks()`: each finished walk's files, by what decides them (see `walk`).
_WALKS: Optional[Dict[tuple, List[str]]] = None


@contextmanager
def shared_walks() -> Iterator[None]:
    """Within, a walk of a tree already walked the same way (the same real root, patterns,
    configuration root and git rule) gives the files found then: discovery walks the paths
    given, and the layout of a workspace given as a path walks it again."""
    global _WALKS
    previous, _WALKS = _WALKS, {}
    try:
        yield
    finally:
        _WALKS = previous


def walk(
    root: str,
    patterns: Sequence[str],
    visited: Set[Tuple[int, int]],
    config_root: Optional[str] = None,
    on_skip: OnSkip = None,
    respect_gitignore: bool = False,
    on_unreadable: OnSkip = None,
    reuse: bool = False,
) -> Iterator[str]:
    """Python files under `root` in a stable order; `on_skip(path, why)` hears of the entries
    passed over (excluded, ignored by git, not a .py file, a directory already walked), and
    `on_unreadable(path, why)` of a directory that could not be listed. `reuse`: the files of
    the same walk made before within `shared_walks()` will do (nothing is said of skips, and
    `visited` is not filled)."""
    if _WALKS is None or visited:  # a walk after others of one discovery skips their folders
        yield from _walk(root, patterns, visited, config_root, on_skip, respect_gitignore, on_unreadable)
        return
    key = (os.path.realpath(root), tuple(patterns),
           os.path.realpath(config_root) if config_root else None, respect_gitignore)
    known = _WALKS.get(key)
    if known is not None and reuse:
        yield from (os.path.join(root, relative) for relative in known)
        return
    found, cut = [], len(os.path.join(root, ""))
    for path in _walk(root, patterns, visited, config_root, on_skip, respect_gitignore, on_unreadable):
        found.append(path[cut:])
        yield path
    _WALKS[key] = found  # only a walk that ran to its end


def _walk(
    root: str,
    patterns: Sequence[str],
    visited: Set[Tuple[int, int]],
    config_root: Optional[str],
    on_skip: OnSkip,
    respect_gitignore: bool,
    on_unreadable: OnSkip,
) -> Iterator[str]:
    prefix = _prefix(root, config_root)
    ignores = gitignore.for_directory(root) if respect_gitignore else None
    stack: List[Tuple[str, str]] = [(root, "")]
    while stack:
        directory, relative = stack.pop()
        try:
            info = os.stat(directory)
            key = (info.st_dev, info.st_ino)
            if key in visited:
                if on_skip is not None:
                    on_skip(directory, "already walked (a link to a directory seen before)")
                continue
            visited.add(key)
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as error:
            if on_unreadable is not None:
                on_unreadable(directory, error.strerror or str(error))
            continue
        subdirectories = []
        for entry in entries:
            entry_relative = f"{relative}/{entry.name}" if relative else entry.name
            pattern = _exclusion(entry.name, prefix + entry_relative, patterns)
            if pattern is not None:
                if on_skip is not None:
                    on_skip(entry.path, f"excluded (matches {pattern!r})")
                continue
            try:
                is_directory = entry.is_dir()
            except OSError:
                continue
            if not is_directory and not entry.name.endswith(".py"):
                if on_skip is not None:
                    on_skip(entry.path, "not a .py file")
                continue  # before asking git: most files of a repository are not Python
            if ignores is not None and ignores.ignored(entry.path, is_directory):
                if on_skip is not None:
                    on_skip(entry.path, "ignored by git (.gitignore, .git/info/exclude or the global excludes file)")
                continue
            if is_directory:
                if os.path.isfile(os.path.join(entry.path, "pyvenv.cfg")):
                    if on_skip is not None:
                        on_skip(entry.path, "a virtual environment (it holds pyvenv.cfg)")
                    continue
                subdirectories.append((entry.path, entry_relative))
            elif _regular(entry):
                yield entry.path
            elif on_skip is not None:  # a pipe or device named *.py: reading it may block
                on_skip(entry.path, "not a regular file")
        stack.extend(reversed(subdirectories))


def _excluded_file(path: str, patterns: Sequence[str], config_root: Optional[str]) -> Optional[str]:
    """The pattern excluding a file named on the command line: one matching its name or a
    folder's on the way from the config's directory (else the current one), or that path."""
    base = config_root or os.getcwd()
    try:
        relative = os.path.relpath(os.path.abspath(path), os.path.abspath(base))
    except ValueError:  # pragma: no cover - another drive on Windows
        relative = os.path.basename(path)
    if relative.startswith(".." + os.sep) or relative == "..":
        relative = os.path.basename(path)
    parts = relative.replace(os.sep, "/").split("/")
    for index in range(len(parts)):
        pattern = _exclusion(parts[index], "/".join(parts[: index + 1]), patterns)
        if pattern is not None:
            return pattern
    return None


def discover(
    paths: Sequence[str],
    exclude_for: Callable[[str], Tuple[Sequence[str], Optional[str]]],
    on_skip: OnSkip = None,
    force_exclude: bool = False,
    respects_gitignore: Callable[[str], bool] = lambda directory: False,
    on_unreadable: OnSkip = None,
) -> Iterator[Tuple[str, bool]]:
    """(path, named explicitly) for every file to check. `exclude_for(directory)` gives the
    exclude patterns that apply under a directory argument, and the directory they are
    relative to (None: the argument itself). With `force_exclude`, they apply to the files
    named too (pre-commit names every changed file)."""
    visited: Set[Tuple[int, int]] = set()
    seen: Set[str] = set()
    for path in paths:
        if os.path.isdir(path):
            patterns, config_root = exclude_for(path)
            for found in walk(
                path, patterns, visited, config_root, on_skip, respects_gitignore(path), on_unreadable
            ):
                if found not in seen:
                    seen.add(found)
                    yield found, False
        elif path not in seen:
            seen.add(path)
            if path != "-" and _special(path):
                if on_skip is not None:
                    on_skip(path, "not a regular file")
                continue
            if force_exclude and path != "-":
                patterns, config_root = exclude_for(os.path.dirname(path) or ".")
                pattern = _excluded_file(path, patterns, config_root)
                if pattern is not None:
                    if on_skip is not None:
                        on_skip(path, f"excluded (matches {pattern!r}; --force-exclude)")
                    continue
                directory = os.path.dirname(path) or "."
                ignores = gitignore.for_directory(directory) if respects_gitignore(directory) else None
                if ignores is not None and ignores.ignored(path, False):
                    if on_skip is not None:
                        on_skip(path, "ignored by git (--force-exclude)")
                    continue
            yield path, True
