"""`fastapi-conventions-lint routes`: the static route table, compared with what FastAPI serves.

Every app here (the fixture apps and the small apps written below into tmp dirs) is imported
once with real FastAPI, in one subprocess for the whole run, and its served routes are listed
(recent FastAPI keeps included routers as nodes: `iter_route_contexts` flattens them; older
versions list every route in `app.routes`). The `routes` command, run in-process on the same
sources without importing them, must list the same (method, full path) pairs, the same
websockets and mounts, the same tags and the same include_in_schema flags. What it cannot know
statically it lists with a marker (`{?}`), and such a marker must cover the routes FastAPI
serves there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Dict, List, NamedTuple

import pytest

from conftest import FIXTURES, parse_output, run_cli


class App(NamedTuple):
    files: Dict[str, str]  # path under the project root -> source (dedented)
    target: str = "main:app"  # what FastAPI imports, with the project's `src` on sys.path
    vendor: Dict[str, str] = {}  # a third-party-like package outside the project, on sys.path


# -- the small apps ----------------------------------------------------------------------------

CASES: Dict[str, App] = {}

# Routes on the app itself: path parameters (with a converter), api_route with several methods
# and with none, add_api_route with and without methods= (lower case too), every verb decorator.
CASES["app_routes"] = App({
    "src/main.py": '''
        from fastapi import FastAPI

        app = FastAPI(title="app routes")


        @app.get("/")
        def root():
            return {}


        @app.get("/items/{item_id}")
        def read_item(item_id: int):
            return {}


        @app.get("/files/{file_path:path}")
        def read_file(file_path: str):
            return {}


        @app.api_route("/multi", methods=["GET", "POST", "PATCH"])
        def multi():
            return {}


        @app.api_route("/default")
        def default_method():
            return {}


        def added():
            return {}


        def added_many():
            return {}


        app.add_api_route("/added", added)
        app.add_api_route("/added-many/{key}", added_many, methods=["put", "DELETE"])
        app.add_api_route(path="/keywords", endpoint=added, methods=("OPTIONS",))


        @app.put("/verbs")
        def put():
            return {}


        @app.patch("/verbs")
        def patch():
            return {}


        @app.delete("/verbs")
        def delete():
            return {}


        @app.head("/verbs")
        def head():
            return None


        @app.options("/verbs")
        def options():
            return {}


        @app.trace("/verbs")
        def trace():
            return {}
    ''',
})

# app -> router -> router -> router, with prefix= on the includes and on the routers at
# several levels, routes at every level, all in one package module.
CASES["nested_levels"] = App({
    "src/deep/__init__.py": "",
    "src/deep/routers.py": '''
        from fastapi import APIRouter

        level1 = APIRouter(prefix="/l1", tags=["one"])
        level2 = APIRouter(prefix="/l2")
        level3 = APIRouter()


        @level1.get("/one")
        def one():
            return {}


        @level2.get("/two/{id}")
        def two(id: int):
            return {}


        @level2.post("")
        def two_root():
            return {}


        @level3.get("/three")
        def three():
            return {}


        @level3.delete("/three/{name}")
        def three_delete(name: str):
            return {}


        level2.include_router(level3, prefix="/l3")
        level1.include_router(level2, prefix="/mid")
    ''',
    "src/deep/main.py": '''
        from fastapi import FastAPI

        from deep.routers import level1

        app = FastAPI()
        app.include_router(level1, prefix="/api")
    ''',
}, target="deep.main:app")

# Prefixes and paths from constants of the same file: names, `+`, f-strings.
CASES["same_file_constants"] = App({
    "src/main.py": '''
        from fastapi import APIRouter, FastAPI

        API = "/api"
        V2 = API + "/v2"
        USERS = f"{V2}/users"
        ITEM = "/items/{item_id}"

        users = APIRouter(prefix=USERS, tags=["users"])
        items = APIRouter(tags=["items"])


        @users.get("/{user_id}")
        def read_user(user_id: int):
            return {}


        @items.get(ITEM)
        def read_item(item_id: int):
            return {}


        @items.post(f"{ITEM}/copies")
        def copy_item(item_id: int):
            return {}


        app = FastAPI()
        app.include_router(users)
        app.include_router(items, prefix=V2)
    ''',
})

# Prefixes from the project's api_config object (values as in the default `prefixes` table).
_API_CONFIG = '''
    class APIConfig:
        V1_PREFIX: str = "/api/v1"
        AUTH_PREFIX: str = f"{V1_PREFIX}/auth"
        SERVICES_PREFIX: str = f"{V1_PREFIX}/services"


    api_config = APIConfig()
'''
CASES["api_config"] = App({
    "src/server/__init__.py": "",
    "src/server/config.py": _API_CONFIG,
    "src/server/main.py": '''
        from fastapi import FastAPI

        from server.config import api_config
        from services.auth import router as auth_router
        from services.things import router as things_router

        app = FastAPI()
        app.include_router(auth_router)
        app.include_router(things_router, prefix=api_config.V1_PREFIX)
    ''',
    "src/services/__init__.py": "",
    "src/services/auth.py": '''
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=api_config.AUTH_PREFIX, tags=["auth"])


        @router.get("/me")
        def me():
            return {}


        @router.post(f"/tokens/{{token_id}}")
        def refresh(token_id: str):
            return {}
    ''',
    "src/services/things.py": '''
        from fastapi import APIRouter

        from server import config

        router = APIRouter(prefix="/things", tags=["things"])
        storage = APIRouter(prefix=f"{config.api_config.SERVICES_PREFIX}/storage", tags=["storage"])


        @router.get("")
        def list_things():
            return []


        @storage.get("/files")
        def list_files():
            return []


        router.include_router(storage, prefix="/nested")
    ''',
}, target="server.main:app")

# Routers defined in one module and included in another: relative imports, an `__init__` that
# re-exports, aliases, a module imported and its attribute used, an absolute module alias.
CASES["cross_module"] = App({
    "src/shop/__init__.py": "",
    "src/shop/main.py": '''
        from fastapi import FastAPI

        import shop.orders.api as orders_api
        from . import admin
        from .routers import users_router
        from .routers.items import router as items

        app = FastAPI()
        app.include_router(users_router, prefix="/u")
        app.include_router(items)
        app.include_router(admin.router)
        app.include_router(orders_api.router, prefix="/o")
    ''',
    "src/shop/routers/__init__.py": '''
        from .users import router as users_router

        __all__ = ["users_router"]
    ''',
    "src/shop/routers/users.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/users", tags=["users"])


        @router.get("/{user_id}")
        def read_user(user_id: int):
            return {}
    ''',
    "src/shop/routers/items.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/items", tags=["items"])


        @router.get("")
        def list_items():
            return []


        @router.put("/{item_id}")
        def replace_item(item_id: int):
            return {}
    ''',
    "src/shop/admin.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/admin", tags=["admin"])


        @router.get("/stats")
        def stats():
            return {}
    ''',
    "src/shop/orders/__init__.py": "",
    "src/shop/orders/api.py": '''
        from fastapi import APIRouter

        from ..routers import users as users_module
        from .lines import lines_router as lines

        router = APIRouter(prefix="/orders", tags=["orders"])


        @router.get("/{order_id}")
        def read_order(order_id: int):
            return {}


        router.include_router(lines)
        router.include_router(users_module.router, prefix="/buyers")
    ''',
    "src/shop/orders/lines.py": '''
        from fastapi import APIRouter

        lines_router = APIRouter(prefix="/lines")


        @lines_router.get("/{line_id}")
        def read_line(line_id: int):
            return {}
    ''',
}, target="shop.main:app")

# Conditional includes: under `if settings.X:` (true at import), in a try body, in the else
# of a try, and an optional router whose module does not exist (not served; listed as an
# unresolved include).
CASES["conditional"] = App({
    "src/cond/__init__.py": "",
    "src/cond/settings.py": '''
        class Settings:
            ENABLE_ADMIN = True


        settings = Settings()
    ''',
    "src/cond/admin.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/admin", tags=["admin"])


        @router.get("/users")
        def admin_users():
            return []
    ''',
    "src/cond/extras.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/extras", tags=["extras"])


        @router.get("")
        def extras():
            return []
    ''',
    "src/cond/metrics.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/metrics", tags=["metrics"])


        @router.get("")
        def metrics():
            return []
    ''',
    "src/cond/main.py": '''
        from fastapi import FastAPI

        from .settings import settings

        app = FastAPI()

        if settings.ENABLE_ADMIN:
            from .admin import router as admin_router

            app.include_router(admin_router, prefix="/internal")

        try:
            from .extras import router as extras_router
        except ImportError:
            extras_router = None
        else:
            app.include_router(extras_router)

        try:
            from .metrics import router as metrics_router

            app.include_router(metrics_router)
        except ImportError:
            pass

        try:
            from .not_installed import router as optional_router
        except ImportError:
            pass
        else:
            app.include_router(optional_router, prefix="/optional")
    ''',
}, target="cond.main:app")

# include_in_schema=False on a route, on an include, on a router, and inherited by a nested
# include: FastAPI still serves them all.
CASES["hidden"] = App({
    "src/main.py": '''
        from fastapi import APIRouter, FastAPI

        public = APIRouter(prefix="/public", tags=["public"])
        internal = APIRouter(prefix="/internal", tags=["internal"])
        nested = APIRouter(prefix="/nested")
        quiet = APIRouter(prefix="/quiet", include_in_schema=False)


        @public.get("/shown")
        def shown():
            return {}


        @public.get("/hidden", include_in_schema=False)
        def hidden():
            return {}


        @internal.get("/probe")
        def probe():
            return {}


        @nested.get("/deeper")
        def deeper():
            return {}


        @quiet.get("/ping")
        def ping():
            return {}


        internal.include_router(nested)

        app = FastAPI()


        @app.get("/healthz", include_in_schema=False)
        def healthz():
            return {}


        app.include_router(public)
        app.include_router(internal, include_in_schema=False)
        app.include_router(quiet)
    ''',
})

# Websockets on the app and on routers (listed without methods, kind "websocket").
CASES["websockets"] = App({
    "src/chat/__init__.py": "",
    "src/chat/rooms.py": '''
        from fastapi import APIRouter, WebSocket

        router = APIRouter(prefix="/rooms", tags=["rooms"])


        @router.get("")
        def list_rooms():
            return []


        @router.websocket("/{room}/ws")
        async def room_socket(websocket: WebSocket, room: str):
            await websocket.accept()
    ''',
    "src/chat/main.py": '''
        from fastapi import FastAPI, WebSocket

        from chat.rooms import router as rooms

        app = FastAPI()


        @app.websocket("/ws")
        async def socket(websocket: WebSocket):
            await websocket.accept()


        app.include_router(rooms, prefix="/v1")
    ''',
}, target="chat.main:app")

# Mounts: static files and a sub-application on the app, static files on an included router
# (Starlette mounts them at the router's include path, without the router's own prefix). The
# sub-app is a second FastAPI app in the module: the app that includes routers is chosen.
CASES["mounts"] = App({
    "src/web/__init__.py": "",
    "src/web/static/hello.txt": "hello\n",
    "src/web/assets.py": '''
        from pathlib import Path

        from fastapi import APIRouter
        from fastapi.staticfiles import StaticFiles

        router = APIRouter(prefix="/assets-api", tags=["assets"])
        router.mount("/files", StaticFiles(directory=Path(__file__).parent / "static"), name="files")


        @router.get("/list")
        def list_assets():
            return []
    ''',
    "src/web/main.py": '''
        from pathlib import Path

        from fastapi import FastAPI
        from fastapi.staticfiles import StaticFiles

        from web.assets import router as assets

        sub = FastAPI()


        @sub.get("/ping")
        def sub_ping():
            return {}


        app = FastAPI()
        app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
        app.mount(path="/sub", app=sub)
        app.include_router(assets, prefix="/site")


        def robots(request):
            return None


        app.add_route("/robots.txt", robots)
        app.add_route("/hook", robots, methods=["POST"])


        @app.get("/")
        def home():
            return {}
    ''',
}, target="web.main:app")

# An app that mounts a sub-app and includes nothing: it, not the mounted one, is the app.
CASES["mount_only"] = App({
    "src/main.py": '''
        from fastapi import FastAPI

        legacy = FastAPI()


        @legacy.get("/old")
        def old():
            return {}


        app = FastAPI()
        app.mount("/legacy", legacy)


        @app.get("/new")
        def new():
            return {}
    ''',
})

# Includes of routers the tool cannot see: from an installed third-party-like package outside
# the project, and from a factory call. Listed as unresolved include rows under their prefix.
CASES["third_party"] = App({
    "src/main.py": '''
        from fastapi import FastAPI
        from thirdparty import make_router
        from thirdparty.routes import router as vendor_router

        app = FastAPI()


        @app.get("/own")
        def own():
            return {}


        app.include_router(vendor_router, prefix="/ext")
        app.include_router(make_router(), prefix="/made")
    ''',
}, vendor={
    "thirdparty/__init__.py": '''
        from fastapi import APIRouter


        def make_router():
            router = APIRouter(prefix="/factory")

            @router.get("/built")
            def built():
                return {}

            return router
    ''',
    "thirdparty/routes.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/vendor", tags=["vendor"])


        @router.get("/status")
        def status():
            return {}


        @router.post("/hooks/{hook_id}")
        def hook(hook_id: str):
            return {}
    ''',
})

# One router included twice with different prefixes (both copies served), and one router
# included into two parents that are both included.
CASES["shared_routers"] = App({
    "src/main.py": '''
        from fastapi import APIRouter, FastAPI

        common = APIRouter(prefix="/common", tags=["common"])
        shared = APIRouter(prefix="/shared", tags=["shared"])
        parent_a = APIRouter(prefix="/a", tags=["a"])
        parent_b = APIRouter(prefix="/b", tags=["b"])


        @common.get("/ping")
        def ping():
            return {}


        @shared.get("/{key}")
        def read_shared(key: str):
            return {}


        parent_a.include_router(shared)
        parent_b.include_router(shared, prefix="/copy")

        app = FastAPI()
        app.include_router(common, prefix="/v1")
        app.include_router(common, prefix="/v2")
        app.include_router(parent_a)
        app.include_router(parent_b)
    ''',
})

# Tags composed as FastAPI does: parent router tags + include tags + router tags + route tags.
CASES["tags"] = App({
    "src/main.py": '''
        from fastapi import APIRouter, FastAPI

        parent = APIRouter(prefix="/p", tags=["parent"])
        child = APIRouter(prefix="/c", tags=["child"])
        bare = APIRouter(prefix="/bare")


        @child.get("/x", tags=["route"])
        def x():
            return {}


        @child.post("/y")
        def y():
            return {}


        @bare.get("/z")
        def z():
            return {}


        @parent.get("/own", tags=["own"])
        def own():
            return {}


        parent.include_router(child, tags=["child-include"])
        parent.include_router(bare)

        app = FastAPI()
        app.include_router(parent, tags=["include"])
        app.include_router(bare, prefix="/top", tags=("top",))
    ''',
})

# Routes registered on a router after it was included (served by FastAPI that keeps included
# routers as nodes), and routes registered on an imported router in another module.
CASES["late_routes"] = App({
    "src/late/__init__.py": "",
    "src/late/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/notes", tags=["notes"])
    ''',
    "src/late/views.py": '''
        from .router import router


        @router.get("")
        def list_notes():
            return []


        @router.delete("/{note_id}")
        def delete_note(note_id: int):
            return {}
    ''',
    "src/late/main.py": '''
        from fastapi import FastAPI

        from . import views  # noqa: F401  registers the routes
        from .router import router

        app = FastAPI()
        app.include_router(router, prefix="/api")


        @router.post("")
        def create_note():
            return {}
    ''',
}, target="late.main:app")

# `import fastapi as fa`, aliased imports, an APIRouter subclass that fixes its prefix, an app
# made in a factory function.
CASES["aliases_factory"] = App({
    "src/factory/__init__.py": "",
    "src/factory/versioned.py": '''
        from fastapi import APIRouter as Router


        class VersionedRouter(Router):
            def __init__(self, **kwargs):
                super().__init__(prefix="/v3", **kwargs)


        versioned = VersionedRouter(tags=["versioned"])


        @versioned.get("/thing")
        def thing():
            return {}
    ''',
    "src/factory/main.py": '''
        import fastapi as fa

        from factory.versioned import versioned as api_v3

        extra = fa.APIRouter(prefix="/extra")


        @extra.get("/{n}")
        def read_extra(n: int):
            return {}


        def create_app() -> fa.FastAPI:
            app = fa.FastAPI()
            app.include_router(api_v3)
            app.include_router(extra, prefix="/more")
            return app


        app = create_app()
    ''',
}, target="factory.main:app")

# A package's `__init__` defines the router (and includes its submodules' routers), and a
# package whose `__init__` re-exports a submodule's `router` under the submodule's own name.
CASES["package_init"] = App({
    "src/proj/__init__.py": "",
    "src/proj/api/__init__.py": '''
        from fastapi import APIRouter

        from .v1 import router as v1_router

        router = APIRouter(prefix="/api")
        router.include_router(v1_router)
    ''',
    "src/proj/api/v1.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/v1", tags=["v1"])


        @router.get("/status")
        def status():
            return {}
    ''',
    "src/proj/users/__init__.py": '''
        from .router import router
    ''',
    "src/proj/users/router.py": '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/users", tags=["users"])


        @router.get("/{user_id}")
        def read_user(user_id: int):
            return {}
    ''',
    "src/proj/main.py": '''
        from fastapi import FastAPI

        from proj.api import router as api_router
        from proj.users import router as users_router

        app = FastAPI()
        app.include_router(api_router)
        app.include_router(users_router)
    ''',
}, target="proj.main:app")

# Prefixes the tool cannot know: from the environment, from another module's constant, and a
# route path built at run time. The rows are marked and their known parts still match.
CASES["runtime_prefix"] = App({
    "src/env/__init__.py": "",
    "src/env/constants.py": '''
        BASE = "/base"
    ''',
    "src/env/main.py": '''
        import os

        from fastapi import APIRouter, FastAPI

        from env.constants import BASE

        router = APIRouter(prefix=os.environ.get("ENV_PREFIX", "/from-env"), tags=["env"])
        other = APIRouter(prefix=BASE + "/other")
        SUFFIX = os.environ.get("ENV_SUFFIX", "/suffix")


        @router.get("/items")
        def items():
            return []


        @other.get("/x" + SUFFIX)
        def other_x():
            return {}


        app = FastAPI()
        app.include_router(router, prefix="/api")
        app.include_router(other)
    ''',
}, target="env.main:app")

# A module that writes a marker file when it is imported: FastAPI's import writes it (so the
# module really runs at import), the routes command never does.
CASES["import_marker"] = App({
    "src/marked/__init__.py": "",
    "src/marked/side_effect.py": '''
        from pathlib import Path

        Path(__file__).with_name("IMPORTED").write_text("imported")
    ''',
    "src/marked/main.py": '''
        from fastapi import APIRouter, FastAPI

        from marked import side_effect  # noqa: F401

        router = APIRouter(prefix="/marked", tags=["marked"])


        @router.get("")
        def marked():
            return {}


        app = FastAPI()
        app.include_router(router)
    ''',
}, target="marked.main:app")


# The project's api_config object with values of its own (not the default `prefixes` table),
# read without importing it: its module writes a marker file if it is ever imported.
CASES["api_config_custom"] = App({
    "src/server/__init__.py": "",
    "src/server/config.py": """
        from pathlib import Path

        Path(__file__).with_name("CONFIG_IMPORTED").write_text("imported")


        class APIConfig:
            V1_PREFIX: str = "/v9"
            PEOPLE_PREFIX: str = f"{V1_PREFIX}/people"


        api_config = APIConfig()
    """,
    "src/server/main.py": """
        from fastapi import APIRouter, FastAPI

        from server.config import api_config

        people = APIRouter(prefix=api_config.PEOPLE_PREFIX, tags=["people"])
        legacy = APIRouter(prefix="/legacy", tags=["legacy"])


        @people.get("/{person_id}")
        def read_person(person_id: int):
            return {}


        @legacy.get("/ping")
        def legacy_ping():
            return {}


        app = FastAPI()
        app.include_router(people)
        app.include_router(legacy, prefix=api_config.V1_PREFIX)
    """,
}, target="server.main:app")

# Tags from the module's constants: on the router, on the include, and a route's tags the
# table cannot read (shown as a marker, never as no tags).
CASES["tag_constants"] = App({
    "src/main.py": """
        from fastapi import APIRouter, FastAPI

        NAME = "notes"
        SHARED = ["shared", NAME]
        TAGS = SHARED

        notes = APIRouter(prefix=f"/{NAME}", tags=[NAME])
        other = APIRouter(prefix="/other", tags=TAGS)
        dynamic = APIRouter(prefix="/dynamic", tags=list(SHARED))


        @dynamic.get("")
        def dynamic_root():
            return {}


        @notes.get("")
        def list_notes():
            return []


        @notes.get("/{note_id}", tags=[f"{NAME}-item"])
        def read_note(note_id: int):
            return {}


        @other.get("/x")
        def other_x():
            return {}


        app = FastAPI()
        app.include_router(notes)
        app.include_router(other, tags=[NAME, "extra"])
        app.include_router(dynamic, tags=[NAME.upper(), "last"])
    """,
})


# One name bound to two routers in turn (each route and include goes to the router bound at
# its line), and path parameters with converters.
CASES["reused_name"] = App({
    "src/main.py": """
        from fastapi import APIRouter, FastAPI

        app = FastAPI()

        router = APIRouter(prefix="/a", tags=["a"])


        @router.get("/x/{x_id:int}")
        def a_x(x_id: int):
            return {}


        app.include_router(router)

        router = APIRouter(prefix="/b", tags=["b"])


        @router.get("/y/{ratio:float}")
        def b_y(ratio: float):
            return {}


        app.include_router(router, prefix="/inc")
    """,
})


# FastAPI's own pages at URLs of the app's choosing, one of them off; and pages whose URLs a
# setting decides (listed as not static).
CASES["own_pages"] = App({
    "src/main.py": """
        from fastapi import FastAPI

        app = FastAPI(openapi_url="/api/openapi.json", docs_url=None, redoc_url="/api/redoc")


        @app.get("/items")
        def list_items():
            return []
    """,
})
CASES["own_pages_from_settings"] = App({
    "src/settings.py": """
        import os

        DEBUG = os.environ.get("DEBUG", "1") == "1"
    """,
    "src/main.py": """
        from fastapi import FastAPI

        import settings

        app = FastAPI(
            docs_url="/docs" if settings.DEBUG else None,
            swagger_ui_oauth2_redirect_url=None,
            redoc_url=None,
        )


        @app.get("/items")
        def list_items():
            return []
    """,
})


# Prefixes from a settings object's class defaults (in another module, through an alias and
# pydantic-style Field), and includes under conditions: listed with the defaults and the
# conditions' text.
CASES["settings_prefix"] = App({
    "src/core/__init__.py": "",
    "src/core/config.py": """
        def Field(default):
            return default


        class Settings:
            API_V1_STR: str = "/api/v1"
            ADMIN_STR = Field("/admin")
            ENABLE_ADMIN: bool = True
            LEGACY: bool = False


        settings = Settings()
    """,
    "src/main.py": """
        from fastapi import APIRouter, FastAPI

        from core.config import settings as conf

        users = APIRouter(prefix="/users", tags=["users"])
        admin = APIRouter(tags=["admin"])
        legacy = APIRouter(prefix="/legacy", tags=["legacy"])


        @users.get("")
        def list_users():
            return []


        @admin.get("/stats")
        def stats():
            return {}


        @legacy.get("/ping")
        def ping():
            return {}


        app = FastAPI(openapi_url=f"{conf.API_V1_STR}/openapi.json")
        app.include_router(users, prefix=conf.API_V1_STR)
        if conf.ENABLE_ADMIN:
            app.include_router(admin, prefix=f"{conf.API_V1_STR}{conf.ADMIN_STR}")
        if conf.LEGACY:
            pass
        else:
            app.include_router(legacy)
    """,
})


# Settings made by a function, as FastAPI's documentation has it (`@lru_cache def
# get_settings() -> Settings`), or by one whose only `return` makes them.
CASES["settings_factory"] = App({
    "src/core/__init__.py": "",
    "src/core/config.py": """
        from functools import lru_cache


        class Settings:
            API_V1_STR: str = "/api/v1"


        @lru_cache
        def get_settings() -> Settings:
            return Settings()


        class Other:
            PREFIX = "/other"


        def other_settings():
            return Other()
    """,
    "src/main.py": """
        from fastapi import APIRouter, FastAPI

        from core.config import get_settings, other_settings

        settings = get_settings()
        other = other_settings()
        users = APIRouter(prefix="/users", tags=["users"])
        items = APIRouter(prefix=f"{other.PREFIX}/items", tags=["items"])


        @users.get("")
        def list_users():
            return []


        @items.get("")
        def list_items():
            return []


        app = FastAPI()
        app.include_router(users, prefix=settings.API_V1_STR)
        app.include_router(items)
    """,
})


# Dependencies at every level: the app's, an include's, a router's, a decorator's, parameters'
# (defaults, `Annotated`, an alias from another module, `Security`) and a class and an instance.
CASES["dependencies"] = App({
    "src/deps/__init__.py": "",
    "src/deps/auth.py": """
        from typing import Annotated

        from fastapi import Depends


        def get_db():
            yield None


        def current_user(db=Depends(get_db)):
            return {}


        def audit():
            return None


        class Pagination:
            def __init__(self, page: int = 1):
                self.page = page


        class RoleChecker:
            def __init__(self, role: str):
                self.role = role

            def __call__(self, user=Depends(current_user)):
                return user


        CurrentUser = Annotated[dict, Depends(current_user)]
    """,
    "src/deps/main.py": """
        from typing import Annotated

        from fastapi import APIRouter, Depends, FastAPI, Security

        from deps import auth
        from deps.auth import CurrentUser, Pagination, RoleChecker, audit, get_db

        items = APIRouter(prefix="/items", tags=["items"], dependencies=[Depends(audit)])
        admin = APIRouter(prefix="/admin", tags=["admin"])


        @items.get("")
        def list_items(user: CurrentUser, pages: Annotated[Pagination, Depends()]):
            return []


        @items.post("", dependencies=[Security(auth.current_user)])
        def create_item(db=Depends(get_db)):
            return {}


        @admin.get("/stats")
        def stats(user=Depends(RoleChecker("admin"))):
            return {}


        app = FastAPI(dependencies=[Depends(auth.audit)])
        app.include_router(items)
        app.include_router(admin, dependencies=[Depends(get_db)])
    """,
}, target="deps.main:app")

# An app and routers kept on instance attributes: `self.app` handed to a method that includes
# the routers, a route decorated inside a method, and routers of other classes included as
# `traces.router` (an instance made in another module) and `self.router`.
CASES["instances"] = App({
    "src/inst/__init__.py": "",
    "src/inst/api_v1.py": """
        from fastapi import APIRouter

        router_public = APIRouter()
        router = APIRouter(tags=["info"])


        @router_public.get("/ping")
        def ping():
            return {}


        @router.get("/version")
        def version():
            return {}
    """,
    "src/inst/traces.py": """
        from fastapi import APIRouter


        class TracesRouter:
            def __init__(self):
                self.router = APIRouter()
                self.router.add_api_route("/{trace_id}", self.fetch, methods=["GET"])

            async def fetch(self, trace_id: str):
                return {}


        class SpansRouter:
            def __init__(self):
                self.router = APIRouter(prefix="/spans")

                @self.router.get("/{span_id}")
                def read_span(span_id: str):
                    return {}


        class ObservabilityRouters:
            def __init__(self):
                self.traces = TracesRouter()
                self.spans: SpansRouter = SpansRouter()
    """,
    "src/inst/webserver.py": """
        from fastapi import APIRouter, FastAPI

        from inst.api_v1 import router, router_public


        class ApiServer:
            def __init__(self):
                self.app = FastAPI(docs_url=None, redoc_url=None)
                self.router = APIRouter(prefix="/internal", tags=["internal"])
                self.router.add_api_route("/health", self.health, methods=["GET"])
                self.configure_app(self.app)

            async def health(self):
                return {}

            def configure_app(self, app: FastAPI) -> None:
                app.include_router(router_public, prefix="/api/v1")
                app.include_router(router, prefix="/api/v1", tags=["auth"])
                self.app.include_router(self.router)

                @app.get("/")
                def index():
                    return {}
    """,
    "src/inst/main.py": """
        from inst.traces import ObservabilityRouters, TracesRouter
        from inst.webserver import ApiServer

        server = ApiServer()
        traces = TracesRouter()
        observability = ObservabilityRouters()
        server.app.include_router(traces.router, prefix="/traces", tags=["traces"])
        server.app.include_router(observability.traces.router, prefix="/v2/traces")
        server.app.include_router(observability.spans.router, tags=["spans"])
        app = server.app


        @app.get("/status", tags=["status"])
        def status():
            return {}
    """,
}, target="inst.main:app")

# Routers made and returned by functions (router factories): each call makes a router of its
# own, so one factory included twice serves its routes twice, under each include's prefix;
# a factory of another module called through its module, under an alias, and a name bound to
# a call.
CASES["router_factories"] = App({
    "src/shop/__init__.py": "",
    "src/shop/items.py": """
        import fastapi as fa


        def ping():
            return {}


        def make_items_router() -> fa.APIRouter:
            router = fa.APIRouter(prefix="/items", tags=["items"])

            @router.get("/{item_id}")
            async def read_item(item_id: int):
                return {}

            @router.post("")
            def create_item():
                return {}

            return router


        def make_health_router():
            router = fa.APIRouter(prefix="/health")
            router.add_api_route("", ping, methods=["GET"])
            return router
    """,
    "src/shop/main.py": """
        from fastapi import FastAPI

        from shop import items
        from shop.items import make_items_router as items_router

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(items_router(), prefix="/a")
        app.include_router(items.make_items_router(), prefix="/b", tags=["b"])
        health = items.make_health_router()
        app.include_router(health)
    """,
}, target="shop.main:app")


# A function including the router its callers pass, twice (hidden, and under a workspace
# prefix), called for several routers, from another module and in its own, between includes
# whose order matters (/items/export before /items/{item_id}).
CASES["helper_per_router"] = App({
    "src/shop/__init__.py": "",
    "src/shop/routers.py": """
        from fastapi import APIRouter

        users = APIRouter(prefix="/users", tags=["users"])
        items = APIRouter(prefix="/items", tags=["items"])
        exports = APIRouter(prefix="/items", tags=["exports"])


        @users.get("/{user_id}")
        def read_user(user_id: str):
            return {}


        @items.get("/{item_id}")
        async def read_item(item_id: str):
            return {}


        @exports.get("/export")
        async def export_items():
            return []
    """,
    "src/shop/scoping.py": """
        from fastapi import APIRouter, FastAPI


        def include_scoped(application: FastAPI, router: APIRouter) -> None:
            application.include_router(router, include_in_schema=False)
            application.include_router(router, prefix="/workspaces/{workspace_id}")
    """,
    "src/shop/main.py": """
        from fastapi import APIRouter, FastAPI

        from shop import routers
        from shop.routers import items as items_router
        from shop.scoping import include_scoped


        def include_public(application: FastAPI, router: APIRouter) -> None:
            application.include_router(router, prefix="/public")


        app = FastAPI(docs_url=None, redoc_url=None)
        include_scoped(app, routers.users)
        app.include_router(routers.exports)
        include_scoped(app, items_router)
        include_public(app, routers.users)
        include_public(app, items_router)
    """,
}, target="shop.main:app")


# Functions registering routes on the app or router they are given (`def register(router:
# APIRouter)`), by decorator and by add_api_route, sync and async: one called for two routers
# and the app, another from its own module between the app's own routes.
CASES["routes_on_parameters"] = App({
    "src/shop/__init__.py": "",
    "src/shop/registration.py": """
        from typing import Union

        from fastapi import APIRouter as Router
        import fastapi


        def register_health(router: Union[Router, fastapi.FastAPI]) -> None:
            @router.get("/health")
            def health() -> dict:
                return {}

            async def ready() -> dict:
                return {}

            router.add_api_route("/ready", ready, methods=["GET", "HEAD"])


        def register_admin(app: "fastapi.FastAPI") -> None:
            @app.post("/admin/reset", include_in_schema=False)
            async def reset() -> None:
                return None
    """,
    "src/shop/main.py": """
        from typing import Optional, Union

        from fastapi import APIRouter, FastAPI

        from shop.registration import register_admin, register_health

        users = APIRouter(prefix="/users", tags=["users"])
        items = APIRouter(prefix="/items", tags=["items"])
        register_health(users)
        register_health(items)


        def register_version(app: Optional[Union[FastAPI, APIRouter]]) -> None:
            @app.get("/version")
            def version() -> str:
                return "1"


        app = FastAPI(docs_url=None, redoc_url=None)
        register_health(app)
        app.include_router(users)
        app.include_router(items)
        register_admin(app)
        register_version(app)
    """,
}, target="shop.main:app")


# Classes given the app or a router by their callers (`Api(app)`), registering routes and
# includes on `self.app` in `__init__`, in a method `__init__` calls, in a method the caller
# calls on the instance (bound to a name, or on the call itself), and in one nobody calls.
CASES["constructor_receivers"] = App({
    "src/shop/__init__.py": "",
    "src/shop/items.py": """
        from fastapi import APIRouter

        items = APIRouter(prefix="/items", tags=["items"])


        @items.get("")
        def list_items() -> list:
            return []
    """,
    "src/shop/api.py": """
        from fastapi import APIRouter, FastAPI

        from shop.items import items


        class Api:
            def __init__(self, app: FastAPI, title: str = "shop") -> None:
                self.app = app
                self.title = title
                self.app.add_api_route("/ping", self.ping, methods=["GET"])
                self.register_health()

            def ping(self) -> dict:
                return {}

            def register_health(self) -> None:
                @self.app.get("/health")
                def health() -> dict:
                    return {}

            def register_admin(self) -> None:
                @self.app.post("/admin/reset")
                async def reset() -> None:
                    return None

            def register_unused(self) -> None:
                @self.app.get("/never")
                def never() -> dict:
                    return {}


        class Plugins:
            def __init__(self, *, router: APIRouter) -> None:
                self.router = router

            def install(self) -> None:
                self.router.include_router(items)
    """,
    "src/shop/main.py": """
        from fastapi import APIRouter, FastAPI

        from shop.api import Api, Plugins

        app = FastAPI(docs_url=None, redoc_url=None)
        api = Api(app)
        api.register_admin()
        plugins_router = APIRouter(prefix="/plugins", tags=["plugins"])
        Plugins(router=plugins_router).install()
        app.include_router(plugins_router)
    """,
}, target="shop.main:app")


# A function that includes routers into the router it is given and returns it, called with
# routers made in place: the same pages at the root and under a tenant prefix.
CASES["router_builder"] = App({
    "src/shop/__init__.py": "",
    "src/shop/pages.py": """
        from fastapi import APIRouter

        auth = APIRouter(tags=["auth"])
        account = APIRouter(prefix="/account", tags=["account"])


        @auth.get("/verify")
        def verify_email():
            return {}


        @account.get("/verify")
        async def verify_account():
            return {}
    """,
    "src/shop/main.py": """
        from fastapi import APIRouter, FastAPI

        from shop.pages import account, auth


        def include_routers(router: APIRouter) -> APIRouter:
            router.include_router(auth, include_in_schema=False)
            router.include_router(account, prefix="/me")
            return router


        default_router = include_routers(APIRouter())
        tenant_router = include_routers(router=APIRouter(prefix="/{tenant_slug}", tags=["tenant"]))

        app = FastAPI(docs_url=None, redoc_url=None)
        app.include_router(default_router)
        app.include_router(tenant_router)
    """,
}, target="shop.main:app")


# -- what FastAPI serves -------------------------------------------------------------------------

# Imports each app in turn (its directories first on sys.path, its modules dropped from
# sys.modules afterwards) and prints, per app, the routes it serves.
_SERVED = textwrap.dedent('''
    import importlib, json, os, sys, traceback
    import fastapi.routing
    from fastapi.routing import APIRoute, APIWebSocketRoute
    from starlette.routing import Mount, Route

    flatten = getattr(fastapi.routing, "iter_route_contexts", None)
    OWN_PAGES = {"openapi", "swagger_ui_html", "swagger_ui_redirect", "redoc_html"}


    def under(module, roots):
        places = [getattr(module, "__file__", None) or ""] + list(getattr(module, "__path__", None) or ())
        return any(os.path.abspath(p).startswith(roots) for p in places if p)


    def served(app):
        found = {"http": [], "websocket": [], "mount": [], "docs": [], "starlette": [], "dependencies": {}}
        entries = list(flatten(app.routes)) if flatten else list(app.routes)
        for entry in entries:
            route = getattr(entry, "original_route", entry)
            if isinstance(route, APIRoute):
                for method in sorted(entry.methods):
                    found["http"].append(
                        [method, entry.path, [str(t) for t in entry.tags], bool(entry.include_in_schema)]
                    )
                    found["dependencies"].setdefault(f"{method} {entry.path}", []).append(sorted(
                        f"{d.call.__module__}:{getattr(d.call, '__qualname__', type(d.call).__qualname__)}"
                        for d in getattr(entry, "dependant", route.dependant).dependencies
                    ))
            elif isinstance(route, APIWebSocketRoute):
                found["websocket"].append(entry.path)
            elif isinstance(route, Mount):
                found["mount"].append(entry.path)
            elif isinstance(route, Route) and route.endpoint.__name__ in OWN_PAGES:
                found["docs"].append([entry.path, sorted(route.methods or [])])
            elif isinstance(route, Route):  # a plain Starlette route: `add_route`
                found["starlette"].append([entry.path, sorted(route.methods or [])])
        return found


    results = {}
    nodes = flatten is not None
    for case in json.load(sys.stdin):
        roots = tuple(os.path.abspath(p) + os.sep for p in case["paths"])
        sys.path[:0] = case["paths"]
        try:
            module_name, _, attribute = case["target"].partition(":")
            results[case["name"]] = served(getattr(importlib.import_module(module_name), attribute))
            results[case["name"]]["nodes"] = nodes
        except Exception:
            results[case["name"]] = {"error": traceback.format_exc()}
        finally:
            del sys.path[:len(case["paths"])]
            for name, module in list(sys.modules.items()):
                if module is not None and under(module, roots):
                    del sys.modules[name]
            importlib.invalidate_caches()
    print(json.dumps(results))
''')


def _write_tree(root: Path, files: Dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def write_app(directory: Path, case: App) -> Path:
    """The project (with its pyproject.toml) under directory/project, and its vendor
    package, if any, under directory/vendor; returns the project root."""
    root = directory / "project"
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(
        "[project]\nname = 'sample'\n\n[tool.fastapi-conventions-lint]\n",
        encoding="utf-8",
    )
    _write_tree(root, case.files)
    _write_tree(directory / "vendor", case.vendor)
    return root


class Served(NamedTuple):
    root: Path  # the project root (tmp apps) or the fixture app
    routes: dict  # as _SERVED prints them


FIXTURE_APPS = {"clean_app": FIXTURES / "clean_app", "fixable_app": FIXTURES / "fixable_app"}


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Dict[str, Served]:
    """Every app of this file imported with real FastAPI, in one subprocess."""
    base = tmp_path_factory.mktemp("apps")
    roots: Dict[str, Path] = {}
    batch = []
    for name, case in CASES.items():
        roots[name] = write_app(base / name, case)
        paths = [str(roots[name] / "src"), str(base / name / "vendor")]
        batch.append({"name": name, "paths": paths, "target": case.target})
    for name, root in FIXTURE_APPS.items():
        roots[name] = root
        batch.append({"name": name, "paths": [str(root / "src")], "target": "server.main:app"})
    process = subprocess.run(
        [sys.executable, "-c", _SERVED], input=json.dumps(batch),
        capture_output=True, text=True, cwd=base,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},  # leave no __pycache__ in fixtures/
    )
    assert process.returncode == 0, process.stderr
    results = json.loads(process.stdout)
    for name, found in results.items():
        assert "error" not in found, f"{name}: {found.get('error')}"
    return {name: Served(roots[name], results[name]) for name in roots}


# -- what the routes command lists -----------------------------------------------------------------


def table(capsys, target, *options: str, docs: bool = False) -> List[dict]:
    """The json table; FastAPI's own pages (docs, schema) left out unless `docs`."""
    code, out, err = run_cli(["routes", str(target), "--format", "json", *options], capsys)
    assert code == 0, err
    assert err == ""
    return [row for row in json.loads(out) if docs or row["kind"] != "docs"]


def _pattern(path: str, tail: bool) -> "re.Pattern[str]":
    """A row path with `{?}` markers as a regular expression (an include row's trailing
    marker stands for everything below the include)."""
    parts = [re.escape(part) for part in path.split("{?}")]
    return re.compile("(.*)".join(parts) + (".*" if tail and not path.endswith("{?}") else ""))


def compare(rows: List[dict], served: dict) -> None:
    """The table lists exactly what FastAPI serves; what it marks as not static covers the
    rest, and a marked route or websocket is served somewhere under its pattern."""
    http = Counter((method, row["path"]) for row in rows if row["kind"] == "http" and row["resolved"]
                   for method in row["methods"])
    served_http = Counter((method, path) for method, path, _tags, _schema in served["http"])
    marked = [row for row in rows if not row["resolved"]]
    unmatched = served_http - http
    for method, path in list(unmatched):
        if any(_pattern(row["path"], row["kind"] == "include").fullmatch(path)
               and (row["kind"] == "include" or method in row["methods"]) for row in marked):
            del unmatched[(method, path)]
    assert unmatched == Counter(), f"served but not listed: {sorted(unmatched)}"
    assert http - served_http == Counter(), f"listed but not served: {sorted(http - served_http)}"
    for row in marked:
        if row["kind"] == "http":
            assert any(method in row["methods"] and _pattern(row["path"], False).fullmatch(path)
                       for method, path in served_http), f"marked row matches nothing served: {row}"

    sockets = [row["path"] for row in rows if row["kind"] == "websocket"]
    assert all("{?}" not in path for path in sockets)
    assert sorted(sockets) == sorted(served["websocket"])
    for row in rows:
        if row["kind"] == "websocket":
            assert row["methods"] == []
    mounts = [row["path"] for row in rows if row["kind"] == "mount"]
    assert sorted(mounts) == sorted(served["mount"])

    # Plain Starlette routes (`add_route`), with their methods.
    listed = sorted([row["path"], sorted(row["methods"])] for row in rows if row["kind"] == "starlette")
    assert listed == sorted(served["starlette"])

    # FastAPI's own pages: each served one is listed (a page whose URL is decided at run time
    # as `{?}`, one that may be off at run time as not static), none listed that is surely off.
    pages = [row for row in rows if row["kind"] == "docs"]
    for path, methods in served["docs"]:
        assert methods == ["GET", "HEAD"]
        assert any(row["path"] in (path, "{?}") for row in pages), f"page {path} not listed"
    for row in pages:
        assert row["methods"] == ["GET", "HEAD"] and not row["include_in_schema"]
        if row["resolved"]:
            assert row["path"] in [path for path, _ in served["docs"]], f"listed but not served: {row}"

    # Tags and include_in_schema, route by route, where a (method, path) is listed once.
    by_route = {}
    for method, path, tags, schema in served["http"]:
        by_route.setdefault((method, path), []).append((tags, schema))
    for row in rows:
        if row["kind"] != "http" or not row["resolved"]:
            continue
        for method in row["methods"]:
            found = by_route[(method, row["path"])]
            if len(found) == 1:
                tags, schema = found[0]
                assert row["include_in_schema"] == schema, (method, row["path"])
                assert _tags_match(row["tags"], tags), (method, row["path"], row["tags"], tags)
                # The project's own dependencies, each level's, as FastAPI resolved them.
                # (A route an older FastAPI never copied, added by check_case, has none to compare.)
                for needs in served["dependencies"].get(f"{method} {row['path']}", ()):
                    assert sorted(set(_own(row["dependencies"]))) == sorted(set(_own(needs))), (method, row["path"])


def _own(names: List[str]) -> List[str]:
    """Dependencies defined by the app, not by FastAPI or Starlette."""
    return [name for name in names if not name.startswith(("fastapi", "starlette"))]


def _tags_match(listed: List[str], served: List[str]) -> bool:
    """Equal, a `{?}` tag standing for any tags FastAPI has there."""
    if "{?}" not in listed:
        return listed == served
    pattern = "".join("(?:[^\0]*\0)*" if tag == "{?}" else re.escape(tag + "\0") for tag in listed)
    return re.fullmatch(pattern, "".join(tag + "\0" for tag in served)) is not None


# FastAPI versions that copy an included router's routes at include time (before included
# routers were kept as nodes, when `iter_route_contexts` does not exist) do not serve a route
# registered on a router after its include, nor a mount on an included router. The static table
# cannot know the version and lists them: these are the only differences allowed there.
COPIED_AT_INCLUDE = {
    "late_routes": [("http", "POST", "/api/notes")],
    "mounts": [("mount", None, "/site/files")],
}


def check_case(name: str, rows: List[dict], routes: dict) -> None:
    assert routes["http"], "every app serves routes"
    if not routes["nodes"]:
        routes = {**routes, "http": list(routes["http"]), "mount": list(routes["mount"])}
        for kind, method, path in COPIED_AT_INCLUDE.get(name, ()):
            if kind == "mount":
                assert path not in routes["mount"]
                routes["mount"].append(path)
            else:
                assert [method, path] not in [entry[:2] for entry in routes["http"]]
                row = next(r for r in rows if r["path"] == path and method in r["methods"])
                routes["http"].append([method, path, row["tags"], row["include_in_schema"]])
    compare(rows, routes)


# Apps whose every include and route the table resolves: no `{?}` marker may stand in for
# what FastAPI serves there.
WHOLLY_STATIC = {
    "constructor_receivers", "helper_per_router", "instances", "router_builder", "router_factories",
    "routes_on_parameters",
}


@pytest.mark.parametrize("name", sorted(CASES) + sorted(FIXTURE_APPS))
def test_route_table_matches_what_fastapi_serves(name, served, capsys):
    rows = table(capsys, served[name].root, docs=True)
    if name in WHOLLY_STATIC:
        assert all(row["resolved"] for row in rows), [row for row in rows if not row["resolved"]]
    check_case(name, rows, served[name].routes)


# -- the command line --------------------------------------------------------------------------------

COLUMNS = ["METHODS", "PATH", "ENDPOINT", "WHERE", "TAGS", "ROUTER"]
JSON_KEYS = {"methods", "path", "dependencies", "conditions", "setting_default", "endpoint", "file", "line", "tags", "router", "kind", "resolved",
             "include_in_schema"}


def _cells(line: str, starts: List[int]) -> List[str]:
    bounds = starts[1:] + [len(line) + 1]
    return [line[start:end].strip() for start, end in zip(starts, bounds)]


def text_table(capsys, target, *options: str) -> List[List[str]]:
    code, out, err = run_cli(["routes", str(target), *options], capsys)
    assert code == 0, err
    lines = out.splitlines()
    # The table, a blank line, and the count line.
    assert lines[-2] == "" and re.fullmatch(r"\d+ routes? in \S+( \(\d+ not static\))?\.", lines[-1]), lines[-1]
    lines = lines[:-2]
    header = lines[0]
    assert header.split() == COLUMNS
    starts = [header.index(column) for column in COLUMNS]
    for line in lines[1:]:
        # Aligned columns: a cell starts where its heading does, after at least two blanks.
        for start in starts[1:]:
            assert line[start - 2:start] == "  " or len(line) <= start, line
    rows = [_cells(line, starts) for line in lines[1:]]
    return [row for row in rows if not row[2].startswith("<FastAPI ")]  # FastAPI's own pages


def _def_line(path: Path, function: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1)
                if re.match(rf"\s*(async )?def {function}\(", text))


def _line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(number for number, line in enumerate(lines, 1) if text in line)


def test_text_table_columns_on_the_clean_fixture(capsys, monkeypatch):
    monkeypatch.chdir(FIXTURES.parent)
    app = FIXTURES / "clean_app"
    rows = text_table(capsys, app)
    router_file = app / "src/capabilities/calendar/router.py"
    row = next(r for r in rows if r[2].endswith(".delete_event"))
    assert row == [
        "DELETE",
        "/api/v1/capabilities/calendar/events/{event_id}",
        "capabilities.calendar.router.delete_event",
        # Relative to the current directory, as the diagnostics of `check` are.
        f"{router_file.relative_to(FIXTURES.parent)}:{_def_line(router_file, 'delete_event')}",
        "capabilities,calendar",  # the parent router's tags, then the router's own
        "capabilities.calendar.router:router",
    ]
    # Include order: the first include of main.py comes first.
    assert rows[0][:3] == ["GET", "/api/v1/health", "server.api.health.health"]


@pytest.fixture
def terminal(monkeypatch):
    """stdout is a terminal of the width the test sets through COLUMNS."""
    from fastapi_conventions_lint.report import text

    monkeypatch.setattr(text, "is_terminal", lambda stream: True)
    return lambda width: monkeypatch.setenv("COLUMNS", str(width))


@pytest.mark.parametrize("width", [60, 80, 100, 120])
def test_on_a_terminal_the_text_table_fits_its_width(terminal, width, capsys):
    terminal(width)
    code, out, err = run_cli(["routes", str(FIXTURES / "violations_app")], capsys)
    assert code == 0, err
    table, tail = out.split("\n\n")
    assert all(len(line) <= width for line in table.splitlines())
    # The least useful columns go first, the path's column stays, and the last line says so.
    header = table.splitlines()[0].split()
    assert header[:2] == ["METHODS", "PATH"] and "ROUTER" not in header
    assert tail.splitlines()[-1].startswith(("ROUTER left out", "ROUTER and TAGS left out"))
    assert f"to fit {width} columns" in tail
    # A cut handler keeps its function's name, a cut file its name and line.
    row = next(line for line in table.splitlines() if line.startswith("POST") and "bulk" in line)
    assert "bulk_create" in row, row
    if width >= 80:
        assert re.search(r"extra_routes\.py:\d+", row), row


def test_a_terminal_wide_enough_gets_every_column_whole(terminal, capsys):
    terminal(1000)
    code, out, err = run_cli(["routes", str(FIXTURES / "violations_app")], capsys)
    assert out.split("\n\n")[0].splitlines()[0].split() == COLUMNS
    assert "…" not in out and "to fit" not in out


def test_piped_the_text_table_is_never_cut(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "40")
    code, out, err = run_cli(["routes", str(FIXTURES / "violations_app")], capsys)
    assert out.splitlines()[0].split() == COLUMNS
    assert "…" not in out and "to fit" not in out


def test_text_table_marks_what_is_not_a_plain_route(served, capsys):
    rows = text_table(capsys, served["websockets"].root)
    assert ["WEBSOCKET", "/ws"] in [r[:2] for r in rows]
    assert ["WEBSOCKET", "/v1/rooms/{room}/ws"] in [r[:2] for r in rows]
    mounts = [r for r in text_table(capsys, served["mounts"].root) if r[0] == "MOUNT"]
    assert [(r[1], r[2]) for r in mounts] == [
        ("/static", "<mounted application>"), ("/sub", "<mounted application>"),
        ("/site/files", "<mounted application>"),
    ]
    third = [r for r in text_table(capsys, served["third_party"].root) if r[0] == "INCLUDE"]
    assert [(r[1], r[2]) for r in third] == [
        ("/ext{?}  (not static)", "<include_router: router not resolved>"),
        ("/made{?}  (not static)", "<include_router: router not resolved>"),
    ]
    env = text_table(capsys, served["runtime_prefix"].root)
    assert [r[1] for r in env] == ["/api{?}/items  (not static)", "{?}/other/x{?}  (not static)"]


def test_json_rows_point_at_their_handlers(served, capsys):
    for name in ("cross_module", "app_routes", "late_routes"):
        for row in table(capsys, served[name].root):
            assert set(row) == JSON_KEYS
            assert isinstance(row["methods"], list) and isinstance(row["tags"], list)
            assert isinstance(row["line"], int)
            function = row["endpoint"].rpartition(".")[2]
            if function.isidentifier():
                # file:line is the handler's def line (or, for add_api_route, the call that
                # registers it); the endpoint is module.function.
                text = Path(row["file"]).read_text(encoding="utf-8").splitlines()[row["line"] - 1]
                if "add_api_route(" in text:
                    assert function in text, row
                else:
                    assert row["line"] == _def_line(Path(row["file"]), function), row
                module = Path(row["file"]).relative_to(served[name].root / "src").with_suffix("")
                assert row["endpoint"] == ".".join(module.parts) + "." + function
    users = [r for r in table(capsys, served["cross_module"].root) if r["endpoint"].endswith("read_user")]
    assert [(r["path"], r["router"], r["tags"]) for r in users] == [
        ("/u/users/{user_id}", "shop.routers.users:router", ["users"]),
        ("/o/orders/buyers/users/{user_id}", "shop.routers.users:router", ["orders", "users"]),
    ]


def test_json_rows_for_websockets_mounts_and_unresolved_includes(served, capsys):
    sockets = [r for r in table(capsys, served["websockets"].root) if r["kind"] == "websocket"]
    assert [(r["methods"], r["path"], r["endpoint"]) for r in sockets] == [
        ([], "/ws", "chat.main.socket"), ([], "/v1/rooms/{room}/ws", "chat.rooms.room_socket"),
    ]
    mounts = [r for r in table(capsys, served["mount_only"].root) if r["kind"] == "mount"]
    assert [(r["methods"], r["path"], r["resolved"]) for r in mounts] == [([], "/legacy", True)]
    includes = [r for r in table(capsys, served["conditional"].root) if r["kind"] == "include"]
    # The optional router whose module does not exist: listed, marked, at its include call.
    main = served["conditional"].root / "src/cond/main.py"
    line = _line_of(main, "app.include_router(optional_router")
    assert [(r["path"], r["resolved"], r["file"], r["line"]) for r in includes] == [
        ("/optional{?}", False, str(main), line),
    ]
    hidden = {r["path"]: r["include_in_schema"] for r in table(capsys, served["hidden"].root)}
    assert hidden == {
        "/healthz": False, "/public/shown": True, "/public/hidden": False, "/internal/probe": False,
        "/internal/nested/deeper": False, "/quiet/ping": False,
    }


def test_tags_from_constants_and_unknown_tags(served, capsys):
    tags = {r["path"]: r["tags"] for r in table(capsys, served["tag_constants"].root)}
    assert tags == {
        "/notes": ["notes"],
        "/notes/{note_id}": ["notes", "{?}"],  # the route's own tags=[f"..."]: not read
        "/other/x": ["notes", "extra", "shared", "notes"],
        "/dynamic": ["{?}", "last", "{?}"],  # NAME.upper() and tags=list(...): not static
    }


def test_tags_compose_parent_include_router_and_route_tags(served, capsys):
    tags = {(r["methods"][0], r["path"]): r["tags"] for r in table(capsys, served["tags"].root)}
    assert tags == {
        ("GET", "/p/own"): ["include", "parent", "own"],
        ("GET", "/p/c/x"): ["include", "parent", "child-include", "child", "route"],
        ("POST", "/p/c/y"): ["include", "parent", "child-include", "child"],
        ("GET", "/p/bare/z"): ["include", "parent"],
        ("GET", "/top/bare/z"): ["top"],
    }
    # As FastAPI has them on the routes it serves.
    fastapi_tags = {(m, p): t for m, p, t, _ in served["tags"].routes["http"]}
    assert fastapi_tags == tags


_USERS_ROUTER = """
    from fastapi import APIRouter

    router = APIRouter(prefix="/users", tags=["users"])


    @router.get("")
    def list_users():
        return []
"""
_ADMIN_APP = """
    from fastapi import FastAPI

    from users import router

    admin_app = FastAPI()
    admin_app.include_router(router, prefix="/admin")
"""
_TWO_APPS_ADMIN = App({"src/users.py": _USERS_ROUTER, "src/admin.py": _ADMIN_APP})


def _two_apps(tmp_path: Path) -> Path:
    return write_app(tmp_path, App({
        "src/users.py": _USERS_ROUTER,
        "src/public.py": """
            from fastapi import FastAPI

            from users import router

            app = FastAPI()
            app.include_router(router, prefix="/public")
        """,
        "src/admin.py": _ADMIN_APP,
    }))


def test_app_option_picks_one_of_several_apps(tmp_path, capsys):
    root = _two_apps(tmp_path)
    assert [r["path"] for r in table(capsys, root, "--app", "admin:admin_app")] == ["/admin/users"]
    assert [r["path"] for r in table(capsys, root, "--app", "public:app")] == ["/public/users"]
    # A mounted sub-app is not a candidate for the default, but --app lists it.
    web = write_app(tmp_path / "web", CASES["mounts"])
    assert [r["path"] for r in table(capsys, web, "--app", "web.main:sub")] == ["/ping"]


def test_several_apps_without_app_option_is_an_error(tmp_path, capsys):
    root = _two_apps(tmp_path)
    code, out, err = run_cli(["routes", str(root)], capsys)
    assert code == 2 and out == ""
    assert err == (
        "fastapi-conventions-lint: error: several FastAPI apps; choose one with --app: "
        "admin:admin_app, public:app\n"
    )
    code, out, err = run_cli(["routes", str(root), "--app", "main:app"], capsys)
    assert code == 2 and out == ""
    assert err == (
        "fastapi-conventions-lint: error: no FastAPI app 'main:app'; apps found: "
        "admin:admin_app, public:app\n"
    )


def test_a_repository_root_without_packaging_file_lists_the_app_of_its_project(tmp_path, capsys):
    """The repository's root is a workspace of its own (its scripts); the project under it,
    with its pyproject.toml, is another. From the root, the project's app is the one listed,
    with the names the project gives its modules."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "scripts").mkdir()
    (repo / "scripts" / "seed.py").write_text("print('seeding')\n")
    project = write_app(repo, CASES["cross_module"])
    assert table(capsys, repo) == table(capsys, project)
    # Two projects with an app each: both are candidates, and --app picks one.
    write_app(repo / "admin", _TWO_APPS_ADMIN)
    code, out, err = run_cli(["routes", str(repo)], capsys)
    assert code == 2 and out == ""
    assert err == (
        "fastapi-conventions-lint: error: several FastAPI apps; choose one with --app: "
        "admin:admin_app, shop.main:app\n"
    )
    assert [r["path"] for r in table(capsys, repo, "--app", "admin:admin_app")] == ["/admin/users"]


def test_an_app_made_in_a_test_is_not_the_one_listed(tmp_path, capsys):
    """A test's own small app (tests/test_users.py) does not make the project's ambiguous;
    named with --app, it is still listed."""
    root = write_app(tmp_path, App({
        "src/users.py": _USERS_ROUTER,
        "src/admin.py": _ADMIN_APP,
        "tests/test_users.py": """
            from fastapi import FastAPI

            from users import router

            app = FastAPI()
            app.include_router(router, prefix="/under-test")
        """,
    }))
    assert [r["path"] for r in table(capsys, root)] == ["/admin/users"]
    assert [r["path"] for r in table(capsys, root, "--app", "tests.test_users:app")] == ["/under-test/users"]


@pytest.mark.parametrize("serve", ['app.mount("/admin", admin_app)', 'app.host("admin.example.com", app=admin_app)'])
def test_an_app_another_app_serves_is_not_the_one_listed(tmp_path, capsys, serve):
    """Both apps include routers, but one serves the other (Starlette's mount and host): the
    serving app is the application; --app still names the other."""
    root = write_app(tmp_path, App({
        "src/users.py": _USERS_ROUTER,
        "src/admin.py": _ADMIN_APP,
        "src/main.py": f"""
            from fastapi import FastAPI

            from admin import admin_app
            from users import router


            def create_app() -> FastAPI:
                app = FastAPI()
                app.include_router(router, prefix="/public")
                {serve}
                return app


            app = create_app()
        """,
    }))
    assert [r["path"] for r in table(capsys, root)][-1] == "/public/users"
    assert [r["path"] for r in table(capsys, root, "--app", "admin:admin_app")] == ["/admin/users"]
    # An app that only serves another, which alone includes routers: the table lists the one
    # with the routes (it does not enter a mounted app).
    main = root / "src" / "main.py"
    main.write_text(main.read_text().replace('app.include_router(router, prefix="/public")', "pass"))
    assert [r["path"] for r in table(capsys, root)] == ["/admin/users"]
    main.write_text(main.read_text().replace("pass", 'app.include_router(router, prefix="/public")', 1))
    # Served by nothing, the two are as ambiguous as before, the likelier named first.
    (root / "src" / "main.py").write_text((root / "src" / "main.py").read_text().replace(serve, "pass"))
    (root / "src" / "api_tests").mkdir()
    (root / "src" / "api_tests" / "test_admin.py").write_text(textwrap.dedent(_ADMIN_APP))
    code, out, err = run_cli(["routes", str(root)], capsys)
    assert code == 2 and err.endswith("--app: admin:admin_app, main:app, api_tests.test_admin:admin_app\n")


def test_apps_of_one_name_are_told_apart_by_their_files(tmp_path, capsys, monkeypatch):
    """Examples in one project, each an `app/app.py`: the same module name twice. Each is
    named by its file, and `--app` takes that name."""
    files = {}
    for example in ("beanie", "sqlalchemy"):
        files[f"examples/{example}/app/__init__.py"] = ""
        files[f"examples/{example}/app/users.py"] = _USERS_ROUTER
        files[f"examples/{example}/app/app.py"] = f"""
            from fastapi import FastAPI

            from app.users import router

            app = FastAPI()
            app.include_router(router, prefix="/{example}")
        """
    root = write_app(tmp_path, App(files))
    monkeypatch.chdir(root)
    code, out, err = run_cli(["routes", "."], capsys)
    assert code == 2 and err.endswith(
        "--app: examples/beanie/app/app.py:app, examples/sqlalchemy/app/app.py:app\n"
    )
    for given in ("examples/sqlalchemy/app/app.py:app", str(root / "examples/sqlalchemy/app/app.py") + ":app"):
        assert [r["path"] for r in table(capsys, root, "--app", given)] == ["/sqlalchemy/users"]
    code, out, err = run_cli(["routes", ".", "--app", "app.app:app"], capsys)
    assert code == 2 and "no FastAPI app 'app.app:app'" in err
    # A test's functions each make an `app`: the line tells them apart; a long list is cut.
    functions = "".join(
        f"\n\ndef test_{n}():\n    app = FastAPI()\n    app.include_router(router, prefix='/t{n}')\n"
        for n in range(12)
    )
    (root / "tests").mkdir()
    (root / "tests" / "test_app.py").write_text(
        "from fastapi import APIRouter, FastAPI\n\nrouter = APIRouter(prefix='/users')\n\n\n@router.get('')\ndef users():\n    return []\n"
        + functions
    )
    code, out, err = run_cli(["routes", "."], capsys)
    assert code == 2 and err.endswith(
        "examples/sqlalchemy/app/app.py:app, tests/test_app.py:app:12, tests/test_app.py:app:17, "
        "tests/test_app.py:app:22, tests/test_app.py:app:27, tests/test_app.py:app:32, "
        "tests/test_app.py:app:37, tests/test_app.py:app:42, tests/test_app.py:app:47 "
        "and 4 more (an --app that names none lists them all)\n"
    ), err
    assert [r["path"] for r in table(capsys, root, "--app", "tests/test_app.py:app:17")] == ["/t1/users"]


def test_no_app_is_an_error(tmp_path, capsys):
    users = CASES["cross_module"].files["src/shop/routers/users.py"]
    root = write_app(tmp_path, App({"src/users.py": users}))
    code, out, err = run_cli(["routes", str(root)], capsys)
    assert (code, out) == (2, "")
    assert err == f"fastapi-conventions-lint: error: no FastAPI app found under {root}\n"
    code, out, err = run_cli(["routes", str(tmp_path / "missing")], capsys)
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "no such file or directory" in err


def test_a_single_module_file_as_path(served, capsys):
    one = served["app_routes"].root
    assert table(capsys, one / "src/main.py") == table(capsys, one)
    # A module that imports routers from its package: they are found from the file alone.
    shop = served["cross_module"].root
    assert table(capsys, shop / "src/shop/main.py") == table(capsys, shop)


def test_routes_imports_nothing(served, tmp_path, capsys):
    # FastAPI's import ran these modules (they wrote their markers)...
    assert (served["import_marker"].root / "src/marked/IMPORTED").exists()
    assert (served["api_config_custom"].root / "src/server/CONFIG_IMPORTED").exists()
    # ...the routes command, on fresh copies, runs none of them.
    for name in ("import_marker", "api_config_custom"):
        root = write_app(tmp_path / name, CASES[name])
        before = sorted(p.relative_to(root) for p in root.rglob("*"))
        table(capsys, root)
        text_table(capsys, root)
        assert sorted(p.relative_to(root) for p in root.rglob("*")) == before
    # The configured constants were read all the same.
    assert [r["path"] for r in table(capsys, tmp_path / "api_config_custom/project")] == [
        "/v9/people/{person_id}", "/v9/legacy/ping",
    ]


def test_own_pages_are_listed_as_the_app_sets_them(served, capsys):
    pages = [(row["path"], row["endpoint"], row["resolved"])
             for row in table(capsys, served["own_pages"].root, docs=True) if row["kind"] == "docs"]
    assert pages == [("/api/openapi.json", "<FastAPI openapi>", True), ("/api/redoc", "<FastAPI redoc>", True)]
    pages = [(row["path"], row["endpoint"], row["resolved"])
             for row in table(capsys, served["own_pages_from_settings"].root, docs=True) if row["kind"] == "docs"]
    assert pages == [("/openapi.json", "<FastAPI openapi>", True), ("{?}", "<FastAPI docs>", False)]


def test_dependencies_of_every_level_by_name(served, capsys):
    rows = {(tuple(row["methods"]), row["path"]): row["dependencies"]
            for row in table(capsys, served["dependencies"].root)}
    assert rows == {
        (("GET",), "/items"): ["deps.auth:audit", "deps.auth:audit", "deps.auth:current_user", "deps.auth:Pagination"],
        (("POST",), "/items"): ["deps.auth:audit", "deps.auth:audit", "deps.auth:current_user", "deps.auth:get_db"],
        (("GET",), "/admin/stats"): ["deps.auth:audit", "deps.auth:get_db", "deps.auth:RoleChecker"],
    }


def test_settings_a_function_makes_are_read_from_its_class(served, capsys):
    rows = [(row["path"], row["setting_default"]) for row in table(capsys, served["settings_factory"].root)]
    assert rows == [("/api/v1/users", True), ("/other/items", True)]


def test_setting_defaults_and_conditions_are_marked(served, capsys):
    rows = [(row["path"], row["setting_default"], row["conditions"])
            for row in table(capsys, served["settings_prefix"].root)]
    assert rows == [
        ("/api/v1/users", True, []),
        ("/api/v1/admin/stats", True, ["conf.ENABLE_ADMIN"]),
        ("/legacy/ping", False, ["not (conf.LEGACY)"]),
    ]
    pages = [(row["path"], row["setting_default"])
             for row in table(capsys, served["settings_prefix"].root, docs=True) if row["kind"] == "docs"]
    assert pages == [("/api/v1/openapi.json", True), ("/docs", False), ("/docs/oauth2-redirect", False),
                     ("/redoc", False)]
    paths = [row[1] for row in text_table(capsys, served["settings_prefix"].root)]
    assert paths == [
        "/api/v1/users  (a setting's default)",
        "/api/v1/admin/stats  (a setting's default)  (if conf.ENABLE_ADMIN)",
        "/legacy/ping  (if not (conf.LEGACY))",
    ]


_REGISTER = """
    from fastapi import APIRouter, FastAPI

    reports = APIRouter(prefix="/reports", tags=["reports"])


    @reports.get("")
    def list_reports():
        return []


    def register(application: FastAPI) -> None:
        application.include_router(reports)
"""


def _registering(call: str, tests: str = "") -> App:
    files = {
        "src/routing.py": _REGISTER,
        "src/main.py": f"""
            from fastapi import FastAPI

            from routing import register

            app = FastAPI()


            @app.get("/")
            def home():
                return {{}}


            {call.replace(chr(10), chr(10) + " " * 12)}
        """,
    }
    if tests:
        files["tests/test_main.py"] = tests
    return App(files)


def test_include_on_a_receiver_that_cannot_be_resolved_is_reported(tmp_path, capsys):
    root = write_app(tmp_path, _registering("register(FastAPI())"))
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0
    assert [r["path"] for r in json.loads(out) if r["kind"] != "docs"] == ["/"]
    assert err == (  # one line; -v names each
        "fastapi-conventions-lint: note: 1 include_router call on a receiver that cannot be "
        "resolved statically: what they include is not in the table (-v names them)\n"
    )
    code, out, err = run_cli(["routes", "-v", str(root), "--format", "json"], capsys)
    assert err == (
        f"fastapi-conventions-lint: note: {root / 'src/routing.py'}:12: include_router on "
        "`application`, which cannot be resolved statically: what it includes is not in the table\n"
    )


@pytest.mark.parametrize("call, tests, listed", [
    ("register(app)", "", True),
    ("register(application=app)", "", True),
    ("import routing\n\nrouting.register(app)", "", True),
    ("from routing import register as attach\n\nattach(app)", "", True),  # an alias
    # A test that makes an app of its own for the function is no caller of the app's.
    ("register(app)", "from fastapi import FastAPI\n\nfrom routing import register\n\nregister(FastAPI())\n", True),
    # Callers that pass two apps: the include serves each of them.
    ("other = FastAPI()\nregister(app)\nregister(other)", "", True),
    # A caller whose app cannot be resolved: which one the include serves is not static.
    ("register(app)\nregister(FastAPI())", "", False),
])
def test_include_on_a_parameter_serves_what_the_callers_pass(tmp_path, capsys, call, tests, listed):
    """`def register(application): application.include_router(reports)`, called with the
    app: the app includes the router, as it does when the code runs."""
    root = write_app(tmp_path, _registering(call, tests))
    code, out, err = run_cli(["routes", str(root), "--format", "json", "--app", "main:app"], capsys)
    assert code == 0
    paths = [r["path"] for r in json.loads(out) if r["kind"] != "docs"]
    assert paths == (["/", "/reports"] if listed else ["/"])
    assert ("cannot be resolved statically" in err) is not listed


def test_a_parameter_bound_again_in_the_function_is_not_what_the_callers_pass(tmp_path, capsys):
    app = _registering("register(app)")
    app.files["src/routing.py"] = _REGISTER.replace(
        "        application.include_router(reports)",
        "        application = getattr(application, \"api\", application)\n        application.include_router(reports)",
    )
    root = write_app(tmp_path, app)
    code, out, err = run_cli(["routes", str(root), "--format", "json", "--app", "main:app"], capsys)
    assert [r["path"] for r in json.loads(out) if r["kind"] != "docs"] == ["/"]


_LOOP_ROUTERS = """
    from fastapi import APIRouter

    users = APIRouter(prefix="/users", tags=["users"])
    items = APIRouter(prefix="/items", tags=["items"])


    @users.get("")
    def list_users():
        return []


    @items.get("")
    def list_items():
        return []
"""


@pytest.mark.parametrize("main, listed", [
    ("for router in (users, items):\n    app.include_router(router, prefix='/v1')", True),
    ("ROUTERS = [users, items]\n\n\ndef build():\n    for router in ROUTERS:\n        app.include_router(router, prefix='/v1')\n\n\nbuild()", True),
    # A list something may change, a variable bound again: not the routers written.
    ("ROUTERS = [users]\nROUTERS.append(items)\nfor router in ROUTERS:\n    app.include_router(router, prefix='/v1')", False),
    ("for router in (users, items):\n    router = users\n    app.include_router(router, prefix='/v1')", False),
])
def test_a_loop_over_a_fixed_tuple_or_list_includes_each_router(tmp_path, capsys, main, listed):
    root = write_app(tmp_path, App({
        "src/routers.py": _LOOP_ROUTERS,
        "src/main.py": "from fastapi import FastAPI\n\nfrom routers import items, users\n\napp = FastAPI()\n" + main + "\n",
    }))
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0
    paths = [r["path"] for r in json.loads(out) if r["kind"] != "docs"]
    assert paths == (["/v1/users", "/v1/items"] if listed else ["/v1{?}"])


def test_a_router_passed_to_a_function_that_includes_it(tmp_path, capsys):
    """Both the receiver and the router are the function's parameters (a versioning helper)."""
    root = write_app(tmp_path, App({
        "src/api.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/v1", tags=["v1"])


            @router.get("/items")
            def items():
                return []
        """,
        "src/versioning.py": """
            from fastapi import APIRouter, FastAPI


            def add_versioned_routers(app: FastAPI, api_router: APIRouter, *, version: str = "v1") -> None:
                app.include_router(api_router)
        """,
        "src/main.py": """
            from fastapi import FastAPI

            from api import router
            from versioning import add_versioned_routers


            def create_app() -> FastAPI:
                app = FastAPI()
                add_versioned_routers(app, router, version="v1")
                return app


            app = create_app()
        """,
    }))
    code, out, err = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0 and err == ""
    assert [r["path"] for r in json.loads(out) if r["kind"] != "docs"] == ["/v1/items"]


def test_routers_listed_and_routers_never_included_do_not_overlap(tmp_path, capsys):
    """`routes` and FCL009 read one linked model: a router with a row in the table is never
    reported as never included, and a router reported has no row."""
    root = write_app(tmp_path, App({
        "src/main.py": """
            from fastapi import FastAPI

            from api import v1
            from plugins import register
            from admin.router import router as admin_router

            app = FastAPI()
            app.include_router(v1)
            register(app, admin_router)
        """,
        "src/plugins.py": """
            def register(app, router):
                app.include_router(router)
        """,
        "src/api.py": """
            from fastapi import APIRouter

            from items.router import router as items_router
            from users.router import router as users_router

            v1 = APIRouter(prefix="/v1")
            v1.include_router(users_router)
            v1.include_router(items_router, prefix="/goods")
            v2 = APIRouter(prefix="/v2")
            v2.include_router(items_router)
        """,
        "src/users/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
            archive = APIRouter(prefix="/archive", tags=["archive"])
            router.include_router(archive)


            @router.get("")
            def list_users():
                return []


            @archive.get("")
            def list_archived():
                return []
        """,
        "src/items/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/items", tags=["items"])
            drafts = APIRouter(prefix="/drafts", tags=["drafts"])


            @router.get("")
            def list_items():
                return []


            @drafts.get("")
            def list_drafts():
                return []
        """,
        "src/admin/router.py": """
            from fastapi import APIRouter

            router = APIRouter(prefix="/admin", tags=["admin"])


            @router.get("/stats")
            def stats():
                return {}
        """,
    }))
    code, out, _ = run_cli(["routes", str(root), "--format", "json"], capsys)
    assert code == 0
    listed = {row["router"] for row in json.loads(out) if row["kind"] == "http"}
    _, out, _ = run_cli(["check", "--select", "FCL009", str(root)], capsys)
    dead = set()
    for item in parse_output(out):
        module = Path(item.path).relative_to(root / "src").with_suffix("").as_posix().replace("/", ".")
        name = re.search(r'router "(\w+)"', item.message)[1]
        dead.add(f"{module}:{name}")
    # admin is included by a helper the app is handed to, with the router (plugins.register).
    assert listed == {"users.router:router", "users.router:archive", "items.router:router", "admin.router:router"}
    # drafts is reached by nothing: not listed, and dead.
    assert dead == {"items.router:drafts"}, out
    assert not listed & dead


def test_loose_files_link_routes_registered_on_what_callers_pass(tmp_path, capsys):
    """Files with no packaging file and no repository around them are a project of their
    own: a function of one registering routes on the app another passes is followed there
    too, as in a workspace."""
    _write_tree(tmp_path / "loose", {
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import FastAPI

            from app.health import register_health

            app = FastAPI()
            register_health(app)
        """,
        "app/health.py": """
            from fastapi import FastAPI


            def register_health(app: FastAPI) -> None:
                @app.get("/health")
                def health() -> dict:
                    return {}
        """,
    })
    assert not any((parent / marker).exists() for parent in (tmp_path / "loose").parents
                   for marker in (".git", "pyproject.toml", "setup.py", "setup.cfg"))
    rows = table(capsys, tmp_path / "loose")
    assert [(row["methods"], row["path"], row["endpoint"]) for row in rows] == [
        (["GET"], "/health", "app.health.health"),
    ]


def test_an_include_spreading_options_has_no_known_prefix(tmp_path, capsys):
    """`include_router(router, **options)` may pass a prefix: the rows under it are not
    static, never listed at a path FastAPI may not serve."""
    root = tmp_path / "spread"
    _write_tree(root, {
        "pyproject.toml": '[project]\nname = "spread"\n',
        "app/__init__.py": "",
        "app/main.py": """
            from fastapi import APIRouter, FastAPI

            app = FastAPI()
            items = APIRouter()


            @items.get("/items")
            def list_items() -> list:
                return []


            options = {"prefix": "/api/v1"}
            app.include_router(items, **options)
        """,
    })
    rows = table(capsys, root)
    assert [(row["path"], row["resolved"]) for row in rows] == [("{?}/items", False)]
