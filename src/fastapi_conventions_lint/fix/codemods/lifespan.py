"""FCL301: an app's startup/shutdown handlers, registered the old way, become one lifespan.

    app = FastAPI(on_startup=[connect])          @asynccontextmanager
                                                 async def lifespan(app: FastAPI):
    @app.on_event("shutdown")          ->            await connect()
    async def disconnect(): ...                      try:
                                                         yield
                                                     finally:
                                                         await disconnect()


                                                 app = FastAPI(lifespan=lifespan)

The rule plans it (which handlers, in which order, awaited or not) and gives every registration
of the app the same plan. The rewrite is all or nothing per app: every registration must be in
this run (none suppressed) and found at the module's top level, else nothing changes."""

from __future__ import annotations

from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import libcst as cst
from libcst.metadata import PositionProvider

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.codemods.base import RuleCodemod, alone_on_line, without_args

_TWO_BLANK_LINES = (cst.EmptyLine(), cst.EmptyLine())


def lifespan_source(plan) -> str:
    def call(step) -> str:
        name, awaited = step
        return f"await {name}()" if awaited else f"{name}()"

    lines = ["@asynccontextmanager", f"async def lifespan(app: {plan['annotation']}):"]
    lines += [f"    {call(step)}" for step in plan["startup"]]
    if plan["shutdown"]:
        lines += ["    try:", "        yield", "    finally:"]
        lines += [f"        {call(step)}" for step in plan["shutdown"]]
    else:
        lines.append("    yield")
    return "\n".join(lines) + "\n"


def _comments(node, blank_lines: bool = False) -> List[cst.EmptyLine]:
    """The comments of a statement or decorator that goes, as lines to keep (with the blank
    lines among them, when asked and there is a comment)."""
    lines = [line for line in node.leading_lines if blank_lines or line.comment is not None]
    trailing = getattr(node, "trailing_whitespace", None)
    if trailing is not None and trailing.comment is not None:
        lines.append(cst.EmptyLine(comment=trailing.comment))
    return lines if any(line.comment is not None for line in lines) else []


class _Rewrite:
    """What one app's rewrite has found so far."""

    def __init__(self) -> None:
        self.found = 0  # registrations dropped
        self.app_found = False
        self.app_holder: Optional[cst.BaseStatement] = None  # the top-level statement making the app


class UseLifespan(RuleCodemod):
    code = "FCL301"

    def leave_Module(self, original_node: cst.Module, updated_node: cst.Module) -> cst.Module:
        source = original_node
        groups: Dict[int, List[Diagnostic]] = defaultdict(list)
        for diagnostic in self.waiting():
            groups[diagnostic.fix.payload["app_line"]].append(diagnostic)  # type: ignore[union-attr]
        for diagnostics in groups.values():
            plan = diagnostics[0].fix.payload  # type: ignore[union-attr]
            if len(diagnostics) != plan["count"]:
                for diagnostic in diagnostics:
                    self.skip(diagnostic, "another registration of this app is not being fixed (noqa or ignored)")
                continue
            # Positions are known for the original nodes only: each app's rewrite starts from
            # the original module, or from the last rewrite's, whose untouched statements are
            # the original ones.
            rewritten = self._rewrite(source, plan, {(d.line, d.col) for d in diagnostics})
            for diagnostic in diagnostics:
                if rewritten is None:
                    self.skip(diagnostic, "the app or one of its registrations is not at the module's top level")
                else:
                    self.done(diagnostic)
            if rewritten is not None:
                source = updated_node = rewritten
                self.need_import("contextlib", "asynccontextmanager")
        return updated_node

    def _at(self, node: cst.CSTNode, places) -> bool:
        position = self.get_metadata(PositionProvider, node, None)
        return position is not None and self.at(position.start) in places

    def _rewrite(self, module: cst.Module, plan, places) -> Optional[cst.Module]:
        """The module with the app's registrations gone and the lifespan in place, or None
        when one of the pieces is not where the plan says. The app and its registrations are
        at the module's top level or in the body of a top-level function (an app factory);
        the lifespan goes before the top-level statement that makes the app."""
        state = _Rewrite()
        body: List[cst.BaseStatement] = []
        statements, carried = self._block(module.body, plan, places, state, nested=False)
        for statement in statements:
            if statement is state.app_holder:
                lifespan = cst.parse_statement(lifespan_source(plan))
                if body:
                    lifespan = lifespan.with_changes(leading_lines=_TWO_BLANK_LINES)
                body.append(lifespan)
                comments = [line for line in statement.leading_lines if line.comment is not None]
                statement = statement.with_changes(leading_lines=[*_TWO_BLANK_LINES, *comments])
            body.append(statement)
        if state.app_holder is None or state.found != plan["count"]:
            return None
        footer = [*carried, *module.footer] if carried else module.footer
        return module.with_changes(body=body, footer=footer)

    def _block(self, statements, plan, places, state: "_Rewrite", nested: bool):
        """The statements of one block rewritten, and the comments of a dropped last
        statement (for what follows the block)."""
        body: List[cst.BaseStatement] = []
        carried: List[cst.EmptyLine] = []  # comments of a dropped statement, for the next one
        for statement in statements:
            if carried:
                statement = statement.with_changes(leading_lines=[*carried, *statement.leading_lines])
                carried = []
            if isinstance(statement, cst.FunctionDef):
                statement = self._function(statement, plan, places, state, nested)
            elif self._lone_call_at(statement, places):
                state.found += 1
                carried = _comments(statement, blank_lines=not nested)
                continue
            elif self._app_made_here(statement, plan["app_line"]):
                assign = statement.body[0]  # type: ignore[attr-defined]
                drop = [arg for arg in assign.value.args if self._at(arg.value, places)]
                state.found += len(drop)
                statement = statement.with_changes(
                    body=[assign.with_changes(value=_lifespan_argument(assign.value, drop))]
                )
                state.app_found = True
                if not nested:
                    state.app_holder = statement
            body.append(statement)
        return body, carried

    def _function(self, function: cst.FunctionDef, plan, places, state: "_Rewrite", nested: bool) -> cst.FunctionDef:
        kept = [d for d in function.decorators if not self._at(d.decorator, places)]
        if len(kept) != len(function.decorators):
            state.found += len(function.decorators) - len(kept)
            notes = [line for d in function.decorators if d not in kept for line in _comments(d)]
            function = function.with_changes(decorators=kept, leading_lines=[*function.leading_lines, *notes])
        if nested or not isinstance(function.body, cst.IndentedBlock):
            return function
        before = state.app_found
        inner, carried = self._block(function.body.body, plan, places, state, nested=True)
        if inner == list(function.body.body) and not carried:
            return function
        block = function.body.with_changes(
            body=inner or [cst.SimpleStatementLine(body=[cst.Pass()])],
            footer=[*carried, *function.body.footer],
        )
        function = function.with_changes(body=block)
        if state.app_found and not before:
            state.app_holder = function  # an app factory: the lifespan goes before it
        return function

    def _starts_on(self, node: cst.CSTNode, line: int) -> bool:
        position = self.get_metadata(PositionProvider, node, None)
        return position is not None and position.start.line == line

    def _lone_call_at(self, statement: cst.BaseStatement, places) -> bool:
        """A call alone on its line (`app.add_event_handler(...)`), made at one of `places`."""
        line = alone_on_line(statement, cst.Expr, cst.Call)
        return line is not None and self._at(line.value, places)  # type: ignore[attr-defined]

    def _app_made_here(self, statement: cst.BaseStatement, app_line: int) -> bool:
        """`app = FastAPI(...)` alone on its line, the call starting on `app_line`."""
        line = alone_on_line(statement, cst.Assign, cst.Call)
        return line is not None and self._starts_on(line.value, app_line)  # type: ignore[attr-defined]


def _lifespan_argument(call: cst.Call, drop: Sequence[cst.Arg]) -> cst.Call:
    """The call without the dropped arguments and with `lifespan=lifespan`: in the place of
    the first dropped one when there is one (its comma and spacing kept), else last."""
    new = cst.Arg(
        keyword=cst.Name("lifespan"), value=cst.Name("lifespan"),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
    args: List[cst.Arg] = list(call.args)
    if drop:
        first = next(index for index, arg in enumerate(args) if arg is drop[0])
        args[first] = new.with_changes(comma=drop[0].comma, whitespace_after_arg=drop[0].whitespace_after_arg)
        return without_args(call.with_changes(args=args), drop[1:])
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    if isinstance(last.comma, cst.Comma) and isinstance(last.comma.whitespace_after, cst.ParenthesizedWhitespace):
        # One argument per line: the new one goes on a line of its own, in the same layout.
        before = args[-2].comma if len(args) > 1 else cst.Comma(whitespace_after=call.whitespace_before_args)
        args[-1] = last.with_changes(comma=before)
        return call.with_changes(args=[*args, new.with_changes(comma=last.comma)])
    if isinstance(last.comma, cst.Comma):
        new = new.with_changes(comma=last.comma)
    args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, new])
