from __future__ import annotations

import ast
import os
import re
from pathlib import PurePath
from typing import FrozenSet, Optional, Set

from fastapi_conventions_lint.facts.model import FileFacts, IncludeFact, RouterFact
from fastapi_conventions_lint.facts.values import PrefixValue
from fastapi_conventions_lint.rules._modules import is_test_module
from fastapi_conventions_lint.rules.base import CrossFileFix, Fix, Invalid, Rule, Valid

TAG_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.~-]*")  # what a derived tag may look like


class RouterMissingTags(Rule):
    code = "FCL003"
    name = "router-missing-tags"
    summary = "A router is created without tags for OpenAPI grouping."
    rationale = "Always include tags for OpenAPI grouping: tags help organize API docs."
    guide_section = "Router Prefix Convention"
    fix = Fix.UNSAFE
    fix_description = (
        'Adds `tags=["<name>"]`: the last segment of the prefix that is no path parameter (the '
        "router's own prefix, else the one its include in the same file gives), else the "
        "folder's name for a file "
        "with a generic name (router.py, routes.py, api.py, endpoints.py, views.py, "
        "`__init__.py`); otherwise no tag is guessed. "
        "Unsafe: the tag is a guessed name. Not offered for a router subclass with its own "
        "`__init__`, for a router with routers nested in it (its tags would go to their routes "
        "too), nor when an include gives the tags (the cross-file fix moves those)."
    )
    cross_file_fix = CrossFileFix(Fix.SAFE, (
        "Moves the include's literal `tags=[...]` into the router's own definition when the "
        "router has none. Safe: same tags, same order. Made only when the router is a plain "
        "`APIRouter(...)` in a file of the run, included exactly once in the whole project, and "
        "the app's static route table comes out the same."
    ))

    VALID = (
        Valid('''
            from fastapi import APIRouter


            class EndpointDecorator:
                def get(self, path: str, **kwargs):
                    def decorator(func):
                        router = APIRouter()
                        router.add_api_route(path, func, methods=["GET"], **kwargs)
                        return router

                    return decorator


            endpoint = EndpointDecorator()
        ''', note="a router a decorator's inner function makes and hands to whoever calls it (a plugin loader)"),
        Valid(files={
            "app/routing.py": '''
                from fastapi import APIRouter


                class TaggedRouter(APIRouter):
                    def __init__(self, **kwargs):
                        kwargs.setdefault("tags", ["api"])
                        super().__init__(**kwargs)


                class InternalRouter(APIRouter):
                    def __init__(self, *args, **kwargs):
                        kwargs["tags"] = ["internal"]
                        super().__init__(*args, **kwargs)
            ''',
            "app/users.py": '''
                from app.routing import InternalRouter, TaggedRouter

                users = TaggedRouter(prefix=api_config.V1_PREFIX)
                health = InternalRouter(prefix="/health")  # noqa: FCL001


                @users.get("/users")
                def list_users():
                    return []


                @health.get("")
                def ping():
                    return "pong"
            ''',
        }, note="router classes of another module whose `__init__` gives the tags (a default, or fixed)"),
        Valid('''
            from fastapi import APIRouter


            class VersionRouter(APIRouter):
                def __init__(self, prefix: str):
                    super().__init__(prefix=prefix, include_in_schema=True)


            router = VersionRouter(api_config.V1_PREFIX)


            @router.get("/version")
            def version():
                return "1"
        ''', note="a router class whose constructor takes no tags: they cannot be given here"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from webhooks.callbacks import router as callbacks

                app = FastAPI()


                @app.post("/invoices", callbacks=callbacks.routes, tags=["invoices"])
                def create_invoice():
                    return {}
            ''',
            "webhooks/callbacks.py": '''
                from fastapi import APIRouter

                router = APIRouter()


                @router.post("{$callback_url}/invoices/paid")
                def invoice_paid():
                    return None
            ''',
        }, note=(
            "a callback router, read through `.routes` in another module: OpenAPI shows its "
            "routes under the operation that names them"
        )),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.CAPABILITIES_PREFIX, tags=["capabilities", "calendar"])
        '''),
        Valid('''
            from fastapi import APIRouter

            TAGS = ["reports"]
            router = APIRouter(prefix="/reports", tags=TAGS)  # noqa: FCL001
        ''', note="a name counts as tags"),
        Valid('''
            from fastapi import APIRouter
            from .users import users_router
            from .items import items_router

            api = APIRouter()
            api.include_router(users_router)
            api.include_router(items_router)
        ''', note="an aggregator has no routes of its own"),
        Valid('''
            from fastapi import APIRouter as R

            parent = R(prefix="/admin", tags=["admin"])
            child = R(prefix="/audit")

            @child.get("/events")
            def events():
                return []

            parent.include_router(child)
        ''', note="nested in a tagged parent: FastAPI adds the parent's tags"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI()
        ''', note="apps are not routers"),
        Valid('''
            from fastapi import APIRouter

            OPTIONS = {"prefix": "/reports", "tags": ["reports"]}
            router = APIRouter(**OPTIONS)

            @router.get("/daily")
            def daily():
                return []
        ''', note="options unpacked from a mapping may carry tags: not reported"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            internal = APIRouter(prefix="/internal", include_in_schema=False)  # noqa: FCL001

            @internal.get("/metrics")
            def metrics():
                return {}

            hidden = APIRouter(prefix=api_config.ADMIN_PREFIX)

            @hidden.get("/debug")
            def debug():
                return {}

            app = FastAPI()
            app.include_router(hidden, include_in_schema=False)
        ''', note="left out of the OpenAPI schema by the router itself, or by its only include"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.get("/health", include_in_schema=False)
            def health():
                return {}

            @router.get("/ready", include_in_schema=False)
            def ready():
                return {}
        ''', note="every route is left out of the schema"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            parent = APIRouter()
            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.get("/items")
            def items():
                return []

            @parent.get("/status")
            def status():
                return {}

            parent.include_router(router)
            app = FastAPI(openapi_url=None)
            app.include_router(parent)
        ''', note="an app without OpenAPI docs (`openapi_url=None`), directly or through a parent router"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.get("/users", tags=["users"])
            def users():
                return []

            @router.get("/items", tags=["items"])
            def items():
                return []
        ''', note="every route gives its own tags"),
        Valid('''
            from fastapi import APIRouter, WebSocket

            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.websocket("/messages")
            async def messages(websocket: WebSocket) -> None:
                await websocket.accept()
        ''', note="websocket routes only: the OpenAPI docs never show them"),
        Valid('''
            from fastapi import APIRouter


            class TracesRouter:
                def __init__(self):
                    self.router = APIRouter(prefix=api_config.TRACES_PREFIX)
                    self.router.add_api_route("", self.list_traces, methods=["GET"])

                async def list_traces(self) -> list:
                    return []
        ''', note=(
            "a router kept on an instance, included nowhere in sight: whoever holds the instance "
            "may include it with tags"
        )),
        Valid('''
            from fastapi import APIRouter, FastAPI


            class Server:
                def __init__(self):
                    self.app = FastAPI(docs_url=None, redoc_url=None)
                    self.router = APIRouter(prefix=api_config.PING_PREFIX)  # noqa: FCL003
                    self.router.add_api_route("", self.ping, methods=["GET"])
                    self.app.include_router(self.router)

                def ping(self) -> dict:
                    return {}
        ''', note="suppressed, on a router kept on an instance and included into the app it keeps"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            events = APIRouter()

            @events.post("{$callback_url}/events")
            def event_notification(body: dict):
                pass

            internal = APIRouter()

            @internal.get("/internal")
            def internal_status():
                return {}

            app = FastAPI()

            @app.post("/subscriptions", callbacks=events.routes)
            def subscribe(url: str):
                return {}

            app.router.routes.extend(internal.routes)
        ''', note="routes read through `.routes`: a callback router, or routes copied by hand"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/ping")  # noqa: FCL003,FCL001

            @router.get("")
            async def ping():
                return "pong"
        ''', note="suppressed"),
        Valid(files={
            "app/users.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix=api_config.USERS_PREFIX)


                @router.get("")
                def list_users():
                    return []
            ''',
            "app/routing.py": '''
                from app import users


                def add_routers(parent):
                    parent.include_router(users.router)
            ''',
            "app/main.py": '''
                from fastapi import APIRouter, FastAPI

                from app.routing import add_routers

                api = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])
                add_routers(api)
                app = FastAPI()
                app.include_router(api)
            ''',
        }, note="included by a helper into the router its caller passes, which gives the tags"),
        Valid(files={
            "tests/test_items.py": '''
                from fastapi import APIRouter, FastAPI
                from fastapi.testclient import TestClient


                def test_items_are_listed():
                    router = APIRouter()

                    @router.get("/items")
                    def list_items():
                        return []

                    app = FastAPI()
                    app.include_router(router)
                    assert TestClient(app).get("/items").json() == []
            ''',
        }, note="a router a test makes (sync handler) is never served, nor shown in the docs"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)
            items = APIRouter(prefix="/items")  # noqa: FCL001


            @items.get("")
            def list_items() -> list:
                return []


            options = {"tags": ["items"]}
            app.include_router(items, **options)
        ''', at=(4, 9), message="may give them through `**...`",
            note="options spread into the include: its tags are not known, the router's are missing"),
        Invalid(files={
            "app/users.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix=api_config.USERS_PREFIX)


                @router.get("")
                async def list_users() -> list:
                    return []
            ''',
            "app/routing.py": '''
                from app import users


                def add_routers(app):
                    app.include_router(users.router, tags=["users"])
            ''',
            "app/server.py": '''
                import fastapi as fa

                from app.routing import add_routers


                class Server:
                    def __init__(self):
                        self.app = fa.FastAPI(docs_url=None, redoc_url=None)
                        add_routers(self.app)
            ''',
        }, at=("app/users.py", 3, 10), message="routing.py:5): move them into the router",
            note="included by a helper into the app a method hands it (`add_routers(self.app)`)"),
        Invalid(files={
            "app/items.py": '''
                import fastapi as fa


                def make_items_router(service) -> fa.APIRouter:
                    router = fa.APIRouter(prefix=api_config.ITEMS_PREFIX)

                    @router.get("")
                    async def list_items() -> list:
                        return service.all()

                    return router
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app.items import make_items_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(make_items_router(service=None), tags=["items"])
            ''',
        }, at=("app/items.py", 5, 14),
            message="main.py:6): move them into the router",
            note="a router a function of another module makes and returns, included as the call's result"),
        Invalid(files={
            "app/users.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix=api_config.USERS_PREFIX)


                @router.get("")
                def list_users():
                    return []
            ''',
            "app/routing.py": '''
                from app import users


                def add_routers(app):
                    app.include_router(users.router)
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app.routing import add_routers

                app = FastAPI()
                add_routers(app)
            ''',
        }, at=("app/users.py", 3, 10),
            note="included by a helper into the app its caller passes: no tags on the way"),
        Invalid(files={
            "app/routing.py": '''
                from fastapi import APIRouter


                class AuditedRouter(APIRouter):
                    def __init__(self, *args, **kwargs):
                        super().__init__(*args, **kwargs)
            ''',
            "app/api/__init__.py": '''
                from app.routing import AuditedRouter as Router
            ''',
            "app/api/users.py": '''
                from app.api import Router

                router = Router(prefix=api_config.V1_PREFIX)


                @router.get("/users")
                def list_users():
                    return []
            ''',
        }, at=("app/api/users.py", 3, 10), note="a router subclass of another module, re-exported under another name"),
        Invalid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.get("/users")
            def users():
                return []

            app = FastAPI()
            app.include_router(router, tags=["users"])
        ''', at=(3, 10), message="they are given at its include (line 10): move them into the router",
            note="the tags are given at the include; another module's include is named by its file"),
        Invalid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix=api_config.V1_PREFIX)

            @router.get("/users", tags=["users"])
            def users():
                return []

            @router.get("/health", include_in_schema=False)
            def health():
                return {}

            @router.get("/items")
            def items():
                return []

            docs = FastAPI()
            docs.include_router(router)
            bare = FastAPI(openapi_url=None)
            bare.include_router(router)
        ''', at=(3, 10), note=(
            "one route shows in the docs without tags of its own; one of the two apps serves docs"
        ), fixed='''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])

            @router.get("/users", tags=["users"])
            def users():
                return []

            @router.get("/health", include_in_schema=False)
            def health():
                return {}

            @router.get("/items")
            def items():
                return []

            docs = FastAPI()
            docs.include_router(router)
            bare = FastAPI(openapi_url=None)
            bare.include_router(router)
        '''),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.RAG_PREFIX)
        ''', at=(4, 10), note="the tag: the last segment of the configured constant's value", fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.RAG_PREFIX, tags=["rag"])
        '''),
        Invalid('''
            import fastapi as fa

            router = fa.APIRouter(prefix=api_config.RAG_PREFIX, tags=[])

            @router.post("/search")
            def search():
                return []
        ''', at=(3, 10), note="an empty list is no tags", fixed='''
            import fastapi as fa

            router = fa.APIRouter(prefix=api_config.RAG_PREFIX, tags=["rag"])

            @router.post("/search")
            def search():
                return []
        '''),
        Invalid('''
            from fastapi import APIRouter

            class TaggedRouter(APIRouter):
                def __init__(self, prefix: str = "", tags=None):
                    super().__init__(prefix=prefix, tags=tags)

            router = TaggedRouter(prefix=api_config.ADMIN_PREFIX)
        ''', at=(7, 10), note=(
            "a subclass forwarding tags=None; no fix: the subclass's `__init__` decides what "
            "reaches APIRouter"
        )),
        Invalid('''
            from fastapi import APIRouter

            parent = APIRouter(prefix=api_config.V1_PREFIX, tags=None)
            child = APIRouter(prefix="/audit")

            @parent.get("/health")
            async def health():
                return {}

            parent.include_router(child)
        ''', at=[(3, 10), (4, 9)], note=(
            "nested in a parent without tags; the parent gets no fix: its tags would go to the "
            "child's routes too"
        ), fixed='''
            from fastapi import APIRouter

            parent = APIRouter(prefix=api_config.V1_PREFIX, tags=None)
            child = APIRouter(prefix="/audit", tags=["audit"])

            @parent.get("/health")
            async def health():
                return {}

            parent.include_router(child)
        '''),
        Invalid('''
            from fastapi import APIRouter
            from .users import users_router

            api = APIRouter(prefix=api_config.V1_PREFIX)
            api.add_api_route("/ping", lambda: "pong")
            api.include_router(users_router)
        ''', at=(4, 7), note=(
            "a route registered with add_api_route: not an aggregator; no fix, as a router is "
            "nested in it"
        )),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(
                prefix=f"{api_config.SERVICES_PREFIX}/immich",  # the photo service
                dependencies=[Depends(require_user)],
            )
        ''', at=(4, 10), note="a multi-line call keeps one argument per line, trailing comma", fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(
                prefix=f"{api_config.SERVICES_PREFIX}/immich",  # the photo service
                dependencies=[Depends(require_user)],
                tags=["immich"],
            )
        '''),
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/feature/{feature_id}", tags=())

            @router.get("/flags")
            def flags(feature_id: str):
                return []
        ''', at=(3, 10), note="a literal prefix: its last segment that is no path parameter", fixed='''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/feature/{feature_id}", tags=["feature"])

            @router.get("/flags")
            def flags(feature_id: str):
                return []
        '''),
        Invalid(files={
            "app/traces.py": '''
                from fastapi import APIRouter


                class TracesRouter:
                    def __init__(self, service):
                        self.service = service
                        self.router = APIRouter(prefix=api_config.TRACES_PREFIX)
                        self.router.add_api_route("", self.list_traces, methods=["GET"])

                    async def list_traces(self) -> list:
                        return []
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app.traces import TracesRouter

                app = FastAPI()
                traces = TracesRouter(service=None)
                app.include_router(traces.router, tags=["traces"])
            ''',
        }, at=("app/traces.py", 7, 23), message="main.py:7): move them into the router",
            note="a router kept on an instance, included as an attribute of an instance made in another module"),
        Invalid(files={
            "app/sessions.py": '''
                from fastapi import APIRouter


                class StreamsRouter:
                    def __init__(self):
                        self.router = APIRouter(prefix=api_config.STREAMS_PREFIX)

                        @self.router.get("")
                        def list_streams() -> list:
                            return []


                class SessionsRouters:
                    def __init__(self):
                        self.streams = StreamsRouter()
            ''',
            "app/main.py": '''
                import fastapi

                from app.sessions import SessionsRouters

                app = fastapi.FastAPI()
                sessions = SessionsRouters()
                app.include_router(router=sessions.streams.router, tags=["sessions"])
            ''',
        }, at=("app/sessions.py", 6, 23), message="main.py:7): move them into the router",
            note="a router an instance's attribute keeps (`sessions.streams.router`): two levels of instances"),
        Invalid('''
            from fastapi import APIRouter, FastAPI


            class Server:
                def __init__(self):
                    self.app = FastAPI(docs_url=None, redoc_url=None)
                    self.router = APIRouter(prefix=f"{api_config.V1_PREFIX}/ping")
                    self.router.add_api_route("", self.ping, methods=["GET"])
                    self.app.include_router(self.router)

                async def ping(self) -> dict:
                    return {}
        ''', at=(7, 23), note="a router kept on an instance, included into the app the instance keeps", fixed='''
            from fastapi import APIRouter, FastAPI


            class Server:
                def __init__(self):
                    self.app = FastAPI(docs_url=None, redoc_url=None)
                    self.router = APIRouter(prefix=f"{api_config.V1_PREFIX}/ping", tags=["ping"])
                    self.router.add_api_route("", self.ping, methods=["GET"])
                    self.app.include_router(self.router)

                async def ping(self) -> dict:
                    return {}
        '''),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.V1_PREFIX}/{NAME}")
        ''', at=(4, 10), note=(
            "the prefix ends in an unknown part and the file name (example.py) is not a generic "
            "one whose folder could name it: no tag is guessed"
        )),
    )

    def check(self, facts, settings):
        if not facts.routers or is_test_module(facts, settings):
            return  # a router a test makes is never served, nor shown in the docs
        own_includes = {id(include) for include in facts.includes}
        for router in facts.routers:
            if router.is_app or router.has_tags or router.is_aggregator or not router.accepts_tags:
                continue  # (a router class whose constructor takes no tags cannot be given any)
            if router.includes_unseen or any(
                parent is None or (not parent.is_app and parent.has_tags) for parent in router.parents
            ):
                continue
            given = next((include for include in router.included_in if include.tags != ()), None)
            if given is not None:
                # Tags are wanted here, only given in the wrong place: whatever the schema shows.
                spread = given.tags is None and not any(keyword.arg == "tags" for keyword in given.call.keywords)
                yield self.report(router.call, (
                    f"router has no tags; its include ({_where(given, own_includes)}) may give them "
                    "through `**...`: put them in the router"
                ) if spread else (
                    f"router has no tags; they are given at its include "
                    f"({_where(given, own_includes)}): move them into the router"
                ))
                continue
            if router.routes_read or not shown_in_openapi(router) or _routes_tag_themselves(router, facts):
                continue
            message = "router has no tags: add tags=[...] to group its routes in the OpenAPI docs"
            if router.custom_init or router.includes:
                # A subclass's __init__ decides what reaches APIRouter (an argument added to
                # the call may be ignored, or refused); a router with routers nested in it
                # gives its tags to theirs too, which a guessed name should not decide.
                yield self.report(router.call, message)
                continue
            tag = prefix_tag(router.prefix)
            if tag is None and len(router.included_in) == 1 and id(router.included_in[0]) in own_includes:
                # The prefix its include in this file gives. (An include in another module is
                # not seen the same way by every run, so it names no tag.)
                tag = prefix_tag(router.included_in[0].prefix)
            if tag is None:
                tag = package_name(facts.filename)
            if tag is None:
                yield self.report(router.call, message)  # no name to guess from: no fix
                continue
            yield self.report(router.call, message, description=f'add tags=["{tag}"]', tag=tag)


def shown_in_openapi(router: RouterFact, via: FrozenSet[int] = frozenset()) -> bool:
    """Whether the OpenAPI schema may show the routes served through `router`: not when the
    router, every include of it, or every app it ends up in leaves them out
    (`include_in_schema=False`, `FastAPI(openapi_url=None)`). Unknown receivers show them."""
    if id(router) in via:
        return True  # a cycle: nothing hides it
    if router.is_app:
        openapi_url = next((k.value for k in router.call.keywords if k.arg == "openapi_url"), False)
        return not (isinstance(openapi_url, ast.Constant) and openapi_url.value is None)
    if not router.include_in_schema:
        return False
    if not router.included_in:
        return True
    via = via | {id(router)}
    return any(
        include.include_in_schema and (include.receiver is None or shown_in_openapi(include.receiver, via))
        for include in router.included_in
    )


def _routes_tag_themselves(router: RouterFact, facts: FileFacts) -> bool:
    """Every route of the router (at least one, all registered in this file) is left out of
    the schema (a websocket or plain Starlette route is never in it) or gives its own tags: the
    router's tags would change nothing in the docs."""
    routes = [route for route in facts.routes if route.receiver is router]
    return bool(routes) and len(routes) >= router.route_count and all(
        not route.include_in_schema or route.websocket or route.starlette or route.tags != ()
        for route in routes
    )


def _where(include: IncludeFact, own: Set[int]) -> str:
    """`line 12` for an include in the router's file, else `main.py:12` (relative to the
    current directory when below it)."""
    line = include.call.lineno
    if id(include) in own or include.path is None:
        return f"line {line}"
    shown = include.path
    try:
        relative = os.path.relpath(shown)
    except ValueError:  # pragma: no cover - another drive, on Windows
        relative = shown
    if not relative.startswith(".."):
        shown = relative
    return f"{shown}:{line}"


# File names that say nothing of their routes: the folder names the feature instead.
_GENERIC_STEMS = frozenset({"router", "routers", "routes", "api", "endpoints", "views", "__init__"})


def package_name(filename: str) -> Optional[str]:
    """`capabilities/calendar/router.py` -> "calendar"; None for any other file name (a
    module's own name, such as `tutorial003_py310`, is no tag) and when no usable name comes
    out (stdin, odd characters)."""
    if not filename or filename == "-":
        return None
    path = PurePath(filename)
    if path.stem not in _GENERIC_STEMS:
        return None
    name = path.parent.name or PurePath(os.path.abspath(filename)).parent.name
    return name if TAG_NAME.fullmatch(name) else None


def prefix_tag(prefix: PrefixValue) -> Optional[str]:
    """The last literal segment of the prefix, when the text at its end is known far enough
    back to hold a whole segment: "/api/v1/feature" -> "feature",
    f"{api_config.SERVICES_PREFIX}/immich" -> "immich", api_config.RAG_PREFIX -> "rag".
    Path parameters are passed over ("/users/{user_id}" -> "users")."""
    known = []
    for part in reversed(prefix.parts):
        if not part.known:
            break
        known.append(part.text)
    text = "".join(reversed(known))
    segments = text.split("/")
    if len(known) < len(prefix.parts):
        segments = segments[1:]  # the first piece may continue an unknown part
    for segment in reversed(segments):
        if not segment or (segment.startswith("{") and segment.endswith("}")):
            continue
        return segment if TAG_NAME.fullmatch(segment) else None
    return None
