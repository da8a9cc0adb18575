from __future__ import annotations

import ast
import fnmatch
import os
from pathlib import Path
from typing import Tuple

from fastapi_conventions_lint.rules.base import Invalid, Rule, Valid


def _dotted_name(facts) -> str:
    """The module's dotted name: as the project model names it, else from the file's path
    (its package folders, those with an `__init__.py`)."""
    if facts.lookup is not None:
        return facts.lookup.module_name()
    path = Path(facts.filename or "module.py")
    parts = [] if path.stem == "__init__" else [path.stem]
    folder = path.parent
    while folder != folder.parent and (folder / "__init__.py").is_file():
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or path.stem


def _is_test(parts: Tuple[str, ...]) -> bool:
    return any(
        part in ("tests", "test", "conftest") or part.startswith("test_") or part.endswith("_test")
        for part in parts
    )


def _path_parts(facts, settings) -> Tuple[str, ...]:
    """The file's path below the project root, without the `.py`: a `tests/` folder that is
    no package still makes its modules test modules."""
    if not facts.filename or settings.root is None:
        return ()
    try:
        relative = os.path.relpath(os.path.abspath(facts.filename), os.path.abspath(settings.root))
    except ValueError:  # another drive
        return ()
    if relative.startswith(".."):
        return ()
    return tuple(Path(relative).with_suffix("").parts)


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
        name = _dotted_name(facts)
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in settings.settings_modules):
            return
        if _is_test(tuple(name.split("."))) or _is_test(_path_parts(facts, settings)):
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
