"""What the file rules ask about the module a file is: its dotted name, and whether it is a
test module (rules about production behaviour leave those alone)."""

from __future__ import annotations

from pathlib import Path

from fastapi_conventions_lint.project.layout import home_of
from fastapi_conventions_lint.project.modules import is_test_module as project_is_test_module


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


def is_test_module(facts, settings) -> bool:
    """A module named `tests`, `test`, `conftest`, `test_*` or `*_test`, or under such a
    package or folder of the project (the settings' root, else the project's top folder)."""
    root = settings.root
    if root is None and facts.lookup is not None:
        root = facts.lookup.project_root()
    if root is None and facts.filename:
        root = home_of(facts.filename)  # a module with no name has no lookup to ask
    return project_is_test_module(dotted_name(facts), facts.filename, None if root is None else str(root))
