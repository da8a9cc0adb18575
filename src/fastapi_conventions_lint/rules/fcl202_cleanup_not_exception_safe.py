from __future__ import annotations

from fastapi_conventions_lint.facts.lifecycle import (
    calls_method,
    hands_over,
    is_call_statement,
    on_own_lines,
    position_in,
    rebinds,
)
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
    reads_links = False
    fix = Fix.SAFE
    fix_description = (
        "Moves `cleanup()` into the `finally` of a `try` that starts right after `initialize()`, "
        "with the statements between them. Safe: the code already meant to clean up; it now does "
        "on an exception or an early return too."
    )

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
        ''', at=(7, 11), message="deps.cleanup()", note="statements after the cleanup stay after the try", fixed='''
            @router.get("/items")
            async def list_items():
                deps = MyDeps.from_settings()
                await deps.initialize()
                try:
                    service = MyService(deps)
                    result = await service.list_items()
                finally:
                    await deps.cleanup()
                return result
        '''),
        Invalid('''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                yield deps
                await deps.cleanup()
        ''', at=(5, 11), note="a yield dependency without try/finally", fixed='''
            async def get_deps():
                deps = MyDeps.from_settings()
                await deps.initialize()
                try:
                    yield deps
                finally:
                    await deps.cleanup()
        '''),
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
        ''', at=[(8, 15), (11, 15)], note=(
            "a statement between initialize() and try; an except is not a finally. No fix: "
            "neither cleanup is in initialize()'s block, and moving them would change what runs"
        )),
        Invalid('''
            def job(run, log):
                deps = JobDeps()
                deps.initialize()

                # run the job
                result = run(deps)
                if result is None:
                    return None  # nothing to do
                log(result)
                deps.cleanup()  # release the connections
                return result
        ''', at=(10, 5), note=(
            "a sync function; comments and blank lines move with their statements; the early "
            "return now cleans up too"
        ), fixed='''
            def job(run, log):
                deps = JobDeps()
                deps.initialize()

                try:
                    # run the job
                    result = run(deps)
                    if result is None:
                        return None  # nothing to do
                    log(result)
                finally:
                    deps.cleanup()  # release the connections
                return result
        '''),
        Invalid('''
            def report(run):
                deps = ReportDeps()
                run(deps)
                deps.cleanup()
        ''', at=(4, 5), note="no initialize(): the try starts right after the creation", fixed='''
            def report(run):
                deps = ReportDeps()
                try:
                    run(deps)
                finally:
                    deps.cleanup()
        '''),
        Invalid('''
            async def close(work):
                deps = MyDeps.from_settings()
                await deps.initialize()
                await work(deps)
                closed = await deps.cleanup()
                return closed
        ''', at=(5, 20), note="no fix: the cleanup is part of a bigger statement (its result is used)"),
        Invalid('''
            async def close(work):
                deps = MyDeps.from_settings()
                await deps.initialize()
                await work(deps)
                if deps.connected:
                    await deps.cleanup()
        ''', at=(6, 15), note="no fix: the cleanup is in another block than initialize()"),
        Invalid('''
            async def shared_or_own(reuse):
                deps = MyDeps.from_settings()
                await deps.initialize()
                if reuse:
                    return deps
                await deps.cleanup()
        ''', at=(6, 11), note="no fix: a finally would clean up the object the early return hands over"),
    )

    def check(self, facts, settings):
        for lifecycle in facts.lifecycles:
            for cleanup in lifecycle.unprotected_cleanups:
                message = (
                    f"{lifecycle.var}.cleanup() is skipped if an exception is raised after "
                    f"initialize(): call it in the finally block of a try that starts right after "
                    f"initialize()"
                )
                payload = _movable(lifecycle, cleanup)
                if payload is None:
                    yield self.report(cleanup, message)
                else:
                    yield self.report(
                        cleanup,
                        message,
                        description="move the cleanup() into the finally of a try that starts "
                        "right after initialize()",
                        **payload,
                    )


def _movable(lifecycle, cleanup):
    """The fix payload when the cleanup statement can simply become the finally of a try
    around the statements between the anchor and it; None for any other shape."""
    anchor = lifecycle.anchor
    statement = lifecycle.call_statements[id(cleanup)]
    block = lifecycle.blocks.get(id(anchor))
    if block is None or lifecycle.blocks.get(id(statement)) is not block:
        return None  # in an except, another block, a finally of a try that starts too late
    if not is_call_statement(statement, cleanup):
        return None  # part of a bigger expression
    first, last = position_in(block, anchor), position_in(block, statement)
    if last <= first or not on_own_lines(block, first) or not on_own_lines(block, last):
        return None
    moved = block[first + 1:last]
    var = lifecycle.var
    if (
        calls_method(moved, var, "cleanup")  # a cleanup in the finally would run twice
        or hands_over(moved, var)  # `return deps` must not return a cleaned-up object
        or rebinds(moved, var)  # the cleanup would be of another object
    ):
        return None
    return {"anchor": anchor.lineno, "cleanup": statement.lineno}
