from __future__ import annotations

from fastapi_conventions_lint.facts.includes import doubled_path, made_by_the_app
from fastapi_conventions_lint.rules.base import CrossFileFix, Fix, Invalid, Rule, Valid


class PrefixAtInclude(Rule):
    code = "FCL005"
    name = "prefix-at-include"
    summary = "include_router passes a prefix; the prefix belongs in the router's own definition."
    rationale = (
        "Since routers define their own prefixes, registration in main.py is simple: "
        "`app.include_router(myfeature_router)  # No prefix argument!`"
    )
    guide_section = "Router Registration in main.py"
    cross_file_fix = CrossFileFix(Fix.SAFE, (
        "Moves the include's `prefix=` into the router's own `APIRouter(prefix=...)`, merged with "
        'the prefix it has (`"/api/v1"` + `"/search"` becomes `f"{api_config.V1_PREFIX}/search"`, '
        "written as FCL001 wants). Safe: parent prefix + P + router prefix is served either way. "
        "Made only when the router is a plain `APIRouter(...)` in a file of the run, included "
        "exactly once in the whole project, both prefixes are known statically, and the app's "
        "static route table comes out the same."
    ))

    VALID = (
        Valid('''
            from fastapi import FastAPI
            from myfeature.router import router as myfeature_router

            app = FastAPI()
            app.include_router(myfeature_router)
        '''),
        Valid('''
            from fastapi import FastAPI
            from myfeature.router import router

            app = FastAPI()
            app.include_router(router, prefix="")
            app.include_router(router, prefix=None, tags=["x"])
        ''', note="an empty or None prefix is no prefix"),
        Valid('''
            from fastapi import FastAPI
            from legacy import router

            app = FastAPI()
            app.include_router(router, prefix="/legacy")  # noqa: FCL005
        '''),
        Valid('''
            from fastapi import APIRouter


            def register_view(router: APIRouter, view: APIRouter) -> None:
                # The view's routes are served under the router's own prefix.
                prefix = router.prefix
                router.prefix = ""
                router.include_router(view, prefix=prefix)


            def mount(parent: APIRouter, child: APIRouter) -> None:
                parent.include_router(router=child, prefix=child.prefix)
        ''', note="a helper applying a router's own prefix at an include (a class-based view's): the router defines it"),
        Valid('''
            from fastapi import APIRouter, FastAPI
            from server.config import api_config

            app = FastAPI(docs_url=None, redoc_url=None)
            items = APIRouter(prefix=api_config.ITEMS_PREFIX, tags=["items"])


            def include(router: APIRouter, **options) -> None:
                app.include_router(router, **options)


            include(items)
        ''', note="options spread into the include: no prefix written there"),
        Valid('''
            from faststream.rabbit import RabbitBroker, RabbitRouter

            broker = RabbitBroker()
            orders = RabbitRouter(prefix="orders.")
            broker.include_router(orders, prefix="v1.")
        ''', note="another library's include_router, in a file that imports nothing of FastAPI"),
        Valid('''
            from fastapi import APIRouter


            class VersionedRouter(APIRouter):
                def include_router(self, router, *, prefix: str = "", **options) -> None:
                    super().include_router(router, prefix=f"/v1{prefix}", **options)
        ''', note="a router class's own include_router hands on what its callers give"),
    )
    INVALID = (
        Invalid(files={
            "app/core.py": '''
                from fastapi import FastAPI

                app = FastAPI(docs_url=None, redoc_url=None)
            ''',
            "app/users.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
            "app/main.py": '''
                from app import users
                from app.core import app

                app.include_router(users.router, prefix="/users")
            ''',
        }, at=("app/main.py", 4, 41), note=(
            "a module that imports nothing of FastAPI includes into the app of another: both "
            "hosts link the app and the router in, and so tell it from another library's include_router"
        )),
        Invalid(files={
            "app/scoping.py": '''
                from fastapi import APIRouter, FastAPI


                def include_scoped(application: FastAPI, router: APIRouter) -> None:
                    application.include_router(router, include_in_schema=False)
                    application.include_router(router, prefix="/workspaces/{workspace_id}")
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app.routers import items, users
                from app.scoping import include_scoped

                app = FastAPI(docs_url=None, redoc_url=None)
                include_scoped(app, users)
                include_scoped(app, items)
            ''',
            "app/routers.py": '''
                from fastapi import APIRouter

                users = APIRouter(prefix="/users", tags=["users"])
                items = APIRouter(prefix="/items", tags=["items"])


                @users.get("")
                def list_users():
                    return []


                @items.get("")
                async def list_items():
                    return []
            ''',
        }, at=("app/scoping.py", 6, 47),
            message="the prefix belongs in the router's own definition",
            note="a function including each router its callers pass: one report for its one call"),
        Invalid(files={
            "app/health.py": '''
                from fastapi import APIRouter as Router


                def ping() -> dict:
                    return {"ok": True}


                def health_router() -> Router:
                    router = Router(tags=["health"])
                    router.add_api_route("", ping, methods=["GET"])
                    return router
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app import health

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(health.health_router(), prefix=api_config.HEALTH_PREFIX)
            ''',
        }, at=("app/main.py", 6, 51),
            message="the prefix belongs in the router's own definition",
            note="the router a factory of another module returns: each call makes one (`fix` leaves its definition as it is)"),
        Invalid(files={
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter()

                @router.get("/me")
                def me():
                    return {}
            ''',
            "main.py": '''
                from fastapi import FastAPI
                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router, prefix="/api/v1/users", tags=["users"])
            ''',
        }, at=("main.py", 5, 41), note=(
            "the router module gives neither prefix nor tags, main.py gives both: FCL005 here, and "
            "FCL003 on the router names this include; not FCL004 too (in the CLI, which sees the include)"
        )),
        Invalid('''
            from fastapi import FastAPI
            from myfeature.router import router

            app = FastAPI()
            app.include_router(router, prefix="/api/v1/feature")
        ''', at=(5, 35), message="prefix belongs in the router"),
        Invalid('''
            from fastapi import APIRouter
            from app.settings import settings
            from .users import router as users

            api = APIRouter()
            if settings.ENABLE_USERS:
                api.include_router(users, prefix=settings.USERS_PREFIX)
        ''', at=(7, 38), note="on a router, inside a condition, with a prefix of unknown origin"),
        Invalid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/users", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix="/api/v1")
        ''', at=(5, 35), note="composes without doubling: FCL005, not FCL002"),
        Invalid('''
            from fastapi import FastAPI

            from server.settings import settings
            from users import router

            app = FastAPI()
            app.include_router(router, prefix=settings.prefix)
        ''', at=(7, 35), note="an attribute named prefix that is no router's own"),
        Invalid('''
            from fastapi import APIRouter


            def register_view(router: APIRouter, view: APIRouter, legacy: bool) -> None:
                prefix = router.prefix
                if legacy:
                    prefix = "/legacy"
                router.include_router(view, prefix=prefix)
        ''', at=(8, 40), note="a name bound to the router's prefix and to another"),
        Invalid('''
            from fastapi import FastAPI as App
            from capabilities.persona import router as persona_router

            application = App(title="svc")
            application.include_router(persona_router, prefix=api_config.CAPABILITIES_PREFIX)
        ''', at=(5, 51), note="config-rooted prefix, still in the wrong place; aliased app"),
    )

    def check(self, facts, settings):
        for include in facts.includes:
            if include.prefix_node is None or include.prefix.absent or doubled_path(include) is not None:
                continue  # (a prefix `**options` may hold is not one written here)
            if not made_by_the_app(include, facts) or include.reads_own_prefix:
                continue
            yield self.report(
                include.prefix_node,
                "include_router passes prefix=...: the prefix belongs in the router's own "
                "definition (APIRouter(prefix=...))",
            )
