"""The project index: every module's facts, cross-module resolution over the files' own
import tables, and the linking of include_router calls to the routers they name.

Resolution reads only the modules a question needs: a module that was not among the checked
files (an `__init__` that re-exports, say) is parsed with `ast` when it is first asked about.
Which file a module name is, and which names a file answers to, is the layout's (layout.py).
Nothing is imported or run."""

from __future__ import annotations

import ast
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Set, Tuple, Union

from fastapi_conventions_lint import compact_tree, source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts import FileFacts, extract_facts
from fastapi_conventions_lint.facts.calls import argument
from fastapi_conventions_lint.facts.data_handles import HandleTypes, Kind
from fastapi_conventions_lint.facts.instances import Methods, attribute_made_by, instance_of, instance_var
from fastapi_conventions_lint.facts.model import ClassLookup, FunctionNode, RouterClass, RouterFact
from fastapi_conventions_lint.facts.router_classes import PLAIN_ROUTER, class_named
from fastapi_conventions_lint.facts.names import is_db_type
from fastapi_conventions_lint.facts.values import bound_expression
from fastapi_conventions_lint.project.layout import Layout, from_roots, real_path
from fastapi_conventions_lint.project.modules import absolute
from fastapi_conventions_lint.project.parameter_links import link_through_parameters

_MAX_DEPTH = 16


@dataclass(eq=False)
class Module:
    name: str
    path: Path
    is_package: bool
    facts: Optional[FileFacts]
    # Every name the file answers to (`name` first): a relative import is read from each in
    # turn, since a namespace package is only a package under the longer names.
    names: Tuple[str, ...] = ()
    checked: bool = False  # one of the run's files (diagnostics are reported for it)

    @property
    def tree(self) -> Optional[ast.Module]:
        """The syntax tree its facts were read from."""
        return self.facts.tree if self.facts is not None else None

    def absolute(self, qualname: str, known: Callable[[str], bool] = lambda name: True) -> Optional[str]:
        """An import of this module as an absolute dotted name: the first reading of a
        relative import that `known` accepts, else the first reading at all."""
        if not qualname.startswith("."):
            return qualname
        readings = [
            target for target in (absolute(qualname, name, self.is_package) for name in self.names or (self.name,))
            if target
        ]
        return next((target for target in readings if known(target)), readings[0] if readings else None)


Target = Union[RouterFact, Module, None]


class ProjectIndex:
    def __init__(self, layout: Union[Layout, Sequence[Path]], settings: Settings) -> None:
        self.layout = layout if isinstance(layout, Layout) else from_roots(layout, settings)
        self.settings = settings
        self._by_router: Dict[int, Module] = {}
        # One module per file, whichever name reaches it (`users.router` under src/,
        # `src.users.router` under the project root): its routers are the same objects.
        self._by_path: Dict[str, Optional[Module]] = {}
        self._linked: set = set()
        self._through_parameters: set = set()  # includes made through parameters, tried
        self._resolving: set = set()  # ids of the calls whose argument is being resolved
        self.asking: set = set()  # (file, name) of router classes being resolved
        # What the whole-app rules compute once per run and share (keyed by what it is).
        self.shared: Dict[str, object] = {}
        # Workspace files `complete` read and left out -> whether it was looking for everything.
        self.passed_over: Dict[str, bool] = {}
        # Files of the run whose facts the index does not hold (project/relevance.py): read
        # again when asked about, with the facts their own rules read.
        self._set_aside: Set[str] = set()

    @property
    def roots(self) -> List[Path]:
        return self.layout.roots

    # -- building -------------------------------------------------------------------------

    def _module(self, path: str, facts: Optional[FileFacts], checked: bool) -> Optional[Module]:
        names = self.layout.names_of(path)
        if not names:
            return None
        name, package = names[0]
        module = Module(name, Path(path), package, facts, tuple(n for n, _ in names), checked)
        self._by_path[path] = module
        self._register(module)
        return module

    def add(self, path: Path, facts: FileFacts, checked: bool = True) -> Optional[Module]:
        """A file with its facts (a file of the run: it replaces a reading of it made
        before, which nothing is linked to yet)."""
        return self._module(self._key(path), facts, checked)

    @staticmethod
    def _key(path: Path) -> str:
        return real_path(str(path))

    def set_aside(self, path: Path) -> None:
        """A file of the run whose facts are not added (nothing the project pass collects is
        in them): a question about it reads it again, as the run read it."""
        self._set_aside.add(self._key(path))

    def has(self, path: str) -> bool:
        """Whether the index holds (or failed to read) the file at this real path."""
        return path in self._by_path

    def modules(self) -> Iterator[Module]:
        """Every module once, even when several names reach its file."""
        return iter([module for module in self._by_path.values() if module is not None])

    def module_at(self, path: Path) -> Optional[Module]:
        """The module of a file, parsed on first use."""
        key = self._key(path)
        if key in self._by_path:
            return self._by_path[key]
        return self._parse(key)

    def module(self, name: str, near: Optional[Path] = None) -> Optional[Module]:
        """A module by name as the file `near` imports it, parsed on first use when it was
        not among the checked files."""
        found = self.layout.find(name, str(near) if near is not None else None)
        if found is None:
            return None
        key = str(found[0])
        module = self._by_path[key] if key in self._by_path else self._parse(key)
        if module is not None and len(name) > len(module.name) and name in module.names:
            # Imported by a longer name than its folder suggests (a package inside a
            # namespace package): that is its name.
            module.name = name
        return module

    def _parse(self, key: str) -> Optional[Module]:
        self._by_path[key] = None  # a cycle or a failure answers None
        try:
            text = source.decode(source.read_bytes(key))
            tree = source.read_leniently(text, key)
            tree = compact_tree.held(tree, text) if compact_tree.pays_off(self.layout) else tree
        except (source.NotChecked, SyntaxError, ValueError, RecursionError, MemoryError):
            return self._module(key, None, False)
        names = self.layout.names_of(key)
        if not names:
            return None
        lookup = _IndexLookup(self, Module(names[0][0], Path(key), names[0][1], None, tuple(n for n, _ in names)))
        checked = key in self._set_aside
        try:
            facts = extract_facts(tree, self.settings, lookup, text, reported=checked)
        except (RecursionError, MemoryError):
            facts = None
        return self._module(key, facts, checked)

    def known(self, near: Path) -> Callable[[str], bool]:
        return lambda name: self.layout.knows(name, str(near))

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

    def lookup_for(self, module: Module) -> "ClassLookup":
        """What the file of `module` needs to know of the classes it imports."""
        return _IndexLookup(self, module)

    def lookup_for_path(self, path: Path) -> Optional["ClassLookup"]:
        key = self._key(path)
        names = self.layout.names_of(key)
        if not names:
            return None
        return _IndexLookup(self, Module(names[0][0], Path(key), names[0][1], None, tuple(n for n, _ in names)))

    def find_class(self, dotted: str, near: Optional[Path] = None, depth: int = 0) -> Optional[Tuple[Module, str]]:
        """The module that defines the class (or router-class alias, or router-class factory)
        `dotted` names, following imports and re-exports, and its name there."""
        if depth > _MAX_DEPTH:
            return None
        module_part, _, name = dotted.rpartition(".")
        module = self.module(module_part, near) if module_part else None
        if module is None or module.facts is None:
            return None
        facts = module.facts
        if (
            name in facts.router_classes or name in facts.dependency_classes
            or name in facts.class_aliases or name in facts.router_factories
        ):
            return module, name
        imported = facts.imports.bindings.get(name)
        if imported is not None:
            target = module.absolute(imported, self.known(module.path))
            return self.find_class(target, module.path, depth + 1) if target else None
        return None

    def is_data_handle_type(self, dotted: str, near: Optional[Path] = None, depth: int = 0) -> bool:
        """Whether `dotted` names a data-handle type (FCL102) or an alias of one, in the module
        that binds it, following imports and re-exports as find_class does."""
        if depth > _MAX_DEPTH:
            return False
        if is_db_type(dotted):
            return True  # re-exported from its library (`from app.db import Session`)
        module_part, _, name = dotted.rpartition(".")
        module = self.module(module_part, near) if module_part else None
        if module is None or module.facts is None:
            return False
        facts = module.facts
        if name in facts.data_handle_aliases:
            return True
        imported = facts.imports.bindings.get(name)
        if imported is not None:
            target = module.absolute(imported, self.known(module.path))
            return target is not None and self.is_data_handle_type(target, module.path, depth + 1)
        alias = bound_expression(facts.bindings, name)
        if alias is None or name in facts.classes:
            return False
        # An alias of a name imported from yet another module (`DbDep = Annotated[DbSession,
        # Depends(get_db)]`): judged with that module's own imports.
        lookup = _IndexLookup(self, module, depth + 1)
        types = HandleTypes(facts.imports, facts.bindings, facts.classes, lookup)
        return types.annotation(alias) is Kind.HANDLE

    def external_name(self, dotted: str, near: Optional[Path] = None, depth: int = 0) -> Optional[str]:
        """What `dotted` stands for outside the project, its imports and re-exports followed
        (`app.deps.Client` -> `httpx.AsyncClient`); None when a module of the project defines
        it, or the project cannot tell."""
        if depth > _MAX_DEPTH:
            return None
        module_part, _, name = dotted.rpartition(".")
        module = self.module(module_part, near) if module_part else None
        if module is None:
            project = self.layout.knows(dotted, str(near) if near is not None else None)
            return None if project else dotted
        imported = module.facts.imports.bindings.get(name) if module.facts is not None else None
        if imported is None:
            return None
        target = module.absolute(imported, self.known(module.path))
        return self.external_name(target, module.path, depth + 1) if target else None

    def defining(self, module: Module, qualname: str) -> Optional[Tuple[Module, str]]:
        """The project module that binds a name itself (not by importing it), and the name
        there: `qualname` as `module` imports it (`..deps.get_db`), re-exports followed. None
        when the name is not the project's."""
        for _ in range(_MAX_DEPTH):
            dotted = module.absolute(qualname, self.known(module.path))
            if not dotted or "." not in dotted:
                return None
            module_name, _, name = dotted.rpartition(".")
            target = self.module(module_name, module.path)
            if target is None or target.facts is None:
                return None
            again = target.facts.imports.bindings.get(name)
            if again is None:
                return target, name
            module, qualname = target, again
        return None

    def function_called(
        self, module: Module, func: ast.expr, classes: bool = False
    ) -> Optional[Tuple[Module, FunctionNode]]:
        """The module-level function of the project a call's callee names, and its module:
        the module's own (`make()`), or one it imports (`routing.make()`, re-exports followed).
        With `classes`, the module-level class instead (`Api(app)`)."""
        facts = module.facts
        if facts is None:
            return None
        if isinstance(func, ast.Name) and func.id not in facts.imports.bindings:
            place: Optional[Tuple[Module, str]] = (module, func.id)
        else:
            qualname = facts.imports.qualname(func)
            place = self.defining(module, qualname) if qualname else None
        if place is None or place[0].facts is None:
            return None
        found = place[0].facts.classes if classes else place[0].facts.functions
        function = found.get(place[1])
        return None if function is None else (place[0], function)  # type: ignore[return-value]

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
            bound = bound_expression(facts.bindings, node.id) if node.id not in facts.imports.bindings else None
            if isinstance(bound, (ast.Call, ast.Attribute)) and _in_sight(facts, node.id, bound.lineno, line):
                if isinstance(bound, ast.Call):
                    return self.returned_by_call(module, bound)  # `router = make_router()`
                return self._on_instance(module, bound, bound.lineno)  # `app = server.app`
        elif isinstance(node, ast.Attribute) and isinstance(node.value, (ast.Name, ast.Attribute)):
            on_instance = self._on_instance(module, node, line)
            if on_instance is not None:
                return on_instance
        elif isinstance(node, ast.Call):
            made = next((router for router in facts.routers if router.call is node), None)
            return made or self.returned_by_call(module, node)  # `include_routers(APIRouter())`
        qualname = facts.imports.qualname(node, line if line < 10**9 else None)
        if qualname is None:
            return None
        target = module.absolute(qualname, self.known(module.path))
        return self._resolve_name(target, module.path, 0) if target else None

    def returned_by_call(self, module: Module, call: ast.Call) -> Optional[RouterFact]:
        """The router a call of a project function makes and returns (`make_router()`,
        `routing.make_router()`: facts/returned_routers.py)."""
        called = self.function_called(module, call.func)
        if called is None or called[0].facts is None or called[0].facts.functions.get(called[1].name) is not called[1]:
            return None
        facts = called[0].facts
        given = facts.returned_parameters.get(called[1].name)
        if given is not None and id(call) not in self._resolving:
            # `tenant_router = include_routers(APIRouter(...))`: what the call passes there.
            passed = argument(call, given.position if given.position is not None else len(call.args), given.name)
            if passed is None:
                return None
            self._resolving.add(id(call))
            try:
                found = self.resolve(module, passed, call.lineno)
            finally:
                self._resolving.discard(id(call))
            return found if isinstance(found, RouterFact) else None
        return facts.returned_routers.get(called[1].name)

    def _on_instance(self, module: Module, node: ast.Attribute, line: int) -> Optional[RouterFact]:
        """The router kept on an attribute of an instance (`traces.router`, where `traces =
        TracesRouter(...)`; `server.sessions.router`, where the server's class binds
        `self.sessions` to a call of a class that keeps one), its class defined in the module
        or in one it imports; or, in a method, of the method's own instance (`self.app` handed
        to a function: `register_routes(self.app)`). See facts/instances.py."""
        owner = self._instance_class(module, node.value, line, 0)
        if owner is None:
            return None
        routers = owner[0].facts.routers_by_name.get(instance_var(owner[1], node.attr))  # type: ignore[union-attr]
        return max(routers, key=lambda r: r.call.lineno) if routers else None

    def _instance_class(self, module: Module, node: ast.expr, line: int, depth: int) -> Optional[Tuple[Module, str]]:
        """The module and name of the class an expression of `module` is an instance of: a
        name bound to a call of the class, a method's own instance, or an attribute its
        owner's class binds to a call of one (two levels at most)."""
        facts = module.facts
        if facts is None:
            return None
        if isinstance(node, ast.Name):
            if node.id in facts.imports.bindings:
                return None
            scope = facts.top_level_scope(line)
            if isinstance(scope, ast.ClassDef):
                method = Methods([scope]).at(line)
                if method is not None and node.id == method.self_name:
                    return module, scope.name
            made = instance_of(facts.bindings, node.id)
        elif isinstance(node, ast.Attribute) and depth < 2:
            owner = self._instance_class(module, node.value, line, depth + 1)
            if owner is None:
                return None
            module, facts = owner[0], owner[0].facts
            made = attribute_made_by(facts.classes[owner[1]], node.attr)  # type: ignore[union-attr]
        else:
            return None
        if made is None:
            return None
        if isinstance(made, ast.Name) and made.id in facts.classes:  # type: ignore[union-attr]
            return module, made.id
        qualname = facts.imports.qualname(made)  # type: ignore[union-attr]
        place = self.defining(module, qualname) if qualname else None
        if place is None or place[0].facts is None or place[1] not in place[0].facts.classes:
            return None
        return place

    def _resolve_name(self, dotted: str, near: Path, depth: int) -> Target:
        if depth > _MAX_DEPTH:
            return None
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            module = self.module(".".join(parts[:cut]), near)
            if module is None:
                continue
            if cut == len(parts) > 1:
                # `from users import router` where users/__init__.py binds a `router` of its
                # own (`from .router import router`): as at run time, the package's binding
                # wins over its submodule of the same name.
                bound = self._bound_in_package(".".join(parts[:-1]), parts[-1], module, near, depth)
                if bound is not None:
                    return bound
            target: Target = module
            for attribute in parts[cut:]:
                target = self._attribute(target, attribute, depth + 1)
                if target is None:
                    return None
            return target
        return None

    def _bound_in_package(
        self, package_name: str, name: str, submodule: Module, near: Path, depth: int
    ) -> Target:
        """What a package's own top level binds `name` to, unless that is the submodule."""
        package = self.module(package_name, near)
        if package is None or package.facts is None:
            return None
        routers = package.facts.routers_by_name.get(name)
        if routers:
            return max(routers, key=lambda r: r.call.lineno)
        imported = package.facts.imports.bindings.get(name)
        dotted = package.absolute(imported, self.known(package.path)) if imported else None
        if dotted is None or self.module(dotted, package.path) is submodule:
            return None  # `from . import router`: the submodule
        return self._resolve_name(dotted, package.path, depth + 1)

    def _attribute(self, target: Target, name: str, depth: int) -> Target:
        if not isinstance(target, Module) or target.facts is None:
            return None
        routers = target.facts.routers_by_name.get(name)
        if routers:
            return max(routers, key=lambda r: r.call.lineno)
        imported = target.facts.imports.bindings.get(name)
        if imported is not None:
            dotted = target.absolute(imported, self.known(target.path))
            return self._resolve_name(dotted, target.path, depth) if dotted else None
        if target.is_package:
            return self.module(f"{target.name}.{name}", target.path)
        return None

    # -- linking --------------------------------------------------------------------------

    def link(self) -> None:
        """Give every include_router call and route registered on an imported receiver the
        router it names in another module. Modules parsed on the way are linked too."""
        while True:
            pending = [m for m in self.modules() if id(m) not in self._linked]
            if not pending and not link_through_parameters(self, self._through_parameters):
                return
            for module in pending:
                self._linked.add(id(module))
                self._link_module(module)

    def link_module(self, module: Module) -> None:
        """Link one module's includes and routes to what its imports name (the flake8 host,
        which sees one file and the modules it imports)."""
        self._link_module(module)

    def _link_module(self, module: Module) -> None:
        facts = module.facts
        if facts is not None:
            # What is made on a parameter is linked through the function's callers
            # (parameter_links.py): a router of the same name elsewhere is not it.
            for include in facts.includes:
                line = include.call.lineno
                if include.receiver is None and include.receiver_parameter is None:
                    receiver = self.resolve(module, include.call.func.value, line)  # type: ignore[attr-defined]
                    if isinstance(receiver, RouterFact):
                        include.receiver = receiver
                        receiver.includes.append(include)
                if include.router is None and include.router_node is not None and include.router_parameter is None:
                    router = self.resolve(module, include.router_node, line)
                    if isinstance(router, RouterFact):
                        include.router = router
                        router.included_in.append(include)
            for route in facts.routes:
                if route.receiver is None and route.receiver_parameter is None:
                    receiver = self.resolve(module, route.receiver_node, route.line)
                    if isinstance(receiver, RouterFact):
                        route.receiver = receiver
                        receiver.routes_elsewhere += 1
            for registration in facts.event_registrations:
                if registration.receiver is None and registration.receiver_node is not None:
                    receiver = self.resolve(module, registration.receiver_node, registration.node.lineno)  # type: ignore[attr-defined]
                    if isinstance(receiver, RouterFact) and (receiver.is_app or not registration.through_router):
                        registration.receiver = receiver
                        receiver.event_registrations_elsewhere += 1
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


def build_index(
    entries: Sequence[tuple], roots: Union[Layout, Sequence[Path]], settings: Settings
) -> ProjectIndex:
    """An index over (path, facts) pairs, linked."""
    index = ProjectIndex(roots, settings)
    for path, facts in entries:
        index.add(Path(path), facts)
    index.link()
    return index


class _IndexLookup:
    """A ClassLookup for one module of the index."""

    def __init__(self, index: ProjectIndex, module: Module, depth: int = 0) -> None:
        self._index = index
        self._module = module
        self._depth = depth  # how many aliases deep a question about data handles is
        # The questions answered from other modules, with their answers, in the order asked:
        # the file's facts depend on these and on nothing else of another module.
        self.answers: List[Tuple[str, str, object]] = []

    @property
    def crossed(self) -> bool:
        """Whether an answer came from another module."""
        return bool(self.answers)

    def _noted(self, question: str, qualname: str, answer):
        self.answers.append((question, qualname, answer))
        return answer

    def answers_as(self, other: "_IndexLookup") -> bool:
        """Whether this lookup gives every answer `other` gave, asked in the same order: a
        file analysed with `other` then comes out the same with this one (the analysis asks
        its next question from the answers so far)."""
        return all(
            _same_answer(getattr(self, question)(qualname), answer)
            for question, qualname, answer in other.answers
        )

    def module_name(self) -> str:
        return self._module.name

    def project_root(self) -> Optional[str]:
        return self._index.layout.home

    def _find(self, qualname: str) -> Optional[Tuple[Module, str]]:
        target = self._module.absolute(qualname, self._index.known(self._module.path))
        return self._index.find_class(target, self._module.path) if target and "." in target else None

    def router_class(self, qualname: str) -> Optional[RouterClass]:
        if qualname in self._index.settings.router_class_qualnames:
            return PLAIN_ROUTER  # the settings answer, not another module
        return self._noted("router_class", qualname, self._router_class(qualname))

    def _router_class(self, qualname: str) -> Optional[RouterClass]:
        found = self._find(qualname)
        if found is None or not self._enter(found):
            return None
        module, name = found
        try:
            cls = class_named(
                module.facts, name, self._index.lookup_for(module),  # type: ignore[arg-type]
                self._index.settings.router_class_qualnames,
            )
        finally:
            self._leave(found)
        if cls is None:
            return None
        return cls if cls.module is not None else replace(cls, module=module.name)

    def router_factory(self, qualname: str) -> Optional[RouterClass]:
        return self._noted("router_factory", qualname, self._router_factory(qualname))

    def _router_factory(self, qualname: str) -> Optional[RouterClass]:
        found = self._find(qualname)
        if found is None:
            return None
        module, name = found
        cls = module.facts.router_factories.get(name)  # type: ignore[union-attr]
        return replace(cls, module=module.name) if cls is not None and cls.module is None else cls

    def _enter(self, found: Tuple[Module, str]) -> bool:
        """Guard against aliases that name each other across modules."""
        key = (str(found[0].path), found[1])
        if key in self._index.asking:
            return False
        self._index.asking.add(key)
        return True

    def _leave(self, found: Tuple[Module, str]) -> None:
        self._index.asking.discard((str(found[0].path), found[1]))

    def is_dependencies_class(self, qualname: str) -> bool:
        found = self._find(qualname)
        answer = found is not None and found[1] in found[0].facts.dependency_classes  # type: ignore[union-attr]
        return self._noted("is_dependencies_class", qualname, answer)

    def _absolute(self, qualname: str) -> Optional[str]:
        return self._module.absolute(qualname, self._index.known(self._module.path))

    def is_data_handle_type(self, qualname: str) -> bool:
        target = self._absolute(qualname)
        answer = (
            target is not None
            and "." in target
            and self._index.is_data_handle_type(target, self._module.path, self._depth)
        )
        return self._noted("is_data_handle_type", qualname, answer)

    def external_name(self, qualname: str) -> Optional[str]:
        target = self._absolute(qualname)
        answer = self._index.external_name(target, self._module.path, self._depth) if target else None
        return self._noted("external_name", qualname, answer)


def _same_answer(one: object, other: object) -> bool:
    if one is other:
        return True
    if isinstance(one, RouterClass) and isinstance(other, RouterClass):
        return _comparable(one) == _comparable(other)
    return type(one) is type(other) and one == other


def _comparable(cls: RouterClass) -> tuple:
    """A router class's fields, with each expression it holds as its shape, positions
    included (equal classes from two parses of a module are two objects)."""
    def plain(value):
        if isinstance(value, ast.AST):
            return compact_tree.shape(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        return value

    return tuple(plain(getattr(cls, field.name)) for field in fields(cls))


def _in_sight(facts: FileFacts, name: str, bound_at: int, used_at: int) -> bool:
    """Whether a name bound on one line is what it names on another: bound at the module's
    top level and used there or in a function that takes no parameter of that name, or bound
    and used in the same top-level function or class. (Bindings are kept file-wide.)"""
    bound_in, used_in = facts.top_level_scope(bound_at), facts.top_level_scope(used_at)
    if bound_in is not None:
        return bound_in is used_in
    if isinstance(used_in, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = used_in.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs, arguments.vararg, arguments.kwarg]
        return all(argument is None or argument.arg != name for argument in every)
    return True
