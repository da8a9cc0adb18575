"""Appending to a bracketed, comma-separated list (call arguments, subscript elements) the way
the list is already laid out: one per line (keeping a trailing comma and the comments after
the old last element) or inline after `, `."""

from __future__ import annotations

from typing import List, Tuple, TypeVar, Union

import libcst as cst

Element = TypeVar("Element", cst.Arg, cst.SubscriptElement)
Whitespace = Union[cst.SimpleWhitespace, cst.ParenthesizedWhitespace, cst.BaseParenthesizableWhitespace]

COMMA_SPACE = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def append_element(
    elements: List[Element], new: Element, opening: Whitespace, closing: Whitespace
) -> Tuple[List[Element], Whitespace]:
    """`elements` with `new` appended, and the whitespace to put before the closing bracket.

    `opening` is the whitespace after the opening bracket and `closing` the whitespace before
    the closing one (for call arguments: the last argument's `whitespace_after_arg`)."""
    elements = list(elements)
    last = elements[-1]
    separator = elements[-2].comma.whitespace_after if len(elements) > 1 else opening  # type: ignore[union-attr]
    one_per_line = isinstance(separator, cst.ParenthesizedWhitespace)
    if isinstance(last.comma, cst.Comma):
        trailing = last.comma
        after = trailing.whitespace_after
        if one_per_line and isinstance(after, cst.ParenthesizedWhitespace):
            # The comment after the old last element stays on its line; the new element takes
            # the line before the closing bracket.
            elements[-1] = last.with_changes(
                comma=trailing.with_changes(
                    whitespace_after=after.with_changes(
                        indent=separator.indent, last_line=separator.last_line  # type: ignore[union-attr]
                    )
                )
            )
            new_comma = trailing.with_changes(
                whitespace_after=after.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
            )
        else:
            elements[-1] = last.with_changes(comma=COMMA_SPACE)
            new_comma = trailing
        return elements + [new.with_changes(comma=new_comma)], closing
    if one_per_line:
        first_line = (
            closing.first_line
            if isinstance(closing, cst.ParenthesizedWhitespace)
            else cst.TrailingWhitespace()
        )
        between: Whitespace = cst.ParenthesizedWhitespace(
            first_line=first_line,
            indent=separator.indent,  # type: ignore[union-attr]
            last_line=separator.last_line,  # type: ignore[union-attr]
        )
        if isinstance(closing, cst.ParenthesizedWhitespace):
            closing = closing.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    else:
        between = cst.SimpleWhitespace(" ")
    elements[-1] = last.with_changes(comma=cst.Comma(whitespace_after=between))
    return elements + [new], closing
