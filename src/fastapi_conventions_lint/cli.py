"""The `fastapi-conventions-lint` command: its arguments, and the command each one runs."""

from __future__ import annotations

import argparse
import sys
from typing import List, Optional, Sequence

from fastapi_conventions_lint import __version__
from fastapi_conventions_lint.commands.check import run_check
from fastapi_conventions_lint.commands.common import EXIT_CLEAN, EXIT_ERROR, fail
from fastapi_conventions_lint.commands.routes import run_routes
from fastapi_conventions_lint.config import ConfigError

_EXAMPLES = """\
examples:
  fastapi-conventions-lint check                      check the project in this directory
  fastapi-conventions-lint check src/ --select FCL0   only the router rules
  fastapi-conventions-lint check --ignore FCL101 app.py
  cat app.py | fastapi-conventions-lint check - --stdin-filename app.py
"""


def _codes(value: str) -> List[str]:
    return [code.strip() for code in value.replace(" ", ",").split(",") if code.strip()]


class _Codes(argparse.Action):
    """`--select A,B --select C` accumulates."""

    def __call__(self, parser, namespace, values, option_string=None):  # type: ignore[override]
        current = getattr(namespace, self.dest) or []
        setattr(namespace, self.dest, current + _codes(values))


_FIX_EXAMPLES = """\
examples:
  fastapi-conventions-lint fix --diff                 preview the safe fixes as a diff
  fastapi-conventions-lint fix                        apply them
  fastapi-conventions-lint fix --unsafe-fixes src/    also apply fixes that change behaviour
  fastapi-conventions-lint fix --select FCL001 src/   fix one rule only
"""


def _add_check_arguments(command: argparse.ArgumentParser, *, fixing: bool) -> None:
    command.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                         help="files or directories to check ('-' reads standard input); default: .")
    command.add_argument("--config", metavar="PYPROJECT",
                         help="read settings from this pyproject.toml instead of searching for one")
    command.add_argument("--select", action=_Codes, metavar="CODES",
                         help="codes or prefixes to report (replaces the configured list)")
    command.add_argument("--ignore", action=_Codes, metavar="CODES",
                         help="codes or prefixes not to report (replaces the configured list)")
    command.add_argument("--extend-select", action=_Codes, metavar="CODES",
                         help="codes or prefixes to report in addition to the selection")
    command.add_argument("--exit-zero", action="store_true",
                         help="exit 0 even when violations are found (2 still means an error)")
    command.add_argument("--stdin-filename", metavar="PATH",
                         help="the name to report and to find settings for when reading '-'")
    if not fixing:
        command.add_argument("--fix", action="store_true",
                             help="apply safe fixes in place, then report what remains")
    command.add_argument("--diff", action="store_true",
                         help="print the fixes as a unified diff and write nothing")
    command.add_argument("--unsafe-fixes", action="store_true",
                         help="also apply fixes that change behaviour (served URLs, added calls)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastapi-conventions-lint",
        description="Check a FastAPI project against its router, handler and dependency conventions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report convention violations (and fix them with --fix)",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_check_arguments(check, fixing=False)
    fix = commands.add_parser(
        "fix",
        help="apply fixes: the same as check --fix",
        epilog=_FIX_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_check_arguments(fix, fixing=True)
    routes = commands.add_parser(
        "routes",
        help="print the application's static route table (without importing it)",
    )
    routes.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="a project directory or one module file; default: .")
    routes.add_argument("--app", metavar="MODULE:NAME",
                        help="the FastAPI app to list when the project has several")
    routes.add_argument("--format", choices=("text", "json"), default="text")
    routes.add_argument("--config", metavar="PYPROJECT",
                        help="read settings from this pyproject.toml instead of searching for one")
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        if args.command == "routes":
            return run_routes(args)
        return run_check(args)
    except ConfigError as error:
        return fail(str(error))
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return EXIT_ERROR
    except BrokenPipeError:  # pragma: no cover - `| head` closed the pipe
        return EXIT_CLEAN

