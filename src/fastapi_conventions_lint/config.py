"""Settings: defaults, the `[tool.fastapi-conventions-lint]` table, and its validation.

Both hosts read the same table from the nearest pyproject.toml that has one (searched upward
from the checked file's directory), so the CLI and flake8 agree on thresholds and names.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TABLE = "fastapi-conventions-lint"

DEFAULT_PREFIXES: Mapping[str, str] = {
    "V1_PREFIX": "/api/v1",
    "AUTH_PREFIX": "/api/v1/auth",
    "DATA_PREFIX": "/api/v1/data",
    "CAPABILITIES_PREFIX": "/api/v1/capabilities",
    "RAG_PREFIX": "/api/v1/rag",
    "SERVICES_PREFIX": "/api/v1/services",
    "ADMIN_PREFIX": "/api/v1/admin",
    "MCP_PREFIX": "/api/v1/mcp",
    "PREFERENCES_PREFIX": "/api/v1/preferences",
}

# Directories no project's own code lives in: ruff's default list and `__pycache__`. A
# virtual environment under any other name (`env/`) is known by its pyvenv.cfg (discover.py).
DEFAULT_EXCLUDE: Tuple[str, ...] = (
    ".bzr", ".direnv", ".eggs", ".git", ".git-rewrite", ".hg", ".ipynb_checkpoints",
    ".mypy_cache", ".nox", ".pants.d", ".pyenv", ".pytest_cache", ".pytype", ".ruff_cache",
    ".svn", ".tox", ".venv", ".vscode", "__pycache__", "__pypackages__", "_build",
    "buck-out", "build", "dist", "node_modules", "site-packages", "venv",
)

DEFAULT_DATA_HANDLE_NAMES: Tuple[str, ...] = (
    "session", "db", "conn", "connection", "cursor", "tx", "collection", "mongo_client",
)

DEFAULT_DATA_ACCESS_METHODS: Tuple[str, ...] = (
    "execute", "exec", "scalars", "scalar", "scalar_one", "query", "add", "add_all", "delete",
    "commit", "flush", "refresh", "rollback", "merge", "find", "find_one", "insert_one",
    "insert_many", "update_one", "update_many", "delete_one", "delete_many", "replace_one",
    "aggregate", "count_documents", "bulk_write", "fetch", "fetchrow", "fetchval", "run",
)


# A module whose last part is one of these, or a module of a package so named, is a settings
# module (FCL502).
DEFAULT_SETTINGS_MODULES: Tuple[str, ...] = tuple(
    pattern
    for name in ("config", "settings", "conf")
    for pattern in (name, f"*.{name}", f"{name}.*", f"*.{name}.*")
)


class ConfigError(Exception):
    """A configuration value that cannot be used; the CLI exits 2 with this message."""


@dataclass(frozen=True)
class Settings:
    select: Tuple[str, ...] = ("FCL",)
    ignore: Tuple[str, ...] = ()
    extend_select: Tuple[str, ...] = ()
    extend_ignore: Tuple[str, ...] = ()
    per_file_ignores: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()
    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()
    respect_gitignore: bool = True  # skip what git ignores when walking directories
    api_config: str = "server.config:api_config"
    prefixes: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PREFIXES))
    # Not a key: "" when `prefixes` are the constants the project's config object really
    # defines (so that a fix may import it), else what is missing, for messages.
    config_missing: str = "the project's config object was not looked up"
    # Not a key: the FastAPI and Python versions the project declares
    # (project/versions.py DeclaredIn), which decide some fixes; None: not read.
    declared: Any = None
    base_dependencies: str = "shared.dependencies:BaseDependencies"
    # The context manager FCL201's fix uses, when its module is part of the checked project.
    managed_dependencies: str = "server.core.api_utils:ManagedDependencies"
    max_handler_statements: int = 12
    max_handler_complexity: int = 6
    data_handle_names: Tuple[str, ...] = DEFAULT_DATA_HANDLE_NAMES
    data_access_methods: Tuple[str, ...] = DEFAULT_DATA_ACCESS_METHODS
    # Plain functions that are the data layer (`run_sql`, `repo_query`): FCL102 reports a
    # handler calling one, matched on the last part of the name it is imported under.
    data_access_functions: Tuple[str, ...] = ()
    # Import roots for project analysis, relative to `root`; () means `src` if present.
    src: Tuple[str, ...] = ()
    # Modules where reading the environment belongs (FCL502): globs on the dotted name.
    settings_modules: Tuple[str, ...] = DEFAULT_SETTINGS_MODULES
    # FCL105: more blocking functions, by dotted name (`mylib.fetch_sync`).
    blocking_calls: Tuple[str, ...] = ()
    status_code_style: str = "fastapi"  # FCL401: "fastapi" (status.HTTP_404_NOT_FOUND) or "http"
    response_type_policy: str = "annotation-or-model"  # FCL104: or "response-model"
    # FCL012: dependencies ("module:function") every route must reach, and the full paths
    # (globs: `*` within a segment, `**` across) that need none of them.
    required_dependencies: Tuple[str, ...] = ()
    public_paths: Tuple[str, ...] = ()
    # Router classes static reading cannot see ("module:name"): calls of them make routers.
    router_classes: Tuple[str, ...] = ()
    # Where `check` keeps its results cache (cache.py), relative to the pyproject.toml; "":
    # `.fastapi_conventions_lint_cache` beside it.
    cache_dir: str = ""
    # The directory relative to which per-file-ignores and exclude globs are matched.
    root: Optional[Path] = None
    source: Optional[Path] = None

    @property
    def api_config_qualname(self) -> str:
        return self.api_config.replace(":", ".")

    @property
    def api_config_name(self) -> str:
        return self.api_config.rpartition(":")[2]

    @property
    def base_dependencies_qualname(self) -> str:
        return self.base_dependencies.replace(":", ".")

    @property
    def base_dependencies_name(self) -> str:
        return self.base_dependencies.rpartition(":")[2]

    @property
    def router_class_qualnames(self) -> Tuple[str, ...]:
        return tuple(target.replace(":", ".") for target in self.router_classes)

    @property
    def managed_dependencies_qualname(self) -> str:
        return self.managed_dependencies.replace(":", ".")


# ---- validation -------------------------------------------------------------------------

def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise _type_error(key, value, "a string")
    return value


def _target(key: str, value: Any) -> str:
    text = _string(key, value)
    module, sep, name = text.partition(":")
    if not sep or not module or not name.isidentifier() or not all(
        part.isidentifier() for part in module.split(".")
    ):
        raise ConfigError(
            f"{key} = {value!r}: expected a string of the form 'module:object', "
            f"such as 'server.config:api_config'"
        )
    return text


def _target_list(key: str, value: Any) -> Tuple[str, ...]:
    return tuple(_target(f"{key}[{number}]", item) for number, item in enumerate(_string_list(key, value)))


def _positive_int(key: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(key, value, "an integer")
    if value < 0:
        raise ConfigError(f"{key} = {value!r}: expected an integer of 0 or more")
    return value


def _one_of(*choices: str) -> Callable[[str, Any], str]:
    def convert(key: str, value: Any) -> str:
        if value not in choices:
            expected = " or ".join(repr(choice) for choice in choices)
            raise ConfigError(f"{key} = {value!r}: expected {expected}")
        return value

    return convert


def _boolean(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise _type_error(key, value, "true or false")
    return value


def _string_list(key: str, value: Any) -> Tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise _type_error(key, value, "a list of strings")
    return tuple(value)


def _string_table(key: str, value: Any) -> Dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise _type_error(key, value, "a table of strings")
    return dict(value)


def _selectors(key: str, value: Any) -> Tuple[str, ...]:
    """A list of rule codes or prefixes, each one of a known code (an unknown one would turn
    rules off without a word)."""
    from fastapi_conventions_lint.selection import check_selectors

    codes = _string_list(key, value)
    check_selectors(codes, key)
    return codes


def _per_file_ignores(key: str, value: Any) -> Tuple[Tuple[str, Tuple[str, ...]], ...]:
    if not isinstance(value, dict):
        raise _type_error(key, value, "a table of glob = list of codes")
    result = []
    for pattern, codes in value.items():
        result.append((pattern, _selectors(f"{key}.{pattern!r}", codes)))
    return tuple(result)


def _type_error(key: str, value: Any, expected: str) -> ConfigError:
    return ConfigError(f"{key} = {value!r}: expected {expected}, got {type(value).__name__}")


_KEYS: Dict[str, Tuple[str, Callable[[str, Any], Any]]] = {
    "select": ("select", _selectors),
    "ignore": ("ignore", _selectors),
    "extend-select": ("extend_select", _selectors),
    "extend-ignore": ("extend_ignore", _selectors),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "exclude": ("exclude", _string_list),
    "extend-exclude": ("extend_exclude", _string_list),
    "respect-gitignore": ("respect_gitignore", _boolean),
    "api-config": ("api_config", _target),
    "prefixes": ("prefixes", _string_table),
    "base-dependencies": ("base_dependencies", _target),
    "managed-dependencies": ("managed_dependencies", _target),
    "src": ("src", _string_list),
    "router-classes": ("router_classes", _target_list),
    "max-handler-statements": ("max_handler_statements", _positive_int),
    "max-handler-complexity": ("max_handler_complexity", _positive_int),
    "data-handle-names": ("data_handle_names", _string_list),
    "data-access-methods": ("data_access_methods", _string_list),
    "data-access-functions": ("data_access_functions", _string_list),
    "settings-modules": ("settings_modules", _string_list),
    "required-dependencies": ("required_dependencies", _target_list),
    "public-paths": ("public_paths", _string_list),
    "blocking-calls": ("blocking_calls", _string_list),
    "status-code-style": ("status_code_style", _one_of("fastapi", "http")),
    "response-type-policy": ("response_type_policy", _one_of("annotation-or-model", "response-model")),
    "cache-dir": ("cache_dir", _string),
}

CONFIG_KEYS = tuple(_KEYS)


def setting_of(settings: Settings, key: str) -> Any:
    """A configuration key's value in `settings` (tuples shown as lists)."""
    value = getattr(settings, _KEYS[key][0])
    if isinstance(value, tuple):
        return [list(item) if isinstance(item, tuple) else item for item in value]
    return value
SETTING_FIELDS = frozenset(f.name for f in fields(Settings))


def validate_value(key: str, value: Any, *, shown: Optional[str] = None) -> Tuple[str, Any]:
    """(Settings field, validated value) for one configuration key given another way (the
    flake8 plugin's options); `shown` is the name errors give it."""
    attr, convert = _KEYS[key]
    return attr, convert(shown or key, value)


def settings_from_table(
    table: Mapping[str, Any],
    *,
    root: Optional[Path] = None,
    source: Optional[Path] = None,
    warn: Callable[[str], None] = lambda message: None,
) -> Settings:
    """Validate a config table and build Settings from it; unknown keys are warned about."""
    changes: Dict[str, Any] = {}
    where = f" in {source}" if source else ""
    for key, value in table.items():
        if key not in _KEYS:
            warn(f"unknown configuration key {key!r}{where} (known keys: {', '.join(_KEYS)})")
            continue
        attr, convert = _KEYS[key]
        try:
            changes[attr] = convert(key, value)
        except ConfigError as error:
            raise ConfigError(f"invalid configuration{where}: {error}") from None
    return replace(Settings(), root=root, source=source, **changes)


def read_pyproject_table(path: Path) -> Optional[Mapping[str, Any]]:
    """The `[tool.fastapi-conventions-lint]` table of a pyproject.toml, or None when absent."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):  # a pipe would block, a device never end
            raise ConfigError(f"cannot read {path}: not a regular file")
        with open(path, "rb") as handle:
            document = tomllib.load(handle)
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path} is not valid UTF-8: {error}") from None
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path} is not valid TOML: {error}") from None
    tool = document.get("tool")
    table = tool.get(TABLE) if isinstance(tool, dict) else None
    if table is not None and not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.{TABLE}] must be a table")
    return table


def _may_hold_our_table(path: Path) -> bool:
    """Whether a pyproject.toml's text names this tool's table (or cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return TABLE.encode() in handle.read()
    except OSError:
        return True


def load_settings(
    path: Path, warn: Callable[[str], None] = lambda message: None
) -> Settings:
    """Settings from one named pyproject.toml (the `--config` option)."""
    if not path.exists():
        raise ConfigError(
            f"--config {path}: No such file or directory; name an existing pyproject.toml, or leave "
            f"--config out to use the nearest one"
        )
    table = read_pyproject_table(path)
    return settings_from_table(
        table or {}, root=path.resolve().parent, source=path, warn=warn
    )


class SettingsFinder:
    """Finds the settings that apply to a file: those of the nearest pyproject.toml with our
    table, searched upward from the file's directory. Results are cached per directory, so a
    tree of many files costs one lookup per directory."""

    def __init__(self, warn: Callable[[str], None] = lambda message: None) -> None:
        self._warn = warn
        # By real directory, as text: a Path per directory and per step up cost more than
        # the search itself.
        self._by_directory: Dict[str, Settings] = {}
        self._by_pyproject: Dict[str, Optional[Settings]] = {}
        self._default = Settings()

    def for_file(self, path: Path) -> Settings:
        return self.for_directory(path.resolve().parent)

    def for_directory(self, directory: Union[Path, str]) -> Settings:
        """The settings of a directory, given with its links resolved."""
        visited: List[str] = []
        found: Optional[Settings] = None
        current: Optional[str] = str(directory)
        while current is not None:
            cached = self._by_directory.get(current)
            if cached is not None:
                found = cached
                break
            visited.append(current)
            settings = self._settings_of(os.path.join(current, "pyproject.toml"))
            if settings is not None:
                found = settings
                break
            parent = os.path.dirname(current)
            current = parent if parent != current else None
        if found is None:
            found = self._default
        for seen in visited:
            self._by_directory[seen] = found
        return found

    def _settings_of(self, path: str) -> Optional[Settings]:
        if path in self._by_pyproject:
            return self._by_pyproject[path]
        settings = None
        if os.path.isfile(path):
            pyproject = Path(path)
            try:
                table = read_pyproject_table(pyproject)
            except ConfigError as error:
                if _may_hold_our_table(pyproject):
                    raise
                # A file that is not TOML and does not name our table (a project template's
                # `{{ cookiecutter.name }}`) holds no settings of ours: the search goes on.
                self._warn(f"{error}; it names no [tool.{TABLE}] table: passed over")
                table = None
            if table is not None:
                settings = settings_from_table(
                    table, root=pyproject.parent, source=pyproject, warn=self._warn
                )
        self._by_pyproject[path] = settings
        return settings
