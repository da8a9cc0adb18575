"""The rule model: one small class carries a rule's code, name, message, rationale, fix
availability and its VALID/INVALID examples. Tests and docs are generated from the examples."""

from __future__ import annotations

import ast
import enum
import textwrap
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Optional, Sequence, Tuple, Union

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


def _dedent(source: str) -> str:
    return textwrap.dedent(source).lstrip("\n")


@dataclass(frozen=True)
class Valid:
    """Code that follows the convention: the rule must stay silent on it."""

    source: str
    note: str = ""

    @property
    def code(self) -> str:
        return _dedent(self.source)


Position = Tuple[int, int]


@dataclass(frozen=True)
class Invalid:
    """Code that breaks the convention. `at` lists where the rule reports, as printed:
    1-based line and 1-based column. `message` is a piece of text the message must contain.
    `fixed` is the exact source after applying this rule's fixes (unsafe ones included)."""

    source: str
    at: Union[Position, Sequence[Position]]
    message: Optional[str] = None
    note: str = ""
    fixed: Optional[str] = None  # the source after this rule's fixes; None: no fix applies

    @property
    def code(self) -> str:
        return _dedent(self.source)

    @property
    def fixed_code(self) -> Optional[str]:
        return None if self.fixed is None else _dedent(self.fixed)

    @property
    def positions(self) -> Tuple[Position, ...]:
        if self.at and isinstance(self.at[0], int):
            return (self.at,)  # type: ignore[return-value]
        return tuple(self.at)  # type: ignore[arg-type]


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    summary: ClassVar[str]  # one line: what fires
    rationale: ClassVar[str]  # the style-guide sentence the rule enforces
    guide_section: ClassVar[str]
    fix: ClassVar[Fix] = Fix.NONE
    scope: ClassVar[Scope] = Scope.FILE
    VALID: ClassVar[Sequence[Valid]] = ()
    INVALID: ClassVar[Sequence[Invalid]] = ()

    def check(self, facts: FileFacts, settings: Settings) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def check_project(self, index: Any, settings: Settings) -> Iterable[Tuple[Any, Diagnostic]]:
        """Project rules: (module path, diagnostic) pairs from the linked project index."""
        return ()

    def report(self, node: ast.AST, message: str, **fix: Any) -> Diagnostic:
        """A diagnostic at `node`; keyword arguments, when given, are the fix payload for this
        rule's codemod (`description` is what the fix does)."""
        if not fix:
            return Diagnostic.at(node, self.code, message)
        description = fix.pop("description")
        intent = FixIntent(safe=self.fix is Fix.SAFE, description=description, payload=fix)
        return Diagnostic.at(node, self.code, message, intent)
