from __future__ import annotations

import ast

from fastapi_conventions_lint.facts.calls import keyword
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid

_NO_CONTENT = ("status.HTTP_204_NO_CONTENT", "HTTPStatus.NO_CONTENT", "http.HTTPStatus.NO_CONTENT")
_RESPONSE_MODULES = ("fastapi.", "fastapi.responses.", "starlette.responses.")


def _no_content(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return node.value == 204
    return ast.unparse(node).endswith(_NO_CONTENT)


def _is_false(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _returns_a_response(function, imports) -> bool:
    """`-> Response`, `-> JSONResponse`, `-> RedirectResponse`...: FastAPI sends it as it is."""
    qualname = imports.qualname(function.returns) if function.returns is not None else None
    return bool(qualname) and qualname.startswith(_RESPONSE_MODULES) and qualname.endswith("Response")


def _header(function) -> ast.AST:
    """Where to point: `def name` (or `async def name`), not the whole function."""
    keyword_length = len("async def ") if isinstance(function, ast.AsyncFunctionDef) else len("def ")
    node = ast.Name(id=function.name)
    node.lineno = node.end_lineno = function.lineno
    node.col_offset = function.col_offset
    node.end_col_offset = function.col_offset + keyword_length + len(function.name.encode("utf-8"))
    return node


def _exempt(route, imports) -> bool:
    """An explicit choice that leaves no response model to declare."""
    if route.websocket or route.starlette or not route.include_in_schema:
        return True
    if route.receiver is not None and not route.receiver.include_in_schema:
        return True
    call = route.call
    if keyword(call, "response_class") is not None:
        return True
    status_code = keyword(call, "status_code")
    if status_code is not None and _no_content(status_code.value):
        return True
    shown = keyword(call, "include_in_schema")
    return (shown is not None and _is_false(shown.value)) or _returns_a_response(route.function, imports)


class RouteWithoutResponseType(Rule):
    code = "FCL104"
    name = "route-without-response-type"
    summary = (
        "A route handler with neither `response_model=` nor a return annotation (with "
        "`response-type-policy = \"response-model\"`: without `response_model=`)."
    )
    rationale = (
        "Always set response_model: declare what each route returns, so that the response is "
        "validated and filtered and the OpenAPI document describes it. A return annotation "
        "does the same unless the policy asks for `response_model=`."
    )
    guide_section = "Routers & Endpoints"

    VALID = (
        Valid('''
            from fastapi import APIRouter, status
            from fastapi.responses import HTMLResponse, JSONResponse
            from pydantic import BaseModel

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


            class Item(BaseModel):
                name: str


            @router.get("")
            async def list_items() -> list[Item]:
                return []


            @router.post("", response_model=Item)
            def create_item(item: Item):
                return item


            @router.delete("/{item_id}", status_code=status.HTTP_204_NO_CONTENT)
            def delete_item(item_id: int):
                pass


            @router.get("/page", response_class=HTMLResponse)
            def page():
                return "<p>items</p>"


            @router.get("/raw")
            def raw() -> JSONResponse:
                return JSONResponse({})


            @router.get("/any", response_model=None)
            def anything():
                return {}


            @router.get("/internal", include_in_schema=False)
            def internal():
                return {}


            @router.websocket("/live")
            async def live(socket):
                await socket.accept()
        ''', note="annotations, response_model (None included), 204, response_class, a Response, hidden, websocket"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)


            @app.get("/health", tags=["health"])
            def health():  # noqa: FCL104
                return {"ok": True}


            def helper():
                return {}
        ''', note="suppressed on the `def` line, where it is reported; a plain function"),
        Valid(files={
            "app/__init__.py": "",
            "app/items.py": '''
                from fastapi import APIRouter

                from app.schemas import Item

                router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


                @router.get("", response_model=list[Item])
                async def list_items():
                    return []
            ''',
            "app/schemas.py": '''
                from pydantic import BaseModel


                class Item(BaseModel):
                    name: str
            ''',
        }, config={"response-type-policy": "response-model"}, note="the stricter policy, followed"),
        Valid('''
            def register_pages(blueprint):
                @blueprint.get("/pages")
                def pages():
                    return []
        ''', note="a parameter not declared a FastAPI app or router may be anything (a Flask blueprint): left alone"),
        Valid('''
            from sanic import Sanic, response

            app = Sanic("shop")


            @app.get("/items")
            async def items(request):
                return response.json([])
        ''', note="an app of another framework, made here: nothing links it to FastAPI"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter
            import fastapi as fa

            router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001
            app = fa.FastAPI(docs_url=None, redoc_url=None)


            @router.get("")
            async def list_items():
                return []


            @router.post("", status_code=201)
            def create_item(item: dict):
                return item


            @app.api_route("/ping", methods=["GET", "HEAD"], tags=["ping"])
            @app.get("/pong", tags=["ping"])
            def ping():
                return "pong"


            def report():
                return {}


            app.add_api_route("/report", report, tags=["reports"])
        ''', at=[(9, 1), (14, 1), (20, 1), (24, 1)], message="declares no response type",
            note="async and sync; an aliased module; two decorators, one report; add_api_route"),
        Invalid(files={
            "app/__init__.py": "",
            "app/items.py": '''
                from fastapi import APIRouter

                from app.schemas import Item

                router = APIRouter(prefix="/items", tags=["items"])  # noqa: FCL001


                @router.get("")
                async def list_items() -> list[Item]:
                    return []
            ''',
            "app/schemas.py": '''
                from pydantic import BaseModel


                class Item(BaseModel):
                    name: str
            ''',
        }, config={"response-type-policy": "response-model"}, at=("app/items.py", 9, 1),
            message="no `response_model=`", note="`response-type-policy = \"response-model\"`: an annotation is not enough"),
        Invalid(files={
            "app/__init__.py": "",
            "app/main.py": '''
                from fastapi import FastAPI

                from app.health import register_health

                app = FastAPI(docs_url=None, redoc_url=None)
                register_health(app)
            ''',
            "app/health.py": '''
                from fastapi import APIRouter as Router


                def register_health(router: Router) -> None:
                    @router.get("/health")
                    async def health():
                        return {}

                    def ready():
                        return {}

                    router.add_api_route("/ready", ready)
            ''',
        }, at=[("app/health.py", 6, 5), ("app/health.py", 9, 5)], message="declares no response type",
            note="registered by a function on the app or router it is given, declared as one"),
        Invalid('''
            from fastapi import FastAPI


            class Api:
                def __init__(self, app: FastAPI) -> None:
                    self.app = app

                def register_routes(self) -> None:
                    @self.app.get("/status")
                    async def status():
                        return {}


            app = FastAPI(docs_url=None, redoc_url=None)
            Api(app).register_routes()
        ''', at=(10, 9), message="declares no response type",
            note="registered in a method on the app a class is given (`Api(app)`)"),
        Invalid(files={
            "app/__init__.py": "",
            "app/factory.py": '''
                from fastapi import FastAPI


                def create_app() -> FastAPI:
                    return FastAPI(docs_url=None, redoc_url=None)
            ''',
            "app/main.py": '''
                from app.factory import create_app

                app = create_app()


                @app.get("/items")
                async def items():
                    return []
            ''',
        }, at=("app/main.py", 7, 1), flake8_at=[], message="declares no response type",
            note=(
                "an app a factory of another module makes, in a file that imports nothing of FastAPI: "
                "the CLI links it (flake8, reading one file, cannot tell it from a Sanic app)"
            )),
        Invalid('''
            from .utils import lazy_import

            fastapi = lazy_import("fastapi")


            def serve():
                app = fastapi.FastAPI()

                @app.get("/test")
                async def test_page():
                    return "ok"
        ''', at=(10, 5), message="declares no response type",
            note="FastAPI imported by name at run time (`lazy_import(\"fastapi\")`): the file names it"),
    )

    def check(self, facts, settings):
        strict = settings.response_type_policy == "response-model"
        reported = set()
        handlers = {id(handler.node) for handler in facts.handlers}
        for route in facts.routes:
            function = route.function
            if function is None or route.call is None or id(function) in reported:
                continue
            if route.receiver is None and id(function) not in handlers and not facts.uses_fastapi:
                continue  # made here on what nothing links to FastAPI, in a file that imports none of it (`Sanic(...)`)
            if _exempt(route, facts.imports):
                continue
            if any(keyword(other.call, "response_model") is not None for other in facts.routes
                   if other.function is function and other.call is not None):
                continue
            if function.returns is not None and not strict:
                continue
            reported.add(id(function))
            if strict:
                message = (
                    f"route handler `{function.name}` has no `response_model=`: declare the model "
                    "it returns (the project's `response-type-policy` asks for it)"
                )
            else:
                message = (
                    f"route handler `{function.name}` declares no response type: add a return "
                    "annotation (`-> Item`) or `response_model=`, so the response is validated "
                    "and documented"
                )
            yield self.report(_header(function), message)
