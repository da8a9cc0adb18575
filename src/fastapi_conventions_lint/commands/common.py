"""What every command shares: exit codes and one-line messages on stderr."""

from __future__ import annotations

import sys

EXIT_CLEAN, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def warn(message: str) -> None:
    sys.stderr.write(f"fastapi-conventions-lint: warning: {message}\n")


def fail(message: str) -> int:
    sys.stderr.write(f"fastapi-conventions-lint: error: {message}\n")
    return EXIT_ERROR


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


