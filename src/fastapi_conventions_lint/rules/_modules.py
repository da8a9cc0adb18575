"""What the file rules ask about the module a file is: its dotted name, and whether it is a
test module (rules about production behaviour leave those alone)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Tuple

from fastapi_conventions_lint.project.modules import names_a_test


def dotted_name(facts) -> str:
    """The module's dotted name: as the project model names it, else from the file's path
    (its package folders, those with an `__init__.py`)."""
    if facts.lookup is not None:
        return facts.lookup.module_name()
    path = Path(facts.filename or "module.py")
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while folder != folder.parent and (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or path.stem


def _path_parts(facts, settings) -> Tuple[str, ...]:
    """The file's path below the project root (the settings' root, else the project's top
    folder), without the `.py`: a `tests/` folder that is no package still holds tests."""
    root = settings.root
    if root is None and facts.lookup is not None:
        root = facts.lookup.project_root()
    if not facts.filename or root is None:
        return ()
    try:
        relative = os.path.relpath(os.path.abspath(facts.filename), os.path.abspath(root))
    except ValueError:  # another drive
        return ()
    if relative.startswith(".."):
        return ()
    return tuple(Path(relative).with_suffix("").parts)


def is_test_module(facts, settings) -> bool:
    """A module named `tests`, `test`, `conftest`, `test_*` or `*_test`, or under such a
    package or folder of the project."""
    return names_a_test(dotted_name(facts).split(".")) or names_a_test(_path_parts(facts, settings))
