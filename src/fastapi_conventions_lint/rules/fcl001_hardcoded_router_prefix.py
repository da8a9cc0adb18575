from __future__ import annotations

from fastapi_conventions_lint.facts.config_prefixes import (
    config_reference,
    longest_constant,
    replacement,
)
from fastapi_conventions_lint.facts.values import LITERAL, OPAQUE, PrefixValue
from fastapi_conventions_lint.rules._modules import is_test_module
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class HardcodedRouterPrefix(Rule):
    code = "FCL001"
    name = "hardcoded-router-prefix"
    summary = "A router's prefix is a hardcoded string instead of a constant of the configured api_config."
    rationale = (
        "All routers MUST define their own prefix using constants from "
        "`server.config.api_config`. Don't hardcode prefixes - use api_config."
    )
    guide_section = "Router Prefix Convention"
    fix = Fix.SAFE
    fix_description = (
        "Replaces a literal or f-string prefix with the matching constant: "
        '`"/api/v1/data/mongodb"` becomes `f"{api_config.DATA_PREFIX}/mongodb"`, importing '
        "`api_config` if needed. Safe: the prefix is the same string. Made only when the "
        "project's config module defines the object with that constant and value (read "
        "statically); otherwise the message says what is missing, and `init-config` writes it. "
        "Concatenations and names bound to literals are reported, not rewritten."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/immich", tags=["services"])
        ''', note="f-string rooted in a configured constant"),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config as cfg

            router = APIRouter(prefix=cfg.CAPABILITIES_PREFIX, tags=["capabilities"])
        ''', note="aliased config object"),
        Valid('''
            import fastapi
            from app.settings import settings

            router = fastapi.APIRouter(prefix=settings.API_PREFIX, tags=["items"])
        ''', note="another object's attribute is of unknown origin: silent"),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(tags=["users"])

            @router.get("/users")
            async def list_users():
                return []

            parent = APIRouter(prefix=f"{api_config.V1_PREFIX}", tags=["v1"])
            parent.include_router(router)
        ''', note="no prefix at all is FCL004's business, not FCL001's"),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            parent = APIRouter(prefix=api_config.V1_PREFIX, tags=["v1"])
            child = APIRouter(prefix="/reports", tags=["reports"])
            parent.include_router(child)
        ''', note="a nested router's prefix is relative to its parent's"),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/legacy", tags=["legacy"])  # noqa: FCL001
        ''', note="suppressed with noqa"),
        Valid('''
            from fastapi import APIRouter

            def tenant_router(tenant: str, section: str) -> APIRouter:
                return APIRouter(prefix=f"/{tenant}/{section}", tags=[section])

            router = APIRouter(prefix="/" + NAME, tags=["x"])
        ''', note="only slashes between unknown parts: no path written in it for a constant to name"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(root_path="/api")
        ''', note="apps have no prefix"),
        Valid(files={
            "tests/conftest.py": '''
                import pytest
                from fastapi import APIRouter, FastAPI


                @pytest.fixture
                def app():
                    router = APIRouter(prefix="/v1")

                    @router.get("/items")
                    async def list_items():
                        return []

                    app = FastAPI()
                    app.include_router(router)
                    return app
            ''',
        }, note="a router a test fixture makes (conftest.py, async handler) is never served"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/data/mongodb", tags=["data"])
        ''', at=(3, 27), message='f"{api_config.DATA_PREFIX}/mongodb"', fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/mongodb", tags=["data"])
        '''),
        Invalid('''
            from fastapi import APIRouter as Router

            router = Router(prefix="/api/v1/rag", tags=["rag"])
        ''', at=(3, 24), message="use api_config.RAG_PREFIX", note="aliased import, exact match", fixed='''
            from fastapi import APIRouter as Router
            from server.config import api_config

            router = Router(prefix=api_config.RAG_PREFIX, tags=["rag"])
        '''),
        Invalid('''
            import fastapi as fa
            from server.config import api_config as cfg

            def make_router(name: str):
                return fa.APIRouter(prefix=f"/api/v1/{name}", tags=[name])

            router = fa.APIRouter(prefix=f"/api/v1/{NAME}", tags=["x"])
        ''', at=[(5, 32), (7, 30)], message='f"{cfg.V1_PREFIX}/{', note="f-strings with a literal head, in a factory too; the alias is reused", fixed='''
            import fastapi as fa
            from server.config import api_config as cfg

            def make_router(name: str):
                return fa.APIRouter(prefix=f"{cfg.V1_PREFIX}/{name}", tags=[name])

            router = fa.APIRouter(prefix=f"{cfg.V1_PREFIX}/{NAME}", tags=["x"])
        '''),
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix=f"/{TENANT}/reports", tags=["reports"])
        ''', at=(3, 27), message="no configured prefix constant",
            note="a literal segment after an unknown part is still hardcoded"),
        Invalid('''
            from fastapi.routing import APIRouter

            BASE = "/internal/tools"
            router = APIRouter(prefix=BASE, tags=["tools"])
        ''', at=(4, 27), message="no configured prefix constant", note="a same-file name bound to a literal"),
        Invalid('''
            from fastapi import APIRouter

            class VersionedRouter(APIRouter):
                def __init__(self, **kwargs):
                    super().__init__(prefix="/api/v1/admin/tools", tags=["admin"], **kwargs)

            router = VersionedRouter()

            @router.get("/status")
            def status():
                return {"ok": True}
        ''', at=(5, 33), message='f"{api_config.ADMIN_PREFIX}/tools"', note="a router subclass fixing its prefix in `__init__`", fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            class VersionedRouter(APIRouter):
                def __init__(self, **kwargs):
                    super().__init__(
                        prefix=f"{api_config.ADMIN_PREFIX}/tools", tags=["admin"], **kwargs
                    )

            router = VersionedRouter()

            @router.get("/status")
            def status():
                return {"ok": True}
        '''),
        Invalid(files={
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1/users", tags=["users"])
            ''',
        }, at=("users/router.py", 3, 27), message="(no fix: the project has no module server.config;",
            note="a project without the config module: the fix would import what does not exist"),
        Invalid(files={
            "server/config.py": '''
                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    DEBUG: bool = False


                settings = Settings()
            ''',
            "users/router.py": '''
                from fastapi import APIRouter

                router = APIRouter(prefix="/api/v1/users", tags=["users"])
            ''',
        }, at=("users/router.py", 3, 27), message="(no fix: server.config does not define api_config;",
            note="a config module without the config object"),
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1" + "/items", tags=["items"])
        ''', at=(3, 27), message="api_config.V1_PREFIX", note="concatenation: named, not rewritten"),
        Invalid('''
            from fastapi import APIRouter

            USERS, ITEMS = "/api/v1/users", "/api/v1/items"
            router = APIRouter(prefix=USERS, tags=["users"])
        ''', at=(4, 27), message="build it from api_config.V1_PREFIX", note="bound by tuple unpacking"),
    )

    def check(self, facts, settings):
        if not facts.routers or is_test_module(facts, settings):
            return  # a router a test makes is never served
        for router in facts.routers:
            if router.is_app or router.prefix.origin != "literal":
                continue
            if any(parent is None or not parent.is_app for parent in router.parents):
                # Its prefix follows a parent's (or may): a segment of a path, not the API's
                # base. One whose includes are out of sight (made per instance or per call)
                # is judged by what it writes, as a router included nowhere is.
                continue
            if router.prefix_node is None:
                continue  # written in a router class of another module, not in this file
            if not has_literal_segment(router.prefix):
                continue  # f"/{name}": nothing written in it that a constant could name
            yield self._diagnostic(router, facts, settings)

    def _diagnostic(self, router, facts, settings):
        head = router.prefix.head
        shown = router.prefix.display()
        match = longest_constant(head, settings.prefixes)
        if match is None:
            return self.report(
                router.prefix_node,
                f'hardcoded router prefix "{shown}": no configured prefix constant matches it; '
                f"add one to {settings.api_config_name} and use it",
            )
        constant, value = match
        reference, bound = config_reference(facts.imports, settings)
        exact = replacement(router.prefix_node, constant, value, reference)
        if exact is None:
            return self.report(
                router.prefix_node,
                f'hardcoded router prefix "{shown}": build it from {reference}.{constant} ("{value}")',
            )
        message = f'hardcoded router prefix "{shown}": use {exact}'
        if settings.config_missing:
            # The constant is the table's, not the project's: an import of it could fail.
            return self.report(router.prefix_node, f"{message} {no_fix(settings)}")
        if not bound and (reference in facts.imports.bindings or reference in facts.bindings):
            return self.report(router.prefix_node, message)  # the name means something else here
        module = settings.api_config.partition(":")[0]
        return self.report(
            router.prefix_node,
            message,
            description=f"replace with {exact}",
            replacement=exact,
            **{"import": None if bound else (module, reference)},
        )


def no_fix(settings) -> str:
    """Why a fix may not write the config object, and what makes it possible."""
    return f"(no fix: {settings.config_missing}; `fastapi-conventions-lint init-config` writes it)"


def has_literal_segment(prefix: PrefixValue) -> bool:
    """Whether the prefix writes any path text of its own: not so for slashes between
    unknown parts (`f"/{a}/{b}"`, `"/" + name`)."""
    return any(
        part.kind != LITERAL or part.text.strip("/")  # type: ignore[union-attr]
        for part in prefix.parts
        if part.kind != OPAQUE
    )
