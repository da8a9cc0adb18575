"""Applying fixes to one file's text, to a fixed point, keeping only verified rewrites.

Each step takes the first codemod (in ORDER) that has applicable diagnostics, runs it with
LibCST, and keeps the result only if it parses and the re-check shows those diagnostics gone.
A rewrite that fails is retried one diagnostic at a time; a diagnostic whose rewrite fails is
not tried again and is reported with a note. Checking again after every step is what lets
FCL001 see the literal FCL006 has just normalised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple, Type

from fastapi_conventions_lint import engine, source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic, fixable
from fastapi_conventions_lint.fix.added_imports import missing_import
from fastapi_conventions_lint.fix.codemods import ORDER, FixContext, RuleCodemod
from fastapi_conventions_lint.fix import text_edits
from fastapi_conventions_lint.fix.codemods.base import rewrite_with
from fastapi_conventions_lint.fix.parsed import parsed
from fastapi_conventions_lint.selection import CodeSelection

MAX_STEPS = 50

_Key = Tuple[str, str, str]


@dataclass
class FixOutcome:
    text: str
    applied: List[Diagnostic] = field(default_factory=list)
    remaining: List[Diagnostic] = field(default_factory=list)
    # Remaining diagnostics whose fix was tried and could not be applied, with why.
    failures: Dict[_Key, str] = field(default_factory=dict)
    note: Optional[str] = None

    def failure_of(self, diagnostic: Diagnostic) -> Optional[str]:
        return self.failures.get(_key(diagnostic, source.physical_lines(self.text)))


applicable = fixable


def _key(diagnostic: Diagnostic, lines: Sequence[str]) -> _Key:
    """Identifies a diagnostic across rewrites that move lines: its code, message and the
    text of its line."""
    index = diagnostic.line - 1
    text = lines[index].strip() if 0 <= index < len(lines) else ""
    return (diagnostic.code, diagnostic.message, text)


class _Fixer:
    def __init__(
        self,
        filename: str,
        settings: Settings,
        selection: CodeSelection,
        context: FixContext,
        unsafe: bool,
        project: Any = None,
    ) -> None:
        self.project = project
        self.filename = filename
        self.settings = settings
        self.selection = selection
        self.context = context
        self.unsafe = unsafe
        self.failed: Dict[_Key, str] = {}

    def check(self, text: str) -> List[Diagnostic]:
        try:
            tree = parsed(text)  # the tree the import check has just read
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            tree = None  # the check says why, as for any file
        return engine.check_text(
            text, self.filename, self.settings, self.selection, context=self.project, tree=tree
        )

    def next_step(
        self, diagnostics: List[Diagnostic], lines: Sequence[str]
    ) -> Optional[Tuple[Type[RuleCodemod], List[Diagnostic]]]:
        if any(d.code == engine.NOT_CHECKED for d in diagnostics):
            return None
        for codemod in ORDER:
            targets = [
                d
                for d in diagnostics
                if d.code == codemod.code
                and applicable(d, self.unsafe)
                and _key(d, lines) not in self.failed
            ]
            if targets:
                return codemod, targets
        return None

    def rewrite(
        self, codemod: Type[RuleCodemod], text: str, targets: List[Diagnostic], lines: Sequence[str]
    ) -> Tuple[Optional[str], List[Diagnostic], str]:
        """(new text or None, the diagnostics the codemod handled, why it failed). Targets
        the codemod declined are marked failed with its reason."""
        quick = text_edits.rewrite(codemod, text, targets, self.context)
        if quick is not None:
            return quick[0], quick[1], ""
        try:
            transform, new_text = rewrite_with(lambda: codemod(targets, self.context), text)
        except Exception as error:  # noqa: BLE001 - a failed rewrite leaves the file as it was
            return None, [], f"the rewrite failed ({type(error).__name__}: {error})"
        for target in targets:
            reason = transform.skipped.get((target.line, target.col))
            if reason:
                self.failed[_key(target, lines)] = reason
        if not transform.applied:
            return None, [], "no rewritable code was found at this position"
        return new_text, transform.applied, ""

    def verify(
        self, before: List[Diagnostic], old_text: str, text: str, handled: List[Diagnostic]
    ) -> Tuple[Optional[List[Diagnostic]], str]:
        why = missing_import(old_text, text, self.filename, self.context.layout)
        if why:
            return None, why
        after = self.check(text)
        if any(d.code == engine.NOT_CHECKED for d in after):
            return None, "the fixed code does not parse"
        code = handled[0].code
        count_before = sum(d.code == code for d in before)
        count_after = sum(d.code == code for d in after)
        if count_after > count_before - len(handled):
            return None, "the fixed code still has the violation"
        return after, ""


def fix_text(
    text: str,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    context: FixContext,
    *,
    unsafe: bool = False,
    diagnostics: Optional[List[Diagnostic]] = None,
    project: Any = None,
) -> FixOutcome:
    fixer = _Fixer(filename, settings, selection, context, unsafe, project)
    current = diagnostics if diagnostics is not None else fixer.check(text)
    outcome = FixOutcome(text=text)
    for _ in range(MAX_STEPS):
        lines = source.physical_lines(text)
        step = fixer.next_step(current, lines)
        if step is None:
            break
        codemod, targets = step
        batches = [targets] if len(targets) == 1 else [targets] + [[t] for t in targets]
        for batch in batches:
            new_text, handled, why = fixer.rewrite(codemod, text, batch, lines)
            after = None
            if new_text is not None:
                after, why = fixer.verify(current, text, new_text, handled)
            if after is not None:
                text, current = new_text, after  # type: ignore[assignment]
                outcome.applied.extend(handled)
                break
            if len(batch) == 1:
                fixer.failed.setdefault(_key(batch[0], lines), why)
        else:
            # Even one at a time nothing could be applied: every target is marked failed.
            for target in targets:
                fixer.failed.setdefault(_key(target, lines), "the rewrite could not be verified")
    else:
        outcome.note = f"stopped after {MAX_STEPS} fix steps without reaching a fixed point"
    outcome.text = text
    outcome.remaining = current
    outcome.failures = dict(fixer.failed)
    return outcome
