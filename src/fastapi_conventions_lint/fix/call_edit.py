"""An edit to one call, as the cross-file moves plan it and the moves codemod makes it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Tuple


@dataclass(frozen=True)
class CallEdit:
    """What to do to one call, found by its start and end (line, character column)."""

    start: Tuple[int, int]
    end: Tuple[int, int]
    prefix: Optional[str] = None  # the new `prefix=` value, as source
    tags: Optional[str] = None  # the new `tags=` value, as source
    drop: Tuple[str, ...] = ()  # keyword arguments to remove
    imports: Tuple[Tuple[str, str], ...] = ()  # (module, name) to import for the new value

    def merged(self, other: "CallEdit") -> "CallEdit":
        return CallEdit(
            self.start,
            self.end,
            self.prefix if other.prefix is None else other.prefix,
            self.tags if other.tags is None else other.tags,
            tuple(dict.fromkeys(self.drop + other.drop)),
            tuple(dict.fromkeys(self.imports + other.imports)),
        )
