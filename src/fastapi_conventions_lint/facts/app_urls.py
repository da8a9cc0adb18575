"""The URLs of the pages FastAPI serves for an app by itself (the OpenAPI schema, Swagger UI
and its OAuth2 redirect, ReDoc), as a `FastAPI(...)` call sets them."""

from __future__ import annotations

import ast
from typing import Callable, List, Optional, Tuple

Resolve = Callable[[ast.expr], Optional[str]]

# FastAPI's defaults: each page is served while its URL is a non-empty string.
_DEFAULT_URLS = {
    "openapi_url": "/openapi.json",
    "docs_url": "/docs",
    "redoc_url": "/redoc",
    "swagger_ui_oauth2_redirect_url": "/docs/oauth2-redirect",
}


def _keyword(call: ast.Call, name: str) -> "Optional[ast.keyword]":
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword
    return None


def served_url(call: ast.Call, name: str) -> "Optional[str]":
    """The URL FastAPI serves for `name` (`docs_url`...) when the call fixes it: its default
    when absent, the literal when given one; "" when the page is off (`None`, `""`); None when
    it is decided at run time (a setting, a conditional)."""
    keyword = _keyword(call, name)
    if keyword is None:
        return _DEFAULT_URLS[name]
    value = keyword.value
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
    from_settings = set()

    def url(name: str) -> Optional[str]:
        if decided_in_class:
            return None
        found = served_url(call, name)
        keyword = _keyword(call, name)
        if found is None and resolve is not None and keyword is not None:
            found = resolve(keyword.value)
            if found is not None:
                from_settings.add(name)
        return found

    openapi = url("openapi_url")
    if openapi == "":
        return []
    pages: List[Tuple[str, Optional[str], bool]] = [("openapi", openapi, openapi is not None)]
    docs = url("docs_url")
    if docs != "":
        pages.append(("docs", docs, openapi is not None and docs is not None))
        redirect = url("swagger_ui_oauth2_redirect_url")
        if redirect != "":
            pages.append(("oauth2-redirect", redirect, pages[-1][2] and redirect is not None))
    redoc = url("redoc_url")
    if redoc != "":
        pages.append(("redoc", redoc, openapi is not None and redoc is not None))
    names = {"openapi": "openapi_url", "docs": "docs_url", "oauth2-redirect": "swagger_ui_oauth2_redirect_url",
             "redoc": "redoc_url"}
    return [(page, found, sure, names[page] in from_settings) for page, found, sure in pages]
