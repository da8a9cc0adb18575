"""The real values of the configured prefix constants, read statically from the project.

When the project's `api_config` object (`server.config:api_config` by default) can be read
from its module, its public UPPER_CASE string attributes are the configured constants and
replace the `prefixes` table; otherwise the table (or its defaults) is used.

Reading them is the one place the CLI builds a module with astroid, and it builds exactly
one: the configured object's module, from its source text. Nothing is ever imported:

- the module is built from text with `AstroidBuilder.string_build`, which has no fallback
  to importing (unlike `ast_from_file(..., fallback=True)` or `ast_from_module_name`);
- while it is built and inferred, astroid's only door to other modules,
  `AstroidManager.ast_from_module_name`, is closed: a name imported from another module
  (`pydantic_settings.BaseSettings`, `os.environ`) stays uninferable, so astroid neither
  imports a C extension or builtin module nor builds any other file, and
  `always_load_extensions` is off with an empty extension whitelist in any case;
- the built module is taken out of astroid's cache again afterwards.

astroid itself is imported only when the module exists and mentions the object's name.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts.limits import MAX_TEXT
from fastapi_conventions_lint.project.layout import Layout

# (module file, mtime_ns, size, module name, object name) -> (constants or None, why not)
_CACHE: Dict[Tuple[str, int, int, str, str], Tuple[Optional[Dict[str, str]], str]] = {}


def configured_prefixes(settings: Settings, layout: Layout, near: str) -> Optional[Dict[str, str]]:
    """The configured object's public UPPER_CASE string attributes, {name: value}, read
    without importing anything; None when the module or the object cannot be found or
    no attribute has a single static string value. The module is the project's own, found
    in the layout as a file in directory `near` would import it."""
    return config_object(settings, layout, near)[0]


def config_object(settings: Settings, layout: Layout, near: str) -> Tuple[Optional[Dict[str, str]], str]:
    """(the constants, "") when the project defines the configured object; else (None, what
    is missing), in words a message can give."""
    module_name, _, object_name = settings.api_config.partition(":")
    found = layout.find(module_name, os.path.join(near, "__init__.py"))
    if found is None:
        return None, f"the project has no module {module_name}"
    path = found[0]
    try:
        status = os.stat(path)
    except OSError:
        return None, f"{module_name} cannot be read"
    key = (str(path), status.st_mtime_ns, status.st_size, module_name, object_name)
    if key not in _CACHE:
        _CACHE[key] = _read(path, module_name, object_name)
    cached, why = _CACHE[key]
    return (dict(cached) if cached is not None else None), why


def with_configured_prefixes(settings: Settings, layout: Layout, near: str) -> Settings:
    """`settings` with the project's real constants as its `prefixes`, when they resolve;
    otherwise with the reason a fix may not import the object (`config_missing`)."""
    prefixes, why = config_object(settings, layout, near)
    if prefixes is not None:
        return replace(settings, prefixes=prefixes, config_missing="")
    return replace(settings, config_missing=why)


# ---- reading the module -----------------------------------------------------------------

def _read(path: Path, module_name: str, object_name: str) -> Tuple[Optional[Dict[str, str]], str]:
    try:
        text = source.decode(source.read_bytes(str(path)))
    except Exception:  # noqa: BLE001 - unreadable or undecodable: the table is used
        return None, f"{module_name} cannot be read"
    if object_name not in text:
        # The cheap path: no astroid for a module that cannot bind the object.
        return None, f"{module_name} does not define {object_name}"
    simple = _read_simple(text, object_name)
    if simple is not None:
        return simple, ""  # the common shape, read with `ast` in about a millisecond
    unreadable = f"{module_name}.{object_name} has no prefix constant that can be read without running it"
    try:
        found = _infer(text, path, module_name, object_name)
    except Exception:  # noqa: BLE001 - astroid failed on this module: the table is used
        return None, unreadable
    if found is None and not _binds(text, object_name):
        return None, f"{module_name} does not define {object_name}"
    return found, "" if found is not None else unreadable


def _binds(text: str, name: str) -> bool:
    """Whether the module text binds `name` at its top level (by any statement)."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True  # unknown: say the constants cannot be read
    from fastapi_conventions_lint.project.bindings import top_level_names

    return name in top_level_names(tree)


def _read_simple(text: str, object_name: str) -> Optional[Dict[str, str]]:
    """The constants when the module has the common shape, read with the stdlib `ast`:
    `object = Class()` (no arguments), `object = Class` or `class object:`, where the class is
    defined in the module and every UPPER_CASE attribute of its body is a string literal, an
    f-string or a `+` of literals and earlier attributes, and no method assigns one. Anything
    else returns None and astroid, which infers the rest, takes over."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    target: Optional[ast.ClassDef] = classes.get(object_name)
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and node.targets[0].id == object_name
        ):
            value = node.value
            if isinstance(value, ast.Call) and not value.args and not value.keywords:
                value = value.func
            target = classes.get(value.id) if isinstance(value, ast.Name) else None
    if target is None:
        return None
    values: Dict[str, str] = {}
    not_static: Set[str] = set()
    for node in target.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Attribute) and isinstance(inner.ctx, ast.Store):
                    if _is_constant_name(inner.attr):
                        return None  # set at run time: astroid decides
            continue
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            name, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            name, value = node.target, node.value
        else:
            continue
        if not isinstance(name, ast.Name) or not _is_constant_name(name.id):
            continue
        try:
            text_value = _simple_string(value, values, not_static)
        except _TooLong:
            not_static.add(name.id)  # and so is every constant built from it
            continue
        if text_value is None:
            return None
        values[name.id] = text_value
    return values or None


class _TooLong(Exception):
    """A computed constant longer than MAX_TEXT (`A1 = A0 + A0`, twenty times)."""


def _simple_string(node: Any, known: Dict[str, str], not_static: Set[str]) -> Optional[str]:
    import ast

    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.Name):
        if node.id in not_static:
            raise _TooLong
        return known.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _simple_string(node.left, known, not_static)
        right = _simple_string(node.right, known, not_static)
        if left is None or right is None:
            return None
        if len(left) + len(right) > MAX_TEXT:
            raise _TooLong
        return left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                if value.conversion != -1 or value.format_spec is not None:
                    return None
                value = value.value
            part = _simple_string(value, known, not_static)
            if part is None:
                return None
            parts.append(part)
        if sum(map(len, parts)) > MAX_TEXT:
            raise _TooLong
        return "".join(parts)
    return None


def _infer(text: str, path: Path, module_name: str, object_name: str) -> Optional[Dict[str, str]]:
    import astroid
    from astroid.builder import AstroidBuilder

    manager = astroid.MANAGER
    previous = manager.astroid_cache.get(module_name)
    with _no_other_modules(manager):
        try:
            module = AstroidBuilder(manager).string_build(text, module_name, str(path))
            namespace = _namespace(module, object_name)
            if namespace is None:
                return None
            found = _string_constants(*namespace)
        finally:
            if previous is not None:
                manager.astroid_cache[module_name] = previous
            else:
                manager.astroid_cache.pop(module_name, None)
    return found or None


@contextlib.contextmanager
def _no_other_modules(manager: Any) -> Iterator[None]:
    """Close astroid's way to every module it has not built yet, and make sure that it
    would not load an extension module even if asked (not thread-safe: the CLI has one
    thread)."""
    from astroid.exceptions import AstroidImportError
    from astroid.manager import AstroidManager

    def refuse(self: Any, modname: Optional[str], context_file: Optional[str] = None,
               use_cache: bool = True) -> Any:
        cached = self.astroid_cache.get(modname) if use_cache and modname else None
        if cached is not None:
            return cached  # built before (the bootstrapped builtins): nothing is loaded
        raise AstroidImportError(
            "{modname}: not loaded; the prefix constants are read from one module only",
            modname=modname,
        )

    original = AstroidManager.__dict__["ast_from_module_name"]
    extensions = manager.always_load_extensions
    whitelist = set(manager.extension_package_whitelist)
    AstroidManager.ast_from_module_name = refuse  # type: ignore[method-assign]
    manager.always_load_extensions = False
    manager.extension_package_whitelist.clear()
    try:
        yield
    finally:
        AstroidManager.ast_from_module_name = original  # type: ignore[method-assign]
        manager.always_load_extensions = extensions
        manager.extension_package_whitelist.update(whitelist)


def _namespace(module: Any, object_name: str) -> Optional[Tuple[Any, Any, frozenset]]:
    """(what attributes are read from, its class, attribute names given at construction)
    for the configured object: an instance of a class of this module (`APIConfig()`,
    `get_settings()`), or a class used as a namespace (`api_config = APIConfig`,
    `class api_config:`). None unless every binding infers to the same one."""
    from astroid import bases, nodes
    from astroid.util import UninferableBase

    if object_name not in module.locals:
        return None
    inferred = list(module.igetattr(object_name))
    if not inferred or any(isinstance(value, UninferableBase) for value in inferred):
        return None
    first = inferred[0]
    if isinstance(first, nodes.ClassDef):
        cls = first
    elif isinstance(first, bases.Instance) and isinstance(first._proxied, nodes.ClassDef):
        cls = first._proxied
    else:
        return None
    if cls.root() is not module:
        return None  # `api_config = "text"`: an instance of a builtin class
    for other in inferred[1:]:
        other_class = other if isinstance(other, nodes.ClassDef) else getattr(other, "_proxied", None)
        if type(other) is not type(first) or other_class is not cls:
            return None
    overridden = _constructor_keywords(module, object_name)
    if overridden is None:
        return None
    return first, cls, overridden


def _constructor_keywords(module: Any, object_name: str) -> Optional[frozenset]:
    """Attributes the object's own construction may set at run time: the keyword arguments
    of `api_config = APIConfig(V1_PREFIX=...)`. None (give up) for positional or `**`
    arguments, whose targets are not known statically."""
    from astroid import nodes

    names = set()
    for binding in module.locals.get(object_name, ()):
        statement = binding.parent
        value = getattr(statement, "value", None)
        if not isinstance(statement, (nodes.Assign, nodes.AnnAssign)) or not isinstance(value, nodes.Call):
            continue
        if value.args:
            return None
        for keyword in value.keywords or ():
            if keyword.arg is None:
                return None
            names.add(keyword.arg)
    return frozenset(names)


def _string_constants(target: Any, cls: Any, overridden: frozenset) -> Dict[str, str]:
    """Every public UPPER_CASE attribute of the class (and of its ancestors in this module)
    whose value infers to one string: class attributes, annotated fields with a default,
    values composed from other attributes (f-strings, `+`, `%`, `.format`)."""
    from astroid import nodes

    names: List[str] = []
    assigned_in_methods = set()
    for scope in [cls, *cls.ancestors()]:
        for name in scope.locals:
            if name not in names and _is_constant_name(name):
                names.append(name)
        if target is not cls:
            # `self.X = ...` in a method; not the fields that astroid's dataclass support
            # declares on instances (those hold the class-level default).
            assigned_in_methods.update(
                name for name, bindings in scope.instance_attrs.items()
                if any(isinstance(binding, nodes.AssignAttr) for binding in bindings)
            )
    constants: Dict[str, str] = {}
    for name in names:
        if name in overridden or name in assigned_in_methods:
            continue  # set at run time, by the constructor or in a method
        try:
            # The class attribute: for an instance, what it holds unless set at run time.
            values = list(cls.igetattr(name))
        except Exception:  # noqa: BLE001 - this attribute only
            continue
        if values and all(
            isinstance(value, nodes.Const) and isinstance(value.value, str) for value in values
        ) and len({value.value for value in values}) == 1:
            constants[name] = values[0].value
    return constants


def _is_constant_name(name: str) -> bool:
    return not name.startswith("_") and name.isupper() and name.isidentifier()
