"""The cheap path stays cheap: checking never imports LibCST (a third of a second at start-up);
only fixing does, and only when there is something to fix. Even then it leaves out
`libcst.codemod` and `libcst.matchers` (0.15 s more, for nothing the codemods use).

astroid is imported for one thing: reading the real values of the prefix constants from the
project's configured api_config object (project/constants.py) when the stdlib `ast` cannot,
that is when the config class builds them in some other way than literals, f-strings and `+`
of its own attributes. The fixture apps' `server/config.py` has the common shape, so checking
them imports neither; a config module astroid has to infer brings it in (about a tenth of a
second: importing it and bootstrapping its builtins).
"""

import subprocess
import sys

from conftest import FIXTURES

PROBE = (
    "import io, sys, contextlib\n"
    "from fastapi_conventions_lint.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    main(sys.argv[1:])\n"
    "print(sorted(m for m in ('libcst', 'libcst.codemod', 'libcst.matchers', 'astroid') if m in sys.modules))\n"
)


def _heavy_modules_after(*args: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return process.stdout.strip().splitlines()[-1]


def _project_without_config(root):
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(
        "from fastapi import APIRouter\n\nrouter = APIRouter(prefix='/api/v1/users', tags=['users'])\n"
    )
    return root


def test_check_imports_astroid_only_for_a_config_module_ast_cannot_read(tmp_path):
    # violations_app/src/server/config.py has the common shape: read with `ast`.
    assert _heavy_modules_after("check", str(FIXTURES / "violations_app")) == "[]"
    assert _heavy_modules_after("check", str(_project_without_config(tmp_path))) == "[]"
    (tmp_path / "formatted").mkdir()
    root = _project_without_config(tmp_path / "formatted")
    (root / "src" / "server").mkdir()
    (root / "src" / "server" / "config.py").write_text(
        "class APIConfig:\n"
        "    V1_PREFIX = '/api/v2'\n"
        "    AUTH_PREFIX = '%s/auth' % V1_PREFIX\n\n"
        "api_config = APIConfig()\n"
    )
    assert _heavy_modules_after("check", str(root)) == "['astroid']"


def test_check_skips_astroid_when_the_config_module_cannot_bind_the_object(tmp_path):
    root = _project_without_config(tmp_path)
    (root / "src" / "server").mkdir()
    (root / "src" / "server" / "config.py").write_text("DEBUG = True\n")
    assert _heavy_modules_after("check", str(root)) == "[]"


def test_fix_diff_brings_in_libcst_only_when_there_is_something_to_fix(tmp_path):
    assert _heavy_modules_after("fix", "--diff", str(FIXTURES / "clean_app")) == "[]"
    assert _heavy_modules_after("fix", "--diff", str(FIXTURES / "violations_app")) == "['libcst']"
    clean = tmp_path / "clean"
    clean.mkdir()
    (clean / "app.py").write_text("x = 1\n")
    assert _heavy_modules_after("fix", "--diff", str(clean)) == "[]"


ANALYSIS_PROBE = PROBE.replace(
    "print(sorted(m for m in ('libcst', 'libcst.codemod', 'libcst.matchers', 'astroid') if m in sys.modules))",
    "print(sorted(m for m, module in sys.modules.items() if m.startswith(("
    "'fastapi_conventions_lint.rules', 'fastapi_conventions_lint.facts.extract', 'packaging'))"
    " and type(module).__name__ != '_LazyModule'))",  # registered to load on first use only
)


def test_a_check_answered_from_the_results_cache_imports_no_rule(tmp_path):
    """Importing the rules, the extraction and the version parser is most of the start-up;
    replaying a cached run needs none of them, even where the project declares versions, nor
    does analysing again a changed module the prefilter passes over."""
    root = _project_without_config(tmp_path)
    (root / "pyproject.toml").write_text(
        '[project]\nname = "app"\nrequires-python = ">=3.9"\ndependencies = ["fastapi>=0.100"]\n'
    )

    def analysis_imported() -> str:
        process = subprocess.run([sys.executable, "-c", ANALYSIS_PROBE, "check", str(root)],
                                 capture_output=True, text=True, check=True)
        return process.stdout.strip().splitlines()[-1]

    (root / "src" / "util.py").write_text("def add(a, b):\n    return a + b\n")
    first = analysis_imported()  # the first run analyses, with every rule
    assert "'fastapi_conventions_lint.facts.extract'" in first and "fastapi_conventions_lint.rules." in first
    assert analysis_imported() == "[]"
    # A module no rule looks at, edited: analysed again, by the prefilter alone.
    (root / "src" / "util.py").write_text("def add(a, b):\n    return b + a\n")
    assert analysis_imported() == "[]"


def test_the_codes_known_without_importing_the_rules_are_the_rules_codes():
    from fastapi_conventions_lint.rules import RULES_BY_CODE
    from fastapi_conventions_lint.selection import known_codes

    assert known_codes() == tuple(sorted(RULES_BY_CODE))
