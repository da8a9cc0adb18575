from __future__ import annotations

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class CleanupNotExceptionSafe(Rule):
    code = "FCL202"
    name = "cleanup-not-exception-safe"
    summary = "A dependencies object's cleanup() is skipped when an exception is raised after initialize()."
    rationale = (
        "Manual pattern: `await deps.initialize()` then `try: ... finally: await deps.cleanup()`; "
        "the context manager gives automatic cleanup on exception or normal exit."
    )
    guide_section = "Dependency Injection Pattern"
    fix = Fix.SAFE

    VALID = (
        Valid('''
            @router.get("/items")
            async def list_items():
                deps = MyDeps.from_settings()
                await deps.initialize()
                try:
                    return await MyService(deps).list_items()
                finally:
                    await deps.cleanup()
        '''),
        Valid('''
            async def get_deps():
                deps = MyDependencies()
                try:
                    await deps.initialize()
                    yield deps
                finally:
                    if deps.mongo_client:
                        await deps.cleanup()
        ''', note="initialize() inside the try; a conditional cleanup in finally"),
        Valid('''
            def job():
                deps = JobDeps()
                deps.initialize()
                run(deps)
                deps.cleanup()  # noqa: FCL202
        '''),
    )
    INVALID = (
        Invalid('''
            @router.get("/items")
            async def list_items():
                deps = MyDeps.from_settings()
                await deps.initialize()
                service = MyService(deps)
                result = await service.list_items()
                await deps.cleanup()
                return result
        ''', at=(7, 11), message="deps.cleanup()"),
        Invalid('''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                yield deps
                await deps.cleanup()
        ''', at=(5, 11), note="a yield dependency without try/finally"),
        Invalid('''
            async def handler():
                deps = MyDeps.from_settings()
                await deps.initialize()
                log("started")
                try:
                    await work(deps)
                except Exception:
                    await deps.cleanup()
                    raise
                finally:
                    await deps.cleanup()
        ''', at=[(8, 15), (11, 15)], note="a statement between initialize() and try; an except is not a finally"),
    )

    def check(self, facts, settings):
        for lifecycle in facts.lifecycles:
            for cleanup in lifecycle.unprotected_cleanups:
                yield self.report(
                    cleanup,
                    f"{lifecycle.var}.cleanup() is skipped if an exception is raised after "
                    f"initialize(): call it in the finally block of a try that starts right after "
                    f"initialize()",
                )
