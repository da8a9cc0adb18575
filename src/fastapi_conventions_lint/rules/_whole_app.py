"""What the whole-app rules (FCL007-FCL010) share, on top of the linked project index: in which
module an include_router call sits, the order FastAPI registers things in, the include chains
that reach a router from an app, and which two statements can never both run (the two branches
of an `if`, two `except` clauses, two `case`s, two tests).

The statement layout needs a module's syntax tree, which the facts do not keep: a module is
parsed again here, with `ast` and only when a rule has a finding to confirm there."""

from __future__ import annotations

import ast
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.facts import extract_facts
from fastapi_conventions_lint.facts.calls import same_scope
from fastapi_conventions_lint.facts.model import IncludeFact, RouteFact, RouterFact
from fastapi_conventions_lint.facts.values import bound_expression
from fastapi_conventions_lint.project.index import Module, ProjectIndex
from fastapi_conventions_lint.project.modules import is_test_module
from fastapi_conventions_lint.project.statements import blocks_of, enclosing

Chain = Tuple[IncludeFact, ...]  # the include_router calls from an app down to a router
Site = Tuple[Optional[Module], int]  # a statement: its module and line
# One enclosing compound statement on the way to a line: (its id, its kind, the branch taken).
Branch = Tuple[int, str, str]

# What loads code by name: a router may come out of it. The standard library has no router of
# its own, so whatever it hands over (importlib.import_module, getattr...) is not known to be
# external; neither is what a third-party loader returns (`import_string`, `load`, plugins).
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {
    "builtins", "functools", "importlib", "inspect", "operator", "pkgutil", "pydoc", "runpy", "sys",
    "types", "zipimport",
}
_LOADER = re.compile(r"import|load|module|plugin|entry_?point|instantiate|locate|resolve|get_object|get_class", re.I)

# What a block that never runs is written with (`if TYPE_CHECKING:`, `if False:`,
# `with pytest.raises(...)`): a module without any of these is not parsed again to look.
_DEAD_BLOCK_TEXT = re.compile(rb"TYPE_CHECKING|if\s*\(?\s*False\b|raises")

_MAX_CHAINS = 32  # include chains remembered per router (a router included everywhere)
_MAX_DEPTH = 8


def made_on(path: Optional[str], fact: object) -> Optional[tuple]:
    """The object a registration (a RouteFact or an IncludeFact made in `path`) is made on,
    when its receiver is bound to a call's result in the registering function (`app =
    make_app()`): the call's file, line and column; None when it is the router itself."""
    instance = fact.instance  # type: ignore[attr-defined]
    return (path, *instance) if instance is not None else None


def one_object(one: Optional[tuple], other: Optional[tuple]) -> bool:
    """Whether two registrations `made_on` these may be on one object: not when each is on
    the result of a different call (`app = make_app()` in two functions)."""
    return one is None or other is None or one == other


def branches(tree: ast.Module, line: int) -> Tuple[Branch, ...]:
    """The compound statements (and the branch of each) that enclose `line`."""
    return tuple((id(stmt), blocks_of(stmt)[0], branch) for stmt, branch in enclosing(tree, line))


def _named(node: ast.expr, name: str) -> bool:
    return (isinstance(node, ast.Name) and node.id == name) or (
        isinstance(node, ast.Attribute) and node.attr == name
    )


def _never_runs(stmt: ast.stmt, branch: str) -> bool:
    """Whether this branch of the statement never registers anything in the running app: the
    body of `if False:` or `if TYPE_CHECKING:`, or of `with pytest.raises(...)` (what it
    registers is expected to fail)."""
    if isinstance(stmt, ast.If) and branch == "then":
        test = stmt.test
        return (isinstance(test, ast.Constant) and test.value is False) or _named(test, "TYPE_CHECKING")
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return any(
            isinstance(item.context_expr, ast.Call) and _named(item.context_expr.func, "raises")
            for item in stmt.items
        )
    return False


def exclusive_paths(first: Tuple[Branch, ...], second: Tuple[Branch, ...]) -> bool:
    """Whether statements at these two places never both run: they part in two branches of
    the same `if`, `match`, or `try` (the body and an `except`, or two `except`s)."""
    for one, other in zip(first, second):
        if one == other:
            continue
        if one[0] != other[0]:
            return False  # two statements one after the other
        kind = one[1]
        if kind in ("if", "match"):
            return True
        if kind == "try":
            return "finally" not in (one[2], other[2])
        return False
    return False


class WholeApp:
    """The project index seen by the whole-app rules, with what they compute once per run."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._include_module: Dict[int, Module] = {}
        self.by_name: Dict[str, Module] = {}
        for module in index.modules():
            self.by_name.setdefault(module.name, module)
            for include in module.facts.includes if module.facts else ():
                self._include_module[id(include)] = module
        self._trees: Dict[Path, Optional[ast.Module]] = {}
        self._dead_blocks: Dict[str, bool] = {}
        self._project_names: Dict[str, bool] = {}
        self._test_modules: Dict[str, bool] = {}
        # Each include's key and site, shared by every route it brings in (an app's table
        # repeats them in every row).
        self._include_keys: Dict[int, tuple] = {}
        self._include_sites: Dict[int, Site] = {}

    # -- where things are -------------------------------------------------------------------

    def modules(self) -> Iterator[Module]:
        return (module for module in self.index.modules() if module.facts is not None)

    def routers(self) -> Iterator[Tuple[Module, RouterFact]]:
        for module in self.modules():
            for router in module.facts.routers:  # type: ignore[union-attr]
                yield module, router

    def include_module(self, include: IncludeFact) -> Optional[Module]:
        return self._include_module.get(id(include))

    def label(self, router: RouterFact) -> str:
        """`module:name` of a router or app."""
        module = self.index.module_of(router)
        return f"{module.name if module else '?'}:{router.var or f'<line {router.call.lineno}>'}"

    def site_key(self, module: Optional[Module], line: int, col: int, owner: Optional[RouterFact]) -> tuple:
        """Where a registration on `owner` (a route, or an include_router call) comes in the
        order FastAPI sees them: the owner's own module runs first, in line order; other
        modules that register on it run after it (in name order, as their import order is not
        known statically)."""
        home = self.index.module_of(owner) if owner is not None else None
        name = module.name if module is not None else ""
        return (0 if module is not None and module is home else 1, name, line, col)

    def route_key(self, module: Module, route: RouteFact) -> tuple:
        """Where a route comes in its receiver's registrations: at its line, or, registered by
        a function on what its callers pass (RouteFact.made_at), where the function is called."""
        if route.made_at is not None:
            path, line, col = route.made_at
            return self.site_key(self.index.module_at(Path(path)), line, col, route.receiver)
        return self.site_key(module, route.line, 0, route.receiver)

    def route_site(self, module: Module, route: RouteFact) -> Site:
        if route.made_at is not None:
            return self.index.module_at(Path(route.made_at[0])), route.made_at[1]
        return module, route.line

    def include_key(self, include: IncludeFact) -> tuple:
        key = self._include_keys.get(id(include))
        if key is None:
            key = self._include_keys[id(include)] = self._include_key(include)
        return key

    def _include_key(self, include: IncludeFact) -> tuple:
        if include.made_at is not None:  # made by a function, where it is called
            path, line, col = include.made_at
            return self.site_key(self.index.module_at(Path(path)), line, col, include.receiver)
        return self.site_key(
            self.include_module(include), include.call.lineno, include.call.col_offset, include.receiver
        )

    def include_site(self, include: IncludeFact) -> Site:
        site = self._include_sites.get(id(include))
        if site is None:
            site = self._include_sites[id(include)] = (self.include_module(include), include.call.lineno)
        return site

    # -- statement layout --------------------------------------------------------------------

    def tree(self, module: Optional[Module]) -> Optional[ast.Module]:
        """The module's syntax tree: the one its facts were read from, else parsed again from
        its file (None when that fails)."""
        if module is None:
            return None
        kept = module.tree
        if kept is not None:
            return kept
        path = module.path.resolve()
        if path not in self._trees:
            try:
                text = source.decode(source.read_bytes(str(path)))
                self._trees[path] = ast.parse(text, filename=str(path))
            except (source.NotChecked, OSError, SyntaxError, ValueError, RecursionError, MemoryError):
                self._trees[path] = None
        return self._trees[path]

    def branches_at(self, site: Site) -> Optional[Tuple[Branch, ...]]:
        tree = self.tree(site[0])
        return None if tree is None else branches(tree, site[1])

    def exclusive(self, first: Site, second: Site) -> bool:
        """Whether two statements never both run in the app: on branches that exclude each
        other (known within one module), or one of them a test's own (`test_of`)."""
        if first[0] is second[0] and first[1] == second[1]:
            return False
        one, other = self.test_of(first), self.test_of(second)
        if (one is not None or other is not None) and one != other:
            return True
        if first[0] is None or first[0] is not second[0]:
            return False
        one, other = self.branches_at(first), self.branches_at(second)
        return one is not None and other is not None and exclusive_paths(one, other)

    def test_of(self, site: Site) -> Optional[int]:
        """The function of a test module a statement runs in (the outermost one), or None. A
        test registers routes on the app for itself, and tests reset or rebuild the app between
        them: what one makes is never served alongside what another test, or the app's own
        modules, make."""
        module = site[0]
        if module is None:
            return None
        key = str(module.path)
        if key not in self._test_modules:
            self._test_modules[key] = is_test_module(module.name, key, self.index.layout.home)
        tree = self.tree(module) if self._test_modules[key] else None
        if tree is None:
            return None
        for stmt, _ in enclosing(tree, site[1]):
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return id(stmt)
        return None

    def runs_whenever(self, first: Sequence[Site], second: Sequence[Site]) -> bool:
        """Whether the statements `first` all run whenever those of `second` do, as far as the
        statements around them tell: every branch that decides whether one of `first` runs
        (an `if` or `match` branch, an `except`) encloses one of `second` too. A module that
        cannot be read decides nothing."""
        return self._conditions(first) <= self._conditions(second)

    def _conditions(self, sites: Sequence[Site]) -> Set[Tuple[int, str]]:
        found = set()
        for site in sites:
            for stmt_id, kind, branch in self.branches_at(site) or ():
                if kind in ("if", "match") or branch.startswith("except"):
                    found.add((stmt_id, branch))
        return found

    def exclusive_any(self, first: Sequence[Site], second: Sequence[Site]) -> bool:
        """Whether two registrations (each a list of statements that must all run for it to
        happen) exclude each other: some statement of one excludes some statement of the other."""
        return any(self.exclusive(a, b) for a in first for b in second)

    def never_runs(self, site: Site) -> bool:
        """Whether the statement at `site` never runs in the app (see `_never_runs`). Only
        modules whose text holds such a block are parsed again to know."""
        if not self._may_hold_dead_blocks(site[0]):
            return False
        tree = self.tree(site[0])
        return tree is not None and any(_never_runs(stmt, branch) for stmt, branch in enclosing(tree, site[1]))

    def _may_hold_dead_blocks(self, module: Optional[Module]) -> bool:
        if module is None:
            return False
        key = str(module.path)
        if key not in self._dead_blocks:
            try:
                self._dead_blocks[key] = _DEAD_BLOCK_TEXT.search(source.read_bytes(key)) is not None
            except source.NotChecked:
                self._dead_blocks[key] = False
        return self._dead_blocks[key]

    def at_top_level(self, module: Module, line: int) -> bool:
        """Whether the statement at `line` runs when the module is imported: not inside a
        function or class body (None-safe: False when the module cannot be read)."""
        found = self.branches_at((module, line))
        return found is not None and all(kind != "def" for _, kind, _ in found)

    # -- include chains ----------------------------------------------------------------------

    @staticmethod
    def chains(app: RouterFact) -> Dict[int, List[Chain]]:
        """The include chains from `app` to every router it reaches (by id of the router)."""
        found: Dict[int, List[Chain]] = defaultdict(list)
        found[id(app)].append(())
        stack: List[Tuple[RouterFact, Chain, Tuple[int, ...]]] = [(app, (), (id(app),))]
        while stack:
            router, chain, seen = stack.pop()
            for include in router.includes:
                child = include.router
                if child is None or id(child) in seen or len(found[id(child)]) >= _MAX_CHAINS:
                    continue
                longer = chain + (include,)
                found[id(child)].append(longer)
                stack.append((child, longer, seen + (id(child),)))
        return found

    # -- modules the index does not hold -----------------------------------------------------

    def modules_mentioning(
        self, first: Sequence[bytes], second: Sequence[bytes]
    ) -> Iterator[Tuple[Module, ast.Module]]:
        """The modules of the workspace whose text holds one of `first` and one of `second`,
        in the index first, then the others; each with its syntax tree."""
        for module in list(self.modules()):
            try:
                data = source.read_bytes(str(module.path))
            except source.NotChecked:
                continue
            tree = self.tree(module) if source.mentions(data, (tuple(first), tuple(second))) else None
            if tree is not None:
                yield module, tree
        for module in self.unlinked_modules(first, second):
            tree = self.tree(module)
            if tree is not None:
                yield module, tree

    def unlinked_modules(self, *groups: Sequence[bytes]) -> Iterator[Module]:
        """Modules of the workspace that the index does not hold (the prefilter did not let
        them pass: no `fastapi` in them, say) and whose text holds a word of each group. Each
        is parsed with `ast` here, never imported; it is not added to the index."""
        settings = self.index.settings
        layout = self.index.layout
        for found in layout.files:
            if self.index.has(found):
                continue
            try:
                data = source.glance(found, *groups)
                if data is None:
                    continue
                facts = extract_facts(ast.parse(source.decode(data), filename=found), settings, reported=False)
            except (source.NotChecked, SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            names = layout.names_of(found)
            name, package = names[0] if names else (Path(found).stem, False)
            yield Module(name, Path(found), package, facts, tuple(n for n, _ in names))

    # -- what an unresolved include_router argument can be ------------------------------------

    def is_external(self, module: Module, node: Optional[ast.expr], depth: int = 0) -> bool:
        """Whether an include_router argument the index could not resolve surely comes from
        outside the project (`fastapi_users.get_auth_router(...)`, a missing package), so that
        it cannot be one of the project's routers. A local variable, a parameter, a loop
        variable, a function of the project: not known to be external."""
        if node is None or depth > _MAX_DEPTH or module.facts is None:
            return False
        attributes: List[str] = []
        while True:
            if isinstance(node, ast.Call):
                attributes = []
                node = node.func
            elif isinstance(node, ast.Subscript):
                attributes = []
                node = node.value
            elif isinstance(node, ast.Await):
                node = node.value
            elif isinstance(node, ast.Attribute):
                attributes.insert(0, node.attr)
                node = node.value
            else:
                break
        if not isinstance(node, ast.Name):
            return False
        imported = module.facts.imports.bindings.get(node.id)
        if imported is not None:
            dotted = module.absolute(imported, self.index.known(module.path))
            return dotted is not None and self._external_name(".".join([dotted, *attributes]), depth)
        bound = bound_expression(module.facts.bindings, node.id)
        if isinstance(bound, ast.expr):
            return self.is_external(module, bound, depth + 1)
        return False

    def makes_new_router(self, module: Module, node: Optional[ast.expr]) -> bool:
        """Whether an include_router argument is a call of a project function that makes a
        new router at each call (`get_oauth_router("github")`, whose every `return` gives a
        router constructed in its own body): it cannot be a router of a module's top level."""
        called = self.index.function_called(module, node.func) if isinstance(node, ast.Call) else None
        if called is None:
            return False
        owner, function = called
        made = {id(router.call): router for router in owner.facts.routers if not router.is_app}  # type: ignore[union-attr]
        local: Dict[str, List[ast.expr]] = {}
        returns: List[Optional[ast.expr]] = []
        for inner in same_scope(function.body):
            if isinstance(inner, ast.Assign):
                for target in inner.targets:
                    if isinstance(target, ast.Name):
                        local.setdefault(target.id, []).append(inner.value)
            elif isinstance(inner, (ast.Global, ast.Nonlocal)):
                return False
            elif isinstance(inner, ast.Return):
                returns.append(inner.value)

        def fresh(value: Optional[ast.expr]) -> bool:
            if isinstance(value, ast.Call):
                return id(value) in made
            if isinstance(value, ast.Name) and value.id in local:
                return all(isinstance(bound, ast.Call) and id(bound) in made for bound in local[value.id])
            return False

        return bool(returns) and all(fresh(value) for value in returns)

    def _external_name(self, dotted: str, depth: int) -> bool:
        parts = dotted.split(".")
        # The longest leading part that is a module of the project: follow the name into it.
        for cut in range(len(parts), 0, -1):
            name = ".".join(parts[:cut])
            if not self._in_project(name):
                continue
            # What the module binds to the next name decides (later names are attributes
            # of that object); the module itself is not a router of an external package.
            rest = parts[cut:]
            module = self.by_name.get(name)
            if not rest or module is None or module.facts is None:
                return False
            imported = module.facts.imports.bindings.get(rest[0])
            if imported is not None:
                target = module.absolute(imported, self.index.known(module.path))
                return target is not None and depth < _MAX_DEPTH and self._external_name(target, depth + 1)
            bound = bound_expression(module.facts.bindings, rest[0])
            return isinstance(bound, ast.expr) and self.is_external(module, bound, depth + 1)
        if parts[0] in _STDLIB or any(_LOADER.search(part) for part in parts[1:]):
            return False
        # No leading part is a project module. A trailing part may still be one when the
        # import roots do not match how the code imports itself (`myapp.users.router` with
        # `users/router.py` under the root): then it is not known to be external.
        return not any(
            self._in_project(".".join(parts[start:end]))
            for start in range(1, len(parts))
            for end in range(start + 1, len(parts) + 1)
        )

    def _in_project(self, name: str) -> bool:
        if name not in self._project_names:
            self._project_names[name] = name in self.by_name or self.index.layout.find(name) is not None
        return self._project_names[name]
