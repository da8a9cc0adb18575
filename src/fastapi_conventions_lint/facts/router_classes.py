"""Which names make routers: `APIRouter`/`FastAPI` themselves, classes deriving from them, names
bound to one of those (`Router = APIRouter`), and names bound to what a factory function returns
(`APIRouter = make_router_class(Route)`, where the function defines a subclass and returns it).

A file's own answers come from its facts; a name imported from another project module is asked
of the ClassLookup, which reads that module's facts and answers with these same functions."""

from __future__ import annotations

import ast
from typing import Collection, Dict, Iterable, Optional

from fastapi_conventions_lint.facts.model import ClassLookup, FileFacts, FunctionNode, RouterClass
from fastapi_conventions_lint.facts.names import APIROUTER, FASTAPI_APP

PLAIN_ROUTER = RouterClass(is_app=False)
PLAIN_APP = RouterClass(is_app=True)
_MAX_DEPTH = 8


def factories(functions: Iterable[FunctionNode], classes: Dict[str, RouterClass]) -> Dict[str, RouterClass]:
    """Functions that return a router class (`return _CustomRouter`), by name."""
    found: Dict[str, RouterClass] = {}
    if not classes:
        return found  # the cheap path: most files define no router class
    for function in functions:
        for node in ast.walk(function):
            if isinstance(node, ast.Return) and isinstance(node.value, ast.Name) and node.value.id in classes:
                found.setdefault(function.name, classes[node.value.id])
    return found


def class_aliases(tree: ast.Module) -> Dict[str, ast.expr]:
    """Module-level names bound to a name, an attribute or a call, spelled like a class
    (`Router = APIRouter`, `APIRouter = get_api_router_class(Route)`): what they are is asked
    only when the name is used to make a router."""
    found: Dict[str, ast.expr] = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if (
            isinstance(target, ast.Name)
            and target.id[:1].isupper()
            and isinstance(value, (ast.Name, ast.Attribute, ast.Call))
        ):
            found[target.id] = value
    return found


def class_named(
    facts: FileFacts, name: str, lookup: Optional[ClassLookup], configured: Collection[str], depth: int = 0
) -> Optional[RouterClass]:
    """The router class a module-level name of this file is, if any (imports aside)."""
    if name in facts.router_classes:
        return facts.router_classes[name]
    value = facts.class_aliases.get(name)
    if value is None or depth > _MAX_DEPTH:
        return None
    return class_of(facts, value, lookup, configured, depth + 1)


def class_of(
    facts: FileFacts,
    node: ast.expr,
    lookup: Optional[ClassLookup],
    configured: Collection[str],
    depth: int = 0,
) -> Optional[RouterClass]:
    """The router class an expression of this file names (or makes, for a factory's call);
    other modules are asked only when `lookup` is given."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(node, ast.Call):
        callee = node.func
        if isinstance(callee, ast.Name) and callee.id in facts.router_factories:
            return facts.router_factories[callee.id]
        qualname = facts.imports.qualname(callee)
        if qualname is not None and lookup is not None:
            return lookup.router_factory(qualname)
        return None
    if isinstance(node, ast.Name) and node.id not in facts.imports.bindings:
        return class_named(facts, node.id, lookup, configured, depth)
    qualname = facts.imports.qualname(node)
    if qualname in APIROUTER or qualname in configured:
        return PLAIN_ROUTER
    if qualname in FASTAPI_APP:
        return PLAIN_APP
    if qualname is not None and lookup is not None:
        return lookup.router_class(qualname)
    return None


def may_be_router_class(facts: FileFacts, node: ast.expr) -> bool:
    """Whether another module may say that `node` is a router class (worth asking later)."""
    if isinstance(node, ast.Name) and node.id in facts.class_aliases:
        return True
    return facts.imports.qualname(node) is not None
