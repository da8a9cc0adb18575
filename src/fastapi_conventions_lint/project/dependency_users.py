"""Which functions of a module other modules make dependencies or lifespans of (FCL303 asks
about the `yield` functions among them): `Depends(get_db)` in one module, `get_db` in another."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict

from fastapi_conventions_lint.project.index import Module, ProjectIndex


def used_elsewhere(index: ProjectIndex) -> Dict[Module, Dict[str, bool]]:
    """For each module, the names of its own functions that other modules pass to
    `Depends`/`Security` or as `lifespan=` (True: as a lifespan), re-exports followed.
    Computed once per run (`index.shared`); it may read modules the run passed over."""
    found = index.shared.get("dependency_users")
    if found is not None:
        return found  # type: ignore[return-value]
    found = defaultdict(dict)
    for module in list(index.modules()):
        targets = module.facts.dependency_targets if module.facts is not None else None
        if targets is None:
            continue
        for qualname in sorted(targets.imported):
            defined = index.defining(module, qualname)
            if defined is None or defined[0] is module or defined[0].facts is None:
                continue
            target, name = defined
            if name in target.facts.functions:
                names = found[target]
                names[name] = names.get(name, False) or qualname in targets.lifespans
    index.shared["dependency_users"] = found
    return found
