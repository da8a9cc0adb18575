"""What a module of the project binds at its top level, read with `ast` (never imported):
the test a fix's added import must pass before the fix counts as safe."""

from __future__ import annotations

import ast
import os
from typing import Dict, Iterator, Optional, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.project.layout import Layout

# (path, mtime_ns, size) -> (top-level names, whether any name may be bound: `*`, __getattr__)
_CACHE: Dict[Tuple[str, int, int], Optional[Tuple[Set[str], bool]]] = {}


def top_level_names(tree: ast.Module) -> Set[str]:
    """Every name a module binds outside functions and classes: assignments, definitions,
    imports, loop and `with` targets, also under `if`/`try`/`with` (either branch may run)."""
    names: Set[str] = set()
    for node in _top_level(tree.body):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    names.add(alias.asname or alias.name.partition(".")[0])
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.AsyncFor)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(_stored(target))
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    names.update(_stored(item.optional_vars))
    for node in ast.walk(tree):
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _top_level(body) -> Iterator[ast.stmt]:
    for node in body:
        yield node
        if isinstance(node, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield from _top_level(node.body)
            yield from _top_level(getattr(node, "orelse", ()))
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            yield from _top_level(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                yield from _top_level(handler.body)
            yield from _top_level(node.orelse)  # type: ignore[attr-defined]
            yield from _top_level(node.finalbody)  # type: ignore[attr-defined]


def _stored(target: ast.expr) -> Iterator[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id


def _open_ended(tree: ast.Module) -> bool:
    """Whether the module may bind names no statement shows: `from x import *` or a
    module-level `__getattr__`."""
    for node in _top_level(tree.body):
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__getattr__":
            return True
    return False


def _read(path: str) -> Optional[Tuple[Set[str], bool]]:
    try:
        status = os.stat(path)
    except OSError:
        return None
    key = (path, status.st_mtime_ns, status.st_size)
    if key not in _CACHE:
        try:
            tree = source.read_leniently(source.decode(source.read_bytes(path)), path)
        except Exception:  # noqa: BLE001 - unreadable or unparsable: unknown
            _CACHE[key] = None
        else:
            _CACHE[key] = (top_level_names(tree), _open_ended(tree))
    return _CACHE[key]


def module_binds(layout: Layout, module: str, name: str, near: str) -> Tuple[bool, str]:
    """(True, "") when the project's module `module`, as a file at `near` imports it, binds
    `name` (or has a submodule of that name); else (False, what is missing)."""
    found = layout.find(module, near)
    if found is None:
        return False, f"the project has no module {module}"
    if layout.find(f"{module}.{name}", near) is not None:
        return True, ""  # `from package import submodule`
    path = found[0]
    read = _read(str(path))
    if read is None:
        return False, f"{module} cannot be read"
    names, open_ended = read
    if name in names or open_ended:
        return True, ""
    return False, f"{module} does not define {name}"
