"""The codemods, in the order the fix engine runs them. FCL006 runs before FCL001 so that a
malformed literal is normalised before its replacement is computed."""

from __future__ import annotations

from typing import Dict, Tuple, Type

from fastapi_conventions_lint.fix.codemods.base import FixContext, RuleCodemod
from fastapi_conventions_lint.fix.codemods.prefixes import (
    DropIncludePrefix,
    NormalisePrefix,
    UseConfigConstant,
)

ORDER: Tuple[Type[RuleCodemod], ...] = (
    NormalisePrefix,  # FCL006
    UseConfigConstant,  # FCL001
    DropIncludePrefix,  # FCL002
)
BY_CODE: Dict[str, Type[RuleCodemod]] = {codemod.code: codemod for codemod in ORDER}

__all__ = ["BY_CODE", "ORDER", "FixContext", "RuleCodemod"]
