"""Every analysis costs what its input's size says. Names and constants are resolved once each,
and a computed prefix longer than a few thousand characters is not static: a 22-line file that
doubles a name twenty times (2**20 parts) used to hang every command, and the same shape in
the configuration module took gigabytes."""

from __future__ import annotations

import threading

import pytest

from conftest import parse_output, run_cli
from test_fix_runtime import make

DEADLINE = 60  # seconds; each of these runs takes well under one


def _within_deadline(args, capsys):
    result = {}
    worker = threading.Thread(target=lambda: result.update(out=run_cli(args, capsys)), daemon=True)
    worker.start()
    worker.join(DEADLINE)
    if worker.is_alive():
        pytest.fail(f"did not finish in {DEADLINE} s: {args}")
    return result["out"]


def _doubling(name: str, levels: int, indent: str = "") -> str:
    lines = [f'{indent}{name}0 = "/a"']
    lines += [f"{indent}{name}{i} = {name}{i - 1} + {name}{i - 1}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("command", [["check"], ["fix", "--diff"], ["routes"]])
def test_a_name_doubled_twenty_times_is_resolved_once_and_is_not_static(tmp_path, capsys, command):
    root = make(tmp_path / "proj", {
        "app.py": (
            "from fastapi import APIRouter, FastAPI\n\n"
            + _doubling("A", 20)
            + "app = FastAPI(docs_url=None, redoc_url=None)\n"
            + "router = APIRouter(prefix=A20, tags=['a'])\n\n\n"
            + "@router.get('/x')\ndef x() -> int:\n    return 1\n\n\n"
            + "app.include_router(router)\n"
        ),
    })
    code, out, err = _within_deadline([*command, str(root)], capsys)
    assert "internal error" not in err and "Traceback" not in err
    if command == ["routes"]:
        assert "{?}/x" in out  # a prefix too long to be static is shown as unknown
    elif command == ["check"]:
        # Not a literal to move into the configuration: nothing about the prefix is reported.
        assert [d.code for d in parse_output(out)] == []


def test_a_constant_doubled_in_the_configuration_is_left_out_beyond_the_cap(tmp_path, capsys):
    root = make(tmp_path / "proj", {
        "pyproject.toml": '[tool.fastapi-conventions-lint]\napi-config = "app.config:api_config"\n',
        "app/__init__.py": "",
        # Thirty levels took 27 s and 8 GB; twenty-four (A24: 32 MB of text) keep a
        # regression a failed assertion rather than a machine out of memory.
        "app/config.py": (
            "class ApiConfig:\n" + _doubling("A", 24, "    ")
            + '    USERS_PREFIX = "/users"\n    BUILT = A24 + "/x"\n\n\napi_config = ApiConfig()\n'
        ),
        "app/main.py": (
            "from fastapi import APIRouter\n\n"
            'router = APIRouter(prefix="/users", tags=["users"])\n'
        ),
    })
    code, out, err = _within_deadline(["check", "--show-settings", str(root / "app" / "main.py")], capsys)
    prefixes = next(line for line in out.splitlines() if line.startswith("prefixes = "))
    # The short constants are read; those beyond the cap, and those built from them, are not.
    assert "'A11': '/a" in prefixes and "'USERS_PREFIX': '/users'" in prefixes
    assert "'A12'" not in prefixes and "'A24'" not in prefixes and "'BUILT'" not in prefixes
    code, out, err = _within_deadline(["check", str(root)], capsys)
    assert "use api_config.USERS_PREFIX" in out
    assert "internal error" not in err


def test_a_format_template_of_many_open_conversions_is_not_scanned(tmp_path, capsys):
    root = make(tmp_path / "proj", {
        "app.py": (
            "from fastapi import APIRouter\n\n"
            "router = APIRouter(prefix=('%(' * 1) + '%(' * 1, tags=['a'])\n"
            f"other = APIRouter(prefix={'%(' * 30000!r} % {{}}, tags=['b'])\n"
            f"more = APIRouter(prefix={'{' * 30000!r}.format(), tags=['c'])\n"
        ),
    })
    code, out, err = _within_deadline(["check", str(root)], capsys)
    assert "internal error" not in err and "Traceback" not in err


# ---- include graphs ---------------------------------------------------------------------

def _include_graph(levels: int, prefixes) -> str:
    """Routers r0..rN, each including the next once per prefix in `prefixes` (None: none);
    the last has one route, the app includes r0."""
    lines = ["from fastapi import APIRouter, FastAPI", "", "app = FastAPI(docs_url=None, redoc_url=None)"]
    for level in range(levels, -1, -1):
        lines.append(f"r{level} = APIRouter(tags=['t'])")
        if level == levels:
            lines += ["", "", f"@r{level}.get('/leaf', status_code=200)", "def leaf() -> int:", "    return 1", "", ""]
        else:
            for prefix in prefixes:
                argument = "" if prefix is None else f", prefix={prefix!r}"
                lines.append(f"r{level}.include_router(r{level + 1}{argument})")
    lines.append("app.include_router(r0)")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("prefixes", [[None, None], ["/a", "/a"], ["/a", "/b"]], ids=["no-prefix", "same", "two"])
def test_an_include_graph_doubling_at_each_level_is_checked_in_linear_time(tmp_path, capsys, prefixes):
    # 15 levels: 2**15 copies of the route, more than an app's table is compared for. Eighteen
    # took 27 s and 3.2 GB, and over two minutes and 7.8 GB without prefixes.
    root = make(tmp_path / "proj", {"app.py": _include_graph(15, prefixes)})
    code, out, err = _within_deadline(["check", str(root)], capsys)
    assert "internal error" not in err and "project analysis failed" not in err
    codes = {d.code for d in parse_output(out)}
    if prefixes[0] == prefixes[1]:
        assert "FCL008" in codes  # each router included twice the same way: its routes twice
    assert "FCL007" not in codes and "FCL010" not in codes  # copies of one handler


def test_a_table_doubling_at_each_level_still_finds_a_duplicate_of_another_handler(tmp_path, capsys):
    # Small enough to be compared: 2**6 copies, and a second handler on one of their paths.
    text = _include_graph(6, ["/a", "/b"]) + (
        "\n\n@app.get('/a/a/a/a/a/a/leaf')\ndef other() -> int:\n    return 2\n"
    )
    root = make(tmp_path / "proj", {"app.py": text})
    code, out, err = _within_deadline(["check", "--select", "FCL007", str(root)], capsys)
    assert [d.code for d in parse_output(out)] == ["FCL007"]
    assert "GET /a/a/a/a/a/a/leaf is already served by app.leaf" in out


@pytest.mark.parametrize("command", [["check"], ["routes"], ["fix", "--diff"]])
def test_an_include_chain_a_thousand_routers_deep_is_walked_without_recursion(tmp_path, capsys, command):
    root = make(tmp_path / "proj", {"app.py": _include_graph(1000, ["/a"])})
    code, out, err = _within_deadline([*command, str(root)], capsys)
    assert "RecursionError" not in err and "internal error" not in err and "failed" not in err
    if command == ["routes"]:
        assert "/a" * 1000 + "/leaf" in out
    elif command == ["check"]:
        # Every include passes a prefix: FCL005 on each, and the whole-app rules ran.
        assert sum(d.code == "FCL005" for d in parse_output(out)) == 1000


def test_ten_thousand_files_named_on_the_command_line_cost_what_their_directory_costs(tmp_path, capsys):
    """As pre-commit names them. Each name used to be tested against every file (314 s for
    10,000), and each named file got the whole analysis even when nothing in it can matter."""
    package = tmp_path / "pkg"
    package.mkdir()
    names = []
    for number in range(10_000):
        path = package / f"m{number}.py"
        path.write_text('from fastapi import APIRouter\nrouter = APIRouter(prefix="/a")\n' if number % 100 == 0 else "x = 1\n")
        names.append(str(path))
    by_directory = _within_deadline(["check", str(package)], capsys)
    by_name = _within_deadline(["check", *names], capsys)
    assert by_name == by_directory
    assert by_name[0] == 1 and by_name[1].count("FCL003 ") == 100


def test_string_annotations_thousands_of_characters_deep_are_analysed_and_fixed(tmp_path, capsys):
    """A string annotation is parsed by the analysis; one nested thousands deep used to raise
    MemoryError there and end the whole run."""
    deep, nested, generic = "-" * 5000 + "1", "(" * 300 + "int" + ")" * 300, "List[" * 1000 + "int" + "]" * 1000
    handler = tmp_path / "handler.py"
    handler.write_text(
        "from fastapi import APIRouter, Depends\n"
        'router = APIRouter(prefix="/a", tags=["a"])\n\n'
        '@router.get("/x")\n'
        f'def handler(a: "{deep}", b: "{nested}", c: "{generic}" = Depends(lambda: 1)) -> "{deep}":\n'
        "    return 1\n"
    )
    other = tmp_path / "other.py"
    other.write_text('from fastapi import APIRouter\nrouter = APIRouter(prefix="/b")\n')
    code, out, err = _within_deadline(["check", str(handler), str(other)], capsys)
    assert (code, err) == (1, "")
    assert [(item.path, item.code) for item in parse_output(out)] == [
        (str(handler), "FCL001"), (str(handler), "FCL203"), (str(other), "FCL003"), (str(other), "FCL001"),
    ]
    code, out, err = _within_deadline(["fix", "--unsafe-fixes", str(handler), str(other)], capsys)
    assert out.startswith("Fixed 2 violations in 2 files.") and err == ""
    assert f'c: Annotated["{generic}", Depends(lambda: 1)]' in handler.read_text()
