"""Run flake8 with every installed plugin except fastapi-conventions-lint (FCL).

flake8 has no flag to turn off an installed plugin: `--select`/`--ignore` only filter what is
reported, the plugin still runs on every file. To time "plain flake8" in an environment where
our plugin is installed, this wrapper removes our distribution from flake8's plugin discovery
(`flake8.plugins.finder._find_importlib_plugins`, flake8 6.x/7.x) and then calls flake8's own
`main`. Usage is exactly flake8's: `python bench/flake8_without_fcl.py [flake8 options] PATH...`.

The patch is applied at import time, not under `if __name__ == "__main__"`, so that worker
processes started with the "spawn" method (which re-import this file as `__mp_main__` and
redo plugin discovery in `_mp_init`) skip the plugin too; with "fork" they inherit it.
"""

from __future__ import annotations

import re
import sys
from typing import Iterator

from flake8.plugins import finder

EXCLUDED_DISTRIBUTIONS = frozenset({"fastapi-conventions-lint"})
EXCLUDED_MODULE = "fastapi_conventions_lint"

_original_find = finder._find_importlib_plugins


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _excluded(plugin: finder.Plugin) -> bool:
    # By distribution name, and by the entry point's target module in case the package is
    # ever installed under another distribution name.
    return (
        _normalise(plugin.package) in EXCLUDED_DISTRIBUTIONS
        or plugin.entry_point.value.split(":")[0].split(".")[0] == EXCLUDED_MODULE
    )


def _find_importlib_plugins_without_fcl() -> Iterator[finder.Plugin]:
    for plugin in _original_find():
        if not _excluded(plugin):
            yield plugin


finder._find_importlib_plugins = _find_importlib_plugins_without_fcl

if __name__ == "__main__":
    from flake8.main.cli import main

    sys.exit(main())
