"""Blocking calls in async route handlers and async dependencies (FCL105): calls that hold the
event loop (`time.sleep`, `requests.get`, `subprocess.run`, built-in `open`...), resolved
through the file's imports. Calls in functions or lambdas nested in the handler do not count:
they may run in a thread."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Set

from fastapi_conventions_lint.facts.calls import same_scope
from fastapi_conventions_lint.facts.lines import LINE_END
from fastapi_conventions_lint.facts.names import DEPENDS, ImportTable

BLOCKING = frozenset({
    "time.sleep", "urllib.request.urlopen", "os.system",
    "subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
    "subprocess.Popen",
    "httpx.get", "httpx.post", "httpx.put", "httpx.patch", "httpx.delete", "httpx.head",
    "httpx.options", "httpx.request", "httpx.stream", "httpx.Client",
})
_WHOLE_PACKAGES = ("requests.",)  # every call into these blocks


@dataclass(frozen=True)
class BlockingCall:
    call: ast.Call
    name: str  # what it calls, as resolved: `time.sleep`, `open`
    function: str  # the handler or dependency it is in


def depended_on(functions: Iterable[ast.AST], calls: Iterable[ast.Call], imports: ImportTable) -> Set[str]:
    """Names passed to `Depends(...)`/`Security(...)` in the functions' parameters (defaults
    and `Annotated`) and in the given calls' `dependencies=`."""
    found: Set[str] = set()
    nodes: List[ast.AST] = []
    for function in functions:
        arguments = function.args  # type: ignore[attr-defined]
        for argument in arguments.posonlyargs + arguments.args + arguments.kwonlyargs:
            if argument.annotation is not None:
                nodes.append(argument.annotation)
        nodes += [default for default in arguments.defaults + arguments.kw_defaults if default is not None]
    for call in calls:
        nodes += [keyword.value for keyword in call.keywords if keyword.arg == "dependencies"]
    for node in nodes:
        for inner in ast.walk(node):
            if (
                isinstance(inner, ast.Call) and inner.args and isinstance(inner.args[0], ast.Name)
                and imports.qualname(inner.func) in DEPENDS
            ):
                found.add(inner.args[0].id)
    return found


def _mentions(imports: ImportTable, wanted: Iterable[str]) -> "re.Pattern[str]":
    """The local names through which the file can reach a blocking function, and `open`."""
    packages = {name.partition(".")[0] for name in wanted} | {"requests"}
    names = {"open"} | {
        local for local, target in imports.bindings.items() if target.partition(".")[0] in packages
    }
    return re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names))) + r")\b")


def blocking_calls(
    functions: Iterable[ast.AST], imports: ImportTable, shadowed: Dict[str, object],
    extra: Iterable[str] = (), text: Optional[str] = None,
) -> List[BlockingCall]:
    """The blocking calls made directly in the bodies of these (async) functions. With the
    text at hand, a function whose lines name none of the ways to a blocking call is skipped."""
    wanted = BLOCKING | frozenset(extra) | {"open"}
    lines = LINE_END.split(text) if text is not None else None
    mentions = _mentions(imports, wanted) if lines is not None else None
    found = []
    for function in functions:
        if lines is not None and mentions is not None:
            window = "\n".join(lines[function.lineno - 1:function.end_lineno])  # type: ignore[attr-defined]
            if mentions.search(window) is None:
                continue
        for node in same_scope(function.body):  # type: ignore[attr-defined]
            if not isinstance(node, ast.Call):
                continue
            name = _called(node.func, imports, shadowed)
            if name is not None and (name in wanted or name.startswith(_WHOLE_PACKAGES)):
                found.append(BlockingCall(node, name, function.name))  # type: ignore[attr-defined]
    found.sort(key=lambda item: (item.call.lineno, item.call.col_offset))
    return found


def _called(func: ast.expr, imports: ImportTable, shadowed: Dict[str, object]) -> Optional[str]:
    if isinstance(func, ast.Name) and func.id == "open":
        return None if "open" in imports.bindings or "open" in shadowed else "open"
    name = imports.qualname(func)
    return None if name is None or name.startswith(".") else name
