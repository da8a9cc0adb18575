"""One `ast` parse per text while fixing a file: a step asks for the trees of the same two
texts several times (the outline of the text before the rewrite; the imports and the re-check
of the text after it, which is the next step's text before)."""

from __future__ import annotations

import ast
import functools


@functools.lru_cache(maxsize=4)
def parsed(text: str) -> ast.Module:
    """The text's tree; a text that does not parse raises each time (nothing is kept). The
    tree is shared: its readers must not change it."""
    return ast.parse(text)
