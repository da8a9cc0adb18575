"""Codemods for prefix values: FCL006 (normalise slashes), FCL001 (use the configured
constant), FCL002 (drop a doubled include prefix) and FCL011 (drop a prefix a route path
repeats)."""

from __future__ import annotations

import re
from typing import Union

import libcst as cst

from fastapi_conventions_lint.fix.codemods.base import (
    RuleCodemod,
    has_comment,
    keyword_name,
    without_args,
)

_STRING_START = re.compile(r"^(?P<prefix>[A-Za-z]*)(?P<quote>'''|\"\"\"|'|\")")

StringNode = Union[cst.SimpleString, cst.FormattedString, cst.ConcatenatedString]


def _split_simple(value: str):
    match = _STRING_START.match(value)
    assert match is not None  # LibCST only builds SimpleString from valid literals
    opening = match.end()
    quote = match.group("quote")
    return value[:opening], value[opening:len(value) - len(quote)], quote


def _strip_trailing_slashes(text: str) -> str:
    while text.endswith("/") and not text.endswith("\\/"):
        text = text[:-1]
    return text


def _normalise(node: cst.BaseExpression, leading: bool, trailing: bool) -> cst.BaseExpression:
    """The string with a "/" added at its literal start and trailing "/"s removed at its
    literal end, keeping quotes, prefixes and every other character as written."""
    if isinstance(node, cst.SimpleString):
        opening, body, quote = _split_simple(node.value)
        if leading:
            body = "/" + body
        if trailing:
            body = _strip_trailing_slashes(body)
        return node.with_changes(value=opening + body + quote)
    if isinstance(node, cst.FormattedString):
        parts = list(node.parts)
        if leading and parts and isinstance(parts[0], cst.FormattedStringText):
            parts[0] = parts[0].with_changes(value="/" + parts[0].value)
        if trailing and parts and isinstance(parts[-1], cst.FormattedStringText):
            parts[-1] = parts[-1].with_changes(value=_strip_trailing_slashes(parts[-1].value))
        return node.with_changes(parts=parts)
    if isinstance(node, cst.ConcatenatedString):
        return node.with_changes(
            left=_normalise(node.left, leading, False),
            right=_normalise(node.right, False, trailing),
        )
    return node


class NormalisePrefix(RuleCodemod):
    code = "FCL006"
    LOCAL_EDITS = True

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if keyword_name(original_node) != "prefix":
            return updated_node
        diagnostic = self.target(original_node.value)
        if diagnostic is None:
            return updated_node
        self.done(diagnostic)
        payload = diagnostic.fix.payload  # type: ignore[union-attr]
        return updated_node.with_changes(
            value=_normalise(updated_node.value, payload["leading"], payload["trailing"])
        )


class UseConfigConstant(RuleCodemod):
    code = "FCL001"
    LOCAL_EDITS = True

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        if keyword_name(original_node) != "prefix":
            return updated_node
        diagnostic = self.target(original_node.value)
        if diagnostic is None:
            return updated_node
        if has_comment(original_node.value):
            self.skip(diagnostic, "the prefix has comments inside it that the rewrite would drop")
            return updated_node
        self.done(diagnostic)
        return updated_node.with_changes(value=self.replacement(diagnostic, updated_node.value))


class DropIncludePrefix(RuleCodemod):
    code = "FCL002"
    LOCAL_EDITS = True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        drop = []
        for original, updated in zip(original_node.args, updated_node.args):
            if keyword_name(original) == "prefix":
                diagnostic = self.target(original.value)
                if diagnostic is not None:
                    self.done(diagnostic)
                    drop.append(updated)
        return without_args(updated_node, drop) if drop else updated_node


class DropRepeatedPrefix(RuleCodemod):
    """FCL011: a route path without the prefix its router already adds."""

    code = "FCL011"
    LOCAL_EDITS = True

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.SimpleString:
        diagnostic = self.target(original_node)
        if diagnostic is None:
            return updated_node
        opening, body, quote = _split_simple(updated_node.value)
        path = diagnostic.fix.payload["path"]  # type: ignore[union-attr]
        if "\\" in body or opening.lower().count("b"):
            self.skip(diagnostic, "the path is written with escapes or as bytes")
            return updated_node
        self.done(diagnostic)
        return updated_node.with_changes(value=opening + path + quote)

