"""What every command shares: exit codes and one-line messages on stderr."""

from __future__ import annotations

import sys

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT


def _to_stderr(line: str) -> None:
    from fastapi_conventions_lint.report.progress import clear_active

    clear_active()  # a progress bar on the line would run into the message
    sys.stderr.write(line)


def warn(message: str) -> None:
    _to_stderr(f"fastapi-conventions-lint: warning: {message}\n")


def fail(message: str) -> int:
    _to_stderr(f"fastapi-conventions-lint: error: {message}\n")
    return EXIT_ERROR


def info(message: str) -> None:
    """What `-v` shows."""
    _to_stderr(f"{message}\n")


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"




def discard_stdout() -> None:
    """After a broken pipe: what is still buffered for stdout goes nowhere, so that flushing
    it at exit raises nothing (Python's advice for SIGPIPE)."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        pass
