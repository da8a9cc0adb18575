from __future__ import annotations

from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class ExceptionDetailLeak(Rule):
    code = "FCL402"
    name = "exception-detail-leak"
    summary = (
        "An `HTTPException`'s detail is built from the exception an enclosing `except ... as e` "
        "caught (`str(e)`, an f-string holding `e`, `e.args`...): internal errors reach the client."
    )
    rationale = (
        "Use HTTPException with appropriate status codes, and a detail written for the client. "
        "An internal exception's text holds SQL, paths, hostnames or secrets; log it and answer "
        "with a fixed message."
    )
    guide_section = "Error Handling"
    reads_links = False

    VALID = (
        Valid('''
            import logging

            from fastapi import APIRouter, HTTPException, status

            router = APIRouter(prefix="/orders", tags=["orders"])  # noqa: FCL001
            logger = logging.getLogger(__name__)


            @router.get("/{order_id}")
            async def read_order(order_id: int):
                try:
                    return await load(order_id)
                except LookupError as error:
                    logger.warning("order %s: %s", order_id, error)
                    raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"order {order_id} not found")
        ''', note="the exception is logged; the detail is written for the client"),
        Valid('''
            from fastapi import HTTPException


            def forward():
                try:
                    return call_upstream()
                except HTTPException as error:
                    raise HTTPException(status_code=error.status_code, detail=error.detail)
        ''', note="an HTTPException's own detail, meant for the client"),
        Valid('''
            from fastapi import HTTPException


            def parse(value):
                try:
                    return int(value)
                except ValueError as error:
                    def explain():
                        return HTTPException(400, detail=str(error))
                    raise HTTPException(400, detail="not a number") from error
        ''', note="a nested function is another scope; `from error` keeps the cause server-side"),
        Valid('''
            from fastapi import HTTPException


            def parse(value):
                try:
                    return int(value)
                except ValueError as error:
                    raise HTTPException(400, detail=str(error))  # noqa: FCL402
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, HTTPException

            router = APIRouter(prefix="/reports", tags=["reports"])  # noqa: FCL001


            @router.post("")
            async def create_report(payload: dict):
                try:
                    return await build(payload)
                except Exception as exc:
                    raise HTTPException(status_code=500, detail=str(exc))
        ''', at=(11, 53), message="detail built from the caught exception"),
        Invalid('''
            from fastapi import HTTPException as HTTPError
            from starlette.exceptions import HTTPException


            def save(session, item):
                try:
                    session.commit()
                except RuntimeError as e:
                    raise HTTPError(409, f"could not save: {e}")
                except OSError as e:
                    raise HTTPException(503, detail={"error": e.args[0], "path": e.filename})
                except KeyError as e:
                    raise HTTPError(400, detail="missing {}".format(e))
        ''', at=[(9, 30), (11, 41), (13, 37)],
            note="positional detail, an aliased import, Starlette's class, `e.args`, `format`"),
    )

    def check(self, facts, settings):
        for detail in facts.leaked_details:
            yield self.report(
                detail,
                "HTTPException detail built from the caught exception: internal errors reach the "
                "client; log the exception and give a fixed message",
            )
