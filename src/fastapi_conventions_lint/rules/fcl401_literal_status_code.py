from __future__ import annotations

from http import HTTPStatus

from fastapi_conventions_lint.facts.status_codes import RESPONSES_KEY
from fastapi_conventions_lint.project.versions import lowest_python
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid

# Codes whose `fastapi.status` constant has kept its name in every Starlette release. Others
# were renamed (413, 414, 416, 422: the old names now warn) or came later (421, 425): no fix.
_STABLE = frozenset({
    100, 101, 200, 201, 202, 203, 204, 205, 206, 300, 301, 302, 303, 304, 305, 307, 308,
    400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 415, 417, 423, 424, 426,
    428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 511,
})


# `http.HTTPStatus` members of every Python from 3.9 on, by the names they have had all along:
# 3.13 renamed 413, 414, 416 and 422 but kept the old names as aliases.
_HTTP_NAMES = {
    413: "REQUEST_ENTITY_TOO_LARGE", 414: "REQUEST_URI_TOO_LONG",
    416: "REQUESTED_RANGE_NOT_SATISFIABLE", 422: "UNPROCESSABLE_ENTITY",
}
_IN_HTTP_STATUS = frozenset(
    [100, 101, 102, 103, *range(200, 209), 226, *range(300, 306), 307, 308, *range(400, 419),
     421, 422, 423, 424, 425, 426, 428, 429, 431, 451, *range(500, 509), 510, 511]
)
def _str_is_the_number(settings) -> bool:
    """Whether every Python the project declares prints an IntEnum member as its number."""
    declared = settings.declared
    lowest = lowest_python(declared.python) if declared is not None else None
    return lowest is not None and lowest >= (3, 11)


# What each style writes: (module, name) imported, and the constant's spelling.
STYLES = {"fastapi": ("fastapi", "status"), "http": ("http", "HTTPStatus")}


def constant_for(code: int, style: str = "fastapi") -> "str | None":
    """The constant's attribute for the code (`HTTP_404_NOT_FOUND`, `NOT_FOUND`), or None
    when no name for it exists in every version."""
    if style == "http":
        if code not in _IN_HTTP_STATUS:
            return None
        return _HTTP_NAMES.get(code) or HTTPStatus(code).name
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
    reads_links = False
    fix = Fix.SAFE
    fix_description = (
        "Replaces the literal with `status.HTTP_<code>_<NAME>`, importing `status` from "
        "`fastapi` when the file does not have it; with `status-code-style = \"http\"`, "
        "`HTTPStatus.<NAME>` from `http` (the names every Python from 3.9 has). Safe: the "
        "constant is the same integer. Not made for codes whose `status` constant was renamed "
        "between Starlette versions (413, 414, 416, 422) or is missing from older ones, nor "
        "where the name (`status`, `HTTPStatus`) names something else."
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

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["health"])


            @router.get("/health")
            def health() -> dict:
                if broken():
                    raise HTTPException(status_code=503)
                return dict(status="ok")
        ''', at=(9, 41), note="`status=` as a keyword argument is no other use of the name", fixed='''
            from fastapi import APIRouter, HTTPException, status

            router = APIRouter(prefix=api_config.V1_PREFIX, tags=["health"])


            @router.get("/health")
            def health() -> dict:
                if broken():
                    raise HTTPException(status_code=status.HTTP_503_SERVICE_UNAVAILABLE)
                return dict(status="ok")
        '''),
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
        Invalid('''
            from fastapi import (
                APIRouter,
                HTTPException,
                status,
            )

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            @router.delete("/{item_id}", status_code=204)
            def delete_item(item_id: int) -> None:
                raise HTTPException(404)
        ''', at=[(10, 42), (12, 25)], message="status.HTTP_", fixed='''
            from fastapi import (
                APIRouter,
                HTTPException,
                status,
            )

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            @router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
            def delete_item(item_id: int) -> None:
                raise HTTPException(status.HTTP_404_NOT_FOUND)
        ''', note="`status` imported in parentheses, as formatters write a long import: it is used"),
        Invalid(files={
            "app/__init__.py": "",
            "app/items.py": '''
                from http import HTTPStatus

                from fastapi import APIRouter, HTTPException

                router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


                @router.post("", status_code=HTTPStatus.CREATED, responses={422: {"description": "bad"}})
                def create_item(payload: dict):
                    if not payload:
                        raise HTTPException(400)
                    return {}
            ''',
        }, config={"status-code-style": "http"}, at=[("app/items.py", 8, 61), ("app/items.py", 11, 29)],
            message="use HTTPStatus.", note="`status-code-style = \"http\"`: `HTTPStatus` constants, 422 included"),
    )

    def check(self, facts, settings):
        style = settings.status_code_style
        module, name = STYLES[style]
        imported = facts.imports.bindings.get(name) is not None
        for literal in facts.status_literals:
            code = literal.node.value
            constant = constant_for(code, style)
            if constant is None:
                reason = (
                    "its constant was renamed between Starlette versions"
                    if style == "fastapi" and code in (413, 414, 416, 422)
                    else f"no `{name}` constant has that name in every version"
                )
                yield self.report(
                    literal.node,
                    f"status code {code} as a literal ({literal.where}): write it as a `{name}` "
                    f"constant (no fix: {reason})",
                )
                continue
            message = f"status code {code} as a literal ({literal.where}): use {name}.{constant}"
            if style == "http" and literal.where == RESPONSES_KEY and not _str_is_the_number(settings):
                yield self.report(literal.node, message + (
                    " (no fix: before Python 3.11 `str(HTTPStatus.X)` is `HTTPStatus.X`, which "
                    "FastAPI would write into the OpenAPI document; the project does not declare "
                    "Python >= 3.11)"
                ))
                continue
            if not facts.status_name_free:
                yield self.report(literal.node, message + f" (no fix: `{name}` names something else here)")
                continue
            yield self.report(
                literal.node, message, description=f"write {name}.{constant}",
                replacement=f"{name}.{constant}", **({} if imported else {"import": (module, name)}),
            )
