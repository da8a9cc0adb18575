"""The routes of an app in the order FastAPI registers them, each with where it is declared and
the statements that must run for it to be served: what FCL007 (the same path twice) and FCL010
(a path an earlier route catches) compare."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field, replace
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint.facts.model import RouteFact, RouterFact
from fastapi_conventions_lint.project.index import Module
from fastapi_conventions_lint.project.routes import Route, RouteTable, TooManyRoutes
from fastapi_conventions_lint.rules._whole_app import Site, WholeApp, made_on, one_object


# Rows of one app's table beyond which its routes are not compared (a real app has hundreds;
# an include graph doubling at each level reaches 2**n).
MAX_ROWS = 20_000


@dataclass(eq=False)
class Registration:
    """One row of an app's route table, with where it is declared and how it is reached."""

    row: Route
    module: Module
    route: RouteFact
    handler: tuple  # the same handler (a copy of a router included twice) has the same value
    node: Optional[ast.AST]  # the handler's `def`, when it is in the module
    key: tuple  # the order FastAPI registers it in (the row's own include chain)
    sites: List[List[Site]]  # per include chain: the statements that must all run for it
    # The order of registration by include chain (ids of its includes), for the rows of a
    # router included more than once.
    keys: Dict[Tuple[int, ...], tuple] = field(default_factory=dict, repr=False)
    # Per include chain, as `sites`: the object the app is when a function binds it to a
    # call's result (`app = make_app()`): (file, line, column) of the call; None when it is
    # the app itself.
    instances: List[Optional[tuple]] = field(default_factory=list, repr=False)

    @property
    def methods(self) -> Sequence[str]:
        """The methods it answers, websockets as "WEBSOCKET"; methods not known statically
        (a marker such as "{?}") are left out: they are not compared."""
        if self.row.kind != "http":
            return ("WEBSOCKET",)
        return [method for method in self.row.methods if method.isalpha()]


class Registrations:
    """The registrations of each app of the project, computed once per run and shared by the
    rules that compare routes (`for_index`)."""

    def __init__(self, whole: WholeApp) -> None:
        self.whole = whole
        # Dependencies only when a rule asks about them (FCL012 with required-dependencies).
        self.table = RouteTable(whole.index, dependencies=bool(whole.index.settings.required_dependencies))
        self._by_file: Dict[str, Module] = {str(module.path): module for module in whole.modules()}
        self._of: Dict[int, List[Registration]] = {}

    @classmethod
    def for_index(cls, index) -> "Registrations":
        found = index.shared.get("registrations")
        if found is None:
            found = index.shared["registrations"] = cls(WholeApp(index))
        return found  # type: ignore[return-value]

    def of(self, app: RouterFact, resolved_only: bool = True) -> List[Registration]:
        """The served routes of `app` (with static paths only, unless told otherwise), in
        FastAPI's registration order."""
        if id(app) not in self._of:
            self._of[id(app)] = self._all(app)
        return [r for r in self._of[id(app)] if r.row.resolved or not resolved_only]

    def _all(self, app: RouterFact) -> List[Registration]:
        """Linear in the table's rows: what a declared route needs is worked out once, however
        many include chains copy it, and a copy of a row (the same handler, methods and path)
        adds nothing to compare. A table beyond MAX_ROWS is not compared at all."""
        try:
            rows = self.table.routes(app, limit=MAX_ROWS)
        except TooManyRoutes:
            return []
        chains = self.whole.chains(app)
        declared: Dict[tuple, Optional[Registration]] = {}
        copies: set = set()
        found = []
        for order, row in enumerate(rows):
            if row.kind not in ("http", "websocket"):
                continue
            where = (row.file, row.line, row.router)
            copy = (where, row.kind, tuple(row.methods), row.path)
            if copy in copies:
                continue
            copies.add(copy)
            if where not in declared:
                declared[where] = self._registration(chains, row)
            model = declared[where]
            if model is not None:
                registration = model if model.row is row else replace(
                    model, row=row, key=model.keys.get(row.through, model.key),
                )
                found.append((registration.key, order, registration))
        found.sort(key=lambda item: item[:2])
        return [registration for _, _, registration in found]

    def always_before(self, earlier: Registration, later: Registration) -> bool:
        """Whether `earlier` is served, ahead of `later`, whenever `later` is: not a copy of
        the same handler (a router included twice), and for each way `later` is registered,
        a way `earlier` is that neither excludes it (the other branch of an `if`) nor depends
        on a condition it does not (an `if` only `earlier` is under: when it is false,
        `later` is reached)."""
        if earlier.handler == later.handler:
            return False
        whole = self.whole
        return all(
            any(
                one_object(made, used) and not whole.exclusive_any(one, other) and whole.runs_whenever(one, other)
                for one, made in zip(earlier.sites, earlier.instances)
            )
            for other, used in zip(later.sites, later.instances)
        )

    def node_of(self, registration: Registration) -> ast.AST:
        """Where to report a registration: its handler's `def`, else the registering call's
        receiver (add_api_route with a lambda or an imported endpoint)."""
        node = registration.node or self._def_at(registration)
        return node if node is not None else registration.route.receiver_node

    def _registration(self, chains, row: Route) -> Optional[Registration]:
        whole, table = self.whole, self.table
        module = self._by_file.get(row.file)
        if module is None or module.facts is None:
            return None
        declared = [
            route for route in module.facts.routes
            if route.line == row.line and route.receiver is not None
            and table.name_of(route.receiver) == row.router
        ]
        if not declared:
            return None
        route = declared[0]
        receiver = route.receiver
        node = None
        for handler in module.facts.handlers:
            function = handler.node
            if function.name == route.endpoint and (
                function.lineno == route.line or handler.method == "add_api_route"
            ):
                node = function
                break
        handler_id = (str(module.path), node.lineno if node is not None else route.endpoint)
        home = whole.route_key(module, route)
        ways: Sequence[tuple] = [
            chain for chain in chains.get(id(receiver)) or [()]
            # A registration that never runs (`if TYPE_CHECKING:`, `with pytest.raises(...)`)
            # serves nothing; one include chain of those is enough.
            if not any(whole.never_runs(whole.include_site(include)) for include in chain)
        ]
        # Made by a function on what its callers pass: where it is called, and in it.
        own = list(dict.fromkeys([whole.route_site(module, route), (module, route.line)]))
        if not ways or any(whole.never_runs(site) for site in own):
            return None
        keys = {
            tuple(id(include) for include in chain): tuple(whole.include_key(include) for include in chain) + (home,)
            for chain in ways
        }
        sites = [[whole.include_site(include) for include in chain] + own for chain in ways]
        instances = [self._instance(module, route, chain) for chain in ways]
        return Registration(
            row, module, route, handler_id, node, keys.get(row.through, min(keys.values())), sites, keys, instances,
        )

    @staticmethod
    def _instance(module: Module, route: RouteFact, chain: tuple) -> Optional[tuple]:
        """The object the app is where the registration reaches it (`made_on`): at the first
        include of the chain, or at the route itself when it is made on the app."""
        return made_on(chain[0].path, chain[0]) if chain else made_on(str(module.path), route)

    def _def_at(self, registration: Registration) -> Optional[ast.AST]:
        """The decorated function at the registration's line, found in the module's tree."""
        tree = self.whole.tree(registration.module)
        if tree is None:
            return None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno == registration.route.line:
                return node
        return None
