from __future__ import annotations

import ast
from typing import Optional

from fastapi_conventions_lint.project.versions import allows_below
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid
from fastapi_conventions_lint.rules.fcl301_event_handler_instead_of_lifespan import ROUTER_LIFESPAN_MERGED


def _has_lifespan(app) -> bool:
    return any(
        keyword.arg == "lifespan" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
        for keyword in app.call.keywords
    )


def _lifespan_app_above(router):
    """An app with a lifespan that the router is included into, directly or through other
    routers, as far as the host knows the includes."""
    seen = {id(router)}
    pending = [router]
    while pending:
        for include in pending.pop().included_in:
            parent = include.receiver
            if parent is None or id(parent) in seen:
                continue
            if parent.is_app and _has_lifespan(parent):
                return parent
            seen.add(id(parent))
            pending.append(parent)
    return None


def _old_fastapi(settings) -> Optional[str]:
    """The declared constraint, when it allows a FastAPI that never calls a router's handlers
    inside an app with a lifespan."""
    declared = settings.declared
    if declared is not None and allows_below(declared.fastapi, ROUTER_LIFESPAN_MERGED):
        return f"fastapi {declared.fastapi} in {declared.fastapi_source}"
    return None


class EventHandlersNeverRun(Rule):
    code = "FCL302"
    name = "event-handlers-never-run"
    summary = (
        "An app created with `lifespan=` also has startup/shutdown handlers registered on it "
        "(`@app.on_event`, `add_event_handler`, `on_startup=`): FastAPI never calls them."
    )
    rationale = (
        "Use lifespan: Prefer the `lifespan` async context manager over `startup`/`shutdown` "
        "decorators. Once an app has a lifespan, FastAPI runs only the lifespan: the handlers "
        "registered on the app are silently skipped."
    )
    guide_section = "Lifespan & Resource Management"

    VALID = (
        Valid('''
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                await connect()
                try:
                    yield
                finally:
                    await disconnect()


            app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
        ''', note="everything in the lifespan"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None, lifespan=None)


            @app.on_event("startup")  # noqa: FCL301
            async def connect():
                pass
        ''', note="no lifespan: the handlers run (FCL301's concern)"),
    )
    INVALID = (
        Invalid('''
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                yield


            async def close_pool():
                pass


            app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None, on_shutdown=[close_pool])


            @app.on_event("startup")  # noqa: FCL301
            async def open_pool():
                pass


            app.router.add_event_handler("shutdown", close_pool)  # noqa: FCL301
        ''', at=[(15, 77), (18, 2), (23, 1)], message="FastAPI never calls it",
            note="on_shutdown=, @app.on_event, app.router.add_event_handler"),
        Invalid('''
            import fastapi as fa

            from server.lifespan import lifespan

            application = fa.FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)


            @application.router.on_event("shutdown")  # noqa: FCL301
            def flush():
                pass


            @application.on_event("startup")  # noqa: FCL301, FCL302
            def warm():
                pass
        ''', at=(8, 2), message="application.router.on_event", note="an aliased module, a lifespan imported; noqa"),
        Invalid(files={
            "server/__init__.py": "",
            "server/main.py": '''
                from contextlib import asynccontextmanager

                from fastapi import FastAPI


                @asynccontextmanager
                async def lifespan(app: FastAPI):
                    yield


                app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)

                from server import events  # noqa: E402
            ''',
            "server/events.py": '''
                from server.main import app


                @app.on_event("startup")  # noqa: FCL301
                async def warm():
                    pass


                @app.router.on_event("shutdown")  # noqa: FCL301
                def flush():
                    pass
            ''',
        }, at=[("server/events.py", 4, 2), ("server/events.py", 9, 2)],
            note="handlers registered in another module than the app's (both hosts read the module imported)"),
    )

    def check(self, facts, settings):
        old = None
        for registration in facts.event_registrations:
            owner = registration.receiver
            if owner is None:
                continue
            if owner.is_app:
                if _has_lifespan(owner):
                    yield self.report(
                        registration.node,
                        f"{registration.form}: this app has a `lifespan=`, so FastAPI never calls "
                        "it; move the code into the lifespan",
                    )
                continue
            old = old or _old_fastapi(settings)
            if old and _lifespan_app_above(owner) is not None:
                yield self.report(
                    registration.node,
                    f"{registration.form}: the router is included into an app with a `lifespan=`, "
                    f"and FastAPI before {ROUTER_LIFESPAN_MERGED} ({old} allows it) never calls "
                    "a router's handlers there; move the code into the lifespan",
                )
