"""Checking one file: the part both hosts share, and the CLI's read-decode-parse around it."""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterable, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import prefilter, source, suppression
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import NOT_CHECKED, Diagnostic
from fastapi_conventions_lint.lazy import lazy_module
from fastapi_conventions_lint.selection import CodeSelection

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.facts.model import FileFacts
    from fastapi_conventions_lint.rules import Rule

# Loaded on first use: a file the prefilter passes over needs neither (a run that analyses
# only such a file, answered otherwise from the results cache, imports no rule).
_rules = lazy_module("fastapi_conventions_lint.rules")
_extract = lazy_module("fastapi_conventions_lint.facts.extract")
_compact_tree = lazy_module("fastapi_conventions_lint.compact_tree")

prefilter_names = prefilter.prefilter_names  # long imported from here
ENVIRONMENT_RULE = "FCL502"  # the one rule for files that mention nothing but the environment
_NOQA = re.compile(rb"noqa", re.IGNORECASE)
# Why a file found by walking a directory is not analysed (what `-v` says).
PREFILTERED = "mentions nothing any rule looks at (the prefilter)"


def file_rules(enabled: Optional[CodeSelection] = None, ignore: Sequence[str] = ()) -> Tuple[Rule, ...]:
    """The rules that run on a file's tree, optionally limited to the selected codes."""
    return tuple(
        rule
        for rule in _rules.ALL_RULES
        if rule.scope is _rules.Scope.FILE and (enabled is None or enabled.enabled(rule.code, ignore))
    )


def lint_tree(
    tree: ast.Module, lines: List[str], settings: Settings, rules: Iterable[Rule]
) -> List[Diagnostic]:
    """Run the rules over one parsed file. Columns come out in characters."""
    rules = tuple(rules)
    if not rules:
        return []
    try:
        facts = _extract.extract_facts(tree, settings)
    except RecursionError:
        return [too_deep()]
    return run_rules(facts, lines, settings, rules)


def run_rules(
    facts: FileFacts, lines: List[str], settings: Settings, rules: Iterable[Rule],
    extra: Iterable[Diagnostic] = (),
) -> List[Diagnostic]:
    try:
        found = _findings(facts, settings, rules)
    except RecursionError:
        return [too_deep()]
    return _in_order(found, extra, lines)


def _findings(facts: FileFacts, settings: Settings, rules: Iterable[Rule]) -> Set[Diagnostic]:
    """The rules' findings, columns in bytes, before noqa."""
    return {diagnostic for rule in rules for diagnostic in rule.check(facts, settings)}


def _in_order(found: Set[Diagnostic], extra: Iterable[Diagnostic], lines: List[str]) -> List[Diagnostic]:
    """The findings with `extra` (project findings), columns in characters, sorted."""
    return sorted(_in_characters(d, lines) for d in found.union(extra))


def _in_characters(diagnostic: Diagnostic, lines: List[str]) -> Diagnostic:
    """`ast` gives columns (start and end) in UTF-8 bytes; diagnostics carry characters."""
    if not diagnostic.col and not diagnostic.end_col:
        return diagnostic
    end_col = diagnostic.end_col
    if end_col and diagnostic.end_line is not None:
        end_col = source.display_column(lines, diagnostic.end_line, end_col)
    return replace(
        diagnostic, col=source.display_column(lines, diagnostic.line, diagnostic.col), end_col=end_col
    )


def too_deep() -> Diagnostic:
    return Diagnostic(1, 0, NOT_CHECKED, "could not analyse: the code is nested too deeply")


def not_analysed(error: BaseException) -> Diagnostic:
    """A file whose analysis raised: its FCL900, so that the run goes on and the report says
    which file was not checked. Running out of memory or stack is the input's size; anything
    else is a fault of this tool."""
    if isinstance(error, (MemoryError, RecursionError)):
        why = f"the code is too large or nested too deeply ({type(error).__name__})"
    else:
        why = f"internal error: {type(error).__name__}: {error}; please report it"
    return Diagnostic(1, 0, NOT_CHECKED, f"could not analyse: {why}")


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
    """All diagnostics for one file's bytes, after noqa, select/ignore and per-file-ignores,
    from this file alone."""
    return analyse_source(data, filename, settings, selection, explicit=explicit).conclude()


@dataclass(eq=False)
class FileAnalysis:
    """One file between the passes: its facts, or its final diagnostics when there is nothing
    more to do (skipped, unreadable, suppressed)."""

    filename: str
    settings: Settings
    selection: CodeSelection
    ignore: Sequence[str]
    lines: List[str] = field(default_factory=list)
    facts: Optional[FileFacts] = None
    done: Optional[List[Diagnostic]] = None
    skipped: Optional[str] = None  # why the file was not analysed at all (`-v` says)
    # The prefilter passed over it and it mentions nothing the project pass reads either
    # (project_pass.read_by_project): the project pass need not read it again.
    unread_by_project: bool = False
    project_pass_ran: bool = False  # the whole-app rules' findings are among `extra`
    # The findings (columns in bytes, before noqa) of the file rules run in the first pass:
    # those that read no links (find_before_linking), or all of them when the facts were then
    # dropped (set_facts_aside); with what running them raised.
    found: Optional[Set[Diagnostic]] = None
    rules_failed: Optional[BaseException] = None
    # The lines were let go with the facts (no noqa), but for those the file's own findings
    # are on (blank elsewhere): read again if a project finding lands in the file.
    lines_dropped: bool = False
    # A large run's held file (`hold_compactly`): its lines as one text until it is concluded,
    # then only those its findings are on in `lines`.
    text: Optional[str] = None

    @property
    def facts_set_aside(self) -> bool:
        return self.facts is None and (self.found is not None or self.rules_failed is not None)

    def find_before_linking(self) -> None:
        """Run now the file rules that read nothing the project pass links in
        (Rule.reads_links): they find the same before linking as after, and so run in the
        process that read the file. `conclude` runs the others."""
        self._find(rule for rule in file_rules(self.selection, self.ignore) if not rule.reads_links)

    def set_facts_aside(self) -> None:
        """Run the file rules now and drop the facts: for a file the project pass does not
        hold (project/relevance.py), nothing it links can change what they find. What a
        project finding adds, and noqa, are applied in `conclude` as usual."""
        rules = file_rules(self.selection, self.ignore)
        self._find(rule for rule in rules if rule.reads_links or self.found is None)
        self.facts = None
        if self.rules_failed is None and "noqa" not in "".join(self.lines).lower():
            # Nothing to suppress: what is left to do with the lines is to give the findings
            # their columns in characters, and the reports to quote their lines.
            self.lines, self.lines_dropped = _lines_of(self.found, self.lines), True

    def hold_compactly(self) -> None:
        """For a file the project pass holds, in a workspace whose trees are compact: let its
        route handlers' bodies go (handler_bodies.py), now that the rules that read them have
        run (`find_before_linking`), and keep its lines as one text until it is concluded
        (a line is an object of its own: a third of the memory of the text). The text gives
        the bodies back if asked."""
        tree = self.facts.tree if self.facts is not None else None
        if tree is None or self.found is None or not _compact_tree.is_compact(tree):
            return
        from fastapi_conventions_lint.handler_bodies import let_go

        text = self.text = "".join(self.lines)
        self.lines = []
        let_go(self.facts, lambda: text)  # type: ignore[arg-type]

    def all_lines(self) -> List[str]:
        """Every line of the file as the first pass read it, also when they are held as one
        text (`hold_compactly`)."""
        return self.lines if self.text is None else _split(self.text)

    def _find(self, rules: Iterable[Rule]) -> None:
        if self.rules_failed is not None:
            return
        try:
            found = _findings(self.facts, self.settings, rules)  # type: ignore[arg-type]
        except Exception as error:  # noqa: BLE001 - raised again where conclude would raise it
            self.rules_failed = error
            return
        self.found = found if self.found is None else self.found | found

    def conclude(self, extra: Iterable[Diagnostic] = ()) -> List[Diagnostic]:
        """The file's diagnostics: file rules on its facts, plus project findings for it."""
        if self.text is None:
            return self._conclude(extra)
        self.lines = _split(self.text)  # for the rules, noqa and columns; then let go again
        try:
            found = self._conclude(extra)
        finally:
            lines, self.lines = self.lines, []
        self.lines = _lines_of(found, lines)  # what the reports quote
        return found

    def _conclude(self, extra: Iterable[Diagnostic]) -> List[Diagnostic]:
        if self.done is not None:
            return self._done_with(extra)
        rules = file_rules(self.selection, self.ignore)
        kept = [d for d in extra if self.selection.enabled(d.code, self.ignore)]
        if self.rules_failed is not None:
            if not isinstance(self.rules_failed, RecursionError):
                raise self.rules_failed
            found = [too_deep()]
        elif self.found is not None and self.facts is None:
            if kept and self.lines_dropped:
                self._read_lines_again()  # else columns stay in bytes, and no noqa is read
            found = _in_order(self.found, kept, self.lines)
        elif self.found is not None:  # those that read links are left
            found = run_rules(
                self.facts, self.lines, self.settings, [rule for rule in rules if rule.reads_links],  # type: ignore[arg-type]
                [*kept, *self.found],
            )
        else:
            found = run_rules(self.facts, self.lines, self.settings, rules, kept)  # type: ignore[arg-type]
        if self.selection.enabled(suppression.UNUSED_NOQA, self.ignore):
            found = sorted(found + suppression.unused_noqa(
                found, self.lines, lambda code: self._ran(code), tuple(_rules.RULES_BY_CODE),
            ))
        return suppression.remove_suppressed(found, self.lines)

    def _ran(self, code: str) -> bool:
        """Whether the rule of a code ran on this file, so that its silence means something:
        one that looks across modules only when the project pass did."""
        if code in (NOT_CHECKED, suppression.UNUSED_NOQA) or not self.selection.enabled(code, self.ignore):
            return False
        rule = _rules.RULES_BY_CODE[code]
        return self.project_pass_ran or not (rule.scope is _rules.Scope.PROJECT or rule.extends_to_project)

    def _read_lines_again(self) -> bool:
        """Read the file's lines (let go in the first pass, or never kept) for a project finding
        that lands in it; False when it cannot be read now."""
        try:
            self.lines = source.physical_lines(source.decode(source.read_bytes(self.filename)))
        except source.NotChecked:
            return False
        self.lines_dropped = False
        return True

    def _done_with(self, extra: Iterable[Diagnostic]) -> List[Diagnostic]:
        """A file finished in the first pass (the prefilter passed over it, say) may still be
        named by a project finding: a yield dependency that other modules use."""
        if self.skipped == PREFILTERED:
            self.ignore = self.selection.ignores_for(self.filename, self.settings.root)
        kept = [d for d in extra if self.selection.enabled(d.code, self.ignore)]
        if not kept:
            return self.done  # type: ignore[return-value]
        if not self.lines and not self._read_lines_again():
            return self.done  # type: ignore[return-value]
        if suppression.skips_file(self.lines):
            return self.done  # type: ignore[return-value]
        found = sorted([*self.done, *(_in_characters(d, self.lines) for d in kept)])  # type: ignore[misc]
        return suppression.remove_suppressed(found, self.lines)


@lru_cache(maxsize=4)
def _split(text: str) -> List[str]:
    """A held text's lines: the few last asked for are kept (the fix planner asks about one
    file's lines again and again)."""
    return source.physical_lines(text)


def _lines_of(found: Iterable[Diagnostic], lines: List[str]) -> List[str]:
    """The lines the findings start or end on, blank elsewhere; none when nothing is found
    (most files of a large project)."""
    wanted = {number for d in found for number in (d.line, d.end_line) if number}
    if not wanted:
        return []
    return [line if number in wanted else "" for number, line in enumerate(lines, 1)]


def analyse_text(
    text: str,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    ignore: Optional[Sequence[str]] = None,
    context: Any = None,
    lookup: Any = None,
    tree: Optional[ast.Module] = None,
    compact: bool = False,
) -> FileAnalysis:
    """The first pass over one file's text. `context` (a project.context.ProjectContext) adds
    what other modules say about this one; `lookup` (a facts.model.ClassLookup) answers for
    classes imported from other modules (the context carries its own). `tree`: the text's
    tree, when the caller has parsed it already. `compact`: the file is of a workspace large
    enough for its held trees to be kept as compact copies (compact_tree.py)."""
    if ignore is None:
        ignore = selection.ignores_for(filename, settings.root)
    analysis = FileAnalysis(filename, settings, selection, ignore, source.physical_lines(text))
    if suppression.skips_file(analysis.lines):
        analysis.done = []
        return analysis
    try:
        if tree is None:
            tree = source.parse(text, filename)
            tree = _compact_tree.held(tree, text) if compact else tree
    except source.NotChecked as error:
        # As flake8 does for E999, a noqa comment on the error's line silences it.
        analysis.done = suppression.remove_suppressed(
            _not_checked(error, selection, ignore), analysis.lines
        )
        return analysis
    try:
        if context is not None and lookup is None:
            lookup = context.lookup
        analysis.facts = _extract.extract_facts(tree, settings, lookup, text)
        analysis.facts.filename = filename
    except RecursionError:
        analysis.done = [too_deep()]
        return analysis
    if context is not None:
        context.apply(analysis.facts)
    return analysis


def analyse_source(
    data: bytes, filename: str, settings: Settings, selection: CodeSelection, *, explicit: bool,
    lookup: Any = None, compact: bool = False,
) -> FileAnalysis:
    """The first pass over one file's bytes. A file found by walking a directory is skipped
    when the prefilter says no rule can fire; a file named explicitly always goes through."""
    passed = prefilter.might_matter(data, prefilter_names(settings))
    analysis = _first_pass(data, filename, settings, selection, explicit, lookup, passed, compact)
    if not passed and analysis.facts is None:
        analysis.unread_by_project = not prefilter.mentions_project_words(data)
    return analysis


def _first_pass(
    data: bytes, filename: str, settings: Settings, selection: CodeSelection, explicit: bool, lookup: Any,
    passed: bool, compact: bool,
) -> FileAnalysis:
    environment_only = parse_only = False
    if not passed:
        reads_environment = prefilter.reads_environment(data) and selection.enabled(ENVIRONMENT_RULE, ())
        if not explicit:
            if not reads_environment:
                return FileAnalysis(filename, settings, selection, (), done=[], skipped=PREFILTERED)
            environment_only = True
        else:
            # Named, so a syntax error is reported; nothing else can be (a noqa comment may
            # be unused, FCL901: the whole path judges that).
            parse_only = not reads_environment and _NOQA.search(data) is None
    ignore = selection.ignores_for(filename, settings.root)
    try:
        text = source.decode(data)
    except source.NotChecked as error:
        return FileAnalysis(
            filename, settings, selection, ignore, done=_not_checked(error, selection, ignore)
        )
    if environment_only:
        return _environment_only(text, filename, settings, selection, ignore, lookup)
    if parse_only:
        try:
            source.parse(text, filename)
        except source.NotChecked:
            pass  # the whole path reports it (FCL900, unless suppressed)
        else:
            return FileAnalysis(filename, settings, selection, ignore, done=[])
    return analyse_text(text, filename, settings, selection, ignore, lookup=lookup, compact=compact)


def _environment_only(
    text: str, filename: str, settings: Settings, selection: CodeSelection, ignore: Sequence[str],
    lookup: Any,
) -> FileAnalysis:
    """A file that mentions nothing but the environment: FCL502 alone, on its imports and
    environment reads; no facts are kept (the project pass reads such a module when asked)."""
    analysis = FileAnalysis(filename, settings, selection, ignore, source.physical_lines(text))
    analysis.done = []
    if suppression.skips_file(analysis.lines) or not selection.enabled(ENVIRONMENT_RULE, ignore):
        return analysis
    try:
        tree = source.parse(text, filename)
    except source.NotChecked:
        return analysis  # as for a file the prefilter skips: only a file named is FCL900
    from fastapi_conventions_lint.facts.environment import environment_reads
    from fastapi_conventions_lint.facts.model import FileFacts
    from fastapi_conventions_lint.facts.names import ImportTable

    imports = ImportTable.of_module(tree)
    facts = FileFacts(imports=imports, resolver=None, bindings={}, filename=filename, lookup=lookup)  # type: ignore[arg-type]
    facts.environment_reads = environment_reads(tree, imports, text)
    if facts.environment_reads:
        rule = _rules.RULES_BY_CODE[ENVIRONMENT_RULE]
        found = run_rules(facts, analysis.lines, settings, (rule,))
        analysis.done = suppression.remove_suppressed(found, analysis.lines)
    return analysis


def check_text(
    text: str,
    filename: str,
    settings: Settings,
    selection: CodeSelection,
    ignore: Optional[Sequence[str]] = None,
    context: Any = None,
    tree: Optional[ast.Module] = None,
) -> List[Diagnostic]:
    """All diagnostics for a file's decoded text, from this file and the project context
    given (the fix engine re-checks its results here)."""
    return analyse_text(text, filename, settings, selection, ignore, context, tree=tree).conclude()


def analyse_path(
    path: str, settings: Settings, selection: CodeSelection, *, explicit: bool, lookup: Any = None,
    compact: bool = False,
) -> FileAnalysis:
    try:
        data = source.read_bytes(path, own=True)
    except source.NotChecked as error:
        ignore = selection.ignores_for(path, settings.root)
        return FileAnalysis(path, settings, selection, ignore, done=_not_checked(error, selection, ignore))
    return analyse_source(data, path, settings, selection, explicit=explicit, lookup=lookup, compact=compact)


def check_path(
    path: str, settings: Settings, selection: CodeSelection, *, explicit: bool
) -> List[Diagnostic]:
    try:
        data = source.read_bytes(path, own=True)
    except source.NotChecked as error:
        return _not_checked(error, selection, selection.ignores_for(path, settings.root))
    return check_source(data, path, settings, selection, explicit=explicit)
