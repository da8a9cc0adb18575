from __future__ import annotations

from fastapi_conventions_lint.facts.includes import doubled_path, outer_prefix
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class DoubledRouterPrefix(Rule):
    code = "FCL002"
    name = "doubled-router-prefix"
    summary = "include_router adds a prefix that the included router's own prefix already starts with."
    rationale = (
        "Don't duplicate prefixes: a prefix defined in the router and again in "
        "`app.include_router(router, prefix=...)` results in "
        "/api/v1/services/feature/api/v1/services/feature."
    )
    guide_section = "Router Prefix Convention"
    fix = Fix.UNSAFE
    fix_description = (
        "Removes `prefix=` from the `include_router` call. Unsafe: the served URLs change (the doubled "
        "URL was the one served, so clients must be updated). Not offered when the doubling comes "
        "from a parent router's own prefix."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter, FastAPI
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/feature", tags=["feature"])
            app = FastAPI()
            app.include_router(router)
        ''', note="the prefix is defined once, in the router"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/users", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix="/api/v1")
        ''', note="different prefixes compose (FCL005 reports the include prefix)"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(prefix="/api/v1-beta/users", tags=["users"])
            app = FastAPI()
            app.include_router(router, prefix="/api/v1")  # noqa: FCL002, FCL005
        ''', note="not on a segment boundary, and suppressed"),
        Valid('''
            from fastapi import FastAPI
            from .router import router

            app = FastAPI()
            app.include_router(router, prefix="/api/v1")
        ''', note="a router from another module: left to project analysis"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, FastAPI

            users = APIRouter(prefix="/api/v1/users", tags=["users"])
            items = APIRouter(prefix="/items", tags=["items"])

            app = FastAPI()
            for router in (users, items):
                app.include_router(router, prefix="/api/v1")
        ''', at=(8, 39), message="so it serves \"/api/v1/api/v1/users\" (no fix: the include_router is made in a loop",
            note="a loop includes each router of a tuple: the call's prefix is every one's, so it stays"),
        Invalid('''
            from fastapi import APIRouter, FastAPI
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/feature", tags=["feature"])
            app = FastAPI()
            app.include_router(router, prefix=f"{api_config.SERVICES_PREFIX}/feature")
        ''', at=(6, 35), message='"/api/v1/services/feature/api/v1/services/feature"', fixed='''
            from fastapi import APIRouter, FastAPI
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/feature", tags=["feature"])
            app = FastAPI()
            app.include_router(router)
        '''),
        Invalid('''
            import fastapi

            PREFIX = "/api/v1"
            users = fastapi.APIRouter(prefix=PREFIX + "/users", tags=["users"])
            application = fastapi.FastAPI()
            application.include_router(users, prefix=PREFIX)
        ''', at=(6, 42), message="/api/v1/api/v1/users", note="through a same-file name", fixed='''
            import fastapi

            PREFIX = "/api/v1"
            users = fastapi.APIRouter(prefix=PREFIX + "/users", tags=["users"])
            application = fastapi.FastAPI()
            application.include_router(users)
        '''),
        Invalid('''
            from fastapi import APIRouter

            v1 = APIRouter(prefix="/api/v1", tags=["v1"])
            items = APIRouter(prefix="/api/v1/items", tags=["items"])

            @items.get("/{item_id}")
            async def read_item(item_id: int):
                return {"id": item_id}

            v1.include_router(items)
        ''', at=(10, 19), message="/api/v1/api/v1/items", note="nested router: the parent's own prefix, no prefix= at all"),
        Invalid('''
            from fastapi import APIRouter
            from fastapi import FastAPI as App
            from server.config import api_config as cfg

            class AdminRouter(APIRouter):
                def __init__(self, **kwargs):
                    super().__init__(prefix=f"{cfg.ADMIN_PREFIX}/tools", tags=["admin"], **kwargs)

            tools = AdminRouter()
            app = App()
            app.include_router(tools, prefix=cfg.ADMIN_PREFIX)
        ''', at=(11, 34), message="/api/v1/admin/api/v1/admin/tools", note="a router subclass and an aliased app class", fixed='''
            from fastapi import APIRouter
            from fastapi import FastAPI as App
            from server.config import api_config as cfg

            class AdminRouter(APIRouter):
                def __init__(self, **kwargs):
                    super().__init__(prefix=f"{cfg.ADMIN_PREFIX}/tools", tags=["admin"], **kwargs)

            tools = AdminRouter()
            app = App()
            app.include_router(tools)
        '''),
    )

    def check(self, facts, settings):
        for include in facts.includes:
            served = doubled_path(include)
            if served is None:
                continue
            message = (
                f'prefix "{outer_prefix(include)}" is applied twice: the router\'s own prefix '
                f'already starts with it, so it serves "{served}"'
            )
            receiver = include.receiver
            if include.prefix_node is None or not (
                receiver is None or receiver.is_app or receiver.prefix.absent
            ):
                # The doubling comes (also) from the parent router's own prefix: dropping the
                # include's prefix would not undo it.
                yield self.report(include.prefix_node or include.router_node, message)
                continue
            if include.shared_with:
                # The call includes every router of the loop (or of the function's callers):
                # its prefix is theirs too.
                yield self.report(include.prefix_node, message + f" (no fix: {include.shared_with})")
                continue
            yield self.report(
                include.prefix_node,
                message,
                description="remove prefix= from include_router (the served URLs change)",
            )
