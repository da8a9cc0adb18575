from __future__ import annotations

from typing import List, Optional, Sequence, Set

from fastapi_conventions_lint.facts.model import RouterFact
from fastapi_conventions_lint.project.index import Module
from fastapi_conventions_lint.rules._whole_app import WholeApp
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


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
        }, note="an include the tool cannot follow may include any router: no finding"),
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
    )
    INVALID = (
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
            note="imported but never included; routes registered from another module count"),
    )

    def check_project(self, index, settings):
        apps = index.apps()
        if not apps:
            return
        whole = WholeApp(index)
        reached = self._reached(whole, apps)
        if reached is None:
            return
        dead = [
            (module, router)
            for module, router in whole.routers()
            if not router.is_app and router.route_count + router.routes_elsewhere and id(router) not in reached
            # Built by a factory or in a class: where it goes is not followed here.
            and router.var is not None and whole.at_top_level(module, router.call.lineno)
        ]
        if not dead:
            return
        # Before calling anything dead: the include_router calls of modules outside the index.
        reached = self._reached(whole, apps, list(whole.unlinked_modules()))
        if reached is None:
            return
        where = ", ".join(sorted(whole.label(app) for app in apps))
        for module, router in dead:
            if id(router) in reached:
                continue
            routes = router.route_count + router.routes_elsewhere
            yield module.path, self.report(
                router.call,
                f'router "{router.var}" has {routes} route{"" if routes == 1 else "s"} but is never '
                f"included into the app ({where}): its endpoints are dead; include it with "
                f"include_router(), into the app or into a router that is",
            )

    @staticmethod
    def _reached(
        whole: WholeApp, apps: List[RouterFact], unlinked: Sequence[Module] = ()
    ) -> Optional[Set[int]]:
        """The routers every app may serve, by id: those an include chain brings into an app,
        and (as the tool cannot tell) those included into something it cannot identify or
        from a module outside the index. None when an include that may serve any router
        cannot be followed (a loop variable, a factory of the project): nothing can then be
        called dead."""
        pending: List[RouterFact] = list(apps)
        for module in list(whole.modules()):
            for include in module.facts.includes:  # type: ignore[union-attr]
                if include.receiver is not None:
                    continue
                if include.router is not None:
                    pending.append(include.router)
                elif not whole.is_external(module, include.router_node):
                    return None
        for module in unlinked:
            for include in module.facts.includes:  # type: ignore[union-attr]
                router = include.router
                if router is None and include.router_node is not None:
                    found = whole.index.resolve(module, include.router_node, include.call.lineno)
                    router = found if isinstance(found, RouterFact) else None
                if router is not None:
                    pending.append(router)
                elif not whole.is_external(module, include.router_node):
                    return None
        reached: Set[int] = set()
        while pending:
            router = pending.pop()
            if id(router) in reached:
                continue
            reached.add(id(router))
            for include in router.includes:
                if include.router is not None:
                    pending.append(include.router)
                    continue
                module = whole.include_module(include)
                if module is None or not whole.is_external(module, include.router_node):
                    return None
        return reached
