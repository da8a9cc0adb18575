"""Compact copies of the syntax trees the project pass holds.

The project pass keeps the facts, and with them the trees, of every file with routers, routes
or includes until the run ends (project/relevance.py). A node made by the parser keeps its
fields in a dictionary of its own: about 300 bytes a node, most of the memory of a large run.
A copy whose classes keep the same fields in slots takes about 100.

The copies' classes derive from the `ast` classes and carry their names: `isinstance`,
`ast.NodeVisitor`, `ast.walk`, `ast.unparse` and `ast.get_source_segment` read them as they
read the originals. Two things differ: `type(node) is ast.Name` does not hold for a copy, so
this package never tests a node's class that way; and `ast.dump` spells out a copy's empty
optional fields, so nodes that may come from different trees are compared by `shape`.

A copy costs about as much time as the parse: only the trees of files likely to be held are
copied, and only in a workspace large enough for the memory to matter (`MIN_FILES`); a tree
nested too deeply to copy is kept as parsed.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING, Callable, Dict, Optional, Set, Type

from fastapi_conventions_lint.project.relevance import may_hold_project_facts

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.project.layout import Layout

_Copier = Callable[[ast.AST], ast.AST]

# Below this many Python files in a workspace its trees are kept as parsed: a check of the
# benchmark's 432 files peaks at 44 MB, and copying would make it about 7% slower.
MIN_FILES = 1_000

# A copier per class of parsed node, made on first use; None for nodes without fields or
# positions (`Load()`, `Add()`): the parser shares one of each, and so do the copies.
_COPIERS: Dict[Type[ast.AST], Optional[_Copier]] = {}
# Line numbers above 256 are a new int object in every node that holds one: the copies share
# one per value.
_NUMBERS: Dict[int, int] = {}
_COMPACT: Dict[Type[ast.AST], type] = {}  # each parsed class's compact class
_COMPACT_CLASSES: Set[type] = set()


class _NoItems(list):
    """The empty list every copy holds in place of its own (a third of their lists are
    empty). Being shared, it refuses to change."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a compact syntax tree's empty lists are shared: copy one to change it")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse  # type: ignore[assignment]
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]


NO_ITEMS = _NoItems()


def pays_off(layout: "Layout") -> bool:
    """Whether the trees of a workspace (its layout) are worth compacting: it has MIN_FILES
    Python files or more."""
    return len(layout.files) >= MIN_FILES


def held(tree: ast.Module, text: str) -> ast.Module:
    """The tree as a run keeps it: a compact copy when the file's text suggests facts the
    project pass holds (project/relevance.py)."""
    return compact(tree) if may_hold_project_facts(text) else tree


def compact(tree: ast.Module) -> ast.Module:
    """A copy of the tree whose nodes keep their fields in slots; the tree itself when it is
    nested too deeply to copy. The tree must be fresh from the parser: its lists are reused."""
    try:
        return _copy(tree)  # type: ignore[return-value]
    except RecursionError:
        return tree


class _ByName:
    """The compact classes by the names of the `ast` classes they copy, where `pickle` finds
    them (`classes.Dict`: a name of the module itself, such as `Dict`, would hide one)."""

    def __getattr__(self, name: str) -> type:
        cls = getattr(ast, name, None)
        if isinstance(cls, type) and issubclass(cls, ast.AST):
            copier = _COPIERS[cls] if cls in _COPIERS else _make_copier(cls)
            if copier is not None:
                return _COMPACT[cls]
        raise AttributeError(name)


classes = _ByName()


def is_compact(node: ast.AST) -> bool:
    """Whether the node is a compact copy (of the class `compact` made it)."""
    return node.__class__ in _COMPACT_CLASSES


def shape(value: object) -> object:
    """What a node is, positions included, comparable between a parsed node and a copy:
    `ast.dump` spells a copy's empty optional fields out (`kind=None`), which the parsed
    node's dump leaves out."""
    if isinstance(value, ast.AST):
        names = value._fields + value._attributes
        return (value.__class__.__name__, *(shape(getattr(value, name, None)) for name in names))
    if isinstance(value, list):
        return tuple(shape(item) for item in value)
    return value


def _copy(node: ast.AST) -> ast.AST:
    cls = node.__class__
    copier = _COPIERS[cls] if cls in _COPIERS else _make_copier(cls)
    return node if copier is None else copier(node)


def _make_copier(cls: Type[ast.AST]) -> Optional[_Copier]:
    """A function copying nodes of the class into its compact class, written out field by
    field: a loop over the fields costs half as much again."""
    names = tuple(cls._fields) + tuple(cls._attributes)
    if not names or cls.__module__ not in ("ast", "_ast"):
        _COPIERS[cls] = None  # shared singletons, or a class of someone else's
        return None
    compact_class = type(cls.__name__, (cls,), {
        "__slots__": names,
        "__module__": __name__,
        "__qualname__": f"classes.{cls.__name__}",
        # `ast.AST.__reduce__` reads the instance dictionary, which a copy does not have:
        # the default one reads the slots (copy.copy, pickle).
        "__reduce__": object.__reduce__,
    })
    _COMPACT[cls] = compact_class
    _COMPACT_CLASSES.add(compact_class)
    lines = ["def copy(node):", "    fields = node.__dict__", "    new = make(compact_class)"]
    for name in cls._fields:
        lines += [
            f"    value = fields.get({name!r})",
            "    if value.__class__ is list:",
            # The parser's list is of the right size already; an empty one is shared.
            "        if value:",
            "            value[:] = [copy_node(item) if isinstance(item, AST) else item for item in value]",
            "        else:",
            "            value = no_items",
            "    elif isinstance(value, AST):",
            "        value = copy_node(value)",
            f"    new.{name} = value",
        ]
    for name in cls._attributes:
        lines += [f"    value = fields.get({name!r})", f"    new.{name} = numbers.setdefault(value, value)"]
    lines.append("    return new")
    namespace = {
        "make": compact_class.__new__, "compact_class": compact_class, "AST": ast.AST,
        "copy_node": _copy, "numbers": _NUMBERS, "no_items": NO_ITEMS,
    }
    exec("\n".join(lines), namespace)  # noqa: S102 - our own text, from the class's fields
    copier: _Copier = namespace["copy"]
    _COPIERS[cls] = copier
    return copier
