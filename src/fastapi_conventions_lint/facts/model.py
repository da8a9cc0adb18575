"""The facts one traversal extracts from a file; rules read these instead of the tree."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Protocol, Set, Tuple, Union

from fastapi_conventions_lint.facts.names import ImportTable
from fastapi_conventions_lint.facts.values import NO_PREFIX, PrefixResolver, PrefixValue

FunctionNode = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass
class RouterClass:
    """A class deriving from APIRouter (or FastAPI), and what its `__init__` passes to
    `super().__init__`: a fixed expression, or a forwarded parameter (with its default)."""

    is_app: bool
    has_init: bool = False  # an `__init__` of its own or of a base class
    fixed: Dict[str, ast.expr] = field(default_factory=dict)
    forwarded: Dict[str, Optional[ast.expr]] = field(default_factory=dict)
    # The fixed prefix resolved in the class's own module (other modules read this, never
    # the expression, which belongs to the class's file).
    fixed_prefix: Optional[PrefixValue] = None
    fixed_tags: Optional[Tuple[str, ...]] = None
    module: Optional[str] = None  # set when the class was found in another module
    # Whether its constructor can be given a prefix / tags at all (an `__init__` that names
    # neither the parameter nor `**kwargs` cannot pass them on).
    accepts_prefix: bool = True
    accepts_tags: bool = True


class ClassLookup(Protocol):
    """Answers, for a dotted name a file imports, what project analysis knows of the class."""

    def router_class(self, qualname: str) -> Optional[RouterClass]: ...

    def router_factory(self, qualname: str) -> Optional[RouterClass]: ...

    def is_dependencies_class(self, qualname: str) -> bool: ...

    def is_data_handle_type(self, qualname: str) -> bool:
        """Whether the name is a data-handle type (FCL102) or an alias of one, in the project
        module that binds it (followed through imports and re-exports)."""
        ...

    def module_name(self) -> str:
        """The dotted name of the module the questions are asked for."""
        ...

    def project_root(self) -> Optional[str]:
        """The project's top folder (its workspace), None for a loose file."""
        ...

    def external_name(self, qualname: str) -> Optional[str]:
        """What the name stands for outside the project, its imports and re-exports followed
        (`httpx.AsyncClient`); None when a module of the project defines it."""
        ...


@dataclass(eq=False)
class RouterFact:
    """An `APIRouter(...)` (or in-file subclass) or `FastAPI(...)` construction."""

    call: ast.Call
    var: Optional[str]
    is_app: bool
    prefix_node: Optional[ast.expr] = None  # where the effective prefix is written
    prefix: PrefixValue = NO_PREFIX
    has_tags: bool = False
    tag_values: Optional[Tuple[str, ...]] = ()  # None when not statically known
    # Made through an in-file subclass whose `__init__` (its own or an in-file base's) decides
    # what the call's arguments become: a fix cannot simply add an argument to the call.
    custom_init: bool = False
    # Made from a class whose constructor takes no prefix / no tags (see RouterClass).
    accepts_prefix: bool = True
    accepts_tags: bool = True
    route_count: int = 0  # routes registered on it in the file, whatever their endpoint
    # Routes registered on it from other modules (the project pass): the whole-app rules count
    # them; the file rules do not, so that one file gives the same answer in both hosts.
    routes_elsewhere: int = 0
    # Startup/shutdown handlers other modules register on it (set by the project index).
    event_registrations_elsewhere: int = 0
    handlers: List["HandlerFact"] = field(default_factory=list)
    includes: List["IncludeFact"] = field(default_factory=list)  # include_router calls on it
    included_in: List["IncludeFact"] = field(default_factory=list)
    include_in_schema: bool = True  # False: `APIRouter(include_in_schema=False)`
    # Its routes are read through `.routes` (`callbacks=router.routes`): a callback router,
    # or routes copied elsewhere by hand.
    routes_read: bool = False
    # The router object leaves the module's sight: passed to a call other than include_router
    # (`register(app, router)`, `app.mount("/x", router)`), put in a list, tuple, set or dict,
    # assigned, returned or yielded, in its file (set by the extraction) or by a module
    # importing it (set by FCL009 for the routers it would report: see `imported_escapes`).
    # Where it goes from there is not followed.
    escapes: bool = False
    # Kept on an instance attribute (`self.router = APIRouter()`, facts/instances.py).
    on_instance: bool = False
    # The top-level function that makes and returns it (facts/returned_routers.py).
    returned_by: Optional[str] = None

    @property
    def made_per_call(self) -> bool:
        """Made anew for each instance of its class, or at each call of its factory."""
        return self.on_instance or self.returned_by is not None

    @property
    def includes_unseen(self) -> bool:
        """Made per instance or per call and included nowhere this analysis sees: whoever
        holds the instance, or calls the factory, may include it
        (`app.include_router(server.sessions.router)`, `app.include_router(make_router())`)."""
        return self.made_per_call and not self.included_in

    @property
    def is_aggregator(self) -> bool:
        """No route of its own in the file, and at least one include_router made on it."""
        return not self.route_count and bool(self.includes)

    @property
    def parents(self) -> List[Optional["RouterFact"]]:
        """The routers/apps it is included into; None for a receiver the file cannot see."""
        return [include.receiver for include in self.included_in]

    @property
    def may_be_nested(self) -> bool:
        """Included into a router, or into something this file cannot identify."""
        return self.includes_unseen or any(parent is None or not parent.is_app for parent in self.parents)


@dataclass(eq=False)
class HandlerFact:
    """A route handler: a decorated function, or one passed to `add_api_route`."""

    node: FunctionNode
    receiver: Optional[RouterFact]  # None when the receiver is imported from another module
    method: str


@dataclass(eq=False)
class RouteFact:
    """One route registration (a decorator or an add_api_route call), for the route table."""

    receiver: Optional[RouterFact]  # None: a receiver this file imports
    receiver_node: ast.expr
    methods: Tuple[str, ...]  # () for a websocket
    path: PrefixValue
    endpoint: str  # the function's name, or the endpoint expression as written
    line: int
    websocket: bool = False
    starlette: bool = False  # `add_route`: a plain Starlette route, outside the OpenAPI schema
    include_in_schema: bool = True
    tags: Optional[Tuple[str, ...]] = ()  # None when not statically known
    call: Optional[ast.Call] = None  # the decorator or add_api_route call
    path_node: Optional[ast.expr] = None  # where the path is written
    function: Optional[FunctionNode] = None  # the endpoint, when it is a function of the file
    # Registered on a parameter of a top-level function declared a FastAPI app or router
    # (`def register(router: APIRouter)`): the project index links it through the callers.
    receiver_parameter: Optional["Parameter"] = None
    # Linked through the callers: where the function is called (file, line, column), which
    # orders the route among the receiver's registrations; and, when callers pass different
    # receivers, the function's name (one copy of the route per receiver).
    made_at: Optional[Tuple[str, int, int]] = None
    for_callers_of: Optional[str] = None
    # The receiver is a name the function registering the route binds to a call's result
    # (`app = make_app()`): where that call is (line, column). Two such calls make two
    # objects, whose registrations never meet (two factories of one app).
    instance: Optional[Tuple[int, int]] = None


@dataclass(eq=False)
class MountFact:
    """`app.mount(path, ...)`: an application the route table cannot look into."""

    receiver: Optional[RouterFact]
    receiver_node: ast.expr
    path: PrefixValue
    line: int


@dataclass(eq=False)
class IncludeFact:
    """An `X.include_router(r, ...)` call."""

    call: ast.Call
    receiver: Optional[RouterFact]
    router_node: Optional[ast.expr]
    router: Optional[RouterFact]
    prefix_node: Optional[ast.expr]
    prefix: PrefixValue
    tags: Optional[Tuple[str, ...]] = ()  # None when not statically known
    include_in_schema: bool = True
    path: Optional[str] = None  # the file making the call, set by the project index
    # The receiver or the router is a parameter of the top-level function the call is made in
    # (`def add_routers(app): app.include_router(users.router)`): what the function's callers
    # pass there is linked by the project index (project/parameter_links.py).
    receiver_parameter: Optional["Parameter"] = None
    router_parameter: Optional["Parameter"] = None
    # One of the includes a loop makes over a fixed tuple or list of routers (the call is
    # shared: a fix that edits it edits the include of every router of the loop).
    in_loop: bool = False
    # One of the includes a function makes through a parameter whose callers pass different
    # routers or apps: the function's name (project/parameter_links.py). The call is shared
    # here too.
    for_callers_of: Optional[str] = None
    # Where the include comes in its receiver's order of registration when that is not at
    # the call: the file, line and column of the call of the function that makes it through
    # a parameter.
    made_at: Optional[Tuple[str, int, int]] = None
    # As RouteFact.instance: the receiver is bound, in the function making the include, to
    # the result of the call there.
    instance: Optional[Tuple[int, int]] = None
    # Made in a method named `include_router`: a router class's override handing its
    # caller's arguments on (`super().include_router(router, prefix=prefix)`).
    forwards: bool = False
    # Its prefix is the receiver's or the router's own, read back from it
    # (facts/includes.py reads_own_prefix): the router defines it.
    reads_own_prefix: bool = False

    @property
    def registration_order(self) -> Tuple[int, int]:
        """(line, column) of where the include is made, for ordering a router's includes."""
        return self.made_at[1:] if self.made_at is not None else (self.call.lineno, self.call.col_offset)

    @property
    def shared_with(self) -> str:
        """Why the call is not this include's alone, for a fix's refusal ("" when it is)."""
        if self.in_loop:
            return "the include_router is made in a loop over several routers"
        if self.for_callers_of is not None:
            return f"the include_router is made in `{self.for_callers_of}()`, whose callers pass different routers or apps"
        return ""


@dataclass(frozen=True)
class Parameter:
    """A parameter of a module's top-level function, as its callers give it: by position
    (None for a keyword-only one) or by name. `of_class`: a parameter of a top-level class's
    `__init__` (`function` names the class), the instance aside: what `Api(app)` passes."""

    function: str
    position: Optional[int]
    name: str
    of_class: bool = False
    # Of a class: the method the registration is made in, when `__init__` does not call it
    # (`api = Api(app)`, then `api.register_routes()`): its callers must call it too.
    method: Optional[str] = None


@dataclass(eq=False)
class EventRegistration:
    """A startup/shutdown handler registered the old way: `@app.on_event("startup")`,
    `app.router.on_event(...)`, `add_event_handler(...)`, `on_startup=`/`on_shutdown=`."""

    node: ast.AST  # the decorator, the call, or the keyword's value
    # The app or router it is registered on; None for one the file imports, until the
    # project index links it (the CLI only).
    receiver: Optional[RouterFact]
    form: str  # as written, for messages: `@app.on_event("startup")`
    event: Optional[str] = None  # "startup" or "shutdown", when written as a literal
    # The handlers as written: the decorated function, the call's second argument, the
    # keyword's list items (empty when not statically a list).
    handlers: Tuple[ast.AST, ...] = ()
    receiver_node: Optional[ast.expr] = None  # the receiver as written, when imported (`app`)
    through_router: bool = False  # `app.router.on_event(...)`: the receiver must be an app


@dataclass(eq=False)
class DependencyDefault:
    """A parameter whose default is `Depends(...)` or `Security(...)`."""

    function: FunctionNode
    parameter: ast.arg
    call: ast.Call


@dataclass(eq=False)
class Lifecycle:
    """An owned dependencies object in one function, with its initialize/cleanup calls."""

    function: FunctionNode
    var: str
    created: ast.stmt
    initialize_calls: List[ast.Call] = field(default_factory=list)
    cleanup_calls: List[ast.Call] = field(default_factory=list)
    unprotected_cleanups: List[ast.Call] = field(default_factory=list)
    # The statement holding the first initialize() call, else the creation.
    anchor: Optional[ast.stmt] = None
    # id(call) -> the innermost statement holding that initialize()/cleanup() call.
    call_statements: Dict[int, ast.stmt] = field(default_factory=dict)
    # id(statement) -> the statement list it sits in, for every statement of the function.
    blocks: Dict[int, List[ast.stmt]] = field(default_factory=dict)


@dataclass(eq=False)
class FileFacts:
    imports: ImportTable
    resolver: PrefixResolver
    bindings: Dict[str, object]
    filename: str = ""  # the file as the host names it, set by the host ("" when unknown)
    routers: List[RouterFact] = field(default_factory=list)
    includes: List[IncludeFact] = field(default_factory=list)
    handlers: List[HandlerFact] = field(default_factory=list)
    routes: List[RouteFact] = field(default_factory=list)
    mounts: List[MountFact] = field(default_factory=list)
    # `X.routes` reads whose X this file cannot resolve (an imported name): the project index
    # marks the router they name in another module as routes_read.
    routes_reads: List[ast.expr] = field(default_factory=list)
    # Name -> the routers bound to it in the file (any scope), for cross-module lookups.
    routers_by_name: Dict[str, List[RouterFact]] = field(default_factory=dict)
    # Classes of this file deriving from APIRouter/FastAPI, and from BaseDependencies.
    router_classes: Dict[str, RouterClass] = field(default_factory=dict)
    # Functions returning a router class, and class-like module-level aliases (router_classes.py).
    router_factories: Dict[str, RouterClass] = field(default_factory=dict)
    # Top-level functions that make and return a router, by name (returned_routers.py).
    returned_routers: Dict[str, RouterFact] = field(default_factory=dict)
    # Top-level functions that include through a parameter and return it, by name: a call of
    # one gives back what is passed there (returned_routers.py).
    returned_parameters: Dict[str, "Parameter"] = field(default_factory=dict)
    class_aliases: Dict[str, ast.expr] = field(default_factory=dict)
    dependency_classes: Set[str] = field(default_factory=set)
    dependency_defaults: List[DependencyDefault] = field(default_factory=list)
    lifecycles: List[Lifecycle] = field(default_factory=list)
    # Classes and functions defined at the top level of the file, by name.
    classes: Dict[str, ast.ClassDef] = field(default_factory=dict)
    functions: Dict[str, FunctionNode] = field(default_factory=dict)
    # Top-level names bound to a data-handle type, an alias of one (`SessionDep =
    # Annotated[Session, Depends(get_db)]`) or a subclass of one: other modules import them.
    data_handle_aliases: Set[str] = field(default_factory=set)
    # Startup/shutdown handlers registered without lifespan (FCL301, FCL302).
    event_registrations: List[EventRegistration] = field(default_factory=list)
    # Blocking calls in async route handlers and async dependencies (FCL105): BlockingCall.
    blocking_calls: List[object] = field(default_factory=list)
    # Integer literals used as HTTP status codes (FCL401): StatusLiteral.
    status_literals: List[object] = field(default_factory=list)
    status_name_free: bool = True  # `status` can be imported from fastapi here
    # The file imports something of FastAPI or Starlette, or names one of their modules in a
    # string (`lazy_import("fastapi")`): an `include_router` or a route of a file that does
    # neither, on an object nothing links to FastAPI, may be another library's.
    uses_fastapi: bool = False
    # HTTPException details built from a caught exception (FCL402).
    leaked_details: List[ast.expr] = field(default_factory=list)
    # FCL303: what the file makes a dependency or a lifespan (a yield_cleanup.DependencyTargets),
    # and the cleanups after a `yield` of its own such functions that an exception skips.
    dependency_targets: Any = None
    # The lines the module's top-level statements start on (FCL301's fix asks where a
    # registration is).
    top_level_lines: Set[int] = field(default_factory=set)
    yield_cleanups: List[Any] = field(default_factory=list)
    # Reads of the process environment (`os.getenv(...)`, `os.environ[...]`): FCL502.
    environment_reads: List[ast.expr] = field(default_factory=list)
    # Answers for the names the file imports from other project modules (FCL102 asks it
    # about the annotations of route handlers' parameters).
    lookup: Optional[ClassLookup] = None
    # The tree the facts were read from: what looks at statements the facts do not name
    # (branches, the attributes the move planner scans for) reads it instead of the file,
    # which may since have changed, or be standard input, or a fix's text not yet written.
    tree: Optional[ast.Module] = None

    def top_level_scope(self, line: int) -> Optional[Union[FunctionNode, ast.ClassDef]]:
        """The top-level function or class whose lines hold the line; None outside any."""
        for scope in (*self.functions.values(), *self.classes.values()):
            if scope.lineno <= line <= (scope.end_lineno or scope.lineno):
                return scope
        return None
