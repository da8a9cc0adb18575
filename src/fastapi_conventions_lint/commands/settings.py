"""Settings per checked file for a run: `--config` for all, else the nearest pyproject.toml,
with the project's real prefix constants and the command-line options on top."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple

from fastapi_conventions_lint.commands.common import warn
from fastapi_conventions_lint.config import Settings, SettingsFinder, load_settings
from fastapi_conventions_lint.project.layout import Layouts, real_directory
from fastapi_conventions_lint.selection import CodeSelection, check_selectors


class SettingsSource:
    """Settings per file: `--config` for all, else the nearest pyproject.toml; command-line
    options applied on top."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._overrides: Dict[str, Tuple[str, ...]] = {}
        for option in ("select", "ignore", "extend_select", "extend_ignore"):
            check_selectors(getattr(args, option, None) or (), "--" + option.replace("_", "-"))
        if args.select is not None:
            self._overrides["select"] = tuple(args.select)
        if args.ignore is not None:
            self._overrides["ignore"] = tuple(args.ignore)
        self._extend_select = tuple(args.extend_select or ())
        self._extend_ignore = tuple(getattr(args, "extend_ignore", None) or ())
        if getattr(args, "respect_gitignore", None) is not None:
            self._overrides["respect_gitignore"] = args.respect_gitignore  # type: ignore[assignment]
        self._fixed: Optional[Settings] = None
        if args.config:
            self._fixed = self._apply(load_settings(Path(args.config), warn=warn))
        self._finder = SettingsFinder(warn=warn)
        self._applied: Dict[int, Tuple[Settings, CodeSelection]] = {}
        self._by_directory: Dict[str, Settings] = {}
        # Settings with the project's real prefix constants, per base settings and workspace
        # (one reading of one module each).
        self._analysed: Dict[Tuple[int, int], Tuple[Settings, CodeSelection]] = {}
        # A file's directory -> its settings, when the directory lies in a workspace: then
        # they are its directory's (a loose file's layout names each file it is given).
        self._by_folder: Dict[str, Tuple[Settings, CodeSelection]] = {}
        self.layouts = Layouts(self.base_for_directory)

    def _apply(self, settings: Settings) -> Settings:
        return replace(
            settings,
            extend_select=settings.extend_select + self._extend_select,
            extend_ignore=settings.extend_ignore + self._extend_ignore,
            **self._overrides,
        )

    def for_path(self, path: str, is_directory: Optional[bool] = None) -> Tuple[Settings, CodeSelection]:
        """The settings a file is analysed with: its project's real prefix constants, read
        statically from the configured api_config object when it resolves in the file's
        workspace, replace the `prefixes` table. Resolved once per settings and workspace,
        never for discovery alone (exclude_for). `is_directory`: whether the path is one, when
        the caller knows (the files a run lists are files)."""
        if is_directory is None:
            is_directory = os.path.isdir(path)
        folder = None if is_directory else os.path.dirname(path)
        known = self._by_folder.get(folder) if folder is not None else None
        if known is not None:
            return known
        settings, selection = self._configured(path, is_directory)
        layout = self.layouts.for_file(path if not is_directory else os.path.join(path, "__init__.py"))
        key = (id(settings), id(layout))
        cached = self._analysed.get(key)
        if cached is None:
            from fastapi_conventions_lint.project.constants import with_configured_prefixes

            near = str(settings.root) if settings.root is not None else layout.home
            from fastapi_conventions_lint.project.versions import with_declared_versions

            resolved = with_declared_versions(with_configured_prefixes(settings, layout, near), layout)
            cached = self._analysed[key] = (resolved, selection)
        if folder is not None and layout.top is not None:
            self._by_folder[folder] = cached
        return cached

    def base_for_directory(self, directory: str) -> Settings:
        """The settings of a directory before the project's constants (what a layout needs:
        excludes and the `src` key)."""
        return self._configured(os.path.join(directory, "__init__.py"))[0]

    def _configured(self, path: str, is_directory: Optional[bool] = None) -> Tuple[Settings, CodeSelection]:
        if self._fixed is not None:
            base = self._fixed
        else:
            if is_directory is None:
                is_directory = os.path.isdir(path)
            directory = path if is_directory else os.path.dirname(path)
            base = self._by_directory.get(directory)  # one realpath per directory
            if base is None:
                base = self._finder.for_directory(real_directory(directory or "."))
                self._by_directory[directory] = base
        cached = self._applied.get(id(base))
        if cached is None:
            settings = base if self._fixed is not None else self._apply(base)
            cached = (settings, CodeSelection.from_settings(settings))
            self._applied[id(base)] = cached
        return cached

    def respects_gitignore(self, directory: str) -> bool:
        return self._configured(directory)[0].respect_gitignore

    def exclude_for(self, directory: str) -> Tuple[Sequence[str], Optional[str]]:
        settings, _ = self._configured(directory)
        root = str(settings.root) if settings.root is not None else None
        return settings.exclude + settings.extend_exclude, root


