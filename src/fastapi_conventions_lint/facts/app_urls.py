"""The URLs of the pages FastAPI serves for an app by itself (the OpenAPI schema, Swagger UI
and its OAuth2 redirect, ReDoc), as a `FastAPI(...)` call sets them."""

from __future__ import annotations

import ast
from typing import List, Optional, Tuple

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


def own_pages(call: ast.Call, decided_in_class: bool = False) -> List[Tuple[str, Optional[str], bool]]:
    """The pages the app serves by itself, in the order FastAPI adds them: (page, its URL or
    None when decided at run time, whether it is served for sure). `decided_in_class`: the
    app's class has an `__init__` of its own, or the call passes `**options`: nothing is known."""
    def url(name: str) -> Optional[str]:
        return None if decided_in_class else served_url(call, name)

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
    return pages
