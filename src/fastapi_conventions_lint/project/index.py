"""The project index: every module's facts, cross-module resolution over the files' own
import tables, and the linking of include_router calls to the routers they name.

Resolution reads only the modules a question needs: a module that was not among the checked
files (an `__init__` that re-exports, say) is parsed with `ast` when it is first asked about.
Nothing is imported or run."""

from __future__ import annotations

import ast
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

from fastapi_conventions_lint import source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts import FileFacts, extract_facts
from fastapi_conventions_lint.facts.model import ClassLookup, RouterClass, RouterFact
from fastapi_conventions_lint.project.modules import absolute, module_file, module_name

_MAX_DEPTH = 16


@dataclass(eq=False)
class Module:
    name: str
    path: Path
    is_package: bool
    facts: Optional[FileFacts]


Target = Union[RouterFact, Module, None]


class ProjectIndex:
    def __init__(self, roots: Sequence[Path], settings: Settings) -> None:
        self.roots = list(roots)
        self.settings = settings
        self._modules: Dict[str, Optional[Module]] = {}
        self._by_router: Dict[int, Module] = {}
        # One module per file, whichever name reaches it (`users.router` under src/,
        # `src.users.router` under the project root): its routers are the same objects.
        self._by_path: Dict[Path, Module] = {}

    # -- building -------------------------------------------------------------------------

    def add(self, path: Path, facts: FileFacts) -> Optional[Module]:
        named = module_name(path, self.roots)
        if named is None:
            return None
        name, package = named
        module = Module(name, path, package, facts)
        self._modules[name] = module
        self._by_path[path.resolve()] = module
        self._register(module)
        return module

    def modules(self) -> Iterator[Module]:
        """Every module once, even when several names reach its file."""
        return iter(list(self._by_path.values()))

    def module(self, name: str) -> Optional[Module]:
        """A module by name, parsed on first use when it was not among the checked files."""
        if name in self._modules:
            return self._modules[name]
        self._modules[name] = None  # a cycle or a failure answers None
        found = module_file(name, self.roots)
        if found is None:
            return None
        path, package = found
        known = self._by_path.get(path.resolve())
        if known is not None:
            self._modules[name] = known
            return known
        try:
            text = source.decode(source.read_bytes(str(path)))
            facts = extract_facts(
                ast.parse(text, filename=str(path)), self.settings, self.lookup_for(name, package),
                text,
            )
        except (source.NotChecked, SyntaxError, ValueError, RecursionError, MemoryError):
            facts = None
        module = Module(name, path, package, facts)
        self._modules[name] = module
        self._by_path[path.resolve()] = module
        self._register(module)
        return module

    def _register(self, module: Module) -> None:
        """Know the module of each of its routers, and the file of each of its includes."""
        if module.facts is None:
            return
        for router in module.facts.routers:
            self._by_router[id(router)] = module
        for include in module.facts.includes:
            include.path = str(module.path)

    def module_of(self, router: RouterFact) -> Optional[Module]:
        return self._by_router.get(id(router))

    # -- classes across modules ------------------------------------------------------------

    def lookup_for(self, name: str, is_package: bool) -> "ClassLookup":
        """What the file of module `name` needs to know of the classes it imports."""
        return _IndexLookup(self, name, is_package)

    def lookup_for_path(self, path: Path) -> Optional["ClassLookup"]:
        named = module_name(path, self.roots)
        return self.lookup_for(*named) if named is not None else None

    def find_class(self, dotted: str, depth: int = 0) -> Optional[Tuple[Module, str]]:
        """The module that defines the class `dotted` names, following imports and
        re-exports, and the class's name there."""
        if depth > _MAX_DEPTH:
            return None
        module_part, _, name = dotted.rpartition(".")
        module = self.module(module_part) if module_part else None
        if module is None or module.facts is None:
            return None
        facts = module.facts
        if name in facts.router_classes or name in facts.dependency_classes:
            return module, name
        imported = facts.imports.bindings.get(name)
        if imported is not None:
            target = absolute(imported, module.name, module.is_package)
            return self.find_class(target, depth + 1) if target else None
        return None


    # -- resolution -----------------------------------------------------------------------

    def resolve(self, module: Module, node: ast.expr, line: int = 10**9) -> Target:
        """What an expression in `module` refers to: a router (or app), a module, or None."""
        facts = module.facts
        if facts is None:
            return None
        if isinstance(node, ast.Name):
            local = facts.routers_by_name.get(node.id)
            if local:
                before = [r for r in local if r.call.lineno <= line]
                return max(before or local, key=lambda r: r.call.lineno)
        qualname = facts.imports.qualname(node)
        if qualname is None:
            return None
        target = absolute(qualname, module.name, module.is_package)
        return self._resolve_name(target, 0) if target else None

    def _resolve_name(self, dotted: str, depth: int) -> Target:
        if depth > _MAX_DEPTH:
            return None
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = self.module(".".join(parts[:cut]))
            if module is None:
                continue
            if cut == len(parts) > 1:
                # `from users import router` where users/__init__.py binds a `router` of its
                # own (`from .router import router`): as at run time, the package's binding
                # wins over its submodule of the same name.
                bound = self._bound_in_package(".".join(parts[:-1]), parts[-1], dotted, depth)
                if bound is not None:
                    return bound
            target: Target = module
            for attribute in parts[cut:]:
                target = self._attribute(target, attribute, depth + 1)
                if target is None:
                    return None
            return target
        return None

    def _bound_in_package(self, package_name: str, name: str, submodule: str, depth: int) -> Target:
        """What a package's own top level binds `name` to, unless that is the submodule."""
        package = self.module(package_name)
        if package is None or package.facts is None:
            return None
        routers = package.facts.routers_by_name.get(name)
        if routers:
            return max(routers, key=lambda r: r.call.lineno)
        imported = package.facts.imports.bindings.get(name)
        dotted = absolute(imported, package.name, package.is_package) if imported else None
        if dotted is None or dotted == submodule:  # `from . import router`: the submodule
            return None
        return self._resolve_name(dotted, depth + 1)

    def _attribute(self, target: Target, name: str, depth: int) -> Target:
        if not isinstance(target, Module) or target.facts is None:
            return None
        routers = target.facts.routers_by_name.get(name)
        if routers:
            return max(routers, key=lambda r: r.call.lineno)
        imported = target.facts.imports.bindings.get(name)
        if imported is not None:
            dotted = absolute(imported, target.name, target.is_package)
            return self._resolve_name(dotted, depth) if dotted else None
        if target.is_package:
            return self.module(f"{target.name}.{name}")
        return None

    # -- linking --------------------------------------------------------------------------

    def link(self) -> None:
        """Give every include_router call and route registered on an imported receiver the
        router it names in another module. Modules parsed on the way are linked too."""
        linked: set = set()
        while True:
            pending = [m for m in self.modules() if id(m) not in linked]
            if not pending:
                return
            for module in pending:
                linked.add(id(module))
                self._link_module(module)

    def link_module(self, module: Module) -> None:
        """Link one module's includes and routes to what its imports name (the flake8 host,
        which sees one file and the modules it imports)."""
        self._link_module(module)

    def _link_module(self, module: Module) -> None:
        facts = module.facts
        if facts is not None:
            for include in facts.includes:
                line = include.call.lineno
                if include.receiver is None:
                    receiver = self.resolve(module, include.call.func.value, line)  # type: ignore[attr-defined]
                    if isinstance(receiver, RouterFact):
                        include.receiver = receiver
                        receiver.includes.append(include)
                if include.router is None and include.router_node is not None:
                    router = self.resolve(module, include.router_node, line)
                    if isinstance(router, RouterFact):
                        include.router = router
                        router.included_in.append(include)
            for route in facts.routes:
                if route.receiver is None:
                    receiver = self.resolve(module, route.receiver_node, route.line)
                    if isinstance(receiver, RouterFact):
                        route.receiver = receiver
                        receiver.route_count += 1
            for node in facts.routes_reads:
                read = self.resolve(module, node, node.lineno)
                if isinstance(read, RouterFact):
                    read.routes_read = True
            for mount in facts.mounts:
                if mount.receiver is None:
                    receiver = self.resolve(module, mount.receiver_node, mount.line)
                    if isinstance(receiver, RouterFact):
                        mount.receiver = receiver

    def apps(self) -> List[RouterFact]:
        return [
            router
            for module in self.modules()
            for router in (module.facts.routers if module.facts else ())
            if router.is_app
        ]


def build_index(entries: Sequence[tuple], roots: Sequence[Path], settings: Settings) -> ProjectIndex:
    """An index over (path, facts) pairs, linked."""
    index = ProjectIndex(roots, settings)
    for path, facts in entries:
        index.add(Path(path), facts)
    index.link()
    return index


class _IndexLookup:
    """A ClassLookup for one module of the index."""

    def __init__(self, index: ProjectIndex, name: str, is_package: bool) -> None:
        self._index = index
        self._name = name
        self._package = is_package

    def _find(self, qualname: str) -> Optional[Tuple[Module, str]]:
        target = absolute(qualname, self._name, self._package)
        return self._index.find_class(target) if target and "." in target else None

    def router_class(self, qualname: str) -> Optional[RouterClass]:
        found = self._find(qualname)
        if found is None:
            return None
        module, name = found
        cls = module.facts.router_classes.get(name)  # type: ignore[union-attr]
        return replace(cls, module=module.name) if cls is not None else None

    def is_dependencies_class(self, qualname: str) -> bool:
        found = self._find(qualname)
        return found is not None and found[1] in found[0].facts.dependency_classes  # type: ignore[union-attr]
