"""What the rest of the project says about one file, in a form that survives edits to that
file: the routers its imported names refer to, and where its own routers are included from
other modules. The fix engine re-checks a file many times while rewriting it; applying the
context after each extraction keeps its diagnostics equal to those of a project-wide check."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Set

from fastapi_conventions_lint.facts.model import ClassLookup, FileFacts, IncludeFact, RouterFact
from fastapi_conventions_lint.facts.yield_cleanup import add_dependencies
from fastapi_conventions_lint.project.dependency_users import used_elsewhere
from fastapi_conventions_lint.project.index import Module, ProjectIndex


@dataclass
class ProjectContext:
    # Source text of an expression in this file ("users.router") -> the router it names.
    names: Dict[str, RouterFact] = field(default_factory=dict)
    # This file's router variable -> include_router calls made on it in other modules.
    included_elsewhere: Dict[str, List[IncludeFact]] = field(default_factory=dict)
    # This file's router variables whose routes other modules read (`callbacks=r.routes`).
    routes_read_elsewhere: Set[str] = field(default_factory=set)
    # This file's app variables -> how many handlers other modules register on them.
    registrations_elsewhere: Dict[str, int] = field(default_factory=dict)
    # Answers for the classes this file imports (router subclasses, dependencies classes).
    lookup: Optional[ClassLookup] = None
    # This file's functions that other modules make dependencies (False) or lifespans (True).
    dependencies_elsewhere: Dict[str, bool] = field(default_factory=dict)

    def apply(self, facts: FileFacts) -> None:
        for router in facts.routers:
            if router.var in self.included_elsewhere:
                router.included_in.extend(self.included_elsewhere[router.var])
            if router.var in self.routes_read_elsewhere:
                router.routes_read = True
            router.event_registrations_elsewhere = self.registrations_elsewhere.get(router.var, 0)  # type: ignore[arg-type]
        if self.dependencies_elsewhere and facts.dependency_targets is not None:
            add_dependencies(facts, self.dependencies_elsewhere)
        for registration in facts.event_registrations:
            if registration.receiver is None and registration.receiver_node is not None:
                receiver = self.names.get(ast.unparse(registration.receiver_node))
                if receiver is not None and (receiver.is_app or not registration.through_router):
                    registration.receiver = receiver
        for include in facts.includes:
            if include.router is None and include.router_node is not None:
                include.router = self.names.get(ast.unparse(include.router_node))
            if include.receiver is None:
                receiver = self.names.get(ast.unparse(include.call.func.value))  # type: ignore[attr-defined]
                if receiver is not None:
                    include.receiver = receiver
                    receiver.includes.append(include)


def context_for(index: ProjectIndex, module: Module) -> ProjectContext:
    """What the rest of the linked index says about one module."""
    facts = module.facts
    context = ProjectContext(lookup=index.lookup_for(module))
    if facts is None:
        return context
    own = {id(include) for include in facts.includes}
    for include in facts.includes:
        for node, target in (
            (include.router_node, include.router),
            (include.call.func.value, include.receiver),  # type: ignore[attr-defined]
        ):
            if node is not None and target is not None and index.module_of(target) is not module:
                context.names[ast.unparse(node)] = target
    for registration in facts.event_registrations:
        if registration.receiver_node is not None and registration.receiver is not None:
            context.names[ast.unparse(registration.receiver_node)] = registration.receiver
    for router in facts.routers:
        if router.var is not None and router.event_registrations_elsewhere:
            context.registrations_elsewhere[router.var] = router.event_registrations_elsewhere
        elsewhere = [include for include in router.included_in if id(include) not in own]
        if router.var is not None and elsewhere:
            context.included_elsewhere.setdefault(router.var, []).extend(elsewhere)
        if router.var is not None and router.routes_read:
            # Read here or elsewhere: either way the re-extracted file may not see it.
            context.routes_read_elsewhere.add(router.var)
    return context


def contexts(index: ProjectIndex) -> Dict[Path, ProjectContext]:
    """A context for every linked module of the index, by file path."""
    users = used_elsewhere(index)  # first: it may read modules the run passed over
    found = {}
    for module in list(index.modules()):
        if module.facts is not None:
            found[module.path] = context_for(index, module)
            found[module.path].dependencies_elsewhere = users.get(module, {})
    return found
