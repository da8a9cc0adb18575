from __future__ import annotations

import ast
from typing import Iterator, Optional, Tuple

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


def _starts_with(path: str, prefix: str) -> bool:
    """Whether `path` starts with `prefix` at a segment boundary."""
    return path == prefix or path.startswith(prefix + "/")


def _repeatable(router, settings) -> Iterator[Tuple[str, str]]:
    """(prefix, what it is) pairs a route path of `router` must not start with: the router's
    own prefix, that prefix under each include (the include's prefix, the parent's own), the
    parent's prefix, and the configured prefix constants the router's prefix starts with."""
    own = router.prefix.resolved
    if own:
        yield own, "the router's prefix"
    prefixes = [own] if own else []
    for include in router.included_in:
        parent = include.receiver
        outer = parent.prefix.resolved if parent is not None and not parent.is_app else ""
        at_include = include.prefix.resolved
        if outer is None or at_include is None:
            continue
        if outer:
            yield outer, "the parent router's prefix"
        if own is not None and (outer or at_include):
            yield outer + at_include + own, "the router's full prefix"
            prefixes.append(outer + at_include + own)
    # A constant the served prefix does not hold is not repeated (`/api/v1/audit` on a
    # router whose prefix is `/admin` is served once).
    for name, value in settings.prefixes.items():
        if value and value != "/" and any(_starts_with(prefix, value) for prefix in prefixes):
            yield value, f"the prefix constant {name}"


class RoutePathRepeatsPrefix(Rule):
    code = "FCL011"
    name = "route-path-repeats-prefix"
    summary = (
        "A route path starts with its router's prefix (or its parent's, or a configured prefix "
        "constant's value): the served path holds the prefix twice."
    )
    rationale = (
        "Routes are relative to the prefix: `@router.get(\"/items\")` on a router whose prefix "
        "is `/api/v1/services/myservice` is served at `/api/v1/services/myservice/items`. A route "
        "path that spells the prefix again is served at the prefix twice."
    )
    guide_section = "Router Definition Example"
    fix = Fix.UNSAFE
    fix_description = (
        "Drops the repeated prefix from a literal route path (`/api/v1/kb/search` -> `/search`; "
        "a path that is only the prefix becomes `\"\"`). Unsafe: the served URL changes, to the "
        "one the route was meant to have; update clients that call the doubled path."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.RAG_PREFIX}/kb", tags=["kb"])


            @router.get("/search")
            async def search():
                return []


            @router.get("/kb-stats")
            def stats():
                return {}


            @router.get("")
            async def list_documents():
                return []
        ''', note="paths relative to the prefix; `/kb-stats` is not `/kb` at a segment boundary"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/admin", tags=["admin"])  # noqa: FCL001


            @router.get("/api/v1/audit")
            def audit():
                return []
        ''', note="a prefix constant's value the router's prefix does not hold: served once"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.get("/api/v1/health")
            async def health():
                return {"ok": True}
        ''', note="a route on the app itself: there is no prefix to repeat"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])  # noqa: FCL001


            @router.get("/users/{user_id}")  # noqa: FCL011
            async def read_user(user_id: int):
                return {}
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid(files={
            "app/__init__.py": "",
            "app/main.py": '''
                from fastapi import APIRouter, FastAPI

                from app.profiles import register_profile
                from server.config import api_config

                users = APIRouter(prefix=api_config.USERS_PREFIX, tags=["users"])
                admins = APIRouter(prefix=api_config.ADMINS_PREFIX, tags=["admins"])
                register_profile(users)
                register_profile(admins)
                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(users)
                app.include_router(admins)
            ''',
            "app/profiles.py": '''
                from fastapi import APIRouter


                def register_profile(router: APIRouter) -> None:
                    @router.get("/api/v1/users/me")
                    async def profile() -> dict:
                        return {}
            ''',
            "server/config.py": '''
                class ApiConfig:
                    USERS_PREFIX = "/api/v1/users"
                    ADMINS_PREFIX = "/api/v1/admins"


                api_config = ApiConfig()
            ''',
        }, at=("app/profiles.py", 5, 17), message="(no fix: the route is registered in `register_profile()`",
            flake8_at=[], note="one decorator registering the route on two routers: a shorter path would move "
            "both (flake8, one file at a time, does not see the callers)"),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.RAG_PREFIX}/kb", tags=["kb"])


            @router.get("/api/v1/rag/kb/search")
            async def search():
                return []
        ''', at=(7, 13), message='served at "/api/v1/rag/kb/api/v1/rag/kb/search"', fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.RAG_PREFIX}/kb", tags=["kb"])


            @router.get("/search")
            async def search():
                return []
        '''),
        Invalid('''
            from fastapi import APIRouter as Router

            items = Router(prefix="/items", tags=["items"])  # noqa: FCL001


            @items.get('/items')
            def list_items():
                return []


            def read_item(item_id: int):
                return {}


            items.add_api_route("/items/{item_id}", read_item)
        ''', at=[(6, 12), (15, 21)], message="the router's prefix", note="sync; add_api_route; aliased import",
            fixed='''
            from fastapi import APIRouter as Router

            items = Router(prefix="/items", tags=["items"])  # noqa: FCL001


            @items.get('')
            def list_items():
                return []


            def read_item(item_id: int):
                return {}


            items.add_api_route("/{item_id}", read_item)
        '''),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.RAG_PREFIX}/kb", tags=["kb"])


            @router.post("/api/v1/reindex")
            async def reindex():
                return {}
        ''', at=(7, 14), message='the prefix constant V1_PREFIX "/api/v1"', fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.RAG_PREFIX}/kb", tags=["kb"])


            @router.post("/reindex")
            async def reindex():
                return {}
        ''', note="a configured prefix constant the router's prefix holds"),
        Invalid(files={
            "app/main.py": '''
                from fastapi import FastAPI

                from app.api import api_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(api_router)
            ''',
            "app/api/__init__.py": '''
                from fastapi import APIRouter

                from app.api.orders import router as orders_router

                api_router = APIRouter(prefix="/shop")  # noqa: FCL001
                api_router.include_router(orders_router)
            ''',
            "app/api/orders.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/orders", tags=["orders"])


                @router.get("/shop/orders/{order_id}")
                async def read_order(order_id: int):
                    return {}
            ''',
        }, at=("app/api/orders.py", 6, 13), message="the router's full prefix",
            note="a router nested in a router of another module: the full prefix repeated"),
    )

    def check(self, facts, settings):
        for route in facts.routes:
            router = route.receiver
            node = route.path_node
            if router is None or router.is_app or node is None or router.prefix.absent:
                continue
            path = route.path.resolved_head
            found: Optional[Tuple[str, str]] = None
            for prefix, what in _repeatable(router, settings):
                if _starts_with(path, prefix) and (found is None or len(prefix) > len(found[0])):
                    found = prefix, what
            if found is None:
                continue
            prefix, what = found
            served = router.prefix.display() + route.path.display()
            message = (
                f'route path "{route.path.display()}" starts with {what} "{prefix}", which the '
                f'router already adds: it is served at "{served}"'
            )
            fixable = isinstance(node, ast.Constant) and isinstance(node.value, str)
            if route.for_callers_of is not None:
                # The one decorator serves every receiver the callers pass: a shorter path
                # would move the route of each of them.
                yield self.report(node, (
                    f"{message} (no fix: the route is registered in `{route.for_callers_of}()`, whose "
                    "callers pass different routers or apps)"
                ))
                continue
            if not fixable:
                yield self.report(node, message)
                continue
            yield self.report(
                node, message, description=f'drop the repeated "{prefix}" from the path',
                path=node.value[len(prefix):],
            )


