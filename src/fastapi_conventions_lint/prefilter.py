"""The cheap path: decide from raw text whether a file can hold anything a rule looks at.

This is an optimisation only. Every rule needs one of these in the file's text:
- `fastapi` (routers, apps, Depends/Security are imported from it);
- `include_router` / `add_api_route`, or a route decorator on an imported receiver;
- a call of `.initialize()` / `.cleanup()` (dependency lifecycles: the words alone, in a
  docstring or a function's name, let a third of a large project's files through for nothing);
- `on_event` / `add_event_handler` (handlers registered on an app another module makes);
`environ` / `getenv` (FCL502 looks at every file that reads the environment) let a file through
`reads_environment` instead: such a file is checked by FCL502 alone, without the full facts.
- the configured object's or base class's name.
A test checks that no example or fixture that gives a diagnostic is rejected here.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Pattern, Tuple, Union

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.config import Settings

# A decorator whose expression reaches `.get`/`.post`/...: `@router.get`, `@(router.get)`,
# `@ api . get`, a receiver continued on the next line, even comments inside parentheses.
# `{name}` is an identifier: `\w` in text, and in bytes also the UTF-8 bytes of non-ASCII
# identifiers.
# A comment runs to its line's end: were it allowed to stop anywhere, a line of `#`s and spaces
# could be split in exponentially many ways before the search gives up.
_GAP = r"(?:[\s()\\]|#[^\n]*(?:\n|\Z))*"
_ROUTE_DECORATOR = (
    r"@" + _GAP + r"{name}(?:" + _GAP + r"\." + _GAP + r"{name})*?" + _GAP + r"\." + _GAP
    + r"(?:get|post|put|patch|delete|head|options|trace|api_route|websocket)\b"
)
_TOKENS = ("fastapi", "include_router", "add_api_route", "on_event", "add_event_handler")
# `deps.initialize()`, `deps . cleanup ()`, `(deps\n    .cleanup())`: what FCL201 and FCL202 look at.
_LIFECYCLE_CALL = r"\." + _GAP + r"(?:initialize|cleanup)\b"


@functools.lru_cache(maxsize=16)
def _patterns(extra_names: Tuple[str, ...]) -> Tuple[Tuple[str, ...], Tuple[bytes, ...], Pattern[bytes], Pattern[str]]:
    """The tokens as text and as bytes, and the route decorator as a bytes and a text pattern."""
    tokens = _TOKENS + extra_names
    text = _ROUTE_DECORATOR.replace("{name}", r"\w+")
    data = _ROUTE_DECORATOR.replace("{name}", r"[\w\x80-\xff]+")
    return tokens, tuple(token.encode() for token in tokens), re.compile(data.encode()), re.compile(text)


_LIFECYCLE_BYTES, _LIFECYCLE_TEXT = re.compile(_LIFECYCLE_CALL.encode()), re.compile(_LIFECYCLE_CALL)


def prefilter_names(settings: "Settings") -> Tuple[str, ...]:
    """The configured names a file may mention instead of `fastapi` (the config object, the
    dependencies base class)."""
    return (settings.api_config_name, settings.base_dependencies_name)


def might_matter(source: Union[bytes, str], extra_names: Tuple[str, ...] = ()) -> bool:
    # Plain substring tests first (most files that matter say `fastapi`), then the decorator
    # pattern only where a decorator is: half the time of one alternation over every file.
    tokens, byte_tokens, as_bytes, as_text = _patterns(extra_names)
    if isinstance(source, bytes):
        if any(token in source for token in byte_tokens):
            return True
        if (b"initialize" in source or b"cleanup" in source) and _LIFECYCLE_BYTES.search(source):
            return True
        return b"@" in source and as_bytes.search(source) is not None
    if any(token in source for token in tokens):
        return True
    if ("initialize" in source or "cleanup" in source) and _LIFECYCLE_TEXT.search(source):
        return True
    return "@" in source and as_text.search(source) is not None


def has_route_decorator(source: Union[bytes, str]) -> bool:
    """Whether the bytes or text hold a route decorator (`@router.get`, however spaced)."""
    if isinstance(source, bytes):
        return b"@" in source and _patterns(())[2].search(source) is not None
    return "@" in source and _patterns(())[3].search(source) is not None


# What a file must mention for the project pass to read it even when no rule looks at it: what
# other modules' answers depend on (project_pass.py).
PROJECT_WORDS = (b"include_router", b".routes")


def mentions_project_words(data: bytes) -> bool:
    return any(word in data for word in PROJECT_WORDS)


def read_by_project(data: bytes, names: Tuple[str, ...], everything: bool) -> bool:
    """Whether the project pass reads a workspace file with these bytes (project_pass.py;
    `everything`: for the whole-app rules, which read every file a rule may look at)."""
    return mentions_project_words(data) or (everything and might_matter(data, names))


# The names a read of the environment is spelled with, as whole words: `environment` and
# `ENVIRONMENT` in docstrings and settings are not one (most files that say `environ` say that).
_ENVIRONMENT_WORD = r"\b(?:environb?|getenvb?)\b"
_ENVIRONMENT_BYTES, _ENVIRONMENT_TEXT = re.compile(_ENVIRONMENT_WORD.encode()), re.compile(_ENVIRONMENT_WORD, re.ASCII)


def reads_environment(source: Union[bytes, str]) -> bool:
    """Whether the text may read the process environment (FCL502's cheap path): it names
    `environ`, `getenv` (or their bytes forms) as a word, whatever imports them."""
    # Substring tests first: ten times a regex's speed, and most files have neither.
    if isinstance(source, str):
        return ("environ" in source or "getenv" in source) and _ENVIRONMENT_TEXT.search(source) is not None
    return (b"environ" in source or b"getenv" in source) and _ENVIRONMENT_BYTES.search(source) is not None
