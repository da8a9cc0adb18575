"""The check every fix passes before it counts as safe: each import it adds names something
that exists. A module of the project must bind the name (read with `ast`, never imported);
anything else must come from the standard library or from what FastAPI itself installs."""

from __future__ import annotations

import ast
import functools
import os
import sys
from typing import Dict, Iterator, Optional, Tuple

from fastapi_conventions_lint.facts.names import import_statements
from fastapi_conventions_lint.fix.parsed import parsed
from fastapi_conventions_lint.project.bindings import module_binds
from fastapi_conventions_lint.project.layout import Layout

# Installed wherever FastAPI is: a fix may import from these.
_WITH_FASTAPI = frozenset({"fastapi", "starlette", "pydantic", "typing_extensions"})

_STDLIB_FALLBACK = frozenset({  # Python 3.9 has no sys.stdlib_module_names
    "__future__", "abc", "argparse", "ast", "asyncio", "base64", "collections", "contextlib",
    "contextvars", "copy", "csv", "dataclasses", "datetime", "decimal", "enum", "functools",
    "hashlib", "http", "importlib", "inspect", "io", "itertools", "json", "logging", "math",
    "operator", "os", "pathlib", "pickle", "random", "re", "secrets", "shutil", "socket",
    "sqlite3", "string", "subprocess", "sys", "tempfile", "threading", "time", "traceback",
    "types", "typing", "unittest", "urllib", "uuid", "warnings", "weakref", "zoneinfo",
})
STDLIB_MODULES = frozenset(getattr(sys, "stdlib_module_names", _STDLIB_FALLBACK))

Imported = Tuple[str, Optional[str]]  # (absolute module, name or None for `import module`)


def _imports(tree: ast.Module, package: str) -> Iterator[Imported]:
    for node in import_statements(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None
        else:
            module = node.module or ""
            if node.level:
                parts = package.split(".") if package else []
                base = parts[: len(parts) - (node.level - 1)] if node.level - 1 <= len(parts) else []
                module = ".".join(base + ([module] if module else []))
            for alias in node.names:
                yield module, alias.name


@functools.lru_cache(maxsize=4)
def _imports_in(text: str, package: str) -> Optional[Dict[Imported, None]]:
    """What a text imports, in its order (None when it does not parse). Kept for the next
    step of a fix, whose text before is this step's text after."""
    try:
        return dict.fromkeys(_imports(parsed(text), package))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _package(layout: Layout, filename: str) -> str:
    named = layout.module_name(filename)
    if named is None:
        return ""
    name, is_package = named
    return name if is_package else name.rpartition(".")[0]


def missing_import(before: str, after: str, filename: str, layout: Optional[Layout]) -> str:
    """Why an import that `after` adds to `before` may fail ("" when every one is known to
    work). Without a layout (no project), nothing can be checked and nothing is refused."""
    if layout is None:
        return ""
    filename = os.path.abspath(filename)
    package = _package(layout, filename)
    known, imported = _imports_in(before, package), _imports_in(after, package)
    if known is None or imported is None:
        return ""  # the fix engine refuses a rewrite that does not parse on its own
    for module, name in imported:
        if (module, name) in known:
            continue
        why = _why_missing(layout, module, name, filename)
        if why:
            shown = f"{name} from {module}" if name else module
            return f"it would import {shown}, but {why}"
    return ""


def _why_missing(layout: Layout, module: str, name: Optional[str], near: str) -> str:
    top = module.partition(".")[0]
    if layout.find(top, near) is None and (top in STDLIB_MODULES or top in _WITH_FASTAPI):
        return ""
    if name is None:
        return "" if layout.find(module, near) is not None else f"the project has no module {module}"
    if layout.find(module, near) is None and not layout.knows(module, near):
        return f"{module} is neither a module of the project nor a library every FastAPI app has"
    found, why = module_binds(layout, module, name, near)
    return "" if found else why
