"""How prefix expressions resolve: origin (literal, config, unknown, none), known head and
tail, and the full value where every part is known."""

from __future__ import annotations

import ast

import pytest

from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.facts import extract_facts


def _prefix(source: str, settings: Settings = Settings()):
    facts = extract_facts(ast.parse(source), settings)
    return facts.routers[-1].prefix


HEADER = "from fastapi import APIRouter\nfrom server.config import api_config\n"


@pytest.mark.parametrize("expression,origin,head,tail,resolved", [
    ('"/api/v1/x"', "literal", "/api/v1/x", "/api/v1/x", "/api/v1/x"),
    ('f"/api/v1/{name}"', "literal", "/api/v1/", "", None),
    ('"/api/%s/x" % version', "literal", "/api/", "/x", None),
    ('"/api/%%s/%d" % 1', "literal", "/api/%s/", "", None),
    ('"/api/{}/x".format(version)', "literal", "/api/", "/x", None),
    ('"/api/{".format(version)', "unknown", "", "", None),
    ('"/api" + "/v1"', "literal", "/api/v1", "/api/v1", "/api/v1"),
    ("api_config.DATA_PREFIX", "config", "", "", "/api/v1/data"),
    ('f"{api_config.DATA_PREFIX}/mongodb/"', "config", "", "/mongodb/", "/api/v1/data/mongodb/"),
    ("api_config.UNKNOWN_PREFIX", "config", "", "", None),
    ("settings.API_PREFIX", "unknown", "", "", None),
    ("make_prefix()", "unknown", "", "", None),
    ('f"{name!r}/x"', "unknown", "", "/x", None),
    ('f"{name:>10}"', "unknown", "", "", None),
    ("None", "none", "", "", ""),
    ('""', "none", "", "", ""),
    ("None + 'x'", "unknown", "", "", None),
    ("3", "unknown", "", "", None),
])
def test_expression(expression, origin, head, tail, resolved):
    value = _prefix(HEADER + f"router = APIRouter(prefix={expression})\n")
    assert (value.origin, value.head, value.tail, value.resolved) == (origin, head, tail, resolved)


def test_names_resolve_once_bound_and_not_when_rebound():
    bound = _prefix(HEADER + 'BASE = "/api/v1"\nrouter = APIRouter(prefix=BASE + "/x")\n')
    assert bound.origin == "literal" and bound.resolved == "/api/v1/x"
    rebound = _prefix(HEADER + 'BASE = "/a"\nBASE = "/b"\nrouter = APIRouter(prefix=BASE)\n')
    assert rebound.origin == "unknown"
    cyclic = _prefix(HEADER + "A = B\nB = A\nrouter = APIRouter(prefix=A)\n")
    assert cyclic.origin == "unknown"
    none = _prefix(HEADER + "P = None\nrouter = APIRouter(prefix=P)\n")
    assert none.absent


@pytest.mark.parametrize("imports,expression", [
    ("from server.config import api_config as cfg", "cfg.RAG_PREFIX"),
    ("import server.config", "server.config.api_config.RAG_PREFIX"),
    ("from server import config", "config.api_config.RAG_PREFIX"),
    ("from ..config import api_config", "api_config.RAG_PREFIX"),
    ("", "api_config.RAG_PREFIX"),
])
def test_configured_object_is_recognised_however_imported(imports, expression):
    value = _prefix(f"from fastapi import APIRouter\n{imports}\nrouter = APIRouter(prefix={expression})\n")
    assert value.origin == "config" and value.resolved == "/api/v1/rag"


def test_another_object_named_like_the_config_is_not_config():
    value = _prefix("from fastapi import APIRouter\nfrom other import api_config\n"
                    "router = APIRouter(prefix=api_config.RAG_PREFIX)\n")
    assert value.origin == "unknown"


def test_configured_object_and_prefix_table_come_from_settings():
    settings = Settings(api_config="app.core:cfg", prefixes={"API": "/api"})
    value = _prefix("from fastapi import APIRouter\nfrom app.core import cfg\n"
                    "router = APIRouter(prefix=f'{cfg.API}/users')\n", settings)
    assert value.origin == "config" and value.resolved == "/api/users"
