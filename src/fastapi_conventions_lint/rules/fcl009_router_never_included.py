from __future__ import annotations

import ast
from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import handler_bodies
from fastapi_conventions_lint.facts.calls import same_scope
from fastapi_conventions_lint.facts.extract import escaping_uses, imported_escapes
from fastapi_conventions_lint.facts.model import RouterFact
from fastapi_conventions_lint.project.index import Module
from fastapi_conventions_lint.project.routes import RouteTable
from fastapi_conventions_lint.project.statements import enclosing
from fastapi_conventions_lint.rules._whole_app import WholeApp
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid

_MAX_APPS_NAMED = 3


class RouterNeverIncluded(Rule):
    code = "FCL009"
    name = "router-never-included"
    summary = "A router with route handlers is never included into the app: its endpoints are not served."
    rationale = (
        "Modular routers: Split endpoints by domain (`/users`, `/items`) and include via "
        "`app.include_router()`; Router Registration in main.py: "
        "`app.include_router(myfeature_router)`. A router that no include chain brings into the "
        "app serves nothing."
    )
    guide_section = "Router Registration in main.py"
    scope = Scope.PROJECT

    VALID = (
        Valid('''
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            traces = APIRouter(prefix=api_config.TRACES_PREFIX, tags=["traces"])


            @traces.get("")
            async def list_traces() -> list:
                return []


            class Api:
                def __init__(self):
                    self.router = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])
                    self.router.include_router(traces)
        ''', note="included into a router kept on an instance: whoever holds the instance may include that"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI()
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
            "tools/list_routes.py": '''
                from users.router import router

                for route in router.routes:
                    print(route.path)
            ''',
        }, note=(
            "a script that never names FastAPI reads the router's routes: the router is used "
            "(whether the run names the script or not)"
        )),
        Valid(files={
            "src/server/main.py": '''
                from fastapi import FastAPI

                from capabilities.router import router as capabilities_router
                from services.storage.router import router as storage_router

                app = FastAPI()
                app.include_router(capabilities_router)
                app.include_router(storage_router)
            ''',
            "src/capabilities/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                from .calendar import router as calendar
                from .persona.router import router as persona_router

                router = APIRouter(prefix=api_config.CAPABILITIES_PREFIX, tags=["capabilities"])
                router.include_router(calendar)
                router.include_router(persona_router)
            ''',
            "src/capabilities/calendar/__init__.py": '''
                from .router import router
            ''',
            "src/capabilities/calendar/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/calendar", tags=["calendar"])


                @router.get("/events")
                async def list_events():
                    return []
            ''',
            "src/capabilities/persona/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/persona", tags=["persona"])


                @router.post("/chat")
                async def chat():
                    return {}
            ''',
            "src/services/storage/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/storage", tags=["storage"])


                @router.get("/files")
                async def list_files():
                    return []
            ''',
        }, note="the style guide's layout: routers in packages, included through an aggregator"),
        Valid(files={
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="no FastAPI app in sight: a library of routers, or a partial check"),
        Valid(files={
            "main.py": '''
                import importlib

                from fastapi import FastAPI

                app = FastAPI()
                for name in ("users", "items"):
                    module = importlib.import_module(f"{name}.router")
                    app.include_router(module.router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="`module.router` of a module loaded at run time: any top-level `router` may be it"),
        Valid(files={
            "main.py": '''
                import importlib

                from fastapi import FastAPI

                app = FastAPI()


                def load_plugins(names):
                    for name in names:
                        module = importlib.import_module(name)
                        plugin_router = getattr(module, "router", None)
                        app.include_router(plugin_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="`getattr(module, \"router\")` of a module loaded at run time: any top-level `router` may be it"),
        Valid(files={
            "main.py": '''
                import importlib

                from fastapi import FastAPI

                app = FastAPI()
                app.include_router(getattr(importlib.import_module("users.router"), "router"))
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="the same, written in the call"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from auth import auth_router

                app = FastAPI()
                app.include_router(auth_router, prefix="/api", tags=["auth"])
            ''',
            "auth.py": '''
                from fastapi import APIRouter

                auth_router = r = APIRouter()


                @r.post("/token")
                def login():
                    return {}
            ''',
        }, note="one router bound to two names: the routes are added under one, the include names the other"),
        Valid(files={
            "main.py": '''
                import importlib

                from fastapi import FastAPI

                app = FastAPI()


                def load_plugins(plugins):
                    for plugin in plugins:
                        module = importlib.import_module(plugin.module)
                        for name in plugin.routers:
                            found = getattr(module, name)
                            app.include_router(found)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                users = APIRouter(prefix="/users", tags=["users"])


                @users.get("")
                def list_users():
                    return []
            ''',
        }, note="routers looked up by names read at run time (a plugin loader): any router may be one"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from plugins import register

                app = FastAPI()
                register(app)
            ''',
            "plugins.py": '''
                from users.router import router


                def register(app):
                    app.include_router(router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="included into something the tool cannot identify (a parameter)"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from plugins import register
                from users import router as users

                app = FastAPI()
                register(app, [users.router])
            ''',
            "plugins.py": '''
                def register(app, routers):
                    for router in routers:
                        app.include_router(router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="a registration helper: which routers its loop includes is not followed"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI()
            ''',
            "testing.py": '''
                from fastapi import APIRouter


                def echo_router() -> APIRouter:
                    router = APIRouter(prefix="/echo", tags=["echo"])

                    @router.get("")
                    def echo(text: str):
                        return text

                    return router
            ''',
        }, note="a router built in a function: where it goes is not followed"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI
                from fastapi_users import FastAPIUsers

                from users.router import router as users_router

                fastapi_users = FastAPIUsers(get_user_manager, [auth_backend])
                app = FastAPI()
                app.include_router(fastapi_users.get_auth_router(auth_backend))
                app.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="a router from an installed package is not one of the project's"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from myapp.users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="`myapp` is not under the import roots, but `users.router` is: it may be this router"),
        Valid(files={
            "main.py": '''
                from fastapi import APIRouter, FastAPI

                app = FastAPI()


                def make_router(name: str) -> APIRouter:
                    router = APIRouter(prefix=f"/{name}", tags=[name])

                    @router.get("")
                    def list_all():
                        return []

                    return router


                app.include_router(make_router("users"))
            ''',
        }, note="a router built by a factory function"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI()
            ''',
            "drafts/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/drafts", tags=["drafts"])  # noqa: FCL009


                @router.get("")
                def list_drafts():
                    return []
            ''',
        }, note="suppressed on the reported line"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from registry import ROUTERS

                app = FastAPI()
                for router in ROUTERS.values():
                    app.include_router(router)
            ''',
            "registry.py": '''
                from items.router import router as items_router
                from users import router as users

                ROUTERS = {"users": users.router, "items": items_router}
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
            "items/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/items", tags=["items"])


                @router.get("")
                def list_items():
                    return []
            ''',
        }, note="routers stored in a dict another module reads: where they go is not followed"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from admin.router import get_router
                from legacy import router as legacy

                app = FastAPI()
                app.include_router(get_router())
                app.mount("/legacy", legacy.router)
            ''',
            "admin/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/admin", tags=["admin"])


                @router.get("/stats")
                def stats():
                    return {}


                def get_router() -> APIRouter:
                    return router
            ''',
            "legacy/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["legacy"])


                @router.get("/ping")
                def ping():
                    return "pong"
            ''',
        }, note="a router returned from a function, and one mounted: they escape their module"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from invoices.router import router as invoices_router

                app = FastAPI()
                app.include_router(invoices_router)
            ''',
            "invoices/router.py": '''
                from fastapi import APIRouter

                from .callbacks import events

                router = APIRouter(prefix="/invoices", tags=["invoices"])


                @router.post("", callbacks=events.routes)
                def create_invoice():
                    return {}
            ''',
            "invoices/callbacks.py": '''
                from fastapi import APIRouter

                events = APIRouter()


                @events.post("{$callback_url}/invoices/{$request.body.id}")
                def invoice_notification():
                    pass
            ''',
        }, note="a callback router: its routes are read through `.routes`, never included"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            internal = APIRouter(prefix="/internal", tags=["internal"])
            probes = APIRouter(prefix="/probes", tags=["probes"])
            PLUGIN_ROUTERS = {}


            @internal.get("/health")
            def health():
                return {}


            @probes.get("/ready")
            def ready():
                return {}


            app.state.internal_router = internal
            PLUGIN_ROUTERS["probes"] = probes
        ''', note="stored on an attribute or in a subscript: handed on, not followed"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from overrides import OVERRIDES_ROUTER
                from setup import include_all

                app = FastAPI()
                OVERRIDING_ROUTERS = [OVERRIDES_ROUTER]
                include_all(app, OVERRIDING_ROUTERS)
            ''',
            "setup.py": '''
                def include_all(app, routers):
                    for router in routers:
                        app.include_router(router)
            ''',
            "overrides.py": '''
                from fastapi import APIRouter

                from settings import api_config

                datasets = APIRouter(prefix=api_config.DATASETS_PREFIX, tags=["datasets"])


                @datasets.get("")
                def list_datasets():
                    return []


                OVERRIDES_ROUTER = APIRouter()
                OVERRIDES_ROUTER.include_router(datasets)
            ''',
        }, note="included into a router that a module importing it hands on: it may be served with it"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from routes import routes

                app = FastAPI()
                app.include_router(routes)
            ''',
            "routes/__init__.py": '''
                from fastapi import APIRouter

                routes = APIRouter()


                def add_action_routes():
                    from routes.action import router as feature_router

                    routes.include_router(feature_router)


                def add_plugin_routes():
                    from routes.plugin import router as feature_router

                    routes.include_router(feature_router)


                add_action_routes()
                add_plugin_routes()
            ''',
            "routes/action.py": '''
                from fastapi import APIRouter

                from settings import api_config

                router = APIRouter(prefix=api_config.ACTIONS_PREFIX, tags=["actions"])


                @router.get("")
                def list_actions() -> list:
                    return []
            ''',
            "routes/plugin.py": '''
                from fastapi import APIRouter

                from settings import api_config

                router = APIRouter(prefix=api_config.PLUGINS_PREFIX, tags=["plugins"])


                @router.get("")
                async def list_plugins() -> list:
                    return []
            ''',
        }, note="two functions import two routers under one name: each include is of its own function's"),
    )
    INVALID = (
        Invalid(files={
            "main.py": '''
                import importlib

                from fastapi import FastAPI

                app = FastAPI()


                def load_plugin(name):
                    module = importlib.import_module(name)
                    app.include_router(getattr(module, "routes"))
                    plugin_router = getattr(module, "router")
                    app.include_router(plugin_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                orphan = APIRouter(prefix="/orphan", tags=["orphan"])


                @orphan.get("")
                def hello():
                    return []
            ''',
        }, at=("users/router.py", 3, 10),
            note="a router looked up by another name at run time (`getattr(module, \"router\")`) is not it"),
        Invalid(files={
            "src/server/main.py": '''
                from fastapi import FastAPI

                from capabilities.calendar import router as calendar_router

                app = FastAPI()
                app.include_router(calendar_router)
            ''',
            "src/capabilities/calendar/__init__.py": '''
                from .router import router
            ''',
            "src/capabilities/calendar/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1/calendar", tags=["calendar"])


                @router.get("/events")
                async def list_events():
                    return []
            ''',
            "src/capabilities/persona/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1/persona", tags=["persona"])


                @router.post("/chat")
                async def chat():
                    return {}
            ''',
        }, at=("src/capabilities/persona/router.py", 3, 10),
            message='router "router" has 1 route but is never included into the app (server.main:app)',
            note="a package nobody includes"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from api import v1

                app = FastAPI()
                app.include_router(v1)
            ''',
            "api.py": '''
                from fastapi import APIRouter

                from users.router import router as users_router

                v1 = APIRouter(prefix="/api/v1")
                v1.include_router(users_router)
                v2 = APIRouter(prefix="/api/v2")
                v2.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])
                admin = APIRouter(prefix="/admin/users", tags=["admin"])


                @router.get("")
                def list_users():
                    return []


                @admin.delete("/{user_id}")
                def delete_user(user_id: int):
                    return None


                @admin.post("/{user_id}/ban")
                def ban_user(user_id: int):
                    return None
            ''',
        }, at=("users/router.py", 4, 9), message="has 2 routes",
            note="an aggregator that is itself never included does not count; a second router in a module"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from reports.router import router as reports_router

                app = FastAPI()
                print(reports_router.prefix, reports_router.tags)
            ''',
            "reports/router.py": '''
                import fastapi as fa

                router = fa.APIRouter(prefix="/reports", tags=["reports"])
                router.add_api_route("/daily", lambda: [])
            ''',
            "reports/extra.py": '''
                from fastapi import APIRouter

                from .router import router

                export = APIRouter(prefix="/exports", tags=["exports"])


                @router.get("/weekly")
                def weekly():
                    return []


                @export.get("/csv")
                def export_csv():
                    return ""
            ''',
        }, at=[("reports/router.py", 3, 10), ("reports/extra.py", 5, 10)],
            note="imported, its prefix and tags read, never included; routes registered from another module count"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from plugins import register
                from users.router import router as users_router

                app = FastAPI()
                register(app, users_router)
            ''',
            "plugins.py": '''
                def register(app, router):
                    app.include_router(router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
            "drafts/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/drafts", tags=["drafts"])


                @router.get("")
                def list_drafts():
                    return []
            ''',
        }, at=("drafts/router.py", 3, 10),
            note="the router handed to a registration helper may be served; one nobody imports is not"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from items.router import router as items
                from users.router import router as users

                app = FastAPI()
                for router in (users, items):
                    app.include_router(router)
                print(f"users under {users.prefix}")
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])
                archive = APIRouter(prefix="/archive", tags=["archive"])


                @router.get("")
                def list_users():
                    return []


                @archive.get("")
                def list_archived():
                    return []
            ''',
            "items/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/items", tags=["items"])


                @router.get("")
                def list_items():
                    return []
            ''',
        }, at=("users/router.py", 4, 11),
            note="a loop over routers the tool cannot follow does not hide a router that is never handed on"),
        Invalid(files={
            "a.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "b.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "c.py": '''
                from fastapi import FastAPI

                from server.config import settings

                app = FastAPI()
                if settings.DEBUG:
                    app = FastAPI(debug=True)
            ''',
            "d.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "e.py": "from fastapi import FastAPI\n\napp = FastAPI()\n",
            "reports.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/reports", tags=["reports"])


                @router.get("")
                def list_reports():
                    return []
            ''',
        }, at=("reports.py", 3, 10), message="(a:app, b:app, c:app and 2 more)",
            note="many apps: three named (each once), then how many more"),
    )

    def check_project(self, index, settings):
        apps = index.apps()
        if not apps:
            return
        whole = WholeApp(index)
        served = RouteTable(index).routers_served(apps)
        self._mark_local_escapes(whole, served)
        dead = self._dead(whole, served)
        if dead:
            # Before calling anything dead: do the modules that may import it hand it on?
            self._mark_imported_escapes(whole, dead)
            dead = self._dead(whole, served)
        where = _apps_named(whole, apps)
        for module, router in dead:
            routes = router.route_count + router.routes_elsewhere
            yield module.path, self.report(
                router.call,
                f'router "{router.var}" has {routes} route{"" if routes == 1 else "s"} but is never '
                f"included into the app ({where}): its endpoints are dead; include it with "
                f"include_router(), into the app or into a router that is",
            )

    @staticmethod
    def _mark_local_escapes(whole: WholeApp, served: Set[int]) -> None:
        """Mark the routers no app serves that their own module hands on (RouterFact.escapes):
        a walk over the expressions of the modules that hold such routers only (a router's
        parents are unserved too, so theirs are walked as well)."""
        for module in list(whole.modules()):
            facts = module.facts
            if not any(id(router) not in served and not router.is_app for router in facts.routers):  # type: ignore[union-attr]
                continue
            tree = whole.tree(module)
            # A handler body let go in a large run is read again only if it names a router.
            nodes = handler_bodies.walk(tree, facts.routers_by_name) if tree is not None else ()  # type: ignore[union-attr]
            for value in escaping_uses(tree, nodes) if tree is not None else ():
                if isinstance(value, ast.Name) and value.id in facts.routers_by_name:  # type: ignore[union-attr,attr-defined]
                    router = whole.index.resolve(module, value, value.lineno)
                    if isinstance(router, RouterFact):
                        router.escapes = True

    @staticmethod
    def _mark_imported_escapes(whole: WholeApp, dead: List[Tuple[Module, RouterFact]]) -> None:
        """Mark the routers of `dead`, and the routers that include them (no app serves those
        either), that a module importing them hands on (RouterFact.escapes): a router included
        into one that goes where the tool cannot follow may be served with it. Only modules
        whose text names both such a router's module and its name are walked, and only names
        that may be such a router (their last part holds its name) are resolved; the search
        stops once each dead router, or a router it is included into, is marked."""
        lines = _lines_up(whole, dead)
        searched = {id(router): (module, router) for line in lines for module, router in line}
        names = {router.var for _, router in searched.values() if router.var}
        words = (
            sorted({module.name.rpartition(".")[2].encode() for module, _ in searched.values()}),
            sorted(name.encode() for name in names),
        )
        pending = [{id(router) for _, router in line} for line in lines]
        for module, tree in whole.modules_mentioning(*words):
            bindings = module.facts.imports.bindings  # type: ignore[union-attr]
            # What may name such a router here: its name, or a name it is imported as.
            named = names | {bound for bound, imported in bindings.items() if imported.rpartition(".")[2] in names}
            nodes = handler_bodies.walk(tree, named)
            for node in imported_escapes(tree, module.facts.imports, nodes):  # type: ignore[union-attr]
                if not any(name in _last_part(node, bindings) for name in names):
                    continue
                escaping = whole.index.resolve(module, node, node.lineno)
                if isinstance(escaping, RouterFact):
                    escaping.escapes = True
                    pending = [line for line in pending if id(escaping) not in line]
            if not pending:
                return

    def _dead(self, whole: WholeApp, served: Set[int]) -> List[Tuple[Module, RouterFact]]:
        reached = self._reached(whole, served)
        loaded = self._loaded_names(whole)
        if loaded is None:
            return []  # routers are included by names read at run time: any may be
        return [
            (module, router) for module, router in whole.routers()
            if not router.is_app and router.route_count + router.routes_elsewhere and id(router) not in reached
            # Built by a factory or in a class: where it goes is not followed here.
            and router.var is not None and whole.at_top_level(module, router.call.lineno)
            and router.var not in loaded
        ]

    @staticmethod
    def _reached(whole: WholeApp, served: Set[int]) -> Set[int]:
        """The routers an app may serve, by id: those the route table walks through (`served`),
        and, as the tool cannot tell where they go, those whose object escapes their module
        (RouterFact.escapes), whose routes are read elsewhere, or that are included into
        something it cannot identify (a parameter); with every router included into those."""
        pending: List[RouterFact] = [
            router for _, router in whole.routers() if router.escapes or router.routes_read
        ]
        for module in whole.modules():
            for include in module.facts.includes:  # type: ignore[union-attr]
                if include.receiver is None and include.router is not None:
                    pending.append(include.router)
        reached, visited = set(served), set()
        while pending:
            router = pending.pop()
            if id(router) in visited:
                continue
            visited.add(id(router))
            reached.add(id(router))
            pending.extend(include.router for include in router.includes if include.router is not None)
        return reached

    @staticmethod
    def _loaded_names(whole: WholeApp) -> Optional[Set[str]]:
        """Names an include takes from a module the index cannot resolve and that may be of
        the project: `module.router` of an `importlib.import_module(...)`, `getattr(module,
        "router")`, or an import by a name the import roots do not give (`from myapp.users.router
        import router`). Any top-level router of that name may be the one included. None: a
        name decided at run time (`getattr(module, name)`, a plugin loader), so any router."""
        names: Set[str] = set()
        for module in whole.modules():
            for include in module.facts.includes:  # type: ignore[union-attr]
                node = include.router_node
                if include.router is not None or node is None or whole.is_external(module, node):
                    continue
                looked_up = None
                if isinstance(node, ast.Attribute):
                    names.add(node.attr)
                elif isinstance(node, ast.Call):
                    looked_up = _getattr_name(node)
                elif isinstance(node, ast.Name):
                    imported = module.facts.imports.bindings.get(node.id)  # type: ignore[union-attr]
                    if imported is not None:
                        names.add(imported.rpartition(".")[2])
                        continue
                    looked_up = _looked_up_name(whole.tree(module), node, include.call.lineno)
                if looked_up == "":
                    return None
                if looked_up is not None:
                    names.add(looked_up)
        return names


def _looked_up_name(tree: Optional[ast.Module], node: ast.Name, line: int) -> Optional[str]:
    """The attribute name a variable the include names was looked up by, when the function
    (or module) making the include binds it from `getattr(obj, name, ...)`: the name when
    it is written, "" when it is a run-time value; None when it is not bound so."""
    if tree is None:
        return None
    functions = [
        statement for statement, _ in enclosing(tree, line)
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    scope = functions[-1].body if functions else tree.body  # the innermost function's, or the module's
    for statement in same_scope(scope):
        if isinstance(statement, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == node.id for target in statement.targets
        ):
            looked_up = _getattr_name(statement.value)
            if looked_up is not None:
                return looked_up
    return None


def _getattr_name(value: ast.expr) -> Optional[str]:
    """For `getattr(obj, name, ...)`: the name when it is written, "" when it is a run-time
    value; None for anything else."""
    if not (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "getattr"
        and len(value.args) >= 2
    ):
        return None
    name = value.args[1]
    return name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else ""


def _lines_up(whole: WholeApp, dead: List[Tuple[Module, RouterFact]]) -> List[List[Tuple[Module, RouterFact]]]:
    """Each dead router with the routers it is included into, transitively."""
    parents: Dict[int, List[Tuple[Module, RouterFact]]] = defaultdict(list)
    for module, router in whole.routers():
        for include in router.includes:
            if include.router is not None:
                parents[id(include.router)].append((module, router))
    lines = []
    for start in dead:
        line, pending, seen = [], [start], set()
        while pending:
            module, router = pending.pop()
            if id(router) not in seen:
                seen.add(id(router))
                line.append((module, router))
                pending.extend(parents.get(id(router), ()))
        lines.append(line)
    return lines


def _last_part(node: ast.expr, bindings: dict) -> str:
    """The name an escaping expression ends with: `users.router` -> `router`; an imported name
    by the name it has in its module (`from users.router import router as users_router`)."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return str(bindings.get(node.id, node.id)).rpartition(".")[2] if isinstance(node, ast.Name) else ""


def _apps_named(whole: WholeApp, apps: Sequence[RouterFact]) -> str:
    """The apps for the message: each label once, at most three, then how many more."""
    labels = sorted({whole.label(app) for app in apps})
    shown = ", ".join(labels[:_MAX_APPS_NAMED])
    more = len(labels) - _MAX_APPS_NAMED
    return f"{shown} and {more} more" if more > 0 else shown
