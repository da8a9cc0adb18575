"""The cheap path: decide from raw text whether a file can hold anything a rule looks at.

This is an optimisation only. Every rule needs one of these in the file's text:
- `fastapi` (routers, apps, Depends/Security are imported from it);
- `include_router` / `add_api_route`, or a route decorator on an imported receiver;
- `initialize` / `cleanup` (dependency lifecycles);
- the configured object's or base class's name.
A test checks that no example or fixture that gives a diagnostic is rejected here.
"""

from __future__ import annotations

import functools
import re
from typing import Pattern, Tuple, Union

_ROUTE_DECORATOR = r"@[^\n(]*\.\s*(?:get|post|put|patch|delete|head|options|trace|api_route|websocket)\b"
_TOKENS = ("fastapi", "include_router", "add_api_route", "initialize", "cleanup")


@functools.lru_cache(maxsize=16)
def _patterns(extra_names: Tuple[str, ...]) -> Tuple[Pattern[bytes], Pattern[str]]:
    alternatives = [re.escape(token) for token in _TOKENS + extra_names] + [_ROUTE_DECORATOR]
    text = "|".join(alternatives)
    return re.compile(text.encode()), re.compile(text)


def might_matter(source: Union[bytes, str], extra_names: Tuple[str, ...] = ()) -> bool:
    as_bytes, as_text = _patterns(extra_names)
    pattern = as_bytes if isinstance(source, bytes) else as_text
    return pattern.search(source) is not None  # type: ignore[arg-type]
