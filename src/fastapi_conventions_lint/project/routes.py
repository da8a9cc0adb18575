"""The application's static route table: every route reached from an app through its
include_router chains, with the full path FastAPI would serve.

FastAPI builds a route's path as parent prefix + include prefix + router prefix + route path
at each include, and its tags as parent tags + include tags + router tags + route tags; the
walk below composes them the same way. What cannot be resolved statically (a path built at
run time, an include whose router lives outside the project, a mounted application) is listed
with a marker rather than dropped."""

from __future__ import annotations

import ast
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.facts.app_urls import own_pages
from fastapi_conventions_lint.facts.calls import argument, keyword_value
from fastapi_conventions_lint.facts.model import IncludeFact, RouteFact, RouterFact
from fastapi_conventions_lint.report.common import printable
from fastapi_conventions_lint.report.table import Column, Fitted, fit
from fastapi_conventions_lint.facts.values import PrefixValue, bound_expression
from fastapi_conventions_lint.project.dependencies import Dependency, DependencyReader
from fastapi_conventions_lint.project.index import Module, ProjectIndex
from fastapi_conventions_lint.project.modules import is_test_module
from fastapi_conventions_lint.project.setting_defaults import SettingDefaults
from fastapi_conventions_lint.project.statements import conditions_at

UNRESOLVED = "{?}"  # stands for a part of a path that is not known statically


@dataclass(frozen=True)
class Route:
    methods: Tuple[str, ...]  # () for websockets and mounts
    path: str
    endpoint: str  # module.function
    file: str
    line: int
    tags: Tuple[str, ...]
    router: str  # module:variable of the router the route was declared on
    # "http", "websocket", "mount", "include" (an unresolved include), "starlette" (a plain
    # Starlette route: `add_route`) or "docs" (a page FastAPI serves by itself: the OpenAPI
    # schema, Swagger UI, its OAuth2 redirect, ReDoc)
    kind: str = "http"
    resolved: bool = True
    include_in_schema: bool = True
    # Its effective dependencies: the app's, every include's and router's on the way, the
    # route's decorator's and its parameters', in that order, each with where it is defined.
    requires: Tuple[Dependency, ...] = field(default=(), compare=False, repr=False)
    # The tests of the `if` statements around the includes that bring it in (as written).
    conditions: Tuple[str, ...] = ()
    # Its path uses a settings object's class default (`settings.API_V1_STR`), which the
    # environment may override.
    setting_default: bool = False
    # The include_router calls that bring it in, from the app down (ids of IncludeFacts): a
    # router included twice has a row for each way.
    through: Tuple[int, ...] = field(default=(), compare=False, repr=False)

    @property
    def dependencies(self) -> Tuple[str, ...]:
        """The effective dependencies by name (`module:function`)."""
        return tuple(dependency.name for dependency in self.requires)


@dataclass(frozen=True)
class _Path:
    text: str
    resolved: bool
    setting_default: bool = False

    def __add__(self, other: "_Path") -> "_Path":
        return _Path(
            self.text + other.text, self.resolved and other.resolved,
            self.setting_default or other.setting_default,
        )


def _part(value: PrefixValue) -> _Path:
    if value.absent:
        return _Path("", True)
    resolved = value.resolved
    if resolved is not None:
        return _Path(resolved, True)
    return _Path("".join(p.text if p.known else UNRESOLVED for p in value.parts), False)  # type: ignore[misc]


def _tags(values: Optional[Tuple[str, ...]]) -> Tuple[str, ...]:
    """Tags as the facts know them; tags not known statically show as one marker."""
    return (UNRESOLVED,) if values is None else values


def _in_schema(router: RouterFact) -> bool:
    """False for `APIRouter(include_in_schema=False)` / `FastAPI(include_in_schema=False)`:
    FastAPI hides the router's routes and everything included into it."""
    node = keyword_value(router.call, "include_in_schema")
    return not (isinstance(node, ast.Constant) and node.value is False)


class RouteTable:
    """The route table of each app. `detail`: also what only the `routes` command shows (the
    conditions around includes, prefixes from settings objects' class defaults), which costs
    parsing the modules that include routers again. `dependencies`: each route's effective
    dependencies (`detail` implies them)."""

    def __init__(self, index: ProjectIndex, detail: bool = False, dependencies: bool = False) -> None:
        self.index = index
        self.detail = detail
        self.with_dependencies = dependencies or detail
        self.dependencies = DependencyReader(index)
        self._defaults = SettingDefaults(index)
        self._trees: Dict[str, Optional[ast.Module]] = {}
        self._declared: Dict[int, List[Tuple[Module, RouteFact]]] = defaultdict(list)
        self._mounts: Dict[int, List[Tuple[Module, object]]] = defaultdict(list)
        self._include_module: Dict[int, Module] = {}
        for module in index.modules():
            if module.facts is None:
                continue
            for include in module.facts.includes:
                self._include_module[id(include)] = module
            for route in module.facts.routes:
                if route.receiver is not None:
                    self._declared[id(route.receiver)].append((module, route))
            for mount in module.facts.mounts:
                if mount.receiver is not None:
                    self._mounts[id(mount.receiver)].append((module, mount))

    def _resolved_tags(
        self, known: Optional[Tuple[str, ...]], call: ast.Call, module: Optional[Module]
    ) -> Tuple[str, ...]:
        """Tags the facts could not read (`tags=[NAME]`, `tags=TAGS`): their elements resolved
        through the module's own constants, as prefixes are; a marker for what stays unknown."""
        if known is not None:
            return known
        facts = module.facts if module is not None else None
        node = keyword_value(call, "tags")
        for _ in range(8):  # `tags=TAGS`, `TAGS = COMMON`, ...
            if facts is None or not isinstance(node, ast.Name):
                break
            node = bound_expression(facts.bindings, node.id)
        if facts is None or not isinstance(node, (ast.List, ast.Tuple)):
            return (UNRESOLVED,)
        values = []
        for element in node.elts:
            value = None if isinstance(element, ast.Starred) else facts.resolver.value(element).resolved
            values.append(UNRESOLVED if value is None else value)
        return tuple(values)

    def _router_tags(self, router: RouterFact) -> Tuple[str, ...]:
        if router.is_app:
            return ()
        return self._resolved_tags(router.tag_values, router.call, self.index.module_of(router))

    def _include_tags(self, include: IncludeFact) -> Tuple[str, ...]:
        return self._resolved_tags(include.tags, include.call, self._include_module.get(id(include)))

    def unattached(self) -> List[Tuple[Module, IncludeFact]]:
        """include_router calls on a receiver that cannot be resolved statically (a function's
        parameter, say): what they include is not in any table."""
        return sorted(
            ((module, include) for module in self.index.modules() if module.facts is not None
             for include in module.facts.includes if include.receiver is None),
            key=lambda item: (str(item[0].path), item[1].call.lineno),
        )

    def name_of(self, router: RouterFact) -> str:
        module = self.index.module_of(router)
        where = module.name if module else "?"
        return f"{where}:{router.var or f'<line {router.call.lineno}>'}"

    def routes(self, app: RouterFact, limit: Optional[int] = None) -> List[Route]:
        """The app's table, in FastAPI's order. With `limit`, TooManyRoutes when it would hold
        more rows than that (an include graph that doubles at each level reaches 2**n)."""
        found: List[Route] = self.own_pages(app)
        requires = () if self.with_dependencies else None
        self._walk(app, found, set(), requires, limit=limit)
        return found

    def own_pages(self, app: RouterFact) -> List[Route]:
        """FastAPI's own pages of the app, added before any route of the app's code: a page
        whose URL (or the schema's) is decided at run time is listed as not static."""
        module = self.index.module_of(app)
        call = app.call
        unknown = app.custom_init or any(keyword.arg is None for keyword in call.keywords)

        def resolve(node: ast.expr) -> Optional[str]:
            return self._defaults.value(module, node) if self.detail else None

        return [
            Route(
                ("GET", "HEAD"), url if url is not None else UNRESOLVED, f"<FastAPI {page}>",
                str(module.path) if module else "?", call.lineno, (), self.name_of(app),
                kind="docs", resolved=sure, include_in_schema=False, setting_default=from_setting,
            )
            for page, url, sure, from_setting in own_pages(call, unknown, resolve)
        ]

    def routers_served(self, apps: Sequence[RouterFact]) -> Set[int]:
        """The routers (and apps) the walk of `routes` goes through from these apps, by id:
        every router with a row in the table, and every aggregator on the way (each walked
        once, however many include chains reach it)."""
        served: Set[int] = set()
        for app in apps:
            self._walk(app, [], served, None, once=True)
        return served

    def _prefix(self, value: PrefixValue, node: Optional[ast.expr], module: Optional[Module]) -> _Path:
        """A prefix or path; with `detail`, one the facts could not resolve is read through
        settings objects' class defaults."""
        found = _part(value)
        if found.resolved or not self.detail:
            return found
        default = self._defaults.value(module, node)
        return found if default is None else _Path(default, True, True)

    def _conditions(self, module: Optional[Module], line: int) -> Tuple[str, ...]:
        if not self.detail or module is None:
            return ()
        key = str(module.path)
        kept = module.tree
        if kept is not None:
            return conditions_at(kept, line)
        if key not in self._trees:
            try:
                self._trees[key] = ast.parse(source.decode(source.read_bytes(key)), filename=key)
            except (source.NotChecked, OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                self._trees[key] = None
        tree = self._trees[key]
        return () if tree is None else conditions_at(tree, line)

    def _route_dependencies(self, module: Module, route: RouteFact) -> Tuple[Dependency, ...]:
        if route.call is None:
            return ()
        return self.dependencies.of_call(module, route.call) + self.dependencies.of_function(module, route.function)

    def _walk(
        self,
        app: RouterFact,
        found: List[Route],
        walked: Set[int],
        requires: Optional[Tuple[Dependency, ...]],  # None: not asked for
        limit: Optional[int] = None,
        once: bool = False,
    ) -> None:
        """The rows of the app's table, depth first in include order, with an explicit stack
        (an include chain may be thousands of routers deep). `once`: a router already walked
        is not walked again (only `walked` is wanted)."""
        stack: List[object] = [_Visit(app, _Path("", True), (), True, (id(app),), requires, ())]
        while stack:
            item = stack.pop()
            if isinstance(item, Route):
                found.append(item)
            else:
                if once and id(item.router) in walked:  # type: ignore[attr-defined]
                    continue
                stack.extend(reversed(self._visit(item, found, walked)))  # type: ignore[arg-type]
            if limit is not None and len(found) > limit:
                raise TooManyRoutes(limit)

    def _visit(self, visit: "_Visit", found: List[Route], walked: Set[int]) -> List[object]:
        """Add one router's own rows; return what comes next, in order: a row for each include
        that cannot be followed, a visit for each that can."""
        router, outer, tags, in_schema, chain, requires, conditions = (
            visit.router, visit.outer, visit.tags, visit.in_schema, visit.chain, visit.requires,
            visit.conditions,
        )
        walked.add(id(router))
        home = self.index.module_of(router)
        if requires is not None:
            requires = requires + self.dependencies.of_call(home, router.call)
        base = outer if router.is_app else outer + self._prefix(router.prefix, router.prefix_node, home)
        router_tags = tags + self._router_tags(router)
        in_schema = in_schema and _in_schema(router)
        name = self.name_of(router)
        for module, route in sorted(self._declared[id(router)], key=lambda item: (item[0].name, item[1].line)):
            path = base + self._prefix(route.path, route.path_node, module)
            needs = () if requires is None else requires + self._route_dependencies(module, route)
            found.append(Route(
                methods=route.methods,
                path=path.text,
                endpoint=f"{module.name}.{route.endpoint}",
                file=str(module.path),
                line=route.line,
                tags=router_tags + _tags(route.tags),
                router=name,
                kind="websocket" if route.websocket else "starlette" if route.starlette else "http",
                resolved=path.resolved,
                include_in_schema=in_schema and route.include_in_schema and not route.starlette,
                requires=needs,
                conditions=conditions,
                setting_default=path.setting_default,
                through=visit.through,
            ))
        for module, mount in self._mounts[id(router)]:
            # Starlette's `router.mount` does not apply the router's own prefix: the mount is
            # served under the router's include path only.
            path = outer + _part(mount.path)  # type: ignore[attr-defined]
            found.append(Route(
                (), path.text, "<mounted application>", str(module.path), mount.line,  # type: ignore[attr-defined]
                (), name, kind="mount", resolved=path.resolved, conditions=conditions,
                setting_default=path.setting_default,
            ))
        following: List[object] = []
        for include in sorted(router.includes, key=lambda i: i.registration_order):
            module = self._include_module.get(id(include))
            inner = base + self._prefix(include.prefix, include.prefix_node, module)
            child = include.router
            under = conditions + self._conditions(module, include.call.lineno)
            if child is None or id(child) in chain:
                following.append(Route(
                    (), inner.text + UNRESOLVED, "<include_router: router not resolved>",
                    str(module.path) if module else "?", include.call.lineno, (), name,
                    kind="include", resolved=False, conditions=under,
                    setting_default=inner.setting_default,
                ))
                continue
            following.append(_Visit(
                child, inner, router_tags + self._include_tags(include),
                in_schema and include.include_in_schema, chain + (id(child),),
                None if requires is None else requires + self.dependencies.of_call(module, include.call),
                under, visit.through + (id(include),),
            ))
        return following


class TooManyRoutes(Exception):
    """The table would hold more rows than the caller's limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the route table has more than {limit:,} rows")


@dataclass(frozen=True)
class _Visit:
    """A router to walk, with what its include chain gives it."""

    router: RouterFact
    outer: "_Path"
    tags: Tuple[str, ...]
    in_schema: bool
    chain: Tuple[int, ...]  # ids of the routers on the way, the router's own last
    requires: Optional[Tuple[Dependency, ...]]
    conditions: Tuple[str, ...]
    through: Tuple[int, ...] = ()  # ids of the includes on the way


def choose_app(
    index: ProjectIndex, wanted: Optional[str], within: Optional[str] = None
) -> Tuple[Optional[RouterFact], List[str]]:
    """The app to list (by `module:name` when given), or None with the candidates' names.
    `within`: the directory or file the user named; apps there are preferred."""
    table = RouteTable(index)
    apps = sorted(index.apps(), key=lambda app: (table.name_of(app), app.call.lineno))
    named = _app_names(table, index, apps)
    names = [named[id(app)] for app in apps]
    if wanted:
        chosen = [app for app in apps if _is_named(index, app, named[id(app)], wanted)]
        return (chosen[0] if len(chosen) == 1 else None), names
    if within is not None:
        inside = [app for app in apps if _under(index, app, within)]
        if inside and len(inside) < len(apps):
            chosen, _ = _only_app(table, inside)
            if chosen is not None:
                return chosen, names
    # A test's app is seldom the one meant: the others first. Among those, when several
    # include routers, an app another app serves is part of that app (a mounted API that
    # alone includes routers stays the one listed: the table does not enter mounts).
    narrowed = [app for app in apps if not _in_tests(index, app)] or apps
    chosen, _ = _only_app(table, narrowed)
    if chosen is None and len(narrowed) > 1:
        served_by_another = _served_by_another_app(index)
        narrowed = [app for app in narrowed if id(app) not in served_by_another] or narrowed
        chosen, _ = _only_app(table, narrowed)
    if chosen is None and len(narrowed) < len(apps):
        chosen, _ = _only_app(table, apps)
    if chosen is None:  # the likelier candidates first in what the user is told
        names = [named[id(app)] for app in narrowed] + [named[id(app)] for app in apps if app not in narrowed]
    return chosen, names


def _app_names(table: "RouteTable", index: ProjectIndex, apps: Sequence[RouterFact]) -> Dict[int, str]:
    """Each app's name for `--app` (by id): `module:variable`, or, for apps that share it
    (examples of one project, each an `app/app.py`), the file's path and the variable."""
    def told_apart(names: Dict[int, str], longer) -> Dict[int, str]:
        counts = Counter(names.values())
        return {id(app): longer(app, names[id(app)]) if counts[names[id(app)]] > 1 else names[id(app)] for app in apps}

    def by_file(app: RouterFact, name: str) -> str:
        module = index.module_of(app)
        return name if module is None else f"{printable(os.path.relpath(module.path))}:{name.rpartition(':')[2]}"

    named = told_apart({id(app): table.name_of(app) for app in apps}, by_file)
    # Several apps of one variable in one file (a test's functions each make an `app`): its line.
    return told_apart(named, lambda app, name: f"{name}:{app.call.lineno}")


def _is_named(index: ProjectIndex, app: RouterFact, name: str, wanted: str) -> bool:
    """Whether `--app` names the app: by its name, or by its file's path (as the shell spells
    it) and its variable."""
    if wanted == name:
        return True
    path, _, variable = wanted.rpartition(":")
    line = None
    if variable.isdigit():
        line = int(variable)
        path, _, variable = path.rpartition(":")
    module = index.module_of(app)
    return (
        path.endswith(".py") and module is not None and variable == (app.var or "")
        and (line is None or line == app.call.lineno)
        and os.path.realpath(path) == os.path.realpath(str(module.path))
    )


def _served_by_another_app(index: ProjectIndex) -> Set[int]:
    """The apps another app serves, as Starlette lets it: `app.mount("/admin", admin_app)`,
    `app.host("admin.example.com", admin_app)` (ids)."""
    served: Set[int] = set()
    for module in index.modules():
        tree = module.facts.tree if module.facts is not None else None
        if tree is None:
            continue
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("mount", "host")):
                continue
            app = argument(node, 1, "app")
            if app is None:
                continue
            receiver = index.resolve(module, node.func.value, node.lineno)
            target = index.resolve(module, app, node.lineno)
            if _is_app(receiver) and _is_app(target) and target is not receiver:
                served.add(id(target))
    return served


def _is_app(target: object) -> bool:
    return isinstance(target, RouterFact) and target.is_app


def _in_tests(index: ProjectIndex, app: RouterFact) -> bool:
    """Whether the app is made in a test module (by its name, or its path in the project:
    a `tests/` folder need not be a package)."""
    module = index.module_of(app)
    return module is not None and is_test_module(module.name, str(module.path), index.layout.home)


def _under(index: ProjectIndex, app: RouterFact, within: str) -> bool:
    module = index.module_of(app)
    if module is None:
        return False
    path, root = str(module.path), os.path.realpath(within)
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _only_app(table: RouteTable, apps: List[RouterFact]) -> Tuple[Optional[RouterFact], None]:
    if len(apps) == 1:
        return apps[0], None
    # Several apps: the one that includes routers, when only one does; else the one that
    # includes or mounts (a mounted sub-app mounts nothing itself, as a rule).
    including = [app for app in apps if app.includes]
    if len(including) == 1:
        return including[0], None
    if not including:
        mounting = [app for app in apps if table._mounts[id(app)]]
        if len(mounting) == 1:
            return mounting[0], None
    return None, None


def _marks(route: Route) -> str:
    """What a path cell says besides the path: not static, a setting's default, a condition."""
    marks = "" if route.resolved else "  (not static)"
    if route.setting_default:
        marks += "  (a setting's default)"
    if route.conditions:
        marks += f"  (if {' and '.join(route.conditions)})"
    return marks


def format_text(routes: Sequence[Route], width: Optional[int] = None) -> Fitted:
    """The table, in `width` characters a line when given: ROUTER, then TAGS, are left out,
    then ENDPOINT and WHERE cut (keeping the function's name and the file's), PATH last."""
    from fastapi_conventions_lint.report.common import display_path

    columns = (
        Column("METHODS", cut_rank=0), Column("PATH", cut_rank=2), Column("ENDPOINT", keep_end=True, min_width=20),
        Column("WHERE", keep_end=True, min_width=24), Column("TAGS", drop_rank=2), Column("ROUTER", drop_rank=1),
    )
    rows = [(
        ",".join(r.methods) if r.methods else r.kind.upper() if r.kind != "http" else "",
        r.path + _marks(r),
        r.endpoint,
        f"{display_path(r.file)}:{r.line}",
        ",".join(r.tags),
        r.router,
    ) for r in routes]
    return fit(columns, [tuple(printable(cell) for cell in row) for row in rows], width)


def format_markdown(routes: Sequence[Route]) -> str:
    """A Markdown table for a README or a review comment."""
    def cell(text: str) -> str:
        return printable(text).replace("|", "\\|")

    def code(text: str) -> str:
        return f"`{text}`" if text else ""

    lines = [
        "| methods | path | endpoint | tags | dependencies |",
        "| --- | --- | --- | --- | --- |",
    ]
    for r in routes:
        methods = ", ".join(r.methods) if r.kind == "http" else r.kind.upper()
        path = code(r.path) + _marks(r)
        lines.append("| " + " | ".join(cell(part) for part in (
            methods, path, code(r.endpoint), ", ".join(r.tags),
            ", ".join(code(name) for name in r.dependencies),
        )) + " |")
    return "\n".join(lines) + "\n"


def as_json(routes: Sequence[Route]) -> List[dict]:
    """The rows as json objects; `file` relative to the current directory when under it, so
    that a snapshot written at the repository root holds no machine's paths."""
    from fastapi_conventions_lint.report.common import display_path

    return [
        {
            "methods": list(r.methods), "path": r.path, "endpoint": r.endpoint, "file": display_path(r.file),
            "line": r.line, "tags": list(r.tags), "router": r.router, "kind": r.kind,
            "resolved": r.resolved, "include_in_schema": r.include_in_schema,
            "dependencies": list(r.dependencies), "conditions": list(r.conditions),
            "setting_default": r.setting_default,
        }
        for r in routes
    ]
