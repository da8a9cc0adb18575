"""`check` and `fix`: a first pass over every file (facts), the project pass (linking,
project rules), fixes where asked, then the report."""

from __future__ import annotations

import argparse
import gc
import io
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import cache, gitignore, source
from fastapi_conventions_lint.commands.common import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_VIOLATIONS,
    discard_stdout,
    fail,
    info,
    plural,
    warn,
)
from fastapi_conventions_lint.commands.settings import SettingsSource
from fastapi_conventions_lint.config import ConfigError
from fastapi_conventions_lint.diagnostics import NOT_CHECKED, Diagnostic, fixable
from fastapi_conventions_lint.discover import discover, shared_walks
from fastapi_conventions_lint.lazy import lazy_module
from fastapi_conventions_lint.project.layout import real_path
from fastapi_conventions_lint.report import output_format, write_report
from fastapi_conventions_lint.report.progress import progress_for

# The rules come with the engine: a run answered from the results cache needs neither.
engine = lazy_module("fastapi_conventions_lint.engine")
_relevance = lazy_module("fastapi_conventions_lint.project.relevance")
parallel = lazy_module("fastapi_conventions_lint.parallel")
compact_tree = lazy_module("fastapi_conventions_lint.compact_tree")


class CheckRun:
    """One `check` or `fix` run over its paths."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.fixing = args.command == "fix" or args.fix or args.diff
        self.settings_source = SettingsSource(args)
        self.output_format = output_format(getattr(args, "output_format", None))
        self.results: List[Tuple[str, List[Diagnostic]]] = []
        self.error = False
        self.fixed = 0
        self.fixed_files = 0
        self.diffs: List[str] = []
        self.written: List[str] = []  # files rewritten so far (what an interrupt reports)
        self._warned: set = set()  # warnings given (a fix's later rounds repeat none)
        self.quiet_skips = False
        # Files of cross-file moves, fixed and waiting to be written together:
        # (shown, path, new bytes, bytes read, bytes the moves were made from, fixes).
        self.staged: List[Tuple[str, str, bytes, bytes, bytes, int]] = []
        self.analyses: List[Tuple[str, tuple]] = []
        self._projects: object = None
        self.refix: List[tuple] = []
        self.notes: Dict[str, Dict[tuple, str]] = {}
        self.moved: Dict[Path, object] = {}  # file -> its text after the cross-file fixes
        self.refused: Dict[tuple, str] = {}  # cross_file.refusal_key -> why a move was not made
        # A fix run's first pass, concluded as `check` concludes it: path -> (entry, its
        # diagnostics). A file none of whose diagnostics has a fix to apply is not fixed
        # file by file, and when no file changes, these are the run's results.
        self.first: Dict[str, Tuple[tuple, List[Diagnostic]]] = {}
        self._reused: Dict[str, List[Diagnostic]] = {}  # shown -> conclusions taken from `first`
        self.earlier_pass: Dict[str, object] = {}  # a fix run's last first pass, by path (fix/first_pass.py)
        self.fixed_elsewhere = None  # a fix round's files fixed in workers (fix/workers.py)
        # Processes for the first pass (parallel.py) and a fix round's fixes (fix/workers.py); None: one per core.
        self.jobs: Optional[int] = getattr(args, "jobs", None)
        # -q: the diagnostics only; -qq: the exit status only. -v: what was skipped, and why.
        self.quiet: int = getattr(args, "quiet", 0) or 0
        self.verbose: int = getattr(args, "verbose", 0) or 0
        self.skipped: List[Tuple[str, str]] = []
        self._settings_told: set = set()
        # The lines of files whose results came from the results cache (cache.py).
        self.replayed_sources: Dict[str, List[str]] = {}

    def unreadable_link(self, path: str) -> None:
        """A symbolic link named or walked that resolves to no file: its FCL900."""
        settings, selection = self.settings_source.for_path(path)
        if selection.enabled(NOT_CHECKED, selection.ignores_for(path, settings.root)):
            self.results.append((path, [Diagnostic(
                1, 0, NOT_CHECKED,
                "could not read file: a symbolic link that leads to no file (a loop, or a missing target)",
            )]))

    def skip(self, path: str, why: str) -> None:
        """A file or directory passed over (discovery, the prefilter); `-v` shows it."""
        self.skipped.append((path, why))
        if self.verbose and not self.quiet_skips:
            info(f"skipped {path}: {why}")

    def tell_settings(self, settings) -> None:
        """`-v`: where each project's settings come from, the first time they are used."""
        if not self.verbose or settings.source in self._settings_told:
            return
        self._settings_told.add(settings.source)
        if settings.source is None:
            info("settings: the defaults (no pyproject.toml with [tool.fastapi-conventions-lint] found)")
        else:
            info(f"settings: {settings.source}")

    def project_contexts(self, files: Sequence[Tuple[str, bool]]) -> Dict[Path, object]:
        """For a fix run: a first pass over every file, so that each file is fixed knowing
        what the rest of the project says about it (nesting, routers named by imports). The
        fixes that edit two files (fix/cross_file.py) are made here, in memory: `self.moved`
        keeps the texts the per-file fixing starts from, and the contexts come from a first
        pass over those texts."""
        from fastapi_conventions_lint.fix.cross_file import prepare

        try:
            prepared = prepare(
                lambda moved: self._first_pass(files, moved), self.warn_once, writing=not self.args.diff
            )
        except ConfigError:
            raise  # one line, as in `check`
        except Exception as error:  # noqa: BLE001 - fix file by file instead
            warn(f"project analysis failed, fixing file by file: {type(error).__name__}: {error}")
            return {}
        self.moved = prepared.moved
        self.refused = prepared.refused
        self.first = self._concluded_first_pass(prepared.entries)
        return prepared.contexts  # type: ignore[return-value]

    def _concluded_first_pass(self, entries: Sequence[tuple]) -> Dict[str, Tuple[tuple, List[Diagnostic]]]:
        """The first pass's files with what `check` would report for them (nothing when the
        project pass fails: then every file goes through the fixer, as before)."""
        if not entries:
            return {}
        from fastapi_conventions_lint.project_pass import link_and_conclude

        try:
            concluded, _ = link_and_conclude(entries)
        except Exception:  # noqa: BLE001 - the fixer then checks each file itself
            return {}
        return {str(entry[0]): (entry, found) for entry, found in zip(entries, concluded)}

    @property
    def projects(self):
        """The run's project models (project_pass.Projects), made on first use."""
        if self._projects is None:
            from fastapi_conventions_lint.project_pass import Projects

            self._projects = Projects(
                self.settings_source.base_for_directory, self.settings_source.layouts
            )
        return self._projects

    def _first_pass(self, files: Sequence[Tuple[str, bool]], moved: Dict[Path, object]) -> List[tuple]:
        """Every file analysed as it is now, its facts kept for the fixes (fix/first_pass.py)."""
        from fastapi_conventions_lint.fix.first_pass import analyse_all

        self._projects = self.projects.fresh()
        return analyse_all(self, files, moved)

    def file(self, path: str, explicit: bool, project: object = None) -> None:
        reading_stdin = path == "-"
        shown = (self.args.stdin_filename or "-") if reading_stdin else path
        settings, selection = self.settings_source.for_path(
            (self.args.stdin_filename or ".") if reading_stdin else path
        )
        self.tell_settings(settings)
        try:
            if not self.fixing:
                # First pass: facts only; the project pass concludes every file in finish().
                if reading_stdin:
                    data = sys.stdin.buffer.read()
                    analysis = engine.analyse_source(
                        data, shown, settings, selection, explicit=True,
                        lookup=self.lookup_for(shown, settings), compact=self.compacts(shown),
                    )
                else:
                    analysis = engine.analyse_path(
                        path, settings, selection, explicit=explicit,
                        lookup=self.lookup_for(path, settings), compact=self.compacts(path),
                    )
                if analysis.skipped:
                    self.skip(shown, analysis.skipped)
                if analysis.facts is not None:
                    analysis.find_before_linking()
                    if not _relevance.holds_project_facts(analysis.facts, analysis.lines):
                        analysis.set_facts_aside()  # the project pass reads it again if asked
                    else:
                        analysis.hold_compactly()
                named = shown if reading_stdin else path
                self.analyses.append((shown, (Path(named), analysis, self.projects.index_for(named, settings))))
                return
            diagnostics = self._fix(path, shown, reading_stdin, explicit, settings, selection, project)
        except Exception as error:  # noqa: BLE001 - the file's FCL900, and the run goes on
            if self.verbose:
                import traceback

                traceback.print_exc()
            if not isinstance(error, (MemoryError, RecursionError)):
                self.error = True  # a fault of this tool: exit 2
                fail(f"{shown}: internal error: {type(error).__name__}: {error}")
            if selection.enabled(NOT_CHECKED, selection.ignores_for(shown, settings.root)):
                self.results.append((shown, [engine.not_analysed(error)]))
            return
        if self.fixing and not self.args.diff and not reading_stdin:
            # What remains is reported by a project pass over the files as they now are, so
            # that `fix` reports exactly what `check` would; this file's notes on fixes that
            # could not be applied are carried over.
            self.refix.append((shown, path, explicit, settings, selection, diagnostics))
            return
        self.results.append((shown, diagnostics))

    def file_from_cache(self, path: str, reused: "cache.Reusable") -> None:
        """A file's first pass as the results cache keeps it: its diagnostics, done. The
        project pass does not read it again, and adds any finding that names it."""
        settings, selection = self.settings_source.for_path(path)
        self.tell_settings(settings)
        ignore = () if reused.skipped == engine.PREFILTERED else selection.ignores_for(path, settings.root)
        # Its lines are those its report quotes: a project finding that names it reads the
        # file (engine.FileAnalysis._done_with).
        analysis = engine.FileAnalysis(
            path, settings, selection, ignore, done=list(reused.diagnostics),
            skipped=reused.skipped, unread_by_project=True,
        )
        self.replayed_sources[path] = cache.quotable(reused.quoted)
        if reused.skipped:
            self.skip(path, reused.skipped)
        self.analyses.append((path, (Path(path), analysis, self.projects.index_for(path, settings))))

    def _recheck_fixed(self) -> None:
        if self.refix and not self.fixed_files and not self.moved and not self.error and all(
            str(Path(path)) in self.first for _, path, *_ in self.refix
        ):
            # No file changed: the first pass's conclusions are what a re-check would find.
            for shown, path, *_, per_file in self.refix:
                entry, found = self.first[str(Path(path))]
                self.analyses.append((shown, entry))
                self._reused[shown] = found
                self.notes[shown] = self._not_applied(per_file)
            self.refix = []
            return
        if self.refix:
            self._projects = self.projects.fresh()  # the files have changed
        for shown, path, explicit, settings, selection, per_file in self.refix:
            analysis = engine.analyse_path(
                path, settings, selection, explicit=explicit, lookup=self.lookup_for(path, settings),
                compact=self.compacts(path),
            )
            self.analyses.append((shown, (Path(path), analysis, self.projects.index_for(path, settings))))
            self.notes[shown] = self._not_applied(per_file)
        self.refix = []

    @staticmethod
    def _not_applied(per_file: Sequence[Diagnostic]) -> Dict[tuple, str]:
        """A file's notes on fixes that were tried and not applied, by position and code."""
        return {(d.line, d.col, d.code): d.message for d in per_file if "(fix not applied:" in d.message}

    def compacts(self, path: str) -> bool:
        """Whether the file's workspace is large enough to keep its trees compact."""
        return compact_tree.pays_off(self.projects.layout_for(path))

    def lookup_for(self, path: str, settings) -> object:
        """What the file needs to know of the classes it imports from other project modules
        (router subclasses, dependencies classes): its workspace's index, filled lazily."""
        return self.projects.lookup_for(path, settings)

    def conclude(self) -> None:
        """The project pass: link the checked files and conclude each with what concerns it."""
        if not self.analyses:
            return
        from fastapi_conventions_lint.project_pass import link_and_conclude

        indexes = None
        try:
            if self._reused and len(self._reused) == len(self.analyses):
                concluded = [self._reused[shown] for shown, _ in self.analyses]
            else:
                concluded, indexes = link_and_conclude([entry for _, entry in self.analyses])
        except Exception as error:  # noqa: BLE001 - fall back to file-by-file results
            self.error = True
            fail(f"project analysis failed: {type(error).__name__}: {error}")
            concluded = [entry[1].conclude() for _, entry in self.analyses]
        planned = self._planned_moves(concluded, indexes)
        for (shown, entry), diagnostics in zip(self.analyses, concluded):
            if planned:
                diagnostics = self._with_moves(str(entry[0]), entry[1].lines, diagnostics, planned)
            notes = self.notes.get(shown, {})
            if notes:
                # A fix that was tried and not applied is no fix to count.
                diagnostics = [
                    replace(d, message=notes[(d.line, d.col, d.code)], fix=None)
                    if (d.line, d.col, d.code) in notes else d
                    for d in diagnostics
                ]
            if self.refused:
                diagnostics = self._with_refusals(str(entry[0]), entry[1].lines, diagnostics)
            if shown != "-":
                diagnostics = self.with_link_note(str(entry[0]), diagnostics)
            self.results.append((shown, diagnostics))

    def source_lines(self) -> Dict[str, List[str]]:
        """The lines of the files reported on, for the reports that quote them: as the first
        pass read them, or as the results cache keeps them."""
        return {**self.replayed_sources, **{shown: entry[1].lines for shown, entry in self.analyses if entry[1].lines}}

    def with_link_note(self, path: str, diagnostics: List[Diagnostic]) -> List[Diagnostic]:
        """In `check`, the fixes of a file reached through a link that leads out of the paths
        given are no fixes (`fix` does not write there): each diagnostic says so."""
        if self.fixing or not any(d.fix is not None for d in diagnostics):
            return diagnostics
        outside = self._outside_the_paths(path)
        if not outside:
            return diagnostics
        why = f" (no fix: it is a link to {outside}, outside the paths given)"
        return [replace(d, message=d.message + why, fix=None) if d.fix else d for d in diagnostics]

    def note_cache(self, message: str) -> None:
        """What the results cache passed over, for `-v`."""
        if self.verbose:
            info(message)

    def _planned_moves(self, concluded: Sequence[Sequence[Diagnostic]], indexes) -> Dict[tuple, str]:
        """Which diagnostics a fix run would fix by a cross-file move (counted as fixable),
        and why it would refuse the others (said in their message). Planned only when a
        diagnostic of a rule with such a fix is there, on the indexes the project pass
        linked."""
        from fastapi_conventions_lint.project_pass import wants_whole_app
        from fastapi_conventions_lint.rules import any_cross_file_fix

        if self.fixing or not any_cross_file_fix(d for found in concluded for d in found):
            return {}
        from fastapi_conventions_lint.fix.cross_file import planned_moves

        entries = [entry for _, entry in self.analyses]
        # Linked without the whole-app rules, an index lacks modules a plan asks about.
        if indexes is not None and not wants_whole_app(analysis for _, analysis, _ in entries):
            indexes = None
        try:
            planned, self.refused = planned_moves(entries, indexes)
        except Exception as error:  # noqa: BLE001 - the counts leave the moves out
            warn(f"the cross-file fixes could not be planned: {type(error).__name__}: {error}")
            return {}
        return planned

    @staticmethod
    def _with_moves(path, lines, diagnostics, planned) -> List[Diagnostic]:
        from fastapi_conventions_lint.diagnostics import FixIntent
        from fastapi_conventions_lint.fix.cross_file import refusal_key

        result = []
        for diagnostic in diagnostics:
            text = lines[diagnostic.line - 1].strip() if 0 < diagnostic.line <= len(lines) else ""
            move = planned.get(refusal_key(path, diagnostic.code, text))
            if move and (diagnostic.fix is None or not diagnostic.fix.safe):
                diagnostic = replace(diagnostic, fix=FixIntent(safe=True, description=move))
            result.append(diagnostic)
        return result

    def _with_refusals(self, path: str, lines: Sequence[str], diagnostics: List[Diagnostic]) -> List[Diagnostic]:
        """A remaining diagnostic whose cross-file fix was refused says why."""
        from fastapi_conventions_lint.fix.cross_file import refusal_key

        result = []
        for diagnostic in diagnostics:
            text = lines[diagnostic.line - 1].strip() if 0 < diagnostic.line <= len(lines) else ""
            why = self.refused.get(refusal_key(path, diagnostic.code, text))
            if why and "(fix not applied:" not in diagnostic.message and "(no fix:" not in diagnostic.message:
                # `fix` tried and did not apply it; `check` says what a fix run would refuse.
                said = "fix not applied" if self.fixing else "no fix"
                diagnostic = replace(diagnostic, message=f"{diagnostic.message} ({said}: {why})")
            result.append(diagnostic)
        return result

    def needs_fixing(self, path: str) -> bool:
        """Whether a file of the run goes through the fixer: moved by a cross-file fix, or
        with a diagnostic to fix in the project-wide first pass (or not in it)."""
        if self.moved and self.moved.get(Path(path).resolve()) is not None:
            return True
        first = self.first.get(str(Path(path)))
        return first is None or any(fixable(d, self.args.unsafe_fixes) for d in first[1])

    def fixed_file(self, path: str, shown: str, data: bytes, explicit: bool, project=None):
        """The file's fix (fix/session.py): what fixing `data` leaves, not yet written."""
        # Imported here: LibCST costs a third of a second to import, and only fixing needs it.
        from fastapi_conventions_lint.fix.session import fix_file

        reading_stdin = path == "-"
        settings, selection = self.settings_source.for_path(
            (self.args.stdin_filename or ".") if reading_stdin else path
        )
        moved = self.moved.get(Path(path).resolve()) if self.moved and not reading_stdin else None
        return fix_file(
            data, shown, settings, selection,
            explicit=explicit or reading_stdin, unsafe=self.args.unsafe_fixes, project=project,
            start=moved.text if moved is not None else None,  # type: ignore[attr-defined]
            layout=self.settings_source.layouts.for_file(
                os.path.abspath(self.args.stdin_filename or "stdin.py" if reading_stdin else path)
            ),
        )

    def _fix(self, path, shown, reading_stdin, explicit, settings, selection, project=None) -> List[Diagnostic]:
        if not reading_stdin and not self.needs_fixing(path):
            # Nothing to fix here, as the project-wide first pass says: not read again.
            first = self.first[str(Path(path))]
            if first[0][1].skipped:
                self.skip(shown, first[0][1].skipped)
            return list(first[1])
        made = None if reading_stdin or self.fixed_elsewhere is None else self.fixed_elsewhere.take(path)
        if made is not None:
            data, result, said = made
            if said:
                sys.stderr.write(said)
        else:
            if reading_stdin:
                data = sys.stdin.buffer.read()
            else:
                try:
                    data = source.read_bytes(path)
                except source.NotChecked:
                    return engine.check_path(path, settings, selection, explicit=explicit)
            result = self.fixed_file(path, shown, data, explicit, project)
        from fastapi_conventions_lint.fix.files import write_atomic

        moved = self.moved.get(Path(path).resolve()) if self.moved and not reading_stdin else None
        if moved is not None:
            result.fixed += moved.fixed  # type: ignore[attr-defined]
        if result.skipped:
            self.skip(shown, result.skipped)
        if result.note:
            warn(f"{shown}: {result.note}")
        outside = None if reading_stdin or self.args.diff else self._outside_the_paths(path)
        if result.text is not None and outside:
            fail(f"{shown}: not fixed: it is a link to {outside}, outside the paths given")
            self.error = True
            return engine.check_source(data, shown, settings, selection, explicit=True)
        if result.text is not None:
            self.fixed += result.fixed
            self.fixed_files += 1
            if self.args.diff:
                self.diffs.append(result.diff(shown))
            elif moved is not None:
                # Written in finish() with the other files of the moves: all of them or none.
                self.staged.append((shown, path, result.data, data, moved.before, result.fixed))  # type: ignore[attr-defined]
            elif not reading_stdin:
                if self._changed_since(path, data):
                    # The user's edit wins over a fix computed from the text before it.
                    self.fixed -= result.fixed
                    self.fixed_files -= 1
                    warn(f"{shown}: not fixed: the file changed while it was being fixed; run fix again")
                    return engine.check_path(path, settings, selection, explicit=True)
                try:
                    write_atomic(path, result.data)  # type: ignore[arg-type]
                    self.written.append(shown)
                except OSError as error:
                    self.error = True
                    self.fixed -= result.fixed
                    self.fixed_files -= 1
                    fail(f"{shown}: could not write the fixed file: {error.strerror or error}; "
                           f"the original is unchanged")
                    # Report the file as it still is.
                    return engine.check_source(data, shown, settings, selection, explicit=True)
        if reading_stdin and not self.args.diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(result.data if result.data is not None else data)
            sys.stdout.flush()
        return result.diagnostics

    @staticmethod
    def _changed_since(path: str, data: bytes) -> bool:
        """Whether the file no longer holds the bytes the fix was computed from."""
        try:
            return source.read_bytes(path) != data
        except source.NotChecked:
            return True

    def _outside_the_paths(self, path: str):
        """The real file a path resolves to through a link, when it is outside every path
        given on the command line (None when it is inside one, or no link is involved)."""
        real = _real_file(path)
        if real == os.path.abspath(path):
            return None
        for given in self.args.paths:
            if given == "-":
                continue
            root = real_path(given)
            if real == root or real.startswith(root.rstrip(os.sep) + os.sep):
                return None
        return real

    def write_staged(self) -> None:
        """The files of the include_router moves, all written or none: a move written into
        one file and not the other changes the URLs the app serves."""
        staged, self.staged = self.staged, []
        if not staged:
            return
        from fastapi_conventions_lint.fix.files import write_together

        changed = [shown for shown, path, _, read, before, _ in staged
                   if read != before or self._changed_since(path, read)]
        try:
            if changed:
                raise OSError(f"{', '.join(changed)} changed while it was being fixed; run fix again")
            write_together([(path, new, read) for _, path, new, read, _, _ in staged])
        except OSError as error:
            for _, _, _, _, _, fixed in staged:
                self.fixed -= fixed
                self.fixed_files -= 1
            warn(f"the include_router moves were not written: {error.strerror or error}; "
                 f"{plural(len(staged), 'file')} of them left as {'it was' if len(staged) == 1 else 'they were'}")
            if not changed:
                self.error = True
            return
        self.written.extend(shown for shown, *_ in staged)

    def next_round(self, results: List[Tuple[str, List[Diagnostic]]]) -> "CheckRun":
        """A fresh run over the files as the last round left them, sharing what it wrote
        and warned (each warning is given once)."""
        following = CheckRun(self.args)
        following.written = self.written
        following._warned = self._warned
        following.earlier_pass = self.earlier_pass
        following.results = list(results)
        following.quiet_skips = True  # -v said them in the first round
        return following

    def warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            warn(message)

    def finish(self, totals: Optional[Tuple[int, int]] = None, error: bool = False) -> int:
        """Conclude and report. `totals`: (fixes, files changed) over every round of a fix."""
        self.write_staged()
        self._recheck_fixed()
        self.conclude()
        if totals is not None:
            self.fixed, self.fixed_files = totals
        self.error = self.error or error
        self.results.sort(key=lambda item: item[0])
        if getattr(self.args, "add_noqa", False):
            return self._add_noqa()
        try:
            code = self._report()
        except BrokenPipeError:
            # `check | head -1`: the reader has seen enough, but the findings still decide
            # the exit status (CI pipelines read it).
            discard_stdout()
            return self._exit_status()
        if not self.quiet:
            self._tell_newer_syntax()
        return code

    def _add_noqa(self) -> int:
        """`--add-noqa`: suppress every diagnostic where it is, and say how many."""
        from fastapi_conventions_lint.fix.add_noqa import add_noqa
        from fastapi_conventions_lint.fix.files import write_atomic

        added = files = 0
        for shown, found in self.results:
            if shown == "-" or not found:
                continue
            try:
                decoded = source.decode_file(source.read_bytes(shown))
            except source.NotChecked as error:  # undecodable: its FCL900 stays
                warn(f"{shown}: no noqa added: {error}")
                continue
            text, count = add_noqa(decoded.text, found)
            try:
                if count:
                    write_atomic(shown, decoded.encode(text))
            except OSError as error:
                self.error = True
                fail(f"{shown}: no noqa added: {error.strerror or error}; the file is unchanged")
                continue
            added += count
            files += 1 if count else 0
        if not self.quiet:
            sys.stdout.write(f"Added {plural(added, 'noqa directive')} in {plural(files, 'file')}.\n")
        return EXIT_ERROR if self.error else EXIT_CLEAN

    def _tell_newer_syntax(self) -> None:
        """One line on stderr for the files this interpreter is too old to parse."""
        needed = []
        for _, found in self.results:
            versions = [source.needed_python(d.message) for d in found if d.code == NOT_CHECKED]
            if any(versions):
                needed.append(max(v for v in versions if v is not None))
        if not needed:
            return
        running = f"Python {sys.version_info.major}.{sys.version_info.minor}"
        newest = "{}.{}".format(*max(needed))
        uses, them = ("uses", "it was") if len(needed) == 1 else ("use", "they were")
        sys.stderr.write(
            f"{plural(len(needed), 'file')} {uses} syntax newer than {running} (needs Python "
            f"{newest} or newer): {them} not checked; run with a newer interpreter to check "
            f"{'it' if len(needed) == 1 else 'them'}\n"
        )

    def _report(self) -> int:
        if self.args.diff:
            for diff in sorted(self.diffs) if self.quiet < 2 else ():
                sys.stdout.write(diff)
            # A file that could not be checked is not silently passed over in a preview.
            unchecked = [
                (shown, [d for d in found if d.code == NOT_CHECKED])
                for shown, found in self.results
            ]
            for shown, found in unchecked:
                for diagnostic in found:
                    sys.stderr.write(
                        f"{shown}:{diagnostic.line}:{diagnostic.col + 1}: "
                        f"{diagnostic.code} {diagnostic.message}\n"
                    )
            if not self.quiet:
                sys.stderr.write(
                    f"Would fix {plural(self.fixed, 'violation')} in {plural(self.fixed_files, 'file')}.\n"
                )
            return self._exit_status()
        out = sys.stdout
        if self.fixing and "-" in self.args.paths:
            out = sys.stderr  # the fixed source goes to stdout
        # The notes for people share the stream with the text format only; tools read the others.
        notes = out if self.output_format == "text" else sys.stderr
        if self.quiet:
            notes = io.StringIO()  # -q: no summary lines
        if self.quiet > 1:
            out = io.StringIO()  # -qq: no report at all
        if self.fixing:
            notes.write(f"Fixed {plural(self.fixed, 'violation')} in {plural(self.fixed_files, 'file')}.\n")
        write_report(
            self.output_format, self.results, out, statistics=getattr(self.args, "statistics", False),
            sources=self.source_lines(),
            show_summary=not self.quiet, fix_hint=not self.fixing,
        )
        # Only a fix run hints at --unsafe-fixes: without --fix the flag fixes nothing, and a
        # plain check's output ends with its "Found ..." summary line.
        unsafe_only = self.fixing and not self.args.unsafe_fixes and sum(
            1 for _, found in self.results for d in found if d.fix is not None and not d.fix.safe
        )
        if unsafe_only:
            notes.write(f"{plural(unsafe_only, 'violation')} can be fixed with --unsafe-fixes.\n")
        return self._exit_status()

    def _exit_status(self) -> int:
        if self.error:
            return EXIT_ERROR
        if self.args.diff:
            unchecked = any(d.code == NOT_CHECKED for _, found in self.results for d in found)
            failed = self.diffs or unchecked
            return EXIT_VIOLATIONS if failed and not self.args.exit_zero else EXIT_CLEAN
        found = any(diagnostics for _, diagnostics in self.results)
        return EXIT_VIOLATIONS if found and not self.args.exit_zero else EXIT_CLEAN


def _real_file(path: str, link: Optional[bool] = None) -> str:
    """The file a path names, its links resolved: the directories' once each, the file's own
    (one lstat, unless `link` says whether it is one) when it is one."""
    if link is None:
        link = os.path.islink(path)
    return os.path.realpath(path) if link else real_path(path)


def run_check(args: argparse.Namespace) -> int:
    if not args.paths:  # as ruff does: a file name for standard input means reading it
        args.paths = ["-"] if args.stdin_filename else ["."]
    # The run keeps every checked file's facts for the project pass; those hold no cycles
    # worth collecting, and the collector's passes over the growing heap cost more than
    # the parse itself on large projects.
    gc.disable()
    try:
        # One reading of the ignore files for all the walks. Left before the collector is on
        # again: the first allocation after that can start a collection of the whole heap.
        with gitignore.shared(), shared_walks():
            return _run_check(args)
    finally:
        gc.enable()


def _show_settings(run: "CheckRun", path: str) -> int:
    """The settings a path is checked with, as `key = value` lines in the configuration's
    spelling (the file they come from first)."""
    from fastapi_conventions_lint.config import CONFIG_KEYS, setting_of

    shown = run.args.stdin_filename or "stdin.py" if path == "-" else path
    settings, _ = run.settings_source.for_path(shown)
    sys.stdout.write(f"# {shown}: settings from {settings.source or 'the defaults'}\n")
    for key in CONFIG_KEYS:
        sys.stdout.write(f"{key} = {setting_of(settings, key)!r}\n")
    return EXIT_CLEAN


def _warn_of_empty_directories(paths: Sequence[str], files: Sequence[Tuple[str, bool]]) -> None:
    """A directory given with no Python file to check (none there, or all excluded) is
    said, so that a mistyped path does not pass for a clean project."""
    walked = [path for path, explicit in files if not explicit]
    for given in paths:
        if given == "-" or not os.path.isdir(given):
            continue
        prefix = os.path.join(given, "")
        if not any(path.startswith(prefix) or path == given for path in walked):
            warn(f"{given}: no Python files to check (none there, or all excluded)")


def _run_check(args: argparse.Namespace) -> int:
    run = CheckRun(args)
    try:
        return _run(run, args)
    except KeyboardInterrupt:
        # Every file is replaced whole or not at all (fix/files.py): say which ones were.
        if not run.written:
            fail("interrupted; no file was changed")
        else:
            shown = ", ".join(run.written[:10]) + (f" and {len(run.written) - 10} more" if len(run.written) > 10 else "")
            fail(f"interrupted after rewriting {plural(len(run.written), 'file')}: {shown}")
        return EXIT_INTERRUPTED


# A fix can make another one possible in a file already done (a router's prefix FCL006
# normalises turns the include's into a doubled one, FCL002): rounds until nothing changes.
MAX_FIX_ROUNDS = 3


def _fix_rounds(run: "CheckRun", args: argparse.Namespace, files: List[Tuple[str, bool]]) -> Tuple["CheckRun", int]:
    """Fix in rounds, each a project-wide first pass and the files' fixes, until a round
    changes nothing (its first pass, as cheap as a check, is then the report) or the last
    round. A preview (`--diff`) and standard input take one round: nothing is written."""
    rounds = 1 if args.diff or any(path == "-" for path, _ in files) else MAX_FIX_ROUNDS
    found_while_listing = list(run.results)  # links that lead nowhere: their FCL900
    fixed, error = 0, False
    for number in range(rounds):
        if number:
            run = run.next_round(found_while_listing)
        contexts = run.project_contexts(files)
        todo = [
            (path, explicit, contexts.get(Path(path).resolve()))
            for path, explicit in files if path != "-" and run.needs_fixing(path)
        ]
        from fastapi_conventions_lint.fix.workers import fix_in_workers

        with progress_for(args, len(files), "fixing") as progress, fix_in_workers(run, todo, run.jobs) as elsewhere:
            run.fixed_elsewhere = elsewhere
            for path, explicit in files:
                context = contexts.get(Path(path).resolve()) if path != "-" else None
                run.file(path, explicit, context)
                progress.advance()
            run.fixed_elsewhere = None
        run.write_staged()
        fixed += run.fixed
        error = error or run.error
        if not run.fixed_files or run.error or number == rounds - 1:
            break  # nothing changed, or a file could not be written: no round would help
    # Files changed: those written over the rounds (a preview or standard input has one round).
    changed = run.fixed_files if rounds == 1 else len(set(run.written))
    return run, run.finish(totals=(fixed, changed), error=error)


def _check(run: "CheckRun", listed: "cache.Listed") -> int:
    """`check`: from the results cache when its entry still holds, else every file analysed
    (and the entry recorded)."""
    files = [(path, explicit) for path, explicit, _ in listed]
    results_cache = cache.ResultsCache.for_run(run, listed)
    if results_cache is not None and results_cache.replay(run, listed):
        return run.finish()
    if results_cache is None:
        return _analyse_all(run, files)
    results_cache.start(run, listed)
    with results_cache.recording():
        code = _analyse_all(run, files, results_cache.reusable)
    results_cache.record(run, listed)
    return code


def _analyse_all(
    run: "CheckRun", files: List[Tuple[str, bool]], reusable: Optional[Dict[str, "cache.Reusable"]] = None
) -> int:
    """Every file's first pass, then the project pass and the report. `reusable`: files
    whose first pass the results cache gives (nothing but their own report depends on
    them, and they did not change)."""
    with progress_for(run.args, len(files), "checking") as progress:
        todo = [(path, explicit) for path, explicit in files if not (reusable and path in reusable)]
        outcomes = iter(parallel.first_pass(run, todo, run.jobs, progress.advance) or ())
        for path, explicit in files:
            reused = reusable.get(path) if reusable else None
            if reused is not None:
                run.file_from_cache(path, reused)
                progress.advance()
                continue
            outcome = next(outcomes, None)
            if outcome is not None:
                parallel.put_back(run, outcome)
                continue
            run.file(path, explicit)
            progress.advance()
    return run.finish()


def _run(run: "CheckRun", args: argparse.Namespace) -> int:
    files = []
    on_skip = run.skip if run.verbose else None
    reached = set()  # real paths: a file reached twice (a link and the file) is done once
    listed = []  # (path, named, real path): what the results cache keys on
    def unreadable(directory: str, why: str) -> None:
        warn(f"{directory}: could not be read ({why}): the files in it are not checked")

    for path, explicit in discover(
        args.paths, run.settings_source.exclude_for, on_skip, args.force_exclude,
        run.settings_source.respects_gitignore, unreadable,
    ):
        link = path != "-" and os.path.islink(path)
        if link and not os.path.exists(path):
            # A link that leads nowhere (a loop, a missing target): nothing to read.
            run.unreadable_link(path)
            continue
        real = path if path == "-" else _real_file(path, link)
        if real in reached:
            run.skip(path, "the same file as one already listed (a symbolic link)")
            continue
        reached.add(real)
        files.append((path, explicit))
        listed.append((path, explicit, real))
    _warn_of_empty_directories(args.paths, files)
    if args.show_files:
        from fastapi_conventions_lint.report.common import printable

        for path, _ in sorted(files):
            sys.stdout.write(f"{printable(path)}\n")
        return EXIT_CLEAN
    if args.show_settings:
        return _show_settings(run, args.paths[0])
    if not run.fixing:
        code = _check(run, tuple(listed))
    else:
        run, code = _fix_rounds(run, args, files)
    if run.verbose:
        listed = {path for path, _ in files}
        prefiltered = sum(1 for path, _ in run.skipped if path in listed)
        info(f"{plural(len(files) - prefiltered, 'file')} analysed, "
             f"{plural(len(run.skipped), 'path')} skipped")
    return code


