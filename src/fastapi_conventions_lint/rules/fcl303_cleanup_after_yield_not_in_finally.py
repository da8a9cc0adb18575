from __future__ import annotations

import ast

from fastapi_conventions_lint.facts.lines import span
from fastapi_conventions_lint.facts.yield_cleanup import YieldCleanup, is_generator, yield_cleanups
from fastapi_conventions_lint.project.dependency_users import used_elsewhere
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


def _left_to_fcl202(cleanup: YieldCleanup, facts) -> bool:
    """Whether all the code after the `yield` is `cleanup()` calls FCL202 reports already (a
    dependencies object's cleanup outside a `finally`): one finding, one fix, not two."""
    # By position: a handler body let go in a large run is read again into new nodes
    # (handler_bodies.py).
    reported = {
        span(call) for lifecycle in facts.lifecycles for call in lifecycle.unprotected_cleanups
    }
    return all(
        isinstance(statement, ast.Expr)
        and span(statement.value.value if isinstance(statement.value, ast.Await) else statement.value) in reported
        for statement in cleanup.after
    )


def _first(statement: ast.stmt) -> str:
    text = ast.unparse(statement).splitlines()[0]
    return text if len(text) <= 40 else text[:37] + "..."


class CleanupAfterYieldNotInFinally(Rule):
    code = "FCL303"
    name = "cleanup-after-yield-not-in-finally"
    summary = (
        "In a yield dependency or a lifespan, code after the `yield` that is not in the "
        "`finally` of a `try` around it: an exception in the request (or at shutdown) skips it."
    )
    rationale = (
        "Dependency objects must always be cleaned up; use `try/finally` so the cleanup runs "
        "even when an exception is raised. FastAPI throws the request's exception into the "
        "dependency at its `yield`: only a `finally` (or a `with`) still runs then."
    )
    guide_section = "Lifespan & Resource Management"
    reads_links = False
    fix = Fix.UNSAFE
    extends_to_project = True
    fix_description = (
        "Wraps the `yield` in `try:` and moves the statements after it into `finally:`. "
        "Unsafe: the moved code now also runs after an error, which is the point, but code "
        "meant for success only (a commit, a response log) would run then too; review it. "
        "Made only when the `yield` is a statement of the function's own body and the code "
        "after it neither returns, yields, leaves a loop nor commits."
    )

    VALID = (
        Valid('''
            import logging
            from contextlib import asynccontextmanager
            from typing import Annotated

            from fastapi import Depends, FastAPI

            log = logging.getLogger(__name__)


            @asynccontextmanager
            async def lifespan(app: FastAPI):
                app.state.pool = await create_pool()
                try:
                    yield
                finally:
                    await app.state.pool.close()
                log.info("stopped")


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                    db.commit()
                except Exception:
                    db.rollback()
                    raise
                finally:
                    db.close()


            async def get_client():
                async with make_client() as client:
                    yield client


            app = FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
            Db = Annotated[object, Depends(get_db)]


            @app.get("/items", tags=["items"])
            async def items(db: Db, client=Depends(get_client)):
                return []
        ''', note="try/finally (with a commit on the success path), `with`, logging after the finally"),
        Valid('''
            from fastapi import FastAPI
            from fastapi.responses import StreamingResponse

            app = FastAPI(docs_url=None, redoc_url=None)


            def rows():
                cursor = open_cursor()
                yield from cursor
                cursor.close()


            @app.get("/export", tags=["export"])
            def export():
                return StreamingResponse(rows())
        ''', note="a generator that is no dependency"),
        Valid('''
            from fastapi import Depends, FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            def get_session():
                session = open_session()
                yield session  # noqa: FCL303
                session.close()


            @app.get("/me", tags=["me"])
            def me(session=Depends(get_session)):
                return {}
        ''', note="suppressed"),
        Valid(files={
            "app/__init__.py": "",
            "app/deps.py": '''
                def get_db():
                    db = SessionLocal()
                    try:
                        yield db
                    finally:
                        db.close()
            ''',
            "app/main.py": '''
                from fastapi import Depends, FastAPI

                from app.deps import get_db

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/items", tags=["items"])
                def items(db=Depends(get_db)):
                    return []
            ''',
        }, note="a dependency of another module, cleaned up in its finally"),
    )
    INVALID = (
        Invalid('''
            from contextlib import asynccontextmanager
            from typing import Annotated

            import fastapi as fa


            def get_db():
                db = SessionLocal()
                yield db
                db.close()


            @asynccontextmanager
            async def lifespan(app: fa.FastAPI):
                pool = await create_pool()
                # the pool lives as long as the app
                yield
                # close it last
                await pool.close()


            app = fa.FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
            Db = Annotated[object, fa.Depends(get_db)]
        ''', at=[(9, 5), (17, 5)], message="is skipped",
            fixed='''
            from contextlib import asynccontextmanager
            from typing import Annotated

            import fastapi as fa


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()


            @asynccontextmanager
            async def lifespan(app: fa.FastAPI):
                pool = await create_pool()
                try:
                    # the pool lives as long as the app
                    yield
                finally:
                    # close it last
                    await pool.close()


            app = fa.FastAPI(lifespan=lifespan, docs_url=None, redoc_url=None)
            Db = Annotated[object, fa.Depends(get_db)]
        ''', note="sync dependency through an aliased module and `Annotated`; async lifespan"),
        Invalid('''
            from fastapi import APIRouter, Security as Auth

            router = APIRouter(prefix="/me", tags=["me"])  # noqa: FCL001


            async def current_user(token: str = ""):
                session = await open_session()
                if token:
                    yield await session.user(token)
                else:
                    yield None
                await session.close()


            def get_db():
                db = SessionLocal()
                try:
                    yield db
                    db.commit()
                finally:
                    db.close()
                audit.flush()


            @router.get("")
            def me(user=Auth(current_user), db=Auth(get_db)):
                return user
        ''', at=[(9, 9), (11, 9), (18, 9)], message="yield dependency",
            note="an aliased `Security`; a `yield` in each branch; code after the try's finally"),
        Invalid(files={
            "app/__init__.py": "",
            "app/db.py": '''
                def get_db():
                    db = SessionLocal()
                    yield db
                    db.close()
            ''',
            "app/routers/__init__.py": "",
            "app/routers/items.py": '''
                from typing import Annotated

                from fastapi import APIRouter, Depends

                from ..db import get_db

                router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


                @router.get("")
                async def items(db: Annotated[object, Depends(get_db)]):
                    return []
            ''',
        }, at=[("app/db.py", 3, 5)], flake8_at=[],
            note="a dependency used in another module (relative import): the CLI alone sees it"),
    )

    def check(self, facts, settings):
        lifespans = facts.dependency_targets.lifespans if facts.dependency_targets else set()
        for cleanup in facts.yield_cleanups:
            if not _left_to_fcl202(cleanup, facts):
                yield self._report(cleanup, cleanup.function.name in lifespans)

    def check_project(self, index, settings):
        for module, names in used_elsewhere(index).items():
            own = module.facts.dependency_targets
            for name in sorted(names):
                if own is not None and name in own.local:
                    continue  # reported from its own file
                function = module.facts.functions[name]
                if not is_generator(function):
                    continue
                for cleanup in yield_cleanups(function):
                    if not _left_to_fcl202(cleanup, module.facts):
                        yield module.path, self._report(cleanup, names[name])

    def _report(self, cleanup: YieldCleanup, lifespan: bool):
        kind = "lifespan" if lifespan else "yield dependency"
        message = (
            f"`{_first(cleanup.after[0])}` after the `yield` in {kind} `{cleanup.function.name}` "
            "is skipped when an exception is raised: put it in the `finally` of a `try` around "
            "the `yield`"
        )
        if cleanup.movable is not None:
            return self.report(cleanup.yield_node, f"{message} (no fix: {cleanup.movable})")
        return self.report(
            cleanup.yield_node, message,
            description="wrap the `yield` in `try` and move the code after it into `finally`",
        )
