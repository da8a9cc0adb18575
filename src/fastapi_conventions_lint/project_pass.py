"""The second pass: the checked files linked with the rest of their project, the whole-app rules
run, and every file concluded with what the project says about it.

A run (and a flake8 process) keeps one project model per workspace (project/layout.py): the
first pass asks its index about the classes a file imports; the second adds the checked files'
facts and completes the index from the workspace's other files, so that what is reported for a
file does not depend on which other files the run names:

- always, the files that mention `include_router` or `.routes`: what other modules say about a
  file (that its router is nested, included with tags, read as callbacks) comes from them;
- for the whole-app rules and the route table, every file the prefilter lets through, as a run
  over the whole workspace would read it.

Those files are read with `ast`, never imported, and nothing is reported for them."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import compact_tree, prefilter, source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.engine import NOT_CHECKED, FileAnalysis, not_analysed, prefilter_names
from fastapi_conventions_lint.facts import extract_facts
from fastapi_conventions_lint.facts.model import ClassLookup
from fastapi_conventions_lint.project.index import ProjectIndex
from fastapi_conventions_lint.project.layout import Layout, Layouts, SettingsFor, real_path
from fastapi_conventions_lint.project.relevance import holds_project_facts
from fastapi_conventions_lint.rules import ALL_RULES, Scope


Entry = Tuple[Path, FileAnalysis, ProjectIndex]  # (file, its first-pass analysis, its project)


class Projects:
    """The project models of one run: a layout per workspace (its files and module names),
    and per workspace one index."""

    def __init__(self, settings_for: SettingsFor, layouts: Optional[Layouts] = None) -> None:
        self.layouts = layouts or Layouts(settings_for)
        self._settings_for = settings_for
        self._indexes: Dict[int, ProjectIndex] = {}

    def fresh(self) -> "Projects":
        """New indexes over the same layouts (a fix run reads its files again after moves)."""
        return Projects(self._settings_for, self.layouts)

    def layout_for(self, path: str) -> Layout:
        return self.layouts.for_file(path)

    def index_for(self, path: str, settings: Settings) -> ProjectIndex:
        """The index of a file's workspace (made with the settings of its first file)."""
        layout = self.layouts.for_file(path)
        index = self._indexes.get(id(layout))
        if index is None:
            index = self._indexes[id(layout)] = ProjectIndex(layout, settings)
        return index

    def lookup_for(self, path: str, settings: Settings) -> Optional[ClassLookup]:
        return self.index_for(path, settings).lookup_for_path(Path(path))


def complete(index: ProjectIndex, *, everything: bool, seen: Iterable[str] = ()) -> None:
    """Add to the index the workspace files it lacks that answers depend on (see the module's
    docstring), then link it. `seen`: files the run has already read (not read again)."""
    known = set(seen)
    names = prefilter_names(index.settings)
    compact = compact_tree.pays_off(index.layout)
    passed_over = index.passed_over
    for path in index.layout.files:
        if path in known or index.has(path):
            continue
        if path in passed_over and (passed_over[path] or not everything):
            continue  # read by an earlier completion of this index, and not wanted then
        try:
            data = source.read_bytes(path, own=True)  # whether it matters: see cache.py
        except source.NotChecked:
            continue
        if not prefilter.read_by_project(data, names, everything):
            passed_over[path] = everything
            continue
        try:
            text = source.decode(data)
            tree = source.read_leniently(text, path)
            tree = compact_tree.held(tree, text) if compact else tree
            facts = extract_facts(tree, index.settings, index.lookup_for_path(Path(path)), text, reported=False)
        except (source.NotChecked, SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        if not holds_project_facts(facts, text):
            passed_over[path] = True  # read again if asked about
            continue
        index.add(Path(path), facts, checked=False)
    index.link()


def _looks_across(rule) -> bool:
    """Whether the rule asks the linked project: a whole-app rule, or a file rule extended."""
    return rule.scope is Scope.PROJECT or rule.extends_to_project


def wants_whole_app(analyses: Iterable[FileAnalysis]) -> bool:
    """Whether a whole-app rule is selected for any of these files."""
    codes = [rule.code for rule in ALL_RULES if _looks_across(rule)]
    return any(
        analysis.selection.enabled(code, analysis.ignore) for analysis in analyses for code in codes
    )


def project_indexes(entries: Sequence[Entry], *, whole_app: Optional[bool] = None) -> List[ProjectIndex]:
    """Each project's index with the entries' facts added, completed and linked."""
    groups: Dict[int, List[Entry]] = defaultdict(list)
    for entry in entries:
        groups[id(entry[2])].append(entry)
    indexes = []
    for members in groups.values():
        index = members[0][2]
        seen: Set[str] = set()
        names = prefilter_names(index.settings)
        for path, analysis, _ in members:
            real = real_path(str(path))
            if analysis.facts is not None:
                seen.add(real)
                index.add(Path(real), analysis.facts)
            elif analysis.facts_set_aside:
                seen.add(real)
                index.set_aside(Path(real))
            elif analysis.unread_by_project and prefilter_names(analysis.settings) == names:
                seen.add(real)  # its first pass found nothing the project pass reads
            # A file the prefilter passed over may still read `.routes`, and one that did not
            # parse (newer syntax) is read leniently: both are read as files outside the run are.
        everything = wants_whole_app(a for _, a, _ in members) if whole_app is None else whole_app
        complete(index, everything=everything, seen=seen)
        indexes.append(index)
    return indexes


def project_findings(index: ProjectIndex, codes: Optional[Set[str]] = None) -> Dict[str, List[Diagnostic]]:
    """The whole-app rules' diagnostics, by file (real path); only those of `codes` when given
    (a rule no file of the run selects is not run at all)."""
    found: Dict[str, List[Diagnostic]] = defaultdict(list)
    for rule in ALL_RULES:
        if _looks_across(rule) and (codes is None or rule.code in codes):
            for path, diagnostic in rule.check_project(index, index.settings):
                found[real_path(str(path))].append(diagnostic)
    # The apps' route tables, with every route's include chains, are the rules' alone: let
    # them go before the files are concluded and the report and the results cache are made.
    index.shared.pop("registrations", None)
    return found


def link_and_conclude(entries: Sequence[Entry]) -> Tuple[List[List[Diagnostic]], List[ProjectIndex]]:
    """Each entry's diagnostics, in the order given, and the linked indexes (complete, when a
    whole-app rule was selected, for the questions a fix plan asks)."""
    extra: Dict[str, List[Diagnostic]] = {}
    wanted = {
        rule.code for rule in ALL_RULES if _looks_across(rule)
        and any(analysis.selection.enabled(rule.code, analysis.ignore) for _, analysis, _ in entries)
    }
    indexes = project_indexes(entries)
    for index in indexes:
        extra.update(project_findings(index, wanted))
    for _, analysis, _ in entries:
        analysis.project_pass_ran = True
    concluded = [_concluded(analysis, extra.get(real_path(str(path)), ())) for path, analysis, _ in entries]
    return concluded, indexes


def _concluded(analysis: FileAnalysis, extra: Sequence[Diagnostic]) -> List[Diagnostic]:
    """One file's diagnostics; a file whose rules raise gets its FCL900, the others theirs."""
    try:
        return analysis.conclude(extra)
    except Exception as error:  # noqa: BLE001 - MemoryError and RecursionError included
        if not analysis.selection.enabled(NOT_CHECKED, analysis.ignore):
            return []
        return [not_analysed(error)]
