"""Routers and apps kept on an instance: `self.app = FastAPI()` in a method of a class.

Such a router is known by its class and attribute (`ApiServer.app`, see `instance_var`), and
is named as
- `self.app` in the methods of its class (the method's first parameter, whatever its name);
- `server.app`, where `server` is bound to a call of the class (`server = ApiServer()`), and
  `server.sessions.router`, where a method of the class binds `self.sessions` to a call of
  another class that keeps the router (`attribute_made_by`);
- a parameter of a method of the class, when every call of that method the class makes on its
  own instance passes it (`self.configure_app(self.app)`, `def configure_app(self, app)`).

`attribute_bindings` also tells the extractor that `__init__` binds `self.app` to its own
parameter (`def __init__(self, app: FastAPI): self.app = app`): what the class's callers pass.

Only classes at a module's top level and the methods in their bodies are read: what a class
defined in a function, or a static or class method, names is not followed."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Iterable, List, Mapping, Optional, Tuple

from fastapi_conventions_lint.facts.calls import parameter_of
from fastapi_conventions_lint.facts.model import FunctionNode, Parameter
from fastapi_conventions_lint.facts.values import bound_expression

_NOT_BOUND_TO_INSTANCE = frozenset({"staticmethod", "classmethod"})


def instance_var(class_name: str, attribute: str) -> str:
    """The name a router on an instance attribute is known by (`ApiServer.app`)."""
    return f"{class_name}.{attribute}"


@dataclass(frozen=True)
class Method:
    class_name: str
    function: FunctionNode
    self_name: str  # its first parameter: the instance


class Methods:
    """The methods of a module's top-level classes, found by the lines they span."""

    def __init__(self, body: Iterable[ast.stmt]) -> None:
        self._methods: List[Method] = []
        for statement in body:
            if isinstance(statement, ast.ClassDef):
                self._methods.extend(_methods_of(statement))

    def __bool__(self) -> bool:
        return bool(self._methods)

    def at(self, line: int) -> Optional[Method]:
        """The method whose body holds the line."""
        for method in self._methods:
            if method.function.lineno <= line <= (method.function.end_lineno or method.function.lineno):
                return method
        return None

    def attribute_var(
        self, node: ast.expr, line: int, bindings: Mapping[str, object], classes: Mapping[str, ast.ClassDef]
    ) -> Optional[str]:
        """The instance attribute `node` (`self.app`, `server.app`) stands for, as
        `instance_var` names it; None for any other expression."""
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            return None
        name = node.value.id
        method = self.at(line)
        if method is not None and name == method.self_name:
            return instance_var(method.class_name, node.attr)
        made = instance_of(bindings, name)
        if isinstance(made, ast.Name) and made.id in classes:
            return instance_var(made.id, node.attr)
        return None

    def callers(self, method: Method, calls: Iterable[ast.Call]) -> List[ast.Call]:
        """The calls the class makes of one of its methods on its own instance
        (`self.configure_app(...)` in another method of the class)."""
        found = []
        for call in calls:
            func = call.func
            if not (
                isinstance(func, ast.Attribute) and func.attr == method.function.name
                and isinstance(func.value, ast.Name)
            ):
                continue
            caller = self.at(call.lineno)
            if caller is not None and caller.class_name == method.class_name and func.value.id == caller.self_name:
                found.append(call)
        return found

    @staticmethod
    def parameter(method: Method, name: str) -> Optional[Parameter]:
        """The parameter `name` is of the method, the instance aside, when it is never bound
        again there (its position counts the instance: a call on it passes one fewer)."""
        if name == method.self_name:
            return None
        return parameter_of(method.function, ast.Name(id=name), {method.function.name: method.function})


def instance_of(bindings: Mapping[str, object], name: str) -> Optional[ast.expr]:
    """What a name is bound to a call of (`server = ApiServer(config)`: `ApiServer`), the
    class it may be an instance of; None when it is bound to anything else, or more than once."""
    value = bound_expression(bindings, name)
    if isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute)):
        return value.func
    return None


def attribute_made_by(cls: ast.ClassDef, attribute: str) -> Optional[ast.expr]:
    """What the class's methods bind `self.<attribute>` to a call of (`self.streams =
    StreamsRouter(...)`: `StreamsRouter`), the class an instance's attribute may be an
    instance of; None when they bind it to anything else, or to calls of different callees."""
    found: Optional[ast.expr] = None
    for _, node in attribute_bindings(cls, attribute):
        if isinstance(node, ast.AugAssign):
            continue
        value = node.value
        if not (isinstance(value, ast.Call) and isinstance(value.func, (ast.Name, ast.Attribute))):
            return None
        if found is not None and ast.dump(found) != ast.dump(value.func):
            return None
        found = value.func
    return found


def attribute_bindings(cls: ast.ClassDef, attribute: str) -> List[Tuple[Method, ast.stmt]]:
    """The statements of the class's methods that bind `self.<attribute>`, augmented ones too,
    each with its method."""
    found: List[Tuple[Method, ast.stmt]] = []
    for method in _methods_of(cls):
        for node in ast.walk(method.function):
            if not isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                continue
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(
                isinstance(target, ast.Attribute) and target.attr == attribute
                and isinstance(target.value, ast.Name) and target.value.id == method.self_name
                for target in targets
            ):
                found.append((method, node))
    return found


def _methods_of(cls: ast.ClassDef) -> Iterable[Method]:
    for statement in cls.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        if any(isinstance(d, ast.Name) and d.id in _NOT_BOUND_TO_INSTANCE for d in statement.decorator_list):
            continue
        positional = [*statement.args.posonlyargs, *statement.args.args]
        if positional:
            yield Method(cls.name, statement, positional[0].arg)
