from __future__ import annotations

import ast

from fastapi_conventions_lint.facts.lifecycle import (
    awaited,
    on_own_lines,
    position_in,
    rebinds,
    used_after,
)
from fastapi_conventions_lint.facts.names import refers_to
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class DependenciesNotCleanedUp(Rule):
    code = "FCL201"
    name = "dependencies-not-cleaned-up"
    summary = "A dependencies object is initialized and never cleaned up."
    rationale = (
        "Use the ManagedDependencies context manager for automatic cleanup: no risk of "
        "forgetting the finally block."
    )
    guide_section = "Dependency Injection Pattern"
    reads_links = False
    fix = Fix.UNSAFE
    fix_description = (
        "Wraps the code that follows in `async with ManagedDependencies(X, ...) as deps:` "
        "when the configured managed-dependencies module is in the project, else in "
        "`try: ... finally: await deps.cleanup()`. Unsafe: it adds a call."
    )

    VALID = (
        Valid('''
            from server.core.api_utils import ManagedDependencies

            @router.get("/items")
            async def list_items(user: User) -> list:
                async with ManagedDependencies(MyDeps, user_email=user.email) as deps:
                    service = MyService(deps)
                    return await service.list_items()
        ''', note="the recommended context manager"),
        Valid('''
            @router.get("/items")
            async def list_items(user: User) -> list:
                deps = MyDeps.from_settings(user_email=user.email)
                await deps.initialize()
                try:
                    service = MyService(deps)
                    return await service.list_items()
                finally:
                    await deps.cleanup()
        ''', note="the manual pattern; passing deps to a service keeps ownership"),
        Valid('''
            async def make_deps() -> "MyDependencies":
                deps = MyDependencies.from_settings()
                await deps.initialize()
                return deps
        ''', note="a factory hands the object to its caller"),
        Valid('''
            class Worker:
                async def start(self):
                    deps = WorkerDeps()
                    await deps.initialize()
                    self.deps = deps
        ''', note="stored on an attribute: the owner cleans up elsewhere"),
        Valid('''
            async def warm_up():
                deps = MyDeps.from_settings()
                await deps.initialize()  # noqa: FCL201
        '''),
    )
    INVALID = (
        Invalid('''
            @router.get("/items")
            async def list_items(user: User) -> list:
                deps = MyDeps.from_settings(user_email=user.email)
                await deps.initialize()
                service = MyService(deps)
                return await service.list_items()
        ''', at=(4, 11), message="'deps' is initialized but never cleaned up", note=(
            "the shape of the managed form, but server.core.api_utils is not part of the example's "
            "project, so the fix is try/finally (tests/test_fix_lifecycle.py shows the managed "
            "form); a return inside the try still cleans up"
        ), fixed='''
            @router.get("/items")
            async def list_items(user: User) -> list:
                deps = MyDeps.from_settings(user_email=user.email)
                await deps.initialize()
                try:
                    service = MyService(deps)
                    return await service.list_items()
                finally:
                    await deps.cleanup()
        '''),
        Invalid('''
            from shared.dependencies import BaseDependencies as Base

            class Context(Base):
                pass

            def sync_job():
                ctx = Context(settings=None)
                ctx.initialize()
                run(ctx)
        ''', at=(8, 5), note="a BaseDependencies subclass through an alias; a sync function", fixed='''
            from shared.dependencies import BaseDependencies as Base

            class Context(Base):
                pass

            def sync_job():
                ctx = Context(settings=None)
                ctx.initialize()
                try:
                    run(ctx)
                finally:
                    ctx.cleanup()
        '''),
        Invalid('''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                yield deps
        ''', at=(3, 11), note="a yield dependency that never cleans up", fixed='''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                try:
                    yield deps
                finally:
                    await deps.cleanup()
        '''),
        Invalid('''
            import asyncio

            async def warm_up(work):
                deps: MyDeps = MyDeps.from_settings()
                await asyncio.wait_for(deps.initialize(), timeout=5)
                await work(deps)
        ''', at=(5, 28), note="an annotated assignment; initialize() inside another call", fixed='''
            import asyncio

            async def warm_up(work):
                deps: MyDeps = MyDeps.from_settings()
                await asyncio.wait_for(deps.initialize(), timeout=5)
                try:
                    await work(deps)
                finally:
                    await deps.cleanup()
        '''),
        Invalid('''
            def job(run):
                deps = JobDeps()
                deps.initialize()
                try:
                    run(deps)
                finally:
                    deps.cleanup()
                deps = JobDeps()
                if not deps.initialize():
                    return
                run(deps)
        ''', at=(9, 12), note=(
            "the name is reused for a second object that is never cleaned up. No fix: "
            "initialize() is not a statement of its own"
        )),
        Invalid('''
            async def sync_users(client, fetch, store):
                deps = UserDeps(client)  # one per run
                log("connecting")
                await deps.initialize()

                # fetch everything, then store it
                users = await fetch(deps)
                for user in users:
                    await store(deps, user)
        ''', at=(4, 11), note=(
            "a statement between the creation and initialize() stays before the try; comments "
            "move with their statements"
        ), fixed='''
            async def sync_users(client, fetch, store):
                deps = UserDeps(client)  # one per run
                log("connecting")
                await deps.initialize()

                try:
                    # fetch everything, then store it
                    users = await fetch(deps)
                    for user in users:
                        await store(deps, user)
                finally:
                    await deps.cleanup()
        '''),
        Invalid('''
            def nightly(jobs, log):
                for job in jobs:
                    deps = JobDeps(job)
                    deps.initialize()
                    job.run(deps)
                log("done")
        ''', at=(4, 9), note="inside a loop: the try covers the rest of the loop's body", fixed='''
            def nightly(jobs, log):
                for job in jobs:
                    deps = JobDeps(job)
                    deps.initialize()
                    try:
                        job.run(deps)
                    finally:
                        deps.cleanup()
                log("done")
        '''),
        Invalid('''
            async def handler(flag, work):
                if flag:
                    deps = MyDeps.from_settings(mode="a")
                    await deps.initialize()
                else:
                    deps = MyDeps.from_settings(mode="b")
                    await deps.initialize()
                return await work(deps)
        ''', at=[(4, 15), (7, 15)], note=(
            "no fix: the object is used after the block it was made in, so a cleanup at the "
            "end of that block would come too early"
        )),
    )

    def check(self, facts, settings):
        for lifecycle in facts.lifecycles:
            if lifecycle.initialize_calls and not lifecycle.cleanup_calls:
                message = (
                    f"'{lifecycle.var}' is initialized but never cleaned up: call "
                    f"{lifecycle.var}.cleanup() in a finally block, or use "
                    f"'async with ManagedDependencies(...)'"
                )
                payload = _wrappable(lifecycle, facts, settings)
                if payload is None:
                    yield self.report(lifecycle.initialize_calls[0], message)
                else:
                    yield self.report(
                        lifecycle.initialize_calls[0],
                        message,
                        description=f"clean up '{lifecycle.var}' in a try/finally (or use the "
                        f"managed context manager) around the code that follows",
                        **payload,
                    )


def _wrappable(lifecycle, facts, settings):
    """The fix payload when the code after initialize() up to the end of the block can be
    wrapped (in try/finally, or in the managed context manager); None for any other shape.

    The codemod decides between the two forms: the managed one needs the configured module
    to exist in the project, which only the file system can tell."""
    var, creation = lifecycle.var, lifecycle.created
    initialize = lifecycle.initialize_calls[0]
    statement = lifecycle.call_statements[id(initialize)]
    block = lifecycle.blocks.get(id(creation))
    if block is None or lifecycle.blocks.get(id(statement)) is not block:
        return None
    if not isinstance(statement, ast.Expr):
        return None  # `if not deps.initialize(): return` and the like
    made, ready = position_in(block, creation), position_in(block, statement)
    if ready <= made or not on_own_lines(block, made) or not on_own_lines(block, ready):
        return None
    if rebinds(block[made + 1:], var) or used_after(lifecycle.function, block, var):
        return None  # the cleanup would be of another object, or come before a later use
    is_async = isinstance(lifecycle.function, ast.AsyncFunctionDef)
    return {
        "var": var,
        "creation": creation.lineno,
        "initialize": statement.lineno,
        "await": is_async and awaited(statement, initialize),
        "managed": _managed(lifecycle, statement, initialize, ready == made + 1, facts, settings)
        if is_async
        else None,
    }


def _managed(lifecycle, statement, initialize, adjacent, facts, settings):
    """How to write `async with ManagedDependencies(X, **kw) as deps:` here, if the shape
    allows it: `deps = X.from_settings(<keywords>)` directly followed by a plain
    `await deps.initialize()`."""
    creation = lifecycle.created
    if not (
        adjacent
        and isinstance(creation, ast.Assign)
        and isinstance(creation.value, ast.Call)
        and isinstance(creation.value.func, ast.Attribute)
        and creation.value.func.attr == "from_settings"
        and not creation.value.args
        and isinstance(statement.value, ast.Await)
        and statement.value.value is initialize
        and not initialize.args
        and not initialize.keywords
    ):
        return None
    module, _, name = settings.managed_dependencies.partition(":")
    target = settings.managed_dependencies_qualname
    for local, qualname in facts.imports.bindings.items():
        if refers_to(qualname, target):
            reference, imported = local, None
            break
    else:
        if name in facts.imports.bindings or name in facts.bindings:
            return None  # the name means something else in this file
        reference, imported = name, [module, name]
    if reference in facts.classes or reference in facts.functions:
        return None  # a definition of the module takes the name
    return {"module": module, "reference": reference, "import": imported}
