from __future__ import annotations

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class RouterMissingTags(Rule):
    code = "FCL003"
    name = "router-missing-tags"
    summary = "A router is created without tags for OpenAPI grouping."
    rationale = "Always include tags for OpenAPI grouping: tags help organize API docs."
    guide_section = "Router Prefix Convention"
    fix = Fix.UNSAFE

    VALID = (
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
            from fastapi import APIRouter

            router = APIRouter(prefix="/ping")  # noqa: FCL003,FCL001

            @router.get("")
            async def ping():
                return "pong"
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.RAG_PREFIX)
        ''', at=(4, 10)),
        Invalid('''
            import fastapi as fa

            router = fa.APIRouter(prefix=api_config.RAG_PREFIX, tags=[])

            @router.post("/search")
            def search():
                return []
        ''', at=(3, 10), note="an empty list is no tags"),
        Invalid('''
            from fastapi import APIRouter

            class TaggedRouter(APIRouter):
                def __init__(self, prefix: str = "", tags=None):
                    super().__init__(prefix=prefix, tags=tags)

            router = TaggedRouter(prefix=api_config.ADMIN_PREFIX)
        ''', at=(7, 10), note="a subclass forwarding tags=None"),
        Invalid('''
            from fastapi import APIRouter

            parent = APIRouter(prefix=api_config.V1_PREFIX, tags=None)
            child = APIRouter(prefix="/audit")

            @parent.get("/health")
            async def health():
                return {}

            parent.include_router(child)
        ''', at=[(3, 10), (4, 9)], note="nested in a parent without tags"),
        Invalid('''
            from fastapi import APIRouter
            from .users import users_router

            api = APIRouter(prefix=api_config.V1_PREFIX)
            api.add_api_route("/ping", lambda: "pong")
            api.include_router(users_router)
        ''', at=(4, 7), note="a route registered with add_api_route: not an aggregator"),
    )

    def check(self, facts, settings):
        for router in facts.routers:
            if router.is_app or router.has_tags or router.is_aggregator:
                continue
            if any(parent is None or (not parent.is_app and parent.has_tags) for parent in router.parents):
                continue
            yield self.report(router.call, "router has no tags: add tags=[...] to group its routes in the OpenAPI docs")
