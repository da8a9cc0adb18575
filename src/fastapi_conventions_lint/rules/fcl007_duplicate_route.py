from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Tuple

from fastapi_conventions_lint.project.route_paths import same_path
from fastapi_conventions_lint.rules._registrations import Registration, Registrations
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid

class DuplicateRoute(Rule):
    code = "FCL007"
    name = "duplicate-route"
    summary = (
        "Two different handlers are registered for the same method and full path in the app: "
        "the later one is never reached."
    )
    rationale = (
        "Modular routers: Split endpoints by domain (`/users`, `/items`) and include via "
        "`app.include_router()`: each endpoint has one owner. FastAPI serves the first route "
        "that matches, so a second handler for the same method and path is dead code."
    )
    guide_section = "Modern FastAPI Production Practices"
    scope = Scope.PROJECT

    VALID = (
        Valid(files={
            "server/main.py": '''
                from fastapi import FastAPI

                from capabilities.calendar.router import router as calendar_router
                from services.storage import router as storage_router

                app = FastAPI()
                app.include_router(calendar_router)
                app.include_router(storage_router)
            ''',
            "capabilities/calendar/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                router = APIRouter(prefix=f"{api_config.CAPABILITIES_PREFIX}/calendar", tags=["calendar"])


                @router.get("/events")
                async def list_events():
                    return []


                @router.post("/events")
                async def create_event():
                    return {}


                @router.get("/events/{event_id:int}")
                async def read_event(event_id: int):
                    return {}


                @router.get("/events/{name}")
                async def find_event(name: str):
                    return {}
            ''',
            "services/storage/__init__.py": '''
                from .router import router
            ''',
            "services/storage/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/storage", tags=["storage"])


                @router.get("/files")
                async def list_files():
                    return []
            ''',
        }, note="one owner per endpoint; same path with another method; `{id:int}` and `{name}` "
                "match different URLs"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router

                app = FastAPI()
                app.include_router(router)
                app.include_router(router)  # noqa: FCL008
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="copies of one router included twice are FCL008's, not FCL007's"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from search import legacy, semantic
                from server.config import settings

                app = FastAPI()
                if settings.SEMANTIC_SEARCH:
                    app.include_router(semantic.router)
                else:
                    app.include_router(legacy.router)
            ''',
            "search/legacy.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/search", tags=["search"])


                @router.get("")
                def search(q: str):
                    return []
            ''',
            "search/semantic.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/search", tags=["search"])


                @router.get("")
                async def search(q: str):
                    return []
            ''',
        }, note="one of two implementations, chosen by an if/else: never both served"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI()
                try:
                    from search.semantic import router

                    app.include_router(router)
                except ImportError:
                    from search.legacy import router as legacy_router

                    app.include_router(legacy_router)
            ''',
            "search/legacy.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/search", tags=["search"])


                @router.get("")
                def search(q: str):
                    return []
            ''',
            "search/semantic.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/search", tags=["search"])


                @router.get("")
                async def search(q: str):
                    return []
            ''',
        }, note="a fallback in `except ImportError`: only one of the two is included"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from paths import ITEMS_PATH

                app = FastAPI()


                @app.get(ITEMS_PATH)
                def list_items():
                    return []


                @app.get(ITEMS_PATH + "/")
                def list_items_slash():
                    return []
            ''',
            "paths.py": '''
                import os

                ITEMS_PATH = os.environ["ITEMS_PATH"]
            ''',
        }, note="paths that are not static are not compared"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from conf import READ_METHODS, WRITE_METHODS

                app = FastAPI()


                @app.api_route("/items", methods=READ_METHODS)
                def read_items():
                    return []


                @app.api_route("/items", methods=WRITE_METHODS)
                def write_items():
                    return {}
            ''',
        }, note="methods that are not known statically are not compared"),
        Valid(files={
            "public.py": '''
                from fastapi import FastAPI

                from health import router

                app = FastAPI()
                app.include_router(router)
            ''',
            "admin.py": '''
                from fastapi import FastAPI

                from health import router

                admin = FastAPI()
                admin.include_router(router)
            ''',
            "health.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/health", tags=["health"])


                @router.get("")
                def health():
                    return {"ok": True}
            ''',
        }, note="two applications each serving the same router"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router

                app = FastAPI()
                app.include_router(router)


                @app.get("/users")
                def legacy_users():  # noqa: FCL007
                    return []
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="suppressed on the reported `def` line"),
        Valid(files={
            "tests/test_app.py": '''
                import pytest
                from fastapi import FastAPI
                from fastapi.exceptions import FastAPIError

                app = FastAPI()


                @app.get("/items")
                def list_items():
                    return []


                def test_second_handler_is_refused():
                    with pytest.raises(FastAPIError):
                        @app.get("/items")
                        def other_items():
                            return []
            ''',
        }, note="a registration inside `with pytest.raises(...)` is expected to fail"),
        Valid(files={
            "app/main.py": '''
                from fastapi import FastAPI

                app = FastAPI()


                @app.get("/status")
                def status():
                    return "ok"
            ''',
            "tests/test_errors.py": '''
                from fastapi import HTTPException

                from app.main import app


                def test_missing_item_is_json(client):
                    @app.get("/api/missing")
                    def api_missing():
                        raise HTTPException(404, "item not found")

                    assert client.get("/api/missing").status_code == 404


                async def test_status_can_be_replaced(client):
                    @app.get("/status")
                    async def status():
                        return "replaced"
            ''',
            "tests/test_pages.py": '''
                from app.main import app


                def test_missing_page(client):
                    @app.get("/api/missing")
                    def api_missing():
                        return None
            ''',
        }, note=(
            "routes tests register on the app for themselves (sync and async): tests reset the "
            "app between them, so no two tests', nor a test's and the app's, are served together"
        )),
        Valid('''
            import typing
            from typing import TYPE_CHECKING

            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            legacy = APIRouter(prefix="/items", tags=["legacy"])


            @legacy.get("")
            def legacy_items():
                return []


            @app.get("/items")
            def list_items():
                return []


            if False:
                @app.get("/items")
                def disabled_items():
                    return []

            if TYPE_CHECKING:
                app.include_router(legacy)

            if typing.TYPE_CHECKING:
                app.add_api_route("/items", legacy_items)
        ''', note="`if False:` and `if TYPE_CHECKING:` bodies never run"),
        Valid(files={
            "app/main.py": '''
                import os

                from fastapi import FastAPI

                from app.routes import git

                app = FastAPI()
                if os.environ.get("APP_MODE", "oss") == "oss":
                    app.include_router(git.router)
            ''',
            "app/routes/git.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/user", tags=["git"])


                @router.get("/repositories")
                def list_repositories():
                    return []
            ''',
            "enterprise/server.py": '''
                from app.main import app
                from enterprise.user import router as saas_user_router

                app.include_router(saas_user_router)
            ''',
            "enterprise/user.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/user", tags=["user"])


                @router.get("/repositories")
                async def saas_repositories():
                    return []
            ''',
        }, note=(
            "the earlier route is registered only under a condition the later one is not under: "
            "when it is false (the enterprise edition), the later one is served"
        )),
        Valid(files={
            "app/__init__.py": "",
            "app/main.py": '''
                from fastapi import FastAPI

                from app.health import register_health

                public = FastAPI(docs_url=None, redoc_url=None)
                admin = FastAPI(docs_url=None, redoc_url=None)
                register_health(public)
                register_health(admin)
            ''',
            "app/health.py": '''
                from fastapi import FastAPI


                def register_health(app: FastAPI) -> None:
                    @app.get("/health")
                    def liveness() -> dict:
                        return {}
            ''',
        }, note="one function registering a route on each of two apps: one route per app"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)
            admin = FastAPI(docs_url=None, redoc_url=None)


            def register_health(app: FastAPI) -> None:
                @app.get("/health")
                def admin_health() -> dict:
                    return {}


            @app.get("/health")
            def health() -> dict:
                return {}


            register_health(admin)
        ''', note="a parameter named as the module's app stands for what the callers pass: the admin app"),
        Valid('''
            from fastapi import FastAPI


            def create_base_app() -> FastAPI:
                app = FastAPI(docs_url=None, redoc_url=None)
                return app


            def create_project_app() -> FastAPI:
                app = create_base_app()

                @app.get("/")
                async def index() -> str:
                    return "project"

                return app


            def create_static_app() -> FastAPI:
                app = create_base_app()

                @app.get("/")
                def index() -> str:
                    return "static"

                return app
        ''', note="two functions each make an app from one factory: two apps, each with its own `/`"),
    )
    INVALID = (
        Invalid('''
            from fastapi import FastAPI


            def create_base_app() -> FastAPI:
                app = FastAPI(docs_url=None, redoc_url=None)

                @app.get("/health")
                def liveness() -> dict:
                    return {}

                return app


            def create_project_app() -> FastAPI:
                app = create_base_app()

                @app.get("/health")
                async def health() -> dict:
                    return {"status": "ok"}

                return app
        ''', at=(18, 5), message="GET /health is already served by example.liveness",
            note="the factory's own route is on every app made from it"),
        Invalid('''
            from functools import lru_cache

            from fastapi import FastAPI


            @lru_cache
            def get_app() -> FastAPI:
                app = FastAPI(docs_url=None, redoc_url=None)
                return app


            def add_health_routes() -> None:
                app = get_app()

                @app.get("/health")
                def liveness() -> dict:
                    return {}


            def add_status_routes() -> None:
                app = get_app()

                @app.get("/health")
                async def status() -> dict:
                    return {"status": "ok"}
        ''', at=(24, 5), message="GET /health is already served by example.liveness",
            note="a factory that caches its result gives every caller the one app"),
        Invalid(files={
            "app/__init__.py": "",
            "app/main.py": '''
                from fastapi import FastAPI

                from app.health import register_health

                app = FastAPI(docs_url=None, redoc_url=None)
                register_health(app)


                @app.get("/health")
                async def health() -> dict:
                    return {"status": "ok"}
            ''',
            "app/health.py": '''
                from fastapi import FastAPI


                def register_health(app: FastAPI) -> None:
                    @app.get("/health")
                    def liveness() -> dict:
                        return {}
            ''',
        }, at=("app/main.py", 10, 1), message="GET /health is already served by app.health.liveness",
            note="registered by a function on the app it is given: in the app's order where it is called"),
        Invalid(files={
            "server/main.py": '''
                from fastapi import FastAPI

                from capabilities import users
                from services.directory.router import router as directory_router

                app = FastAPI()
                app.include_router(users.router)
                app.include_router(directory_router)
            ''',
            "capabilities/users/__init__.py": '''
                from .router import router
            ''',
            "capabilities/users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1/users", tags=["users"])


                @router.get("/{user_id}")
                async def read_user(user_id: int):
                    return {}
            ''',
            "services/directory/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1", tags=["directory"])


                @router.get("/users/{user_id:str}")
                async def lookup_user(user_id: int):
                    return {}
            ''',
        }, at=("services/directory/router.py", 7, 1),
            message="GET /api/v1/users/{user_id:str} is already served by capabilities.users.router.read_user ",
            note="two packages; an `__init__` re-export, an alias; `:str` is the default convertor"),
        Invalid('''
            import fastapi as fa
            from fastapi import APIRouter

            users = APIRouter(prefix="/users", tags=["users"])
            legacy = APIRouter(prefix="/users", tags=["legacy"])


            @users.get("/me")
            async def me() -> dict:
                return {}


            @legacy.get("/me")
            async def legacy_me() -> dict:
                return {}


            class ApiServer:
                def __init__(self):
                    self.app = fa.FastAPI(docs_url=None, redoc_url=None)
                    self.configure_app(self.app)

                async def configure_app(self, app: fa.FastAPI) -> None:
                    app.include_router(users)
                    app.include_router(legacy)
        ''', at=(14, 1), message="GET /users/me is already served by",
            note=(
                "an app kept on an instance (`self.app`, `fastapi` imported under an alias), handed "
                "to the method that includes the routers"
            )),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router

                app = FastAPI()
                app.include_router(router)


                @app.get("/users")
                def legacy_users():
                    return []
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, at=("main.py", 10, 1), message="already served by users.router.list_users (line 7)",
            note="the app's own route, declared after the include: registered later"),
        Invalid(files={
            "server/main.py": '''
                from fastapi import FastAPI

                from server.api import v1

                app = FastAPI()
                app.include_router(v1)
            ''',
            "server/api.py": '''
                from fastapi import APIRouter

                from ..admin import router as admin_router
                from ..audit.router import audit

                v1 = APIRouter(prefix="/api/v1")
                v1.include_router(admin_router)
                v1.include_router(audit)
            ''',
            "admin/__init__.py": '''
                from .routes import router
            ''',
            "admin/routes.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/admin", tags=["admin"])


                @router.get("/audit/events")
                def admin_events():
                    return []
            ''',
            "audit/router.py": '''
                from fastapi import APIRouter

                audit = APIRouter(prefix="/admin/audit", tags=["audit"])


                @audit.api_route("/events", methods=["GET", "POST"])
                async def audit_events():
                    return []
            ''',
        }, at=("audit/router.py", 7, 1), message="GET /api/v1/admin/audit/events",
            note="routers included into a router included into the app; relative imports; api_route"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from items import router

                app = FastAPI()
                app.include_router(router)
            ''',
            "items.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/items", tags=["items"])


                @router.get("/{item_id}")
                def read_item(item_id: int):
                    return {}


                @router.delete("/{item_id}")
                def delete_item(item_id: int):
                    return None


                @router.get("/{item_id}")
                def read_item_v2(item_id: int):
                    return {}


                def export_item(item_id: int):
                    return {}


                router.add_api_route("/{item_id}", export_item, methods=["DELETE"])
            ''',
        }, at=[("items.py", 17, 1), ("items.py", 21, 1)],
            note="one module: a copied handler, and add_api_route (reported at its endpoint's def)"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from events import router as events_router
                from legacy import router as legacy_router

                app = FastAPI()
                app.include_router(events_router)
                app.include_router(legacy_router)
            ''',
            "events.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/events", tags=["events"])


                @router.websocket("/live")
                async def live(websocket):
                    await websocket.accept()
            ''',
            "legacy.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/events", tags=["legacy"])


                @router.websocket("/live")
                async def legacy_live(websocket):
                    await websocket.accept()
            ''',
        }, at=("legacy.py", 7, 1), message="WEBSOCKET /events/live", note="websockets too"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users import router as users_router

                app = FastAPI()
                app.include_router(users_router)
            ''',
            "users/__init__.py": '''
                from . import admin
                from .router import router
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("/{user_id}")
                def read_user(user_id: int):
                    return {}
            ''',
            "users/admin.py": '''
                from .router import router

                USER_PATH = "/{user_id}"


                @router.get(USER_PATH)
                def admin_read_user(user_id: int):
                    return {}
            ''',
        }, at=("users/admin.py", 7, 1), message="users.router.read_user (line 7)",
            note="a route added to the router from another module, which runs after the router's own"),
        Invalid(files={
            "app/main.py": '''
                from fastapi import FastAPI

                app = FastAPI()
            ''',
            "tests/test_errors.py": '''
                from app.main import app


                def test_missing_item(client):
                    @app.get("/api/missing")
                    def api_missing():
                        return None

                    @app.get("/api/missing")
                    def api_missing_again():
                        return {}
            ''',
        }, at=("tests/test_errors.py", 10, 5), message="tests.test_errors.api_missing (line 6)",
            note="one test registering a path twice: both are on its app at once"),
        Invalid('''
            import os

            from fastapi import FastAPI

            app = FastAPI()


            @app.get("/status")
            def status():
                return {"ok": True}


            if os.environ.get("DEBUG"):
                @app.get("/status")
                async def debug_status():
                    return {"ok": True, "debug": True}
        ''', at=(15, 5), message="GET /status is already served by example.status (line 9)",
            note="a later route under a condition: whenever it is registered, the earlier one is too"),
        Invalid('''
            from fastapi import FastAPI

            app = FastAPI()
            app.add_api_route("/ping", lambda: "pong")
            app.add_api_route("/ping", lambda: {"pong": True})
        ''', at=(5, 1), message="GET /ping is already served by example.lambda", note="no `def`: at the call"),
    )

    def check_project(self, index, settings):
        registrations = Registrations.for_index(index)
        reported = set()
        for app in index.apps():
            seen: Dict[tuple, List[Registration]] = defaultdict(list)
            for later in registrations.of(app):
                slots = [(method, same_path(later.row.path)) for method in later.methods]
                first = self._first(registrations, seen, slots, later)
                for slot in slots:
                    seen[slot].append(later)
                if first is None:
                    continue
                found = self._report(registrations, later, *first)
                place = (later.module.path, found.line, found.col)
                if place not in reported:
                    reported.add(place)
                    yield later.module.path, found

    @staticmethod
    def _first(registrations, seen, slots, later) -> Optional[Tuple[Registration, str]]:
        """The earlier registration of another handler on one of the slots, if any."""
        for method, pattern in slots:
            for earlier in seen[(method, pattern)]:
                if registrations.always_before(earlier, later):
                    return earlier, method
        return None

    def _report(self, registrations, later: Registration, first: Registration, method: str):
        message = (
            f"{method} {later.row.path} is already served by {first.row.endpoint} "
            f"(line {first.row.line}): this handler is never reached"
        )
        return self.report(registrations.node_of(later), message)
