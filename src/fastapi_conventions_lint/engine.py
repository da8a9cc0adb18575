"""Checking one file: the part both hosts share, and the CLI's read-decode-parse around it."""

from __future__ import annotations

import ast
from dataclasses import replace
from typing import Iterable, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import prefilter, source, suppression
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.facts import extract_facts
from fastapi_conventions_lint.rules import ALL_RULES, Rule, Scope
from fastapi_conventions_lint.selection import CodeSelection

NOT_CHECKED = "FCL900"


def prefilter_names(settings: Settings) -> Tuple[str, ...]:
    return (settings.api_config_name, settings.base_dependencies_name)


def file_rules(enabled: Optional[CodeSelection] = None, ignore: Sequence[str] = ()) -> Tuple[Rule, ...]:
    """The rules that run on a file's tree, optionally limited to the selected codes."""
    return tuple(
        rule
        for rule in ALL_RULES
        if rule.scope is Scope.FILE and (enabled is None or enabled.enabled(rule.code, ignore))
    )


def lint_tree(
    tree: ast.Module, lines: List[str], settings: Settings, rules: Iterable[Rule]
) -> List[Diagnostic]:
    """Run the rules over one parsed file. Columns come out in characters."""
    rules = tuple(rules)
    if not rules:
        return []
    try:
        facts = extract_facts(tree, settings)
        found = {diagnostic for rule in rules for diagnostic in rule.check(facts, settings)}
    except RecursionError:
        return [Diagnostic(1, 0, NOT_CHECKED, "could not analyse: the code is nested too deeply")]
    return sorted(
        replace(d, col=source.display_column(lines, d.line, d.col)) if d.col else d
        for d in found
    )


def _not_checked(
    error: source.NotChecked, selection: CodeSelection, ignore: Sequence[str]
) -> List[Diagnostic]:
    if not selection.enabled(NOT_CHECKED, ignore):
        return []
    return [Diagnostic(error.line, error.col, NOT_CHECKED, error.reason)]


def check_source(
    data: bytes,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    *,
    explicit: bool,
) -> List[Diagnostic]:
    """All diagnostics for one file's bytes, after noqa, select/ignore and per-file-ignores.

    A file found by walking a directory is skipped when the prefilter says no rule can fire;
    a file named explicitly always goes through the whole pipeline."""
    if not explicit and not prefilter.might_matter(data, prefilter_names(settings)):
        return []
    ignore = selection.ignores_for(filename, settings.root)
    try:
        text = source.decode(data)
    except source.NotChecked as error:
        return _not_checked(error, selection, ignore)
    return check_text(text, filename, settings, selection, ignore)


def check_text(
    text: str,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    ignore: Optional[Sequence[str]] = None,
) -> List[Diagnostic]:
    """All diagnostics for a file's decoded text (the fix engine re-checks its results here)."""
    if ignore is None:
        ignore = selection.ignores_for(filename, settings.root)
    lines = source.physical_lines(text)
    if suppression.skips_file(lines):
        return []
    try:
        tree = source.parse(text, filename)
    except source.NotChecked as error:
        # As flake8 does for E999, a noqa comment on the error's line silences it.
        return suppression.remove_suppressed(_not_checked(error, selection, ignore), lines)
    diagnostics = lint_tree(tree, lines, settings, file_rules(selection, ignore))
    return suppression.remove_suppressed(diagnostics, lines)


def check_path(
    path: str, settings: Settings, selection: CodeSelection, *, explicit: bool
) -> List[Diagnostic]:
    try:
        data = source.read_bytes(path)
    except source.NotChecked as error:
        return _not_checked(error, selection, selection.ignores_for(path, settings.root))
    return check_source(data, path, settings, selection, explicit=explicit)
