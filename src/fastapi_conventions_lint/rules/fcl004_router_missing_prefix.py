from __future__ import annotations

from fastapi_conventions_lint.rules._modules import is_test_module
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class RouterMissingPrefix(Rule):
    code = "FCL004"
    name = "router-missing-prefix"
    summary = "A router with routes of its own defines no prefix."
    rationale = (
        "Don't omit the prefix in router definition: each router owns its prefix, "
        "self-documented using api_config, instead of relying on main.py."
    )
    guide_section = "Router Prefix Convention"

    VALID = (
        Valid('''
            from fastapi import APIRouter


            def get_auth_router(backend) -> APIRouter:
                router = APIRouter(tags=["auth"])

                @router.post("/login")
                def login():
                    return {}

                return router
        ''', note="a router factory no module in sight calls: its caller may include it with a prefix"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from users.router import router as users_router

                app = FastAPI()
                app.include_router(users_router, prefix="/api/v1/users")
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["users"])


                @router.get("")
                def list_users():
                    return []
            ''',
        }, note=(
            "the prefix is given at the include in another module: FCL005 reports that design "
            "decision there, once; in flake8 on users/router.py alone too"
        )),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                from webhooks import callbacks

                app = FastAPI()


                @app.post("/invoices", callbacks=callbacks.router.routes)
                def create_invoice():
                    return {}
            ''',
            "webhooks/callbacks.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["webhooks"])


                @router.post("{$callback_url}/invoices/paid")
                def invoice_paid():
                    return None
            ''',
        }, note="a callback router (its routes read through `.routes`): never served, no prefix"),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.V1_PREFIX}/feature", tags=["feature"])

            @router.get("/items")
            async def list_items():
                return []
        '''),
        Valid('''
            from fastapi import APIRouter
            from . import users, items

            api_router = APIRouter()
            api_router.include_router(users.router)
            api_router.include_router(items.router)
        ''', note="an aggregator needs no prefix"),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            parent = APIRouter(prefix=api_config.ADMIN_PREFIX, tags=["admin"])
            child = APIRouter(tags=["audit"])

            @child.get("/audit")
            def audit():
                return []

            parent.include_router(child)
        ''', note="a nested router takes its parent's prefix"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(tags=["misc"])  # noqa: FCL004
            router.add_api_route("/ping", lambda: "pong")
        ''', note="suppressed"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(tags=["empty"])
        ''', note="no routes yet"),
        Valid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(tags=["feature"])

            @router.get("/items")
            async def list_items():
                return []

            app = FastAPI()
            app.include_router(router, prefix="/api/v1/feature")
        ''', note=(
            "every include passes the prefix: one decision, reported once, by FCL005 at the include "
            "(in the CLI also when the include is in another module)"
        )),
        Valid(files={
            "app/users_test.py": '''
                from fastapi import APIRouter

                router = APIRouter(tags=["users"])


                @router.get("/users/me")
                async def me():
                    return {"name": "test"}


                def test_me():
                    assert router.prefix == ""
            ''',
        }, note="a router of a test module (`*_test.py`, async handler) is never served"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, FastAPI

            router = APIRouter(tags=["feature"])

            @router.get("/items")
            async def list_items():
                return []

            app = FastAPI()
            app.include_router(router)
            app.include_router(router, prefix="/api/v2/feature")
        ''', at=(3, 10), message="no prefix", note="one of its includes passes no prefix"),
        Invalid('''
            import fastapi

            router = fastapi.APIRouter(prefix="", tags=["x"])

            def read_x():
                return 1

            router.add_api_route("/x", read_x)
        ''', at=(3, 10), note='prefix="" and a handler registered with add_api_route'),
        Invalid('''
            from fastapi import APIRouter
            from .users import users_router

            api = APIRouter(tags=["api"])
            api.add_api_route("/ping", lambda: "pong")
            api.include_router(users_router)
        ''', at=(4, 7), note="a lambda endpoint is a route too: not an aggregator"),
        Invalid('''
            from fastapi import APIRouter

            PREFIX = None
            router = APIRouter(prefix=PREFIX, tags=["x"])

            @router.websocket("/ws")
            async def ws(websocket):
                await websocket.accept()
        ''', at=(4, 10), note="a name bound to None; a websocket route"),
        Invalid('''
            from fastapi import APIRouter as BaseRouter

            class AuditedRouter(BaseRouter):
                pass

            audit = AuditedRouter(tags=["audit"])

            @audit.get("/events")
            def events():
                return []
        ''', at=(6, 9), note="an in-file subclass of an aliased APIRouter; a sync handler"),
    )

    def check(self, facts, settings):
        if not facts.routers or is_test_module(facts, settings):
            return  # a router a test makes is never served
        for router in facts.routers:
            if router.is_app or not router.prefix.absent or not router.route_count or not router.accepts_prefix:
                continue
            if router.may_be_nested or _prefixed_at_every_include(router):
                continue
            if router.routes_read:
                continue  # a callback router: its paths are templates, never served

            yield self.report(
                router.call,
                f"router has routes but no prefix: define prefix=... from "
                f"{settings.api_config_name} in the router itself",
            )


def _prefixed_at_every_include(router) -> bool:
    """Every include of the router passes a prefix: FCL005 reports that one decision, at
    the include, where the fix moves it into the router."""
    return bool(router.included_in) and all(not include.prefix.absent for include in router.included_in)
