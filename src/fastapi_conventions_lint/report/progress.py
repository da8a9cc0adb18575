"""A progress bar on stderr for long runs: `checking [#####     ] 120/400 files`.

It appears only once a run has taken more than DELAY seconds, only when stderr is a terminal,
never when `CI` is set, and not when the output is for a program (`--diff`, the json, sarif
and github formats) or `--quiet` was asked for. It draws on one line with `\\r` and erases
itself before the report is written; messages written to stderr meanwhile (warnings, `-v`
lines) erase it first through `clear_active()`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Callable, Optional, TextIO

DELAY = 2.0  # seconds of run time before the bar appears
INTERVAL = 0.1  # seconds between redraws
MACHINE_FORMATS = frozenset({"json", "json-lines", "sarif", "github"})

_active: Optional["Progress"] = None


def is_tty(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed or detached stream
        return False


def wanted(args: argparse.Namespace, stream: TextIO) -> bool:
    """Whether this run may show a bar on `stream`."""
    if os.environ.get("CI", "").strip():
        return False
    if getattr(args, "diff", False) or getattr(args, "quiet", 0):
        return False
    fmt = getattr(args, "output_format", None) or os.environ.get("FCL_OUTPUT_FORMAT", "").strip()
    if fmt in MACHINE_FORMATS:
        return False
    return is_tty(stream)


class Progress:
    """Files done out of `total`, drawn on `stream` after `delay` seconds."""

    def __init__(
        self,
        total: int,
        stream: TextIO,
        *,
        label: str = "checking",
        delay: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.done = 0
        self.stream = stream
        self.label = label
        self._clock = clock
        self._start = clock()
        self._delay = DELAY if delay is None else delay
        self._drawn_at: Optional[float] = None
        self._width = 0  # characters on the line now

    def __enter__(self) -> "Progress":
        global _active
        _active = self
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def advance(self, count: int = 1) -> None:
        self.done += count
        now = self._clock()
        if now - self._start < self._delay:
            return
        if self._drawn_at is not None and now - self._drawn_at < INTERVAL and self.done < self.total:
            return
        self._draw(now)

    def line(self) -> str:
        import shutil  # only a terminal shows the bar

        counter = f"{self.done}/{self.total} files"
        columns = shutil.get_terminal_size((80, 24)).columns
        room = min(40, columns - len(self.label) - len(counter) - 5)
        if room < 10:
            return f"{self.label} {counter}"
        filled = room * self.done // max(self.total, 1)
        return f"{self.label} [{'#' * filled}{' ' * (room - filled)}] {counter}"

    def _draw(self, now: float) -> None:
        text = self.line()
        try:
            self.stream.write("\r" + text + " " * max(self._width - len(text), 0))
            self.stream.flush()
        except (OSError, ValueError):  # pragma: no cover - stderr went away
            return
        self._width = len(text)
        self._drawn_at = now

    def clear(self) -> None:
        """Erase the bar (it comes back at the next redraw)."""
        if self._width:
            try:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
            except (OSError, ValueError):  # pragma: no cover - stderr went away
                pass
            self._width = 0

    def close(self) -> None:
        global _active
        self.clear()
        if _active is self:
            _active = None


class _NoProgress:
    """Stands in for a bar when none is wanted."""

    def __enter__(self) -> "_NoProgress":
        return self

    def __exit__(self, *exc_info: object) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


def progress_for(args: argparse.Namespace, total: int, label: str = "checking"):
    """A bar for a run over `total` files, or a stand-in that draws nothing."""
    stream = sys.stderr
    if total < 2 or not wanted(args, stream):
        return _NoProgress()
    return Progress(total, stream, label=label)


def clear_active() -> None:
    """Erase the bar, if one is drawn, before something else is written to stderr."""
    if _active is not None:
        _active.clear()
