from __future__ import annotations

import ast
from collections import defaultdict
from typing import Dict, List, Optional, Tuple

from fastapi_conventions_lint.facts.values import bound_expression
from fastapi_conventions_lint.project.versions import allows_below, requirement
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid

# From this FastAPI on, a router's own startup/shutdown handlers run in an app with a lifespan.
ROUTER_LIFESPAN_MERGED = "0.112.2"

Plan = Dict[str, object]


def _handler(node: ast.AST, facts, group_nodes) -> Tuple[Optional[List[object]], str]:
    """(name, awaited) for a handler the lifespan can call, or why it cannot."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        function = node
    elif isinstance(node, ast.Name) and node.id in facts.functions:
        function = facts.functions[node.id]
    else:
        return None, f"`{ast.unparse(node)}` is not a function of this module, so whether to await it is not known"  # type: ignore[arg-type]
    if facts.functions.get(function.name) is not function:
        return None, f"`{function.name}` is not a function of the module's top level"
    if any(id(decorator) not in group_nodes for decorator in function.decorator_list):
        return None, f"`{function.name}` has other decorators"
    return [function.name, isinstance(function, ast.AsyncFunctionDef)], ""


def lifespan_plans(facts, settings) -> Dict[int, Tuple[Optional[Plan], str]]:
    """For each registration on an app (by id), the lifespan that replaces all of that app's
    registrations (the same plan for each of them), or why none can."""
    by_app: Dict[int, list] = defaultdict(list)
    plans: Dict[int, Tuple[Optional[Plan], str]] = {}
    for registration in facts.event_registrations:
        if registration.receiver_node is not None:
            plans[id(registration)] = (None, _made_elsewhere(registration.receiver_node, facts))
        elif registration.receiver.is_app:
            by_app[id(registration.receiver)].append(registration)
    for registrations in by_app.values():
        plan, why = _plan(registrations[0].receiver, registrations, facts, settings)
        for registration in registrations:
            plans[id(registration)] = (plan, why)
    return plans


def _made_elsewhere(receiver: ast.expr, facts) -> str:
    """Why a registration on a receiver the file does not make has no lifespan fix."""
    if isinstance(receiver, ast.Name) and receiver.id not in facts.imports.bindings:
        bound = bound_expression(facts.bindings, receiver.id)
        if bound is not None:  # `app = create_app()`, `app = server.app`
            return f"the app or router is not made here: `{receiver.id}` is bound to `{ast.unparse(bound)}`"
    return "the app or router is made in another module"


def _scope(node: ast.AST, facts):
    """Where a statement-level node is: None for the module's top level, the top-level
    function whose body holds it directly, or False for anywhere else."""
    line = node.lineno  # type: ignore[attr-defined]
    holder = facts.top_level_scope(line)
    if holder is None:
        return None if line in facts.top_level_lines else False
    if isinstance(holder, ast.ClassDef):
        return False
    return holder if any(statement.lineno == line for statement in holder.body) else False


def _plan(app, registrations, facts, settings) -> Tuple[Optional[Plan], str]:
    if any(keyword.arg in (None, "lifespan") for keyword in app.call.keywords):
        return None, "the app's arguments include `**...` or `lifespan=`"
    if app.var is None:
        return None, "the app is not assigned to a name"
    if app.event_registrations_elsewhere:
        return None, "other modules register handlers on this app too"
    scope = _scope(app.call, facts)
    if scope is False:
        return None, "the app is not made at the module's top level or in a top-level function's body"
    if any(_scope(registration.node, facts) is not scope for registration in registrations
           if not registration.form.endswith("=") and not registration.form.startswith("@")):
        return None, "a registration is not made where the app is (the module's top level or the same function)"
    taken = set(facts.functions) | set(facts.classes) | set(facts.bindings) | set(facts.imports.bindings)
    if "lifespan" in taken:
        return None, "the module already has a name `lifespan`"
    if "asynccontextmanager" in taken and facts.imports.bindings.get("asynccontextmanager") != "contextlib.asynccontextmanager":
        return None, "`asynccontextmanager` names something else here"
    declared = settings.declared
    if declared is not None and allows_below(declared.fastapi, ROUTER_LIFESPAN_MERGED):
        return None, (
            f"{requirement(declared.fastapi)} in {declared.fastapi_source} allows versions before "
            f"{ROUTER_LIFESPAN_MERGED}, where an app's lifespan stops its included routers' handlers"
        )
    group_nodes = {id(registration.node) for registration in registrations}
    steps: Dict[str, List[object]] = {"startup": [], "shutdown": []}
    # The constructor's lists run first, then the others in the order the module registers them.
    ordered = sorted(registrations, key=lambda r: (not r.form.endswith("="), r.node.lineno, r.node.col_offset))
    for registration in ordered:
        if registration.event is None:
            return None, f"{registration.form}: the event is not a literal `startup` or `shutdown`"
        if not registration.handlers:
            return None, f"{registration.form}: the handlers are not written out"
        for node in registration.handlers:
            step, why = _handler(node, facts, group_nodes)
            if step is None:
                return None, why
            steps[registration.event].append(step)
    return {
        "app_line": app.call.lineno,
        "annotation": ast.unparse(app.call.func),
        "startup": steps["startup"],
        "shutdown": steps["shutdown"],
        "count": len(registrations),
    }, ""


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
    fix = Fix.UNSAFE
    fix_description = (
        "For an app made without `lifespan=` at the module's top level or in a top-level "
        "function's body (an app factory), whose registrations are all made there and name the "
        "module's own undecorated functions: adds one `@asynccontextmanager async def "
        "lifespan(app)` before the app (or its factory) that runs the startup "
        "handlers in their order (awaiting the async ones), then `yield` in a `try` whose "
        "`finally` runs the shutdown handlers in order; passes `lifespan=lifespan` and drops "
        "the registrations (the functions stay). Unsafe: the shutdown handlers now also run "
        "when the app stops on an error. Not made when the project's declared FastAPI allows "
        "a version before 0.112.2 (an app's lifespan stops the handlers of routers included "
        "into it there), nor for handlers on routers."
    )

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
            import fastapi as fa


            def create_app() -> fa.FastAPI:
                application = fa.FastAPI(docs_url=None, redoc_url=None)
                return application


            app = create_app()


            @app.on_event("startup")
            async def warm_cache():
                pass
        ''', at=(12, 2), message="no fix: the app or router is not made here: `app` is bound to `create_app()`",
            note="an app an app factory of the module makes, aliased import"),
        Invalid('''
            from fastapi import FastAPI


            async def connect() -> None:
                pass


            class ApiServer:
                def __init__(self):
                    self.app = FastAPI(docs_url=None, redoc_url=None)
                    self.configure_app(self.app)

                def configure_app(self, app: FastAPI) -> None:
                    app.add_event_handler("startup", connect)
        ''', at=(14, 9), message="no fix: the app is not made at the module's top level",
            note="an app kept on an instance, handed to the method that registers the handler"),
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
            fixed='''
            from contextlib import asynccontextmanager

            from fastapi import APIRouter, FastAPI as Api


            @asynccontextmanager
            async def lifespan(app: Api):
                await connect()
                try:
                    yield
                finally:
                    disconnect()
                    disconnect()


            app = Api(docs_url=None, redoc_url=None, lifespan=lifespan)
            router = APIRouter(prefix="/jobs", tags=["jobs"], on_shutdown=[lambda: None])  # noqa: FCL001


            async def connect():
                pass


            def disconnect():
                pass


            @router.on_event("startup")
            async def start_jobs():
                pass
        ''', note="an aliased import; sync and async; app.router; a router; add_event_handler; on_shutdown="),
        Invalid('''
            from fastapi import FastAPI

            from app.db import connect_db


            def create_app():
                app = FastAPI(docs_url=None, redoc_url=None)
                app.router.add_event_handler("startup", connect_db)
                return app


            application = FastAPI(docs_url=None, redoc_url=None)
            application.router.add_event_handler("startup", connect_db)
        ''', at=[(8, 5), (13, 1)], message="no fix: `connect_db` is not a function of this module",
            note="a handler imported from another module: whether to await it is not known"),
    )

    def check(self, facts, settings):
        plans = lifespan_plans(facts, settings) if facts.event_registrations else {}
        for registration in facts.event_registrations:
            if registration.receiver is None:
                continue  # imported, and no app or router the project index could find
            message = (
                f"{registration.form} registers a startup/shutdown handler the deprecated way: "
                "use a `lifespan` async context manager (`FastAPI(lifespan=...)`), with the "
                "shutdown code in its `finally`"
            )
            plan, why = plans.get(id(registration), (None, ""))
            if plan is None:
                yield self.report(registration.node, f"{message} (no fix: {why})" if why else message)
            else:
                yield self.report(
                    registration.node, message,
                    description="replace the app's startup/shutdown handlers with one lifespan",
                    **plan,
                )
