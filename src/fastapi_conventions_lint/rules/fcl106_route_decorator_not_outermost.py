from __future__ import annotations

import ast

from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class RouteDecoratorNotOutermost(Rule):
    code = "FCL106"
    name = "route-decorator-not-outermost"
    summary = (
        "A route decorator sits below another decorator: FastAPI registers the function as the "
        "route decorator receives it, so the decorators above it never run for requests."
    )
    rationale = (
        "Routers are thin: parse input, call application logic, return responses. A decorator "
        "meant to wrap the endpoint (caching, rate limits, logging) works only below the route "
        "decorator: `@router.get(...)` must be the outermost decorator."
    )
    guide_section = "Maintainability Principles"
    reads_links = False

    VALID = (
        Valid('''
            import functools

            from fastapi import APIRouter

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            def logged(function):
                @functools.wraps(function)
                async def wrapper(*args, **kwargs):
                    return await function(*args, **kwargs)
                return wrapper


            @router.get("")
            @logged
            async def list_items():
                return []


            @router.get("/all")
            @router.get("/every")
            def every_item():
                return []
        ''', note="the route decorator on top; two route decorators stacked"),
        Valid('''
            import functools

            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @functools.lru_cache
            def settings():
                return {}


            @app.get("/health")
            def health():
                return {"ok": True}
        ''', note="decorators on functions that are no routes"),
        Valid('''
            from fastapi import FastAPI

            from app.cache import cached

            app = FastAPI(docs_url=None, redoc_url=None)


            @cached(ttl=60)
            @app.get("/report")  # noqa: FCL106
            def report():
                return {}
        ''', note="suppressed"),
        Valid('''
            from unittest import mock

            import pytest
            import responses

            from tests.helpers import target_of

            SEND_EMAIL = "app.services.mail.send_email"


            class TestSignup:
                @pytest.mark.usefixtures("database")
                @mock.patch(SEND_EMAIL)
                @mock.patch("app.services.audit.record", return_value=None)
                def test_sends_a_welcome_email(self, record, send_email):
                    assert send_email.called

                @pytest.mark.usefixtures("database")
                @mock.patch(target_of("send_sms"))
                def test_sends_no_text(self, send_sms):
                    assert not send_sms.called


            @pytest.mark.usefixtures("database")
            @responses.patch("app.services.billing.charge")
            def test_charges_once(charge):
                assert charge.called
        ''', note="patch decorators of the standard library's mock, or given a dotted name: no route"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter as Router

            from app.cache import cached
            from app.limits import limiter

            router = Router(prefix="/reports", tags=["reports"])  # noqa: FCL001


            @cached(ttl=60)
            @limiter.limit("5/minute")
            @router.get("/daily")
            async def daily_report():
                return {}
        ''', at=(11, 2), message="@cached(...) and @limiter.limit(...) above it never run",
            note="an aliased import; async"),
        Invalid(files={
            "app/main.py": '''
                from fastapi import FastAPI

                from app.api import items

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(items.router)
            ''',
            "app/api/items.py": '''
                from fastapi import APIRouter

                from app.audit import audited

                router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


                @audited
                @router.post("")
                def create_item():
                    return {}
            ''',
        }, at=("app/api/items.py", 9, 2), message="@audited above it never runs",
            note="sync; a router included from another module"),
    )

    def check(self, facts, settings):
        for route in facts.routes:
            function, call = route.function, route.call
            if function is None or call is None:
                continue
            position = next((i for i, node in enumerate(function.decorator_list) if node is call), None)
            if not position:
                continue  # outermost, or not a decorator (add_api_route)
            routes = {id(other.call) for other in facts.routes if other.function is function}
            above = [node for node in function.decorator_list[:position] if id(node) not in routes]
            if not above:
                continue
            names = " and ".join(
                "@" + ast.unparse(node.func if isinstance(node, ast.Call) else node)
                + ("(...)" if isinstance(node, ast.Call) else "")
                for node in above
            )
            verb = "runs" if len(above) == 1 else "run"
            yield self.report(
                call,
                f"route decorator below other decorators: {names} above it never {verb} for "
                "requests (FastAPI registers the function as the route decorator receives it); "
                "put the route decorator on top",
            )
