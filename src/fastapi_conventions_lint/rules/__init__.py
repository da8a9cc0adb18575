"""The rule registry. Every module `fcl*.py` in this package defines one Rule subclass; adding a
rule means adding one file."""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING, Dict, Iterable, Tuple

from fastapi_conventions_lint.rules.base import CrossFileFix, Fix, Invalid, Rule, Scope, Valid

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.diagnostics import Diagnostic


def _discover() -> Tuple[Rule, ...]:
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("fcl"):
            importlib.import_module(f"{__name__}.{module.name}")
    found = {}
    pending = list(Rule.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if getattr(cls, "code", None):
            found[cls.code] = cls()
    return tuple(found[code] for code in sorted(found))


ALL_RULES: Tuple[Rule, ...] = _discover()
RULES_BY_CODE: Dict[str, Rule] = {rule.code: rule for rule in ALL_RULES}


def any_cross_file_fix(diagnostics: Iterable["Diagnostic"]) -> bool:
    """Whether a diagnostic is of a rule whose fix edits another file too (a move): whether
    such a fix can be made depends on the other files of the run."""
    return any(d.code in RULES_BY_CODE and RULES_BY_CODE[d.code].cross_file_fix is not None for d in diagnostics)


__all__ = [
    "ALL_RULES", "RULES_BY_CODE", "CrossFileFix", "Fix", "Invalid", "Rule", "Scope", "Valid",
    "any_cross_file_fix",
]
