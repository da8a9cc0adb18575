"""`routes --check`: the route table compared with a snapshot written earlier by `routes
--format json`. An operation is a method (or WEBSOCKET, MOUNT, INCLUDE) and a full path; what
counts as a change is its endpoint, tags and dependencies. Files and line numbers never do."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import source

Operation = Tuple[str, str]  # (method or kind, full path)


class SnapshotError(Exception):
    """A snapshot that cannot be read: the command exits 2 with this message."""


@dataclass(frozen=True)
class Served:
    """What one operation is served by."""

    endpoint: str
    tags: Tuple[str, ...]
    dependencies: Tuple[str, ...]
    file: str = ""
    line: int = 0

    def key(self) -> tuple:
        return (self.endpoint, self.tags, self.dependencies)

    def describe(self) -> str:
        text = self.endpoint
        if self.tags:
            text += f"  tags: {', '.join(self.tags)}"
        if self.dependencies:
            text += f"  dependencies: {', '.join(self.dependencies)}"
        return text


@dataclass(frozen=True)
class Change:
    sign: str  # "+" added, "-" removed, "~" changed
    operation: Operation
    before: Optional[Served]
    after: Optional[Served]

    def describe(self) -> str:
        method, path = self.operation
        head = f"{self.sign} {method} {path}"
        if self.sign == "+":
            return f"{head}  ({self.after.describe()})"  # type: ignore[union-attr]
        if self.sign == "-":
            return f"{head}  ({self.before.describe()})"  # type: ignore[union-attr]
        parts = []
        before, after = self.before, self.after
        for label, old, new in (
            ("endpoint", before.endpoint, after.endpoint),  # type: ignore[union-attr]
            ("tags", before.tags, after.tags),  # type: ignore[union-attr]
            ("dependencies", before.dependencies, after.dependencies),  # type: ignore[union-attr]
        ):
            if old != new:
                shown = (lambda v: v if isinstance(v, str) else "[" + ", ".join(v) + "]")
                parts.append(f"{label}: {shown(old)} -> {shown(new)}")
        return f"{head}  " + "; ".join(parts)


def operations(rows: Sequence[dict]) -> Dict[Operation, List[Served]]:
    """The json table's rows by operation (a row with several methods is one per method)."""
    found: Dict[Operation, List[Served]] = defaultdict(list)
    for row in rows:
        served = Served(
            str(row.get("endpoint", "")), tuple(row.get("tags") or ()), tuple(row.get("dependencies") or ()),
            str(row.get("file", "")), int(row.get("line") or 0),
        )
        kind = row.get("kind", "http")
        methods = row.get("methods") or []
        if kind in ("http", "starlette") and methods:
            for method in methods:
                found[(str(method), str(row["path"]))].append(served)
        elif kind == "docs":
            found[("GET", str(row["path"]))].append(served)
        else:
            found[(str(kind).upper(), str(row["path"]))].append(served)
    return found


def read_snapshot(path: str) -> List[dict]:
    try:
        with source.open_regular(path, "r", encoding="utf-8") as handle:
            rows = json.load(handle)
    except OSError as error:
        raise SnapshotError(
            f"--check {path}: {error.strerror or error}; write the snapshot first with "
            f"`fastapi-conventions-lint routes --format json > {path}`"
        ) from None
    except (ValueError, UnicodeDecodeError) as error:
        raise SnapshotError(f"--check {path}: not a routes json snapshot ({error})") from None
    if not isinstance(rows, list) or not all(
        isinstance(row, dict) and isinstance(row.get("path"), str) for row in rows
    ):
        raise SnapshotError(f"--check {path}: not a routes json snapshot (expected a list of rows with a path)")
    return rows


def compare(snapshot: Sequence[dict], current: Sequence[dict]) -> List[Change]:
    """The changes from the snapshot to the current table, in path order."""
    before, after = operations(snapshot), operations(current)
    changes: List[Change] = []
    for operation in sorted(set(before) | set(after), key=lambda op: (op[1], op[0])):
        old = sorted(before.get(operation, ()), key=Served.key)
        new = sorted(after.get(operation, ()), key=Served.key)
        old_keys, new_keys = [s.key() for s in old], [s.key() for s in new]
        if old_keys == new_keys:
            continue
        removed = [s for s in old if s.key() not in new_keys]
        added = [s for s in new if s.key() not in old_keys]
        # One served thing replaced by another: a change of what serves the operation.
        while removed and added:
            changes.append(Change("~", operation, removed.pop(0), added.pop(0)))
        changes += [Change("-", operation, served, None) for served in removed]
        changes += [Change("+", operation, None, served) for served in added]
    return changes
