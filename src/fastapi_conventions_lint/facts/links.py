"""What linking adds to a file's facts, recorded so that it can be taken away again.

The project pass links facts across modules (project/index.py): an include gets the router it
names in another module and that router the include, a route or event registration on an
imported receiver gets the receiver; a whole-app rule marks routers (FCL009's `escapes`).
A fix run analyses its files again after moves and after each round; a file whose text did
not change keeps its facts, put back as its extraction left them (`Unlinked.restore`), and is
linked again with the new facts of the files that did change."""

from __future__ import annotations

from fastapi_conventions_lint.facts.model import FileFacts


class Unlinked:
    """The link-bearing fields of one file's facts as extraction left them."""

    __slots__ = ("_routers", "_includes", "_receivers")

    def __init__(self, facts: FileFacts) -> None:
        self._routers = [
            (router, len(router.includes), len(router.included_in), router.routes_elsewhere,
             router.event_registrations_elsewhere, router.routes_read, router.escapes)
            for router in facts.routers
        ]
        self._includes = [(include, include.receiver, include.router) for include in facts.includes]
        self._receivers = [
            (fact, fact.receiver)
            for fact in (*facts.routes, *facts.event_registrations, *facts.mounts)
        ]

    def restore(self) -> None:
        for router, includes, included_in, routes_elsewhere, registrations, routes_read, escapes in self._routers:
            del router.includes[includes:]  # linking only appends
            del router.included_in[included_in:]
            router.routes_elsewhere = routes_elsewhere
            router.event_registrations_elsewhere = registrations
            router.routes_read = routes_read
            router.escapes = escapes
        for include, receiver, router in self._includes:
            include.receiver, include.router = receiver, router
        for fact, receiver in self._receivers:
            fact.receiver = receiver
