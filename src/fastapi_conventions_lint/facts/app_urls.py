"""The URLs of the pages FastAPI serves for an app by itself (the OpenAPI schema, Swagger UI
and its OAuth2 redirect, ReDoc), as a `FastAPI(...)` call sets them."""

from __future__ import annotations

import ast
from typing import Callable, List, Optional, Tuple

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
