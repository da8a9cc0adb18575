from __future__ import annotations

import ast

from fastapi_conventions_lint.facts.includes import made_by_the_app
from fastapi_conventions_lint.rules.base import Fix, Invalid, Rule, Valid


class MalformedRouterPrefix(Rule):
    code = "FCL006"
    name = "malformed-router-prefix"
    summary = "A prefix does not start with '/' or ends with '/'; FastAPI refuses both at start-up."
    rationale = (
        "Routes are relative to the prefix: `/api/v1/services/myservice` + `/items` gives "
        "`/api/v1/services/myservice/items`, so a prefix starts with '/' and has no trailing '/'."
    )
    guide_section = "Router Definition Example"
    fix = Fix.SAFE
    fix_description = (
        "Adds the missing leading `/` and drops the trailing `/` of a literal or f-string prefix. "
        "Safe: FastAPI refuses the old prefix at start-up."
    )

    VALID = (
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.SERVICES_PREFIX}/myservice", tags=["services"])
        '''),
        Valid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=api_config.V1_PREFIX + SUFFIX, tags=["x"])
        ''', note="nothing literal is known at either end"),
        Valid('''
            from fastapi import FastAPI
            from .router import router

            app = FastAPI()
            app.include_router(router, prefix="")  # empty is no prefix
        '''),
        Valid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="legacy/", tags=["legacy"])  # noqa: FCL006, FCL001
        '''),
        Valid('''
            from faststream.redis import RedisBroker, RedisRouter

            broker = RedisBroker()
            broker.include_router(RedisRouter(), prefix="test_")
        ''', note="another library's include_router, in a file that imports nothing of FastAPI"),
    )
    INVALID = (
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="api/v1/items", tags=["items"])
        ''', at=(3, 27), message="must start with '/'", fixed='''
            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/items", tags=["items"])
        '''),
        Invalid('''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/archive/", tags=["archive"])
        ''', at=(4, 27), message="must not end with '/'", fixed='''
            from fastapi import APIRouter
            from server.config import api_config

            router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/archive", tags=["archive"])
        '''),
        Invalid('''
            from fastapi import FastAPI
            from .router import router

            app = FastAPI()
            app.include_router(router, prefix="v2/")
        ''', at=(5, 35), message="must start with '/' and must not end with '/'", fixed='''
            from fastapi import FastAPI
            from .router import router

            app = FastAPI()
            app.include_router(router, prefix="/v2")
        '''),
        Invalid('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/", tags=["root"])
        ''', at=(3, 27), note="a bare slash ends with '/'", fixed='''
            from fastapi import APIRouter

            router = APIRouter(prefix="", tags=["root"])
        '''),
    )

    def check(self, facts, settings):
        prefixes = [
            (router.prefix_node, router.prefix) for router in facts.routers if not router.is_app
        ] + [
            (include.prefix_node, include.prefix) for include in facts.includes if made_by_the_app(include, facts)
        ]
        for node, value in prefixes:
            if node is None or value.absent:
                continue
            problems = []
            if value.head and not value.head.startswith("/"):
                problems.append("must start with '/'")
            if value.tail.endswith("/"):
                problems.append("must not end with '/'")
            if not problems:
                continue
            message = f'prefix "{value.display()}" {" and ".join(problems)}; FastAPI refuses it at start-up'
            if not isinstance(node, (ast.Constant, ast.JoinedStr)):
                yield self.report(node, message)
                continue
            yield self.report(
                node,
                message,
                description="normalise the slashes",
                leading=bool(value.head) and not value.head.startswith("/"),
                trailing=value.tail.endswith("/"),
            )
