"""The rule registry. Every module `fcl*.py` in this package defines one Rule subclass; adding a
rule means adding one file."""

from __future__ import annotations

import importlib
import pkgutil
from typing import Dict, Tuple

from fastapi_conventions_lint.rules.base import CrossFileFix, Fix, Invalid, Rule, Scope, Valid


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

__all__ = ["ALL_RULES", "RULES_BY_CODE", "CrossFileFix", "Fix", "Invalid", "Rule", "Scope", "Valid"]
