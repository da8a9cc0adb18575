"""Route handlers' bodies, let go while a large run links its files, and read again if asked.

In a large workspace the project pass holds, until the run ends, the compact trees of every
file with routers, routes or includes (compact_tree.py). Six in ten of their nodes are in the
bodies of route handlers. The file rules that read those bodies (FCL101-FCL105, FCL201, ...)
read no links (Rule.reads_links), so they have run by the time the file is held; what the
project pass asks about is written outside handler bodies: routers, registrations, includes.

So, once a held file's first-pass rules have run, `let_go` drops each handler body that holds
none of the file's facts. The function keeps its name, decorators, arguments and positions;
its class becomes one whose `body` parses the file's text again (once for all the file's
handlers) the first time any code asks for it, and puts the bodies back. A body is never
missing to the code that reads it: asking costs time, not a different answer. Code that walks
every held module, and needs nothing a dropped body can hold, walks past them (`walk`,
`body_lines`).
"""

from __future__ import annotations

import ast
import re
from collections import deque
from typing import Callable, Collection, Deque, Dict, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint import compact_tree
from fastapi_conventions_lint.facts.lines import line_numbers
from fastapi_conventions_lint.facts.model import FileFacts

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
# Attributes through which code reaches past a router's constructor: registrations that
# FastAPI does not put under the router's own prefix, and the prefix, tags and routes read or
# changed after construction. The fix planner looks for them in every file
# (fix/cross_file.py): a dropped body keeps those it holds.
ROUTER_ATTRIBUTES = frozenset({
    "add_route", "route", "add_websocket_route", "websocket_route", "mount", "host",
    "routes", "prefix", "tags",
})
ROUTER_ATTRIBUTE_TEXT = re.compile(r"\.\s*(?:" + "|".join(sorted(ROUTER_ATTRIBUTES)) + r")\b")
# Each compact function class's class for a function whose body is let go, and back.
_LET_GO: Dict[type, type] = {}
_KEPT: Dict[type, type] = {}
_SLOT: Dict[type, object] = {}  # the compact class's `body` slot, read without bringing it back


class _Dropped:
    """What stands in a function's `body` slot while the body is let go: the lines it spans,
    and the file that can give it back."""

    __slots__ = ("first_line", "last_line", "file", "router_attributes")

    def __init__(
        self, first_line: int, last_line: int, file: "_HeldFile", router_attributes: Tuple[ast.Attribute, ...],
    ) -> None:
        self.first_line, self.last_line, self.file = first_line, last_line, file
        self.router_attributes = router_attributes


class _HeldFile:
    """A held file whose handler bodies are let go: its text, on demand, and its functions."""

    __slots__ = ("text", "filename", "functions")

    def __init__(self, text: Callable[[], str], filename: str) -> None:
        self.text, self.filename = text, filename
        self.functions: List[ast.AST] = []

    def bring_back(self) -> None:
        """Parse the text again and put every dropped body back, as compact copies."""
        functions, self.functions = self.functions, []
        tree = compact_tree.compact(ast.parse(self.text(), filename=self.filename))
        found = {
            (node.lineno, node.col_offset): node for node in ast.walk(tree) if isinstance(node, _FUNCTIONS)
        }
        for function in functions:
            kept = _KEPT[type(function)]
            again = found.get((function.lineno, function.col_offset))  # type: ignore[attr-defined]
            if again is None or again.name != function.name:  # type: ignore[attr-defined]
                raise RuntimeError(f"{self.filename}: a handler's body could not be read again")
            _SLOT[kept].__set__(function, again.body)  # type: ignore[attr-defined]
            function.__class__ = kept


def _body(function: ast.AST) -> List[ast.stmt]:
    """The `body` of a function whose body was let go: brought back first."""
    slot = _SLOT[_KEPT[type(function)]]
    held = slot.__get__(function)  # type: ignore[attr-defined]
    if isinstance(held, _Dropped):
        held.file.bring_back()
        held = slot.__get__(function)  # type: ignore[attr-defined]
    return held


def _let_go_class(kept: type) -> type:
    if kept not in _LET_GO:
        cls = type(kept.__name__, (kept,), {
            "__slots__": (),
            "__module__": kept.__module__,
            "__qualname__": kept.__qualname__,
            "body": property(_body, lambda function, value: _set_body(function, value)),
            # Copied or pickled whole: the body first (the class is then the compact one).
            "__reduce_ex__": lambda function, protocol: (_body(function), function.__reduce_ex__(protocol))[1],
        })
        _LET_GO[kept], _KEPT[cls] = cls, kept
        _SLOT[kept] = kept.__dict__["body"]
    return _LET_GO[kept]


def _set_body(function: ast.AST, value: object) -> None:
    kept = _KEPT[type(function)]
    _SLOT[kept].__set__(function, value)  # type: ignore[attr-defined]
    function.__class__ = kept


def let_go(facts: FileFacts, text: Callable[[], str]) -> int:
    """Drop the bodies of the file's route handlers that hold none of its facts; `text`
    gives the file's text, now and should a body be asked for. A dropped body's router
    attributes are kept (`router_attributes`), and so are the few statements its lifecycles
    (FCL201) name beyond their calls. Only compact trees' functions are let go. The number of
    bodies dropped."""
    if not facts.handlers:
        return 0
    fact_lines = _fact_lines(facts)
    attribute_lines = _router_attribute_lines(text())
    held = _HeldFile(text, facts.filename)
    seen: Set[int] = set()
    for handler in facts.handlers:
        function = handler.node
        if id(function) in seen or not compact_tree.is_compact(function):
            continue
        seen.add(id(function))
        body = function.body
        first, last = body[0].lineno, function.end_lineno or body[-1].lineno
        if any(first <= line <= last for line in fact_lines):
            continue
        attributes: Tuple[ast.Attribute, ...] = ()
        if any(first <= line <= last for line in attribute_lines):
            attributes = tuple(
                node for stmt in body for node in ast.walk(stmt)
                if isinstance(node, ast.Attribute) and node.attr in ROUTER_ATTRIBUTES
            )
        cls = _let_go_class(type(function))
        _SLOT[type(function)].__set__(function, _Dropped(first, last, held, attributes))  # type: ignore[attr-defined]
        function.__class__ = cls
        held.functions.append(function)
    for lifecycle in facts.lifecycles:
        if is_let_go(lifecycle.function):
            # What FCL201/FCL202 placed their findings and fixes by: they have run. The
            # project pass reads a lifecycle's calls only.
            lifecycle.anchor, lifecycle.call_statements, lifecycle.blocks = None, {}, {}
    return len(held.functions)


def _fact_lines(facts: FileFacts) -> Set[int]:
    """The lines where the project pass looks: routers made, routes and event handlers
    registered, includes, mounts, `.routes` reads, router classes and factories."""
    lines: Set[int] = set()
    lines.update(router.call.lineno for router in facts.routers)
    lines.update(route.line for route in facts.routes)
    lines.update(include.call.lineno for include in facts.includes)
    lines.update(mount.line for mount in facts.mounts)
    lines.update(getattr(node, "lineno", 0) for node in facts.routes_reads)
    lines.update(getattr(event.node, "lineno", 0) for event in facts.event_registrations)
    lines.update(handler.node.lineno for handler in facts.handlers)
    for node in (*facts.classes.values(), *facts.functions.values()):
        lines.add(node.lineno)
    return lines


def _router_attribute_lines(text: str) -> Set[int]:
    return line_numbers(text, [match.start() for match in ROUTER_ATTRIBUTE_TEXT.finditer(text)])


def _dropped(node: ast.AST) -> Optional[_Dropped]:
    """What stands in a let-go function's `body` slot (read without bringing it back); None
    for any other node."""
    kept = _KEPT.get(type(node))
    held = _SLOT[kept].__get__(node) if kept is not None else None  # type: ignore[attr-defined]
    return held if isinstance(held, _Dropped) else None


def is_let_go(node: ast.AST) -> bool:
    """Whether the node is a function whose body is let go (asking for it brings it back)."""
    return _dropped(node) is not None


def body_lines(node: ast.AST) -> Optional[Tuple[int, int]]:
    """The first and last line of a let-go function's body, without bringing it back; None
    for any other node."""
    held = _dropped(node)
    return (held.first_line, held.last_line) if held is not None else None


def router_attributes(node: ast.AST) -> Optional[Tuple[ast.Attribute, ...]]:
    """The attributes of ROUTER_ATTRIBUTES in a let-go function's body, as they were parsed;
    None for any other node."""
    held = _dropped(node)
    return held.router_attributes if held is not None else None


def children(node: ast.AST) -> List[ast.AST]:
    """`ast.iter_child_nodes`, but past the body of a function whose body is let go."""
    if body_lines(node) is None:
        return list(ast.iter_child_nodes(node))
    return [child for name in node._fields if name != "body" for child in _children(getattr(node, name))]


def walk(tree: ast.AST, words: Collection[str] = ()) -> Iterator[ast.AST]:
    """`ast.walk`, past the bodies that are let go, except those whose text holds one of
    `words` (names, as whole words): those are read again and walked. For what a body can
    hold only where its text names one of them (a line that is not ASCII may spell a name
    otherwise, `ｒouter`: a body with such a line is walked too)."""
    pending: Deque[ast.AST] = deque([tree])
    named: Optional[Set[int]] = None  # the lines of the text that hold one of the words
    while pending:
        node = pending.popleft()
        yield node
        held = _dropped(node)
        if held is not None and words:
            if named is None:
                named = _lines_naming(held.file.text(), words)
            if any(held.first_line <= line <= held.last_line for line in named):
                pending.extend(ast.iter_child_nodes(node))  # brings the body back
                continue
        pending.extend(children(node))


_NOT_ASCII = re.compile(r"[^\x00-\x7f]")


def _lines_naming(text: str, words: Collection[str]) -> Set[int]:
    pattern = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, words))) + r")\b")
    found = [match.start() for match in pattern.finditer(text)]
    if not text.isascii():
        found.extend(match.start() for match in _NOT_ASCII.finditer(text))
    return line_numbers(text, found)


def _children(value: object) -> List[ast.AST]:
    if isinstance(value, ast.AST):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, ast.AST)]
    return []
