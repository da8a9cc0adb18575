"""`[tool.fastapi-conventions-lint]`: where it is found, what every key changes, and what a
bad table does (warning for an unknown key, exit 2 for a wrong type or malformed TOML)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from conftest import parse_output, run_cli, run_flake8

ROUTER = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/data/mongodb")
'''

HANDLERS = '''\
from fastapi import APIRouter
from server.config import api_config

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["items"])


@router.get("/branchy")
async def branchy(x: int) -> dict:
    if x:
        return 1
    return 2


@router.get("/store")
async def from_store() -> dict:
    return await store.find({})


@router.get("/db")
async def from_db() -> dict:
    return await db.find({})


@router.get("/fetch-all")
async def fetch_all() -> dict:
    return await db.fetch_all()
'''


def _pyproject(directory: Path, body: str, *, table: bool = True) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "pyproject.toml"
    header = "[tool.fastapi-conventions-lint]\n" if table else ""
    path.write_text(header + textwrap.dedent(body), encoding="utf-8")
    return path


def _found(out: str) -> set:
    return {(item.line, item.code) for item in parse_output(out)}


def _codes(out: str) -> set:
    return {item.code for item in parse_output(out)}


def _messages(out: str, code: str) -> list:
    return [item.message for item in parse_output(out) if item.code == code]


# ---- discovery --------------------------------------------------------------------------

def test_nearest_pyproject_with_the_table_applies(write, capsys, tmp_path):
    _pyproject(tmp_path / "proj", 'ignore = ["FCL003"]\n')
    # A nearer pyproject.toml without the table is passed over.
    _pyproject(tmp_path / "proj" / "pkg", '[project]\nname = "pkg"\n', table=False)
    # A nearer one with the table wins, and is not merged with the outer one.
    _pyproject(tmp_path / "proj" / "other", 'ignore = ["FCL001"]\n')
    plain = write("proj/pkg/deep/app.py", ROUTER)
    other = write("proj/other/app.py", ROUTER)
    outside = write("elsewhere/app.py", ROUTER)
    _, out, _ = run_cli(["check", str(plain), str(other), str(outside)], capsys)
    by_path = {}
    for item in parse_output(out):
        by_path.setdefault(item.path, set()).add(item.code)
    assert by_path == {
        str(plain): {"FCL001"},
        str(other): {"FCL003"},
        str(outside): {"FCL001", "FCL003"},
    }


def test_settings_are_searched_from_the_checked_file_not_the_working_directory(
    write, capsys, tmp_path, monkeypatch
):
    _pyproject(tmp_path / "cwd", 'select = ["FCL003"]\n')
    _pyproject(tmp_path / "proj", 'select = ["FCL001"]\n')
    path = write("proj/src/app.py", ROUTER)
    monkeypatch.chdir(tmp_path / "cwd")
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _codes(out) == {"FCL001"}
    _, out, _ = run_cli(["check", str(tmp_path / "proj")], capsys)
    assert _codes(out) == {"FCL001"}


def test_config_option_names_the_file_to_use(write, capsys, tmp_path):
    _pyproject(tmp_path / "proj", 'ignore = ["FCL001"]\n')
    path = write("proj/app.py", ROUTER)
    named = tmp_path / "ci" / "lint.toml"
    named.parent.mkdir()
    named.write_text('[tool.fastapi-conventions-lint]\nselect = ["FCL001"]\n', encoding="utf-8")
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL003"}
    assert _codes(run_cli(["check", "--config", str(named), str(path)], capsys)[1]) == {"FCL001"}


def test_config_option_with_a_missing_file_exits_2(write, capsys, tmp_path):
    path = write("app.py", ROUTER)
    missing = tmp_path / "nope" / "pyproject.toml"
    code, out, err = run_cli(["check", "--config", str(missing), str(path)], capsys)
    assert code == 2
    assert parse_output(out) == []
    assert str(missing) in err and "No such file" in err


def test_config_option_globs_are_relative_to_the_named_file(write, capsys, tmp_path):
    named = _pyproject(tmp_path / "ci", '''\
        extend-exclude = ["proj/generated"]
        per-file-ignores = {"proj/scripts/*.py" = ["FCL003"]}
    ''')
    write("ci/proj/generated/models.py", ROUTER)
    test_file = write("ci/proj/scripts/seed_api.py", ROUTER)
    _, out, _ = run_cli(["check", "--config", str(named), str(tmp_path / "ci" / "proj")], capsys)
    assert {(item.path, item.code) for item in parse_output(out)} == {(str(test_file), "FCL001")}


# ---- every key --------------------------------------------------------------------------

def test_select_and_ignore_keys(write, capsys, tmp_path):
    path = write("app.py", HANDLERS + "\nlegacy = APIRouter(prefix='/legacy')\n")
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL001", "FCL003", "FCL102"}
    _pyproject(tmp_path, 'select = ["FCL0"]\nignore = ["FCL003"]\n')
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL001"}
    _pyproject(tmp_path, 'select = ["FCL1"]\nextend-select = ["FCL003"]\n')
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == {"FCL003", "FCL102"}


def test_max_handler_statements(write, capsys, tmp_path):
    path = write("app.py", HANDLERS)
    assert "FCL101" not in _codes(run_cli(["check", str(path)], capsys)[1])
    _pyproject(tmp_path, "max-handler-statements = 2\n")
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _messages(out, "FCL101") == [
        "route handler 'branchy' has 3 statements (limit 2): move the logic into a service or use case"
    ]
    assert (8, "FCL101") in _found(out)


def test_router_classes_names_classes_static_reading_cannot_see(write, capsys, tmp_path):
    # A class made at run time: nothing says it is a router class but the setting.
    write("app/routing.py", """
        from fastapi import APIRouter

        VersionedRouter = type("VersionedRouter", (APIRouter,), {})
    """)
    path = write("app/users.py", """
        from app.routing import VersionedRouter as Router

        router = Router(prefix="/users")


        @router.get("")
        def list_users(db: Session) -> dict:
            return db.query(User).all()
    """)
    assert _codes(run_cli(["check", str(path)], capsys)[1]) == set()
    _pyproject(tmp_path, 'router-classes = ["app.routing:VersionedRouter"]\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _found(out) == {(3, "FCL001"), (3, "FCL003"), (8, "FCL102")}


def test_max_handler_complexity(write, capsys, tmp_path):
    path = write("app.py", HANDLERS)
    assert "FCL103" not in _codes(run_cli(["check", str(path)], capsys)[1])
    _pyproject(tmp_path, "max-handler-complexity = 1\n")
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert [(item.line, item.col) for item in parse_output(out) if item.code == "FCL103"] == [(8, 1)]
    assert "McCabe complexity 2 (limit 1)" in _messages(out, "FCL103")[0]


def test_data_handle_names_replaces_the_default_names(write, capsys, tmp_path):
    path = write("app.py", HANDLERS)
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert [(line, code) for line, code in _found(out) if code == "FCL102"] == [(21, "FCL102")]
    _pyproject(tmp_path, 'data-handle-names = ["store"]\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert [(line, code) for line, code in _found(out) if code == "FCL102"] == [(16, "FCL102")]
    assert "store.find()" in _messages(out, "FCL102")[0]


def test_data_access_methods_replaces_the_default_methods(write, capsys, tmp_path):
    path = write("app.py", HANDLERS)
    _pyproject(tmp_path, 'data-access-methods = ["fetch_all"]\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert [(line, code) for line, code in _found(out) if code == "FCL102"] == [(26, "FCL102")]
    assert "db.fetch_all()" in _messages(out, "FCL102")[0]


DATA_FUNCTIONS = '''\
from fastapi import APIRouter
from server.config import api_config

from app import db_utils
from app.db import run_sql as q

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["reports"])


@router.get("/plain")
def plain() -> dict:
    return run_sql("SELECT 1")


@router.get("/module")
def through_a_module() -> dict:
    return db_utils.run_sql("SELECT 2")


@router.get("/alias")
def under_an_alias() -> dict:
    return q("SELECT 3")


@router.get("/method")
def a_method_of_the_same_name(service) -> dict:
    return service.run_sql("SELECT 4")
'''


def test_data_access_functions_are_reported_by_the_name_they_are_imported_under(write, capsys, tmp_path):
    path = write("app.py", DATA_FUNCTIONS)
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert "FCL102" not in _codes(out)  # none by default
    _pyproject(tmp_path, 'data-access-functions = ["run_sql"]\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert sorted(line for line, code in _found(out) if code == "FCL102") == [12, 17, 22]
    assert [message.split(" directly ")[1].split(":")[0] for message in _messages(out, "FCL102")] == [
        "(run_sql())", "(db_utils.run_sql())", "(q())",
    ]


PREFIXED = '''\
from fastapi import APIRouter

users = APIRouter(prefix="/api/users/admin", tags=["users"])
data = APIRouter(prefix="/api/v1/data", tags=["data"])
'''


NO_CONFIG = "(no fix: the project has no module server.config; `fastapi-conventions-lint init-config` writes it)"


def test_prefixes_replace_the_defaults_and_change_the_suggested_constant(write, capsys, tmp_path):
    path = write("app.py", PREFIXED)
    shutil.rmtree(tmp_path / "server")  # the table, not a config object, names the constants
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _messages(out, "FCL001") == [
        'hardcoded router prefix "/api/users/admin": no configured prefix constant matches it; '
        "add one to api_config and use it",
        f'hardcoded router prefix "/api/v1/data": use api_config.DATA_PREFIX {NO_CONFIG}',
    ]
    _pyproject(tmp_path, '''\
        [tool.fastapi-conventions-lint.prefixes]
        API_ROOT = "/api"
        USERS_PREFIX = "/api/users"
    ''')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _messages(out, "FCL001") == [
        f'hardcoded router prefix "/api/users/admin": use f"{{api_config.USERS_PREFIX}}/admin" {NO_CONFIG}',
        f'hardcoded router prefix "/api/v1/data": use f"{{api_config.API_ROOT}}/v1/data" {NO_CONFIG}',
    ]


CONFIG_OBJECT = '''\
from fastapi import APIRouter, FastAPI
from app.settings import cfg

app = FastAPI()
router = APIRouter(prefix=f"{cfg.V1_PREFIX}/items", tags=["items"])
rag = APIRouter(prefix="/api/v1/rag", tags=["rag"])
app.include_router(router, prefix=cfg.V1_PREFIX)
'''


def test_api_config_names_another_object(write, capsys, tmp_path):
    path = write("app.py", CONFIG_OBJECT)
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _messages(out, "FCL001") == ['hardcoded router prefix "/api/v1/rag": use api_config.RAG_PREFIX']
    # cfg is of unknown origin: the include prefix is only "a prefix at include".
    assert (7, "FCL005") in _found(out) and "FCL002" not in _codes(out)
    _pyproject(tmp_path, 'api-config = "app.settings:cfg"\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert _messages(out, "FCL001") == [
        'hardcoded router prefix "/api/v1/rag": use cfg.RAG_PREFIX (no fix: the project has no module '
        'app.settings; `fastapi-conventions-lint init-config` writes it)'
    ]
    # Now cfg.V1_PREFIX is a configured constant: the prefix is seen to be doubled.
    assert (7, "FCL002") in _found(out) and "FCL005" not in _codes(out)
    assert '"/api/v1/api/v1/items"' in _messages(out, "FCL002")[0]


LIFECYCLE = '''\
from core.deps import Base


class Context(Base):
    pass


async def job():
    ctx = Context()
    await ctx.initialize()
    return await ctx.run()
'''


def test_base_dependencies_names_another_base_class(write, capsys, tmp_path):
    path = write("jobs.py", LIFECYCLE)
    assert parse_output(run_cli(["check", str(path)], capsys)[1]) == []
    _pyproject(tmp_path, 'base-dependencies = "core.deps:Base"\n')
    _, out, _ = run_cli(["check", str(path)], capsys)
    assert [(item.line, item.col, item.code) for item in parse_output(out)] == [(10, 11, "FCL201")]


# ---- bad tables -------------------------------------------------------------------------

def test_unknown_key_is_a_warning_naming_it_and_the_run_goes_on(write, capsys, tmp_path):
    pyproject = _pyproject(tmp_path, 'max-handler-statments = 3\nignore = ["FCL003"]\n')
    path = write("app.py", ROUTER)
    code, out, err = run_cli(["check", str(path)], capsys)
    assert code == 1
    assert _codes(out) == {"FCL001"}  # the known key still applies
    assert "warning" in err and "'max-handler-statments'" in err and str(pyproject) in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_key_is_warned_about_once_per_file(write, capsys, tmp_path):
    _pyproject(tmp_path, "colour = 'blue'\n")
    paths = [str(write(f"pkg{index}/app.py", ROUTER)) for index in range(3)]
    _, _, err = run_cli(["check", *paths], capsys)
    assert err.count("'colour'") == 1


@pytest.mark.parametrize("line, key, value, expected", [
    ('max-handler-statements = "12"', "max-handler-statements", "'12'", "an integer"),
    ("max-handler-complexity = true", "max-handler-complexity", "True", "an integer"),
    ("max-handler-complexity = 2.5", "max-handler-complexity", "2.5", "an integer"),
    ('data-handle-names = "db"', "data-handle-names", "'db'", "a list of strings"),
    ("data-access-methods = [1, 2]", "data-access-methods", "[1, 2]", "a list of strings"),
    ('data-access-functions = "run_sql"', "data-access-functions", "'run_sql'", "a list of strings"),
    ('select = "FCL001"', "select", "'FCL001'", "a list of strings"),
    ('ignore = "FCL001"', "ignore", "'FCL001'", "a list of strings"),
    ('extend-select = "FCL1"', "extend-select", "'FCL1'", "a list of strings"),
    ('exclude = "build"', "exclude", "'build'", "a list of strings"),
    ('extend-exclude = "build"', "extend-exclude", "'build'", "a list of strings"),
    ('prefixes = ["/api"]', "prefixes", "['/api']", "a table of strings"),
    ("prefixes = {V1_PREFIX = 1}", "prefixes", "{'V1_PREFIX': 1}", "a table of strings"),
    ("api-config = 3", "api-config", "3", "a string"),
    ('router-classes = "app:Router"', "router-classes", "'app:Router'", "a list of strings"),
    ('router-classes = ["Router"]', "router-classes[0]", "'Router'", "'module:object'"),
    ('api-config = "api_config"', "api-config", "'api_config'", "'module:object'"),
    ('base-dependencies = ["x"]', "base-dependencies", "['x']", "a string"),
    ('per-file-ignores = ["tests/*"]', "per-file-ignores", "['tests/*']", "a table"),
    ('per-file-ignores = {"tests/*" = "FCL003"}', "per-file-ignores", "'FCL003'", "a list of strings"),
])
def test_wrong_type_exits_2_naming_key_value_and_expected_type(
    line, key, value, expected, write, capsys, tmp_path
):
    pyproject = _pyproject(tmp_path, line + "\n")
    path = write("app.py", ROUTER)
    code, out, err = run_cli(["check", "--exit-zero", str(path)], capsys)
    assert code == 2
    assert parse_output(out) == []
    assert len(err.strip().splitlines()) == 1
    assert "error" in err and str(pyproject) in err
    assert key in err and value in err and expected in err
    assert "Traceback" not in err


def test_negative_limit_exits_2(write, capsys, tmp_path):
    _pyproject(tmp_path, "max-handler-statements = -1\n")
    code, _, err = run_cli(["check", str(write("app.py", ROUTER))], capsys)
    assert code == 2
    assert "max-handler-statements = -1" in err


@pytest.mark.parametrize("text", [
    "[tool.fastapi-conventions-lint\nselect = ['FCL']\n",
    "[tool.fastapi-conventions-lint]\nmax-handler-statements = \n",
    "[tool.fastapi-conventions-lint]\nselect = ['FCL'\n",
    "[tool.fastapi-conventions-lint]\nselect = ['FCL']\nselect = ['FCL1']\n",
])
def test_malformed_toml_exits_2_with_one_clear_line(text, write, capsys, tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(text, encoding="utf-8")
    path = write("app.py", ROUTER)
    for argv in (["check", str(path)], ["check", "--config", str(pyproject), str(path)]):
        code, out, err = run_cli(argv, capsys)
        assert code == 2
        assert out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1
        assert lines[0].startswith(f"fastapi-conventions-lint: error: {pyproject} is not valid TOML: ")


def test_a_pyproject_that_is_not_toml_and_names_no_table_of_ours_is_passed_over(write, capsys, tmp_path):
    """A project template's pyproject.toml (`{{ cookiecutter.name }}`) holds no settings of
    this tool: a warning says it is passed over, and the settings above apply to its files."""
    (tmp_path / "pyproject.toml").write_text('[tool.fastapi-conventions-lint]\nignore = ["FCL003"]\n')
    template = tmp_path / "template" / "{{cookiecutter.name}}"
    template.mkdir(parents=True)
    (template / "pyproject.toml").write_text('[project]\n{% if cookiecutter.db %}\nname = "x"\n{% endif %}\n')
    path = write("template/{{cookiecutter.name}}/app.py", ROUTER)
    code, out, err = run_cli(["check", "--no-cache", str(path)], capsys)
    assert code in (0, 1) and "FCL003" not in out  # the settings above: FCL003 ignored
    assert err.count("is not valid TOML") == 1 and "passed over" in err
    # Named with --config, or naming the table, it is the settings: an error, as before.
    code, out, err = run_cli(["check", "--config", str(template / "pyproject.toml"), str(path)], capsys)
    assert code == 2 and "is not valid TOML" in err
    (template / "pyproject.toml").write_text("[tool.fastapi-conventions-lint\n")
    code, out, err = run_cli(["check", "--no-cache", str(path)], capsys)
    assert code == 2 and "is not valid TOML" in err


@pytest.mark.parametrize("command", [["check"], ["fix"], ["fix", "--diff"], ["routes"]])
def test_a_pyproject_that_is_not_utf8_is_one_line_for_every_command(command, write, capsys, tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_bytes(b"[tool.fastapi-conventions-lint]\nselect = ['FCL']\n# caf\xe9\n")
    path = write("app.py", ROUTER)
    code, out, err = run_cli([*command, str(path)], capsys)
    assert (code, out) == (2, "")
    assert err.startswith(f"fastapi-conventions-lint: error: {pyproject} is not valid UTF-8: ")
    assert len(err.splitlines()) == 1
    assert path.read_text() == ROUTER


def test_tool_entry_that_is_not_a_table_exits_2(write, capsys, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool]\nfastapi-conventions-lint = "on"\n', encoding="utf-8")
    code, _, err = run_cli(["check", str(write("app.py", ROUTER))], capsys)
    assert code == 2
    assert "[tool.fastapi-conventions-lint] must be a table" in err


# ---- the flake8 host --------------------------------------------------------------------

def test_flake8_reads_the_same_table(tmp_path):
    _pyproject(tmp_path, '''\
        max-handler-statements = 1
        data-handle-names = ["store"]

        [tool.fastapi-conventions-lint.prefixes]
        USERS_PREFIX = "/api/users"
    ''')
    (tmp_path / "app.py").write_text(textwrap.dedent('''\
        from fastapi import APIRouter

        router = APIRouter(prefix="/api/users/admin", tags=["users"])


        @router.get("/items")
        async def list_items() -> dict:
            items = await store.find({})
            return items
    '''), encoding="utf-8")
    process = run_flake8(["--select", "FCL", "app.py"], cwd=tmp_path)
    assert "Traceback" not in process.stderr, process.stderr
    reported = {(item.line, item.code): item.message for item in parse_output(process.stdout)}
    assert set(reported) == {(3, "FCL001"), (7, "FCL101"), (8, "FCL102")}
    assert reported[(7, "FCL101")].startswith("route handler 'list_items' has 2 statements (limit 1)")
    assert 'use f"{api_config.USERS_PREFIX}/admin"' in reported[(3, "FCL001")]
    assert "store.find()" in reported[(8, "FCL102")]


def test_flake8_reports_a_bad_table_on_the_file_instead_of_crashing(tmp_path):
    _pyproject(tmp_path, '''\
        max-handler-statements = "many"
        colour = "blue"
    ''')
    (tmp_path / "app.py").write_text("from fastapi import APIRouter\n", encoding="utf-8")
    process = run_flake8(["--select", "FCL", "app.py"], cwd=tmp_path)
    assert "Traceback" not in process.stderr, process.stderr
    [reported] = parse_output(process.stdout)
    assert (reported.line, reported.code) == (1, "FCL900")
    assert "max-handler-statements = 'many'" in reported.message and "an integer" in reported.message


def test_flake8_warns_about_an_unknown_key(tmp_path):
    _pyproject(tmp_path, 'colour = "blue"\n')
    (tmp_path / "app.py").write_text("from fastapi import APIRouter\n", encoding="utf-8")
    process = run_flake8(["--select", "FCL", "-j1", "app.py"], cwd=tmp_path)
    assert "unknown configuration key 'colour'" in process.stderr
    assert process.returncode == 0
