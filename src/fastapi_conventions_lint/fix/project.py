"""Facts about the checked project that fixes need: where `Annotated` comes from."""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Optional

if sys.version_info >= (3, 11):  # pragma: no cover - depends on the interpreter
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

_LOWER_BOUND = re.compile(r"(?:>=|~=|==|>)\s*3\.(\d+)")


def _requires_python(pyproject: Path) -> Optional[str]:
    try:
        with open(pyproject, "rb") as handle:
            document = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError):
        return None
    project = document.get("project")
    value = project.get("requires-python") if isinstance(project, dict) else None
    return value if isinstance(value, str) else None


@lru_cache(maxsize=256)
def annotated_module(directory: Path) -> str:
    """`typing`, or `typing_extensions` when the nearest pyproject.toml's requires-python
    admits a Python older than 3.9 (where typing has no Annotated)."""
    for folder in (directory, *directory.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            requirement = _requires_python(pyproject)
            if requirement is None:
                continue
            bounds = [int(minor) for minor in _LOWER_BOUND.findall(requirement)]
            return "typing_extensions" if bounds and max(bounds) < 9 else "typing"
    return "typing"
