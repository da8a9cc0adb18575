"""The prefilter is an optimisation only: it must never hide a diagnostic."""

from __future__ import annotations

import ast
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT, run_cli
from fastapi_conventions_lint import engine, prefilter
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.rules import ALL_RULES
from fastapi_conventions_lint.source import physical_lines

SETTINGS = Settings()
NAMES = engine.prefilter_names(SETTINGS)


def _sources():
    for rule in ALL_RULES:
        for index, example in enumerate(rule.VALID + rule.INVALID):
            yield f"{rule.code}-{index}", example.code
    for folder in (FIXTURES, ROOT / "src"):
        for path in sorted(folder.rglob("*.py")):
            yield str(path.relative_to(folder.parent)), path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize("name,text", list(_sources()))
def test_no_file_with_a_diagnostic_is_skipped(name, text):
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return  # FCL900 files are not the prefilter's concern when named explicitly
    found = engine.lint_tree(tree, physical_lines(text), SETTINGS, engine.file_rules())
    environment = [d for d in found if d.code == engine.ENVIRONMENT_RULE]
    if len(environment) < len(found):
        assert prefilter.might_matter(text.encode(), NAMES), (name, found)
        assert prefilter.might_matter(text, NAMES), (name, found)
    elif found:  # FCL502 alone: the environment's cheap path lets the file through
        assert prefilter.might_matter(text.encode(), NAMES) or prefilter.reads_environment(text.encode())


def test_plain_module_is_skipped_but_not_when_named(tmp_path, capsys):
    plain = tmp_path / "pkg" / "util.py"
    plain.parent.mkdir()
    plain.write_text("def add(a, b)\n    return a + b\n")  # a syntax error nobody asked about
    assert not prefilter.might_matter(plain.read_bytes(), NAMES)
    code, out, _ = run_cli(["check", str(tmp_path)], capsys)
    assert code == 0 and "FCL900" not in out
    code, out, _ = run_cli(["check", str(plain)], capsys)
    assert code == 1 and f"{plain}:1:" in out and "FCL900" in out


def test_a_named_plain_module_still_has_its_unused_noqa_reported(tmp_path, capsys):
    plain = tmp_path / "util.py"
    plain.write_text("X = 1  # noqa: FCL001\n")
    assert not prefilter.might_matter(plain.read_bytes(), NAMES)
    code, out, _ = run_cli(["check", str(plain)], capsys)
    assert code == 1 and f"{plain}:1:" in out and "FCL901" in out


@pytest.mark.parametrize("text", [
    "from fastapi import APIRouter\n",
    "app.include_router(r)\n",
    "@api.get('/x')\ndef f(): pass\n",
    "@ orders . post('/x')\ndef f(): pass\n",
    "await deps.initialize()\n",
    "x = api_config.V1_PREFIX\n",
    "class D(BaseDependencies): pass\n",
])
def test_relevant_text_passes(text):
    assert prefilter.might_matter(text.encode(), NAMES)


def test_configured_names_extend_the_tokens():
    text = b"x = settings_obj.V1\n"
    assert not prefilter.might_matter(text, NAMES)
    assert prefilter.might_matter(text, ("settings_obj",))


@pytest.mark.parametrize("decorator", [
    '@(router.get("/x"))',
    '@router \\\n    .get("/x")',
    '@(router  # the shared router\n  .get)("/x")',
    '@api.v1.router.get("/x")',
])
def test_unusual_decorators_on_imported_receivers_are_not_skipped(decorator, tmp_path, capsys):
    body = "\n".join(f"    x{i} = {i}" for i in range(13))
    module = tmp_path / "handlers.py"
    module.write_text(f"from .api import router\nfrom . import api\n\n{decorator}\ndef fat():\n{body}\n    return x0\n")
    code, out, _ = run_cli(["check", str(tmp_path)], capsys)
    assert "FCL101" in out, out


def test_the_environment_cheap_path_reads_imports_at_every_depth(tmp_path, capsys):
    """A module that mentions nothing but the environment is analysed for FCL502 alone, its
    imports read from its statements only: in blocks, handlers, functions and `match` cases,
    a later binding of a name winning as in a walk of the whole tree."""
    module = tmp_path / "pkg" / "env.py"
    module.parent.mkdir()
    # `match` exists from Python 3.10 on; before it, an `if` holds the import.
    branches = (
        '\n    match kind:\n        case "a":\n            from os import getenv as read\n'
        '        case _:\n            read = None'
        if sys.version_info >= (3, 10) else
        '\n    if kind == "a":\n        from os import getenv as read\n    else:\n        read = None'
    )
    module.write_text(textwrap.dedent('''\
        from settings import environ


        def load(kind):
            from os import environ
            try:
                pass
            except ImportError:
                import os as system BRANCHES
            return environ["A"], system.environ["B"], read("C")
    ''').replace(" BRANCHES", branches))
    code, out, _ = run_cli(["check", "--select", "FCL502", str(tmp_path)], capsys)
    found = sorted(line.split(":")[1:3] for line in out.splitlines() if ": FCL502 " in line)
    # environ is os.environ (the nested import is walked after the module's own); so is
    # system.environ; read is os.getenv.
    last = str(len(module.read_text().splitlines()))  # the `return` line
    assert found == [[last, "12"], [last, "26"], [last, "47"]], out


@pytest.mark.parametrize("text, reads", [
    ("import os\n\nDEBUG = os.environ.get('DEBUG')\n", True),
    ("from os import environ as env\n\nX = env['X']\n", True),
    ("from os import getenv\n\nX = getenv('X')\n", True),
    ("import os\n\nX = os.environb[b'X']\n", True),
    ('"""The work pool\'s environment."""\n\nENVIRONMENT = "production"\nenvironments = []\n', False),
    ("def getenvironment_name():\n    return 'x'\n", False),
])
def test_the_environment_words_count_only_as_whole_names(text, reads):
    """A file the prefilter passes over is still parsed for FCL502 when it names the process
    environment; `environment` in a docstring or a setting is no such name (it made a third
    of a 700 k-line project's files be parsed for nothing)."""
    assert prefilter.reads_environment(text.encode()) is reads
    assert prefilter.reads_environment(text) is reads


@pytest.mark.parametrize("text, matters", [
    ("async def run(deps):\n    await deps.initialize()\n", True),
    ("def stop(deps):\n    deps . cleanup ()\n", True),
    ("def stop(deps):\n    (deps\n        .cleanup())\n", True),
    ('def initialize_database():\n    """Initialize the tables; cleanup happens at exit."""\n', False),
    ("CLEANUP_INTERVAL = 5\ncleanup = True\ninitialize(1)\n", False),
])
def test_the_lifecycle_words_count_only_as_method_calls(text, matters):
    """FCL201 and FCL202 look at `deps.initialize()` and `deps.cleanup()`: the words anywhere
    else (a docstring, a function of that name) do not make a file worth parsing."""
    assert prefilter.might_matter(text.encode(), NAMES) is matters
    assert prefilter.might_matter(text, NAMES) is matters


def test_comment_lines_full_of_marks_are_read_in_one_pass():
    """A comment runs to the end of its line. Read otherwise, a sentence ending in `.` before
    lines such as `# ### The Scenario` made the search try every way of splitting them: one
    file of a public project took minutes. Both patterns that skip comments meet such text."""
    banner = "\n".join(["# " + "#" * (n % 5) + " (see) " * 4 for n in range(40)])
    text = f"x = value.\n{banner}\n\n@app  {banner[1:]}\ndef handler():\n    return 1\n"
    assert prefilter.might_matter(text.encode(), NAMES) is False
    assert prefilter.might_matter(text, NAMES) is False
    assert prefilter.might_matter((text + "deps.\n" + banner + "\ncleanup()\n").encode(), NAMES) is True
