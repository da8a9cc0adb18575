"""The imports a fix adds go where isort (profile black) would put them, end to end through
the CLI on small projects: into the right section in sorted order, merged into an existing
`from` import of the same module, or as a new section; never after code."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from conftest import run_cli
from fastapi_conventions_lint.fix import imports
from fastapi_conventions_lint.fix.imports import Sections, place_imports


def _fix(
    write, tmp_path: Path, monkeypatch, capsys, text: str, *options: str, fixed: int = 1
) -> str:
    monkeypatch.chdir(tmp_path)
    pyproject = tmp_path / "pyproject.toml"
    if not pyproject.exists():  # the project whose modules are first-party
        # FastAPI >= 0.95 declared: FCL203's fix is safe.
        pyproject.write_text('[project]\nname = "reports"\ndependencies = ["fastapi>=0.100"]\n')
    write("app/routes.py", text)
    code, out, err = run_cli(["fix", *options, "app/routes.py"], capsys)
    summary = f"Fixed {fixed} violation{'s' if fixed > 1 else ''} in 1 file."
    assert (out.splitlines()[0], err, code) == (summary, "", 0)
    return (tmp_path / "app" / "routes.py").read_text()


def _dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- FCL001: `from server.config import api_config` (first-party) ---------------------------------


def test_config_import_lands_in_the_first_party_section_in_sorted_order(
    write, tmp_path, monkeypatch, capsys
):
    write("server/auth.py", "def current_user():\n    return None\n")
    write("server/users.py", "def find():\n    return None\n")
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        """Reports."""
        import os
        from typing import List

        from fastapi import APIRouter

        from server.auth import current_user
        from server.users import find

        router = APIRouter(prefix="/api/v1/data/reports", tags=["reports"])
    ''')
    assert fixed == _dedent('''
        """Reports."""
        import os
        from typing import List

        from fastapi import APIRouter

        from server.auth import current_user
        from server.config import api_config
        from server.users import find

        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=["reports"])
    ''')


def test_a_first_party_section_is_opened_after_the_third_party_one(
    write, tmp_path, monkeypatch, capsys
):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        import os

        from fastapi import APIRouter
        router = APIRouter(prefix="/api/v1/data/reports", tags=["reports"])
    ''')
    assert fixed == _dedent('''
        import os

        from fastapi import APIRouter

        from server.config import api_config
        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=["reports"])
    ''')


def test_the_name_is_merged_into_an_import_of_the_same_module(write, tmp_path, monkeypatch, capsys):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        from fastapi import APIRouter

        from server.config import settings

        router = APIRouter(prefix="/api/v1/data/reports", tags=[settings.TAG])
    ''')
    assert fixed == _dedent('''
        from fastapi import APIRouter

        from server.config import api_config, settings

        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=[settings.TAG])
    ''')


def test_a_parenthesised_import_keeps_one_name_per_line(write, tmp_path, monkeypatch, capsys):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        from fastapi import APIRouter

        from server.config import (
            DEBUG,
            Settings,
            settings,  # the instance
        )

        router = APIRouter(prefix="/api/v1/data/reports", tags=[settings.TAG])
    ''')
    # isort's order_by_type: CONSTANTS, Classes, then the rest (api_config before settings).
    assert fixed == _dedent('''
        from fastapi import APIRouter

        from server.config import (
            DEBUG,
            Settings,
            api_config,
            settings,  # the instance
        )

        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=[settings.TAG])
    ''')


def test_an_import_the_user_wrote_elsewhere_is_left_where_it_is(write, tmp_path, monkeypatch, capsys):
    """A later import of the same module, after code, is not the place: the top block is."""
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/v1/data/reports", tags=["reports"])

        from server.config import settings
    ''')
    assert fixed == _dedent('''
        from fastapi import APIRouter

        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=["reports"])

        from server.config import settings
    ''')


def test_known_first_party_of_the_isort_config_is_followed(write, tmp_path, monkeypatch, capsys):
    """A package isort is told is first-party goes with the project's own imports."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "reports"\n\n[tool.isort]\nknown_first_party = ["billing"]\n'
    )
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        from fastapi import APIRouter

        from billing import plans

        router = APIRouter(prefix="/api/v1/data/reports", tags=[plans.TAG])
    ''')
    assert fixed == _dedent('''
        from fastapi import APIRouter

        from billing import plans
        from server.config import api_config

        router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports", tags=[plans.TAG])
    ''')


# -- FCL203: `from typing import Annotated` (standard library) -------------------------------------


def test_annotated_lands_in_the_standard_library_section(write, tmp_path, monkeypatch, capsys):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        import os

        from fastapi import Depends


        def settings(path: str = Depends(os.getcwd)):
            return path
    ''', "--select", "FCL203")
    assert fixed == _dedent('''
        import os
        from typing import Annotated

        from fastapi import Depends


        def settings(path: Annotated[str, Depends(os.getcwd)]):
            return path
    ''')


def test_docstring_and_future_import_stay_first(write, tmp_path, monkeypatch, capsys):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        """Dependencies."""
        # Kept above the imports.
        from __future__ import annotations
        from fastapi import Depends


        def settings(path: str = Depends(get_path)):
            return path
    ''', "--select", "FCL203")
    assert fixed == _dedent('''
        """Dependencies."""
        # Kept above the imports.
        from __future__ import annotations

        from typing import Annotated

        from fastapi import Depends


        def settings(path: Annotated[str, Depends(get_path)]):
            return path
    ''')


def test_a_second_fix_run_changes_nothing(write, tmp_path, monkeypatch, capsys):
    text = '''
        from fastapi import APIRouter

        from server.config import settings

        router = APIRouter(prefix="/api/v1/data/reports", tags=[settings.TAG])
    '''
    fixed = _fix(write, tmp_path, monkeypatch, capsys, text)
    code, out, err = run_cli(["fix", "app/routes.py"], capsys)
    assert (tmp_path / "app" / "routes.py").read_text() == fixed
    assert (out, err, code) == ("Fixed 0 violations in 0 files.\nAll checks passed!\n", "", 0)


# -- the placing itself, on texts ------------------------------------------------------------------


def _place(text: str, *needed, tmp_path: Path) -> str:
    (tmp_path / "mine").mkdir(exist_ok=True)
    (tmp_path / "mine" / "__init__.py").write_text("")
    module = cst.parse_module(_dedent(text))
    sections = Sections(str(tmp_path / "mine" / "app.py"), layout=None)
    sections.first_party = frozenset({"mine"})
    return place_imports(module, list(needed), sections).code


@pytest.mark.parametrize("text, needed, expected", [
    (  # `import x` lines come before `from x import y` lines of the same section
        "import sys\nfrom os import path\n\nx = 1\n",
        ("typing", "Any"),
        "import sys\nfrom os import path\nfrom typing import Any\n\nx = 1\n",
    ),
    (  # relative imports come last, in their own section
        "from fastapi import APIRouter\n\nfrom . import views\n",
        ("mine.config", "api_config"),
        "from fastapi import APIRouter\n\nfrom mine.config import api_config\n\nfrom . import views\n",
    ),
    (  # a comment above an import stays on it
        "import os\n\n# the router\nfrom fastapi import APIRouter\n",
        ("typing", "Any"),
        "import os\nfrom typing import Any\n\n# the router\nfrom fastapi import APIRouter\n",
    ),
    (  # already imported: nothing to do
        "from typing import Any, Annotated\n",
        ("typing", "Annotated"),
        "from typing import Any, Annotated\n",
    ),
    (  # a name imported with `as` is not merged into (isort keeps it on its own line)
        "from typing import Any as A\n",
        ("typing", "Annotated"),
        "from typing import Any as A\nfrom typing import Annotated\n",
    ),
    (  # no import at the top: the first one goes after the docstring
        '"""Doc."""\ndef f():\n    pass\n',
        ("typing", "Annotated"),
        '"""Doc."""\n\nfrom typing import Annotated\n\n\ndef f():\n    pass\n',
    ),
    (  # third-party typing_extensions after the standard library
        "import os\n",
        ("typing_extensions", "Annotated"),
        "import os\n\nfrom typing_extensions import Annotated\n",
    ),
])
def test_placing(text, needed, expected, tmp_path):
    assert _place(text, needed, tmp_path=tmp_path) == expected


def test_isort_name_order():
    names = ["settings", "Settings", "api_config", "DEBUG", "X"]
    assert sorted(names, key=imports.name_key) == ["DEBUG", "Settings", "X", "api_config", "settings"]
    assert sorted(["server.Users", "server.config", "Server"], key=imports.module_key) == [
        "Server", "server.config", "server.Users"
    ]


# -- lines a fix makes too long ----------------------------------------------------------------------

# 87 characters before the fix, 99 after it.
LONG_ROUTER = '''
    from fastapi import APIRouter

    from server.config import api_config

    router = APIRouter(prefix="/api/v1/data/reports/quarterly-summaries", tags=["reports"])
'''
LONG_ROUTER_FIXED_LINE = (
    'router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports/quarterly-summaries", tags=["reports"])'
)


def test_a_call_made_too_long_gets_its_arguments_on_one_indented_line(
    write, tmp_path, monkeypatch, capsys
):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, LONG_ROUTER)
    assert fixed.endswith(_dedent('''
        router = APIRouter(
            prefix=f"{api_config.DATA_PREFIX}/reports/quarterly-summaries", tags=["reports"]
        )
    '''))
    assert max(len(line) for line in fixed.splitlines()) <= 88


def test_the_configured_line_length_is_followed(write, tmp_path, monkeypatch, capsys):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "reports"\n\n[tool.ruff]\nline-length = 120\n')
    fixed = _fix(write, tmp_path, monkeypatch, capsys, LONG_ROUTER)
    assert fixed.splitlines()[-1] == LONG_ROUTER_FIXED_LINE


def test_arguments_that_do_not_fit_on_one_line_go_one_per_line(write, tmp_path, monkeypatch, capsys):
    text = 'r = APIRouter(prefix="/api/v1/data/quarterly-summaries-by-region-abc", tags=["reports"])'
    assert len(text) == 88
    fixed = _fix(write, tmp_path, monkeypatch, capsys, "from fastapi import APIRouter\n\n" + text + "\n")
    assert fixed.endswith(_dedent('''
        r = APIRouter(
            prefix=f"{api_config.DATA_PREFIX}/quarterly-summaries-by-region-abc",
            tags=["reports"],
        )
    '''))


def test_a_line_that_was_already_too_long_is_left_alone(write, tmp_path, monkeypatch, capsys):
    text = 'router = APIRouter(prefix="/api/v1/data/reports/quarterly-summaries/by-region/by-month", tags=["reports"])'
    fixed = _fix(write, tmp_path, monkeypatch, capsys, "from fastapi import APIRouter\n\n" + text + "\n")
    assert fixed.splitlines()[-1] == (
        'router = APIRouter(prefix=f"{api_config.DATA_PREFIX}/reports/quarterly-summaries/by-region/by-month", '
        'tags=["reports"])'
    )


def test_a_signature_made_too_long_is_split_as_black_would(write, tmp_path, monkeypatch, capsys):
    fixed = _fix(write, tmp_path, monkeypatch, capsys, '''
        from typing import Annotated

        from fastapi import Depends


        class Reports:
            async def summary(self, user_email_address: str = Depends(get_current_user_email)):
                return []


        async def listing(user: str = Depends(current_user), db: Session = Depends(get_db)):
            return []
    ''', "--select", "FCL203", fixed=3)
    assert fixed.split("\n\n\n", 1)[1] == _dedent('''
        class Reports:
            async def summary(
                self, user_email_address: Annotated[str, Depends(get_current_user_email)]
            ):
                return []


        async def listing(
            user: Annotated[str, Depends(current_user)], db: Annotated[Session, Depends(get_db)]
        ):
            return []
    ''')


@pytest.mark.parametrize("files, expected", [
    ({}, 88),
    ({"pyproject.toml": "[tool.black]\nline-length = 100\n"}, 100),
    ({"pyproject.toml": "[tool.ruff]\nline-length = 110\n[tool.black]\nline-length = 100\n"}, 110),
    ({"setup.cfg": "[flake8]\nmax-line-length = 99\n"}, 99),
    ({"tox.ini": "[flake8]\nmax-line-length = 101\n", "pyproject.toml": "[tool.isort]\n"}, 101),
    ({".flake8": "[flake8]\nmax-line-length = oops\n"}, 88),
])
def test_line_length_setting(files, expected, tmp_path):
    from fastapi_conventions_lint.fix.line_length import line_length_for

    (tmp_path / ".git").mkdir()
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "pkg").mkdir()
    assert line_length_for(str(tmp_path / "pkg" / "mod.py")) == expected


def test_an_import_made_too_long_by_a_merge_is_wrapped_as_isort_would(
    write, tmp_path, monkeypatch, capsys
):
    imported = "from server.config import DEFAULT_TIMEOUT_SECONDS, REPORTING_WINDOW_DAYS, settings"
    assert len(imported) <= 88
    fixed = _fix(write, tmp_path, monkeypatch, capsys, f'''
        from fastapi import APIRouter

        {imported}

        router = APIRouter(prefix="/api/v1/data/reports", tags=[settings.TAG])
    ''')
    assert fixed.startswith(_dedent('''
        from fastapi import APIRouter

        from server.config import (
            DEFAULT_TIMEOUT_SECONDS,
            REPORTING_WINDOW_DAYS,
            api_config,
            settings,
        )
    '''))


SPLIT_MODULE = '''\
"""A module whose fix made three lines too long."""
from app.dependencies import get_session, get_current_user, get_settings, get_cache, get_queue_client


@router.get("/items")
# a comment between the decorator and the function
def list_items(session: Annotated[Session, Depends(get_session)], user: Annotated[User, Depends(get_current_user)]):
    return service.list(session, user)


x = 1; y = 2
value = compute(first_argument_name, second_argument_name, third_argument_name, fourth_arg)
'''


# Long lines in the headers of a function (its body longer, with a comment) and of a class,
# and in both the header and the body of another function.
HEADERS_MODULE = '''\
from app.dependencies import get_session


@router.get("/items", response_model=List[Item], responses={404: {"description": "not found"}})
async def list_items(session: Annotated[Session, Depends(get_session)], user: Annotated[User, Depends(current)]):
    # the body is left as it is
    items = await service.list(session, user)

    return [item for item in items if item.visible]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, order=False, unsafe_hash=False, repr=True)
class Settings:
    name: str = "x"


def both(session: Annotated[Session, Depends(get_session)], user: Annotated[User, Depends(current)]):
    # a comment in the body
    return compute(first_argument_name, second_argument_name, third_argument_name, fourth_arg, z)
'''


def test_long_lines_in_headers_are_split_on_the_header_alone_as_on_the_whole_module(monkeypatch):
    from libcst.metadata import MetadataWrapper

    from fastapi_conventions_lint.fix.codemods import wrapping

    tree = cst.parse_module(HEADERS_MODULE)
    targets = {4, 5, 12, 17, 19}
    headers = []
    split_header = wrapping._split_header

    def recording(*args):
        found = split_header(*args)
        headers.append(found is not None)
        return found

    monkeypatch.setattr(wrapping, "_split_header", recording)
    alone = wrapping._split_statements(tree, HEADERS_MODULE, targets, 88)
    whole = MetadataWrapper(tree, unsafe_skip_copy=True).visit(wrapping._Splitter(targets, 88, tree))
    assert headers == [True, True, False]  # the last one's body holds a target too
    assert alone is not None and alone == whole.code != HEADERS_MODULE
    assert "    # the body is left as it is\n" in alone and "    # a comment in the body\n" in alone
    # Lone-CR line ends, which LibCST does not count as the module's trailing line end (a
    # statement follows the last split), and a module whose last line has none: the same
    # split as on the whole module.
    for module in ((HEADERS_MODULE + "\n\nx = 1\n").replace("\n", "\r"), HEADERS_MODULE.rstrip("\n")):
        tree = cst.parse_module(module)
        whole = MetadataWrapper(tree, unsafe_skip_copy=True).visit(wrapping._Splitter(targets, 88, tree))
        assert wrapping._split_statements(tree, tree.code, targets, 88) == whole.code != tree.code


def test_lines_are_split_on_their_statements_alone_as_on_the_whole_module():
    from libcst.metadata import MetadataWrapper

    from fastapi_conventions_lint.fix.codemods import wrapping

    tree = cst.parse_module(SPLIT_MODULE)
    targets = {2, 7, 12}
    alone = wrapping._split_statements(tree, SPLIT_MODULE, targets, 88)
    whole = MetadataWrapper(tree, unsafe_skip_copy=True).visit(wrapping._Splitter(targets, 88, tree))
    assert alone is not None and alone == whole.code != SPLIT_MODULE
    headed = "# " + "a long header comment " * 5 + "\n" + SPLIT_MODULE
    # A line of the module's header belongs to no statement: the whole module is asked.
    assert wrapping._split_statements(cst.parse_module(headed), headed, {1, 3}, 88) is None
