from __future__ import annotations

from fastapi_conventions_lint.facts.handler_body import count_statements
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid

_FAT = '''
from fastapi import APIRouter

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["orders"])

@router.post("/orders")
{kind}def create_order(order: dict):
    """Create an order."""
    total = 0
    for line in order["lines"]:
        if line["qty"] <= 0:
            raise ValueError("qty")
        total += line["qty"] * line["price"]
    if total > 1000:
        discount = 0.1
    else:
        discount = 0
    total = total * (1 - discount)
    order["total"] = total
    order["status"] = "new"
    audit = {{"event": "created"}}
    return order
'''


class FatRouteHandler(Rule):
    code = "FCL101"
    name = "fat-route-handler"
    summary = "A route handler has more statements than `max-handler-statements` (12)."
    rationale = (
        "Routers are thin: parse input, call application logic, return responses. "
        "No business rules in routes."
    )
    guide_section = "Maintainability Principles"
    reads_links = False

    VALID = (
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

            @router.get("/items")
            async def list_items(limit: int = 10):
                """List items with automatic dependency cleanup."""
                async with ManagedDependencies(MyDeps) as deps:
                    service = MyService(deps)
                    return await service.list_items(limit=limit)
        '''),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["x"])

            @router.get("/report")
            def report():
                def helper(a):
                    x = 1
                    y = 2
                    z = 3
                    w = 4
                    v = 5
                    u = 6
                    t = 7
                    s = 8
                    r = 9
                    q = 10
                    p = 11
                    return x + y + z + w + v + u + t + s + r + q + p + a
                return helper(1)
        ''', note="a nested function counts as one statement"),
        Valid(_FAT.replace('@router.post("/orders")\n', "").format(kind=""),
              note="the same body in a function that is not a route handler"),
        Valid(_FAT.format(kind="async ").replace("dict):", "dict):  # noqa: FCL101"),
              note="suppressed on the def line"),
    )
    INVALID = (
        Invalid(_FAT.format(kind="async "), at=(6, 1), message="has 13 statements (limit 12)"),
        Invalid(_FAT.format(kind=""), at=(6, 1), note="sync handler"),
        Invalid(_FAT.replace("@router.post", "@orders.post").replace(
            "router = APIRouter", "from .api import orders\nrouter = APIRouter").format(kind=""),
            at=(7, 1), note="an imported receiver with a literal path"),
        Invalid(_FAT.replace("from fastapi import APIRouter", "import fastapi as fa").replace(
            "router = APIRouter", "router = fa.APIRouter").format(kind="async "),
            at=(6, 1), note="router from a module alias"),
        Invalid(files={
            "shop/kit/routing.py": '''
                from fastapi import APIRouter as _APIRouter


                def get_api_router_class(route_class):
                    class _CustomAPIRouter(_APIRouter):
                        def __init__(self, *args, **kwargs):
                            kwargs["route_class"] = route_class
                            super().__init__(*args, **kwargs)

                    return _CustomAPIRouter
            ''',
            "shop/routing.py": '''
                from fastapi.routing import APIRoute

                from shop.kit.routing import get_api_router_class

                APIRouter = get_api_router_class(APIRoute)
            ''',
            "shop/orders/endpoints.py": _FAT.replace(
                "from fastapi import APIRouter", "from shop.routing import APIRouter"
            ).format(kind="async "),
        }, at=("shop/orders/endpoints.py", 6, 1), note=(
            "the router class is made by a factory function of another module (through a second "
            "module that binds its result): its handlers are route handlers all the same"
        )),
        Invalid(files={
            "app/routing.py": '''
                from fastapi import APIRouter

                Router = APIRouter
            ''',
            "app/api/__init__.py": '''
                from app.routing import Router as BaseRouter
            ''',
            "app/api/orders.py": _FAT.replace(
                "from fastapi import APIRouter", "from app.api import BaseRouter as APIRouter"
            ).format(kind=""),
        }, at=("app/api/orders.py", 6, 1), note="an alias of APIRouter in another module, re-exported"),
    )

    def check(self, facts, settings):
        limit = settings.max_handler_statements
        for handler in facts.handlers:
            count = count_statements(handler.node)
            if count > limit:
                yield self.report(
                    handler.node,
                    f"route handler '{handler.node.name}' has {count} statements (limit {limit}): "
                    f"move the logic into a service or use case",
                )
