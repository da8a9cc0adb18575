"""The codemods, in the order the fix engine runs them. FCL006 runs before FCL001 so that a
malformed literal is normalised before its replacement is computed. FCL202 runs before
FCL201 (a function's existing cleanups are made safe before missing ones are added)."""

from __future__ import annotations

from typing import Dict, Tuple, Type

from fastapi_conventions_lint.fix.codemods.base import FixContext, RuleCodemod
from fastapi_conventions_lint.fix.codemods.lifecycle import AddCleanup, MoveCleanupToFinally
from fastapi_conventions_lint.fix.codemods.lifespan import UseLifespan
from fastapi_conventions_lint.fix.codemods.noqa import RemoveUnusedNoqa
from fastapi_conventions_lint.fix.codemods.prefixes import (
    DropIncludePrefix,
    DropRepeatedPrefix,
    NormalisePrefix,
    UseConfigConstant,
)
from fastapi_conventions_lint.fix.codemods.signatures import UseAnnotated
from fastapi_conventions_lint.fix.codemods.status_codes import UseStatusConstant
from fastapi_conventions_lint.fix.codemods.tags import AddRouterTags
from fastapi_conventions_lint.fix.codemods.yields import WrapYieldInTry

ORDER: Tuple[Type[RuleCodemod], ...] = (
    NormalisePrefix,  # FCL006
    UseConfigConstant,  # FCL001
    DropIncludePrefix,  # FCL002
    DropRepeatedPrefix,  # FCL011
    AddRouterTags,  # FCL003
    UseAnnotated,  # FCL203
    UseStatusConstant,  # FCL401
    MoveCleanupToFinally,  # FCL202: before FCL201
    AddCleanup,  # FCL201
    WrapYieldInTry,  # FCL303
    UseLifespan,  # FCL301
    RemoveUnusedNoqa,  # FCL901: last, once the other fixes have made their codes unused
)
BY_CODE: Dict[str, Type[RuleCodemod]] = {codemod.code: codemod for codemod in ORDER}

__all__ = ["BY_CODE", "ORDER", "FixContext", "RuleCodemod"]
