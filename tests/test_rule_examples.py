"""Every rule's VALID and INVALID examples, run through both hosts: the CLI and a real
`flake8 --select FCL` process. One CLI run and one flake8 run cover all examples.

A one-file example is a file under `<code>/`. A project example (`files={...}`), and any example
of a whole-app rule (Scope.PROJECT), is a directory of its own under `projects/`, with a
pyproject.toml holding an empty `[tool.fastapi-conventions-lint]` table: each is a project root,
linked and checked on its own. flake8 does not run whole-app rules: it must report nothing of
their codes."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from conftest import FIXTURES, Reported, by_file, parse_output, run_flake8, write_config_module
from fastapi_conventions_lint import compact_tree
from fastapi_conventions_lint.cli import main
from fastapi_conventions_lint.rules import ALL_RULES, Invalid, Scope, Valid

EXAMPLES = [
    (rule, kind, index, example)
    for rule in ALL_RULES
    for kind, examples in (("valid", rule.VALID), ("invalid", rule.INVALID))
    for index, example in enumerate(examples)
]

SINGLE_FILE_IN_PROJECT = "example.py"  # a one-file example of a whole-app rule, in its project


def _as_project(rule, example) -> bool:
    return example.is_project or rule.scope is Scope.PROJECT


def _file_name(rule, kind, index) -> str:
    return f"{rule.code}/{kind}_{index}.py"


def _project_dir(rule, kind, index) -> str:
    return f"projects/{rule.code}-{kind}-{index}"


def _project_files(example) -> Dict[str, str]:
    return example.sources if example.is_project else {SINGLE_FILE_IN_PROJECT: example.code}


@pytest.fixture(scope="session")
def example_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("examples")
    for rule, kind, index, example in EXAMPLES:
        if _as_project(rule, example):
            project = root / _project_dir(rule, kind, index)
            project.mkdir(parents=True)
            (project / "pyproject.toml").write_text(
                "[tool.fastapi-conventions-lint]\n" + example.config_toml, encoding="utf-8"
            )
            for name, text in _project_files(example).items():
                path = project / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            continue
        path = root / _file_name(rule, kind, index)
        path.parent.mkdir(exist_ok=True)
        path.write_text(example.code, encoding="utf-8")
        # One-file examples run in a project that defines the config object fixes import.
        write_config_module(path.parent)
    return root


@pytest.fixture(scope="session")
def cli_results(example_dir) -> Dict[str, List[Reported]]:
    out = io.StringIO()
    with redirect_stdout(out):
        main(["check", str(example_dir)])
    return by_file(parse_output(out.getvalue()))


@pytest.fixture(scope="session")
def flake8_results(example_dir) -> Dict[str, List[Reported]]:
    process = run_flake8(["--select", "FCL", str(example_dir)])
    assert "Traceback" not in process.stderr, process.stderr
    return by_file(parse_output(process.stdout))


def _reported(results, example_dir, rule, kind, index, example) -> List[Tuple[str, int, int, str]]:
    """(file, line, column, message) of what the host reported with the rule's code; the file
    relative to the example's project (the empty string for a one-file example)."""
    if not _as_project(rule, example):
        path = str((example_dir / _file_name(rule, kind, index)).resolve())
        places = {"": path}
    else:
        project = example_dir / _project_dir(rule, kind, index)
        places = {name: str((project / name).resolve()) for name in _project_files(example)}
    return sorted(
        (name, item.line, item.col, item.message)
        for name, path in places.items()
        for item in results.get(path, [])
        if item.code == rule.code
    )


def _expected(rule, example, host) -> List[Tuple[str, int, int]]:
    """Where an INVALID example says the rule reports, in the form `_reported` gives."""
    if example.is_project:
        return sorted(example.flake8_locations if host == "flake8" else example.locations)
    name = SINGLE_FILE_IN_PROJECT if rule.scope is Scope.PROJECT else ""
    return sorted((name, line, col) for line, col in example.positions)


def _ids(item):
    rule, kind, index, example = item
    return f"{rule.code}-{kind}-{index}"


@pytest.mark.parametrize("host", ["cli", "flake8"])
@pytest.mark.parametrize("item", EXAMPLES, ids=[_ids(item) for item in EXAMPLES])
def test_example(item, host, example_dir, cli_results, flake8_results):
    rule, kind, index, example = item
    results = cli_results if host == "cli" else flake8_results
    reported = _reported(results, example_dir, rule, kind, index, example)
    shown = example.code
    if kind == "valid" or (host == "flake8" and rule.scope in (Scope.CLI, Scope.PROJECT)):
        assert reported == [], f"{rule.code} fired on code that follows the convention:\n{shown}"
        return
    expected = _expected(rule, example, host)
    if not expected:
        assert reported == [], f"{rule.code} in {host}, which cannot see the other modules:\n{shown}"
        return
    places = [(name, line, col) for name, line, col, _ in reported]
    assert places == expected, f"{rule.code} on:\n{shown}\ngot {reported}"
    if example.message:
        for *_, message in reported:
            assert example.message in message, message


PROJECT_EXAMPLES = [(rule, kind, index, example) for rule, kind, index, example in EXAMPLES if _as_project(rule, example)]


@pytest.mark.parametrize(
    "item", PROJECT_EXAMPLES, ids=[_ids(item) for item in PROJECT_EXAMPLES]
)
def test_each_file_of_a_project_example_checked_alone_gives_the_same_diagnostics(
    item, example_dir, cli_results
):
    """As pre-commit passes only the changed files: checking one file of a project reports for
    it exactly what checking the whole project reports for it (every code, whole-app rules
    included)."""
    rule, kind, index, example = item
    project = example_dir / _project_dir(rule, kind, index)
    for name in _project_files(example):
        path = str((project / name).resolve())
        out = io.StringIO()
        with redirect_stdout(out):
            main(["check", path])
        alone = sorted((i.line, i.col, i.code) for i in by_file(parse_output(out.getvalue())).get(path, []))
        together = sorted((i.line, i.col, i.code) for i in cli_results.get(path, []))
        assert alone == together, f"{name} of {rule.code}-{kind}-{index}"


@pytest.mark.parametrize("where", ["examples", "violations_app", "fixable_app"])
def test_rules_that_read_no_links_find_the_same_after_linking(where, example_dir, cli_results, monkeypatch):
    """A file rule marked `reads_links = False` runs in the first pass, on facts the project
    pass has not linked yet (in a `--jobs` worker, say). Run after linking, as every rule ran
    before that mark, each must report exactly the same on every example and fixture app."""
    folder = example_dir if where == "examples" else FIXTURES / where
    before = cli_results if where == "examples" else None
    if before is None:
        out = io.StringIO()
        with redirect_stdout(out):
            main(["check", "--no-cache", str(folder)])
        before = by_file(parse_output(out.getvalue()))
    early = [rule for rule in ALL_RULES if not rule.reads_links]
    assert early, "no rule runs before linking"
    for rule in early:
        monkeypatch.setattr(type(rule), "reads_links", True)
    out = io.StringIO()
    with redirect_stdout(out):
        main(["check", "--no-cache", str(folder)])
    after = by_file(parse_output(out.getvalue()))
    codes = {rule.code for rule in early}
    assert {p: [i for i in found if i.code in codes] for p, found in after.items()} == {
        p: [i for i in found if i.code in codes] for p, found in before.items()
    }
    assert any(i.code in codes for found in before.values() for i in found)


def test_every_example_reports_the_same_on_compact_trees(example_dir, monkeypatch):
    """The held trees of a large workspace are compact copies (compact_tree.py): every
    example must report the same on those as on the parser's trees."""
    compact = compact_tree.compact
    copies = []
    monkeypatch.setattr(compact_tree, "compact", lambda tree: copies.append(1) or compact(tree))
    results = []
    for threshold in (10**9, 0):
        monkeypatch.setattr(compact_tree, "MIN_FILES", threshold)
        out = io.StringIO()
        with redirect_stdout(out):
            main(["check", "--no-cache", str(example_dir)])
        results.append(by_file(parse_output(out.getvalue())))
        assert bool(copies) == (threshold == 0)
    assert results[1] == results[0]


def test_every_rule_has_examples_of_both_kinds():
    for rule in ALL_RULES:
        assert rule.VALID and rule.INVALID, rule.code
        assert rule.rationale and rule.summary and rule.name, rule.code


def test_whole_app_rules_have_project_examples():
    for rule in ALL_RULES:
        if rule.scope is Scope.PROJECT:
            assert any(example.is_project for example in rule.VALID), rule.code
            assert any(example.is_project for example in rule.INVALID), rule.code


@pytest.mark.parametrize("arguments,problem", [
    (dict(source="x = 1\n", files={"a.py": ""}, at=(1, 1)), "not both"),
    (dict(files={}, at=("a.py", 1, 1)), "at least one file"),
    (dict(files={"../a.py": ""}, at=("../a.py", 1, 1)), "relative path"),
    (dict(files={"/a.py": ""}, at=("/a.py", 1, 1)), "relative path"),
    (dict(files={"a.txt": ""}, at=("a.txt", 1, 1)), "relative path"),
    (dict(files={"a.py": ""}, at=("b.py", 1, 1)), "one of the files"),
    (dict(files={"a.py": ""}, at=(1, 1)), "one of the files"),
    (dict(files={"a.py": ""}, at=("a.py", 1, 1), fixed="x"), "one-file examples only"),
    (dict(source="x = 1\n", at=("a.py", 1, 1)), "(line, column)"),
    (dict(source="x = 1\n", at=()), "where the rule reports"),
])
def test_malformed_examples_are_refused(arguments, problem):
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        Invalid(**arguments)


def test_project_examples_keep_their_files():
    example = Invalid(files={"main.py": "\n    app = 1\n", "pkg/mod.py": "x = 1\n"}, at=[("pkg/mod.py", 1, 1)])
    assert example.is_project and example.locations == (("pkg/mod.py", 1, 1),)
    assert example.sources == {"main.py": "app = 1\n", "pkg/mod.py": "x = 1\n"}
    assert example.code == "# file: main.py\napp = 1\n\n# file: pkg/mod.py\nx = 1\n\n"
    assert Invalid(files={"a.py": ""}, at=("a.py", 2, 3)).locations == (("a.py", 2, 3),)
    valid = Valid(files={"a.py": "x = 1\n"})
    assert valid.is_project and hash(valid) == hash(Valid(files={"a.py": "y = 2\n"}))
    with pytest.raises(ValueError):
        Valid("x = 1\n", files={"a.py": ""})
    single = Valid("x = 1\n")
    assert not single.is_project and single.sources == {} and single.code == "x = 1\n"


# ---- fixes ------------------------------------------------------------------------------

from fastapi_conventions_lint.config import Settings  # noqa: E402
from fastapi_conventions_lint.fix.apply import applicable, fix_text  # noqa: E402
from fastapi_conventions_lint.fix.codemods import FixContext  # noqa: E402
from fastapi_conventions_lint.selection import CodeSelection  # noqa: E402

# Fixes work file by file: project examples (whole-app rules, which have no fix) are not run here.
INVALID = [
    (rule, index, example)
    for rule, kind, index, example in EXAMPLES
    if kind == "invalid" and not example.is_project
]
INVALID_IDS = [f"{rule.code}-invalid-{index}" for rule, index, _ in INVALID]


@pytest.fixture(scope="module")
def example_settings(tmp_path_factory) -> Settings:
    """The settings of a project whose config module defines `api_config` with the default
    constants, as the one-file examples are checked in."""
    from fastapi_conventions_lint.project.constants import with_configured_prefixes
    from fastapi_conventions_lint.project.layout import from_roots

    root = tmp_path_factory.mktemp("example_project")
    write_config_module(root)
    settings = with_configured_prefixes(Settings(), from_roots([root], Settings()), str(root))
    assert settings.config_missing == ""
    return settings


def _fix(text, settings, codes=("FCL",), unsafe=True):
    return fix_text(
        text, "example.py", settings, CodeSelection(list(codes)), FixContext(settings, "example.py"),
        unsafe=unsafe,
    )


@pytest.mark.parametrize("item", INVALID, ids=INVALID_IDS)
def test_fix_rewrites_the_example_exactly(item, example_settings):
    rule, index, example = item
    outcome = _fix(example.code, example_settings, codes=[rule.code])
    expected = example.fixed_code if example.fixed_code is not None else example.code
    assert outcome.text == expected
    assert outcome.note is None


@pytest.mark.parametrize("item", INVALID, ids=INVALID_IDS)
def test_fixing_everything_parses_is_idempotent_and_leaves_only_unfixable(item, example_settings):
    rule, index, example = item
    first = _fix(example.code, example_settings)
    second = _fix(first.text, example_settings)
    assert second.text == first.text and not second.applied
    assert not any(d.code == "FCL900" for d in first.remaining) or rule.code == "FCL900"
    for diagnostic in first.remaining:
        assert not applicable(diagnostic, unsafe=True) or first.failure_of(diagnostic), diagnostic


# ---- what the whole-app rules share ---------------------------------------------------------

import ast  # noqa: E402
import sys  # noqa: E402
import textwrap  # noqa: E402

from fastapi_conventions_lint.project.index import Module, build_index  # noqa: E402
from fastapi_conventions_lint.rules._whole_app import WholeApp, branches, exclusive_paths  # noqa: E402

LAYOUT = textwrap.dedent('''
    if flag:
        a = 1          # 3
    else:
        b = 2          # 5
    try:
        c = 3          # 7
    except ImportError:
        d = 4          # 9
    except KeyError:
        e = 5          # 11
    else:
        f = 6          # 13
    finally:
        g = 7          # 15
    for x in y:
        h = 8          # 17
    else:
        i = 9          # 19
    with ctx:
        j = 10         # 21
    def fn():
        k = 11         # 23
''')


def _exclusive(first: int, second: int, source: str = LAYOUT) -> bool:
    tree = ast.parse(source)
    return exclusive_paths(branches(tree, first), branches(tree, second))


@pytest.mark.parametrize("first,second,expected", [
    (3, 5, True),     # if / else
    (7, 9, True),     # try body / except
    (9, 11, True),    # two excepts
    (13, 9, True),    # try's else / except
    (7, 13, False),   # try body / its else: both run
    (7, 15, False),   # finally always runs
    (17, 19, False),  # a loop and its else
    (3, 7, False),    # one statement after the other
    (21, 23, False),
    (3, 3, False),
    (1, 3, False),    # the `if` line itself / its branch
])
def test_statements_that_never_both_run(first, second, expected):
    assert _exclusive(first, second) is expected
    assert _exclusive(second, first) is expected


def test_a_line_outside_every_statement_has_no_branches():
    tree = ast.parse(LAYOUT)
    assert branches(tree, 500) == ()
    assert [kind for _, kind, _ in branches(tree, 23)] == ["def"]
    assert [kind for _, kind, _ in branches(tree, 21)] == ["with"]


@pytest.mark.skipif(sys.version_info < (3, 10), reason="match needs Python 3.10")
def test_two_cases_of_a_match_never_both_run():
    source = "match mode:\n    case 1:\n        a = 1\n    case _:\n        b = 2\n"
    assert _exclusive(3, 5, source) is True


def _index(tmp_path, files):
    (tmp_path / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\n")
    entries = []
    from fastapi_conventions_lint.config import Settings
    from fastapi_conventions_lint.facts import extract_facts

    settings = Settings()
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
        entries.append((path, extract_facts(ast.parse(path.read_text()), settings)))
    return build_index(entries, [tmp_path], settings)


def test_where_an_unresolved_include_argument_comes_from(tmp_path):
    index = _index(tmp_path, {
        "main.py": '''
            import importlib

            import uvicorn.importer
            from fastapi_users import FastAPIUsers
            from missing_package import router as missing
            from myapp.users.router import router as elsewhere
            from auth import fastapi_users, make_router
            import auth
            from .. import far

            users = FastAPIUsers(manager, [backend])
            loaded = importlib.import_module("users.router")
            local = something_local()
            deep = deep
        ''',
        "auth.py": '''
            from fastapi_users import FastAPIUsers

            fastapi_users = FastAPIUsers(manager, [backend])


            def make_router():
                return None
        ''',
        "users/router.py": '''
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])
        ''',
    })
    whole = WholeApp(index)
    main = whole.by_name["main"]

    def external(expression: str) -> bool:
        return whole.is_external(main, ast.parse(expression, mode="eval").body)

    assert external("missing.router")
    assert external("users.get_auth_router(backend)")  # FastAPIUsers(...) from an installed package
    assert external("fastapi_users.get_users_router(User)[0]")  # bound in a project module, to one
    assert not external("loaded.router")  # importlib hands over modules of the project
    assert not external("uvicorn.importer.import_from_string('users.router:router')")  # a loader
    assert not external("elsewhere")  # `myapp` is not found, but `users.router` is
    assert not external("make_router()")  # a function of the project
    assert not external("auth")  # a module of the project
    assert not external("local.router")  # a local value of unknown origin
    assert not external("deep")  # bound to itself: the chase stops
    assert not external("far")  # a relative import above the roots
    assert not external("'literal'.join")
    assert not external("routers[0]")
    assert not whole.is_external(main, None)


def test_a_module_that_cannot_be_read_again_excludes_nothing(tmp_path):
    index = _index(tmp_path, {"main.py": "from fastapi import FastAPI\napp = FastAPI()\n"})
    whole = WholeApp(index)
    gone = Module("gone", tmp_path / "gone.py", False, None)
    assert whole.tree(gone) is None and whole.tree(None) is None
    assert not whole.exclusive((gone, 1), (gone, 2))
    assert not whole.at_top_level(gone, 1)
    assert whole.label(whole.index.apps()[0]) == "main:app"


def test_a_partial_run_sees_includes_outside_the_checked_files(tmp_path, capsys):
    """pre-commit names the changed files only: the include of users/router.py's router is in
    server/routes.py, which nothing checked leads to. FCL009 reads it before calling the router
    dead, and does once that include is gone."""
    from conftest import run_cli

    files = {
        "pyproject.toml": "[tool.fastapi-conventions-lint]\n",
        "server/main.py": "from fastapi import FastAPI\n\napp = FastAPI()\n\nimport server.routes  # noqa: E402\n",
        "server/routes.py": (
            "from server.main import app\nfrom users.router import router\n\napp.include_router(router)\n"
        ),
        "users/router.py": textwrap.dedent('''
            from fastapi import APIRouter

            router = APIRouter(prefix="/users", tags=["users"])


            @router.get("")
            def list_users():
                return []
        ''').lstrip("\n"),
        "scripts/not-a-module.py": "print('include_router is only mentioned here')\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    checked = [str(tmp_path / "server/main.py"), str(tmp_path / "users/router.py")]
    _, out, _ = run_cli(["check", "--select", "FCL009", *checked], capsys)
    assert "FCL009" not in out, out
    (tmp_path / "server/routes.py").write_text("from server.main import app\n")
    _, out, _ = run_cli(["check", "--select", "FCL009", *checked], capsys)
    assert [(item.line, item.code) for item in parse_output(out)] == [(3, "FCL009")], out
