"""The `fastapi-conventions-lint` command."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import __version__, engine, source
from fastapi_conventions_lint.config import ConfigError, Settings, SettingsFinder, load_settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.discover import discover
from fastapi_conventions_lint.fix.files import write_atomic
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


def run_routes(args: argparse.Namespace) -> int:
    """The route table of the app found under a path."""
    import ast
    import json

    from fastapi_conventions_lint.project.index import build_index
    from fastapi_conventions_lint.project.modules import import_roots
    from fastapi_conventions_lint.project.routes import RouteTable, as_json, choose_app, format_text

    if not os.path.exists(args.path):
        return _error(f"{args.path}: no such file or directory")
    finder = SettingsFinder(warn=_warn)
    settings = (
        load_settings(Path(args.config), warn=_warn) if args.config
        else finder.for_directory(Path(args.path if os.path.isdir(args.path) else os.path.dirname(args.path) or ".").resolve())
    )
    selection = CodeSelection.from_settings(settings)
    fallback = Path(args.path if os.path.isdir(args.path) else os.path.dirname(os.path.abspath(args.path)))
    entries = []
    files = list(discover([args.path], lambda _: (settings.exclude + settings.extend_exclude, None)))
    if files:  # the project's real prefix constants replace the table (project/constants.py)
        from fastapi_conventions_lint.project.constants import with_configured_prefixes

        settings = with_configured_prefixes(settings, fallback)
    for path, explicit in files:
        analysis = engine.analyse_path(path, settings, selection, explicit=explicit)
        if analysis.facts is not None:
            entries.append((path, analysis.facts))
    index = build_index(entries, import_roots(settings, fallback), settings)
    app, candidates = choose_app(index, args.app)
    if app is None:
        if args.app:
            return _error(f"no FastAPI app {args.app!r}; apps found: {', '.join(candidates) or 'none'}")
        if not candidates:
            return _error(f"no FastAPI app found under {args.path}")
        return _error(f"several FastAPI apps; choose one with --app: {', '.join(candidates)}")
    table = RouteTable(index)
    routes = table.routes(app)
    for module, include in table.unattached():
        # Never dropped silently: say where routers go that no table can place.
        sys.stderr.write(
            f"fastapi-conventions-lint: note: {module.path}:{include.call.lineno}: include_router on "
            f"`{ast.unparse(include.call.func.value)}`, which cannot be resolved statically: "  # type: ignore[attr-defined]
            "what it includes is not in the table\n"
        )
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(routes), indent=2) + "\n")
    else:
        sys.stdout.write(format_text(routes))
    return EXIT_CLEAN


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
        self._paths = [p for p in args.paths if p != "-"]
        # Settings with the project's real prefix constants, per base settings and directory,
        # and per base settings and project root (one astroid build of one module per root).
        self._analysed: Dict[Tuple[int, str], Tuple[Settings, CodeSelection]] = {}
        self._by_root: Dict[Tuple[int, Path], Settings] = {}

    def _apply(self, settings: Settings) -> Settings:
        return replace(
            settings,
            extend_select=settings.extend_select + self._extend_select,
            **self._overrides,
        )

    def for_path(self, path: str) -> Tuple[Settings, CodeSelection]:
        """The settings a file is analysed with: its project's real prefix constants, read
        statically from the configured api_config object when it resolves, replace the
        `prefixes` table. Resolved on the first file analysed under each project root, never
        for discovery alone (exclude_for)."""
        settings, selection = self._configured(path)
        directory = path if os.path.isdir(path) else os.path.dirname(path)
        key = (id(settings), directory if settings.root is None else "")
        cached = self._analysed.get(key)
        if cached is None:
            root = settings.root or self._argument_root(path)
            resolved = self._by_root.get((id(settings), root))
            if resolved is None:
                from fastapi_conventions_lint.project.constants import with_configured_prefixes

                resolved = with_configured_prefixes(settings, root)
                self._by_root[(id(settings), root)] = resolved
            cached = self._analysed[key] = (resolved, selection)
        return cached

    def _argument_root(self, path: str) -> Path:
        """Without a configured root, the directory argument a file was found under (or the
        file's own directory) stands for the project, as in the project pass."""
        resolved = os.path.abspath(path)
        for argument in self._paths:
            if os.path.isdir(argument):
                directory = os.path.abspath(argument)
                if resolved.startswith(directory.rstrip(os.sep) + os.sep):
                    return Path(directory)
        return Path(resolved if os.path.isdir(resolved) else os.path.dirname(resolved))

    def _configured(self, path: str) -> Tuple[Settings, CodeSelection]:
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
        settings, _ = self._configured(directory)
        root = str(settings.root) if settings.root is not None else None
        return settings.exclude + settings.extend_exclude, root


def _warn(message: str) -> None:
    sys.stderr.write(f"fastapi-conventions-lint: warning: {message}\n")


def _error(message: str) -> int:
    sys.stderr.write(f"fastapi-conventions-lint: error: {message}\n")
    return EXIT_ERROR


class _Run:
    """One `check` or `fix` run over its paths."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.fixing = args.command == "fix" or args.fix or args.diff
        self.settings_source = _SettingsSource(args)
        self.results: List[Tuple[str, List[Diagnostic]]] = []
        self.error = False
        self.fixed = 0
        self.fixed_files = 0
        self.diffs: List[str] = []
        self.analyses: List[Tuple[str, tuple]] = []
        self.refix: List[tuple] = []
        self.notes: Dict[str, Dict[tuple, str]] = {}
        self.moved: Dict[Path, object] = {}  # file -> its text after the cross-file fixes

    def project_contexts(self, files: Sequence[Tuple[str, bool]]) -> Dict[Path, object]:
        """For a fix run: a first pass over every file, so that each file is fixed knowing
        what the rest of the project says about it (nesting, routers named by imports). The
        fixes that edit two files (fix/cross_file.py) are made here, in memory: `self.moved`
        keeps the texts the per-file fixing starts from, and the contexts come from a first
        pass over those texts."""
        from fastapi_conventions_lint.fix.cross_file import prepare

        try:
            prepared = prepare(
                lambda moved: self._first_pass(files, moved), _warn, writing=not self.args.diff
            )
        except Exception as error:  # noqa: BLE001 - fix file by file instead
            _warn(f"project analysis failed, fixing file by file: {type(error).__name__}: {error}")
            return {}
        self.moved = prepared.moved
        return prepared.contexts  # type: ignore[return-value]

    def _first_pass(self, files: Sequence[Tuple[str, bool]], moved: Dict[Path, object]) -> List[tuple]:
        entries = []
        for path, explicit in files:
            if path == "-":
                continue
            settings, selection = self.settings_source.for_path(path)
            moved_file = moved.get(Path(path).resolve())
            try:
                if moved_file is not None:
                    analysis = engine.analyse_source(
                        moved_file.data, path, settings, selection, explicit=explicit  # type: ignore[attr-defined]
                    )
                else:
                    analysis = engine.analyse_path(path, settings, selection, explicit=explicit)
            except Exception:  # noqa: BLE001 - the fix pass reports it
                continue
            root = str(settings.root) if settings.root else self._argument_root(path)
            entries.append((root, Path(path), analysis))
        return entries

    def file(self, path: str, explicit: bool, project: object = None) -> None:
        reading_stdin = path == "-"
        shown = (self.args.stdin_filename or "-") if reading_stdin else path
        settings, selection = self.settings_source.for_path(
            (self.args.stdin_filename or ".") if reading_stdin else path
        )
        try:
            if not self.fixing:
                # First pass: facts only; the project pass concludes every file in finish().
                if reading_stdin:
                    data = sys.stdin.buffer.read()
                    analysis = engine.analyse_source(data, shown, settings, selection, explicit=True)
                else:
                    analysis = engine.analyse_path(path, settings, selection, explicit=explicit)
                root = str(settings.root) if settings.root else self._argument_root(path)
                self.analyses.append((shown, (root, Path(path if not reading_stdin else shown), analysis)))
                return
            diagnostics = self._fix(path, shown, reading_stdin, explicit, settings, selection, project)
        except Exception as error:  # noqa: BLE001 - reported, and the run goes on
            self.error = True
            _error(f"{shown}: internal error: {type(error).__name__}: {error}")
            return
        if self.fixing and not self.args.diff and not reading_stdin:
            # What remains is reported by a project pass over the files as they now are, so
            # that `fix` reports exactly what `check` would; this file's notes on fixes that
            # could not be applied are carried over.
            root = str(settings.root) if settings.root else self._argument_root(path)
            self.refix.append((shown, path, explicit, settings, selection, root, diagnostics))
            return
        self.results.append((shown, diagnostics))

    def _recheck_fixed(self) -> None:
        for shown, path, explicit, settings, selection, root, per_file in self.refix:
            analysis = engine.analyse_path(path, settings, selection, explicit=explicit)
            self.analyses.append((shown, (root, Path(path), analysis)))
            self.notes[shown] = {
                (d.line, d.col, d.code): d.message for d in per_file if "(fix not applied:" in d.message
            }
        self.refix = []

    def _argument_root(self, path: str) -> str:
        """Without a configured project root, the directory argument a file was found under
        (or the file's own directory) stands for the project."""
        resolved = os.path.abspath(path)
        for argument in self.args.paths:
            if argument != "-" and os.path.isdir(argument):
                directory = os.path.abspath(argument)
                if resolved.startswith(directory.rstrip(os.sep) + os.sep):
                    return directory
        return os.path.dirname(resolved)

    def conclude(self) -> None:
        """The project pass: link the checked files and conclude each with what concerns it."""
        if not self.analyses:
            return
        from fastapi_conventions_lint.project.run import link_and_conclude

        try:
            concluded = link_and_conclude([entry for _, entry in self.analyses])
        except Exception as error:  # noqa: BLE001 - fall back to file-by-file results
            self.error = True
            _error(f"project analysis failed: {type(error).__name__}: {error}")
            concluded = [entry[2].conclude() for _, entry in self.analyses]
        for (shown, _), diagnostics in zip(self.analyses, concluded):
            notes = self.notes.get(shown, {})
            if notes:
                diagnostics = [
                    replace(d, message=notes.get((d.line, d.col, d.code), d.message))
                    for d in diagnostics
                ]
            self.results.append((shown, diagnostics))

    def _fix(self, path, shown, reading_stdin, explicit, settings, selection, project=None) -> List[Diagnostic]:
        if reading_stdin:
            data = sys.stdin.buffer.read()
        else:
            try:
                data = source.read_bytes(path)
            except source.NotChecked:
                return engine.check_path(path, settings, selection, explicit=explicit)
        # Imported here: LibCST costs a third of a second to import, and only fixing needs it.
        from fastapi_conventions_lint.fix.session import fix_file

        moved = None if reading_stdin else self.moved.get(Path(path).resolve())
        result = fix_file(
            data, shown, settings, selection,
            explicit=explicit or reading_stdin, unsafe=self.args.unsafe_fixes, project=project,
            start=moved.text if moved is not None else None,  # type: ignore[attr-defined]
        )
        if moved is not None:
            result.fixed += moved.fixed  # type: ignore[attr-defined]
        if result.note:
            _warn(f"{shown}: {result.note}")
        if result.text is not None:
            self.fixed += result.fixed
            self.fixed_files += 1
            if self.args.diff:
                self.diffs.append(result.diff(shown))
            elif not reading_stdin:
                try:
                    write_atomic(path, result.data)  # type: ignore[arg-type]
                except OSError as error:
                    self.error = True
                    self.fixed -= result.fixed
                    self.fixed_files -= 1
                    _error(f"{shown}: could not write the fixed file: {error.strerror or error}; "
                           f"the original is unchanged")
                    # Report the file as it still is.
                    return engine.check_source(data, shown, settings, selection, explicit=True)
        if reading_stdin and not self.args.diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(result.data if result.data is not None else data)
            sys.stdout.flush()
        return result.diagnostics

    def finish(self) -> int:
        self._recheck_fixed()
        self.conclude()
        self.results.sort(key=lambda item: item[0])
        if self.args.diff:
            for diff in sorted(self.diffs):
                sys.stdout.write(diff)
            # A file that could not be checked is not silently passed over in a preview.
            unchecked = [
                (shown, [d for d in found if d.code == engine.NOT_CHECKED])
                for shown, found in self.results
            ]
            for shown, found in unchecked:
                for diagnostic in found:
                    sys.stderr.write(
                        f"{shown}:{diagnostic.line}:{diagnostic.col + 1}: "
                        f"{diagnostic.code} {diagnostic.message}\n"
                    )
            sys.stderr.write(
                f"Would fix {_plural(self.fixed, 'violation')} in {_plural(self.fixed_files, 'file')}.\n"
            )
            if self.error:
                return EXIT_ERROR
            failed = self.diffs or any(found for _, found in unchecked)
            return EXIT_VIOLATIONS if failed and not self.args.exit_zero else EXIT_CLEAN
        out = sys.stdout
        if self.fixing and "-" in self.args.paths:
            out = sys.stderr  # the fixed source goes to stdout
        if self.fixing:
            out.write(f"Fixed {_plural(self.fixed, 'violation')} in {_plural(self.fixed_files, 'file')}.\n")
        write_text(self.results, out)
        # Only a fix run hints at --unsafe-fixes: without --fix the flag fixes nothing, and a
        # plain check's output ends with its "Found ..." summary line.
        unsafe_only = self.fixing and not self.args.unsafe_fixes and sum(
            1 for _, found in self.results for d in found if d.fix is not None and not d.fix.safe
        )
        if unsafe_only:
            out.write(f"{_plural(unsafe_only, 'violation')} can be fixed with --unsafe-fixes.\n")
        if self.error:
            return EXIT_ERROR
        found = any(diagnostics for _, diagnostics in self.results)
        return EXIT_VIOLATIONS if found and not self.args.exit_zero else EXIT_CLEAN


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def run_check(args: argparse.Namespace) -> int:
    # The run keeps every checked file's facts for the project pass; those hold no cycles
    # worth collecting, and the collector's passes over the growing heap cost more than
    # the parse itself on large projects.
    gc.disable()
    try:
        return _run_check(args)
    finally:
        gc.enable()


def _run_check(args: argparse.Namespace) -> int:
    run = _Run(args)
    files = []
    for path, explicit in discover(args.paths, run.settings_source.exclude_for):
        if path == "-" and any(seen == "-" for seen, _ in files):
            continue
        files.append((path, explicit))
    contexts = run.project_contexts(files) if run.fixing else {}
    for path, explicit in files:
        context = contexts.get(Path(path).resolve()) if path != "-" else None
        run.file(path, explicit, context)
    return run.finish()


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
        return _error(str(error))
    except KeyboardInterrupt:  # pragma: no cover - interactive only
        return EXIT_ERROR
    except BrokenPipeError:  # pragma: no cover - `| head` closed the pipe
        return EXIT_CLEAN

