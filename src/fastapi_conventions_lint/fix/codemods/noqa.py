"""FCL901: drop the `noqa` codes that suppress nothing; a `# noqa: ...` left without codes goes
(the rest of the comment stays)."""

from __future__ import annotations

import re
from typing import Optional, Union

import libcst as cst

from fastapi_conventions_lint.fix.codemods.base import RuleCodemod


def _pattern():
    from flake8 import defaults

    return defaults.NOQA_INLINE_REGEXP


def without_codes(comment: str, remove) -> Optional[str]:
    """The comment without the codes (None: nothing left of it)."""
    match = _pattern().search(comment)
    if match is None or match.group("codes") is None:
        return comment
    kept = [code for code in re.split(r"[,\s]+", match.group("codes")) if code and code not in remove]
    if kept:
        start, end = match.span("codes")
        return comment[:start] + ",".join(kept) + comment[end:]
    rest = (comment[: match.start()] + comment[match.end():]).rstrip()
    return rest or None


class RemoveUnusedNoqa(RuleCodemod):
    code = "FCL901"

    def _edit(self, original, updated) -> Union[cst.TrailingWhitespace, cst.EmptyLine]:
        comment = original.comment
        if comment is None:
            return updated
        line = self.starts_on(comment)
        for diagnostic in self.waiting():
            payload = diagnostic.fix.payload  # type: ignore[union-attr]
            if payload["line"] != line:
                continue
            self.done(diagnostic)
            text = without_codes(comment.value, set(payload["remove"]))
            if text is None:
                if isinstance(updated, cst.TrailingWhitespace):
                    return updated.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))
                return updated.with_changes(comment=None)
            return updated.with_changes(comment=cst.Comment(text))
        return updated

    def leave_TrailingWhitespace(self, original_node, updated_node):
        return self._edit(original_node, updated_node)

    def leave_EmptyLine(self, original_node, updated_node):
        return self._edit(original_node, updated_node)
