"""The one value every stage passes on: a diagnostic at a place in a file."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A rule's finding. Lines are 1-based; columns are 0-based offsets into the line as
    the `ast` module gives them (flake8's convention); reporters add 1 when printing."""

    line: int
    col: int
    code: str
    message: str
    end_line: Optional[int] = None
    end_col: Optional[int] = None

    @classmethod
    def at(cls, node: ast.AST, code: str, message: str) -> "Diagnostic":
        return cls(
            line=max(getattr(node, "lineno", 1), 1),
            col=max(getattr(node, "col_offset", 0), 0),
            code=code,
            message=message,
            end_line=getattr(node, "end_lineno", None),
            end_col=getattr(node, "end_col_offset", None),
        )
