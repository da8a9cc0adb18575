"""Routers a module's top-level functions return: those they make (router factories), and
those they are given (builders).

    def get_items_router(service) -> APIRouter:
        router = APIRouter()

        @router.get("/items")
        def list_items(): ...

        return router

    app.include_router(get_items_router(service), prefix="/v1", tags=["items"])

Each call of such a function makes a router of its own. The project index resolves a call of
it (`get_items_router(...)`, `routers.get_items_router(...)`, or a name bound to one) to the
router its body makes, so that an include of the call is linked like an include of a name
(project/index.py). What the function may return besides is not guessed: every `return` of it
must give the same router.

    def include_routers(router: APIRouter) -> APIRouter:
        router.include_router(users_router)
        return router

    tenant_router = include_routers(APIRouter(prefix="/{tenant_slug}"))

A function that includes into (or includes) one of its parameters and returns that parameter
gives back what its caller passes: the index resolves such a call to the argument."""

from __future__ import annotations

import ast
from typing import Dict, Iterable, List, Mapping, Optional

from fastapi_conventions_lint.facts.calls import parameter_of, same_scope
from fastapi_conventions_lint.facts.model import FunctionNode, Parameter, RouterFact


def returned_routers(
    functions: Iterable[FunctionNode],
    top_level: Mapping[str, FunctionNode],
    routers_by_name: Mapping[str, List[RouterFact]],
    constructed: Mapping[int, RouterFact],
) -> Dict[str, RouterFact]:
    """The top-level functions (by name) whose every `return` gives one router they make.
    A router any function, nested or not, makes and returns is marked `returned_by` it: each
    call makes one (a decorator's inner function handing a router to a plugin loader is one)."""
    made_in: Dict[str, RouterFact] = {}
    calls = [router.call.lineno for router in constructed.values()]
    for function in functions:
        end = function.end_lineno or function.lineno
        if not any(function.lineno <= line <= end for line in calls):
            continue  # the cheap test: no router is made in its lines
        router = _returned(function, routers_by_name, constructed)
        if router is None:
            continue
        router.returned_by = function.name
        if top_level.get(function.name) is function:
            made_in[function.name] = router
    return made_in


def _returned(
    function: FunctionNode, routers_by_name: Mapping[str, List[RouterFact]], constructed: Mapping[int, RouterFact]
) -> Optional[RouterFact]:
    found: Optional[RouterFact] = None
    end = function.end_lineno or function.lineno
    for node in same_scope(function.body):
        if not isinstance(node, ast.Return):
            continue
        value = node.value
        router: Optional[RouterFact] = None
        if isinstance(value, ast.Call):
            router = constructed.get(id(value))
        elif isinstance(value, ast.Name):
            made_before = [
                made for made in routers_by_name.get(value.id, ())
                if function.lineno <= made.call.lineno <= min(end, node.lineno)
            ]
            router = max(made_before, key=lambda made: made.call.lineno) if made_before else None
        if router is None or (found is not None and router is not found):
            return None  # something else, or another router, is returned here
        found = router
    return found


def returned_parameters(names: Iterable[str], top_level: Mapping[str, FunctionNode]) -> Dict[str, Parameter]:
    """Of the top-level functions named, those whose every `return` gives one and the same
    parameter, never bound again (by name)."""
    found: Dict[str, Parameter] = {}
    for name in names:
        function = top_level.get(name)
        if function is None:
            continue
        returned: Optional[Parameter] = None
        for node in same_scope(function.body):
            if not isinstance(node, ast.Return):
                continue
            parameter = parameter_of(function, node.value, top_level)
            if parameter is None or (returned is not None and parameter != returned):
                returned = None
                break
            returned = parameter
        if returned is not None:
            found[name] = returned
    return found
