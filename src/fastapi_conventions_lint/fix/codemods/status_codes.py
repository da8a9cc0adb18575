"""FCL401: an integer status code written as its `status` constant."""

from __future__ import annotations

import ast
from typing import List, Optional

import libcst as cst

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.codemods.base import RuleCodemod
from fastapi_conventions_lint.fix.context import FixContext


class UseStatusConstant(RuleCodemod):
    code = "FCL401"
    LOCAL_EDITS = True

    def leave_Integer(self, original_node: cst.Integer, updated_node: cst.Integer) -> cst.BaseExpression:
        diagnostic = self.target(original_node)
        if diagnostic is None:
            return updated_node
        self.done(diagnostic)
        return self.replacement(diagnostic, updated_node)

    @staticmethod
    def text_edits(source, targets: List[Diagnostic], context: FixContext) -> Optional[object]:
        """Each literal's text replaced by the constant's name (fix/text_edits.py); the
        parentheses around a literal lie outside its span and stay."""
        from fastapi_conventions_lint.fix.text_edits import Edits

        waiting = {(d.line, d.col): d for d in targets}
        found = Edits()
        for statement in source.statements_on({line for line, _ in waiting}):
            for node in ast.walk(statement):
                if not (isinstance(node, ast.Constant) and type(node.value) is int):
                    continue
                diagnostic = waiting.pop(source.start(node), None)
                if diagnostic is None:
                    continue
                end = source.end(node)
                if source.char_after(end).isidentifier():
                    return None  # `404if x else 200`: the name would run into the keyword
                payload = diagnostic.fix.payload  # type: ignore[union-attr]
                found.replace(source.start(node), end, payload["replacement"], diagnostic)
                if payload.get("import"):
                    found.need(*payload["import"])
        return None if waiting else found
