"""Codemods for dependencies lifecycles: FCL202 (move the cleanup into a finally) and FCL201
(add the missing cleanup, or use the configured context manager).

The rules attach a payload only to shapes these codemods handle (both statements on their own
lines in the same block, nothing between them that would make the rewrite change what runs);
the codemods find those statements again by the lines in the payload and skip, with a reason,
anything that does not look as expected.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import libcst as cst

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.fix.codemods.base import RuleCodemod

Statement = cst.BaseStatement


# ---- where the configured context manager lives ---------------------------------------------

def _module_files(module: str) -> Tuple[Path, Path]:
    parts = module.split(".")
    return Path(*parts[:-1], parts[-1] + ".py"), Path(*parts, "__init__.py")


def _module_under(directories: Tuple[Path, ...], module: str) -> bool:
    return any(
        (directory / relative).is_file()
        for directory in directories
        for relative in _module_files(module)
    )


def _module_above(directory: Path, module: str) -> bool:
    """Walk up from the file's directory; stop at the first folder that looks like a project
    root (it has a `src` folder, a pyproject.toml or a .git)."""
    for folder in (directory, *directory.parents):
        if _module_under((folder, folder / "src"), module):
            return True
        if any((folder / marker).exists() for marker in ("src", "pyproject.toml", ".git")):
            return False
    return False


def module_in_project(settings: Settings, filename: str, module: str) -> bool:
    """Whether `module` is a file of the checked project: under the configuration's root
    directory or its `src`, else in a folder above the checked file. Asked only when an
    FCL201 fix is being made, so a few stat calls are all it costs, and never in detection."""
    if settings.root is not None:
        root = Path(settings.root)
        return _module_under((root, root / "src"), module)
    return _module_above(Path(filename).resolve().parent, module)


# ---- building blocks ----------------------------------------------------------------------

def _sole_call(statement: Statement) -> Optional[cst.Call]:
    """The call of a statement that is only `call` or `await call`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if not isinstance(small, cst.Expr):
        return None
    value = small.value
    if isinstance(value, cst.Await):
        value = value.expression
    return value if isinstance(value, cst.Call) else None


def split_blank_lines(statement: Statement) -> Tuple[Sequence[cst.EmptyLine], Statement]:
    """The blank lines before a statement's first comment, and the statement without them:
    they stay outside a block the statement moves into, its comments go with it."""
    lines = list(statement.leading_lines)
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return lines[:count], statement.with_changes(leading_lines=lines[count:])


def _block(statements: List[Statement]) -> cst.IndentedBlock:
    return cst.IndentedBlock(body=statements or [cst.SimpleStatementLine(body=[cst.Pass()])])


def _try_finally(body: List[Statement], cleanup: Statement) -> cst.Try:
    """`try: <body> finally: <cleanup>`, with the blank lines that opened the moved code
    before the `try` (or the `finally`) instead of inside the block."""
    before_try: Sequence[cst.EmptyLine] = ()
    before_finally, cleanup = split_blank_lines(cleanup)
    if body:
        before_try, body[0] = split_blank_lines(body[0])
    else:
        before_try, before_finally = before_finally, ()
    return cst.Try(
        body=_block(body),
        finalbody=cst.Finally(body=cst.IndentedBlock(body=[cleanup]), leading_lines=before_finally),
        leading_lines=before_try,
    )


def _comments_of(statement: cst.SimpleStatementLine) -> List[cst.EmptyLine]:
    """A dropped statement's comments, as lines to keep."""
    lines = [line for line in statement.leading_lines if line.comment is not None]
    trailing = statement.trailing_whitespace.comment
    if trailing is not None:
        lines.append(cst.EmptyLine(comment=trailing))
    return lines


def _starts(codemod: RuleCodemod, body: Sequence[Statement]) -> List[int]:
    return [codemod.starts_on(statement) for statement in body]


# ---- FCL202 -------------------------------------------------------------------------------

class MoveCleanupToFinally(RuleCodemod):
    """`init; a; b; cleanup; c` -> `init; try: a; b finally: cleanup; c`."""

    code = "FCL202"
    LOCAL_EDITS = True  # initialize() is in the same block as the cleanup

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = original_node.body
        for last, statement in enumerate(body):
            call = _sole_call(statement)
            diagnostic = self.target(call) if call is not None else None
            if diagnostic is None:
                continue
            anchor_line = diagnostic.fix.payload["anchor"]  # type: ignore[union-attr]
            starts = _starts(self, body[:last])
            if anchor_line not in starts:
                self.skip(diagnostic, "initialize() is not in the same block, before the cleanup")
                continue
            first = starts.index(anchor_line)
            self.done(diagnostic)
            statements = list(updated_node.body)
            wrapped = _try_finally(statements[first + 1:last], statements[last])
            # One rewrite per block and pass: the engine checks again and comes back for more.
            return updated_node.with_changes(
                body=[*statements[: first + 1], wrapped, *statements[last + 1:]]
            )
        return updated_node


# ---- FCL201 -------------------------------------------------------------------------------

class AddCleanup(RuleCodemod):
    """`deps = X.from_settings(**kw); await deps.initialize(); rest` ->
    `async with ManagedDependencies(X, **kw) as deps: rest` when the context manager is part
    of the project, else `...; try: rest finally: await deps.cleanup()`."""

    code = "FCL201"
    LOCAL_EDITS = True  # inside the block holding the creation; the rule checked the names

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        starts = _starts(self, original_node.body)
        for diagnostic in self.waiting():
            payload = diagnostic.fix.payload  # type: ignore[union-attr]
            if payload["initialize"] not in starts or payload["creation"] not in starts:
                continue
            made, ready = starts.index(payload["creation"]), starts.index(payload["initialize"])
            if ready <= made or _sole_small(original_node.body[ready]) is None:
                self.skip(
                    diagnostic, "initialize() is not a statement of its own after the creation"
                )
                continue
            statements = list(updated_node.body)
            managed = self._managed_form(payload, statements[made], ready == made + 1)
            self.done(diagnostic)
            if managed is not None:
                # The dropped initialize()'s comments open the body; blank lines do not.
                rest = statements[ready + 1:] or [cst.SimpleStatementLine(body=[cst.Pass()])]
                dropped = statements[ready]
                lines = [*_comments_of(dropped), *rest[0].leading_lines]  # type: ignore[arg-type]
                while lines and lines[0].comment is None:
                    lines.pop(0)
                rest[0] = rest[0].with_changes(leading_lines=lines)
                header = statements[made].trailing_whitespace  # type: ignore[attr-defined]
                managed = managed.with_changes(body=_block(rest).with_changes(header=header))
                # The `async with` runs to the end of the block, as the object's life did.
                return updated_node.with_changes(body=[*statements[:made], managed])
            var = payload["var"]
            cleanup = cst.parse_statement(
                f"await {var}.cleanup()\n" if payload["await"] else f"{var}.cleanup()\n"
            )
            wrapped = _try_finally(statements[ready + 1:], cleanup)
            return updated_node.with_changes(body=[*statements[: ready + 1], wrapped])
        return updated_node

    def _managed_exists(self, managed) -> bool:
        """Whether the project defines the context manager the managed form imports: asked
        of the project's layout where it is known, else of the folders above the file."""
        layout = self.fix_context.layout
        if layout is None:
            return module_in_project(self.fix_context.settings, self.fix_context.filename, managed["module"])
        from fastapi_conventions_lint.project.bindings import module_binds

        name = self.fix_context.settings.managed_dependencies.rpartition(":")[2]
        return module_binds(layout, managed["module"], name, os.path.abspath(self.fix_context.filename))[0]

    def _managed_form(
        self, payload, creation: Statement, adjacent: bool
    ) -> Optional[cst.With]:
        """`async with M(X, **kw) as deps:` (body to be filled in), when the payload allows
        it, the statement is still `deps = X.from_settings(**kw)` and M's module is in the
        project."""
        managed = payload.get("managed")
        if not managed or not adjacent:
            return None
        small = _sole_small(creation)
        if not (
            isinstance(small, cst.Assign)
            and len(small.targets) == 1
            and isinstance(small.value, cst.Call)
            and isinstance(small.value.func, cst.Attribute)
            and isinstance(small.targets[0].target, cst.Name)
        ):
            return None
        if not self._managed_exists(managed):
            return None
        if managed["import"]:
            module, name = managed["import"]
            self.need_import(module, name)
        call = small.value
        factory = cst.Arg(value=call.func.value)
        if call.args:
            spacing = call.whitespace_before_args
            if not isinstance(spacing, cst.ParenthesizedWhitespace):
                spacing = cst.SimpleWhitespace(" ")
            factory = factory.with_changes(comma=cst.Comma(whitespace_after=spacing))
        context = call.with_changes(
            func=cst.parse_expression(managed["reference"]), args=[factory, *call.args]
        )
        return cst.With(
            items=[cst.WithItem(item=context, asname=cst.AsName(name=small.targets[0].target))],
            body=_block([]),
            asynchronous=cst.Asynchronous(),
            leading_lines=creation.leading_lines,
        )


def _sole_small(statement: Statement) -> Optional[cst.BaseSmallStatement]:
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None
