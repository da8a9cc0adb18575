"""FCL203 (Annotated) and FCL003 (tags) fixes beyond the rules' own examples: where the tag
comes from the file's name, where Annotated comes from the Python the project allows, and
that the rewritten signatures mean the same to FastAPI."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import run_cli
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts.values import PrefixResolver
from fastapi_conventions_lint.facts.names import ImportTable
from fastapi_conventions_lint.fix.apply import fix_text
from fastapi_conventions_lint.fix.codemods import FixContext
from fastapi_conventions_lint.fix.codemods.tags import package_name
from fastapi_conventions_lint.rules.fcl003_router_missing_tags import prefix_tag
from fastapi_conventions_lint.selection import CodeSelection


def _source(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _put(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_source(text), encoding="utf-8")
    return path


def _fix(text, code, filename="example/router.py", annotated_module="typing"):
    settings = Settings()
    return fix_text(
        _source(text), filename, settings, CodeSelection([code]),
        FixContext(settings, filename, annotated_module), unsafe=True,
    )


# ---- FCL003: the tag's name --------------------------------------------------------------

ROUTER_WITHOUT_NAMED_PREFIX = """
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/events")
    async def events():
        return []
"""


@pytest.mark.parametrize(
    "relative, tag",
    [
        ("src/capabilities/calendar/router.py", "calendar"),
        ("src/capabilities/calendar/routes.py", "calendar"),
        ("src/capabilities/calendar/api.py", "calendar"),
        ("src/capabilities/calendar/__init__.py", "calendar"),
        ("src/capabilities/calendar/endpoints.py", "calendar"),
        ("src/capabilities/calendar/views.py", "calendar"),
    ],
)
def test_the_tag_falls_back_to_the_package_name(tmp_path, capsys, relative, tag):
    path = _put(tmp_path, relative, ROUTER_WITHOUT_NAMED_PREFIX)
    code, out, err = run_cli(["fix", "--unsafe-fixes", "--select", "FCL003", str(path)], capsys)
    assert code == 0, out + err
    assert f'router = APIRouter(tags=["{tag}"])\n' in path.read_text(encoding="utf-8")
    # A second run changes nothing.
    before = path.read_bytes()
    assert run_cli(["fix", "--unsafe-fixes", "--select", "FCL003", str(path)], capsys)[0] == 0
    assert path.read_bytes() == before


def test_the_tag_fix_is_unsafe(tmp_path, capsys):
    path = _put(tmp_path, "calendar/router.py", ROUTER_WITHOUT_NAMED_PREFIX)
    code, out, _ = run_cli(["fix", "--select", "FCL003", str(path)], capsys)
    assert code == 1 and "FCL003" in out
    assert path.read_text(encoding="utf-8") == _source(ROUTER_WITHOUT_NAMED_PREFIX)


def test_a_prefix_segment_wins_over_the_package_name(tmp_path, capsys):
    path = _put(tmp_path, "capabilities/calendar/router.py", """
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.CAPABILITIES_PREFIX}/agenda")
    """)
    assert run_cli(["fix", "--unsafe-fixes", "--select", "FCL003", str(path)], capsys)[0] == 0
    assert 'tags=["agenda"])' in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("filename", ["-", "docs_src/tutorial003_py310.py", "capabilities/calendar.py"])
def test_no_tag_when_neither_prefix_nor_a_generic_file_name_gives_one(filename):
    outcome = _fix(ROUTER_WITHOUT_NAMED_PREFIX, "FCL003", filename=filename)
    assert outcome.text == _source(ROUTER_WITHOUT_NAMED_PREFIX)
    [remaining] = outcome.remaining
    assert remaining.fix is None  # decided by the rule: nothing counts it as fixable


def test_a_payload_without_a_tag_is_skipped_with_the_reason():
    """A host that names no file: the codemod asks the file name again and gives up."""
    from fastapi_conventions_lint.config import Settings
    from fastapi_conventions_lint.diagnostics import Diagnostic, FixIntent
    from fastapi_conventions_lint.fix.codemods.tags import AddRouterTags
    source = _source(ROUTER_WITHOUT_NAMED_PREFIX)
    line = source.splitlines().index("router = APIRouter()") + 1
    target = Diagnostic(line, 9, "FCL003", "no tags", fix=FixIntent(False, "add tags", {"tag": None}))
    codemod = AddRouterTags([target], FixContext(Settings(), "-"))
    assert codemod.rewrite(source) == source
    assert not codemod.applied
    assert "no tag name" in codemod.skipped[(line, 9)]


def test_the_tag_comes_from_the_prefix_its_include_gives():
    outcome = _fix("""
        from fastapi import APIRouter, FastAPI

        items = APIRouter()

        @items.get("/")
        async def list_items():
            return []

        app = FastAPI()
        app.include_router(items, prefix="/api/v1/items/{owner}")
    """, "FCL003", filename="main.py")
    assert 'items = APIRouter(tags=["items"])' in outcome.text


def test_stdin_with_a_filename_names_the_tag(capsys, monkeypatch):
    import io

    class _Stdin:
        buffer = io.BytesIO(_source(ROUTER_WITHOUT_NAMED_PREFIX).encode())

    monkeypatch.setattr(sys, "stdin", _Stdin)
    code, out, _ = run_cli(
        ["fix", "--unsafe-fixes", "--select", "FCL003", "--stdin-filename",
         "capabilities/billing/router.py", "-"],
        capsys,
    )
    assert code == 0
    assert 'router = APIRouter(tags=["billing"])' in out


@pytest.mark.parametrize(
    "filename, name",
    [
        ("capabilities/calendar/router.py", "calendar"),
        ("calendar.py", None),
        ("capabilities/calendar/endpoints.py", "calendar"),
        ("-", None),
        ("", None),
        ("my app/odd name.py", None),
    ],
)
def test_package_name(filename, name):
    assert package_name(filename) == name


def test_package_name_of_a_bare_router_file_is_its_directory(tmp_path, monkeypatch):
    folder = tmp_path / "billing"
    folder.mkdir()
    monkeypatch.chdir(folder)
    assert package_name("router.py") == "billing"


def _prefix(expression: str):
    settings = Settings()
    imports = ImportTable()
    imports.add(ast.parse("from server.config import api_config").body[0])
    resolver = PrefixResolver(
        imports, {}, settings.api_config_qualname, settings.api_config_name, settings.prefixes
    )
    return resolver.value(ast.parse(expression, mode="eval").body)


@pytest.mark.parametrize(
    "expression, tag",
    [
        ('"/api/v1/feature"', "feature"),
        ('"/api/v1/feature/"', "feature"),
        ('f"{api_config.SERVICES_PREFIX}/immich"', "immich"),
        ("api_config.RAG_PREFIX", "rag"),
        ('api_config.DATA_PREFIX + "/archive"', "archive"),
        ('"/users/{user_id}/items"', "items"),
        ('"/users/{user_id}"', "users"),
        ('"reports"', "reports"),
        ('f"{api_config.V1_PREFIX}/{name}"', None),
        ('f"{base}items"', None),  # "items" may be the end of a longer segment
        ("api_config.UNKNOWN_PREFIX", None),
        ('"/api/v1/caf\\u00e9 menu"', None),
        ("None", None),
        ('"/"', None),
    ],
)
def test_prefix_tag(expression, tag):
    assert prefix_tag(_prefix(expression)) == tag


def test_a_subclass_without_its_own_init_gets_tags():
    outcome = _fix("""
        from fastapi import APIRouter

        class Base(APIRouter):
            pass

        class Tagged(Base):
            pass

        router = Tagged(prefix="/reports")
    """, "FCL003")
    assert 'router = Tagged(prefix="/reports", tags=["reports"])' in outcome.text


def test_tags_arguments_are_laid_out_like_the_others():
    outcome = _fix("""
        from fastapi import APIRouter

        a = APIRouter(
            prefix="/a",
            dependencies=[]  # last
        )
        b = APIRouter(
            prefix="/b",
            # more later
        )
        c = APIRouter(
        )
        d = APIRouter(prefix="/d",)
        e = APIRouter(
            prefix="/e", dependencies=[]
        )
        f = APIRouter(prefix="/f", tags=None  # none yet
        )
        g = APIRouter(prefix="/g", tags=[  # none yet
        ])
    """, "FCL003")
    assert outcome.text == _source("""
        from fastapi import APIRouter

        a = APIRouter(
            prefix="/a",
            dependencies=[],  # last
            tags=["a"]
        )
        b = APIRouter(
            prefix="/b",
            # more later
            tags=["b"],
        )
        c = APIRouter(tags=["example"])
        d = APIRouter(prefix="/d", tags=["d"],)
        e = APIRouter(
            prefix="/e", dependencies=[], tags=["e"]
        )
        f = APIRouter(prefix="/f", tags=["f"]  # none yet
        )
        g = APIRouter(prefix="/g", tags=[  # none yet
        ])
    """)
    [remaining] = outcome.remaining
    assert "comments inside it" in outcome.failure_of(remaining)


# ---- FCL203: where Annotated comes from --------------------------------------------------

HANDLER = """
    from fastapi import APIRouter, Depends

    router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])

    @router.get("/items")
    def list_items(user: User = Depends(get_current_user)):
        return []
"""


def _project(tmp_path: Path, requires: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        f'[project]\nname = "legacy"\nrequires-python = "{requires}"\n'
        'dependencies = ["fastapi>=0.100"]\n', encoding="utf-8"
    )
    return tmp_path


def test_annotated_from_typing_extensions_below_python_3_9(tmp_path, capsys):
    path = _put(_project(tmp_path, ">=3.8"), "src/app/items.py", HANDLER)
    assert run_cli(["fix", "--select", "FCL203", str(path)], capsys)[0] == 0
    text = path.read_text(encoding="utf-8")
    assert "from typing_extensions import Annotated\n" in text
    assert "def list_items(user: Annotated[User, Depends(get_current_user)]):" in text


def test_annotated_from_typing_from_python_3_9(tmp_path, capsys):
    path = _put(_project(tmp_path, ">=3.9"), "src/app/items.py", HANDLER)
    assert run_cli(["fix", "--select", "FCL203", str(path)], capsys)[0] == 0
    assert "from typing import Annotated\n" in path.read_text(encoding="utf-8")


def test_import_typing_is_not_used_below_python_3_9():
    text = "import typing\n" + _source(HANDLER)
    outcome = _fix(text, "FCL203", annotated_module="typing_extensions")
    assert "from typing_extensions import Annotated\n" in outcome.text
    assert "user: Annotated[User, Depends(get_current_user)]" in outcome.text
    # With a Python that has it, the module already imported is used.
    outcome = _fix(text, "FCL203")
    assert "user: typing.Annotated[User, Depends(get_current_user)]" in outcome.text
    assert "import Annotated" not in outcome.text


@pytest.mark.parametrize(
    "imports, annotated",
    [
        ("import typing_extensions as te\n", "te.Annotated"),
        ("from typing_extensions import Annotated\n", "Annotated"),
        (
            "try:\n    from typing import Annotated as A\n"
            "except ImportError:\n    from typing_extensions import Annotated as A\n",
            "A",
        ),
        ("from typing import *\n", "Annotated"),
    ],
)
def test_an_existing_binding_of_annotated_is_reused(imports, annotated):
    outcome = _fix(imports + _source(HANDLER), "FCL203", annotated_module="typing_extensions")
    assert f"user: {annotated}[User, Depends(get_current_user)]" in outcome.text
    assert outcome.text.count("import") == (imports + _source(HANDLER)).count("import")


def test_an_import_only_for_type_checking_does_not_count():
    text = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from typing import Annotated as A\n"
    outcome = _fix(text + _source(HANDLER), "FCL203")
    assert "user: Annotated[User, Depends(get_current_user)]" in outcome.text
    assert "from typing import TYPE_CHECKING, Annotated\n" in outcome.text


def test_no_fix_when_the_name_annotated_means_something_else():
    for binding in ("from pydantic import Annotated\n", "Annotated = object()\n"):
        text = binding + _source(HANDLER)
        outcome = _fix(text, "FCL203")
        assert outcome.text == text
        assert [d.fix for d in outcome.remaining] == [None]
        assert outcome.remaining[0].message.endswith("(no fix: `Annotated` names something else here)")


# ---- FCL203: the parameter order ---------------------------------------------------------

def test_a_suppressed_parameter_keeps_its_default_and_blocks_the_next():
    outcome = _fix("""
        from fastapi import Depends

        def get_service(
            db: Session = Depends(get_db),  # noqa: FCL203
            user: User = Depends(get_user),
            *,
            settings: Settings = Depends(get_settings),
        ):
            return Service(db, user, settings)
    """, "FCL203")
    assert "    db: Session = Depends(get_db),  # noqa: FCL203\n" in outcome.text
    assert "    user: User = Depends(get_user),\n" in outcome.text
    assert "    settings: Annotated[Settings, Depends(get_settings)],\n" in outcome.text
    [remaining] = outcome.remaining
    assert "keeps its default" in outcome.failure_of(remaining)


def test_positional_only_and_varargs():
    outcome = _fix("""
        from fastapi import Depends

        def a(x: X = Depends(f), /, y: Y = Depends(g), *args, z: Z = Depends(h), **kw):
            return x

        def b(x: int = 0, /, y: Y = Depends(g), *args, z: Z = Depends(h)):
            return x
    """, "FCL203")
    assert outcome.text == _source("""
        from typing import Annotated

        from fastapi import Depends

        def a(
            x: Annotated[X, Depends(f)],
            /,
            y: Annotated[Y, Depends(g)],
            *args,
            z: Annotated[Z, Depends(h)],
            **kw,
        ):
            return x

        def b(x: int = 0, /, y: Y = Depends(g), *args, z: Annotated[Z, Depends(h)]):
            return x
    """)
    [remaining] = outcome.remaining
    assert remaining.fix is None  # decided by the rule, not by a failed rewrite


def test_a_comment_around_the_equals_sign_blocks_the_fix():
    outcome = _fix("""
        from fastapi import Depends

        def handler(
            user: User  # who
            = Depends(get_user),
        ):
            return user
    """, "FCL203")
    assert "= Depends(get_user)" in outcome.text
    [remaining] = outcome.remaining
    assert "comment" in outcome.failure_of(remaining)


def test_appending_to_annotated_keeps_its_layout():
    outcome = _fix("""
        from typing import Annotated
        from fastapi import Depends

        def handler(
            a: Annotated[str, "one",] = Depends(f),
            b: Annotated[
                str,
                "two",  # note
            ] = Depends(f),
            c: Annotated[
                str,
                "three"  # note
            ] = Depends(f),
            d: Annotated[
                str, "four"
            ] = Depends(f),
        ):
            return a
    """, "FCL203")
    assert outcome.text == _source("""
        from typing import Annotated
        from fastapi import Depends

        def handler(
            a: Annotated[str, "one", Depends(f),],
            b: Annotated[
                str,
                "two",  # note
                Depends(f),
            ],
            c: Annotated[
                str,
                "three",  # note
                Depends(f)
            ],
            d: Annotated[
                str, "four", Depends(f)
            ],
        ):
            return a
    """)


# ---- FCL203: FastAPI sees the same dependencies ------------------------------------------

FASTAPI_MODULE = """
    from fastapi import APIRouter, Depends, Security, Query
    from fastapi.security import OAuth2PasswordBearer
    from typing import Annotated as A

    scheme = OAuth2PasswordBearer(tokenUrl="token")
    router = APIRouter(prefix="/items", tags=["items"])

    def get_db():
        return "db"

    def get_user(token: str = Security(scheme, scopes=["me"])):
        return token

    def get_service(db: str = Depends(get_db), *, cache: A[str, "meta"] = Depends(get_db)):
        return (db, cache)

    @router.get("")
    async def list_items(
        user: str = Depends(get_user),
        service: tuple = Depends(get_service),
        limit: int = Query(10),
    ):
        return []
"""


def _dependants(text: str):
    from fastapi.dependencies.utils import get_dependant

    namespace: dict = {}
    exec(compile(text, "<fixed>", "exec"), namespace)

    def describe(dependant):
        return (
            [(p.name, p.field_info.__class__.__name__) for p in dependant.query_params],
            [
                (
                    d.name,
                    getattr(d.call, "__name__", type(d.call).__name__),
                    getattr(d, "own_oauth_scopes", getattr(d, "security_scopes", None)),
                    describe(d),
                )
                for d in dependant.dependencies
            ],
        )

    route = namespace["router"].routes[0]
    return describe(get_dependant(path=route.path, call=route.endpoint))


def test_fastapi_sees_the_same_dependencies_after_the_fix():
    pytest.importorskip("fastapi")
    original = _source(FASTAPI_MODULE)
    outcome = _fix(original, "FCL203")
    assert outcome.text.count("Depends(") == original.count("Depends(")
    assert "Depends(" not in "".join(
        line.partition(" = ")[2] for line in outcome.text.splitlines() if "def " in line
    )
    assert not outcome.remaining
    assert _dependants(outcome.text) == _dependants(original)
