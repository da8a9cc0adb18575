from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from typing import Dict, Iterator, List, Optional, Tuple

from fastapi_conventions_lint.project.route_paths import matcher, same_path, sample
from fastapi_conventions_lint.rules._registrations import Registration, Registrations
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


# Routers that a function of main.py includes, one per call (two of the examples).
_SCOPED_ROUTERS = '''
    from fastapi import APIRouter

    callbacks = APIRouter(prefix="/integrations", tags=["integrations"])
    integrations = APIRouter(prefix="/integrations", tags=["integrations"])
    providers = APIRouter(prefix="/providers", tags=["providers"])


    @callbacks.get("/callback")
    async def oauth_callback():
        return {}


    @integrations.get("/{provider_id}")
    def read_integration(provider_id: str):
        return {}


    @providers.get("/{provider_id}")
    def read_provider(provider_id: str):
        return {}
'''


def _scoped_main(callbacks_first: bool) -> str:
    """main.py of the examples that include _SCOPED_ROUTERS: a function includes the router
    each call passes, and the callback router is included before or after those calls."""
    calls = ["include_scoped(app, integrations)", "include_scoped(app, providers)"]
    includes = ["app.include_router(callbacks)", *calls] if callbacks_first else [*calls, "app.include_router(callbacks)"]
    return """
        from fastapi import APIRouter, FastAPI

        from integrations import callbacks, integrations, providers


        def include_scoped(application: FastAPI, router: APIRouter) -> None:
            application.include_router(router, prefix="/workspaces/{workspace_id}")
            application.include_router(router, include_in_schema=False)


        app = FastAPI(docs_url=None, redoc_url=None)
    """.rstrip(" ") + "".join(f"        {line}\n" for line in includes)


# Routers a builder function includes into each router it is given (two of the examples).
_TENANT_PAGES = '''
    from fastapi import APIRouter

    auth = APIRouter(tags=["auth"])
    account = APIRouter(prefix="/account", tags=["account"])


    @auth.get("/verify")
    def verify_email():
        return {}


    @account.get("/verify")
    async def verify_account():
        return {}
'''


def _tenant_main(first: str, second: str) -> str:
    return f"""
        from fastapi import APIRouter, FastAPI

        from pages import account, auth


        def include_routers(router: APIRouter) -> APIRouter:
            router.include_router(auth)
            router.include_router(account)
            return router


        default_router = include_routers(APIRouter())
        tenant_router = include_routers(APIRouter(prefix="/{{tenant_slug}}"))

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router({first})
        app.include_router({second})
    """


class _Shape:
    """What comparing a path needs, worked out once per path."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.same = same_path(path)
        self.sample = sample(path)  # None when a convertor is not Starlette's
        segments = path.split("/")
        self.count = len(segments)
        self.greedy = bool(re.search(r"\{[^{}]*:\s*path\s*\}", path))
        self.literals = [(i, text) for i, text in enumerate(segments) if "{" not in text]

    @property
    def pattern(self):
        return matcher(self.path)  # compiled on first use, cached


@functools.lru_cache(maxsize=1024)
def _shape(path: str) -> _Shape:
    return _Shape(path)


_Earlier = Tuple[object, _Shape, Registration]  # (handler, its path's shape, registration)


class _Segments:
    """A tree of paths of one segment count by their fixed segments; a parameter segment
    is a branch any text takes."""

    __slots__ = ("fixed", "any", "routes")

    def __init__(self) -> None:
        # Made when first needed: most nodes of a large app's tree are leaves of one path.
        self.fixed: Optional[Dict[str, "_Segments"]] = None
        self.any: Optional["_Segments"] = None
        self.routes: Optional[List[_Earlier]] = None


class _EarlierRoutes:
    """An app's routes registered so far, by method. A later path meets only the earlier
    paths whose fixed segments it has (compared with every earlier route, an app of ten
    thousand routes took minutes); a path with a `path` convertor, which matches any number
    of segments, meets every later path."""

    def __init__(self) -> None:
        self._trees: Dict[Tuple[str, int], _Segments] = {}
        self._greedy: Dict[str, List[_Earlier]] = defaultdict(list)

    def add(self, method: str, shape: _Shape, registration: Registration) -> None:
        route = (registration.handler, shape, registration)
        if shape.greedy:
            self._greedy[method].append(route)
            return
        node = self._trees.setdefault((method, shape.count), _Segments())
        fixed = dict(shape.literals)
        for position in range(shape.count):
            text = fixed.get(position)
            if text is None:
                node.any = node.any or _Segments()
                node = node.any
            else:
                if node.fixed is None:
                    node.fixed = {}
                node = node.fixed.setdefault(text, _Segments())
        if node.routes is None:
            node.routes = []
        node.routes.append(route)

    def meeting(self, method: str, segments: List[str]) -> Iterator[_Earlier]:
        """The earlier routes of `method` whose fixed segments are those of `segments`."""
        root = self._trees.get((method, len(segments)))
        level = [root] if root is not None else []
        for segment in segments:
            level = [
                child for node in level
                for child in (node.fixed.get(segment) if node.fixed else None, node.any) if child is not None
            ]
        for node in level:
            yield from node.routes or ()
        yield from self._greedy.get(method, ())


class RouteShadowed(Rule):
    code = "FCL010"
    name = "route-shadowed"
    summary = (
        "A route an earlier route of the app catches first: it shares a method and the earlier "
        "path, read as Starlette reads it, matches every URL of the later one."
    )
    rationale = (
        "Modular routers: each endpoint has one owner. Starlette tries routes in the order they "
        "were registered and serves the first whose path and method match, so "
        "`GET /users/{user_id}` registered before `GET /users/me` answers every request for "
        "`/users/me`: declare the fixed path first, or give the parameter a convertor "
        "(`{user_id:int}`) that the fixed path cannot match."
    )
    guide_section = "Modern FastAPI Production Practices"
    scope = Scope.PROJECT

    VALID = (
        Valid(files={
            "main.py": _tenant_main("default_router", "tenant_router"),
            "pages.py": _TENANT_PAGES,
        }, note="the same routers under two prefixes, through a function returning the router it is given: /account/verify comes before /{tenant_slug}/verify"),
        Valid(files={
            "integrations.py": _SCOPED_ROUTERS,
            "main.py": _scoped_main(callbacks_first=True),
        }, note="a function including the router each caller passes: its includes come where it is called, after the callback's"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users import router as users_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(users_router)
            ''',
            "users.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("/me")
                async def read_me():
                    return {}


                @router.get("/{user_id}")
                async def read_user(user_id: str):
                    return {}


                @router.get("/{user_id:int}/items")
                def user_items(user_id: int):
                    return []


                @router.get("/latest/items")
                def latest_items():
                    return []


                @router.delete("/{user_id}")
                async def delete_user(user_id: str):
                    return {}


                @router.delete("/me/sessions")
                async def end_sessions():
                    return {}
            ''',
        }, note="the fixed path first; an `int` convertor does not match `latest`; another method"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from events import router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(router)


                @app.websocket("/events/{channel}")
                async def channel(websocket):
                    await websocket.accept()
            ''',
            "events.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/events", tags=["events"])


                @router.get("/live")
                async def live():
                    return {}
            ''',
        }, note="a websocket route is compared with websocket routes only"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from files import router
                from server.config import settings

                app = FastAPI(docs_url=None, redoc_url=None)
                if settings.SERVE_FILES:
                    app.include_router(router)
                else:
                    @app.get("/files/{name}")
                    def disabled(name: str):
                        return {"disabled": True}
            ''',
            "files.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/files", tags=["files"])


                @router.get("/recent")
                def recent():
                    return []
            ''',
        }, note="two branches of an `if`: never served together"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/items/{item_id}")
                def read_item(item_id: str):
                    return {}


                @app.get("/items/featured")
                def featured():  # noqa: FCL010
                    return []
            ''',
        }, note="suppressed on the reported `def` line"),
        Valid('''
            from fastapi import FastAPI

            from app.config import settings

            app = FastAPI(docs_url=None, redoc_url=None)

            if settings.LEGACY_LOOKUP:
                @app.get("/items/{item_id}")
                async def legacy_item(item_id: str):
                    return {}


            @app.get("/items/featured")
            async def featured():
                return []
        ''', note="the catching route is registered only when a setting says so: otherwise the later one is reached"),
    )
    INVALID = (
        Invalid(files={
            "main.py": _tenant_main("tenant_router", "default_router"),
            "pages.py": _TENANT_PAGES,
        }, at=("pages.py", 13, 1),
            message="GET /account/verify is never reached: GET /{tenant_slug}/verify (pages.py:8)",
            note="the tenant routes are included first: their parameter catches /account"),
        Invalid(files={
            "integrations.py": _SCOPED_ROUTERS,
            "main.py": _scoped_main(callbacks_first=False),
        }, at=("integrations.py", 9, 1),
            message="GET /integrations/callback is never reached: GET /integrations/{provider_id} (integrations.py:14)",
            note="the function is called before the callback's router is included"),
        Invalid('''
            from fastapi import FastAPI

            from app.config import settings

            app = FastAPI(docs_url=None, redoc_url=None)

            if settings.LEGACY_LOOKUP:
                @app.get("/items/{item_id}")
                def legacy_item(item_id: str):
                    return {}

                @app.get("/items/featured")
                def legacy_featured():
                    return []
        ''', at=(13, 5), message="GET /items/featured is never reached",
            note="both under the same condition: whenever the later one is registered, so is the earlier"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users import router as users_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(users_router)
            ''',
            "users.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("/{user_id}")
                async def read_user(user_id: str):
                    return {}


                @router.get("/me")
                async def read_me():
                    return {}
            ''',
        }, at=("users.py", 12, 1),
            message="GET /users/me is never reached: GET /users/{user_id} (users.py:7) is registered "
                    "earlier and matches it first",
            note="the classic: a parameter before a fixed path"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from teams import router as teams_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(teams_router)
            ''',
            "teams.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/teams", tags=["teams"])


                @router.get("/{team}/members/{member}")
                def read_member(team: str, member: str):
                    return {}


                @router.get("/{team}/owners/{owner}")
                def read_owner(team: str, owner: str):
                    return {}


                @router.get("/current/members/{member}")
                def read_current_member(member: str):
                    return {}


                @router.get("/current/admins/{admin}")
                def read_current_admin(admin: str):
                    return {}
            ''',
        }, at=("teams.py", 17, 1), message="GET /teams/{team}/members/{member} (teams.py:7)",
            note="a parameter in the middle of the path; paths whose fixed segments differ never meet"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from spa import router as spa_router
                from api.reports import router as reports_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(spa_router)
                app.include_router(reports_router)
            ''',
            "spa.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["spa"])


                @router.get("/{full_path:path}")
                def index(full_path: str):
                    return "<html></html>"
            ''',
            "api/reports.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/reports", tags=["reports"])


                @router.get("/{report_id:int}")
                def read_report(report_id: int):
                    return {}
            ''',
        }, at=("api/reports.py", 7, 1), message="GET /{full_path:path} (spa.py:7)",
            note="a catch-all `path` route in a router included before another module's router"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from orders import router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(router)
            ''',
            "orders.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/orders", tags=["orders"])


                @router.get("/{order_id}")
                async def read_order(order_id: str):
                    return {}


                @router.api_route("/{number}", methods=["GET", "HEAD"])
                def read_order_by_number(number: int):
                    return {}


                @router.get("/{order_id}/lines/{line}")
                def read_line(order_id: str, line: str):
                    return {}


                @router.get("/{order}/lines/{position:int}")
                def read_position(order: str, position: int):
                    return {}
            ''',
        }, at=[("orders.py", 12, 1), ("orders.py", 22, 1)],
            message="matches it first",
            note="paths that differ only in parameter names; a typed parameter after an untyped one"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.websocket("/ws/{room}")
                async def room(websocket):
                    await websocket.accept()


                @app.websocket("/ws/lobby")
                async def lobby(websocket):
                    await websocket.accept()
            ''',
        }, at=("main.py", 12, 1), message="WEBSOCKET /ws/lobby", note="websockets among themselves"),
    )

    def check_project(self, index, settings):
        registrations = Registrations.for_index(index)
        home = index.layout.home
        reported = set()
        for app in index.apps():
            earlier = _EarlierRoutes()
            for later in registrations.of(app):
                shape = _shape(later.row.path)
                if shape.sample is not None:
                    first = self._first(registrations, earlier, shape, later)
                    if first is not None:
                        found = self._report(registrations, later, first, home)
                        place = (later.module.path, found.line, found.col)
                        if place not in reported:
                            reported.add(place)
                            yield later.module.path, found
                if shape.sample is not None:
                    for method in later.methods:
                        earlier.add(method, shape, later)
        # What was worked out per path (the shapes, Starlette's compiled patterns) is this
        # rule's alone: let it go for what the run does next.
        _shape.cache_clear()
        matcher.cache_clear()

    @staticmethod
    def _first(
        registrations, earlier: _EarlierRoutes, shape: "_Shape", later: Registration
    ) -> Optional[Registration]:
        """The earliest route of another handler that catches `later`'s requests first."""
        found = None
        segments = shape.sample.split("/")  # type: ignore[union-attr]
        for method in later.methods:
            for handler, other, registration in earlier.meeting(method, segments):
                if handler == later.handler or (found is not None and registration.key >= found.key):
                    continue  # the copies of one handler never shadow each other
                if other.same == shape.same or not other.pattern.fullmatch(shape.sample):  # type: ignore[union-attr]
                    continue  # the same path twice is FCL007's
                if registrations.always_before(registration, later):
                    found = registration
        return found

    def _report(self, registrations, later: Registration, first: Registration, home) -> object:
        method = next(m for m in later.methods if m in first.methods)
        where = os.path.relpath(first.row.file, home).replace(os.sep, "/") if home else first.row.file
        message = (
            f"{method} {later.row.path} is never reached: {method} {first.row.path} "
            f"({where}:{first.row.line}) is registered earlier and matches it first; declare "
            "the fixed path first or give the parameter a convertor it cannot match"
        )
        return self.report(registrations.node_of(later), message)
