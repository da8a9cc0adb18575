"""Route paths read as Starlette reads them: `{name}` matches one segment, `{name:int}`
digits, `{name:float}` a decimal, `{name:uuid}` a UUID and `{name:path}` the rest of the path.
Used to tell which of two routes a request reaches first."""

from __future__ import annotations

import functools
import re
from typing import Optional, Pattern

_PARAMETER = re.compile(r"\{([^{}:]*)(?::([^{}]*))?\}")

# Starlette's convertors: the text each matches, and a sample value of each.
_MATCHES = {
    "str": "[^/]+",
    "int": "[0-9]+",
    "float": r"[0-9]+(?:\.[0-9]+)?",
    "uuid": "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "path": ".*",
}
_SAMPLES = {
    "str": "x",
    "int": "0",
    "float": "0.5",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x/y",
}


def _convertor(match: "re.Match[str]") -> str:
    return (match.group(2) or "str").strip() or "str"


def same_path(path: str) -> str:
    """The path with `{name:str}` written `{name}` (str is the default convertor)."""
    def parameter(match: "re.Match[str]") -> str:
        convertor = _convertor(match)
        name = match.group(1).strip()
        return "{" + name + "}" if convertor == "str" else "{" + name + ":" + convertor + "}"

    return _PARAMETER.sub(parameter, path)


@functools.lru_cache(maxsize=4096)
def matcher(path: str) -> Optional[Pattern[str]]:
    """The regular expression Starlette compiles the path to; None for a convertor it would
    not know (a custom one registered at run time)."""
    pattern = []
    position = 0
    for match in _PARAMETER.finditer(path):
        convertor = _convertor(match)
        if convertor not in _MATCHES:
            return None
        pattern.append(re.escape(path[position:match.start()]))
        pattern.append(_MATCHES[convertor])
        position = match.end()
    pattern.append(re.escape(path[position:]))
    return re.compile("".join(pattern))


def sample(path: str) -> Optional[str]:
    """A URL the path matches: each parameter replaced by a sample value of its convertor."""
    unknown = False

    def parameter(match: "re.Match[str]") -> str:
        nonlocal unknown
        convertor = _convertor(match)
        unknown = unknown or convertor not in _SAMPLES
        return _SAMPLES.get(convertor, "")

    text = _PARAMETER.sub(parameter, path)
    return None if unknown else text

