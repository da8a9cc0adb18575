"""The codemod of the cross-file fixes (fix/cross_file.py): one run over a file makes every
edit planned for it. On a router construction: set `prefix=` (its value replaced, or the
argument added before the other keyword arguments) and `tags=` (replaced, or added last); on
an include_router call: drop `prefix=` and/or `tags=`. Calls are found by where they start and
end, as `ast` gives them; the configured object is imported (in isort's place, fix/imports.py)
when the new prefix needs it. An edit that cannot be made as planned is refused with a reason, and
the caller drops the move it belongs to."""

from __future__ import annotations

from typing import Dict, List, Optional, Sequence, Set, Tuple

import libcst as cst
from libcst.metadata import PositionProvider

from fastapi_conventions_lint.fix.codemods.base import (
    FormattingCodemod,
    has_comment,
    keyword_name,
    rewrite_with,
    without_args,
)
from fastapi_conventions_lint.fix.codemods.tags import append_keyword
from fastapi_conventions_lint.fix.call_edit import CallEdit

_Span = Tuple[Tuple[int, int], Tuple[int, int]]


class Refused(Exception):
    """An edit that cannot be made without changing more than planned."""


def _assign_equal(call: cst.Call) -> cst.AssignEqual:
    """`=` spaced as the call's other keyword arguments are."""
    for arg in call.args:
        if arg.keyword is not None and isinstance(arg.equal, cst.AssignEqual) and not has_comment(arg.equal):
            return arg.equal
    return cst.AssignEqual(
        whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")
    )


def insert_keyword(call: cst.Call, new: cst.Arg) -> cst.Call:
    """The call with `new` before its first keyword argument, laid out like the others: on a
    line of its own when they are one per line, else followed by `, `."""
    args: List[cst.Arg] = list(call.args)
    index = next(
        (n for n, arg in enumerate(args) if arg.keyword is not None or arg.star == "**"), len(args)
    )
    if index == len(args):
        return append_keyword(call, new)
    if index == 0:
        separator = call.whitespace_before_args
    else:
        comma = args[index - 1].comma
        separator = comma.whitespace_after if isinstance(comma, cst.Comma) else cst.SimpleWhitespace(" ")
    if isinstance(separator, cst.ParenthesizedWhitespace):
        # The next argument's line, without the comment that may end the line before it.
        separator = separator.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    else:
        separator = cst.SimpleWhitespace(" ")
    args.insert(index, new.with_changes(comma=cst.Comma(whitespace_after=separator)))
    return call.with_changes(args=args)


def _set_keyword(call: cst.Call, name: str, value_source: str, *, first: bool) -> cst.Call:
    value = cst.parse_expression(value_source)
    for index, arg in enumerate(call.args):
        if keyword_name(arg) != name:
            continue
        if has_comment(arg.value):
            raise Refused(f"the {name} value has comments inside it that the rewrite would drop")
        old = arg.value
        # Parentheses written around the old value stay around the new one.
        args = list(call.args)
        args[index] = arg.with_changes(value=value.with_changes(lpar=old.lpar, rpar=old.rpar))
        return call.with_changes(args=args)
    new = cst.Arg(keyword=cst.Name(name), value=value, equal=_assign_equal(call))
    return insert_keyword(call, new) if first else append_keyword(call, new)


def edit_call(call: cst.Call, edit: CallEdit) -> cst.Call:
    drop = []
    for name in edit.drop:
        found = [arg for arg in call.args if keyword_name(arg) == name]
        if len(found) != 1:
            raise Refused(f"the call has no single {name}= argument")
        if has_comment(found[0].value):
            raise Refused(f"the {name} value has comments inside it that the rewrite would drop")
        drop.append(found[0])
    if drop:
        call = without_args(call, drop)
    if edit.prefix is not None:
        call = _set_keyword(call, "prefix", edit.prefix, first=True)
    if edit.tags is not None:
        call = _set_keyword(call, "tags", edit.tags, first=False)
    return call


class MoveArguments(FormattingCodemod):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, filename: str, edits: Sequence[CallEdit], layout: object = None) -> None:
        super().__init__(filename, layout)
        self._edits: Dict[_Span, CallEdit] = {(edit.start, edit.end): edit for edit in edits}
        self.target_lines = {line for edit in edits for line in range(edit.start[0], edit.end[0] + 1)}
        self.applied: Set[_Span] = set()
        self.refused: Dict[_Span, str] = {}

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        where = self.get_metadata(PositionProvider, original_node)
        span = (self.at(where.start), self.at(where.end))
        edit = self._edits.get(span)
        if edit is None:
            return updated_node
        try:
            new = edit_call(updated_node, edit)
        except Refused as why:
            self.refused[span] = str(why)
            return updated_node
        for module, name in edit.imports:
            self.need_import(module, name)
        self.applied.add(span)
        return new


def rewrite_calls(
    text: str, filename: str, edits: Sequence[CallEdit], layout: object = None
) -> Tuple[Optional[str], str]:
    """The text with every edit made, or None and why not (all or nothing)."""
    try:
        transform, new_text = rewrite_with(
            lambda: MoveArguments(filename, edits, layout), text
        )
    except Exception as error:  # noqa: BLE001 - a failed rewrite drops the moves of this file
        return None, f"the rewrite failed ({type(error).__name__}: {error})"
    if transform.refused:
        return None, next(iter(transform.refused.values()))
    if len(transform.applied) != len(edits):
        return None, "a call to edit was not found where the analysis saw it"
    return new_text, ""
