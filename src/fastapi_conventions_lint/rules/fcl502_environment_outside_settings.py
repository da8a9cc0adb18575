from __future__ import annotations

import ast
import fnmatch

from fastapi_conventions_lint.rules._modules import dotted_name, is_test_module
from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


class EnvironmentOutsideSettings(Rule):
    code = "FCL502"
    name = "environment-outside-settings"
    summary = (
        "The environment is read (`os.getenv`, `os.environ[...]`, `os.environ.get`) outside a "
        "settings module."
    )
    rationale = (
        "Secrets via settings: Use Pydantic Settings (`BaseSettings`) for typed, centralized "
        "config. A variable read where it is used is untyped, unvalidated and invisible to "
        "whoever deploys the app; read it once, in the settings module, and import the setting."
    )
    guide_section = "Production & Security Essentials"
    reads_links = False

    VALID = (
        Valid(files={
            "server/config.py": '''
                import os

                from pydantic_settings import BaseSettings


                class Settings(BaseSettings):
                    database_url: str = os.getenv("DATABASE_URL", "sqlite://")
                    debug: bool = os.environ.get("DEBUG") == "1"


                settings = Settings()
            ''',
            "server/db.py": '''
                from server.config import settings

                engine_url = settings.database_url
            ''',
        }, note="read in the settings module, imported elsewhere"),
        Valid(files={
            "app/settings/__init__.py": '''
                from os import environ

                SECRET_KEY = environ["SECRET_KEY"]
            ''',
            "app/core/conf.py": '''
                import os as operating_system

                TIMEOUT = int(operating_system.getenv("TIMEOUT", "30"))
            ''',
        }, note="a `settings` package, a `conf` module, aliased imports"),
        Valid(files={
            "tests/conftest.py": '''
                import os

                os.environ["DATABASE_URL"] = "sqlite://"
                URL = os.environ["DATABASE_URL"]
            ''',
            "tests/test_users.py": '''
                import os

                TOKEN = os.getenv("TEST_TOKEN")
            ''',
            "app/users_test.py": '''
                import os

                TOKEN = os.getenv("TEST_TOKEN")
            ''',
        }, note="test modules never fire"),
        Valid('''
            import os

            os.environ["TZ"] = "UTC"
            del os.environ["TZ"]
            value = environ.get("X")  # not the os one: no import
        ''', note="writing the environment is not reading it"),
        Valid('''
            import os

            DEBUG = os.getenv("DEBUG")  # noqa: FCL502
        ''', note="suppressed"),
    )
    INVALID = (
        Invalid('''
            import os

            from fastapi import APIRouter

            router = APIRouter(prefix="/api/v1/mail", tags=["mail"])  # noqa: FCL001


            @router.post("/send")
            async def send():
                api_key = os.getenv("MAIL_API_KEY")
                return {"sent": bool(api_key)}
        ''', at=(10, 15), message="os.getenv() reads the environment outside a settings module"),
        Invalid(files={
            "app/services/storage.py": '''
                from os import environ as env
                from os import getenv

                BUCKET = env["BUCKET"]
                REGION = env.get("REGION", "eu-west-1")
                ENDPOINT = getenv("S3_ENDPOINT")
            ''',
        }, at=[("app/services/storage.py", 4, 10), ("app/services/storage.py", 5, 10),
               ("app/services/storage.py", 6, 12)],
            note="`from os import environ, getenv`, aliased; a module without FastAPI"),
        Invalid(files={
            "app/worker/tasks.py": '''
                import os


                def broker_url() -> str:
                    return os.environ.get("BROKER_URL", "redis://")
            ''',
            "app/config.py": '''
                BROKER_URL = "redis://"
            ''',
        }, at=("app/worker/tasks.py", 5, 12), message="app.worker.tasks",
            note="sync code in a function; a config module exists"),
    )

    def check(self, facts, settings):
        if not facts.environment_reads:
            return
        name = dotted_name(facts)
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in settings.settings_modules):
            return
        if is_test_module(facts, settings):
            return
        for node in facts.environment_reads:
            what = ast.unparse(node.func if isinstance(node, ast.Call) else node.value) + (
                "()" if isinstance(node, ast.Call) else "[...]"
            )
            yield self.report(
                node,
                f"{what} reads the environment outside a settings module ({name}): read it in "
                "a Settings class (pydantic-settings `BaseSettings`) of the settings module and "
                "import the setting",
            )
