"""FCL401: an integer status code written as its `status` constant."""

from __future__ import annotations

import libcst as cst

from fastapi_conventions_lint.fix.codemods.base import RuleCodemod


class UseStatusConstant(RuleCodemod):
    code = "FCL401"
    LOCAL_EDITS = True

    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.BaseExpression:
        diagnostic = self.target(original_node)
        if diagnostic is None:
            return updated_node
        self.done(diagnostic)
        return self.replacement(diagnostic, updated_node)
