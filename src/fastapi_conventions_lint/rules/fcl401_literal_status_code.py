from __future__ import annotations

from http import HTTPStatus

from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid

# Codes whose `fastapi.status` constant has kept its name in every Starlette release. Others
# were renamed (413, 414, 416, 422: the old names now warn) or came later (421, 425): no fix.
_STABLE = frozenset({
    100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 415, 417, 423, 424, 426,
    428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 511,
})


def constant_for(code: int) -> "str | None":
    if code not in _STABLE:
        return None
    return f"HTTP_{code}_{HTTPStatus(code).name}"


class LiteralStatusCode(Rule):
    code = "FCL401"
    name = "literal-status-code"
    summary = (
        "An integer literal as a status code (`status_code=404`, `HTTPException(404)`, a "
        "`responses` key): use the named constant (`status.HTTP_404_NOT_FOUND`)."
    )
    rationale = (
        "Use HTTPException with appropriate status codes: the guide writes them as "
        "`status.HTTP_404_NOT_FOUND`, which says what the code means and cannot be mistyped."
    )
    guide_section = "Error Handling"
    fix = Fix.SAFE
    fix_description = (
        "Replaces the literal with `status.HTTP_<code>_<NAME>`, importing `status` from "
        "`fastapi` when the file does not have it. Safe: the constant is the same integer. "
        "Not made for codes whose constant was renamed between Starlette versions (413, 414, "
        "416, 422) or is missing from older ones, nor where `status` names something else."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter, HTTPException, status

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            @router.post("", status_code=status.HTTP_201_CREATED)
            async def create_item():
                return {}


            @router.get("/{item_id}", responses={status.HTTP_404_NOT_FOUND: {"description": "gone"}})
            def read_item(item_id: int):
                raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="not found")
        ''', note="constants everywhere"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)
            RETRIES = 404


            @app.get("/x", tags=["x"], summary="404 page")
            def page(limit: int = 404):
                return {"code": 404, "retries": RETRIES}
        ''', note="integers that are no status codes"),
        Valid('''
            from fastapi import HTTPException

            raise HTTPException(418)  # noqa: FCL401
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter, HTTPException
            from fastapi.responses import JSONResponse

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            @router.post("", status_code=201, responses={409: {"description": "exists"}})
            async def create_item():
                return JSONResponse({}, status_code=202)


            @router.get("/{item_id}")
            def read_item(item_id: int):
                raise HTTPException(404, detail="not found")
        ''', at=[(7, 30), (7, 46), (9, 41), (14, 25)], message="status.HTTP_", fixed='''
            from fastapi import APIRouter, HTTPException, status
            from fastapi.responses import JSONResponse

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            @router.post(
                "",
                status_code=status.HTTP_201_CREATED,
                responses={status.HTTP_409_CONFLICT: {"description": "exists"}},
            )
            async def create_item():
                return JSONResponse({}, status_code=status.HTTP_202_ACCEPTED)


            @router.get("/{item_id}")
            def read_item(item_id: int):
                raise HTTPException(status.HTTP_404_NOT_FOUND, detail="not found")
        ''', note="route decorator, responses keys, a response class, HTTPException; the import added"),
        Invalid('''
            from fastapi import HTTPException
            from starlette import status


            def check(payload, status_flag):
                if not payload:
                    raise HTTPException(status_code=422)
                raise HTTPException(status_code=400)
        ''', at=[(7, 41), (8, 37)], message="as a literal (status_code=)", fixed='''
            from fastapi import HTTPException
            from starlette import status


            def check(payload, status_flag):
                if not payload:
                    raise HTTPException(status_code=422)
                raise HTTPException(status_code=status.HTTP_400_BAD_REQUEST)
        ''', note="422 was renamed between Starlette versions: no fix; Starlette's status is used"),
        Invalid('''
            from fastapi import HTTPException


            def set_state(status: str):
                raise HTTPException(status_code=409)
        ''', at=(5, 37), message="no fix: `status` names something else here",
            note="a parameter called `status`: the constant cannot be written"),
        Invalid('''
            import fastapi as fa
            from fastapi import HTTPException as HTTPError


            def lookup(found):
                if not found:
                    raise HTTPError(status_code=404)
                return fa.responses.JSONResponse({}, status_code=201)
        ''', at=[(7, 37), (8, 54)], message="status.HTTP_", fixed='''
            import fastapi as fa
            from fastapi import HTTPException as HTTPError
            from fastapi import status


            def lookup(found):
                if not found:
                    raise HTTPError(status_code=status.HTTP_404_NOT_FOUND)
                return fa.responses.JSONResponse({}, status_code=status.HTTP_201_CREATED)
        ''', note="aliased imports; the import added in sorted order"),
    )

    def check(self, facts, settings):
        imported = facts.imports.bindings.get("status") is not None
        for literal in facts.status_literals:
            code = literal.node.value
            constant = constant_for(code)
            if constant is None:
                reason = (
                    "its constant was renamed between Starlette versions" if code in (413, 414, 416, 422)
                    else "no constant has that name in every Starlette version"
                )
                yield self.report(
                    literal.node,
                    f"status code {code} as a literal ({literal.where}): write it as a `status` "
                    f"constant (no fix: {reason})",
                )
                continue
            message = f"status code {code} as a literal ({literal.where}): use status.{constant}"
            if not facts.status_name_free:
                yield self.report(literal.node, message + " (no fix: `status` names something else here)")
                continue
            yield self.report(
                literal.node, message, description=f"write status.{constant}",
                replacement=f"status.{constant}", **({} if imported else {"import": ("fastapi", "status")}),
            )
