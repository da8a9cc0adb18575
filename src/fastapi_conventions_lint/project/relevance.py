"""Which files the project pass holds the facts of.

The project pass links and collects: routers and apps, include_router calls, routes and event
handlers registered on an imported receiver, `.routes` reads, mounts, and the functions a file
passes to `Depends` from other modules. A file with none of these is only ever asked about by
name (a class it defines, a function it binds): the index reads it again when it is asked
(project/index.py), so its facts need not be kept, nor sent back from a worker process.

Every walk over the index's modules looks at one of these kinds only: a file without any is
absent from each, so that what is reported does not depend on whether it is held."""

from __future__ import annotations

import re
from typing import Sequence, Union

from fastapi_conventions_lint import prefilter
from fastapi_conventions_lint.facts.model import FileFacts

# `app.mount("/admin", admin_app)`, `app.host("admin.example.com", admin_app)`: one app served
# by another (routes.py looks for these in every module it holds, on the tree).
_SERVES_AN_APP = re.compile(r"\.\s*(?:mount|host)\s*\(")

# What the text of a file holding project facts says: a cheap guess, never exact.
_PROJECT_WORDS = (
    "include_router", "Router", "FastAPI", "add_api_route", "add_route", ".routes", ".mount",
    ".host", "on_event", "add_event_handler", "on_startup", "on_shutdown", "Depends",
    "Security", "lifespan",
)
_PROJECT_BYTES = tuple(word.encode() for word in _PROJECT_WORDS)


def may_hold_project_facts(source: Union[bytes, str]) -> bool:
    """Whether a file's bytes or text suggest facts the project pass holds: which files a
    worker process leaves to the parent (parallel.py), which trees are worth a compact copy
    (compact_tree.py). A wrong guess costs time or memory, never a different answer."""
    words = _PROJECT_BYTES if isinstance(source, bytes) else _PROJECT_WORDS
    return any(word in source for word in words) or prefilter.has_route_decorator(source)


def holds_project_facts(facts: FileFacts, text: Union[str, Sequence[str]]) -> bool:
    """Whether the project pass reads these facts for their own sake (see the module's
    docstring), or the file's text (or its lines) may serve one app from another."""
    targets = facts.dependency_targets
    if (
        facts.routers or facts.includes or facts.routes or facts.mounts or facts.routes_reads
        or facts.event_registrations or (targets is not None and targets.imported)
    ):
        return True
    return _SERVES_AN_APP.search(text if isinstance(text, str) else "".join(text)) is not None
