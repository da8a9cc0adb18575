"""The `fastapi-conventions-lint` command: its arguments, and the command each one runs."""

from __future__ import annotations

import argparse
import os
import sys
from typing import List, Optional, Sequence

from fastapi_conventions_lint import __version__
from fastapi_conventions_lint.commands.check import run_check
from fastapi_conventions_lint.commands.common import EXIT_CLEAN, EXIT_ERROR, EXIT_INTERRUPTED, discard_stdout, fail
from fastapi_conventions_lint.config import ConfigError
from fastapi_conventions_lint.cache import ENVIRONMENT as CACHE_ENVIRONMENT
from fastapi_conventions_lint.report import ENVIRONMENT, FORMATS

_EXAMPLES = """\
examples:
  fastapi-conventions-lint check                      check the project in this directory
  fastapi-conventions-lint check src/ --select FCL0   only the router rules
  fastapi-conventions-lint check --ignore FCL101 app.py
  fastapi-conventions-lint check -q src/              the violations only, no summary line
  fastapi-conventions-lint check -v src/              also say which files were skipped, and why
  fastapi-conventions-lint check --add-noqa           a baseline: `# noqa: CODE` on every violation
  fastapi-conventions-lint check --show-files         the files a run would check, excludes applied
  fastapi-conventions-lint check --output-format gitlab > codequality.json
  cat app.py | fastapi-conventions-lint check --stdin-filename app.py
"""

_MAIN_EXAMPLES = """\
examples:
  fastapi-conventions-lint check                      report the violations under this directory
  fastapi-conventions-lint fix --diff                 preview the safe fixes
  fastapi-conventions-lint routes src/                the app's route table
  fastapi-conventions-lint init-config --diff         the config object the FCL001 fixes import
  fastapi-conventions-lint rules                      every rule, with its fix
  fastapi-conventions-lint explain FCL001             one rule: why, and what to write instead

Run 'fastapi-conventions-lint COMMAND --help' for a command's options.
"""

_ROUTES_EXAMPLES = """\
examples:
  fastapi-conventions-lint routes                     the app's routes, as FastAPI would serve them
  fastapi-conventions-lint routes src/ --format json  methods, path, endpoint, file, line, tags
  fastapi-conventions-lint routes --app server.main:app
  fastapi-conventions-lint routes --format json              the API snapshot for CI: redirect to routes.json
  fastapi-conventions-lint routes --check routes.json        exit 1 when the API changed since
  fastapi-conventions-lint routes --format markdown          a table for a README
"""

_INIT_CONFIG_EXAMPLES = """\
examples:
  fastapi-conventions-lint init-config --diff   what it would write to the api-config module
  fastapi-conventions-lint init-config          write it; then `fix` can make the FCL001 fixes
"""

_RULES_EXAMPLES = """\
examples:
  fastapi-conventions-lint rules                      code, name, fix, scope, on by default
  fastapi-conventions-lint rules --format json
"""


class _Formatter(argparse.RawDescriptionHelpFormatter):
    """argparse's own, with the terminal's width read without `shutil`: argparse makes a
    formatter for every argument it adds, and `shutil` (with the compression modules it
    loads) would be a run's only reason to import it."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: Optional[int] = None) -> None:
        if width is None:
            width = _columns() - 2  # as argparse does
        super().__init__(prog, indent_increment, max_help_position, width)


def _columns() -> int:
    """The terminal's width, as `shutil.get_terminal_size` reads it: $COLUMNS, else the
    terminal of standard output, else 80."""
    try:
        given = int(os.environ.get("COLUMNS", "0"))  # noqa: FCL502 - the terminal's, as shutil reads it
    except ValueError:
        given = 0
    if given > 0:
        return given
    try:
        return os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80


class _Parser(argparse.ArgumentParser):
    """Usage errors in one line that says where to look, not the whole usage block."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_ERROR, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _codes(value: str) -> List[str]:
    return [code.strip() for code in value.replace(" ", ",").split(",") if code.strip()]


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = 0
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"expected a number of processes (1 or more), got {value!r}")
    return jobs


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
    command.add_argument("paths", nargs="*", metavar="PATH",
                         help="files or directories to check ('-' reads standard input); default: "
                              "., or standard input when --stdin-filename is given")
    command.add_argument("--config", metavar="PYPROJECT",
                         help="read settings from this pyproject.toml instead of searching for one")
    command.add_argument("--select", action=_Codes, metavar="CODES",
                         help="codes or prefixes to report (replaces the configured list)")
    command.add_argument("--ignore", action=_Codes, metavar="CODES",
                         help="codes or prefixes not to report (replaces the configured list)")
    command.add_argument("--extend-select", action=_Codes, metavar="CODES",
                         help="codes or prefixes to report in addition to the selection")
    command.add_argument("--extend-ignore", action=_Codes, metavar="CODES",
                         help="codes or prefixes not to report, in addition to the ignored ones")
    command.add_argument("--exit-zero", action="store_true",
                         help="exit 0 even when violations are found (2 still means an error)")
    command.add_argument("--stdin-filename", metavar="PATH",
                         help="the name to report and to find settings for when reading '-' "
                              "(given without paths, it reads standard input)")
    command.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                         help="skip what git ignores (.gitignore, .git/info/exclude, the global "
                              "excludes file) when walking directories (default: on)")
    command.add_argument("--force-exclude", action="store_true",
                         help="apply exclude and extend-exclude to files named on the command line "
                              "too (pre-commit names every changed file)")
    command.add_argument("--show-files", action="store_true",
                         help="list the files that would be checked (excludes applied) and stop")
    command.add_argument("--show-settings", action="store_true",
                         help="print the settings the first path is checked with and stop")
    if not fixing:
        command.add_argument("--fix", action="store_true",
                             help="apply safe fixes in place, then report what remains")
        command.add_argument("--add-noqa", action="store_true",
                             help="add `# noqa: CODE` to every line with a violation (a baseline "
                                  "for an existing code base), and say how many")
    command.add_argument("-j", "--jobs", type=_jobs, metavar="N",
                         help="analyse (check) or fix the files in N processes when there are "
                              "enough of them (default: one per core; 1: in this process)")
    command.add_argument("--diff", action="store_true",
                         help="print the fixes as a unified diff and write nothing")
    command.add_argument("--unsafe-fixes", action="store_true",
                         help="also apply fixes that change behaviour (served URLs, added calls)")
    command.add_argument("--output-format", choices=FORMATS, metavar="FORMAT",
                         help=f"how to report: {', '.join(FORMATS)} (default: ${ENVIRONMENT}, "
                              "else text); a fix run reports what remains in it")
    command.add_argument("--no-cache", action="store_true",
                         help="neither read nor write the results cache, which a check without "
                              f"fixes keeps (where: the cache-dir key, ${CACHE_ENVIRONMENT})")
    command.add_argument("--statistics", action="store_true",
                         help="print how many violations each code has, and how many are fixable, "
                              "instead of each violation")
    chatter = command.add_mutually_exclusive_group()
    chatter.add_argument("-q", "--quiet", action="count", default=0,
                         help="print the violations only, no summary lines; -qq prints nothing "
                              "(the exit status says it all; errors still go to stderr)")
    chatter.add_argument("-v", "--verbose", action="count", default=0,
                         help="also say on stderr which files were skipped and why (excluded, "
                              "not a .py file, nothing a rule looks at), and which settings apply")


def build_parser(only: Optional[str] = None) -> argparse.ArgumentParser:
    """The command line's parser; `only`: the one command to add (the command given: a run
    builds one command's arguments, not the six)."""
    parser = _Parser(
        prog="fastapi-conventions-lint",
        description="Check a FastAPI project against its router, handler and dependency conventions.",
        epilog=_MAIN_EXAMPLES,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, add in _COMMANDS:
        if only is None or only == name:
            add(commands)
    return parser


def _add_check(commands) -> None:
    check = commands.add_parser(
        "check",
        help="report convention violations (and fix them with --fix)",
        epilog=_EXAMPLES,
    )
    _add_check_arguments(check, fixing=False)


def _add_fix(commands) -> None:
    fix = commands.add_parser(
        "fix",
        help="apply fixes: the same as check --fix",
        epilog=_FIX_EXAMPLES,
    )
    _add_check_arguments(fix, fixing=True)


def _add_routes(commands) -> None:
    routes = commands.add_parser(
        "routes",
        help="print the application's static route table (without importing it)",
        epilog=_ROUTES_EXAMPLES,
    )
    routes.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="a project directory or one module file; default: .")
    routes.add_argument("--app", metavar="MODULE:NAME",
                        help="the FastAPI app to list when the project has several (or "
                             "FILE.py:NAME, for apps of one module name in several folders)")
    routes.add_argument("--format", choices=("text", "json", "markdown", "github"), default="text",
                        help="text (default), json (the snapshot form), markdown; with --check, "
                             "github gives annotations")
    routes.add_argument("--check", metavar="SNAPSHOT",
                        help="compare with a snapshot written by `routes --format json`; exit 1 "
                             "when operations were added, removed or changed")
    routes.add_argument("--config", metavar="PYPROJECT",
                        help="read settings from this pyproject.toml instead of searching for one")
    routes.add_argument("-v", "--verbose", action="store_true",
                        help="name each include_router the table cannot place (else one line says how many)")


def _add_init_config(commands) -> None:
    init_config = commands.add_parser(
        "init-config",
        help="write the config object (api_config) with the prefix constants the project uses",
        epilog=_INIT_CONFIG_EXAMPLES,
    )
    init_config.add_argument("path", nargs="?", default=".", metavar="PATH",
                             help="a project directory or one module file; default: .")
    init_config.add_argument("--diff", action="store_true",
                             help="show what would be written, write nothing (exit 1 when there is something)")
    init_config.add_argument("--config", metavar="PYPROJECT",
                             help="read settings from this pyproject.toml instead of searching for one")


def _add_rules(commands) -> None:
    rules = commands.add_parser(
        "rules", help="list every rule: code, name, fix, scope, on by default",
        epilog=_RULES_EXAMPLES,
    )
    rules.add_argument("--format", choices=("text", "json"), default="text")


def _add_explain(commands) -> None:
    explain = commands.add_parser(
        "explain",
        help="explain one rule: rationale, where it runs, its fix, examples",
        epilog="example:\n  fastapi-conventions-lint explain FCL001",
    )
    explain.add_argument("code", metavar="CODE", help="a rule code (FCL001) or name")


# In the order `--help` lists them.
_COMMANDS = (
    ("check", _add_check), ("fix", _add_fix), ("routes", _add_routes),
    ("init-config", _add_init_config), ("rules", _add_rules), ("explain", _add_explain),
)


def _command_parser(parser: argparse.ArgumentParser, command: Optional[str]) -> argparse.ArgumentParser:
    for action in parser._actions:  # argparse keeps the subcommands' parsers here
        if isinstance(action, argparse._SubParsersAction) and command in action.choices:
            return action.choices[command]
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    # Each command's module is imported when it runs: `check` answered from the results cache
    # imports no rule.
    if args.command == "routes":
        from fastapi_conventions_lint.commands.routes import run_routes

        return run_routes(args)
    if args.command == "init-config":
        from fastapi_conventions_lint.commands.init_config import run_init_config

        return run_init_config(args)
    if args.command in ("rules", "explain"):
        from fastapi_conventions_lint.commands import rules

        return (rules.run_rules if args.command == "rules" else rules.run_explain)(args)
    return run_check(args)


def main(argv: Optional[Sequence[str]] = None) -> int:
    given = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(given[0] if given and given[0] in dict(_COMMANDS) else None)
    args, extra = parser.parse_known_args(given)
    if extra:  # named by the command's parser, so that the hint points at its --help
        _command_parser(parser, args.command).error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        return fail("no command given: run 'fastapi-conventions-lint check' to check this "
                    "directory, or see 'fastapi-conventions-lint --help'")
    try:
        return _dispatch(args)
    except ConfigError as error:
        return fail(str(error))
    except KeyboardInterrupt:  # `routes`, `init-config`: nothing is half-written
        fail("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `routes | head` closed the pipe: nothing more to say
        discard_stdout()
        return EXIT_CLEAN
    except Exception as error:  # noqa: BLE001 - one line, not a traceback (unless -v)
        verbose = getattr(args, "verbose", None)
        if verbose:
            import traceback

            traceback.print_exc()
        hint = "; run again with -v to see the traceback" if verbose == 0 else ""
        return fail(f"internal error: {type(error).__name__}: {error}{hint}; please report it")


def run() -> None:
    """The command's entry point: `main`, then, once the output is flushed, an exit that
    skips freeing every object of the run (half a second after a fix over 70 kLOC; all files
    are written and closed by then). Under a tracer (coverage) the interpreter exits as
    usual, so that its exit handlers run."""
    code = main()
    if sys.gettrace() is not None or "coverage" in sys.modules:
        sys.exit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        pass  # a reader that went away: the exit status still tells
    os._exit(code)
