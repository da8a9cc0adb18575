"""Placing the imports a fix adds where isort (profile black) would put them.

The codemods record what they need (`need_import`); `place_imports` then adds each one to the
module: merged, in sorted position, into an existing `from M import ...` of the same module, or
else as a new line in sorted position within its section (FUTURE, STDLIB, THIRDPARTY,
FIRSTPARTY, LOCALFOLDER), opening the section when the file has none. Only the import block at
the top of the file is used, and no import the user wrote is reordered or rewritten except
the one a name is merged into."""

from __future__ import annotations

import os
import re
from typing import List, Optional, Sequence, Tuple, Union

import libcst as cst

from fastapi_conventions_lint.fix.added_imports import STDLIB_MODULES
from fastapi_conventions_lint.fix.tool_config import table, tool_table

FUTURE, STDLIB, THIRDPARTY, FIRSTPARTY, LOCALFOLDER = range(5)


Needed = Tuple[str, str]  # (module, name): `from module import name`
_Statement = Union[cst.SimpleStatementLine, cst.BaseCompoundStatement]
_AnyImport = Union[cst.Import, cst.ImportFrom]


class Sections:
    """Which isort section a module belongs to, as seen from one file."""

    def __init__(self, filename: str, layout: object = None) -> None:
        self.filename = os.path.abspath(filename)
        self.layout = layout
        self.first_party = _configured_first_party(os.path.dirname(self.filename))

    def of(self, module: str, relative: bool = False) -> int:
        top = module.partition(".")[0]
        if relative:
            return LOCALFOLDER
        if top == "__future__":
            return FUTURE
        if top in self.first_party:
            return FIRSTPARTY
        if top in STDLIB_MODULES:
            return STDLIB
        if self._in_project(module, top):
            return FIRSTPARTY
        return THIRDPARTY

    def _in_project(self, module: str, top: str) -> bool:
        """Whether the module, or its top-level package (a folder, as isort looks for it under
        its source paths, with or without __init__.py), is found under the import roots."""
        layout = self.layout
        if layout is None:
            return False
        if layout.knows(module, self.filename):  # type: ignore[attr-defined]
            return True
        return any(
            (root / top).is_dir() or (root / f"{top}.py").is_file()
            for root in layout.roots  # type: ignore[attr-defined]
        )


def _configured_first_party(directory: str) -> frozenset:
    tool = tool_table(directory)
    names = list(table(tool, "isort").get("known_first_party", ()))
    names += list(table(tool, "ruff", "lint", "isort").get("known-first-party", ()))
    names += list(table(tool, "ruff", "isort").get("known-first-party", ()))
    return frozenset(name.partition(".")[0] for name in names if isinstance(name, str))


# -- isort's ordering ---------------------------------------------------------------------------


def name_key(name: str) -> Tuple[int, str]:
    """isort's order of the names of a `from` import (order_by_type): CONSTANTS, Classes,
    then everything else, each case-insensitively."""
    if name.isupper() and len(name) > 1:
        kind = 0
    elif name[:1].isupper():
        kind = 1
    else:
        kind = 2
    return kind, name.lower()


def module_key(module: str) -> str:
    """isort's order of modules: case-insensitive, dots of a relative import first."""
    match = re.match(r"^(\.+)\s*(.*)", module)
    if match:
        module = "_".join(match.groups())
    return module.lower()


# -- reading the top import block --------------------------------------------------------------


def _dotted(node: Optional[cst.BaseExpression]) -> str:
    if node is None:
        return ""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _module_of(node: Union[cst.Import, cst.ImportFrom]) -> Tuple[str, bool]:
    """(module as isort sorts it, whether it is relative)."""
    if isinstance(node, cst.Import):
        return _dotted(node.names[0].name), False
    dots = "." * len(node.relative)
    return dots + _dotted(node.module), bool(dots)


def _import_of(statement: _Statement) -> Optional[Union[cst.Import, cst.ImportFrom]]:
    """The import a statement line consists of, if that is all it is."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        small = statement.body[0]
        if isinstance(small, (cst.Import, cst.ImportFrom)):
            return small
    return None


def _is_docstring(statement: _Statement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _top_block(module: cst.Module) -> Tuple[int, int]:
    """[start, end) of the imports at the top of the module (after its docstring)."""
    body = module.body
    start = 1 if body and _is_docstring(body[0]) else 0
    end = start
    while end < len(body) and _import_of(body[end]) is not None:
        end += 1
    return start, end


def _statement_key(node: Union[cst.Import, cst.ImportFrom]) -> Tuple[int, str]:
    # isort puts `import x` lines before `from x import y` lines within a section.
    return (isinstance(node, cst.ImportFrom), module_key(_module_of(node)[0]))


# -- adding ------------------------------------------------------------------------------------


def place_imports(module: cst.Module, needed: Sequence[Needed], sections: Sections) -> cst.Module:
    for module_name, name in needed:
        module = _place_one(module, module_name, name, sections)
    return module


def _place_one(module: cst.Module, module_name: str, name: str, sections: Sections) -> cst.Module:
    start, end = _top_block(module)
    body = list(module.body)
    block: _Block = [
        (index, _import_of(body[index])) for index in range(start, end)  # type: ignore[misc]
    ]
    for index, node in block:
        if _imports_name(node, module_name, name):
            return module
    for index, node in block:
        if _merge_target(node, module_name):
            merged = _merged(node, name)  # type: ignore[arg-type]
            body[index] = body[index].with_changes(body=[merged])  # type: ignore[union-attr]
            return module.with_changes(body=body)
    new_node = cst.ImportFrom(
        module=cst.parse_expression(module_name),  # type: ignore[arg-type]
        names=[cst.ImportAlias(name=cst.Name(name))],
    )
    statement = cst.SimpleStatementLine(body=[new_node])
    _insert(body, start, end, block, statement, sections)
    return module.with_changes(body=body)


def _imports_name(node: _AnyImport, module_name: str, name: str) -> bool:
    if not isinstance(node, cst.ImportFrom) or node.relative or _dotted(node.module) != module_name:
        return False
    if isinstance(node.names, cst.ImportStar):
        return True
    return any(alias.asname is None and _dotted(alias.name) == name for alias in node.names)


def _merge_target(node: _AnyImport, module_name: str) -> bool:
    """A `from module_name import ...` that isort would keep the new name in: one with a
    name imported without `as` (isort keeps `as` imports on lines of their own)."""
    return (
        isinstance(node, cst.ImportFrom)
        and not node.relative
        and _dotted(node.module) == module_name
        and not isinstance(node.names, cst.ImportStar)
        and any(alias.asname is None for alias in node.names)
    )


def _merged(node: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """The import with `name` added in sorted position, in the layout it has: one line, or
    one name per line in parentheses with the trailing comma kept."""
    aliases = list(node.names)  # type: ignore[arg-type]
    key = name_key(name)
    position = next(
        (i for i, alias in enumerate(aliases) if name_key(_dotted(alias.name)) > key), len(aliases)
    )
    separator = _separator(node, aliases)
    new = cst.ImportAlias(name=cst.Name(name))
    if position < len(aliases):
        new = new.with_changes(comma=separator)
    else:  # the new last name takes the old last one's comma (or its lack of one)
        new = new.with_changes(comma=aliases[-1].comma)
        aliases[-1] = aliases[-1].with_changes(comma=separator)
    aliases.insert(position, new)
    return node.with_changes(names=aliases)


def _separator(node: cst.ImportFrom, aliases: Sequence[cst.ImportAlias]) -> cst.Comma:
    """The comma between two names, as the import already writes it."""
    if len(aliases) > 1 and isinstance(aliases[0].comma, cst.Comma):
        return aliases[0].comma
    opening = node.lpar
    if opening is not None and isinstance(opening.whitespace_after, cst.ParenthesizedWhitespace):
        return cst.Comma(whitespace_after=opening.whitespace_after)
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _split_blank(lines: Sequence[cst.EmptyLine]) -> Tuple[List[cst.EmptyLine], List[cst.EmptyLine]]:
    """(the blank lines a statement's leading lines start with, the rest: its comments)."""
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return list(lines[:count]), list(lines[count:])


_Block = List[Tuple[int, _AnyImport]]  # (index in the module's body, import)


def _insert(
    body: List[_Statement],
    start: int,
    end: int,
    block: _Block,
    statement: cst.SimpleStatementLine,
    sections: Sections,
) -> None:
    """Adds the new import line to the top block [start, end) of the body."""
    node: cst.ImportFrom = statement.body[0]  # type: ignore[assignment]
    section = sections.of(_dotted(node.module))
    key = _statement_key(node)
    placed = [(index, sections.of(*_module_of(imp)), _statement_key(imp)) for index, imp in block]
    same = [(index, k) for index, s, k in placed if s == section]
    if same:
        later = [index for index, k in same if k > key]
        if later:
            _insert_before(body, later[0], statement, new_section=False, first=later[0] == start)
        else:
            body.insert(same[-1][0] + 1, statement)
        return
    following = [index for index, s, _ in placed if s > section]
    if following:
        _insert_before(body, following[0], statement, new_section=True, first=following[0] == start)
    elif block:
        body.insert(end, statement.with_changes(leading_lines=[cst.EmptyLine()]))
    else:
        _open_block(body, start, statement)


def _insert_before(
    body: List[_Statement],
    index: int,
    statement: cst.SimpleStatementLine,
    new_section: bool,
    first: bool,
) -> None:
    """Before body[index]: the new line takes that statement's blank lines (comments stay on
    the import they describe); a new section is set off from the next by one blank line."""
    blank, comments = _split_blank(body[index].leading_lines)
    if new_section and not blank and not first:
        blank = [cst.EmptyLine()]
    rest = ([cst.EmptyLine()] if new_section else []) + comments
    body[index] = body[index].with_changes(leading_lines=rest)
    body.insert(index, statement.with_changes(leading_lines=blank))


def _open_block(body: List[_Statement], start: int, statement: cst.SimpleStatementLine) -> None:
    """A file with no import at its top: the import goes after the docstring, and the code
    after it is set off as isort does (two blank lines before a def or class, else one)."""
    leading = [cst.EmptyLine()] if start > 0 else []
    body.insert(start, statement.with_changes(leading_lines=leading))
    if start + 1 < len(body):
        following = body[start + 1]
        wanted = 2 if isinstance(following, (cst.FunctionDef, cst.ClassDef)) else 1
        blank, comments = _split_blank(following.leading_lines)
        if len(blank) < wanted:
            blank = [cst.EmptyLine()] * (wanted - len(blank)) + blank
        body[start + 1] = following.with_changes(leading_lines=blank + comments)
