from __future__ import annotations

import ast

from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


def _has_lifespan(app) -> bool:
    return any(
        keyword.arg == "lifespan" and not (isinstance(keyword.value, ast.Constant) and keyword.value.value is None)
        for keyword in app.call.keywords
    )


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
    )

    def check(self, facts, settings):
        for registration in facts.event_registrations:
            app = registration.receiver
            if app.is_app and _has_lifespan(app):
                yield self.report(
                    registration.node,
                    f"{registration.form}: this app has a `lifespan=`, so FastAPI never calls it; "
                    "move the code into the lifespan",
                )
