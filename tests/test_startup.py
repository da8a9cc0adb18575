"""The cheap path stays cheap: checking never imports LibCST or astroid (a third of a second
and more at start-up); only fixing does."""

import subprocess
import sys

from conftest import FIXTURES

PROBE = (
    "import io, sys, contextlib\n"
    "from fastapi_conventions_lint.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    main(sys.argv[1:])\n"
    "print(sorted(m for m in ('libcst', 'astroid') if m in sys.modules))\n"
)


def _heavy_modules_after(*args: str) -> str:
    process = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True
    )
    return process.stdout.strip().splitlines()[-1]


def test_check_imports_neither_libcst_nor_astroid():
    assert _heavy_modules_after("check", str(FIXTURES / "violations_app")) == "[]"


def test_fix_diff_brings_in_libcst_only_when_there_is_something_to_fix():
    assert _heavy_modules_after("fix", "--diff", str(FIXTURES / "clean_app")) == "[]"
    assert _heavy_modules_after("fix", "--diff", str(FIXTURES / "violations_app")) == "['libcst']"
