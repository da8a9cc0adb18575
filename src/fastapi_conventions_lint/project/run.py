"""The CLI's second pass: link the checked files into project indexes, run the project rules,
and conclude every file with the findings that concern it."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Sequence, Tuple

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.engine import FileAnalysis
from fastapi_conventions_lint.project.index import ProjectIndex, build_index
from fastapi_conventions_lint.project.modules import import_roots
from fastapi_conventions_lint.rules import ALL_RULES, Scope

Entry = Tuple[str, Path, FileAnalysis]  # (project root, file, its first-pass analysis)


def project_findings(index: ProjectIndex) -> Dict[Path, List[Diagnostic]]:
    found: Dict[Path, List[Diagnostic]] = defaultdict(list)
    for rule in ALL_RULES:
        if rule.scope is Scope.PROJECT:
            for path, diagnostic in rule.check_project(index, index.settings):
                found[Path(path).resolve()].append(diagnostic)
    return found


def project_indexes(entries: Sequence[Entry]) -> Iterator[ProjectIndex]:
    """One linked index per project (root and settings) among the entries with facts."""
    groups: Dict[Tuple[str, int], List[int]] = defaultdict(list)
    for number, (root, _, analysis) in enumerate(entries):
        if analysis.facts is not None:
            groups[(root, id(analysis.settings))].append(number)
    for (root, _), members in groups.items():
        settings = entries[members[0]][2].settings
        yield build_index(
            [(entries[n][1], entries[n][2].facts) for n in members],
            import_roots(settings, Path(root)),
            settings,
        )


def link_and_conclude(entries: Sequence[Entry]) -> List[List[Diagnostic]]:
    """Each entry's diagnostics, in the order given."""
    extra: Dict[Path, List[Diagnostic]] = {}
    for index in project_indexes(entries):
        extra.update(project_findings(index))
    return [
        analysis.conclude(extra.get(path.resolve(), ()))
        for _, path, analysis in entries
    ]
