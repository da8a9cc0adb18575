"""The flake8 host: the same extraction and rules, on the tree flake8 has already parsed.

flake8 owns `# noqa`, --select/--ignore and per-file-ignores here. Settings come from the
nearest pyproject.toml's `[tool.fastapi-conventions-lint]` table, since flake8 itself never
reads pyproject.toml, and from the plugin's own flake8 options (`--fcl-max-handler-statements`
..., also read from setup.cfg / tox.ini / .flake8), which win over the table key by key.
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from dataclasses import replace
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple, Type

from fastapi_conventions_lint import __version__, engine, prefilter, suppression
from fastapi_conventions_lint.config import ConfigError, Settings, SettingsFinder, validate_value
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.facts import extract_facts
from fastapi_conventions_lint.rules import RULES_BY_CODE, Scope


def _warn(message: str) -> None:
    sys.stderr.write(f"fastapi-conventions-lint: warning: {message}\n")


# (flake8 option, pyproject key, kind, metavar, help). Kinds: "text"; "int"; "list" and
# "paths" (comma-separated); "pairs" (comma-separated NAME=value).
OPTIONS: Tuple[Tuple[str, str, str, str, str], ...] = (
    ("--fcl-api-config", "api-config", "text", "MODULE:OBJECT",
     "the config object router prefixes are built from (default: server.config:api_config)"),
    ("--fcl-prefixes", "prefixes", "pairs", "NAME=VALUE,...",
     "the prefix constants FCL001 suggests, e.g. V1_PREFIX=/api/v1,DATA_PREFIX=/api/v1/data "
     "(replaces the default table)"),
    ("--fcl-base-dependencies", "base-dependencies", "text", "MODULE:CLASS",
     "the dependencies base class (default: shared.dependencies:BaseDependencies)"),
    ("--fcl-max-handler-statements", "max-handler-statements", "int", "N",
     "FCL101: the most statements a route handler may have (default: 12)"),
    ("--fcl-max-handler-complexity", "max-handler-complexity", "int", "N",
     "FCL103: the highest McCabe complexity a route handler may have (default: 6)"),
    ("--fcl-data-handle-names", "data-handle-names", "list", "NAMES",
     "FCL102: names of data-layer handles (session, db, ...), comma-separated"),
    ("--fcl-data-access-methods", "data-access-methods", "list", "NAMES",
     "FCL102: data-layer methods (execute, commit, find, ...), comma-separated"),
    ("--fcl-router-classes", "router-classes", "list", "MODULE:CLASS,...",
     "router classes static reading cannot see, e.g. app.routing:VersionedRouter; calls of them "
     "make routers"),
    ("--fcl-data-access-functions", "data-access-functions", "list", "NAMES",
     "FCL102: plain functions that are the data layer (run_sql, repo_query, ...), "
     "comma-separated (default: none)"),
    ("--fcl-settings-modules", "settings-modules", "list", "GLOBS",
     "FCL502: the modules that may read the environment, as globs on the dotted module name "
     "(default: config, *.config, settings, *.settings, conf, *.conf)"),
    ("--fcl-blocking-calls", "blocking-calls", "list", "NAMES",
     "FCL105: more blocking functions by dotted name (mylib.fetch_sync, ...), comma-separated"),
    ("--fcl-status-code-style", "status-code-style", "str", "STYLE",
     "FCL401: the constants the fix writes: fastapi (status.HTTP_404_NOT_FOUND, the default) "
     "or http (HTTPStatus.NOT_FOUND)"),
    ("--fcl-response-type-policy", "response-type-policy", "str", "POLICY",
     "FCL104: annotation-or-model (a return annotation or response_model=, the default) or "
     "response-model (response_model= on every route)"),
    ("--fcl-src", "src", "paths", "DIRS",
     "import roots for resolving the project's modules, comma-separated, relative to the "
     "project root (the pyproject.toml's directory, else the current one; default: src/ if "
     "present)"),
)


def _option_value(kind: str, name: str, value: Any) -> Any:
    """A flake8 option's value in the form the pyproject table would give it."""
    if kind == "int" and isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return value  # validation names the expected type
    # flake8 splits the comma-separated kinds into lists (comma_separated_list below).
    if kind == "pairs":
        table = {}
        for item in value:
            constant, equals, prefix = item.partition("=")
            if not equals or not constant.strip().isidentifier():
                raise ConfigError(
                    f"{name} = {item!r}: expected NAME=VALUE pairs separated by commas, "
                    f"such as V1_PREFIX=/api/v1,DATA_PREFIX=/api/v1/data"
                )
            table[constant.strip()] = prefix.strip()
        return table
    return list(value) if kind in ("list", "paths") else value


def _answered_here(code: str) -> bool:
    """Whether one file tells all of a rule: not the whole-app rules, nor the findings some
    rules add from other modules (their silence here means nothing)."""
    rule = RULES_BY_CODE.get(code)
    return (
        rule is not None and rule.scope is Scope.FILE and not rule.extends_to_project
        and code != suppression.UNUSED_NOQA
    )


class Plugin:
    name = "fastapi-conventions-lint"
    version = __version__

    _finder: Optional[SettingsFinder] = None
    _rules = None
    _projects = None  # the project models of this process (project_pass.Projects)
    _resolved: Dict[Tuple[int, int], Settings] = {}
    _completed: set = set()
    # The settings flake8's options give (Settings field -> value), applied over the table.
    _overrides: Dict[str, Any] = {}
    _option_error: Optional[str] = None
    _applied: Dict[int, Settings] = {}

    def __init__(self, tree: ast.Module, filename: str = "stdin", lines: Optional[Sequence[str]] = None) -> None:
        self._tree = tree
        self._filename = filename
        self._lines: List[str] = list(lines) if lines is not None else []

    @classmethod
    def add_options(cls, option_manager) -> None:
        """The plugin's flake8 options; each can also be set in flake8's config file
        (`fcl-max-handler-statements = 8` under `[flake8]`)."""
        for option, key, kind, metavar, help_text in OPTIONS:
            option_manager.add_option(
                option,
                default=None,
                metavar=metavar,
                parse_from_config=True,
                comma_separated_list=kind in ("list", "paths", "pairs"),
                help=f"{help_text}; falls back to [tool.fastapi-conventions-lint] {key} "
                     f"in pyproject.toml",
            )

    @classmethod
    def parse_options(cls, options) -> None:
        """Keep the options given explicitly (on the command line or in a config file);
        an option left out falls back to the pyproject table."""
        overrides: Dict[str, Any] = {}
        error = None
        for option, key, kind, _, _ in OPTIONS:
            value = getattr(options, option[2:].replace("-", "_"), None)
            if value is None:
                continue
            name = option[2:]
            try:
                attr, checked = validate_value(key, _option_value(kind, name, value), shown=name)
            except ConfigError as problem:
                error = error or f"invalid flake8 option {problem}"
                continue
            overrides[attr] = checked
        cls._overrides = overrides
        cls._option_error = error
        cls._applied = {}
        cls._projects = None
        cls._resolved = {}
        cls._completed = set()

    @classmethod
    def _settings_in(cls, directory: str) -> Settings:
        """The settings of a directory: the pyproject table, with flake8's options on top."""
        if cls._option_error is not None:
            raise ConfigError(cls._option_error)
        if cls._finder is None:
            cls._finder = SettingsFinder(warn=_warn)
        base = cls._finder.for_directory(Path(directory).resolve())
        if not cls._overrides:
            return base
        settings = cls._applied.get(id(base))
        if settings is None:
            settings = cls._applied[id(base)] = replace(base, **cls._overrides)
        return settings

    def _path(self) -> str:
        """The checked file's real path (for stdin: a file in the current directory)."""
        from fastapi_conventions_lint.project.layout import real_path

        if self._filename in ("-", "stdin", ""):
            return real_path(os.path.join(os.getcwd(), "stdin.py"))
        return real_path(self._filename)

    def run(self) -> Iterator[Tuple[int, int, str, Type["Plugin"]]]:
        path = self._path()
        try:
            settings = self._settings_in(os.path.dirname(path))
        except ConfigError as error:
            # flake8 has no channel for a plugin's configuration error: report it on the file
            # (once per file, at line 1) rather than crash flake8 with a traceback.
            yield 1, 0, f"{engine.NOT_CHECKED} not checked: {error}", type(self)
            return
        text = "".join(self._lines)
        if self._lines and not (
            prefilter.might_matter(text, engine.prefilter_names(settings)) or prefilter.reads_environment(text)
        ):
            return
        if Plugin._rules is None:
            Plugin._rules = engine.file_rules()
        try:
            found = self._found(path, settings, text)
        except Exception as error:  # noqa: BLE001 - this file's FCL900, not flake8's traceback
            found = [engine.not_analysed(error)]
        for diagnostic in found:
            yield diagnostic.line, diagnostic.col, f"{diagnostic.code} {diagnostic.message}", type(self)

    def _found(self, path: str, settings: Settings, text: str) -> List[Diagnostic]:
        settings, index = self._project(path, settings)
        try:
            facts = extract_facts(self._tree, settings, index.lookup_for_path(Path(path)), text)
            facts.filename = path
            self._apply_context(index, path, facts)
        except RecursionError:
            return [engine.too_deep()]
        found = engine.run_rules(facts, self._lines, settings, Plugin._rules)
        # flake8 applies noqa itself, after this; what a noqa code suppresses is known here.
        return found + suppression.unused_noqa(found, self._lines, _answered_here, tuple(RULES_BY_CODE))

    @classmethod
    def _project(cls, path: str, settings: Settings):
        """The file's settings with its project's prefix constants, and its workspace's index:
        the same project model the CLI builds, made once per process and workspace (with `ast`,
        never imported), completed with the modules whose answers concern other files."""
        from fastapi_conventions_lint.project.constants import with_configured_prefixes
        from fastapi_conventions_lint.project_pass import Projects, complete

        if cls._projects is None:
            cls._projects = Projects(cls._settings_in)
        layout = cls._projects.layout_for(path)
        key = (id(settings), id(layout))
        resolved = cls._resolved.get(key)
        if resolved is None:
            near = str(settings.root) if settings.root is not None else layout.home
            from fastapi_conventions_lint.project.versions import with_declared_versions

            resolved = cls._resolved[key] = with_declared_versions(
                with_configured_prefixes(settings, layout, near), layout
            )
        index = cls._projects.index_for(path, resolved)
        if id(index) not in cls._completed:
            cls._completed.add(id(index))
            complete(index, everything=False)
        return resolved, index

    @staticmethod
    def _apply_context(index, path: str, facts) -> None:
        """What the rest of the project says about this file (where its routers are included,
        the routers its imports name), read from the file as it is on disk and applied to the
        tree flake8 gives, as the CLI's fix engine does."""
        from fastapi_conventions_lint.project.context import context_for

        module = index.module_at(Path(path))
        if module is None or module.facts is None:
            return
        index.link()
        context_for(index, module).apply(facts)
