"""FCL303: `yield x; cleanup()` -> `try: yield x finally: cleanup()`, in a function's own body.

The rule attaches a payload only when the `yield` is a statement of the function's body and
everything after it may move; the codemod checks the shape again and skips anything else."""

from __future__ import annotations

from typing import Optional, Sequence

import libcst as cst

from fastapi_conventions_lint.fix.codemods.base import RuleCodemod, alone_on_line
from fastapi_conventions_lint.fix.codemods.lifecycle import split_blank_lines

class WrapYieldInTry(RuleCodemod):
    code = "FCL303"
    LOCAL_EDITS = True

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        body = original_node.body
        if not isinstance(body, cst.IndentedBlock):
            return updated_node
        index = self._yield_index(body.body)
        if index is None:
            return updated_node
        statements = list(updated_node.body.body)  # type: ignore[union-attr]
        before_try, first = split_blank_lines(statements[index])
        moved = statements[index + 1:]
        _, moved[0] = split_blank_lines(moved[0])  # no blank line before `finally:`
        wrapped = cst.Try(
            body=cst.IndentedBlock(body=[first]),
            finalbody=cst.Finally(body=cst.IndentedBlock(body=moved)),
            leading_lines=before_try,
        )
        return updated_node.with_changes(
            body=updated_node.body.with_changes(body=[*statements[:index], wrapped])
        )

    def _yield_index(self, statements: Sequence[cst.BaseStatement]) -> Optional[int]:
        for index, statement in enumerate(statements):
            line = alone_on_line(statement, cst.Expr, cst.Yield)
            if line is None:
                continue
            yielded = line.value  # type: ignore[attr-defined]
            diagnostic = self.target(yielded)
            if diagnostic is None:
                continue
            if index + 1 == len(statements):
                self.skip(diagnostic, "nothing follows the `yield` in the function's body")
                return None
            self.done(diagnostic)
            return index
        return None
