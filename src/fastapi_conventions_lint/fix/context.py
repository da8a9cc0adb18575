"""What a codemod may need beyond its diagnostics (kept free of LibCST so that the cheap path
can build it without importing it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi_conventions_lint.config import Settings


@dataclass(frozen=True)
class FixContext:
    settings: Settings
    filename: str
    annotated_module: str = "typing"  # typing_extensions when the project supports < 3.9
    # The project's layout (project/layout.py): what the imports a fix adds are checked
    # against. None (no project known) checks nothing.
    layout: Any = None
