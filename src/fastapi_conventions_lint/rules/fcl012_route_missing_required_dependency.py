from __future__ import annotations

import functools
import re
from typing import Pattern, Sequence

from fastapi_conventions_lint.rules._registrations import Registrations
from fastapi_conventions_lint.rules.base import Invalid, Rule, Scope, Valid


@functools.lru_cache(maxsize=64)
def _public(patterns: Sequence[str]) -> Pattern[str]:
    """The `public-paths` globs as one expression: `*` and `?` stay within a segment, `**`
    crosses `/`."""
    alternatives = []
    for pattern in patterns:
        parts = re.split(r"(\*\*|\*|\?)", pattern)
        alternatives.append("".join(
            ".*" if part == "**" else "[^/]*" if part == "*" else "[^/]" if part == "?" else re.escape(part)
            for part in parts
        ))
    return re.compile("|".join(f"(?:{alternative})" for alternative in alternatives) or "(?!)")


_AUTH = {"required-dependencies": ["app.auth:current_user"]}


class RouteMissingRequiredDependency(Rule):
    code = "FCL012"
    name = "route-missing-required-dependency"
    summary = (
        "With `required-dependencies` configured: a route of the app that none of them reaches "
        "(through its parameters, its decorator's, router's, includes' or app's `dependencies=`, "
        "and the dependencies of those)."
    )
    rationale = (
        "Every endpoint of the guide takes its user from `user: User = Depends(get_current_user)`, "
        "and `app/dependencies.py` holds the shared dependencies. An endpoint that forgot the "
        "authentication dependency is open to anyone; the routes meant to be public are listed "
        "in `public-paths`."
    )
    guide_section = "Dependency Injection Pattern"
    scope = Scope.PROJECT

    VALID = (
        Valid(files={
            "app/auth.py": '''
                from typing import Annotated

                from fastapi import Depends, Security
                from fastapi.security import OAuth2PasswordBearer

                oauth2 = OAuth2PasswordBearer(tokenUrl="token")


                async def current_user(token: Annotated[str, Depends(oauth2)]):
                    return {"token": token}


                async def admin_user(user=Security(current_user, scopes=["admin"])):
                    return user


                CurrentUser = Annotated[dict, Depends(current_user)]
            ''',
            "app/main.py": '''
                from fastapi import APIRouter, Depends, FastAPI

                from app import auth
                from app.auth import CurrentUser, admin_user

                app = FastAPI(docs_url=None, redoc_url=None)
                items = APIRouter(prefix="/items", tags=["items"])
                admin = APIRouter(prefix="/admin", tags=["admin"], dependencies=[Depends(admin_user)])
                reports = APIRouter(prefix="/reports", tags=["reports"])


                @items.get("")
                async def list_items(user: CurrentUser):
                    return []


                @items.post("", dependencies=[Depends(auth.current_user)])
                def create_item():
                    return {}


                @admin.get("/stats")
                def stats():
                    return {}


                @reports.get("")
                def list_reports():
                    return []


                @app.get("/health")
                def health():
                    return {"ok": True}


                @app.get("/public/docs/{page:path}")
                def public_page(page: str):
                    return {}


                app.include_router(items)
                app.include_router(admin)
                app.include_router(reports, dependencies=[Depends(auth.current_user)])
            ''',
        }, config={**_AUTH, "public-paths": ["/health", "/public/**"]},
            note="an `Annotated` alias from another module; decorator, router and include "
                 "`dependencies=`; `Security` of a function that depends on it; public paths"),
        Valid(files={
            "main.py": '''
                from fastapi import FastAPI

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/items")
                def list_items():
                    return []
            ''',
        }, note="no `required-dependencies` configured: the rule is silent"),
        Valid(files={
            "app/auth.py": '''
                def current_user():
                    return {}
            ''',
            "app/main.py": '''
                from fastapi import Depends, FastAPI

                from app.auth import current_user

                app = FastAPI(docs_url=None, redoc_url=None, dependencies=[Depends(current_user)])


                @app.websocket("/ws")
                async def feed(websocket):
                    await websocket.accept()


                @app.get("/items")
                def list_items():
                    return []
            ''',
        }, config=_AUTH, note="the app's own `dependencies=` cover every route, websockets too"),
        Valid(files={
            "app/auth.py": '''
                def current_user():
                    return {}
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/metrics")
                async def metrics():  # noqa: FCL012
                    return {}
            ''',
        }, config=_AUTH, note="suppressed on the reported `def` line"),
    )
    INVALID = (
        Invalid(files={
            "app/auth.py": '''
                def current_user():
                    return {}
            ''',
            "app/main.py": '''
                from fastapi import FastAPI

                from app.items import router as items_router

                app = FastAPI(docs_url=None, redoc_url=None)
                app.include_router(items_router)
            ''',
            "app/items.py": '''
                from typing import Annotated

                from fastapi import APIRouter, Depends

                from app.auth import current_user

                router = APIRouter(prefix="/items", tags=["items"])


                @router.get("")
                async def list_items(user: Annotated[dict, Depends(current_user)]):
                    return []


                @router.delete("/{item_id}")
                def delete_item(item_id: int):
                    return {}
            ''',
        }, config=_AUTH, at=("app/items.py", 16, 1),
            message="DELETE /items/{item_id} does not depend on app.auth:current_user",
            note="one route of a router forgot it; sync and async handlers"),
        Invalid(files={
            "app/auth.py": '''
                from fastapi import Depends


                def get_db():
                    yield None


                def current_user(db=Depends(get_db)):
                    return {}
            ''',
            "app/main.py": '''
                from fastapi import Depends, FastAPI

                from app import auth

                app = FastAPI(docs_url=None, redoc_url=None)


                @app.get("/me")
                def me(user=Depends(auth.current_user)):
                    return user


                @app.get("/data")
                def data(db=Depends(auth.get_db)):
                    return []


                @app.get("/public/about")
                def about():
                    return {}
            ''',
        }, config={**_AUTH, "public-paths": ["/public/*"]}, at=("app/main.py", 14, 1),
            message="GET /data",
            note="a sub-dependency of the required one does not count; a public path is exempt"),
    )

    def check_project(self, index, settings):
        required = set(settings.required_dependencies)
        if not required:
            return
        public = _public(tuple(settings.public_paths))
        registrations = Registrations.for_index(index)
        reader = registrations.table.dependencies
        names = ", ".join(sorted(required))
        reported = set()
        for app in index.apps():
            for registration in registrations.of(app, resolved_only=False):
                row = registration.row
                if public.fullmatch(row.path) or reader.reaches(row.requires, required):
                    continue
                methods = " ".join(registration.methods) or "WEBSOCKET"
                found = self.report(
                    registrations.node_of(registration),
                    f"{methods} {row.path} does not depend on {names}: add it to the route's "
                    "parameters or `dependencies=` (or its router's), or list the path in "
                    "`public-paths`",
                )
                place = (registration.module.path, found.line, found.col)
                if place not in reported:
                    reported.add(place)
                    yield registration.module.path, found
