from __future__ import annotations

import ast

from fastapi_conventions_lint.facts.blocking import blocking_calls
from fastapi_conventions_lint.facts.lines import span
from fastapi_conventions_lint.project.dependency_users import used_elsewhere
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid

# What to use instead, by what is called.
_INSTEAD = (
    ("time.sleep", "`await asyncio.sleep(...)`"),
    ("requests.", "an async client (`httpx.AsyncClient`)"),
    ("httpx.", "`httpx.AsyncClient`"),
    ("urllib.", "an async client (`httpx.AsyncClient`)"),
    ("subprocess.", "`asyncio.create_subprocess_exec`"),
    ("os.system", "`asyncio.create_subprocess_shell`"),
    ("open", "`await run_in_threadpool(...)` (or an async file library)"),
)


def _instead(name: str) -> str:
    for start, advice in _INSTEAD:
        if name == start or (start.endswith(".") and name.startswith(start)):
            return advice
    return "`await run_in_threadpool(...)`"


class BlockingCallInAsyncRoute(Rule):
    code = "FCL105"
    name = "blocking-call-in-async-route"
    summary = (
        "An `async def` route handler or dependency calls a blocking function (`time.sleep`, "
        "`requests.*`, `subprocess.*`, sync `httpx`, built-in `open`...): the event loop stops "
        "for every request."
    )
    rationale = (
        "Async for I/O: Use `async def` with async-friendly libraries (e.g., `httpx`). Sync for "
        "blocking: Use `def` for CPU-bound or blocking work; FastAPI runs it in a thread pool."
    )
    guide_section = "High-Performance Concurrency"
    reads_links = False
    extends_to_project = True  # the CLI also looks at async dependencies other modules use

    VALID = (
        Valid('''
            import asyncio
            import time

            import httpx
            import requests
            from fastapi import APIRouter
            from fastapi.concurrency import run_in_threadpool

            router = APIRouter(prefix="/feeds", tags=["feeds"])  # noqa: FCL001


            @router.get("/sync")
            def sync_feed():
                time.sleep(1)
                return requests.get("https://example.com").json()


            @router.get("/async")
            async def async_feed():
                await asyncio.sleep(1)
                async with httpx.AsyncClient() as client:
                    response = await client.get("https://example.com")
                data = await run_in_threadpool(requests.get, "https://example.com")
                return response.json(), data.status_code
        ''', note="blocking calls in a `def` handler (a thread); async calls in an `async def` one"),
        Valid('''
            import time

            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.get("/later")
            async def later():
                def work():
                    time.sleep(1)
                return await run(lambda: open("x").read(), work)


            async def helper():
                time.sleep(1)
        ''', note="nested functions and lambdas may run in a thread; a helper that is no route"),
        Valid('''
            import time

            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.get("/wait")
            async def wait():
                time.sleep(0.01)  # noqa: FCL105
                return {}
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            from time import sleep as pause
            import subprocess as sp

            import requests as http
            from fastapi import APIRouter

            router = APIRouter(prefix="/jobs", tags=["jobs"])  # noqa: FCL001


            @router.post("")
            async def run_job():
                pause(1)
                sp.run(["echo", "hi"])
                with open("/tmp/job.log") as log:
                    log.read()
                return http.post("https://example.com/jobs").json()
        ''', at=[(12, 5), (13, 5), (14, 10), (16, 12)], message="blocks the event loop",
            note="aliased imports; built-in open"),
        Invalid('''
            from typing import Annotated

            import httpx
            from fastapi import Depends, FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            async def current_user():
                return httpx.get("https://auth.example.com/me").json()


            async def audit():
                httpx.Client().post("https://audit.example.com", json={})


            @app.get("/me", dependencies=[Depends(audit)])
            async def me(user: Annotated[dict, Depends(current_user)]):
                return user
        ''', at=[(10, 12), (14, 5)], message="in async dependency",
            note="async dependencies, through `Annotated` and `dependencies=`; sync httpx"),
        Invalid(files={
            "app/__init__.py": "",
            "app/auth.py": '''
                import requests


                async def current_user(token: str = ""):
                    return requests.get("https://auth.example.com/me", timeout=5).json()


                def sync_user():
                    return requests.get("https://auth.example.com/me", timeout=5).json()
            ''',
            "app/main.py": '''
                from fastapi import Depends, FastAPI

                from app import auth

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/me", tags=["me"], dependencies=[Depends(auth.sync_user)])
                async def me(user=Depends(auth.current_user)) -> dict:
                    return user
            ''',
        }, at=[("app/auth.py", 5, 12)], flake8_at=[],
            note="an async dependency of another module (which mentions nothing of FastAPI): the CLI alone sees it"),
    )

    def check(self, facts, settings):
        handlers = {handler.node.name for handler in facts.handlers}
        for found in facts.blocking_calls:
            yield self._report(found, "route handler" if found.function in handlers else "dependency")

    def check_project(self, index, settings):
        for module, names in used_elsewhere(index).items():
            facts = module.facts
            # The file's own report, by position: a handler body let go in a large run is
            # read again into new nodes (handler_bodies.py).
            seen = {span(found.call) for found in facts.blocking_calls}
            functions = [
                facts.functions[name] for name in sorted(names)
                if isinstance(facts.functions[name], ast.AsyncFunctionDef)
            ]
            for found in blocking_calls(functions, facts.imports, facts.bindings, settings.blocking_calls):
                if span(found.call) not in seen:
                    yield module.path, self._report(found, "dependency")

    def _report(self, found, kind: str):
        return self.report(
            found.call,
            f"{found.name}() blocks the event loop in async {kind} `{found.function}`: use "
            f"{_instead(found.name)}, or make it `def` (FastAPI runs it in a thread pool)",
        )
