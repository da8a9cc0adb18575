"""The URLs of the pages FastAPI serves for an app by itself (the OpenAPI schema, Swagger UI
and its OAuth2 redirect, ReDoc), as a `FastAPI(...)` call sets them."""

from __future__ import annotations

import ast
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from fastapi_conventions_lint.facts.calls import keyword

Resolve = Callable[[ast.expr], Optional[str]]

# FastAPI's defaults: each page is served while its URL is a non-empty string.
_DEFAULT_URLS = {
    "openapi_url": "/openapi.json",
    "docs_url": "/docs",
    "redoc_url": "/redoc",
    "swagger_ui_oauth2_redirect_url": "/docs/oauth2-redirect",
}


def served_url(call: ast.Call, name: str) -> "Optional[str]":
    """The URL FastAPI serves for `name` (`docs_url`...) when the call fixes it: its default
    when absent, the literal when given one; "" when the page is off (`None`, `""`); None when
    it is decided at run time (a setting, a conditional)."""
    given = keyword(call, name)
    if given is None:
        return _DEFAULT_URLS[name]
    value = given.value
    if isinstance(value, ast.Constant) and (value.value is None or isinstance(value.value, str)):
        return value.value or ""
    return None


def branch_constructions(tree: ast.Module) -> Dict[int, List[ast.Call]]:
    """id(call) -> the calls an `if`/`elif`/`else` chain binds one name to, a branch each
    (`if debug: app = FastAPI() else: app = FastAPI(docs_url=None)`), for each such call:
    which of them makes the app is decided at run time."""
    groups: Dict[int, List[ast.Call]] = {}
    chained = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.If) or id(node) in chained:
            continue
        by_name: Dict[str, List[ast.Call]] = {}
        for branch in _branches(node, chained):
            for name, call in _bound_calls(branch):
                by_name.setdefault(name, []).append(call)
        for calls in by_name.values():
            if len(calls) > 1:
                for call in calls:
                    groups[id(call)] = calls
    return groups


def _branches(node: ast.If, chained: set) -> Iterator[List[ast.stmt]]:
    """The bodies of an `if` statement's branches, its `elif`s followed."""
    while True:
        yield node.body
        if len(node.orelse) == 1 and isinstance(node.orelse[0], ast.If):
            node = node.orelse[0]
            chained.add(id(node))
            continue
        if node.orelse:
            yield node.orelse
        return


def _bound_calls(body: List[ast.stmt]) -> Iterator[Tuple[str, ast.Call]]:
    """(name, call) of the branch's own `name = call(...)` statements, the last per name."""
    bound: Dict[str, ast.Call] = {}
    for statement in body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
        elif isinstance(statement, ast.AnnAssign):
            target = statement.target
        else:
            continue
        if isinstance(target, ast.Name) and isinstance(statement.value, ast.Call):
            bound[target.id] = statement.value
    return iter(bound.items())


def own_pages(
    call: ast.Call, decided_in_class: bool = False, resolve: Optional[Resolve] = None,
) -> List[Tuple[str, Optional[str], bool, bool]]:
    """The pages the app serves by itself, in the order FastAPI adds them: (page, its URL or
    None when decided at run time, whether it is served for sure, whether a setting's default
    gave the URL). `decided_in_class`: the app's class has an `__init__` of its own, or the call
    passes `**options`: nothing is known. `resolve` reads a URL that is no literal (a
    setting's default), when it can."""
    def url(name: str) -> Tuple[Optional[str], bool]:
        if decided_in_class:
            return None, False
        found, given = served_url(call, name), keyword(call, name)
        if found is None and resolve is not None and given is not None:
            found = resolve(given.value)
            return found, found is not None
        return found, False

    openapi, openapi_setting = url("openapi_url")
    if openapi == "":
        return []
    pages = [("openapi", openapi, openapi is not None, openapi_setting)]
    for page, name in (("docs", "docs_url"), ("oauth2-redirect", "swagger_ui_oauth2_redirect_url"),
                       ("redoc", "redoc_url")):
        if page == "oauth2-redirect" and pages[-1][0] != "docs":
            continue  # the redirect is served with Swagger UI only
        found, from_setting = url(name)
        if found != "":
            sure = found is not None and (pages[-1][2] if page == "oauth2-redirect" else openapi is not None)
            pages.append((page, found, sure, from_setting))
    return pages
