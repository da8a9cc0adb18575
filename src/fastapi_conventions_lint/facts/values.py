"""Static values of router prefixes.

A prefix expression is reduced to a sequence of parts: literal text, an attribute of the
configured object (`api_config.DATA_PREFIX`, whose value comes from the `prefixes` table), or
something opaque. Rules then ask where the value is rooted and what text is known.
"""

from __future__ import annotations

import ast
import re
import string
from dataclasses import dataclass
from typing import Dict, Mapping, Optional, Tuple

from fastapi_conventions_lint.facts.limits import MAX_PARTS, MAX_TEXT
from fastapi_conventions_lint.facts.names import ImportTable, refers_to

LITERAL = "literal"
CONFIG = "config"
OPAQUE = "opaque"

# printf-style conversions, as `%` formatting understands them.
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsab%]")


@dataclass(frozen=True)
class Part:
    kind: str  # LITERAL, CONFIG or OPAQUE
    text: Optional[str] = None  # the literal text, or a config constant's value when known
    name: Optional[str] = None  # the config attribute, e.g. "DATA_PREFIX"

    @property
    def known(self) -> bool:
        return self.text is not None


_OPAQUE = Part(OPAQUE)


@dataclass(frozen=True)
class PrefixValue:
    """What is statically known of one prefix expression."""

    parts: Tuple[Part, ...]
    absent: bool = False  # no argument, None, "" or a name bound to one of those

    @property
    def origin(self) -> str:
        """'none', 'literal' (literal-rooted), 'config' (config-rooted) or 'unknown'."""
        if self.absent:
            return "none"
        first = self.parts[0].kind
        return {LITERAL: "literal", CONFIG: "config"}.get(first, "unknown")

    @property
    def head(self) -> str:
        """Literal text before the first non-literal part."""
        text = []
        for part in self.parts:
            if part.kind != LITERAL:
                break
            text.append(part.text)
        return "".join(text)

    @property
    def tail(self) -> str:
        """Literal text after the last non-literal part."""
        text = []
        for part in reversed(self.parts):
            if part.kind != LITERAL:
                break
            text.append(part.text)
        return "".join(reversed(text))

    @property
    def is_literal(self) -> bool:
        return not self.absent and all(part.kind == LITERAL for part in self.parts)

    @property
    def resolved(self) -> Optional[str]:
        """The whole value when every part is known (literals and configured constants)."""
        if self.absent:
            return ""
        if all(part.known for part in self.parts):
            return "".join(part.text for part in self.parts)  # type: ignore[misc]
        return None

    @property
    def resolved_head(self) -> str:
        """Known text (literals and configured constants) before the first unknown part."""
        text = []
        for part in self.parts:
            if not part.known:
                break
            text.append(part.text)
        return "".join(text)

    def display(self) -> str:
        """The value with unknown parts shown as `{...}`, for messages."""
        return "".join(part.text if part.known else "{...}" for part in self.parts)  # type: ignore[misc]


NO_PREFIX = PrefixValue(parts=(), absent=True)
UNKNOWN = PrefixValue(parts=(_OPAQUE,))

_AMBIGUOUS = object()


class PrefixResolver:
    """Resolves prefix expressions through literals, same-file names and the configured object.

    `bindings` maps a name to the one expression assigned to it in the file; a name assigned
    more than once is ambiguous and resolves to nothing.
    """

    def __init__(
        self,
        imports: ImportTable,
        bindings: Mapping[str, object],
        config_qualname: str,
        config_name: str,
        prefixes: Mapping[str, str],
    ) -> None:
        self._imports = imports
        self._bindings = bindings
        self._config_qualname = config_qualname
        self._config_name = config_name
        self._prefixes = prefixes
        self._resolving: set = set()
        self._names: Dict[str, Tuple[Part, ...]] = {}  # a name's parts, resolved once

    def value(self, node: Optional[ast.expr]) -> PrefixValue:
        if node is None:
            return NO_PREFIX
        parts = self._parts(node)
        if parts is None or not parts:
            return NO_PREFIX
        return PrefixValue(parts=_merge(parts))

    def config_attribute(self, node: ast.expr) -> Optional[str]:
        """`X` when node is `<configured object>.X`, else None."""
        if not isinstance(node, ast.Attribute):
            return None
        target = node.value
        if isinstance(target, ast.Name) and target.id == self._config_name and (
            target.id not in self._imports.bindings
        ):
            # The configured object used by its own name without an import: its own module,
            # or a star import.
            return node.attr
        if refers_to(self._imports.qualname(target), self._config_qualname):
            return node.attr
        return None

    # Returns None for the Python value None, a tuple of parts otherwise.
    def _parts(self, node: ast.expr) -> Optional[Tuple[Part, ...]]:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return None
            if isinstance(node.value, str):
                return (Part(LITERAL, node.value),) if node.value else ()
            return (_OPAQUE,)
        if isinstance(node, ast.JoinedStr):
            return self._joined(node)
        if isinstance(node, ast.Name):
            return self._name(node.id)
        if isinstance(node, ast.Attribute):
            attribute = self.config_attribute(node)
            if attribute is not None:
                return (Part(CONFIG, self._prefixes.get(attribute), attribute),)
            return (_OPAQUE,)
        if isinstance(node, ast.BinOp):
            if isinstance(node.op, ast.Add):
                left, right = self._parts(node.left), self._parts(node.right)
                if left is None or right is None:
                    return (_OPAQUE,)
                return _bounded(_merge(left + right))
            if isinstance(node.op, ast.Mod):
                return self._printf(node.left)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
        ):
            return self._format(node.func.value)
        return (_OPAQUE,)

    def _name(self, name: str) -> Optional[Tuple[Part, ...]]:
        if name in self._names:
            return self._names[name]
        bound = self._bindings.get(name)
        if bound is None or bound is _AMBIGUOUS or name in self._resolving:
            return (_OPAQUE,)
        self._resolving.add(name)
        try:
            parts = self._parts(bound)  # type: ignore[arg-type]
        finally:
            self._resolving.discard(name)
        self._names[name] = parts  # type: ignore[assignment]
        return parts

    def _joined(self, node: ast.JoinedStr) -> Tuple[Part, ...]:
        parts: Tuple[Part, ...] = ()
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts += (Part(LITERAL, value.value),) if value.value else ()
            elif (
                isinstance(value, ast.FormattedValue)
                and value.conversion == -1
                and value.format_spec is None
            ):
                inner = self._parts(value.value)
                parts += (_OPAQUE,) if inner is None else inner
            else:
                parts += (_OPAQUE,)
        return parts

    def _literal_text(self, node: ast.expr) -> Optional[str]:
        """The template of a `%` or `.format`: literal text, and short (the scan for
        conversions is not worth more)."""
        parts = self._parts(node)
        if parts is None:
            return None
        if all(part.kind == LITERAL for part in parts):
            text = "".join(part.text for part in parts)  # type: ignore[misc]
            return text if len(text) <= MAX_TEXT else None
        return None

    def _printf(self, template: ast.expr) -> Tuple[Part, ...]:
        text = self._literal_text(template)
        if text is None:
            return (_OPAQUE,)
        parts: Tuple[Part, ...] = ()
        position = 0
        for match in _PRINTF_SPEC.finditer(text):
            literal = text[position:match.start()]
            if match.group() == "%%":
                literal += "%"
            if literal:
                parts += (Part(LITERAL, literal),)
            if match.group() != "%%":
                parts += (_OPAQUE,)
            position = match.end()
        if text[position:]:
            parts += (Part(LITERAL, text[position:]),)
        return parts

    def _format(self, template: ast.expr) -> Tuple[Part, ...]:
        text = self._literal_text(template)
        if text is None:
            return (_OPAQUE,)
        parts: Tuple[Part, ...] = ()
        try:
            for literal, field_name, _spec, _conversion in string.Formatter().parse(text):
                if literal:
                    parts += (Part(LITERAL, literal),)
                if field_name is not None:
                    parts += (_OPAQUE,)
        except ValueError:
            return (_OPAQUE,)
        return parts


def _bounded(parts: Tuple[Part, ...]) -> Tuple[Part, ...]:
    """The parts, or one opaque part when they are too long or too many to be a prefix."""
    if len(parts) > MAX_PARTS or sum(len(part.text or "") for part in parts) > MAX_TEXT:
        return (_OPAQUE,)
    return parts


def _merge(parts: Tuple[Part, ...]) -> Tuple[Part, ...]:
    merged = []
    for part in parts:
        if part.kind == LITERAL and merged and merged[-1].kind == LITERAL:
            merged[-1] = Part(LITERAL, merged[-1].text + part.text)
        else:
            merged.append(part)
    return tuple(merged)


def record_binding(bindings: Dict[str, object], name: str, value: Optional[ast.expr]) -> None:
    """Remember `name = value`; a second assignment, or an unknown value (None), makes the
    name ambiguous."""
    bindings[name] = _AMBIGUOUS if name in bindings or value is None else value


def bound_expression(bindings: Mapping[str, object], name: str) -> Optional[ast.expr]:
    value = bindings.get(name)
    return None if value is _AMBIGUOUS else value  # type: ignore[return-value]
