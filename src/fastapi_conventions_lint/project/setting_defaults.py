"""Prefixes read from a settings object's class defaults: `settings.API_V1_STR` where
`class Settings(BaseSettings): API_V1_STR: str = "/api/v1"` and `settings = Settings()`, in
the module or imported from another. The environment may override such a default at run
time, so the route table marks a path built from one."""

from __future__ import annotations

import ast
from typing import Dict, Optional, Tuple

from fastapi_conventions_lint.facts.calls import same_scope
from fastapi_conventions_lint.facts.values import bound_expression
from fastapi_conventions_lint.project.index import Module, ProjectIndex

_MAX_DEPTH = 8


def _class_default(cls: ast.ClassDef, name: str) -> Optional[str]:
    """The string a class body assigns to `name` (`NAME: str = "x"`, `NAME = "x"`,
    `NAME: str = Field("x")`, `Field(default="x")`)."""
    for stmt in cls.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.target.id == name:
            value = stmt.value
        elif isinstance(stmt, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name for target in stmt.targets
        ):
            value = stmt.value
        else:
            continue
        if isinstance(value, ast.Call):  # pydantic's Field("x") / Field(default="x")
            value = value.args[0] if value.args else next(
                (k.value for k in value.keywords if k.arg == "default"), None
            )
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
        return None
    return None


class SettingDefaults:
    """Resolves prefix expressions through settings objects' class defaults."""

    def __init__(self, index: ProjectIndex) -> None:
        self.index = index
        self._objects: Dict[Tuple[str, str], Optional[Tuple[Module, ast.ClassDef]]] = {}

    def value(self, module: Optional[Module], node: Optional[ast.expr], depth: int = 0) -> Optional[str]:
        """The expression's text with every settings attribute at its class default; None
        when some part is still unknown."""
        if module is None or node is None or module.facts is None or depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.JoinedStr):
            parts = []
            for value in node.values:
                if isinstance(value, ast.FormattedValue):
                    if value.format_spec is not None or value.conversion not in (-1, 115):
                        return None
                    value = value.value
                part = self.value(module, value, depth + 1)
                if part is None:
                    return None
                parts.append(part)
            return "".join(parts)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(module, node.left, depth + 1), self.value(module, node.right, depth + 1)
            return None if left is None or right is None else left + right
        if isinstance(node, ast.Name):
            bound = bound_expression(module.facts.bindings, node.id)
            return self.value(module, bound, depth + 1) if isinstance(bound, ast.expr) else None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            found = self._settings_object(module, node.value.id, depth)
            return None if found is None else _class_default(found[1], node.attr)
        return None

    def _settings_object(self, module: Module, name: str, depth: int) -> Optional[Tuple[Module, ast.ClassDef]]:
        """The class whose instance `name` is, in `module` (`settings = Settings()`) or in the
        module it is imported from."""
        key = (module.name, name)
        if key not in self._objects:
            self._objects[key] = None  # a cycle answers None
            self._objects[key] = self._find_object(module, name, depth)
        return self._objects[key]

    def _find_object(self, module: Module, name: str, depth: int) -> Optional[Tuple[Module, ast.ClassDef]]:
        facts = module.facts
        if facts is None or depth > _MAX_DEPTH:
            return None
        imported = facts.imports.bindings.get(name)
        if imported is not None:
            place = self.index.defining(module, imported)
            return None if place is None else self._settings_object(place[0], place[1], depth + 1)
        bound = bound_expression(facts.bindings, name)
        if isinstance(bound, ast.Call) and not bound.args and isinstance(bound.func, ast.Name):
            return self._class(module, bound.func.id) or self._made_by(module, bound.func.id)
        return None

    def _made_by(self, module: Module, name: str) -> Optional[Tuple[Module, ast.ClassDef]]:
        """The class of what a function of the project returns (`@lru_cache def
        get_settings() -> Settings: return Settings()`, as FastAPI's documentation has it):
        its return annotation, else the one class every `return` of it makes."""
        called = self.index.function_called(module, ast.Name(name))
        if called is None:
            return None
        owner, function = called
        returns = function.returns
        if isinstance(returns, ast.Constant) and isinstance(returns.value, str):
            returns = ast.Name(returns.value)  # a string annotation, `-> "Settings"`
        if isinstance(returns, ast.Name):
            return self._class(owner, returns.id)
        made = {
            node.value.func.id for node in same_scope(function.body) if isinstance(node, ast.Return)
            and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
        }
        returned = [node for node in same_scope(function.body) if isinstance(node, ast.Return)]
        if len(made) != 1 or any(not isinstance(node.value, ast.Call) for node in returned):
            return None
        return self._class(owner, made.pop())

    def _class(self, module: Module, name: str) -> Optional[Tuple[Module, ast.ClassDef]]:
        """The class `name` names in `module`, where the project defines it."""
        imported = module.facts.imports.bindings.get(name) if module.facts is not None else None
        place = (module, name) if imported is None else self.index.defining(module, imported)
        if place is None or place[0].facts is None:
            return None
        cls = place[0].facts.classes.get(place[1])
        return None if cls is None else (place[0], cls)
