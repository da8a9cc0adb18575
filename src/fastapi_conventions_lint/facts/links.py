"""What linking adds to a file's facts, recorded so that it can be taken away again.

The project pass links facts across modules (project/index.py): an include gets the router it
names in another module and that router the include, a route or event registration on an
imported receiver gets the receiver; an include or route made through a parameter gets what
the callers pass, where they call (copies when they pass different ones); a whole-app rule marks
routers (FCL009's `escapes`).
A fix run analyses its files again after moves and after each round; a file whose text did
not change keeps its facts, put back as its extraction left them (`Unlinked.restore`), and is
linked again with the new facts of the files that did change."""

from __future__ import annotations

from fastapi_conventions_lint.facts.model import FileFacts


class Unlinked:
    """The link-bearing fields of one file's facts as extraction left them. Linking appends to
    lists, and puts one copy per caller in place of an include or route made through a
    parameter (project/parameter_links.py): the lists are kept whole, not only their lengths."""

    __slots__ = ("_facts", "_lists", "_routers", "_includes", "_receivers")

    def __init__(self, facts: FileFacts) -> None:
        self._facts = facts
        self._lists = (list(facts.includes), list(facts.routes))
        self._routers = [
            (router, list(router.includes), list(router.included_in), router.routes_elsewhere,
             router.event_registrations_elsewhere, router.routes_read, router.escapes)
            for router in facts.routers
        ]
        self._includes = [
            (include, include.receiver, include.router, include.made_at) for include in facts.includes
        ]
        self._receivers = [
            (fact, fact.receiver)
            for fact in (*facts.routes, *facts.event_registrations, *facts.mounts)
        ]

    def restore(self) -> None:
        self._facts.includes[:], self._facts.routes[:] = self._lists
        for router, includes, included_in, routes_elsewhere, registrations, routes_read, escapes in self._routers:
            router.includes[:] = includes
            router.included_in[:] = included_in
            router.routes_elsewhere = routes_elsewhere
            router.event_registrations_elsewhere = registrations
            router.routes_read = routes_read
            router.escapes = escapes
        for include, receiver, router, made_at in self._includes:
            include.receiver, include.router, include.made_at = receiver, router, made_at
        for fact, receiver in self._receivers:
            fact.receiver = receiver
        for route in self._facts.routes:
            route.made_at = None  # extraction never sets it
