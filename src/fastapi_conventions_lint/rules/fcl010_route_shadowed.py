from __future__ import annotations

import functools
import os
import re
from collections import defaultdict
from typing import Dict, List, Optional, Tuple

from fastapi_conventions_lint.project.route_paths import matcher, same_path, sample
from fastapi_conventions_lint.rules._registrations import Registration, Registrations
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid

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


@functools.lru_cache(maxsize=8192)
def _shape(path: str) -> _Shape:
    return _Shape(path)


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
    )
    INVALID = (
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
            # Earlier routes by (method, segment count): a path without a `path` convertor
            # matches only URLs of its own number of segments; the others are tried always.
            # Within each, by handler: the copies of one handler never shadow each other.
            earlier: Dict[tuple, Dict[tuple, List[Tuple[_Shape, Registration]]]] = defaultdict(
                lambda: defaultdict(list)
            )
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
                        earlier[(method, None if shape.greedy else shape.count)][later.handler].append((shape, later))

    @staticmethod
    def _first(registrations, earlier, shape: "_Shape", later: Registration) -> Optional[Registration]:
        found = None
        segments = shape.sample.split("/")  # type: ignore[union-attr]
        for method in later.methods:
            for key in ((method, len(segments)), (method, None)):
                by_handler = earlier.get(key, {})
                candidates = (
                    item for handler, items in by_handler.items() if handler != later.handler for item in items
                )
                for other, registration in candidates:
                    if found is not None and registration.key >= found.key:
                        continue
                    if key[1] is not None and any(segments[i] != text for i, text in other.literals):
                        continue  # a fixed segment differs: the cheap test first
                    if other.same == shape.same or not other.pattern.fullmatch(shape.sample):  # type: ignore[union-attr]
                        continue  # the same path twice is FCL007's
                    if registrations.both_served(registration, later):
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
