"""One traversal of a file's statements, turned into FileFacts.

The walk visits statements only (an order of magnitude fewer nodes than a full `ast.walk`) and
looks into the expressions of the few statement shapes that matter: imports, assignments,
decorated functions, class definitions and call statements.
"""

from __future__ import annotations

import ast
import re
import sys
from dataclasses import dataclass, field
from typing import Dict, Iterable, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts import router_classes
from fastapi_conventions_lint.facts.blocking import blocking_calls, depended_on
from fastapi_conventions_lint.facts.calls import argument as _argument
from fastapi_conventions_lint.facts.calls import keyword as _keyword
from fastapi_conventions_lint.facts.calls import parameter_of
from fastapi_conventions_lint.facts.data_handles import HandleTypes, Kind
from fastapi_conventions_lint.facts.environment import environment_reads
from fastapi_conventions_lint.facts.exception_details import leaked_details
from fastapi_conventions_lint.facts.includes import reads_own_prefix
from fastapi_conventions_lint.facts.instances import Method, Methods, attribute_bindings
from fastapi_conventions_lint.facts.lifecycle import find_lifecycles
from fastapi_conventions_lint.facts.model import (
    ClassLookup,
    DependencyDefault,
    EventRegistration,
    FileFacts,
    FunctionNode,
    HandlerFact,
    IncludeFact,
    MountFact,
    Parameter,
    RouteFact,
    RouterClass,
    RouterFact,
)
from fastapi_conventions_lint.facts.names import DEPENDS, OPTIONAL, ImportTable, refers_to, string_annotation
from fastapi_conventions_lint.facts.returned_routers import returned_parameters, returned_routers
from fastapi_conventions_lint.facts.status_codes import status_literals, status_name_free
from fastapi_conventions_lint.facts.yield_cleanup import dependency_targets, every_call, local_cleanups
from fastapi_conventions_lint.facts.values import UNKNOWN, PrefixResolver, bound_expression, record_binding

ROUTE_DECORATORS = frozenset({
    "get", "post", "put", "patch", "delete", "head", "options", "trace", "api_route", "websocket",
})
_LIFECYCLE_METHODS = frozenset({"initialize", "cleanup"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Top-level packages whose names hold no router of the project.
_NO_PROJECT_ROUTERS = frozenset(getattr(sys, "stdlib_module_names", ())) | {
    "fastapi", "starlette", "pydantic", "typing_extensions",
}
# A module name of FastAPI's in the text: imported some other way (`lazy_import("fastapi")`).
_NAMES_FASTAPI = re.compile(r"""["'](?:fastapi|starlette)[."']""")
# Text that may hold an `X.routes` read; files without it skip the walk over expressions.
_ROUTES_READ_TEXT = re.compile(r"\.\s*routes\b")


@dataclass
class _Statements:
    """What the walk collects before anything is interpreted."""

    assignments: List[Tuple[Optional[ast.expr], ast.expr]] = field(default_factory=list)
    functions: List[FunctionNode] = field(default_factory=list)
    classes: List[ast.ClassDef] = field(default_factory=list)
    calls: List[ast.Call] = field(default_factory=list)
    creations: List[Tuple[FunctionNode, Optional[str], ast.expr]] = field(default_factory=list)
    # (function, name) for `name.initialize()` / `name.cleanup()` statements in a function.
    lifecycle_calls: Set[Tuple[int, str]] = field(default_factory=set)
    # id(call) -> the function an include_router call statement is made in.
    include_scopes: Dict[int, FunctionNode] = field(default_factory=dict)
    # id(call) -> the innermost `for` loop an include_router call statement is made in.
    include_loops: Dict[int, ast.stmt] = field(default_factory=dict)
    # name -> (function, line, value) of each assignment to the name inside a function.
    local_assignments: Dict[str, List[Tuple[FunctionNode, int, ast.expr]]] = field(default_factory=dict)


def _collect(tree: ast.Module, imports: ImportTable, bindings: Dict[str, object]) -> _Statements:
    found = _Statements()
    stack: List[Tuple[List[ast.stmt], Optional[FunctionNode], Optional[ast.stmt]]] = [(tree.body, None, None)]
    while stack:
        block, function, loop = stack.pop()
        for stmt in block:
            if isinstance(stmt, ast.Expr):
                value = stmt.value
                if isinstance(value, ast.Await):
                    value = value.value
                if isinstance(value, ast.Call):
                    found.calls.append(value)
                    func = value.func
                    if isinstance(func, ast.Attribute) and func.attr == "include_router":
                        if function is not None:
                            found.include_scopes[id(value)] = function
                        if loop is not None:
                            found.include_loops[id(value)] = loop
                    if (
                        function is not None
                        and isinstance(func, ast.Attribute)
                        and func.attr in _LIFECYCLE_METHODS
                        and isinstance(func.value, ast.Name)
                    ):
                        found.lifecycle_calls.add((id(function), func.value.id))  # type: ignore[attr-defined]
            elif isinstance(stmt, ast.Assign) or (isinstance(stmt, ast.AnnAssign) and stmt.value is not None):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                for target in targets:
                    found.assignments.append((target, stmt.value))
                    _bind(bindings, target, stmt.value)
                    if function is not None and isinstance(target, ast.Name):
                        found.local_assignments.setdefault(target.id, []).append((function, target.lineno, stmt.value))
                if function is not None and _is_call(stmt.value):
                    # Possibly `deps = X.from_settings(...)`: checked once classes are known.
                    name = targets[0].id if len(targets) == 1 and isinstance(targets[0], ast.Name) else None
                    found.creations.append((function, name, stmt.value))
            elif isinstance(stmt, ast.AugAssign):
                _bind(bindings, stmt.target, None)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.functions.append(stmt)
                stack.append((stmt.body, stmt, None))
            elif isinstance(stmt, ast.ClassDef):
                found.classes.append(stmt)
                stack.append((stmt.body, function, None))
            elif isinstance(stmt, (ast.Import, ast.ImportFrom)):
                imports.add(stmt, function)
            elif isinstance(stmt, ast.Return):
                if isinstance(stmt.value, ast.Call):
                    # `return APIRouter(...)` in a factory: a router with no name.
                    found.assignments.append((None, stmt.value))
            else:
                for name in ("body", "orelse", "finalbody"):
                    nested = getattr(stmt, name, None)
                    if nested:
                        inner = stmt if name == "body" and isinstance(stmt, (ast.For, ast.AsyncFor)) else loop
                        stack.append((nested, function, inner))
                for handler in getattr(stmt, "handlers", ()):
                    stack.append((handler.body, function, loop))
                for case in getattr(stmt, "cases", ()):
                    stack.append((case.body, function, loop))
    return found


def _bind(bindings: Dict[str, object], target: ast.expr, value: Optional[ast.expr]) -> None:
    """Record what a name is bound to; tuple targets bind element-wise when the value is a
    tuple of the same length, and make their names ambiguous otherwise."""
    if isinstance(target, ast.Name):
        record_binding(bindings, target.id, value)  # type: ignore[arg-type]
    elif isinstance(target, (ast.Tuple, ast.List)):
        values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
        if values is not None and len(values) != len(target.elts):
            values = None
        for index, element in enumerate(target.elts):
            _bind(bindings, element, values[index] if values is not None else None)


def _is_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) or (isinstance(node, ast.Await) and isinstance(node.value, ast.Call))


def _kwargs_key(node: ast.expr, kwargs: Optional[str]) -> bool:
    return kwargs is not None and isinstance(node, ast.Name) and node.id == kwargs


def _constant_in(node: Optional[ast.expr], values: Tuple[str, ...]) -> bool:
    return isinstance(node, ast.Constant) and node.value in values


def _is_false(node: Optional[ast.expr]) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _is_empty_tags(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value is None
    return isinstance(node, (ast.List, ast.Tuple)) and not node.elts


_HANDING_ON = (
    ast.Call, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.Assign, ast.AnnAssign, ast.AugAssign,
    ast.NamedExpr, ast.Return, ast.Yield, ast.YieldFrom,
)


def _escaping_values(node: ast.AST) -> List[ast.expr]:
    """The expressions whose value `node` hands on to code this tool does not follow: the
    arguments of a call (but the router of an include_router), the elements of a literal
    container, the value of an assignment, of a return or of a yield."""
    if isinstance(node, ast.Call):
        args: List[ast.expr] = list(node.args)  # type: ignore[attr-defined]
        keywords = node.keywords  # type: ignore[attr-defined]
        func = node.func  # type: ignore[attr-defined]
        if isinstance(func, ast.Attribute) and func.attr == "include_router":
            args = args[1:]
            keywords = [keyword for keyword in keywords if keyword.arg != "router"]
        return args + [keyword.value for keyword in keywords]
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts) if not isinstance(getattr(node, "ctx", None), ast.Store) else []  # type: ignore[attr-defined]
    if isinstance(node, ast.Dict):
        return [key for key in node.keys if key is not None] + list(node.values)  # type: ignore[attr-defined]
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr, ast.Return, ast.Yield, ast.YieldFrom)):
        value = node.value  # type: ignore[attr-defined]
        return [value] if value is not None else []
    return []


def escaping_uses(tree: ast.AST, nodes: Optional[Iterable[ast.AST]] = None) -> Iterator[ast.expr]:
    """Every expression of the tree (or of its `nodes`, when given) whose value escapes (see
    `_escaping_values`)."""
    for node in ast.walk(tree) if nodes is None else nodes:
        if isinstance(node, _HANDING_ON):
            for value in _escaping_values(node):
                yield value.value if isinstance(value, ast.Starred) else value  # type: ignore[attr-defined]


def imported_escapes(
    tree: ast.AST, imports: ImportTable, nodes: Optional[Iterable[ast.AST]] = None
) -> Iterator[ast.expr]:
    """The escaping uses of names the module imports (`register(app, users.router)`), for
    the index to resolve to the routers of other modules they name."""
    return (value for value in escaping_uses(tree, nodes) if _rooted_at(value, imports.bindings))


def _rooted_at(node: ast.expr, names: Dict[str, str]) -> bool:
    """Whether `node` is a name imported from what may be a project module, or an attribute
    chain on one (`users.router`). Names of the standard library and of the packages FastAPI
    is built on hold no router of the project: they are not asked about."""
    while isinstance(node, ast.Attribute):
        node = node.value
    if not isinstance(node, ast.Name):
        return False
    imported = names.get(node.id)  # type: ignore[attr-defined]
    return imported is not None and imported.partition(".")[0] not in _NO_PROJECT_ROUTERS


def _caches(decorator: ast.expr) -> bool:
    """Whether a decorator keeps a function's results (`@lru_cache`, `@functools.cache(...)`)."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else target.id if isinstance(target, ast.Name) else ""
    return name in ("cache", "lru_cache", "cached")


def _not_a_route_path(known_start: str) -> bool:
    """Whether a path given to a method of an object the file imports rules out a route:
    request paths start with "/", so a route's path is empty (under its router's prefix) or
    starts with one. `@mock.patch("app.services.send")` is a decorator, not a PATCH route."""
    return bool(known_start) and not known_start.startswith("/")


class _Extractor:
    def __init__(
        self, tree: ast.Module, settings: Settings, lookup: Optional[ClassLookup] = None,
        text: Optional[str] = None, reported: bool = True,
    ) -> None:
        self.settings = settings
        self.reported = reported
        self.lookup = lookup
        self.tree = tree
        self.text = text
        self.imports = ImportTable()
        self.bindings: Dict[str, object] = {}
        self.found = _collect(tree, self.imports, self.bindings)
        self.resolver = PrefixResolver(
            self.imports,
            self.bindings,
            settings.api_config_qualname,
            settings.api_config_name,
            settings.prefixes,
        )
        self.facts = FileFacts(
            imports=self.imports, resolver=self.resolver, bindings=self.bindings, lookup=lookup, tree=tree
        )
        self.facts.uses_fastapi = any(
            qualname.partition(".")[0] in ("fastapi", "starlette") for qualname in self.imports.bindings.values()
        ) or (text is not None and _NAMES_FASTAPI.search(text) is not None)
        self.facts.classes = {
            stmt.name: stmt for stmt in tree.body if isinstance(stmt, ast.ClassDef)
        }
        self.facts.functions = {
            stmt.name: stmt for stmt in tree.body if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef))
        }
        self.facts.data_handle_aliases = self._data_handle_aliases()
        self.configured = frozenset(settings.router_class_qualnames)
        self.facts.class_aliases = router_classes.class_aliases(tree)
        self.router_classes = self.facts.router_classes
        self._router_classes()
        self.facts.router_factories = router_classes.factories(self.found.functions, self.router_classes)
        self.dependency_classes = self.facts.dependency_classes = self._dependency_classes()
        self.routers_by_name = self.facts.routers_by_name
        self.constructed: Dict[int, RouterFact] = {}  # id(call) -> the router it makes
        # Names bound to a call of an imported class not yet known to be a router class.
        self.pending: Dict[str, List[ast.Call]] = {}
        self.functions_by_name: Dict[str, FunctionNode] = {}
        self.methods = Methods(tree.body)
        # (parameter, id(method)) -> the router every call of the method passes for it.
        self.passed_to_methods: Dict[Tuple[str, int], Optional[RouterFact]] = {}
        # Parameter name -> the functions that have it (made on first use).
        self.parameter_spans: Optional[Dict[str, List[FunctionNode]]] = None
        # id(receiver expression) -> the parameter it is (_receiver_parameter).
        self.receiver_parameters: Dict[int, Optional[Parameter]] = {}

    def _strings(self, node: Optional[ast.expr], depth: int = 0) -> Optional[Tuple[str, ...]]:
        """The strings of a literal list or tuple (() for None or no argument), through
        same-file names (`tags=TAGS`, `tags=[NAME]`); None when not known statically."""
        if depth < 8 and isinstance(node, ast.Name):
            node = bound_expression(self.bindings, node.id) or node
            if not isinstance(node, ast.Name):
                return self._strings(node, depth + 1)
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            return ()
        if not isinstance(node, (ast.List, ast.Tuple)):
            return None
        values = []
        for element in node.elts:
            if isinstance(element, ast.Name):
                element = bound_expression(self.bindings, element.id) or element
            if not (isinstance(element, ast.Constant) and isinstance(element.value, str)):
                return None
            values.append(element.value)
        return tuple(values)

    def run(self) -> FileFacts:
        for target, value in self.found.assignments:
            self._assignment(target, value)
        for function in self.found.functions:
            self.functions_by_name.setdefault(function.name, function)
        handled: Dict[int, HandlerFact] = {}
        for function in self.found.functions:
            for decorator in function.decorator_list:
                self._route_decorator(function, decorator, handled)
            self._dependency_defaults(function)
        for call in self.found.calls:
            if isinstance(call.func, ast.Attribute):
                if call.func.attr == "include_router":
                    self._include(call)
                elif call.func.attr == "add_api_route":
                    self._add_api_route(call, handled)
                elif call.func.attr == "mount":
                    self._mount(call)
                elif call.func.attr == "add_route":  # a plain Starlette route
                    endpoint = _argument(call, 1, "endpoint")
                    self._route(
                        call, "add_route", _argument(call, 0, "path"),
                        ast.unparse(endpoint) if endpoint is not None else "?", call.lineno,
                    )
                elif call.func.attr == "add_api_websocket_route":
                    endpoint = _argument(call, 1, "endpoint")
                    self._route(
                        call, "websocket", _argument(call, 0, "path"),
                        ast.unparse(endpoint) if endpoint is not None else "?", call.lineno,
                    )
        self._routes_reads()
        through_parameters = {
            parameter.function for include in self.facts.includes
            for parameter in (include.receiver_parameter, include.router_parameter) if parameter is not None
        }
        if through_parameters:
            self.facts.returned_parameters = returned_parameters(through_parameters, self.facts.functions)
        if self.constructed:
            self.facts.returned_routers = returned_routers(
                self.found.functions, self.facts.functions, self.routers_by_name, self.constructed
            )
        self.facts.dependency_targets = dependency_targets(every_call(self.tree, self.imports, self.text), self.imports, self.text)
        if self.text is None or "on_event" in self.text or "event_handler" in self.text or "on_s" in self.text:
            self._event_registrations()
        if self.reported:
            self._reported_facts()
        return self.facts

    def _reported_facts(self) -> None:
        """The facts only the file's own report reads: its file rules' findings. A module
        read for the project pass alone (nothing is reported for it) goes without them:
        they cost a fifth of a check that names one file in a large project."""
        self.facts.environment_reads = environment_reads(self.tree, self.imports, self.text)
        self.facts.leaked_details = leaked_details(self.tree, self.imports, self.text)
        self.facts.status_literals = status_literals(self.tree, self.imports, self.text)
        if self.facts.status_literals:
            self.facts.status_name_free = status_name_free(
                self.imports, self.text, self.settings.status_code_style, self.tree
            )
        self.facts.blocking_calls = self._blocking_calls()
        if self.text is None or "yield" in self.text:
            self.facts.yield_cleanups = local_cleanups(self.facts.functions, self.facts.dependency_targets.local)
        if self.facts.event_registrations:
            self.facts.top_level_lines = {stmt.lineno for stmt in self.tree.body}
        analysed = set()
        # Asking whether an imported class is a dependencies class may mean reading its module:
        # only for names the function calls initialize()/cleanup() on.
        calls = self.found.lifecycle_calls
        for function, name, value in self.found.creations:
            if id(function) in analysed:
                continue

            def creates(node: ast.expr, var: Optional[str], function_id: int = id(function)) -> bool:
                return self._creates_dependencies(node, allow_lookup=(function_id, var) in calls)

            if creates(value.value if isinstance(value, ast.Await) else value, name):
                analysed.add(id(function))
                self.facts.lifecycles.extend(find_lifecycles(function, creates))

    # -- classes ------------------------------------------------------------------------------

    def _data_handle_aliases(self) -> Set[str]:
        """Top-level names bound to a data-handle type, judged from this file alone (the
        project index asks other modules about the names this file imports)."""
        types = HandleTypes(self.imports, self.bindings, self.facts.classes)
        names = set(self.facts.classes)
        for stmt in self.tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                names.update(target.id for target in targets if isinstance(target, ast.Name))
        return {name for name in names if types.named(ast.Name(id=name), 0) is Kind.HANDLE}

    def _router_classes(self) -> None:
        """Fill facts.router_classes (in place: a class may derive from one found before)."""
        classes = self.router_classes
        pending = list(self.found.classes)
        progress = True
        while pending and progress:
            progress = False
            for cls in list(pending):
                inherited = self._router_base(cls)
                if inherited is None:
                    continue
                pending.remove(cls)
                progress = True
                own = self._init_arguments(cls, inherited.is_app)
                base = inherited if inherited.has_init or inherited.module is not None else None
                classes[cls.name] = own or base or RouterClass(inherited.is_app)

    def _router_base(self, cls: ast.ClassDef) -> Optional[RouterClass]:
        """The router class `cls` derives from (APIRouter and FastAPI answer PLAIN_*)."""
        for base in cls.bases:
            found = router_classes.class_of(self.facts, base, self.lookup, self.configured)
            if found is not None:
                return found
        return None

    def _init_arguments(self, cls: ast.ClassDef, is_app: bool) -> Optional[RouterClass]:
        init = next(
            (s for s in cls.body if isinstance(s, _FUNCTIONS) and s.name == "__init__"), None
        )
        if init is None:
            return None
        info = RouterClass(is_app, has_init=True)
        arguments = init.args
        parameters = arguments.posonlyargs + arguments.args + arguments.kwonlyargs
        positional = arguments.posonlyargs + arguments.args
        positional_defaults = dict(
            zip([p.arg for p in positional][::-1], arguments.defaults[::-1])
        )
        keyword_defaults = {
            p.arg: d for p, d in zip(arguments.kwonlyargs, arguments.kw_defaults)
        }
        parameter_names = {p.arg for p in parameters}
        # What the constructor can be given: the parameter itself, or anything through
        # `**kwargs` (`*args` reaches APIRouter's positional prefix and tags too).
        open_ended = arguments.kwarg is not None or arguments.vararg is not None
        info.accepts_prefix = open_ended or "prefix" in parameter_names
        info.accepts_tags = open_ended or "tags" in parameter_names
        kwargs = arguments.kwarg.arg if arguments.kwarg is not None else None
        for node in ast.walk(init):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr == "__init__":
                    for keyword in node.keywords:
                        if keyword.arg not in ("prefix", "tags"):
                            continue
                        value = keyword.value
                        if isinstance(value, ast.Name) and value.id in parameter_names:
                            info.forwarded[keyword.arg] = positional_defaults.get(
                                value.id, keyword_defaults.get(value.id)
                            )
                        else:
                            info.fixed[keyword.arg] = value
                elif _kwargs_key(node.func.value, kwargs) and node.func.attr == "setdefault":
                    # kwargs.setdefault("tags", [...]): a default the caller may replace.
                    key = _argument(node, 0, "key")
                    value = _argument(node, 1, "default")
                    if _constant_in(key, ("prefix", "tags")) and value is not None:
                        info.forwarded[key.value] = value  # type: ignore[union-attr]
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    # kwargs["tags"] = [...]: whatever the caller gave, this is what is passed.
                    if (
                        isinstance(target, ast.Subscript)
                        and _kwargs_key(target.value, kwargs)
                        and _constant_in(target.slice, ("prefix", "tags"))
                    ):
                        info.fixed[target.slice.value] = node.value  # type: ignore[attr-defined]
        if "prefix" in info.fixed:
            info.fixed_prefix = self.resolver.value(info.fixed["prefix"])
        if "tags" in info.fixed:
            info.fixed_tags = self._strings(info.fixed["tags"])
        return info

    def _dependency_classes(self) -> set:
        names: set = set()
        base = self.settings.base_dependencies_qualname
        progress = True
        while progress:
            progress = False
            for cls in self.found.classes:
                if cls.name in names:
                    continue
                for node in cls.bases:
                    qualname = self.imports.qualname(node)
                    if (isinstance(node, ast.Name) and node.id in names) or refers_to(
                        qualname, base
                    ) or (
                        isinstance(node, ast.Name) and node.id == self.settings.base_dependencies_name
                    ) or (
                        qualname is not None
                        and self.lookup is not None
                        and self.lookup.is_dependencies_class(qualname)
                    ):
                        names.add(cls.name)
                        progress = True
                        break
        return names

    def _creates_dependencies(self, value: ast.expr, allow_lookup: bool = False) -> bool:
        if not isinstance(value, ast.Call):
            return False
        func = value.func
        if isinstance(func, ast.Attribute) and func.attr == "from_settings":
            return True
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name.endswith(("Deps", "Dependencies")) or name in self.dependency_classes:
            return True
        if not allow_lookup or self.lookup is None:
            return False
        qualname = self.imports.qualname(func)
        return qualname is not None and self.lookup.is_dependencies_class(qualname)

    # -- routers ------------------------------------------------------------------------------

    def _construction(
        self, call: ast.Call, var: Optional[str], allow_lookup: bool = False
    ) -> Optional[RouterFact]:
        made = self.constructed.get(id(call))
        if made is not None:
            # `auth_router = r = APIRouter()`: one router, known by both names.
            if var is not None and made not in self.routers_by_name.get(var, ()):
                self.routers_by_name.setdefault(var, []).append(made)
            return made
        func = call.func
        lookup = self.lookup if allow_lookup else None
        router_class = router_classes.class_of(self.facts, func, lookup, self.configured)
        if router_class is None:
            if not allow_lookup and self.lookup is not None and var is not None and (
                router_classes.may_be_router_class(self.facts, func)
            ):
                # A name of another module (or bound to what one makes) may be a router class:
                # asked only when the name is used as a router (see _receiver), since asking
                # may mean reading that module.
                self.pending.setdefault(var, []).append(call)
            return None
        is_app = router_class.is_app
        if router_class is router_classes.PLAIN_ROUTER or router_class is router_classes.PLAIN_APP:
            router_class = None
        router = RouterFact(
            call=call, var=var, is_app=is_app,
            custom_init=router_class is not None and router_class.has_init,
            accepts_prefix=router_class is None or router_class.accepts_prefix,
            accepts_tags=router_class is None or router_class.accepts_tags,
        )
        if not is_app and router_class is not None and router_class.module is not None:
            self._imported_construction(router, call, router_class)
        elif not is_app:
            # `APIRouter(**options)` may carry prefix and tags we cannot see: assume it does.
            unpacked = any(keyword.arg is None for keyword in call.keywords)
            router.prefix_node = self._effective(call, router_class, "prefix")
            router.prefix = self.resolver.value(router.prefix_node)
            if router.prefix_node is None and unpacked:
                router.prefix = UNKNOWN
            router.include_in_schema = not _is_false(_argument(call, 99, "include_in_schema"))
            tags = self._effective(call, router_class, "tags")
            router.tag_values = None if tags is None and unpacked else self._strings(tags)
            router.has_tags = (tags is None and unpacked) or (
                tags is not None and not _is_empty_tags(tags)
            )
        self.facts.routers.append(router)
        self.constructed[id(call)] = router
        if var is not None:
            self.routers_by_name.setdefault(var, []).append(router)
        return router

    def _imported_construction(self, router: RouterFact, call: ast.Call, cls: RouterClass) -> None:
        """A router made from a class defined in another module. What that class's
        `__init__` writes lives in its own file: known to be there, not resolved here (and
        never reported here); what this call passes is read as usual."""
        unpacked = any(keyword.arg is None for keyword in call.keywords)
        for name in ("prefix", "tags"):
            keyword = _keyword(call, name)
            given = keyword.value if keyword is not None and name not in cls.fixed else None
            decided_by_class = name in cls.fixed or (
                given is None and cls.forwarded.get(name) is not None
            )
            if name == "prefix":
                router.prefix_node = given
                if name in cls.fixed and cls.fixed_prefix is not None:
                    router.prefix = cls.fixed_prefix
                elif decided_by_class or (given is None and unpacked):
                    router.prefix = UNKNOWN
                else:
                    router.prefix = self.resolver.value(given)
            else:
                router.has_tags = decided_by_class or (given is None and unpacked) or (
                    given is not None and not _is_empty_tags(given)
                )
                router.tag_values = (
                    cls.fixed_tags if name in cls.fixed
                    else None if decided_by_class else self._strings(given)
                )

    @staticmethod
    def _effective(call: ast.Call, router_class: Optional[RouterClass], name: str) -> Optional[ast.expr]:
        if router_class is not None and name in router_class.fixed:
            return router_class.fixed[name]
        keyword = _keyword(call, name)
        if keyword is not None:
            return keyword.value
        if router_class is not None:
            return router_class.forwarded.get(name)
        return None

    def _assignment(self, target: Optional[ast.expr], value: ast.expr) -> None:
        if target is None and isinstance(value, ast.Call):
            self._construction(value, None)
        elif isinstance(target, ast.Name) and isinstance(value, ast.Call):
            if self._construction(value, target.id) is None:
                self._made_as_arguments(value)
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            for element_target, element_value in zip(target.elts, value.elts):
                self._assignment(element_target, element_value)
        elif isinstance(target, ast.Attribute) and isinstance(value, ast.Call) and self.methods:
            var = self._instance_attribute(target, target.lineno)
            router = self._construction(value, var) if var is not None else None
            if router is not None:
                # Whoever holds the instance may hand the router on: where it goes is not
                # followed (FCL009 counts the routers included into it as reached).
                router.on_instance = router.escapes = True

    def _made_as_arguments(self, call: ast.Call) -> None:
        """Routers made as a call's arguments (`tenant_router = include_routers(APIRouter())`):
        handed on to the callee, which the project index follows when it returns what it is
        given (facts/returned_routers.py)."""
        for argument in (*call.args, *(keyword.value for keyword in call.keywords)):
            if isinstance(argument, ast.Call):
                router = self._construction(argument, None)
                if router is not None:
                    router.escapes = True

    def _instance_attribute(self, node: ast.expr, line: int) -> Optional[str]:
        """`self.app` in a method, or `server.app` of an instance of a class of the file: the
        name its router is known by (facts/instances.py)."""
        return self.methods.attribute_var(node, line, self.bindings, self.facts.classes)

    def _bound_elsewhere(self, name: str) -> bool:
        """Whether the name is bound to what the project index may find a router behind: the
        result of a call (a router factory's) or an instance's attribute (`app = server.app`)."""
        return isinstance(bound_expression(self.bindings, name), (ast.Call, ast.Attribute))

    def _receiver(self, node: ast.expr, line: int, depth: int = 0) -> Tuple[Optional[RouterFact], bool]:
        """The router or app a method is called on, and whether the project index may find
        it (an imported name, or one `_bound_elsewhere`)."""
        if isinstance(node, ast.Name):
            found = self._named(node.id, line)
            scope = self._parameter_scope(node.id, line)
            if scope is not None and found is not None and not (
                scope.lineno <= found.call.lineno <= (scope.end_lineno or scope.lineno)
            ):
                found = None  # `def register(app): app.include_router(...)`: not the module's `app`
            if found is None and self.methods and depth < 4:
                found = self._passed_to_method(node.id, line, depth)
            if scope is not None:
                return found, False  # what the callers pass: see parameter_links.py
            bindings = self.imports.bindings
            return found, found is None and (
                (node.id in bindings and _rooted_at(node, bindings)) or self._bound_elsewhere(node.id)
            )
        if isinstance(node, ast.Attribute):
            var = self._instance_attribute(node, line) if self.methods else None
            found = self._named(var, line) if var is not None else None
            return found, found is None and self.imports.qualname(node) is not None and _rooted_at(
                node, self.imports.bindings
            )
        return None, False

    def _parameter_scope(self, name: str, line: int) -> Optional[FunctionNode]:
        """The function, of those whose body holds the line, that has a parameter of that name
        (the innermost): the name stands for what its callers pass, not for a router of the same
        name made outside it."""
        if self.parameter_spans is None:
            self.parameter_spans = {}
            for function in self.found.functions:
                arguments = function.args
                for argument in (
                    *arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg,
                ):
                    if argument is not None:
                        self.parameter_spans.setdefault(argument.arg, []).append(function)
        holding = [
            function for function in self.parameter_spans.get(name, ())
            if function.lineno < line <= (function.end_lineno or function.lineno)
        ]
        return max(holding, key=lambda function: function.lineno) if holding else None

    def _named(self, var: str, line: int) -> Optional[RouterFact]:
        """The router bound to a name (the last made before the line, else the first)."""
        for call in self.pending.pop(var, ()):
            self._construction(call, var, allow_lookup=True)
        candidates = self.routers_by_name.get(var)
        if not candidates:
            return None
        before = [r for r in candidates if r.call.lineno <= line]
        if before:
            return max(before, key=lambda r: r.call.lineno)
        return min(candidates, key=lambda r: r.call.lineno)

    def _passed_to_method(self, name: str, line: int, depth: int) -> Optional[RouterFact]:
        """The router a parameter of a method stands for: the one every call of the method
        on the class's own instance passes (`self.configure_app(self.app)`)."""
        method = self.methods.at(line)
        if method is None:
            return None
        key = (name, id(method.function))
        if key not in self.passed_to_methods:
            self.passed_to_methods[key] = None  # while asked: a method handing it to itself
            self.passed_to_methods[key] = self._passed(method, name, depth)
        return self.passed_to_methods[key]

    def _passed(self, method: Method, name: str, depth: int) -> Optional[RouterFact]:
        parameter = self.methods.parameter(method, name)
        if parameter is None:
            return None
        # Called on the instance, the method is given one argument fewer: the instance.
        position = parameter.position - 1 if parameter.position is not None else None
        passed = set()
        for call in self.methods.callers(method, self.found.calls):
            given = _argument(call, position if position is not None else len(call.args), name)
            router = self._receiver(given, call.lineno, depth + 1)[0] if given is not None else None
            if router is None:
                return None
            passed.add(router)
        return passed.pop() if len(passed) == 1 else None

    # -- handlers -----------------------------------------------------------------------------

    def _handler(
        self,
        function: FunctionNode,
        receiver_node: ast.expr,
        method: str,
        path: Optional[ast.expr],
        handled: Dict[int, HandlerFact],
        line: Optional[int] = None,
    ) -> None:
        router, imported = self._receiver(receiver_node, function.lineno)
        literal_path = isinstance(path, ast.Constant) and isinstance(path.value, str) and (
            not _not_a_route_path(path.value)
        )
        # A name the file binds (`app = create_app()`) may hold anything until the project index
        # finds a router there: the handler rules, which run before, leave it alone.
        from_import = not isinstance(receiver_node, ast.Name) or receiver_node.id in self.imports.bindings
        on_parameter = router is None and not imported and (
            self._receiver_parameter(receiver_node, line or function.lineno) is not None
        )
        if router is None and not on_parameter and not (imported and from_import and literal_path):
            return
        handler = handled.get(id(function))
        if handler is None:
            handler = HandlerFact(node=function, receiver=router, method=method)
            handled[id(function)] = handler
            self.facts.handlers.append(handler)
        if router is not None:
            router.handlers.append(handler)
            router.route_count += 1

    def _route_decorator(
        self, function: FunctionNode, decorator: ast.expr, handled: Dict[int, HandlerFact]
    ) -> None:
        if not (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Attribute)
            and decorator.func.attr in ROUTE_DECORATORS
        ):
            return
        path = _argument(decorator, 0, "path")
        self._handler(function, decorator.func.value, decorator.func.attr, path, handled)
        self._route(decorator, decorator.func.attr, path, function.name, function.lineno, function)

    def _route(
        self, call: ast.Call, kind: str, path: Optional[ast.expr], endpoint: str, line: int,
        function: Optional[FunctionNode] = None,
    ) -> None:
        """Record a route for the route table, on an in-file or imported receiver."""
        receiver_node = call.func.value  # type: ignore[attr-defined]
        router, imported = self._receiver(receiver_node, line)
        value = self.resolver.value(path) if path is not None else UNKNOWN
        parameter = None
        if router is None and not imported:
            parameter = self._receiver_parameter(receiver_node, call.lineno)
            if parameter is None:
                return
        elif router is None and _not_a_route_path(value.resolved_head):
            return
        if kind in ("api_route", "add_api_route", "add_route"):
            methods_node = _keyword(call, "methods")
            listed = self._strings(methods_node.value) if methods_node else ()
            if listed is None:
                methods: Tuple[str, ...] = ("{?}",)  # a list the file does not spell out
            else:
                methods = tuple(m.upper() for m in listed) if listed else ("GET",)
            if kind == "add_route" and "GET" in methods and "HEAD" not in methods:
                methods += ("HEAD",)  # Starlette answers HEAD wherever it answers GET
        elif kind == "websocket":
            methods = ()
        else:
            methods = (kind.upper(),)
        tags_keyword = _keyword(call, "tags")
        schema = _keyword(call, "include_in_schema")
        self.facts.routes.append(RouteFact(
            receiver=router,
            receiver_node=receiver_node,
            methods=methods,
            path=value,
            endpoint=endpoint,
            line=line,
            websocket=kind == "websocket",
            starlette=kind == "add_route",
            include_in_schema=not (schema is not None and _is_false(schema.value)),
            tags=self._strings(tags_keyword.value if tags_keyword else None),
            call=call,
            path_node=path,
            function=function,
            receiver_parameter=parameter,
            instance=self._instance(receiver_node, line),
        ))

    def _instance(self, node: ast.expr, line: int) -> Optional[Tuple[int, int]]:
        """Where the call is whose result a receiver name is bound to in the function at the
        line (the last such binding before the line): `app = make_app()`; None otherwise, and
        for a router the call makes itself (`app = FastAPI()`)."""
        assigned = self.found.local_assignments.get(node.id) if isinstance(node, ast.Name) else None
        if not assigned:
            return None
        # Of the functions holding the line that bind the name, the innermost: the last
        # binding there before the line.
        bound = [
            (function.lineno, at, value) for function, at, value in assigned
            if at <= line and function.lineno < line <= (function.end_lineno or function.lineno)
        ]
        if not bound:
            return None
        value = max(bound, key=lambda item: item[:2])[2]
        if isinstance(value, ast.Await):
            value = value.value
        if not isinstance(value, ast.Call) or any(router.call is value for router in self.facts.routers):
            return None  # `app = FastAPI()`: the router itself
        called = self.facts.functions.get(value.func.id) if isinstance(value.func, ast.Name) else None
        if called is not None and any(_caches(decorator) for decorator in called.decorator_list):
            return None  # `@lru_cache def get_app()`: every call gives back the one app
        return value.lineno, value.col_offset

    def _receiver_parameter(self, node: ast.expr, line: int) -> Optional[Parameter]:
        """The parameter a route's receiver is, when it is one of a top-level function that
        declares it a FastAPI app or router (`def register(router: APIRouter)`) and never binds
        it again, or `self.app` bound to one in `__init__` (_constructor_parameter): the project
        index gives the route to what the callers pass."""
        if id(node) not in self.receiver_parameters:  # asked for a route's handler and its row
            self.receiver_parameters[id(node)] = self._find_receiver_parameter(node, line)
        return self.receiver_parameters[id(node)]

    def _find_receiver_parameter(self, node: ast.expr, line: int) -> Optional[Parameter]:
        if isinstance(node, ast.Attribute):
            return self._constructor_parameter(node, line)
        if not isinstance(node, ast.Name):
            return None
        function = next((
            function for function in self.facts.functions.values()
            if function.lineno <= line <= (function.end_lineno or function.lineno)
        ), None)
        parameter = parameter_of(function, node, self.facts.functions)
        if parameter is None:
            return None
        return parameter if self._declared_router(function, parameter.name) else None  # type: ignore[arg-type]

    def _include_parameter(self, function: Optional[FunctionNode], node: ast.expr, line: int) -> Optional[Parameter]:
        """The parameter an include's receiver is: of the function it is made in (any
        declaration), or the app a class is given (`self.app`, declared one)."""
        if isinstance(node, ast.Attribute):
            return self._constructor_parameter(node, line)
        return parameter_of(function, node, self.facts.functions)

    def _constructor_parameter(self, node: ast.Attribute, line: int) -> Optional[Parameter]:
        """`self.app` in a method of a top-level class whose `__init__` binds it, once in the
        whole class, to a parameter declared a FastAPI app or router (`def __init__(self, app:
        FastAPI): self.app = app`): what the class's callers pass (`Api(app)`)."""
        method = self.methods.at(line) if self.methods else None
        cls = self.facts.classes.get(method.class_name) if method is not None else None
        if cls is None or not isinstance(node.value, ast.Name) or node.value.id != method.self_name:  # type: ignore[union-attr]
            return None
        bound = attribute_bindings(cls, node.attr)
        if len(bound) != 1:
            return None
        binder, statement = bound[0]
        init = binder.function
        if not (
            init.name == "__init__" and isinstance(statement, ast.Assign) and len(statement.targets) == 1
            and isinstance(statement.value, ast.Name)
        ):
            return None
        parameter = parameter_of(init, statement.value, {"__init__": init})
        if parameter is None or parameter.position == 0 or not self._declared_router(init, parameter.name):
            return None
        position = parameter.position - 1 if parameter.position is not None else None
        called_by_init = method.function is init or any(  # type: ignore[union-attr]
            isinstance(inner, ast.Call) and isinstance(inner.func, ast.Attribute)
            and inner.func.attr == method.function.name  # type: ignore[union-attr]
            and isinstance(inner.func.value, ast.Name) and inner.func.value.id == binder.self_name
            for inner in ast.walk(init)
        )
        return Parameter(
            cls.name, position, parameter.name, of_class=True,
            method=None if called_by_init else method.function.name,  # type: ignore[union-attr]
        )

    def _declared_router(self, function: FunctionNode, name: str) -> bool:
        """Whether the function declares its parameter a FastAPI app or router."""
        arguments = function.args
        declared = next(
            argument for argument in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            if argument.arg == name
        )
        annotation = declared.annotation
        if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
            annotation = string_annotation(annotation.value)
        members = self._annotation_members(annotation) if annotation is not None else []
        return bool(members) and all(
            router_classes.class_of(self.facts, member, self.lookup, self.configured) is not None for member in members
        )

    def _annotation_members(self, annotation: ast.expr) -> List[ast.expr]:
        """The classes an annotation allows, `None` left out: `Union[FastAPI, APIRouter]`,
        `FastAPI | APIRouter`, `Optional[APIRouter]`; the annotation itself otherwise."""
        if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
            return self._annotation_members(annotation.left) + self._annotation_members(annotation.right)
        if isinstance(annotation, ast.Subscript) and self.imports.qualname(annotation.value) in OPTIONAL:
            inner = annotation.slice
            elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return [member for element in elements for member in self._annotation_members(element)]
        if isinstance(annotation, ast.Constant) and annotation.value is None:
            return []
        return [annotation]

    def _mount(self, call: ast.Call) -> None:
        receiver_node = call.func.value  # type: ignore[attr-defined]
        router, imported = self._receiver(receiver_node, call.lineno)
        if router is None and not imported:
            return
        self.facts.mounts.append(MountFact(
            receiver=router,
            receiver_node=receiver_node,
            path=self.resolver.value(_argument(call, 0, "path")),
            line=call.lineno,
        ))

    def _add_api_route(self, call: ast.Call, handled: Dict[int, HandlerFact]) -> None:
        endpoint = _argument(call, 1, "endpoint")
        named = self.functions_by_name.get(endpoint.id) if isinstance(endpoint, ast.Name) else None
        self._route(
            call, "add_api_route", _argument(call, 0, "path"),
            ast.unparse(endpoint) if endpoint is not None else "?", call.lineno, named,
        )
        if not isinstance(endpoint, ast.Name) or endpoint.id not in self.functions_by_name:
            # A lambda or an imported endpoint: a route of the router all the same.
            router, _ = self._receiver(call.func.value, call.lineno)  # type: ignore[attr-defined]
            if router is not None:
                router.route_count += 1
            return
        function = self.functions_by_name[endpoint.id]
        self._handler(
            function, call.func.value, "add_api_route", _argument(call, 0, "path"), handled, call.lineno  # type: ignore[attr-defined]
        )

    def _routes_reads(self) -> None:
        """Mark the routers whose routes are read through `X.routes` (`callbacks=r.routes`,
        `app.router.routes.extend(r.routes)`): one walk over the module, the only one over
        expressions, made only when the text may hold such a read."""
        if self.text is not None and not _ROUTES_READ_TEXT.search(self.text):
            return
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and node.attr == "routes" and isinstance(node.ctx, ast.Load):
                router, imported = self._receiver(node.value, node.lineno)
                if router is not None:
                    router.routes_read = True
                elif imported:
                    self.facts.routes_reads.append(node.value)

    # -- include_router -----------------------------------------------------------------------

    def _include(self, call: ast.Call) -> None:
        router_node = _argument(call, 0, "router")
        looped = self._loop_routers(call, router_node)
        for node in looped if looped is not None else [router_node]:
            self._include_one(call, node, in_loop=looped is not None)

    def _loop_routers(self, call: ast.Call, router_node: Optional[ast.expr]) -> Optional[List[ast.expr]]:
        """The routers a loop includes, one at a time (`for router in (a.router, b.router):`
        or over a module-level tuple or list nothing changes): None when the include is not
        made on such a loop's variable."""
        loop = self.found.include_loops.get(id(call))
        if (
            not isinstance(loop, (ast.For, ast.AsyncFor)) or not isinstance(router_node, ast.Name)
            or not isinstance(loop.target, ast.Name) or loop.target.id != router_node.id
        ):
            return None
        iterable = loop.iter
        if isinstance(iterable, ast.Name):
            iterable = _fixed_sequence(self.tree, iterable.id)
        if not isinstance(iterable, (ast.Tuple, ast.List)) or not iterable.elts:
            return None
        if any(isinstance(element, ast.Starred) for element in iterable.elts):
            return None
        if any(
            isinstance(node, ast.Name) and node.id == router_node.id and not isinstance(node.ctx, ast.Load)
            for stmt in loop.body for node in ast.walk(stmt)
        ):
            return None  # the variable is bound again in the loop
        return list(iterable.elts)

    def _include_one(self, call: ast.Call, router_node: Optional[ast.expr], in_loop: bool) -> None:
        receiver, _imported = self._receiver(call.func.value, call.lineno)  # type: ignore[attr-defined]
        router: Optional[RouterFact] = None
        if isinstance(router_node, ast.Call):
            router = self._construction(router_node, None)
        elif isinstance(router_node, (ast.Name, ast.Attribute)):
            router, _ = self._receiver(router_node, call.lineno)  # (`self.router`: facts/instances.py)
        prefix_keyword = _keyword(call, "prefix")
        prefix_node = prefix_keyword.value if prefix_keyword else None
        # `include_router(router, **options)`: a prefix or tags not written may be in there.
        spread = any(keyword.arg is None for keyword in call.keywords)
        function = self.found.include_scopes.get(id(call))
        include = IncludeFact(
            call=call,
            receiver=receiver,
            router_node=router_node,
            router=router,
            prefix_node=prefix_node,
            prefix=UNKNOWN if spread and prefix_node is None else self.resolver.value(prefix_node),
            tags=None if spread and _keyword(call, "tags") is None else self._strings(_argument(call, 99, "tags")),
            include_in_schema=not _is_false(_argument(call, 99, "include_in_schema")),
            receiver_parameter=None if receiver is not None else self._include_parameter(
                function, call.func.value, call.lineno  # type: ignore[attr-defined]
            ),
            router_parameter=None if router is not None else parameter_of(function, router_node, self.facts.functions),
            in_loop=in_loop,
            instance=self._instance(call.func.value, call.lineno),  # type: ignore[attr-defined]
            forwards=function is not None and function.name == "include_router",
            reads_own_prefix=reads_own_prefix(call, prefix_node, function),
        )
        self.facts.includes.append(include)
        if receiver is not None:
            receiver.includes.append(include)
        if router is not None:
            router.included_in.append(include)

    # -- dependencies -------------------------------------------------------------------------

    def _event_registrations(self) -> None:
        """FCL301/FCL302: `@X.on_event(...)` and `X.add_event_handler(...)` on an app or router
        of the file (or `app.router`), and `on_startup=`/`on_shutdown=` of its construction."""
        def receiver(node: ast.expr, line: int) -> Optional[dict]:
            """The registration's receiver fields, or None when it is no app or router."""
            through_router = isinstance(node, ast.Attribute) and node.attr == "router"
            if through_router:
                node = node.value  # type: ignore[attr-defined]
            found, imported = self._receiver(node, line)
            if found is not None:
                return {"receiver": found} if found.is_app or not through_router else None
            if imported:  # the project index may find an app or a router there
                return {"receiver": None, "receiver_node": node, "through_router": through_router}
            return None

        found = self.facts.event_registrations
        for function in self.found.functions:
            for decorator in function.decorator_list:
                if (
                    isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "on_event"
                ):
                    owner = receiver(decorator.func.value, decorator.lineno)
                    if owner is not None:
                        found.append(EventRegistration(
                            decorator, form="@" + _short(decorator),
                            event=_event(_argument(decorator, 0, "event_type")), handlers=(function,),
                            **owner,
                        ))
        for call in self.found.calls:
            if isinstance(call.func, ast.Attribute) and call.func.attr == "add_event_handler":
                owner = receiver(call.func.value, call.lineno)
                if owner is not None:
                    handler = _argument(call, 1, "func")
                    found.append(EventRegistration(
                        call, form=_short(call), event=_event(_argument(call, 0, "event_type")),
                        handlers=(handler,) if handler is not None else (), **owner,
                    ))
        for router in self.facts.routers:
            for keyword in router.call.keywords:
                if keyword.arg in ("on_startup", "on_shutdown") and not (
                    isinstance(keyword.value, ast.Constant) and keyword.value.value is None
                ):
                    items = keyword.value.elts if isinstance(keyword.value, (ast.List, ast.Tuple)) else ()
                    found.append(EventRegistration(
                        keyword.value, router, f"{keyword.arg}=", keyword.arg[3:], tuple(items),
                    ))
        found.sort(key=lambda item: (item.node.lineno, item.node.col_offset))  # type: ignore[attr-defined]

    def _blocking_calls(self) -> List[object]:
        """FCL105: blocking calls in the file's async handlers and async dependencies."""
        if self.text is not None and "async def" not in self.text:
            return []
        handlers = {id(handler.node): handler.node for handler in self.facts.handlers}
        calls = [route.call for route in self.facts.routes if route.call is not None]
        calls += [router.call for router in self.facts.routers]
        names = depended_on(handlers.values(), calls, self.imports)
        for name in names:
            function = self.facts.functions.get(name)
            if function is not None:
                handlers[id(function)] = function
        chosen = [f for f in handlers.values() if isinstance(f, ast.AsyncFunctionDef)]
        return list(blocking_calls(chosen, self.imports, self.bindings, self.settings.blocking_calls, self.text))

    def _dependency_defaults(self, function: FunctionNode) -> None:
        arguments = function.args
        positional = arguments.posonlyargs + arguments.args
        pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
        pairs += [(p, d) for p, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
        for parameter, default in pairs:
            if isinstance(default, ast.Call) and self.imports.qualname(default.func) in DEPENDS:
                self.facts.dependency_defaults.append(
                    DependencyDefault(function=function, parameter=parameter, call=default)
                )


def _fixed_sequence(tree: ast.Module, name: str) -> Optional[ast.expr]:
    """The tuple or list a module-level name is bound to, when that is its only binding in
    the module and nothing reads an attribute of it (`ROUTERS.append(...)`)."""
    value = None
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in stmt.targets):
            value = stmt.value if len(stmt.targets) == 1 else None
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            value = stmt.value
    if not isinstance(value, (ast.Tuple, ast.List)):
        return None
    bindings = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            bindings += 1
        elif isinstance(node, (ast.Attribute, ast.Subscript)) and isinstance(node.value, ast.Name) and node.value.id == name:
            if isinstance(node, ast.Attribute) or not isinstance(node.ctx, ast.Load):
                return None  # changed in place, or possibly
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return None
    return value if bindings == 1 else None


def _event(node: Optional[ast.expr]) -> Optional[str]:
    if isinstance(node, ast.Constant) and node.value in ("startup", "shutdown"):
        return node.value
    return None


def _short(call: ast.Call) -> str:
    """`app.on_event("startup")`: the call with its first argument, for messages."""
    first = ast.unparse(call.args[0]) if call.args else ""
    return f"{ast.unparse(call.func)}({first}{', ...' if len(call.args) > 1 else ''})"


def extract_facts(
    tree: ast.Module, settings: Settings, lookup: Optional[ClassLookup] = None,
    text: Optional[str] = None, *, reported: bool = True,
) -> FileFacts:
    """The facts of one file. `lookup`, when given, answers for classes imported from other
    project modules: router (or app) classes and dependencies classes. `text`, the file's
    source when at hand, lets the extraction skip walks the text shows to be useless.
    `reported=False`: a module read for the project pass only, without the facts its own
    rules alone read (see _Extractor._reported_facts)."""
    return _Extractor(tree, settings, lookup, text, reported).run()
