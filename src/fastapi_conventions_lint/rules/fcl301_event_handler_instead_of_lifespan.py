from __future__ import annotations

from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class EventHandlerInsteadOfLifespan(Rule):
    code = "FCL301"
    name = "event-handler-instead-of-lifespan"
    summary = (
        "A startup or shutdown handler registered the deprecated way: `@app.on_event(...)`, "
        "`add_event_handler(...)`, `on_startup=`/`on_shutdown=`."
    )
    rationale = (
        "Use lifespan: Prefer the `lifespan` async context manager over `startup`/`shutdown` "
        "decorators. One function holds what starts and what stops, in order, and what it "
        "creates can live on `app.state` for the whole process."
    )
    guide_section = "Lifespan & Resource Management"

    VALID = (
        Valid('''
            from contextlib import asynccontextmanager

            from fastapi import FastAPI


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                app.state.pool = await create_pool()
                try:
                    yield
                finally:
                    await app.state.pool.close()


            app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
        ''', note="a lifespan context manager"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None, on_startup=None)
            bus.on_event("message")(print)


            @socket.on_event("connect")
            def connected():
                pass
        ''', note="`on_startup=None`; `on_event` of objects that are no app or router"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.on_event("startup")  # noqa: FCL301
            async def warm_cache():
                pass
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, FastAPI as Api

            app = Api(docs_url=None, redoc_url=None)
            router = APIRouter(prefix="/jobs", tags=["jobs"], on_shutdown=[lambda: None])  # noqa: FCL001


            @app.on_event("startup")
            async def connect():
                pass


            @app.router.on_event("shutdown")
            def disconnect():
                pass


            @router.on_event("startup")
            async def start_jobs():
                pass


            app.add_event_handler("shutdown", disconnect)
        ''', at=[(4, 63), (7, 2), (12, 2), (17, 2), (22, 1)], message="use a `lifespan`",
            note="an aliased import; sync and async; app.router; a router; add_event_handler; on_shutdown="),
    )

    def check(self, facts, settings):
        for registration in facts.event_registrations:
            yield self.report(
                registration.node,
                f"{registration.form} registers a startup/shutdown handler the deprecated way: "
                "use a `lifespan` async context manager (`FastAPI(lifespan=...)`), with the "
                "shutdown code in its `finally`",
            )
