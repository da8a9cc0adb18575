"""The rule model: one small class carries a rule's code, name, message, rationale, fix
availability and its VALID/INVALID examples. Tests and docs are generated from the examples."""

from __future__ import annotations

import ast
import enum
import textwrap
from dataclasses import dataclass, field
from typing import Any, ClassVar, Dict, Iterable, Mapping, Optional, Sequence, Tuple, Union

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic, FixIntent
from fastapi_conventions_lint.facts.model import FileFacts

GUIDE = "conventions/fastapi-development.md"


class Fix(enum.Enum):
    NONE = "none"
    SAFE = "safe"
    UNSAFE = "unsafe"


class Scope(enum.Enum):
    FILE = "file"  # answered from one file: both hosts
    PROJECT = "project"  # needs the whole application (include chains): the CLI only
    CLI = "cli"  # reported by the CLI only (flake8 reports its own E902/E999)


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


Files = Mapping[str, str]


def _check_files(files: Optional[Files], source: str, kind: str) -> None:
    if files is None:
        return  # a one-file example; an empty source is an empty file
    if source:
        raise ValueError(f"{kind}: give either a source or files=, not both")
    if not files:
        raise ValueError(f"{kind}: files= needs at least one file")
    for name in files:
        if not name.endswith(".py") or name.startswith("/") or ".." in name.split("/"):
            raise ValueError(f"{kind}: {name!r} is not a relative path to a .py file")


def _check_config(config: Optional[Mapping[str, Any]], files: Optional[Files], kind: str) -> None:
    if config is None:
        return
    if files is None:
        raise ValueError(f"{kind}: config= applies to project examples (files=) only")
    for key, value in config.items():
        if not (isinstance(value, str) or (
            isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value)
        )):
            raise ValueError(f"{kind}: config {key!r} must be a string or a list of strings")


class _Example:
    """What VALID and INVALID examples share: one file's `source`, or a small project given as
    `files={"main.py": "...", "users/router.py": "..."}` (relative paths, sources dedented like
    `source`). A project example is checked as a project of its own: its directory is the
    project root and the import root, so `users/router.py` is the module `users.router`.
    `config`, for a project example, is its `[tool.fastapi-conventions-lint]` table (keys as
    in pyproject.toml; strings and lists of strings)."""

    source: str
    files: Optional[Files]
    config: Optional[Mapping[str, Any]]

    @property
    def config_toml(self) -> str:
        """The example's table as pyproject.toml lines."""
        lines = []
        for key, value in (self.config or {}).items():
            if isinstance(value, str):
                lines.append(f"{key} = {_toml_string(value)}")
            else:
                lines.append(f"{key} = [{', '.join(_toml_string(item) for item in value)}]")
        return "".join(line + "\n" for line in lines)

    @property
    def is_project(self) -> bool:
        return self.files is not None

    @property
    def sources(self) -> Dict[str, str]:
        """Relative path -> dedented source, for a project example."""
        return {name: _dedent(text) for name, text in (self.files or {}).items()}

    @property
    def code(self) -> str:
        """The source of a one-file example. A project example gives all its files, each
        under a `# file: <path>` comment, for tools that want one text."""
        if self.files is None:
            return _dedent(self.source)
        return "".join(f"# file: {name}\n{text}\n" for name, text in self.sources.items())


@dataclass(frozen=True)
class Valid(_Example):
    """Code that follows the convention: the rule must stay silent on it."""

    source: str = ""
    note: str = ""
    files: Optional[Files] = field(default=None, hash=False)
    config: Optional[Mapping[str, Any]] = field(default=None, hash=False)

    def __post_init__(self) -> None:
        _check_files(self.files, self.source, "Valid")
        _check_config(self.config, self.files, "Valid")


Position = Tuple[int, int]
Location = Tuple[str, int, int]  # (relative file, line, column) in a project example


@dataclass(frozen=True)
class Invalid(_Example):
    """Code that breaks the convention. `at` lists where the rule reports, as printed:
    1-based line and 1-based column; in a project example, (file, line, column) with the
    file's path as a key of `files`. `message` is a piece of text the message must contain.
    `fixed` is the exact source after applying this rule's fixes (unsafe ones included); it
    applies to one-file examples only. `flake8_at`, for a project example of a file rule that
    the CLI completes across modules, is where flake8 (one file at a time) reports."""

    source: str = ""
    at: Union[Position, Location, Sequence[Position], Sequence[Location]] = ()
    message: Optional[str] = None
    note: str = ""
    fixed: Optional[str] = None  # the source after this rule's fixes; None: no fix applies
    files: Optional[Files] = field(default=None, hash=False)
    config: Optional[Mapping[str, Any]] = field(default=None, hash=False)
    flake8_at: Optional[Sequence[Location]] = field(default=None, hash=False)

    def __post_init__(self) -> None:
        _check_files(self.files, self.source, "Invalid")
        if self.flake8_at is not None and self.files is None:
            raise ValueError("Invalid: `flake8_at` applies to project examples only")
        _check_config(self.config, self.files, "Invalid")
        if not self.at:
            raise ValueError("Invalid: `at` says where the rule reports")
        if self.files is None:
            for position in self.positions:
                if not (isinstance(position, tuple) and len(position) == 2
                        and all(isinstance(n, int) for n in position)):
                    raise ValueError(f"Invalid: {position!r} is not (line, column)")
            return
        if self.fixed is not None:
            raise ValueError("Invalid: `fixed` applies to one-file examples only")
        for location in self.locations:
            if not (isinstance(location, tuple) and len(location) == 3 and location[0] in self.files
                    and all(isinstance(n, int) for n in location[1:])):
                raise ValueError(f"Invalid: {location!r} is not (one of the files, line, column)")

    @property
    def fixed_code(self) -> Optional[str]:
        return None if self.fixed is None else _dedent(self.fixed)

    @property
    def positions(self) -> Tuple[Position, ...]:
        """(line, column) pairs of a one-file example."""
        if self.at and isinstance(self.at[0], int):
            return (self.at,)  # type: ignore[return-value]
        return tuple(self.at)  # type: ignore[arg-type]

    @property
    def locations(self) -> Tuple[Location, ...]:
        """(file, line, column) triples of a project example."""
        if self.at and isinstance(self.at[0], str):
            return (self.at,)  # type: ignore[return-value]
        return tuple(self.at)  # type: ignore[arg-type]

    @property
    def flake8_locations(self) -> Tuple[Location, ...]:
        return self.locations if self.flake8_at is None else tuple(self.flake8_at)


@dataclass(frozen=True)
class CrossFileFix:
    """A fix the CLI's project pass makes across two files: it moves an include_router
    argument into the included router's own definition. Its safety may differ from `Rule.fix`."""

    safety: Fix
    description: str  # what moves where, when, and why that is (un)safe


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line: what fires
    rationale: ClassVar[str]  # the style-guide sentence the rule enforces
    guide_section: ClassVar[str]
    fix: ClassVar[Fix] = Fix.NONE
    fix_description: ClassVar[str] = ""  # what the per-file fix does (docs, `explain`)
    cross_file_fix: ClassVar[Optional[CrossFileFix]] = None
    scope: ClassVar[Scope] = Scope.FILE
    # A file rule whose `check_project` adds, in the CLI, what only other modules show.
    extends_to_project: ClassVar[bool] = False
    # Whether the file rule reads what the project pass links into a file's facts (the router
    # an include names in another module, a route's imported receiver, the includes other
    # modules make): it then runs after linking. One that reads none of it answers the same
    # before, so it runs where the file is read (a `--jobs` worker). When in doubt: True.
    reads_links: ClassVar[bool] = True
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def check(self, facts: FileFacts, settings: Settings) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def check_project(self, index: Any, settings: Settings) -> Iterable[Tuple[Any, Diagnostic]]:
        """Project rules, and file rules that extend to the project: (module path, diagnostic)
        pairs from the linked project index."""
        return ()

    def report(self, node: ast.AST, message: str, **fix: Any) -> Diagnostic:
        """A diagnostic at `node`; keyword arguments, when given, are the fix payload for this
        rule's codemod (`description` is what the fix does)."""
        if not fix:
            return Diagnostic.at(node, self.code, message)
        description = fix.pop("description")
        safe = fix.pop("safe", self.fix is Fix.SAFE)  # a rule may decide per diagnostic
        intent = FixIntent(safe=safe, description=description, payload=fix)
        return Diagnostic.at(node, self.code, message, intent)
