"""Splitting a line a fix made too long, as black would: a call's arguments (or a function's
parameters) first all on one indented line inside the brackets; when that is still too long,
one per line with a trailing comma. An import goes in parentheses, one name per line (isort's
black profile). Only lines the fix changed are split, and only when the
line it replaced was not already too long."""

from __future__ import annotations

import ast
import difflib
from typing import List, Optional, Sequence, Set, Tuple, Union

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from fastapi_conventions_lint.source import lines_with_ends

INDENT = "    "

_Item = Union[cst.Arg, cst.Param, cst.ParamSlash, cst.ParamStar]


def lines_to_split(old: str, new: str, limit: int) -> Set[int]:
    """1-based lines of `new` that the fix changed, now longer than `limit`, replacing lines
    that all fitted."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    found: Set[int] = set()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = old_lines[old_start:old_end]
        for offset, index in enumerate(range(new_start, new_end)):
            if len(new_lines[index]) <= limit:
                continue
            replaced = _replaced(before, offset, new_end - new_start, new_lines[index])
            if replaced is None or len(replaced) <= limit:
                found.add(index + 1)
    return found


def _replaced(before: Sequence[str], offset: int, count: int, line: str) -> Optional[str]:
    """The old line a changed line stands for: line for line when the fix rewrote lines in
    place, else the most similar one (an import added next to the edit shifts the lines)."""
    if len(before) == count:
        return before[offset]
    if not before:
        return None
    return max(before, key=lambda old: difflib.SequenceMatcher(a=old, b=line).ratio())


def split_long_lines(old: str, tree: cst.Module, limit: int, new: Optional[str] = None) -> str:
    """The tree's code with the lines the fix made too long split. `new`: the tree's code,
    when the caller has it already."""
    code = tree.code if new is None else new
    targets = lines_to_split(old, code, limit)
    if not targets:
        return code
    split = _split_statements(tree, code, targets, limit)
    if split is not None:
        return split
    wrapper = MetadataWrapper(tree, unsafe_skip_copy=True)
    return wrapper.visit(_Splitter(targets, limit, tree)).code


def _split_statements(tree: cst.Module, code: str, targets: Set[int], limit: int) -> Optional[str]:
    """The split made on the top-level statements holding the targets alone: positions over a
    whole module cost as much as the fix's own rewrite. Each statement is placed in `code` by
    the lines `ast` gives it and checked there line for line (None when one cannot be); its
    lines are replaced by its split code (a module's code is its statements' codes one after
    the other), so the module is not generated again."""
    try:
        nodes = iter(ast.parse(code).body)
        spans = []
        for statement in tree.body:
            count = len(statement.body) if isinstance(statement, cst.SimpleStatementLine) else 1
            group = [next(nodes) for _ in range(count)]
            spans.append(group[-1].end_lineno or group[-1].lineno)
    except (SyntaxError, ValueError, StopIteration, RecursionError, MemoryError):
        return None
    with_ends = lines_with_ends(code)
    lines = [line.rstrip("\r\n") for line in with_ends]
    replaced: List[Tuple[int, int, List[str]]] = []  # (first line, last line, the lines instead)
    waiting = set(targets)
    previous = 0
    for index, (statement, last) in enumerate(zip(tree.body, spans)):
        # A statement's lines follow the one before (its leading comments included).
        wanted = {line for line in waiting if previous < line <= last}
        first_possible, previous = previous + 1, last
        if not wanted:
            continue
        # Only the module's end may lack a line end (a module whose last line has none).
        ends = index < len(tree.body) - 1 or bool(tree.footer) or tree.has_trailing_newline
        split = _split_header(tree, statement, first_possible, wanted, lines, limit)
        if split is None:
            split = _split_whole(tree.with_changes(has_trailing_newline=ends), statement, last, wanted, lines, limit)
        if split is None:
            return None
        waiting -= wanted
        replaced.append(split)
    if waiting:
        return None  # a target outside every statement's lines: the whole module is asked
    for first, last, instead in reversed(replaced):
        with_ends[first - 1:last] = instead
    return "".join(with_ends)


_Replaced = Tuple[int, int, List[str]]


def _split_whole(
    tree: cst.Module, statement: cst.BaseStatement, last: int, wanted: Set[int], lines: List[str], limit: int
) -> Optional[_Replaced]:
    """The lines of the top-level statement ending on line `last`, and its code with the
    wanted lines split (None when its code is not found there line for line)."""
    alone = tree.with_changes(body=[statement], header=[], footer=[])
    code = alone.code
    alone_lines = [line.rstrip("\r\n") for line in lines_with_ends(code)]
    first = last - len(alone_lines) + 1
    if first < 1 or not wanted <= set(range(first, last + 1)) or lines[first - 1:last] != alone_lines:
        return None
    split = _split_alone(alone, code, {line - first + 1 for line in wanted}, limit)
    return None if split is None else (first, last, lines_with_ends(split.code))


def _split_header(
    tree: cst.Module, statement: cst.BaseStatement, first: int, wanted: Set[int], lines: List[str], limit: int
) -> Optional[_Replaced]:
    """For wanted lines all in the header of a function or class (its decorators and its
    signature, a fix's usual long line): the split made on the header alone, its body stood
    in for by `pass`, whose line is left out of the code. Positions over a long body cost as
    much as over a module. None when that does not apply: the whole statement is split
    instead."""
    block = getattr(statement, "body", None)
    if not isinstance(statement, (cst.FunctionDef, cst.ClassDef)) or not isinstance(block, cst.IndentedBlock):
        return None
    stub = statement.with_changes(body=block.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])], footer=[]))
    alone = tree.with_changes(body=[stub], header=[], footer=[], has_trailing_newline=True)
    code = alone.code
    header = [line.rstrip("\r\n") for line in lines_with_ends(code)][:-1]  # without the `pass`
    end = first + len(header) - 1
    if not header or not wanted <= set(range(first, end + 1)) or lines[first - 1:end] != header:
        return None
    split = _split_alone(alone, code, {line - first + 1 for line in wanted}, limit)
    return None if split is None else (first, end, lines_with_ends(split.code)[:-1])


def _split_alone(alone: cst.Module, code: str, targets: Set[int], limit: int) -> Optional[cst.Module]:
    """The one-statement module with the target lines split."""
    visited = MetadataWrapper(alone, unsafe_skip_copy=True).visit(_Splitter(targets, limit, alone, code))
    return visited if len(visited.body) == 1 else None


class _Splitter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, targets: Set[int], limit: int, module: cst.Module, code: Optional[str] = None) -> None:
        super().__init__()
        self.targets = set(targets)
        self.limit = limit
        self.module = module
        self.lines = (module.code if code is None else code).splitlines()
        self._chosen: Set[int] = set()  # id() of the outermost node to split on each line

    def _line(self, node: cst.CSTNode) -> int:
        # A definition's line is that of its name (its position starts at its decorators).
        anchor = node.name if isinstance(node, cst.FunctionDef) else node
        return self.get_metadata(PositionProvider, anchor).start.line

    def _claim(self, node: cst.CSTNode) -> None:
        """The first (outermost) call or definition starting on a target line is split."""
        line = self._line(node)
        if line in self.targets and "\n" not in self._header(node):
            self.targets.discard(line)
            self._chosen.add(id(node))

    def _header(self, node: cst.CSTNode) -> str:
        if isinstance(node, cst.FunctionDef):
            return self.module.code_for_node(node.params)
        return self.module.code_for_node(node)

    def visit_Call(self, node: cst.Call) -> bool:
        if node.args:
            self._claim(node)
        return True

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        if not isinstance(node.names, cst.ImportStar):
            self._claim(node)
        return False

    def leave_ImportFrom(
        self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom
    ) -> cst.ImportFrom:
        """isort's wrap under profile black: in parentheses, one name per line, trailing
        comma (never all names on one indented line)."""
        if id(original_node) not in self._chosen:
            return updated_node
        names = list(updated_node.names)  # type: ignore[arg-type]
        last = len(names) - 1
        names = [
            name.with_changes(comma=cst.Comma(whitespace_after=_newline(INDENT if i < last else "")))
            for i, name in enumerate(names)
        ]
        return updated_node.with_changes(
            names=names,
            lpar=cst.LeftParen(whitespace_after=_newline(INDENT)),
            rpar=cst.RightParen(),
        )

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        if _items(node.params):
            self._claim(node)
        return True

    def _indent(self, node: cst.CSTNode) -> str:
        line = self.lines[self._line(node) - 1]
        return line[: len(line) - len(line.lstrip())]

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if id(original_node) not in self._chosen:
            return updated_node
        indent = self._indent(original_node)
        items = list(updated_node.args)
        one_line = self._fits_on_one_line(items, indent)
        items = _laid_out(items, one_line)
        return updated_node.with_changes(args=items, whitespace_before_args=_newline(INDENT))

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        if id(original_node) not in self._chosen:
            return updated_node
        indent = self._indent(original_node)
        params = updated_node.params
        items = _items(params)
        one_line = self._fits_on_one_line(items, indent)
        laid_out = _laid_out(items, one_line)
        return updated_node.with_changes(
            params=_with_items(params, laid_out), whitespace_before_params=_newline(INDENT)
        )

    def _fits_on_one_line(self, items: Sequence[_Item], indent: str) -> bool:
        text = "".join(self.module.code_for_node(_without_trailing(item)) for item in items)
        return len(indent + INDENT + text.strip()) <= self.limit


def _newline(last_line: str) -> cst.ParenthesizedWhitespace:
    return cst.ParenthesizedWhitespace(
        first_line=cst.TrailingWhitespace(),
        indent=True,
        last_line=cst.SimpleWhitespace(last_line),
    )


def _without_trailing(item: _Item) -> _Item:
    """The item as it reads on one line: its comma followed by one space, none after it."""
    changes = {}
    if isinstance(item.comma, cst.Comma):
        changes["comma"] = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    for field in ("whitespace_after_arg", "whitespace_after_param", "whitespace_after"):
        if hasattr(item, field):
            changes[field] = cst.SimpleWhitespace("")
    return item.with_changes(**changes)


def _laid_out(items: Sequence[_Item], one_line: bool) -> List[_Item]:
    """The items with their whitespace set: all on one indented line (no trailing comma), or
    one per line with a trailing comma; the closing bracket on a line of its own."""
    laid_out: List[_Item] = []
    last = len(items) - 1
    for index, item in enumerate(items):
        item = _without_trailing(item)
        if index < last:
            if not one_line:
                item = item.with_changes(comma=cst.Comma(whitespace_after=_newline(INDENT)))
        elif one_line:
            item = _after(item.with_changes(comma=cst.MaybeSentinel.DEFAULT), _newline(""))
        else:
            item = item.with_changes(comma=cst.Comma(whitespace_after=_newline("")))
        laid_out.append(item)
    return laid_out


def _after(item: _Item, whitespace: cst.BaseParenthesizableWhitespace) -> _Item:
    for field in ("whitespace_after_arg", "whitespace_after_param", "whitespace_after"):
        if hasattr(item, field):
            return item.with_changes(**{field: whitespace})
    return item


# -- a function's parameters, in written order ---------------------------------------------------


def _items(params: cst.Parameters) -> List[_Item]:
    items: List[_Item] = list(params.posonly_params)
    if params.posonly_ind is not cst.MaybeSentinel.DEFAULT:
        items.append(params.posonly_ind)  # type: ignore[arg-type]
    items.extend(params.params)
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        items.append(params.star_arg)
    items.extend(params.kwonly_params)
    if params.star_kwarg is not None:
        items.append(params.star_kwarg)
    return items


def _with_items(params: cst.Parameters, items: Sequence[_Item]) -> cst.Parameters:
    remaining = list(items)

    def take(count: int) -> List[_Item]:
        taken = remaining[:count]
        del remaining[:count]
        return taken

    changes: dict = {"posonly_params": take(len(params.posonly_params))}
    if params.posonly_ind is not cst.MaybeSentinel.DEFAULT:
        changes["posonly_ind"] = take(1)[0]
    changes["params"] = take(len(params.params))
    if isinstance(params.star_arg, (cst.Param, cst.ParamStar)):
        changes["star_arg"] = take(1)[0]
    changes["kwonly_params"] = take(len(params.kwonly_params))
    if params.star_kwarg is not None:
        changes["star_kwarg"] = take(1)[0]
    return params.with_changes(**changes)


