"""include_router calls made through a function's parameters, linked through its callers.

`def add_routers(app): app.include_router(users.router)` includes into whatever its callers
pass: `add_routers(app)` in main.py. Of the workspace's files, the index reads those that name
such a function (a glance: a file that comes to name it later matters to the cache), and links
each include whose receiver or router is a parameter to what the function's callers pass there,
when every caller outside the tests passes the same app or router. Anything else (callers that
disagree, an argument that is itself a parameter, a function called through an alias) leaves
the include as it was: on a receiver the project cannot see."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.facts.calls import argument
from fastapi_conventions_lint.facts.model import IncludeFact, Parameter, RouterFact
from fastapi_conventions_lint.project.modules import is_test_module

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.project.index import Module, ProjectIndex



def link_through_parameters(index: "ProjectIndex", done: Set[int]) -> bool:
    """Link the includes made through parameters that are not in `done` (ids; they are added
    to it). True when modules were read on the way: they are to be linked in turn."""
    waiting = [
        (module, include)
        for module in index.modules() if module.facts is not None
        for include in module.facts.includes
        if id(include) not in done and (
            (include.receiver is None and include.receiver_parameter is not None)
            or (include.router is None and include.router_parameter is not None)
        )
    ]
    if not waiting:
        return False
    for _, include in waiting:
        done.add(id(include))
    before = len(list(index.modules()))
    names = sorted({_parameter(include).function for _, include in waiting})
    callers = _modules_naming(index, names)
    for module, include in waiting:
        name = _parameter(include).function
        sites = [
            (caller, call) for caller in callers.get(name, ())
            for call in _calls_named(caller, name)
            if _is_function(index.function_called(caller, call.func), module, name)
        ]
        if include.receiver is None and include.receiver_parameter is not None:
            receiver = _passed(index, sites, include.receiver_parameter)
            if receiver is not None:
                include.receiver = receiver
                receiver.includes.append(include)
        if include.router is None and include.router_parameter is not None:
            router = _passed(index, sites, include.router_parameter)
            if router is not None and not router.is_app:
                include.router = router
                router.included_in.append(include)
    return len(list(index.modules())) > before


def _parameter(include: IncludeFact) -> Parameter:
    return include.receiver_parameter or include.router_parameter  # type: ignore[return-value]


def _modules_naming(index: "ProjectIndex", names: List[str]) -> Dict[str, List["Module"]]:
    """The workspace's modules whose text names each function (read into the index)."""
    words = tuple(name.encode() for name in names)
    found: Dict[str, List["Module"]] = {name: [] for name in names}
    for path in index.layout.files:
        try:
            data = source.glance(path, words)
        except source.NotChecked:
            continue
        if data is None:
            continue
        module = index.module_at(Path(path))
        if module is None or module.facts is None:
            continue
        for name, word in zip(names, words):
            if word in data:
                found[name].append(module)
    return found


def _calls_named(module: "Module", name: str) -> List[ast.Call]:
    """The calls in a module of a callee by that name, or by a name it imports it as
    (`from routing import add_routers as attach`)."""
    facts = module.facts
    if facts is None or facts.tree is None:
        return []
    names = {name} | {bound for bound, qualname in facts.imports.bindings.items() if qualname.rpartition(".")[2] == name}
    return [
        node for node in ast.walk(facts.tree)
        if isinstance(node, ast.Call) and (
            (isinstance(node.func, ast.Name) and node.func.id in names)
            or (isinstance(node.func, ast.Attribute) and node.func.attr == name)
        )
    ]


def _is_function(called: Optional[Tuple["Module", ast.AST]], module: "Module", name: str) -> bool:
    return called is not None and called[0] is module and getattr(called[1], "name", None) == name


def _passed(index: "ProjectIndex", sites: List[Tuple["Module", ast.Call]], parameter: Parameter) -> Optional[RouterFact]:
    """The one router or app every call outside the tests passes for the parameter."""
    home = index.layout.home
    passed: Dict[int, RouterFact] = {}
    for caller, call in sites:
        if is_test_module(caller.name, str(caller.path), home):
            continue
        node = argument(call, parameter.position if parameter.position is not None else len(call.args), parameter.name)
        target = index.resolve(caller, node, call.lineno) if node is not None else None
        if not isinstance(target, RouterFact):
            return None
        passed[id(target)] = target
    return next(iter(passed.values())) if len(passed) == 1 else None
