from __future__ import annotations

from fastapi_conventions_lint.facts.app_urls import branch_constructions, served_url
from fastapi_conventions_lint.rules._modules import is_test_module
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class DocsExposed(Rule):
    code = "FCL501"
    name = "docs-exposed"
    summary = (
        "A FastAPI app serves its API docs (`/docs`, `/redoc`) whatever the environment: "
        "the URLs are FastAPI's defaults or string literals."
    )
    rationale = (
        "Disable docs in production: Set `docs_url=None` and `redoc_url=None` when deploying. "
        "A URL taken from the settings (`docs_url=settings.DOCS_URL`, or `openapi_url=None` in "
        "production) lets each deployment decide."
    )
    guide_section = "Production & Security Essentials"
    reads_links = False

    VALID = (
        Valid('''
            from fastapi import FastAPI

            from server.config import settings

            app = FastAPI(
                docs_url=settings.DOCS_URL,
                redoc_url=settings.REDOC_URL,
            )
        ''', note="URLs from the settings: each deployment decides"),
        Valid('''
            from fastapi import FastAPI

            from server.config import settings

            app = FastAPI(openapi_url="/openapi.json" if settings.DEBUG else None)
        ''', note="a conditional `openapi_url`: `None` there turns off every docs page"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None, redoc_url=None)
        ''', note="no docs pages (the schema alone is served)"),
        Valid('''
            import fastapi as fa

            app = fa.FastAPI(openapi_url=None)
        ''', note="no schema, so no docs page either; an aliased import"),
        Valid('''
            from fastapi import FastAPI

            from server.config import settings

            docs = {} if settings.DEBUG else {"docs_url": None, "redoc_url": None}
            app = FastAPI(title="api", **docs)
        ''', note="arguments given through `**`: not known statically"),
        Valid('''
            from fastapi import FastAPI

            app = FastAPI()  # noqa: FCL501
        ''', note="suppressed"),
        Valid('''
            from fastapi import FastAPI

            from server.config import settings

            if settings.DEBUG:
                app = FastAPI(title="api")
            elif settings.STAGING:
                app = FastAPI(title="api", redoc_url=None)
            else:
                app = FastAPI(title="api", docs_url=None, redoc_url=None)
        ''', note="one app per environment, in the branches of an `if`: the production one serves no docs"),
        Valid(files={
            "tests/test_health.py": '''
                from fastapi import FastAPI
                from fastapi.testclient import TestClient

                app = FastAPI()
                client = TestClient(app)
            ''',
            "tests/conftest.py": '''
                import fastapi

                test_app = fastapi.FastAPI(title="test")
            ''',
        }, note="apps made in tests are never deployed"),
    )
    INVALID = (
        Invalid('''
            from fastapi import FastAPI

            app = FastAPI(title="api")
        ''', at=(3, 7), message="serves /docs and /redoc in every environment"),
        Invalid('''
            from fastapi import FastAPI

            app = FastAPI(docs_url=None)
        ''', at=(3, 7), message="serves /redoc",
            note="FastAPI still serves `/redoc` when only `docs_url=None` is given"),
        Invalid('''
            from fastapi import FastAPI

            from server.config import settings

            app = FastAPI(docs_url="/api/docs" if settings.DEBUG else None, redoc_url="/api/redoc")
        ''', at=(5, 7), message="serves /api/redoc", note="one page decided by a setting, the other fixed"),
        Invalid('''
            from fastapi import FastAPI

            from server.config import settings

            if settings.DEBUG:
                app = FastAPI(debug=True)
            else:
                app = FastAPI(docs_url=None)
        ''', at=[(6, 11), (8, 11)], message="serves /redoc in every environment",
            note="the production branch's app still serves /redoc; /docs is the debug branch's alone"),
        Invalid('''
            from fastapi import FastAPI as Api


            def create_app() -> Api:
                application = Api(openapi_url="/api/openapi.json", docs_url="/api/docs")
                return application
        ''', at=(5, 19), message="serves /api/docs and /redoc", note="an aliased import, in a factory"),
    )

    def check(self, facts, settings):
        if not any(router.is_app for router in facts.routers) or is_test_module(facts, settings):
            return  # an app made in a test is never deployed
        branches = branch_constructions(facts.tree) if facts.tree is not None else {}
        for router in facts.routers:
            call = router.call
            if not router.is_app or router.custom_init or any(k.arg is None for k in call.keywords):
                continue  # a subclass's __init__ or `**options` may set the URLs
            # An app made in one branch of an `if` (`if debug: app = FastAPI() else: ...`)
            # serves a page in every environment only when every branch's app serves it.
            made = branches.get(id(call), [call])
            if not all(served_url(each, "openapi_url") for each in made):
                continue  # off ("") or decided at run time (None)
            pages = [
                served_url(call, name) for name in ("docs_url", "redoc_url")
                if all(served_url(each, name) for each in made)
            ]
            if not pages:
                continue
            yield self.report(
                call,
                f"this app serves {' and '.join(pages)} in every environment: take the docs URLs "
                "from the settings (`docs_url=None` and `redoc_url=None` in production)",
            )
