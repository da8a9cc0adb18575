"""Which codes are reported: select / ignore / extend-select and per-file-ignores.

A code is on when its longest matching `select` prefix is longer than its longest matching
`ignore` prefix (flake8's and ruff's "more specific wins"; a tie goes to ignore).
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from pathlib import Path, PurePath
from typing import Dict, Iterable, Optional, Sequence, Tuple

from fastapi_conventions_lint.config import ConfigError, Settings


_RULE_MODULE = re.compile(r"fcl(\d{3})_\w+\.py")


@functools.lru_cache(maxsize=None)
def known_codes() -> Tuple[str, ...]:
    """Every rule's code, from the names of the rule modules (`fcl001_....py` holds FCL001): a
    selector is checked without importing the rules, which a run answered from the results
    cache never needs (tests check this against the rule classes)."""
    try:
        names = os.listdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "rules"))
    except OSError:  # pragma: no cover - not installed as files
        names = []
    codes = {f"FCL{match.group(1)}" for match in map(_RULE_MODULE.fullmatch, names) if match}
    if not codes:  # pragma: no cover
        from fastapi_conventions_lint.rules import RULES_BY_CODE

        codes = set(RULES_BY_CODE)
    return tuple(sorted(codes))


def check_selectors(selectors: Iterable[str], where: str) -> None:
    """Refuse a code or prefix that selects no rule, as written (`fcl001`, `FLC001` and
    `FCL9999` select nothing), naming the nearest codes."""
    known = known_codes()
    for selector in selectors:
        if selector and any(code.startswith(selector) for code in known):
            continue
        import difflib  # only a selector that selects nothing needs it

        near = difflib.get_close_matches(selector.upper(), known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(near)}?" if near else ""
        raise ConfigError(
            f"{where}: {selector!r} is no rule code or prefix{hint} "
            "(`fastapi-conventions-lint rules` lists them)"
        )


def _longest_match(code: str, prefixes: Iterable[str]) -> int:
    return max((len(prefix) for prefix in prefixes if code.startswith(prefix)), default=-1)


class CodeSelection:
    def __init__(
        self,
        select: Sequence[str],
        ignore: Sequence[str] = (),
        per_file_ignores: Sequence[Tuple[str, Sequence[str]]] = (),
    ) -> None:
        self._select = tuple(select)
        self._ignore = tuple(ignore)
        self._per_file_ignores = tuple(per_file_ignores)
        self._enabled: Dict[Tuple[str, Tuple[str, ...]], bool] = {}  # asked per rule per file

    @classmethod
    def from_settings(cls, settings: Settings) -> "CodeSelection":
        return cls(
            settings.select + settings.extend_select,
            settings.ignore + settings.extend_ignore,
            settings.per_file_ignores,
        )

    def enabled(self, code: str, ignore: Sequence[str] = ()) -> bool:
        key = (code, tuple(ignore))
        known = self._enabled.get(key)
        if known is None:
            selected = _longest_match(code, self._select)
            known = self._enabled[key] = selected >= 0 and selected > _longest_match(code, self._ignore + key[1])
        return known

    def ignores_for(self, filename: str, root: Optional[PurePath]) -> Tuple[str, ...]:
        """Codes that per-file-ignores turn off for a file (globs relative to `root`)."""
        if not self._per_file_ignores:
            return ()
        path = Path(filename).resolve()
        candidates = {path.as_posix(), path.name}
        if root is not None:
            try:
                candidates.add(path.relative_to(root).as_posix())
            except ValueError:
                pass
        codes: Tuple[str, ...] = ()
        for pattern, pattern_codes in self._per_file_ignores:
            if any(fnmatch.fnmatchcase(candidate, pattern) for candidate in candidates):
                codes += tuple(pattern_codes)
        return codes
