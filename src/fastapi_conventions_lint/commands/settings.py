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
from fastapi_conventions_lint.selection import CodeSelection


class SettingsSource:
    """Settings per file: `--config` for all, else the nearest pyproject.toml; command-line
    options applied on top."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._overrides: Dict[str, Tuple[str, ...]] = {}
        if args.select is not None:
            self._overrides["select"] = tuple(args.select)
        if args.ignore is not None:
            self._overrides["ignore"] = tuple(args.ignore)
        self._extend_select = tuple(args.extend_select or ())
        self._fixed: Optional[Settings] = None
        if args.config:
            self._fixed = self._apply(load_settings(Path(args.config), warn=warn))
        self._finder = SettingsFinder(warn=warn)
        self._applied: Dict[int, Tuple[Settings, CodeSelection]] = {}
        self._by_directory: Dict[str, Settings] = {}
        self._paths = [p for p in args.paths if p != "-"]
        # Settings with the project's real prefix constants, per base settings and directory,
        # and per base settings and project root (one astroid build of one module per root).
        self._analysed: Dict[Tuple[int, str], Tuple[Settings, CodeSelection]] = {}
        self._by_root: Dict[Tuple[int, Path], Settings] = {}

    def _apply(self, settings: Settings) -> Settings:
        return replace(
            settings,
            extend_select=settings.extend_select + self._extend_select,
            **self._overrides,
        )

    def for_path(self, path: str) -> Tuple[Settings, CodeSelection]:
        """The settings a file is analysed with: its project's real prefix constants, read
        statically from the configured api_config object when it resolves, replace the
        `prefixes` table. Resolved on the first file analysed under each project root, never
        for discovery alone (exclude_for)."""
        settings, selection = self._configured(path)
        directory = path if os.path.isdir(path) else os.path.dirname(path)
        key = (id(settings), directory if settings.root is None else "")
        cached = self._analysed.get(key)
        if cached is None:
            root = settings.root or self._argument_root(path)
            resolved = self._by_root.get((id(settings), root))
            if resolved is None:
                from fastapi_conventions_lint.project.constants import with_configured_prefixes

                resolved = with_configured_prefixes(settings, root)
                self._by_root[(id(settings), root)] = resolved
            cached = self._analysed[key] = (resolved, selection)
        return cached

    def _argument_root(self, path: str) -> Path:
        """Without a configured root, the directory argument a file was found under (or the
        file's own directory) stands for the project, as in the project pass."""
        resolved = os.path.abspath(path)
        for argument in self._paths:
            if os.path.isdir(argument):
                directory = os.path.abspath(argument)
                if resolved.startswith(directory.rstrip(os.sep) + os.sep):
                    return Path(directory)
        return Path(resolved if os.path.isdir(resolved) else os.path.dirname(resolved))

    def _configured(self, path: str) -> Tuple[Settings, CodeSelection]:
        if self._fixed is not None:
            base = self._fixed
        else:
            directory = path if os.path.isdir(path) else os.path.dirname(path)
            base = self._by_directory.get(directory)  # one resolve() per directory
            if base is None:
                base = self._finder.for_directory(Path(directory or ".").resolve())
                self._by_directory[directory] = base
        cached = self._applied.get(id(base))
        if cached is None:
            settings = base if self._fixed is not None else self._apply(base)
            cached = (settings, CodeSelection.from_settings(settings))
            self._applied[id(base)] = cached
        return cached

    def exclude_for(self, directory: str) -> Tuple[Sequence[str], Optional[str]]:
        settings, _ = self._configured(directory)
        root = str(settings.root) if settings.root is not None else None
        return settings.exclude + settings.extend_exclude, root


