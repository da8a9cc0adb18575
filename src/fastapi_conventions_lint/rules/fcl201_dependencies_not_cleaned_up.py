from __future__ import annotations

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
    fix = Fix.UNSAFE

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
        ''', at=(4, 11), message="'deps' is initialized but never cleaned up"),
        Invalid('''
            from shared.dependencies import BaseDependencies as Base

            class Context(Base):
                pass

            def sync_job():
                ctx = Context(settings=None)
                ctx.initialize()
                run(ctx)
        ''', at=(8, 5), note="a BaseDependencies subclass through an alias; a sync function"),
        Invalid('''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                yield deps
        ''', at=(3, 11), note="a yield dependency that never cleans up"),
        Invalid('''
            import asyncio

            async def warm_up(work):
                deps: MyDeps = MyDeps.from_settings()
                await asyncio.wait_for(deps.initialize(), timeout=5)
                await work(deps)
        ''', at=(5, 28), note="an annotated assignment; initialize() inside another call"),
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
        ''', at=(9, 12), note="the name is reused for a second object that is never cleaned up"),
    )

    def check(self, facts, settings):
        for lifecycle in facts.lifecycles:
            if lifecycle.initialize_calls and not lifecycle.cleanup_calls:
                yield self.report(
                    lifecycle.initialize_calls[0],
                    f"'{lifecycle.var}' is initialized but never cleaned up: call "
                    f"{lifecycle.var}.cleanup() in a finally block, or use "
                    f"'async with ManagedDependencies(...)'",
                )
