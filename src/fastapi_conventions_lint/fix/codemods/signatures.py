"""Codemod for function signatures: FCL203 (`x: T = Depends(f)` -> `x: Annotated[T, Depends(f)]`).

The rule has already decided which parameters can be rewritten (annotated, no FastAPI marker
already in an `Annotated[...]`, a valid parameter order once every fix in the function is
made). The codemod checks the order again on the parameters it actually receives, since a
suppressed diagnostic or an earlier failed rewrite keeps a default the rule expected to go.
"""

from __future__ import annotations

import ast
import re
from typing import Dict, List, Optional, Sequence, Tuple

import libcst as cst

from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.fix.context import FixContext
from fastapi_conventions_lint.fix.codemods.base import RuleCodemod, has_comment
from fastapi_conventions_lint.fix.codemods.layout import COMMA_SPACE, append_element

_ANNOTATED_MODULES = ("typing", "typing_extensions")


def _dotted(node: cst.BaseExpression) -> Optional[str]:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = _dotted(node.value)
        return None if base is None else f"{base}.{node.attr.value}"
    return None


def _is_type_checking(test: cst.BaseExpression) -> bool:
    name = _dotted(test)
    return name is not None and name.rpartition(".")[2] == "TYPE_CHECKING"


def _module_level_imports(body: Sequence[cst.CSTNode]):
    """Import statements that run when the module is imported: at module level, also inside
    `if`/`try`/`with` blocks, but not under `if TYPE_CHECKING:`."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Import, cst.ImportFrom)):
                    yield small
        elif isinstance(statement, cst.If):
            if not _is_type_checking(statement.test):
                yield from _module_level_imports(statement.body.body)
            orelse = statement.orelse
            while orelse is not None:
                yield from _module_level_imports(orelse.body.body)
                orelse = orelse.orelse if isinstance(orelse, cst.If) else None
        elif isinstance(statement, cst.Try):
            yield from _module_level_imports(statement.body.body)
            for handler in statement.handlers:
                yield from _module_level_imports(handler.body.body)
            for block in (statement.orelse, statement.finalbody):
                if block is not None:
                    yield from _module_level_imports(block.body.body)
        elif isinstance(statement, cst.With):
            yield from _module_level_imports(statement.body.body)


def annotated_reference(module: cst.Module, annotated_module: str) -> Optional[str]:
    """How the module already refers to Annotated (`Annotated`, an alias such as `A`, or
    `typing.Annotated`), or None when an import has to be added. `typing.Annotated` through
    `import typing` is used only when the project's Pythons all have it."""
    names: List[str] = []
    modules: List[str] = []
    for statement in _module_level_imports(module.body):
        if isinstance(statement, cst.ImportFrom):
            if statement.relative or _dotted(statement.module) not in _ANNOTATED_MODULES:
                continue
            if isinstance(statement.names, cst.ImportStar):
                names.append("Annotated")
                continue
            for alias in statement.names:
                if isinstance(alias.name, cst.Name) and alias.name.value == "Annotated":
                    names.append(alias.evaluated_alias or "Annotated")
        else:
            for alias in statement.names:
                module_name = _dotted(alias.name)
                if module_name == "typing_extensions" or module_name == annotated_module == "typing":
                    modules.append(alias.evaluated_alias or module_name)
    if names:
        return names[0]
    if modules:
        return f"{modules[0]}.Annotated"
    return None


def _element(value: cst.BaseExpression, comma=cst.MaybeSentinel.DEFAULT) -> cst.SubscriptElement:
    return cst.SubscriptElement(slice=cst.Index(value=value), comma=comma)


def append_to_annotated(annotated: cst.Subscript, dependency: cst.BaseExpression) -> cst.Subscript:
    """`Annotated[T, m]` -> `Annotated[T, m, dependency]`, laid out like the other elements."""
    elements, closing = append_element(
        list(annotated.slice),
        _element(dependency),
        annotated.lbracket.whitespace_after,
        annotated.rbracket.whitespace_before,
    )
    return annotated.with_changes(
        slice=elements, rbracket=annotated.rbracket.with_changes(whitespace_before=closing)
    )


class UseAnnotated(RuleCodemod):
    code = "FCL203"
    LOCAL_EDITS = True

    def visit_Module(self, node: cst.Module) -> bool:
        self._reference = annotated_reference(node, self.fix_context.annotated_module)
        return True

    def _annotated(self) -> cst.BaseExpression:
        if self._reference is None:
            self.need_import(self.fix_context.annotated_module, "Annotated")
            return cst.Name("Annotated")
        return cst.parse_expression(self._reference)

    def leave_Parameters(
        self, original_node: cst.Parameters, updated_node: cst.Parameters
    ) -> cst.Parameters:
        groups = ("posonly_params", "params", "kwonly_params")
        originals = [
            (group, index, param)
            for group in groups
            for index, param in enumerate(getattr(original_node, group))
        ]
        planned: Dict[Tuple[str, int], Diagnostic] = {}
        for group, index, param in originals:
            if param.default is None:
                continue
            diagnostic = self.target(param.default)
            if diagnostic is None:
                continue
            if isinstance(param.equal, cst.AssignEqual) and has_comment(param.equal):
                self.skip(diagnostic, "a comment around '=' would be lost")
                continue
            planned[(group, index)] = diagnostic
        if not planned:
            return updated_node
        # The order Python requires, on the signature as it will be: a positional parameter
        # may lose its default only while no positional parameter before it keeps one.
        default_before = False
        for group, index, param in originals:
            if group == "kwonly_params" or param.default is None:
                continue
            diagnostic = planned.get((group, index))
            if diagnostic is not None and not default_before:
                continue
            if diagnostic is not None:
                del planned[(group, index)]
                self.skip(diagnostic, "a positional parameter before it keeps its default value")
            default_before = True
        changes = {}
        for group in groups:
            params = list(getattr(updated_node, group))
            for index, param in enumerate(params):
                diagnostic = planned.get((group, index))
                if diagnostic is None:
                    continue
                rewritten = self._rewrite(param, diagnostic)
                if rewritten is not None:
                    params[index] = rewritten
            changes[group] = params
        return updated_node.with_changes(**changes)

    def _rewrite(self, param: cst.Param, diagnostic: Diagnostic) -> Optional[cst.Param]:
        annotation = param.annotation
        dependency = param.default
        if annotation is None or dependency is None:  # pragma: no cover - the rule checked
            self.skip(diagnostic, "the parameter has no annotation")
            return None
        if diagnostic.fix.payload.get("append"):  # type: ignore[union-attr]
            if not isinstance(annotation.annotation, cst.Subscript):  # pragma: no cover
                self.skip(diagnostic, "the annotation is not Annotated[...] as written")
                return None
            wrapped = append_to_annotated(annotation.annotation, dependency)
        else:
            wrapped = cst.Subscript(
                value=self._annotated(),
                slice=[_element(annotation.annotation, COMMA_SPACE), _element(dependency)],
            )
        self.done(diagnostic)
        return param.with_changes(
            annotation=annotation.with_changes(annotation=wrapped),
            equal=cst.MaybeSentinel.DEFAULT,
            default=None,
        )

    @staticmethod
    def text_edits(source, targets: List[Diagnostic], context: FixContext) -> Optional[object]:
        """`name: T = Depends(f)` -> `name: Annotated[T, Depends(f)]` made in the text
        (fix/text_edits.py), for the plain shape only: a single `=` between annotation and
        default on one line, no `Annotated[...]` to append to, every default in the order
        Python requires afterwards, and `Annotated` read from the module's top-level imports.
        Anything else is the codemod's."""
        from fastapi_conventions_lint.fix.text_edits import Edits

        reference = _annotated_in_imports(source.tree, context.annotated_module)
        if reference is _UNSURE:
            return None
        waiting = {(d.line, d.col): d for d in targets}
        found = Edits()
        for statement in source.statements_on({line for line, _ in waiting}):
            for node in ast.walk(statement):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    if not _signature_edits(source, node.args, waiting, reference, found):
                        return None
        if waiting:
            return None
        if reference is None and found.applied:
            found.need(context.annotated_module, "Annotated")
        return found


_UNSURE = object()
_PLAIN_EQUALS = re.compile(r"[ \t]*=[ \t]*\Z")  # what may stand between annotation and default


def _annotated_in_imports(tree: ast.Module, annotated_module: str):
    """How the module refers to Annotated, read as `annotated_reference` reads it, from the
    imports at the module's top level; _UNSURE when an import of `typing` or
    `typing_extensions` inside an `if`, `try` or `with` block at the top level could say
    otherwise (the codemod reads those blocks, but for `if TYPE_CHECKING:`)."""
    names: List[str] = []
    modules: List[str] = []
    for statement in tree.body:
        if isinstance(statement, (ast.If, ast.Try, ast.With)) or type(statement).__name__ == "TryStar":
            if any(_imports_typing(node) for node in ast.walk(statement)):
                return _UNSURE
        elif isinstance(statement, ast.ImportFrom):
            if statement.level or statement.module not in _ANNOTATED_MODULES:
                continue
            for alias in statement.names:
                if alias.name == "*":
                    names.append("Annotated")
                elif alias.name == "Annotated":
                    names.append(alias.asname or "Annotated")
        elif isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.name == "typing_extensions" or alias.name == annotated_module == "typing":
                    modules.append(alias.asname or alias.name)
    if names:
        return names[0]
    if modules:
        return f"{modules[0]}.Annotated"
    return None


def _imports_typing(node: ast.AST) -> bool:
    if isinstance(node, ast.ImportFrom):
        return not node.level and node.module in _ANNOTATED_MODULES
    return isinstance(node, ast.Import) and any(alias.name in _ANNOTATED_MODULES for alias in node.names)


def _signature_edits(source, arguments: ast.arguments, waiting, reference, found) -> bool:
    """The edits for the targets among one signature's defaults (False: a shape the codemod
    is to handle)."""
    positional = arguments.posonlyargs + arguments.args
    defaults = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    keyword = [(arg, default) for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults) if default is not None]
    default_before = False
    planned = []
    for index, (arg, default) in enumerate(defaults + keyword):
        diagnostic = waiting.get(source.start(default))
        if index >= len(defaults):  # keyword-only: any order
            if diagnostic is not None:
                planned.append((arg, default, diagnostic))
            continue
        if diagnostic is None:
            default_before = True
        elif default_before:
            return False  # the codemod says why it leaves this one
        else:
            planned.append((arg, default, diagnostic))
    for arg, default, diagnostic in planned:
        annotation = arg.annotation
        if annotation is None or diagnostic.fix.payload.get("append"):  # type: ignore[union-attr]
            return False
        start, end = source.start(annotation), source.end(default)
        if not _PLAIN_EQUALS.match(source.between(source.end(annotation), source.start(default))):
            return False
        written = source.between(start, source.end(annotation))
        call = source.between(source.start(default), end)
        found.replace(start, end, f"{reference or 'Annotated'}[{written}, {call}]", diagnostic)
        del waiting[(diagnostic.line, diagnostic.col)]
    return True
