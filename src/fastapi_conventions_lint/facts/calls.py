"""Reading a call's arguments and walking code within one scope: what the extractors share."""

from __future__ import annotations

import ast
from typing import Iterable, Iterator, List, Mapping, Optional

from fastapi_conventions_lint.facts.model import Parameter

# What opens a scope of its own: code in it runs when called, not where it is written.
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def keyword(call: ast.Call, name: str) -> Optional[ast.keyword]:
    for item in call.keywords:
        if item.arg == name:
            return item
    return None


def keyword_value(call: ast.Call, name: str) -> Optional[ast.expr]:
    found = keyword(call, name)
    return None if found is None else found.value


def argument(call: ast.Call, position: int, name: str) -> Optional[ast.expr]:
    """The argument given by keyword `name` or at `position` (not through `*args`)."""
    found = keyword(call, name)
    if found is not None:
        return found.value
    if len(call.args) > position and not isinstance(call.args[position], ast.Starred):
        return call.args[position]
    return None


def same_scope(nodes: Iterable[ast.AST]) -> Iterator[ast.AST]:
    """Every node of these, without entering nested functions, lambdas or classes."""
    stack: List[ast.AST] = [node for node in nodes if not isinstance(node, SCOPES)]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, SCOPES))


def parameter_of(function: Optional[ast.AST], node: Optional[ast.expr], top_level: Mapping[str, ast.AST]) -> Optional[Parameter]:
    """The parameter `node` names, when it is a plain name, a parameter of `function`, a
    function of the module's top level (`top_level`: by name), and never bound again in it:
    what the function's callers pass there is what the name stands for."""
    if not isinstance(node, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if top_level.get(function.name) is not function:
        return None
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    names = [argument.arg for argument in positional]
    if node.id in names:
        position: Optional[int] = names.index(node.id)
    elif node.id in [argument.arg for argument in arguments.kwonlyargs]:
        position = None
    else:
        return None
    for inner in ast.walk(function):
        if isinstance(inner, ast.Name) and inner.id == node.id and not isinstance(inner.ctx, ast.Load):
            return None  # rebound (`app = app or FastAPI()`), here or in a nested scope
    return Parameter(function.name, position, node.id)
