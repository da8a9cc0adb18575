"""The dependencies of a route, read statically: its parameters' `Depends(...)`/`Security(...)`
(as defaults or in `Annotated[...]`, through aliases such as `CurrentUser = Annotated[User,
Depends(get_current_user)]` in another module), its decorator's `dependencies=`, and those of
its router, of every include on the way and of the app. Each is named `module:function` where
the function is defined (imports and re-exports followed); a dependency function of the
project is followed into its own parameters on request."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Set, Tuple

from fastapi_conventions_lint.facts.calls import keyword_value
from fastapi_conventions_lint.facts.names import ANNOTATED, DEPENDS
from fastapi_conventions_lint.facts.values import bound_expression
from fastapi_conventions_lint.project.index import Module, ProjectIndex

_MAX_DEPTH = 8  # aliases of aliases followed for one annotation
_MAX_REACH = 200  # dependency functions visited for one question


@dataclass(frozen=True)
class Dependency:
    """One dependency: its name (`app.api.deps:get_current_user`; the source text when it
    cannot be resolved) and, for a function or class of the project, where it is defined."""

    name: str
    module: Optional[Module] = None
    node: Optional[ast.AST] = None  # a function, a class, or a class's `__call__`

    def __hash__(self) -> int:
        return hash(self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Dependency) and other.name == self.name


class DependencyReader:
    """Answers what a route, router, include or app depends on, for one project index."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._cache: Dict[Tuple[int, str], Dependency] = {}

    # -- the levels --------------------------------------------------------------------------

    def of_call(self, module: Optional[Module], call: ast.Call) -> Tuple[Dependency, ...]:
        """What `dependencies=[Depends(a), Security(b)]` of a call lists."""
        if module is None or module.facts is None:
            return ()
        listed = keyword_value(call, "dependencies")
        if isinstance(listed, ast.Name):
            listed = bound_expression(module.facts.bindings, listed.id) or listed
        if not isinstance(listed, (ast.List, ast.Tuple)):
            return ()
        found = []
        for element in listed.elts:
            if isinstance(element, ast.Call) and self._is_depends(module, element.func):
                dependency = self._depends_target(module, element, None)
                if dependency is not None:
                    found.append(dependency)
        return tuple(found)

    def of_function(self, module: Optional[Module], function: Optional[ast.AST]) -> Tuple[Dependency, ...]:
        """The dependencies a function's (or class's) parameters declare."""
        if module is None or module.facts is None or function is None:
            return ()
        if isinstance(function, ast.ClassDef):
            function = next((
                stmt for stmt in function.body
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__init__"
            ), None)
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return ()
        return tuple(self._parameters(module, function.args))

    def reaches(self, start: Tuple[Dependency, ...], wanted: Set[str]) -> bool:
        """Whether any of `start`, or a dependency of theirs (transitively, through the
        parameters of dependency functions of the project), is named in `wanted`."""
        stack = list(start)
        seen: Set[str] = set()
        while stack and len(seen) < _MAX_REACH:
            dependency = stack.pop()
            if dependency.name in wanted:
                return True
            if dependency.name in seen:
                continue
            seen.add(dependency.name)
            stack.extend(self.of_function(dependency.module, dependency.node))
        return False

    # -- parameters ----------------------------------------------------------------------------

    def _parameters(self, module: Module, arguments: ast.arguments) -> Iterator[Dependency]:
        positional = arguments.posonlyargs + arguments.args
        defaults: List[Optional[ast.expr]] = [None] * (len(positional) - len(arguments.defaults))
        defaults += list(arguments.defaults)
        pairs = list(zip(positional, defaults)) + list(zip(arguments.kwonlyargs, arguments.kw_defaults))
        for argument, default in pairs:
            found = None
            if isinstance(default, ast.Call) and self._is_depends(module, default.func):
                found = self._depends_target(module, default, argument.annotation)
            if found is None and argument.annotation is not None:
                found = self._annotated(module, argument.annotation, 0)
            if found is not None:
                yield found

    def _annotated(self, module: Module, annotation: ast.expr, depth: int) -> Optional[Dependency]:
        """The dependency an `Annotated[T, Depends(f)]` annotation declares, also through a
        name bound to one in this module or another (`CurrentUser`, `SessionDep`)."""
        if depth > _MAX_DEPTH or module.facts is None:
            return None
        facts = module.facts
        if isinstance(annotation, ast.Subscript):
            if facts.imports.qualname(annotation.value) not in ANNOTATED:
                return None
            elements = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else []
            for element in elements[1:]:
                if isinstance(element, ast.Call) and self._is_depends(module, element.func):
                    return self._depends_target(module, element, elements[0])
            return None
        if isinstance(annotation, ast.Name):
            bound = bound_expression(facts.bindings, annotation.id)
            if isinstance(bound, ast.Subscript):
                return self._annotated(module, bound, depth + 1)
            imported = facts.imports.bindings.get(annotation.id)
            place = self.index.defining(module, imported) if imported is not None else None
            if place is not None:
                return self._annotated(place[0], ast.Name(id=place[1]), depth + 1)
        return None

    def _is_depends(self, module: Module, func: ast.expr) -> bool:
        return module.facts is not None and module.facts.imports.qualname(func) in DEPENDS

    def _depends_target(
        self, module: Module, call: ast.Call, annotation: Optional[ast.expr]
    ) -> Optional[Dependency]:
        """What `Depends(f)` calls: `f`, or the annotation's class for a bare `Depends()`."""
        target = call.args[0] if call.args else keyword_value(call, "dependency")
        if target is None:
            target = annotation
        if target is None:
            return None
        return self.resolve(module, target)

    # -- names -----------------------------------------------------------------------------------

    def resolve(self, module: Module, node: ast.expr) -> Dependency:
        """The dependency an expression names, seen from `module`."""
        key = (id(node), module.name)
        if key not in self._cache:
            self._cache[key] = self._resolve(module, node)
        return self._cache[key]

    def _resolve(self, module: Module, node: ast.expr) -> Dependency:
        facts = module.facts
        if isinstance(node, ast.Call):  # `Depends(RoleChecker("admin"))`: the instance's __call__
            made = self._resolve(module, node.func)
            return Dependency(made.name, made.module, _dunder_call(made.node))
        if facts is None:
            return Dependency(ast.unparse(node))
        if isinstance(node, ast.Name):
            imported = facts.imports.bindings.get(node.id)
            if imported is not None:
                return self._imported(module, imported)
            # Defined here: a function, a class, or `current_user = users.current_user()`.
            return Dependency(f"{module.name}:{node.id}", module, _definition(module, node.id))
        if isinstance(node, ast.Attribute):
            dotted = facts.imports.qualname(node)
            if dotted is not None:
                return self._imported(module, dotted)
        return Dependency(ast.unparse(node))

    def _imported(self, module: Module, qualname: str) -> Dependency:
        """An imported name: where the project defines it, else `module:name` as imported."""
        place = self.index.defining(module, qualname)
        if place is not None:
            target, name = place
            return Dependency(f"{target.name}:{name}", target, _definition(target, name))
        dotted = module.absolute(qualname, self.index.known(module.path)) or qualname
        head, _, last = dotted.rpartition(".")
        return Dependency(f"{head}:{last}" if head else dotted)


def _definition(module: Module, name: str) -> Optional[ast.AST]:
    """The function or class a module defines under `name`."""
    facts = module.facts
    return None if facts is None else facts.functions.get(name) or facts.classes.get(name)


def _dunder_call(node: Optional[ast.AST]) -> Optional[ast.AST]:
    if not isinstance(node, ast.ClassDef):
        return node
    return next((
        stmt for stmt in node.body
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name == "__call__"
    ), None)
