"""Where a project's modules are, found from its files, never from the directory a run names.

The *workspace* of a file is the directory whose Python files make up its project: the topmost
directory holding a packaging file (pyproject.toml, setup.py, setup.cfg) up to the repository
root, else the repository root itself. It is walked once (the configured excludes apply), and
every file found is given the module names it can be imported by:

- relative to its *package root*: walking up from its directory through the packages (an
  `__init__.py`; a directory without one inside a package is a namespace portion of it) to the
  directory that holds the top package;
- relative to each *declared root* above that: the workspace, every directory holding a
  packaging file (each project of a repository with several), a `src/` beside one, and the
  directories of the `src` setting.

The name from the package root comes first: it is how the code imports itself as a rule
(`app.main` for backend/app/main.py). When two files answer to one name (two services that both
have an `app` package), the one nearest the importing file wins.

A file outside any workspace (no packaging file, no repository) is a loose file: its package
root and the `src` setting are the roots, and names are looked up on disk.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.discover import walk

MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
# A workspace with more Python files than this is read no further (its walk stops there).
MAX_FILES = 50_000

Found = Tuple[Path, bool]  # (file, is a package's __init__.py)
SettingsFor = Callable[[str], Settings]  # the settings that apply to a directory


@functools.lru_cache(maxsize=8192)
def _real_directory(directory: str) -> str:
    return os.path.realpath(directory)


def real_directory(directory: str) -> str:
    """The absolute path of a directory, its links resolved (once per directory)."""
    return _real_directory(os.path.abspath(directory))


def real_path(path: str) -> str:
    """The absolute path of a file, its directory's links resolved (once per directory)."""
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(_real_directory(directory), name)


def _inside(directory: str, root: str) -> bool:
    return directory == root or directory.startswith(root.rstrip(os.sep) + os.sep)


def _identifiers(parts: Sequence[str]) -> bool:
    return all(part.isidentifier() for part in parts)


class _Directories:
    """Answers about directories, each asked of the file system once per run."""

    def __init__(self) -> None:
        self._init: Dict[str, bool] = {}
        self._top: Dict[str, Optional[str]] = {}
        self._probes: Dict[str, Tuple[bool, bool]] = {}

    def has_init(self, directory: str) -> bool:
        known = self._init.get(directory)
        if known is None:
            known = self._init[directory] = os.path.isfile(os.path.join(directory, "__init__.py"))
        return known

    def note_init(self, directory: str) -> None:
        self._init[directory] = True

    def package_root(self, directory: str) -> str:
        """The directory holding the top package of `directory` (itself when it is none)."""
        current = directory
        while True:
            parent = os.path.dirname(current)
            if parent == current or not os.path.basename(current).isidentifier():
                return current
            if self.has_init(current) or self.has_init(parent):
                current = parent
            else:
                return current

    def holds_marker(self, directory: str) -> bool:
        return self._probe(directory)[0]

    def _probe(self, directory: str) -> Tuple[bool, bool]:
        """(holds a packaging file, is a repository root)."""
        known = self._probes.get(directory)
        if known is None:
            known = self._probes[directory] = (
                any(os.path.isfile(os.path.join(directory, marker)) for marker in MARKERS),
                os.path.exists(os.path.join(directory, ".git")),
            )
        return known

    def workspace_top(self, directory: str) -> Optional[str]:
        """The workspace holding `directory` (see the module's docstring); None for none."""
        if directory in self._top:
            return self._top[directory]
        current, topmost_marker = directory, None
        while True:
            marker, repository = self._probe(current)
            if marker:
                topmost_marker = current
            parent = os.path.dirname(current)
            if repository or parent == current:
                found = topmost_marker or (current if repository else None)
                break
            current = parent
        self._top[directory] = found
        return found


class Layout:
    """The modules of one workspace (or of the loose files of a run) and their names."""

    def __init__(
        self,
        top: Optional[str],
        settings: Settings,
        directories: Optional[_Directories] = None,
        loose_root: Optional[str] = None,
    ) -> None:
        self.top = top
        # The directory that stands for the project: the workspace, or for loose files the
        # package root they share.
        self.home = top or loose_root
        self.settings = settings
        self._dirs = directories or _Directories()
        self.files: List[str] = []  # every Python file of the workspace, in walk order
        self.incomplete = False  # the walk stopped at MAX_FILES
        self._declared: List[str] = []
        self._source_roots: List[str] = []  # declared as import roots: `src` key, src/
        self._package_roots: List[str] = []
        # name -> [(file, is a package)], in the order the names were registered; files as
        # text (a Path each is made only for the answers `find` gives)
        self._by_name: Dict[str, List[Tuple[str, bool]]] = {}
        self._names: Dict[str, List[Tuple[str, bool]]] = {}  # file -> its names
        self._registered: Set[str] = set()
        # (directory, declared roots so far) -> the roots its modules are named from.
        self._roots_by_directory: Dict[Tuple[str, int], List[str]] = {}
        self._found: Dict[Tuple[str, str], Optional[Found]] = {}
        self._asked: Dict[Tuple[str, str], Optional[str]] = {}  # the file that asked first
        self._declare_configured()
        if loose_root is not None:
            self._declare(loose_root)
        if top is not None:
            self._walk()

    # -- building -----------------------------------------------------------------------------

    def _declare(self, directory: str, source: bool = False) -> None:
        if directory not in self._declared and os.path.isdir(directory):
            self._declared.append(directory)
            if source:
                self._source_roots.append(directory)

    def _declare_configured(self) -> None:
        """The roots the settings name: the `src` key's folders, else `src/` of the settings'
        project, and that project's directory. Only those inside the project count: a
        configuration found elsewhere (`--config ../pyproject.toml`) never makes a run read
        above the project's root."""
        settings = self.settings
        base = str(settings.root.resolve()) if settings.root is not None else self.top
        if base is None:
            return
        home = self.home
        candidates = [(os.path.normpath(os.path.join(base, folder)), True) for folder in settings.src]
        candidates += [(os.path.join(base, "src"), True), (base, False)]
        for directory, source in candidates:
            if home is None or _inside(directory, home):
                self._declare(directory, source=source)

    def _walk(self) -> None:
        patterns = tuple(self.settings.exclude) + tuple(self.settings.extend_exclude)
        config_root = str(self.settings.root) if self.settings.root is not None else None
        top = self.top
        assert top is not None
        self._declare(top)
        # Directory -> whether its files are this workspace's. Under a repository root without
        # a packaging file, a project with one (`server/pyproject.toml`) is a workspace of its
        # own: its files are read, named and linked there, not a second time here.
        ours: Dict[str, bool] = {}
        climbed: Set[str] = set()
        for path in walk(top, patterns, set(), config_root, respect_gitignore=self.settings.respect_gitignore, reuse=True):
            directory = os.path.dirname(path)
            own = ours.get(directory)
            if own is None:
                own = ours[directory] = self._dirs.workspace_top(directory) == top
                if own:
                    self._declare_projects(directory, top, climbed)
            if not own:
                continue
            if len(self.files) >= MAX_FILES:
                self.incomplete = True
                break
            if path.endswith(os.sep + "__init__.py"):
                self._dirs.note_init(directory)
            self.files.append(path)
        for path in self.files:
            self._register(path)

    def _declare_projects(self, directory: str, top: str, climbed: Set[str]) -> None:
        """Declare the directories holding a packaging file from `directory` up to the
        workspace's top, each with its `src/`: a project whose code is all in folders below
        it (`api/pyproject.toml`, `api/app/main.py`) imports from there (`app.routes`).
        Each directory is looked at once (`climbed`)."""
        current = directory
        while current not in climbed:
            climbed.add(current)
            if self._dirs.holds_marker(current):
                self._declare(os.path.join(current, "src"), source=True)
                self._declare(current)
            parent = os.path.dirname(current)
            if current == top or parent == current:
                return
            current = parent

    def add_file(self, path: str) -> None:
        """A file the run names that the walk did not find (a loose file, an excluded one)."""
        if path not in self._registered:
            self._register(path)

    def _register(self, path: str) -> None:
        self._registered.add(path)
        names = self._names_of(path)
        self._names[path] = names
        for name, package in names:
            found = self._by_name.setdefault(name, [])
            if (path, package) not in found:
                found.append((path, package))

    def _names_of(self, path: str) -> List[Tuple[str, bool]]:
        directory, file_name = os.path.split(path)
        if not file_name.endswith(".py"):
            return []
        key = (directory, len(self._declared))
        roots = self._roots_by_directory.get(key)
        if roots is None:
            roots = self._roots_by_directory[key] = self._roots_of(directory)
        names = []
        for root in roots:
            # A root holds the file: its path past the root (relpath, which normalises both
            # paths, cost more than the rest of the naming).
            inside = path[len(root.rstrip(os.sep)) + 1:] if _inside(directory, root) else os.path.relpath(path, root)
            relative = inside[:-3].split(os.sep)
            package = relative[-1] == "__init__"
            if package:
                relative = relative[:-1]
            if relative and _identifiers(relative) and (".".join(relative), package) not in names:
                names.append((".".join(relative), package))
        return names

    def _roots_of(self, directory: str) -> List[str]:
        """The roots a module of `directory` is named from, the one its package root gives
        first (the same for every file of the directory: worked out once)."""
        package_root = self._dirs.package_root(directory)
        holding = [root for root in self._declared if _inside(directory, root)]
        sources = sorted(
            (root for root in holding if root in self._source_roots), key=len, reverse=True
        )
        if self._dirs.has_init(directory):
            roots = dict.fromkeys(sources + [package_root] + holding)
        else:
            # A module in no regular package: a namespace package of the project, imported
            # from a declared root (`capabilities.users.router`); its folder is a root of its
            # own only when no declared root holds it (a folder of scripts).
            outer = sorted((root for root in holding if _inside(package_root, root)), key=len)
            roots = dict.fromkeys(sources + (outer or [package_root]))
        if package_root in roots and package_root not in self._package_roots:
            self._package_roots.append(package_root)
        return list(roots)

    # -- questions ----------------------------------------------------------------------------

    @property
    def roots(self) -> List[Path]:
        """Every import root: the declared ones, then the package roots found."""
        seen = dict.fromkeys(self._declared + self._package_roots)
        return [Path(root) for root in seen]

    def names_of(self, path: str) -> List[Tuple[str, bool]]:
        """The names a file answers to, the one from its package root first."""
        if path not in self._names:
            self.add_file(path)
        return self._names[path]

    def module_name(self, path: str) -> Optional[Tuple[str, bool]]:
        names = self.names_of(path)
        return names[0] if names else None

    def find(self, name: str, near: Optional[str] = None) -> Optional[Found]:
        """The file of module `name`, as the file `near` imports it."""
        key = (name, os.path.dirname(near) if near else "")
        if key in self._found:
            return self._found[key]
        candidates = list(self._by_name.get(name, ()))
        if self.top is None or not candidates:
            candidates += self._on_disk(name, near)
        nearest = self._nearest(candidates, near)
        found = None if nearest is None else (Path(nearest[0]), nearest[1])
        self._found[key] = found
        self._asked[key] = near
        return found

    def answers(self) -> List[Tuple[str, Optional[str], Optional[Found]]]:
        """The module questions asked so far: (name, the file that asked first, the answer).
        A run's results follow from them (the results cache asks them again)."""
        return [(key[0], self._asked[key], found) for key, found in self._found.items()]

    def knows(self, name: str, near: Optional[str] = None) -> bool:
        """Whether `name`, or a package it is in, is a module of the project."""
        parts = name.split(".")
        return any(self.find(".".join(parts[:cut]), near) is not None for cut in range(len(parts), 0, -1))

    @staticmethod
    def _nearest(candidates: Sequence[Tuple[str, bool]], near: Optional[str]) -> Optional[Tuple[str, bool]]:
        if not candidates:
            return None
        if len(candidates) == 1 or not near:
            return candidates[0]

        def shared(found: Tuple[str, bool]) -> int:
            return len(os.path.commonpath([found[0], near]))

        best = max(shared(found) for found in candidates)
        return next(found for found in candidates if shared(found) == best)

    def _on_disk(self, name: str, near: Optional[str]) -> List[Found]:
        """Module files of `name` under the roots, asked of the file system (loose files, and
        files the walk did not register)."""
        relative = os.path.join(*name.split("."))
        found: List[Tuple[str, bool]] = []
        roots = list(dict.fromkeys(
            ([self._dirs.package_root(os.path.dirname(near))] if near else [])
            + self._declared + self._package_roots
        ))
        for root in roots:
            package = os.path.join(root, relative, "__init__.py")
            if os.path.isfile(package):
                found.append((package, True))
                continue
            module = os.path.join(root, relative + ".py")
            if os.path.isfile(module):
                found.append((module, False))
        return found


class Layouts:
    """The layouts of one run, one per workspace (and one for its loose files)."""

    def __init__(self, settings_for: SettingsFor) -> None:
        self._settings_for = settings_for
        self._dirs = _Directories()
        self._by_top: Dict[str, Layout] = {}

    def for_file(self, path: str) -> Layout:
        real = real_path(path)
        directory = os.path.dirname(real)
        top = self._dirs.workspace_top(directory)
        loose_root = self._dirs.package_root(directory) if top is None else None
        key = top if top is not None else "\0" + str(loose_root)
        layout = self._by_top.get(key)
        if layout is None:
            settings = self._settings_for(top or directory)
            layout = self._by_top[key] = Layout(top, settings, self._dirs, loose_root)
        if top is None:
            layout.add_file(real)
        return layout

    def all(self) -> Iterable[Layout]:
        return list(self._by_top.values())

    def workspace_of(self, path: str) -> Optional[str]:
        """The workspace a file belongs to (None for a loose file), without walking it."""
        return self._dirs.workspace_top(os.path.dirname(real_path(path)))

    def by_key(self) -> Dict[str, Layout]:
        """The layouts made so far, by workspace (a loose files' one by its root, after a NUL)."""
        return dict(self._by_top)


def home_of(path: str) -> Optional[str]:
    """The folder that stands for a file's project, as a run's layout takes it (its workspace,
    else the package root of its folder), probed afresh: for a file no layout names, a script
    whose name is no module name (`fastapi-server.py`)."""
    directories = _Directories()
    directory = os.path.dirname(real_path(path))
    return directories.workspace_top(directory) or directories.package_root(directory)


def from_roots(roots: Sequence[Path], settings: Settings) -> Layout:
    """A layout with the given import roots only, its names looked up on disk (tests, and
    callers that name their roots)."""
    layout = Layout(None, settings)
    for root in roots:
        layout._declare(str(Path(root).resolve()))
    return layout
