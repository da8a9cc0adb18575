"""What a type annotation (or a call of a class) says of a value: a data handle (FCL102), evidently
something else, or nothing either way.

A type is judged by its qualified name through the file's imports: a session or connection type
of a known data library is a handle; a same-file alias (`SessionDep = Annotated[Session,
Depends(get_db)]`) or subclass of one is too, and an alias in another project module is asked of
the lookup. A builtin, a class of the same file, or a class of a package that is neither of the
project nor a data store (`aiohttp.ClientSession`, `httpx.AsyncClient`) is not. The rest (project
classes, unresolved names) says nothing, and the rule falls back on the value's name.
"""

from __future__ import annotations

import ast
import enum
from typing import List, Mapping, Optional

from fastapi_conventions_lint.facts.model import ClassLookup
from fastapi_conventions_lint.facts.names import (
    ANNOTATED,
    BUILTIN_TYPES,
    DATA_PACKAGES,
    OPTIONAL,
    VAGUE_TYPES,
    ImportTable,
    is_db_type,
    string_annotation,
)
from fastapi_conventions_lint.facts.values import bound_expression

_MAX_DEPTH = 8
# Values that are plainly not a data handle (`db = {}`).
_LITERALS = (
    ast.Constant, ast.JoinedStr, ast.Dict, ast.List, ast.Set, ast.Tuple,
    ast.DictComp, ast.ListComp, ast.SetComp,
)


class Kind(enum.Enum):
    HANDLE = "handle"
    OTHER = "other"  # evidently not a data handle
    UNKNOWN = "unknown"


def combine(kinds: List[Kind]) -> Kind:
    """One kind for a value that may be any of several: a handle if one of them is, something
    else only if all are."""
    if Kind.HANDLE in kinds:
        return Kind.HANDLE
    if kinds and all(kind is Kind.OTHER for kind in kinds):
        return Kind.OTHER
    return Kind.UNKNOWN


class HandleTypes:
    """Judges the annotations and called classes of one file. Without a lookup, names imported
    from other modules are judged by their package alone (no other module is read)."""

    def __init__(
        self,
        imports: ImportTable,
        bindings: Mapping[str, object],
        classes: Mapping[str, ast.ClassDef],
        lookup: Optional[ClassLookup] = None,
    ) -> None:
        self._imports = imports
        self._bindings = bindings
        self._classes = classes
        self._lookup = lookup

    def annotation(self, node: ast.expr, depth: int = 0) -> Kind:
        """What a parameter or variable annotated with `node` is."""
        if depth > _MAX_DEPTH:
            return Kind.UNKNOWN
        if isinstance(node, ast.Constant):
            if node.value is None:
                return Kind.OTHER
            if not isinstance(node.value, str):
                return Kind.UNKNOWN
            parsed = string_annotation(node.value)
            if parsed is None:
                return Kind.UNKNOWN  # nested too deeply for the parser is not a known type either
            node = parsed
        if isinstance(node, ast.Subscript):
            return self._subscript(node, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return combine([self.annotation(node.left, depth + 1), self.annotation(node.right, depth + 1)])
        return self.named(node, depth)

    def called(self, node: ast.expr) -> Kind:
        """What the value of `node` is when it calls a class (`aiohttp.ClientSession()`,
        `Session(engine)`) or is a literal; UNKNOWN for any other expression."""
        if isinstance(node, ast.Await):
            node = node.value
        if isinstance(node, _LITERALS):
            return Kind.OTHER
        if not isinstance(node, ast.Call) or not isinstance(node.func, (ast.Name, ast.Attribute)):
            return Kind.UNKNOWN
        kind = self.named(node.func, 0)
        called = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if kind is Kind.OTHER and not (called[:1].isupper() or called in BUILTIN_TYPES):
            # A function of a library may return anything, a connection included.
            return Kind.UNKNOWN
        return kind

    def _subscript(self, node: ast.Subscript, depth: int) -> Kind:
        outer = self._imports.qualname(node.value)
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if outer in ANNOTATED:
            return self.annotation(elements[0], depth + 1)
        if outer in OPTIONAL:
            return combine([self.annotation(element, depth + 1) for element in elements])
        # A generic (`dict[str, int]`, `List[Item]`) is what its origin is.
        return Kind.OTHER if self.named(node.value, depth + 1) is Kind.OTHER else Kind.UNKNOWN

    def named(self, node: ast.expr, depth: int) -> Kind:
        """What a value of the type `node` names is."""
        if depth > _MAX_DEPTH:
            return Kind.UNKNOWN
        qualname = self._imports.qualname(node)
        if qualname is not None:
            return self._imported(qualname)
        if not isinstance(node, ast.Name):
            return Kind.UNKNOWN
        if node.id in self._classes:
            return self._class(self._classes[node.id], depth)
        alias = bound_expression(self._bindings, node.id)
        if alias is not None:
            return self.annotation(alias, depth + 1)
        if node.id in self._bindings or node.id in VAGUE_TYPES:
            return Kind.UNKNOWN
        return Kind.OTHER if node.id in BUILTIN_TYPES else Kind.UNKNOWN

    def _class(self, cls: ast.ClassDef, depth: int) -> Kind:
        """A class of the file is a handle type when it derives from one, and something else
        when all its bases are (or it has none)."""
        return combine([self.named(base, depth + 1) for base in cls.bases] or [Kind.OTHER])

    def _imported(self, qualname: str) -> Kind:
        if is_db_type(qualname):
            return Kind.HANDLE
        if not qualname.startswith(".") and self._says_nothing(qualname):
            return Kind.UNKNOWN
        return self._through_lookup(qualname)

    def _through_lookup(self, qualname: str) -> Kind:
        """An imported name as the project knows it: an alias of a handle type in a project
        module, something defined outside the project, or a class of the project."""
        lookup = self._lookup
        if lookup is None:
            return Kind.UNKNOWN
        if lookup.is_data_handle_type(qualname):
            return Kind.HANDLE
        external = lookup.external_name(qualname)
        if external is None or self._says_nothing(external):
            return Kind.UNKNOWN  # a class of the project may wrap a session: the name decides
        return Kind.OTHER

    @staticmethod
    def _says_nothing(qualname: str) -> bool:
        """A type of a data store's package that is not a known handle type, or `Any`."""
        return qualname in VAGUE_TYPES or qualname.partition(".")[0] in DATA_PACKAGES
