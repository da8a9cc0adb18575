"""What every rule's codemod shares: finding the nodes its diagnostics point at."""

from __future__ import annotations

from typing import Callable, ClassVar, Dict, List, Optional, Sequence, Set, Tuple, TypeVar

import libcst as cst
from libcst.metadata import CodePosition, MetadataWrapper, PositionProvider

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.codemods.lossless import column_shifts, may_lose, put_back
from fastapi_conventions_lint.fix.codemods.sparse import outline, restore
from fastapi_conventions_lint.fix.codemods.wrapping import split_long_lines
from fastapi_conventions_lint.fix.context import FixContext
from fastapi_conventions_lint.fix.imports import Needed, Sections, place_imports
from fastapi_conventions_lint.fix.line_length import line_length_for


_STATEMENTS = (cst.SimpleStatementLine, cst.BaseCompoundStatement)
FormattingCodemodT = TypeVar("FormattingCodemodT", bound="FormattingCodemod")


class FormattingCodemod(cst.CSTTransformer):
    """A codemod whose output a formatter accepts: the imports it adds go where isort would
    put them (fix/imports.py), and a line it makes too long is split as black would
    (codemods/wrapping.py).

    A plain transformer, not LibCST's `Codemod`: none of the codemods uses matcher decorators,
    whose dispatch on every node cost about half of a rewrite, and `libcst.codemod` imports
    `libcst.matchers`, 0.13 s before any work. `rewrite(text)` parses once and generates the
    code once; the module it parses is its own, so metadata is computed on it without a copy."""

    # Lines the edits are on, for a codemod whose edits stay inside the statements holding
    # them: the other statements are not visited (most of a module). None: all are.
    target_lines: Optional[Set[int]] = None
    # Line -> characters of its indentation LibCST does not hold (lossless.py); see `at`.
    column_shifts: Dict[int, int] = {}

    def __init__(self, filename: str, layout: object = None) -> None:
        super().__init__()
        # The file's name and the project's layout decide the section of an added import.
        self.import_filename, self.import_layout = filename, layout
        self.needed: List[Needed] = []  # `from module import name` the edits use

    def on_visit(self, node: cst.CSTNode) -> bool:
        lines = self.target_lines
        if lines is not None and isinstance(node, _STATEMENTS):
            where = self.get_metadata(PositionProvider, node)
            decorators = getattr(node, "decorators", ())
            # A definition's position starts at `def`/`class`; its decorators come before.
            start = self.get_metadata(PositionProvider, decorators[0]).start.line if decorators else where.start.line
            if not any(start <= line <= where.end.line for line in lines):
                return False
        return super().on_visit(node)

    def at(self, position: CodePosition) -> Tuple[int, int]:
        """(line, column) of a LibCST position as `ast` counts them, which is how diagnostics
        point at code."""
        return position.line, position.column + self.column_shifts.get(position.line, 0)

    def need_import(self, module: str, name: str) -> None:
        """Records that the edits use `name` from `module`; `rewrite` adds the import."""
        if (module, name) not in self.needed:
            self.needed.append((module, name))

    def rewrite(self, text: str) -> str:
        """The text with this codemod's edits made (and its imports placed, its long lines
        split); parse errors propagate."""
        wrapper = MetadataWrapper(cst.parse_module(text), unsafe_skip_copy=True)
        unchanged = wrapper.module.code if may_lose(text) else text
        self.column_shifts = column_shifts(text, unchanged) if unchanged != text else {}
        with self.resolve(wrapper):
            rewritten = self._rewritten(text, wrapper.module)
        if rewritten == text or unchanged == text:
            return rewritten
        kept = put_back(text, unchanged, rewritten)
        if kept is None:
            raise ValueError("LibCST does not keep this file's whitespace")
        return kept

    def _rewritten(self, original: str, tree: cst.Module) -> str:
        tree = tree.visit(self)
        if self.needed:
            tree = place_imports(tree, self.needed, Sections(self.import_filename, self.import_layout))
        code = tree.code
        if code == original:
            return code
        return split_long_lines(original, tree, line_length_for(self.import_filename), code)


def rewrite_with(make: Callable[[], FormattingCodemodT], text: str) -> Tuple[FormattingCodemodT, str]:
    """(the codemod that made it, the text rewritten by a codemod `make` builds). One whose
    edits stay in their statements sees an outline of a long module (codemods/sparse.py);
    when the outline cannot be restored, a fresh codemod rewrites the whole module."""
    codemod = make()
    if codemod.target_lines is not None:
        outlined = outline(text, codemod.target_lines)
        if outlined is not None:
            try:
                restored = restore(outlined, codemod.rewrite(outlined.text))
            except Exception:  # noqa: BLE001 - the whole module is tried next
                restored = None
            if restored is not None:
                return codemod, restored
            codemod = make()
    return codemod, codemod.rewrite(text)


class RuleCodemod(FormattingCodemod):
    """A codemod for one rule. It receives that rule's diagnostics in one file and rewrites
    the nodes they point at; `applied` lists the diagnostics it handled."""

    code: ClassVar[str]
    METADATA_DEPENDENCIES = (PositionProvider,)
    # Whether its edits stay inside the statements its diagnostics are on (see target_lines).
    LOCAL_EDITS: ClassVar[bool] = False

    def __init__(self, diagnostics: Sequence[Diagnostic], fix_context: FixContext) -> None:
        super().__init__(fix_context.filename, fix_context.layout)
        self.fix_context = fix_context
        self._targets: Dict[Tuple[int, int], Diagnostic] = {(d.line, d.col): d for d in diagnostics}
        if self.LOCAL_EDITS:
            self.target_lines = lines_of(diagnostics)
        self.applied: List[Diagnostic] = []
        self.skipped: Dict[Tuple[int, int], str] = {}

    def target(self, node: cst.CSTNode) -> Optional[Diagnostic]:
        """The diagnostic pointing at `node`'s first character (parentheses excluded, as in
        `ast`), if any is still waiting."""
        return self._targets.get(self.at(self.get_metadata(PositionProvider, node).start))

    def starts_on(self, node: cst.CSTNode) -> int:
        return self.get_metadata(PositionProvider, node).start.line

    def waiting(self) -> List[Diagnostic]:
        return list(self._targets.values())

    def done(self, diagnostic: Diagnostic) -> None:
        self._targets.pop((diagnostic.line, diagnostic.col), None)
        self.applied.append(diagnostic)

    def replacement(self, diagnostic: Diagnostic, old: cst.BaseExpression) -> cst.BaseExpression:
        """The expression the payload's `replacement` spells, in the parentheses written around
        `old`, with the payload's `import` (module, name) scheduled."""
        payload = diagnostic.fix.payload  # type: ignore[union-attr]
        if payload.get("import"):
            self.need_import(*payload["import"])
        new = cst.parse_expression(payload["replacement"])
        return new.with_changes(lpar=old.lpar, rpar=old.rpar)

    def skip(self, diagnostic: Diagnostic, reason: str) -> None:
        """Leave this one alone (pyupgrade's rule: a fix that cannot be made safely is not
        made) and say why."""
        self._targets.pop((diagnostic.line, diagnostic.col), None)
        self.skipped[(diagnostic.line, diagnostic.col)] = reason


def alone_on_line(statement: cst.BaseStatement, kind: type, value: type = object) -> Optional[cst.CSTNode]:
    """The statement's one small statement when it is a `kind` (and its `value` a `value`):
    `yield x` alone on its line is `alone_on_line(s, cst.Expr, cst.Yield)`. The structural test
    a matcher would make, without importing `libcst.matchers` (0.13 s) for it."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, kind) or not isinstance(getattr(small, "value", None), value):
        return None
    return small


def lines_of(diagnostics: Sequence[Diagnostic]) -> Set[int]:
    """Every line the diagnostics span: what a local codemod keeps of a long module."""
    return {line for d in diagnostics for line in range(d.line, max(d.line, d.end_line or d.line) + 1)}


def has_comment(node: cst.CSTNode) -> bool:
    """Whether replacing the node would drop a comment written inside it."""
    return any(isinstance(child, cst.Comment) for child in _descendants(node))


def _descendants(node: cst.CSTNode):
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def keyword_name(arg: cst.Arg) -> Optional[str]:
    return arg.keyword.value if arg.keyword is not None else None


def without_args(call: cst.Call, drop: Sequence[cst.Arg]) -> cst.Call:
    """The call without some arguments. When the last argument goes, the new last one takes
    over its comma and the whitespace before the closing parenthesis (and any comment there),
    so the call keeps its layout."""
    kept = [arg for arg in call.args if not any(arg is dropped for dropped in drop)]
    if not kept:
        return call.with_changes(args=())
    last_original = call.args[-1]
    if not any(last_original is arg for arg in kept):
        kept[-1] = kept[-1].with_changes(
            comma=last_original.comma, whitespace_after_arg=last_original.whitespace_after_arg
        )
    return call.with_changes(args=kept)


