"""FCL303: `yield x; cleanup()` -> `try: yield x finally: cleanup()`, in a function's own body.

The rule attaches a payload only when the `yield` is a statement of the function's body and
everything after it may move; the codemod checks the shape again and skips anything else."""

from __future__ import annotations

from typing import Optional, Sequence, Tuple

import libcst as cst
import libcst.matchers as m

from fastapi_conventions_lint.fix.codemods.base import RuleCodemod

_YIELD_STATEMENT = m.SimpleStatementLine(body=[m.Expr(value=m.Yield())])


def _blank_lines_first(statement: cst.BaseStatement) -> Tuple[Sequence[cst.EmptyLine], cst.BaseStatement]:
    """The blank lines before a statement's first comment, and the statement without them."""
    lines = list(statement.leading_lines)
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return lines[:count], statement.with_changes(leading_lines=lines[count:])


class WrapYieldInTry(RuleCodemod):
    code = "FCL303"

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
        before_try, first = _blank_lines_first(statements[index])
        moved = statements[index + 1:]
        _, moved[0] = _blank_lines_first(moved[0])  # no blank line before `finally:`
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
            if not m.matches(statement, _YIELD_STATEMENT):
                continue
            yielded = statement.body[0].value  # type: ignore[attr-defined]
            diagnostic = self.target(yielded)
            if diagnostic is None:
                continue
            if index + 1 == len(statements):
                self.skip(diagnostic, "nothing follows the `yield` in the function's body")
                return None
            self.done(diagnostic)
            return index
        return None
