from __future__ import annotations

import ast
from collections import defaultdict

from fastapi_conventions_lint.facts.model import IncludeFact
from fastapi_conventions_lint.rules._whole_app import WholeApp, made_on, one_object
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


class RouterIncludedTwice(Rule):
    code = "FCL008"
    name = "router-included-twice"
    summary = (
        "The same router is included more than once into the same app or router with the same "
        "prefix."
    )
    rationale = (
        "Modular routers: Split endpoints by domain (`/users`, `/items`) and include via "
        "`app.include_router()`; Router Registration in main.py: since routers define their own "
        "prefixes, registration is simple: each router is registered once. A second "
        "include_router of the same router registers every one of its routes again."
    )
    guide_section = "Router Registration in main.py"
    scope = Scope.PROJECT

    VALID = (
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from items.router import router as items_router
                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router)
                app.include_router(items_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                router = APIRouter(prefix=f"{api_config.V1_PREFIX}/users", tags=["users"])


                @router.get("")
                async def list_users():
                    return []
            ''',
            "items/router.py": '''
                from fastapi import APIRouter
                from server.config import api_config

                router = APIRouter(prefix=f"{api_config.V1_PREFIX}/items", tags=["items"])


                @router.get("")
                async def list_items():
                    return []
            ''',
        }, note="each router registered once in main.py, as the guide shows"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from api import v1, v2
                from users.router import router as users_router

                app = FastAPI()
                app.include_router(v1)
                app.include_router(v2)
            ''',
            "api.py": '''
                from fastapi import APIRouter

                from users.router import router as users_router

                v1 = APIRouter(prefix="/v1")
                v2 = APIRouter(prefix="/v2")
                v1.include_router(users_router)
                v2.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="one router under two different parents: served under both"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from server.config import settings
                from users import router

                app = FastAPI()
                if settings.USERS_UNDER_ADMIN:
                    app.include_router(router, dependencies=[settings.admin_only])
                else:
                    app.include_router(router)
            ''',
            "users/__init__.py": '''
                from .router import router
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="the two branches of an `if` never both run; an `__init__` re-export"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router, prefix="/v1")
                app.include_router(users_router, prefix="/v2")
                app.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note="one router under three prefixes: an alias, each route served at three paths"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from server.config import settings
                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router, prefix=settings.STABLE_PREFIX)
                app.include_router(users_router, prefix=settings.BETA_PREFIX)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])
            ''',
        }, note="prefixes not known statically may differ: no finding"),
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
            ''',
        }, note="suppressed on the reported line"),
        Valid('''
            from fastapi import APIRouter, FastAPI


            def oauth_router(provider: str) -> APIRouter:
                router = APIRouter(prefix=f"{api_config.AUTH_PREFIX}/{provider}", tags=["auth"])

                @router.get("/authorize")
                def authorize() -> dict:
                    return {}

                return router


            app = FastAPI(docs_url=None, redoc_url=None)
            app.include_router(oauth_router("github"))
            app.include_router(oauth_router("google"))
        ''', note="two calls of a router factory make two routers"),
        Valid('''
            from fastapi import APIRouter, FastAPI
            from server.config import api_config

            app = FastAPI(docs_url=None, redoc_url=None)
            admin = FastAPI(docs_url=None, redoc_url=None)
            users = APIRouter(prefix=api_config.USERS_PREFIX, tags=["users"])


            @users.get("")
            def list_users() -> list:
                return []


            def add_routers(app: FastAPI) -> None:
                app.include_router(users)


            app.include_router(users)
            add_routers(admin)
        ''', note="a parameter named as the module's app stands for what the callers pass: the admin app"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            users = APIRouter(prefix=api_config.USERS_PREFIX, tags=["users"])


            @users.get("")
            def list_users() -> list:
                return []


            def create_base_app() -> FastAPI:
                app = FastAPI(docs_url=None, redoc_url=None)
                return app


            def create_public_app() -> FastAPI:
                app = create_base_app()
                app.include_router(users)
                return app


            def create_admin_app() -> FastAPI:
                app = create_base_app()
                app.include_router(users)
                return app
        ''', note="two functions each make an app from one factory and include the router: once into each"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, FastAPI


            def oauth_router(provider: str) -> APIRouter:
                router = APIRouter(prefix=f"{api_config.AUTH_PREFIX}/{provider}", tags=["auth"])

                @router.get("/authorize")
                async def authorize() -> dict:
                    return {}

                return router


            github = oauth_router("github")
            app = FastAPI(docs_url=None, redoc_url=None)
            app.include_router(github)
            app.include_router(github)
        ''', at=(17, 20), message='router "github" is already included into "app" (line 16)',
            note="one call of a router factory, its result included twice"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router)
                app.include_router(users_router)
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, at=("main.py", 7, 20), message='router "users_router" is already included into "app" (line 6)'),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router as users_router

                V1 = "/v1"

                app = FastAPI()
                app.include_router(users_router, prefix="/v1")
                app.include_router(users_router, prefix="/v2")
                app.include_router(users_router, prefix=V1, tags=["v1"])
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])
            ''',
        }, at=("main.py", 10, 20), message='into "app" with prefix "/v1" (line 8)',
            note="the same prefix twice, once through a constant"),
        Invalid(files={
            "server/main.py": '''
                from fastapi import FastAPI

                from capabilities import api

                app = FastAPI()
                app.include_router(api)
            ''',
            "capabilities/__init__.py": '''
                from fastapi import APIRouter

                from .calendar.router import router as calendar
                from .persona import router as persona_router_module

                api = APIRouter()
                api.include_router(calendar)
                api.include_router(persona_router_module.router)
                api.include_router(router=calendar, tags=["calendar"])
            ''',
            "capabilities/calendar/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/calendar", tags=["calendar"])


                @router.get("/events")
                async def list_events():
                    return []
            ''',
            "capabilities/persona/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/persona", tags=["persona"])
            ''',
        }, at=("capabilities/__init__.py", 9, 27),
            note="a relative import and an alias, in an aggregator of a package"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users import router as users

                app = FastAPI()
                app.include_router(users)

                import routes  # noqa: E402  (registers the routers of the admin area)
            ''',
            "routes.py": '''
                from main import app
                from users.router import router

                app.include_router(router)
            ''',
            "users/__init__.py": '''
                from .router import router
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/users", tags=["users"])
            ''',
        }, at=("routes.py", 4, 20), message="(main, line 6)",
            note="the second include is in another module, through an `__init__` re-export"),
        Invalid(files={
            "main.py": '''
                from fastapi import FastAPI, APIRouter

                from server.config import settings

                users = APIRouter(prefix="/users", tags=["users"])
                app = FastAPI()
                try:
                    app.include_router(users)
                    app.include_router(users)
                except ImportError:
                    pass
                if settings.DEBUG:
                    app.include_router(users)
            ''',
        }, at=[("main.py", 9, 24), ("main.py", 13, 24)],
            note="a conditional include counts; statements one after the other both run"),
    )

    def check_project(self, index, settings):
        app = WholeApp(index)
        for _, parent in app.routers():
            by_router = defaultdict(list)
            for include in parent.includes:
                prefix = include.prefix.resolved
                # One router under two prefixes is served twice, on purpose (an alias); a
                # prefix not known statically may be either.
                if include.router is not None and prefix is not None:
                    by_router[(_same_object(include), prefix)].append(include)
            for includes in by_router.values():
                if len(includes) < 2:
                    continue
                includes.sort(key=app.include_key)
                for number, later in enumerate(includes[1:], start=1):
                    site = app.include_site(later)
                    earlier = [
                        include for include in includes[:number]
                        if not app.exclusive(app.include_site(include), site)
                        and one_object(made_on(include.path, include), made_on(later.path, later))
                    ]
                    module = site[0]
                    if not earlier or module is None:
                        continue
                    first = earlier[0]
                    first_module = app.include_module(first)
                    where = f"line {first.call.lineno}"
                    if first_module is not module and first_module is not None:
                        where = f"{first_module.name}, {where}"
                    node = later.router_node if later.router_node is not None else later.call
                    receiver = ast.unparse(later.call.func.value)  # type: ignore[attr-defined]
                    yield module.path, self.report(
                        node,
                        f'router "{ast.unparse(node)}" is already included into "{receiver}"{_with_prefix(later)} '
                        f"({where}): every one of its routes is registered a second time",
                    )


def _same_object(include: IncludeFact) -> object:
    """What two includes share when they include the same router object. A router made per
    instance or per call is one object per instance or call: `make_router()` twice, or
    `github.router` and `google.router`, are two routers; the same name twice is one."""
    router, node = include.router, include.router_node
    if not router.made_per_call:  # type: ignore[union-attr]
        return id(router)
    if isinstance(node, (ast.Name, ast.Attribute)):
        return (id(router), include.path, ast.unparse(node))
    return id(include)


def _with_prefix(include: IncludeFact) -> str:
    prefix = include.prefix.resolved
    return f' with prefix "{prefix}"' if prefix else ""
