"""Codemod for router tags: FCL003 (add `tags=["<name>"]` to the router construction).

The rule puts the name in the payload (`tag`): a static segment of the prefix, else the
folder of a file with a generic name (`router.py`, `routes.py`, `api.py`, `endpoints.py`,
`views.py`, `__init__.py`); where neither gives one, the rule offers no fix. The file name
is asked again here for a payload without a tag (a host that did not name the file).
"""

from __future__ import annotations

from typing import List

import libcst as cst

from fastapi_conventions_lint.fix.codemods.base import RuleCodemod, has_comment, keyword_name
from fastapi_conventions_lint.fix.codemods.layout import append_element
from fastapi_conventions_lint.rules.fcl003_router_missing_tags import package_name

__all__ = ["AddRouterTags", "append_keyword", "package_name"]


def _tags_arg(tag: str) -> cst.Arg:
    call = cst.parse_expression(f'f(tags=["{tag}"])')
    return call.args[0]  # type: ignore[attr-defined]


def append_keyword(call: cst.Call, new: cst.Arg) -> cst.Call:
    """The call with `new` as its last argument, laid out like the others: on its own line
    when the arguments are one per line (keeping a trailing comma), else after `, `."""
    args: List[cst.Arg] = list(call.args)
    if not args:
        opening = call.whitespace_before_args
        if not has_comment(opening):
            opening = cst.SimpleWhitespace("")  # `APIRouter(\n)` becomes `APIRouter(tags=[...])`
        return call.with_changes(args=[new], whitespace_before_args=opening)
    last = args[-1]
    if isinstance(last.comma, cst.Comma):
        args, _ = append_element(
            args,
            new.with_changes(whitespace_after_arg=last.whitespace_after_arg),
            call.whitespace_before_args,
            last.whitespace_after_arg,
        )
        return call.with_changes(args=args)
    args[-1] = last.with_changes(whitespace_after_arg=cst.SimpleWhitespace(""))
    args, closing = append_element(args, new, call.whitespace_before_args, last.whitespace_after_arg)
    args[-1] = args[-1].with_changes(whitespace_after_arg=closing)
    return call.with_changes(args=args)


class AddRouterTags(RuleCodemod):
    code = "FCL003"
    LOCAL_EDITS = True

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        diagnostic = self.target(original_node)
        if diagnostic is None:
            return updated_node
        tag = diagnostic.fix.payload.get("tag") or package_name(self.fix_context.filename)  # type: ignore[union-attr]
        if not tag:
            self.skip(diagnostic, "no tag name: the prefix has no static segment, and the file "
                                  "name is not a generic one (router.py, routes.py, api.py...) "
                                  "whose folder could name it")
            return updated_node
        new = _tags_arg(tag)
        for index, arg in enumerate(original_node.args):
            if keyword_name(arg) != "tags":
                continue
            if has_comment(arg.value):
                self.skip(diagnostic, "the tags value has comments inside it that the rewrite would drop")
                return updated_node
            self.done(diagnostic)
            args = list(updated_node.args)
            args[index] = args[index].with_changes(value=new.value)
            return updated_node.with_changes(args=args)
        self.done(diagnostic)
        return append_keyword(updated_node, new)
