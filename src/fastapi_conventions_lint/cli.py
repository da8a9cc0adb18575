"""The `fastapi-conventions-lint` command."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import __version__, engine
from fastapi_conventions_lint.config import ConfigError, Settings, SettingsFinder, load_settings
from fastapi_conventions_lint.discover import discover
from fastapi_conventions_lint.report.text import write_text
from fastapi_conventions_lint.selection import CodeSelection

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2

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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fastapi-conventions-lint",
        description="Check a FastAPI project against its router, handler and dependency conventions.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="report convention violations",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                       help="files or directories to check ('-' reads standard input); default: .")
    check.add_argument("--config", metavar="PYPROJECT",
                       help="read settings from this pyproject.toml instead of searching for one")
    check.add_argument("--select", action=_Codes, metavar="CODES",
                       help="codes or prefixes to report (replaces the configured list)")
    check.add_argument("--ignore", action=_Codes, metavar="CODES",
                       help="codes or prefixes not to report (replaces the configured list)")
    check.add_argument("--extend-select", action=_Codes, metavar="CODES",
                       help="codes or prefixes to report in addition to the selection")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when violations are found (2 still means an error)")
    check.add_argument("--stdin-filename", metavar="PATH",
                       help="the name to report and to find settings for when reading '-'")
    return parser


class _SettingsSource:
    """Settings per file: `--config` for all, else the nearest pyproject.toml; command-line
    options applied on top."""

    def __init__(self, args: argparse.Namespace) -> None:
        self._overrides: Dict[str, Tuple[str, ...]] = {}
        if args.select is not None:
            self._overrides["select"] = tuple(args.select)
        if args.ignore is not None:
            self._overrides["ignore"] = tuple(args.ignore)
        self._extend_select = tuple(args.extend_select or ())
        self._fixed: Optional[Settings] = None
        if args.config:
            self._fixed = self._apply(load_settings(Path(args.config), warn=_warn))
        self._finder = SettingsFinder(warn=_warn)
        self._applied: Dict[int, Tuple[Settings, CodeSelection]] = {}
        self._by_directory: Dict[str, Settings] = {}

    def _apply(self, settings: Settings) -> Settings:
        return replace(
            settings,
            extend_select=settings.extend_select + self._extend_select,
            **self._overrides,
        )

    def for_path(self, path: str) -> Tuple[Settings, CodeSelection]:
        if self._fixed is not None:
            base = self._fixed
        else:
            directory = path if os.path.isdir(path) else os.path.dirname(path)
            base = self._by_directory.get(directory)  # one resolve() per directory
            if base is None:
                base = self._finder.for_directory(Path(directory or ".").resolve())
                self._by_directory[directory] = base
        cached = self._applied.get(id(base))
        if cached is None:
            settings = base if self._fixed is not None else self._apply(base)
            cached = (settings, CodeSelection.from_settings(settings))
            self._applied[id(base)] = cached
        return cached

    def exclude_for(self, directory: str) -> Tuple[Sequence[str], Optional[str]]:
        settings, _ = self.for_path(directory)
        root = str(settings.root) if settings.root is not None else None
        return settings.exclude + settings.extend_exclude, root


def _warn(message: str) -> None:
    sys.stderr.write(f"fastapi-conventions-lint: warning: {message}\n")


def _error(message: str) -> int:
    sys.stderr.write(f"fastapi-conventions-lint: error: {message}\n")
    return EXIT_ERROR


def run_check(args: argparse.Namespace) -> int:
    settings_source = _SettingsSource(args)
    results: List[Tuple[str, list]] = []
    internal_error = False
    stdin_used = False
    for path, explicit in discover(args.paths, settings_source.exclude_for):
        if path == "-":
            if stdin_used:
                continue
            stdin_used = True
            shown = args.stdin_filename or "-"
            settings, selection = settings_source.for_path(args.stdin_filename or ".")
            data = sys.stdin.buffer.read()
            try:
                diagnostics = engine.check_source(data, shown, settings, selection, explicit=True)
            except Exception as error:  # noqa: BLE001 - reported, and the run goes on
                internal_error = True
                _error(f"{shown}: internal error: {type(error).__name__}: {error}")
                continue
            results.append((shown, diagnostics))
            continue
        settings, selection = settings_source.for_path(path)
        try:
            diagnostics = engine.check_path(path, settings, selection, explicit=explicit)
        except Exception as error:  # noqa: BLE001 - reported, and the run goes on
            internal_error = True
            _error(f"{path}: internal error: {type(error).__name__}: {error}")
            continue
        results.append((path, diagnostics))
    results.sort(key=lambda item: item[0])
    write_text(results, sys.stdout)
    if internal_error:
        return EXIT_ERROR
    found = any(diagnostics for _, diagnostics in results)
    return EXIT_VIOLATIONS if found and not args.exit_zero else EXIT_CLEAN


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_ERROR
    try:
        return run_check(args)
    except ConfigError as error:
        return _error(str(error))
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return EXIT_ERROR
    except BrokenPipeError:  # pragma: no cover - `| head` closed the pipe
        return EXIT_CLEAN

