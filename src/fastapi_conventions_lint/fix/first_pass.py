"""A fix run's first pass: every file analysed with its facts kept for what the fixes ask
(the project contexts, the cross-file plan), and what a round keeps for the next round.

Each round of a fix starts with such a pass. A file whose bytes and settings are those of the
last pass, and whose facts owe nothing to another module, keeps its analysis, unlinked
(facts/links.py): the later rounds analyse only what changed. The run's first pass shares the
files with worker processes as `check` does (parallel.py), except that a worker sends back
only a file the fix needs no facts of."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import engine, parallel, source
from fastapi_conventions_lint.diagnostics import fixable
from fastapi_conventions_lint.project.relevance import holds_project_facts

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.commands.check import CheckRun

Entry = tuple  # (path, FileAnalysis, its project index), as project_pass.py takes them


def analyse_all(run: "CheckRun", files: Sequence[Tuple[str, bool]], moved: Dict[Path, object]) -> List[Entry]:
    """Every file of the run analysed as it is now (a moved file's text from `moved`), in
    order; `run.earlier_pass` becomes what the next pass may reuse."""
    entries, kept = [], {}
    files = [(path, explicit) for path, explicit in files if path != "-"]
    outcomes = None
    if not run.earlier_pass and not moved:
        outcomes = parallel.first_pass(
            run, files, run.jobs, lambda: None, here=analysed_here, there=analysed_there, tell=False,
        )
    for number, (path, explicit) in enumerate(files):
        if outcomes is None:
            entry, earlier = analysed(run, path, explicit, moved)
        else:
            entry, earlier = _received(outcomes[number])
        if entry is None:
            continue
        if earlier is not None:
            kept[path] = earlier
        entries.append(entry)
    run.earlier_pass = kept
    return entries


def analysed(
    run: "CheckRun", path: str, explicit: bool, moved: Dict[Path, object], compact: bool = True
) -> Tuple[Optional[Entry], Optional["Analysed"]]:
    """One file's entry, and what the next pass may reuse of it (None, None: the analysis
    failed, and the file's fix reports it)."""
    settings, selection = run.settings_source.for_path(path)
    moved_file = moved.get(Path(path).resolve()) if moved else None
    try:
        data = moved_file.data if moved_file is not None else source.read_bytes(path)  # type: ignore[attr-defined]
    except source.NotChecked:
        data = None
    try:
        earlier = run.earlier_pass.get(path)
        lookup = run.lookup_for(path, settings) if data is not None else None
        if data is not None and earlier is not None and earlier.same_input(data, settings, lookup):
            analysis = earlier.reuse(lookup)
        elif data is not None:
            if getattr(lookup, "crossed", False):
                lookup = run.lookup_for(path, settings)  # not the answers of the comparison
            analysis = engine.analyse_source(
                data, path, settings, selection, explicit=explicit, lookup=lookup,
                compact=compact and run.compacts(path),
            )
            earlier = Analysed(data, settings, analysis, lookup)
        else:
            analysis, earlier = engine.analyse_path(path, settings, selection, explicit=explicit), None
    except Exception:  # noqa: BLE001 - the fix pass reports it
        return None, None
    return (Path(path), analysis, run.projects.index_for(path, settings)), earlier


def analysed_here(run: "CheckRun", path: str, explicit: bool) -> parallel.Outcome:
    """One file in the main process: its facts kept."""
    entry, earlier = analysed(run, path, explicit, {})
    return parallel.Outcome([(path, entry)] if entry is not None else [], kept=earlier)


def analysed_there(run: "CheckRun", path: str, explicit: bool) -> parallel.Outcome:
    """One file in a worker, which sends back its findings only when the fix run needs none
    of its facts: it holds nothing the project pass links, and no finding of its own has a
    fix to apply (it is fixed with its project context). Any other file is analysed again in
    the main process. (The cross-file fixes' plan reads a file without facts as it reads one
    outside the run: code there that sets a router's prefix still refuses a move.)"""
    entry, earlier = analysed(run, path, explicit, {}, compact=False)
    if entry is None or earlier is None:
        return parallel.Outcome([(path, entry)] if entry is not None else [])
    analysis = entry[1]
    if analysis.facts is None:
        return parallel.Outcome([(path, entry)], kept=earlier.data)
    if holds_project_facts(analysis.facts, analysis.all_lines()):
        return parallel.Outcome(redo=True)
    analysis.set_facts_aside()
    if analysis.rules_failed is not None or any(fixable(d, run.args.unsafe_fixes) for d in analysis.found or ()):
        return parallel.Outcome(redo=True)
    crossed = getattr(earlier.lookup, "crossed", False)
    return parallel.Outcome([(path, entry)], kept=None if crossed else earlier.data)


def _received(outcome: parallel.Outcome) -> Tuple[Optional[Entry], Optional["Analysed"]]:
    """An entry as `parallel.first_pass` gives it back: a worker's comes with the bytes it
    analysed when the next pass may reuse it."""
    if outcome.stderr:
        import sys

        sys.stderr.write(outcome.stderr)
    if not outcome.analyses:
        return None, None
    _, entry = outcome.analyses[0]
    earlier = outcome.kept
    if isinstance(earlier, bytes):
        earlier = Analysed(earlier, entry[1].settings, entry[1], None)
    return entry, earlier


class Analysed:
    """One file's analysis in a fix run's first pass, with what it was made from."""

    __slots__ = ("data", "settings", "analysis", "lookup", "unlinked")

    def __init__(self, data: bytes, settings, analysis, lookup) -> None:
        self.data, self.settings, self.analysis, self.lookup = data, settings, analysis, lookup
        from fastapi_conventions_lint.facts.links import Unlinked

        self.unlinked = Unlinked(analysis.facts) if analysis.facts is not None else None

    def same_input(self, data: bytes, settings, lookup) -> bool:
        """Whether analysing `data` again with `lookup` would give the same analysis: the
        same bytes and settings, and each answer taken from another module the same now
        (that module may have changed since)."""
        if data != self.data or not (settings is self.settings or settings == self.settings):
            return False
        if not getattr(self.lookup, "crossed", False):
            return True
        answers_as = getattr(lookup, "answers_as", None)
        return answers_as is not None and answers_as(self.lookup)

    def reuse(self, lookup):
        """The analysis, unlinked, asking this pass's index from now on (its rules may ask
        about another module's classes when they run)."""
        if self.unlinked is not None:
            self.unlinked.restore()
            self.analysis.facts.lookup = lookup
        self.lookup = lookup
        self.analysis.project_pass_ran = False
        return self.analysis
