"""The flake8 host: the same extraction and rules, on the tree flake8 has already parsed.

flake8 owns `# noqa`, --select/--ignore and per-file-ignores here. Settings come from the
nearest pyproject.toml's `[tool.fastapi-conventions-lint]` table, since flake8 itself never
reads pyproject.toml.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Type

from fastapi_conventions_lint import __version__, engine, prefilter
from fastapi_conventions_lint.config import ConfigError, SettingsFinder
from fastapi_conventions_lint.facts import extract_facts


def _warn(message: str) -> None:
    sys.stderr.write(f"fastapi-conventions-lint: warning: {message}\n")


class Plugin:
    name = "fastapi-conventions-lint"
    version = __version__

    _finder: Optional[SettingsFinder] = None
    _rules = None
    _indexes: Dict[Tuple[str, int], object] = {}

    def __init__(self, tree: ast.Module, filename: str = "stdin", lines: Optional[Sequence[str]] = None) -> None:
        self._tree = tree
        self._filename = filename
        self._lines: List[str] = list(lines) if lines is not None else []

    @classmethod
    def _settings_for(cls, filename: str):
        if cls._finder is None:
            cls._finder = SettingsFinder(warn=_warn)
        if filename in ("-", "stdin", ""):
            return cls._finder.for_directory(Path.cwd())
        return cls._finder.for_file(Path(filename))

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        try:
            settings = self._settings_for(self._filename)
        except ConfigError as error:
            # flake8 has no channel for a plugin's configuration error: report it on the file
            # (once per file, at line 1) rather than crash flake8 with a traceback.
            yield 1, 0, f"{engine.NOT_CHECKED} not checked: {error}", type(self)
            return
        text = "".join(self._lines)
        if self._lines and not prefilter.might_matter(text, engine.prefilter_names(settings)):
            return
        if Plugin._rules is None:
            Plugin._rules = engine.file_rules()
        try:
            index = self._index(settings)
            facts = extract_facts(self._tree, settings, index.lookup_for_path(self._path()))
            self._link_imports(index, facts)
        except RecursionError:
            too_deep = engine.too_deep()
            yield too_deep.line, too_deep.col, f"{too_deep.code} {too_deep.message}", type(self)
            return
        for diagnostic in engine.run_rules(facts, self._lines, settings, Plugin._rules):
            yield diagnostic.line, diagnostic.col, f"{diagnostic.code} {diagnostic.message}", type(self)

    def _path(self) -> Path:
        return Path(self._filename).resolve()

    @classmethod
    def _index(cls, settings):
        """The project this file belongs to, read lazily (with `ast`, never imported) for the
        modules this file imports: one per process and project."""
        from fastapi_conventions_lint.project.index import ProjectIndex
        from fastapi_conventions_lint.project.modules import import_roots

        root = settings.root or Path.cwd()
        key = (str(root), id(settings))
        index = cls._indexes.get(key)
        if index is None:
            index = cls._indexes[key] = ProjectIndex(import_roots(settings, root), settings)
        return index

    def _link_imports(self, index, facts) -> None:
        """What this file's imports name in other project modules: FCL002/FCL005 for routers
        defined elsewhere, router and dependencies classes from other modules. Where this
        file's own routers are included from is not visible from here; the CLI sees it."""
        if not any(i.router is None or i.receiver is None for i in facts.includes):
            return
        module = index.add(self._path(), facts)
        if module is not None:
            index.link_module(module)
