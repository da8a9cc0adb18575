"""include_router calls made through a function's parameters, linked through its callers.

`def add_routers(app): app.include_router(users.router)` includes into whatever its callers
pass: `add_routers(app)` in main.py. Of the workspace's files, the index reads those that name
such a function (a glance: a file that comes to name it later matters to the cache), and links
each include whose receiver or router is a parameter to what the function's callers pass there.

When every caller outside the tests passes the same app or router, the include is linked as it
stands. When they pass different ones (`include_scoped(app, users_router)`,
`include_scoped(app, items_router)`), the include becomes one include per router or app
passed, all made by the one call (IncludeFact.for_callers_of), as a loop over routers makes
them. A caller whose argument cannot be resolved (itself a parameter, a run-time value) leaves
that side of the include as it was: on a receiver, or of a router, the project cannot see.

Routes registered on a parameter declared a FastAPI app or router (`def register(router:
APIRouter): @router.get(...)`, RouteFact.receiver_parameter) are linked the same way: to what
every caller passes, or one copy per receiver (RouteFact.for_callers_of), each made where its
call is (RouteFact.made_at). So are those made on `self.app` where a class's `__init__` binds
it to its parameter (Parameter.of_class): through the calls of the class, those whose instance
runs the registering method (Parameter.method)."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.facts.calls import argument
from fastapi_conventions_lint.facts.model import IncludeFact, Parameter, RouteFact, RouterFact
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
    routes = [
        (module, route)
        for module in index.modules() if module.facts is not None
        for route in module.facts.routes
        if id(route) not in done and route.receiver is None and route.receiver_parameter is not None
    ]
    if not waiting and not routes:
        return False
    for _, fact in (*waiting, *routes):
        done.add(id(fact))
    before = len(list(index.modules()))
    names = sorted(
        {_parameter(include).function for _, include in waiting}
        | {route.receiver_parameter.function for _, route in routes}  # type: ignore[union-attr]
    )
    callers = _modules_naming(index, names)

    def sites_of(module: "Module", parameter: Parameter) -> List[Tuple["Module", ast.Call]]:
        name = parameter.function
        return [
            (caller, call) for caller in callers.get(name, ())
            for call in _calls_named(caller, name)
            if _is_function(index.function_called(caller, call.func, parameter.of_class), module, name)
            and not is_test_module(caller.name, str(caller.path), index.layout.home)
            and (parameter.method is None or _method_called(caller, call, parameter.method))
        ]

    for module, route in routes:
        _link_route(index, module, route, sites_of(module, route.receiver_parameter), done)  # type: ignore[arg-type]
    for module, include in waiting:
        name = _parameter(include).function
        sites = sites_of(module, _parameter(include))
        linked = _linked_per_site(index, sites, include)
        if len(linked) == 1:
            _attach(include, *linked[0])
        elif linked:
            copies = [replace(include, for_callers_of=name) for _ in linked]
            _replace(module.facts.includes, include, copies)  # type: ignore[union-attr]
            if include.receiver is not None:
                _replace(include.receiver.includes, include, copies)
            if include.router is not None:
                _replace(include.router.included_in, include, copies)
            for copy, link in zip(copies, linked):
                done.add(id(copy))
                _attach(copy, *link)
    return len(list(index.modules())) > before


def _link_route(
    index: "ProjectIndex", module: "Module", route: RouteFact, sites: List[Tuple["Module", ast.Call]], done: Set[int],
) -> None:
    """Give a route registered on a parameter the app or router each call passes there: the
    route itself when every call passes the same, else one copy per receiver (RouteFact.for_callers_of);
    nothing when a call passes what the project cannot resolve."""
    receivers = _passed(index, sites, route.receiver_parameter)
    if receivers is None:
        return
    linked: List[Tuple[RouterFact, Tuple[str, int, int]]] = []
    for receiver, (caller, call) in zip(receivers, sites):
        if not any(receiver is seen for seen, _ in linked):
            linked.append((receiver, (str(caller.path), call.lineno, call.col_offset)))
    copies = [route] if len(linked) == 1 else [
        replace(route, for_callers_of=route.receiver_parameter.function) for _ in linked  # type: ignore[union-attr]
    ]
    if len(copies) > 1:
        _replace(module.facts.routes, route, copies)  # type: ignore[arg-type,union-attr]
    for copy, (receiver, called_at) in zip(copies, linked):
        done.add(id(copy))
        copy.receiver, copy.made_at = receiver, called_at
        receiver.routes_elsewhere += 1


def _parameter(include: IncludeFact) -> Parameter:
    return include.receiver_parameter or include.router_parameter  # type: ignore[return-value]


def _modules_naming(index: "ProjectIndex", names: List[str]) -> Dict[str, List["Module"]]:
    """The workspace's modules whose text names each function (read into the index)."""
    words = tuple(name.encode() for name in names)
    found: Dict[str, List["Module"]] = {name: [] for name in names}
    walked = set(index.layout.files)
    # Loose files (no workspace: no packaging file, no repository) are the run's own, in the index.
    loose = sorted(str(module.path) for module in index.modules() if str(module.path) not in walked)
    for path in (*index.layout.files, *loose):
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


def _method_called(module: "Module", made: ast.Call, method: str) -> bool:
    """Whether the module calls the method on the instance a constructor call makes: on the
    call itself (`Api(app).register_routes()`) or on the one name it is bound to (`api =
    Api(app)`, then `api.register_routes()`)."""
    tree = module.facts.tree if module.facts is not None else None
    if tree is None:
        return False
    names = {
        node.targets[0].id for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and node.value is made
        and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
    }
    return any(
        isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == method
        and (node.func.value is made or (isinstance(node.func.value, ast.Name) and node.func.value.id in names))
        for node in ast.walk(tree)
    )


def _is_function(called: Optional[Tuple["Module", ast.AST]], module: "Module", name: str) -> bool:
    return called is not None and called[0] is module and getattr(called[1], "name", None) == name


def _linked_per_site(
    index: "ProjectIndex", sites: List[Tuple["Module", ast.Call]], include: IncludeFact,
) -> List[Tuple[Optional[RouterFact], Optional[RouterFact], Tuple[str, int, int]]]:
    """The distinct (receiver, router) pairs the calls give the include, in the order of the
    calls, each with the first call giving it; a side that some call leaves unresolved stays
    as it is in every pair. Empty when no side is given by every call."""
    receivers = _passed(index, sites, include.receiver_parameter) if include.receiver is None else None
    routers = _passed(index, sites, include.router_parameter) if include.router is None else None
    if routers is not None and any(router.is_app for router in routers):
        routers = None  # an app cannot be included
    if receivers is None and routers is None:
        return []
    pairs: List[Tuple[Optional[RouterFact], Optional[RouterFact], Tuple[str, int, int]]] = []
    for number, (caller, call) in enumerate(sites):
        receiver = receivers[number] if receivers is not None else include.receiver
        router = routers[number] if routers is not None else include.router
        if not any(receiver is seen[0] and router is seen[1] for seen in pairs):
            pairs.append((receiver, router, (str(caller.path), call.lineno, call.col_offset)))
    return pairs


def _passed(
    index: "ProjectIndex", sites: List[Tuple["Module", ast.Call]], parameter: Optional[Parameter],
) -> Optional[List[RouterFact]]:
    """The router or app each call passes for the parameter; None when the include does not
    take it from a parameter, there is no call, or a call passes something else."""
    if parameter is None or not sites:
        return None
    passed: List[RouterFact] = []
    for caller, call in sites:
        node = argument(call, parameter.position if parameter.position is not None else len(call.args), parameter.name)
        target = index.resolve(caller, node, call.lineno) if node is not None else None
        if not isinstance(target, RouterFact):
            return None
        passed.append(target)
    return passed


def _attach(
    include: IncludeFact, receiver: Optional[RouterFact], router: Optional[RouterFact], called_at: Tuple[str, int, int],
) -> None:
    """Link the include to a receiver and a router found for it (those it had stay), made
    where the function making it is called."""
    include.made_at = called_at
    if include.receiver is None and receiver is not None:
        include.receiver = receiver
        receiver.includes.append(include)
    if include.router is None and router is not None:
        include.router = router
        router.included_in.append(include)


def _replace(facts: list, fact: object, copies: list) -> None:
    """Put the copies where the include (or route) stands in the list."""
    for number, kept in enumerate(facts):
        if kept is fact:
            facts[number:number + 1] = copies
            return
