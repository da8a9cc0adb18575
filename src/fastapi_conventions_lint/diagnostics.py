"""The one value every stage passes on: a diagnostic at a place in a file."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional


# FCL900: a file that could not be read, decoded, parsed or analysed.
NOT_CHECKED = "FCL900"


@dataclass(frozen=True)
class FixIntent:
    """What a rule knows how to rewrite, for the fix engine's codemod of that rule.

    `payload` carries what detection already worked out (a replacement, a name to import),
    so that the codemod only has to find the node at the diagnostic's position."""

    safe: bool
    description: str
    payload: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A rule's finding. Lines are 1-based; columns are 0-based offsets into the line
    (flake8's convention); reporters add 1 when printing. A rule reports `ast` positions
    (UTF-8 bytes); the engine turns both columns into characters (engine.run_rules), so
    that a reported diagnostic counts characters. `end_line`/`end_col` are the end of the
    reported node (exclusive), when it has one."""

    line: int
    col: int
    code: str
    message: str
    end_line: Optional[int] = None
    end_col: Optional[int] = None
    fix: Optional[FixIntent] = field(default=None, compare=False)

    @classmethod
    def at(
        cls, node: ast.AST, code: str, message: str, fix: Optional[FixIntent] = None
    ) -> "Diagnostic":
        return cls(
            line=max(getattr(node, "lineno", 1), 1),
            col=max(getattr(node, "col_offset", 0), 0),
            code=code,
            message=message,
            end_line=getattr(node, "end_lineno", None),
            end_col=getattr(node, "end_col_offset", None),
            fix=fix,
        )


def fixable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """Whether a fix run applies this diagnostic's fix (unsafe ones only with `unsafe`)."""
    return diagnostic.fix is not None and (diagnostic.fix.safe or unsafe)
