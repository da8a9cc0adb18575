"""What a name in a file refers to, from the file's own imports (no other module is read)."""

from __future__ import annotations

import ast
from collections import deque
from typing import Dict, Iterator, Optional, Tuple, Union

APIROUTER = frozenset({"fastapi.APIRouter", "fastapi.routing.APIRouter"})
FASTAPI_APP = frozenset({"fastapi.FastAPI", "fastapi.applications.FastAPI"})
DEPENDS = frozenset({
    "fastapi.Depends", "fastapi.params.Depends", "fastapi.param_functions.Depends",
    "fastapi.Security", "fastapi.params.Security", "fastapi.param_functions.Security",
})
ANNOTATED = frozenset({"typing.Annotated", "typing_extensions.Annotated"})
OPTIONAL = frozenset({
    "typing.Optional", "typing_extensions.Optional", "typing.Union", "typing_extensions.Union",
})
SQL_STATEMENT_PACKAGES = frozenset({"sqlalchemy", "sqlmodel"})
SQL_STATEMENT_BUILDERS = frozenset({"select", "insert", "update", "delete"})

# Types whose values are data handles (FCL102), by top-level package, matched on the last part
# of the qualified name (`sqlalchemy.orm.Session`, `sqlalchemy.ext.asyncio.AsyncSession`).
DB_TYPES: Dict[str, frozenset] = {
    "sqlalchemy": frozenset({"Session", "AsyncSession", "Connection", "AsyncConnection"}),
    "sqlmodel": frozenset({"Session", "AsyncSession", "Connection", "AsyncConnection"}),
    "motor": frozenset({"AsyncIOMotorDatabase", "AsyncIOMotorCollection"}),
    "pymongo": frozenset({"Database", "Collection", "AsyncDatabase", "AsyncCollection"}),
    "asyncpg": frozenset({"Connection", "Pool"}),
    "neo4j": frozenset({"Driver", "AsyncDriver", "Session", "AsyncSession"}),
}

# Packages of data stores whose other types say nothing for or against a handle (a redis
# client, a psycopg cursor): a parameter typed with one of them is judged by its name.
DATA_PACKAGES = frozenset(DB_TYPES) | frozenset({
    "aiomysql", "aiopg", "aioredis", "aiosqlite", "beanie", "cassandra", "clickhouse_driver",
    "couchbase", "databases", "duckdb", "edgedb", "elasticsearch", "google", "mongoengine",
    "MySQLdb", "mysql", "odmantic", "opensearchpy", "oracledb", "ormar", "peewee", "piccolo",
    "prisma", "psycopg", "psycopg2", "psycopg_pool", "pymysql", "pynamodb", "pyodbc", "redis",
    "sqlite3", "supabase", "tortoise",
})

# Builtin types a data handle never is (`collection: str`, `db: dict`).
BUILTIN_TYPES = frozenset({
    "bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
    "memoryview", "range", "set", "str", "tuple", "type",
})
# Annotations that say nothing of what a value is.
VAGUE_TYPES = frozenset({"typing.Any", "typing_extensions.Any", "object"})


# What a statement's list fields may hold that holds statements in turn.
_HOLDING_STATEMENTS = (ast.stmt, ast.excepthandler) + ((ast.match_case,) if hasattr(ast, "match_case") else ())


def import_statements(tree: ast.Module) -> Iterator[Union[ast.Import, ast.ImportFrom]]:
    """Every import statement of a module, nested ones included, in `ast.walk`'s order. Only
    statements are visited: an import is never inside an expression, and the expressions are
    most of a tree."""
    queue = deque(tree.body)
    while queue:
        node = queue.popleft()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
            continue
        for name in node._fields:
            value = getattr(node, name, None)
            if isinstance(value, list) and value and isinstance(value[0], _HOLDING_STATEMENTS):
                queue.extend(value)


class ImportTable:
    """Maps the names a file binds by import to dotted qualified names.

    `from fastapi import APIRouter as R` binds R -> "fastapi.APIRouter";
    `import fastapi as fa` binds fa -> "fastapi"; `import a.b` binds a -> "a".
    Relative imports keep their leading dots: `from ..config import x` -> "..config.x".
    """

    __slots__ = ("bindings", "scoped")

    def __init__(self) -> None:
        self.bindings: Dict[str, str] = {}
        # The imports made inside a function, by the function's first and last line. Two
        # functions may bind one name to different things (`from .a import router as sub` in
        # one, `from .b import router as sub` in the next), which the module-wide `bindings`
        # cannot tell apart.
        self.scoped: Dict[Tuple[int, int], Dict[str, str]] = {}

    def add(self, node: ast.AST, scope: Optional[ast.AST] = None) -> None:
        """Bind the names of an import statement; `scope`: the function it is made in."""
        if scope is not None:
            span = (scope.lineno, scope.end_lineno or scope.lineno)  # type: ignore[attr-defined]
            _bind(self.scoped.setdefault(span, {}), node)
        _bind(self.bindings, node)

    def bound(self, name: str, line: Optional[int] = None) -> Optional[str]:
        """What a name is imported as, where it is used (`line`): an import of the innermost
        function there that binds it, else the module's."""
        if line is not None:
            holding = [span for span, names in self.scoped.items() if span[0] <= line <= span[1] and name in names]
            if holding:
                return self.scoped[max(holding)][name]
        return self.bindings.get(name)

    @classmethod
    def of_module(cls, tree: ast.Module) -> "ImportTable":
        """The imports of a whole module, nested ones included, added in `ast.walk`'s order
        (a later binding of a name wins as it does there)."""
        table = cls()
        for node in import_statements(tree):
            table.add(node)
        return table

    def qualname(self, node: ast.expr, line: Optional[int] = None) -> Optional[str]:
        """The dotted name an expression refers to through the imports, or None; `line`:
        where it is used, when imports inside functions count there (`bound`)."""
        parts = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.bound(node.id, line)
        if base is None:
            return None
        parts.append(base)
        return ".".join(reversed(parts))


def _bind(bindings: Dict[str, str], node: ast.AST) -> None:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                bindings[alias.asname] = alias.name
            else:
                top = alias.name.partition(".")[0]
                bindings[top] = top
    elif isinstance(node, ast.ImportFrom):
        module = "." * (node.level or 0) + (node.module or "")
        for alias in node.names:
            if alias.name == "*":
                continue
            base = f"{module}.{alias.name}" if node.module else f"{module}{alias.name}"
            bindings[alias.asname or alias.name] = base


def string_annotation(text: str) -> Optional[ast.expr]:
    """The expression a string annotation spells (`"APIRouter"`, `" Optional[Session] "`);
    None when it does not parse (or is nested too deeply for the parser)."""
    try:
        return ast.parse(text.strip(), mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def refers_to(qualname: Optional[str], target: str) -> bool:
    """Whether `qualname` (possibly relative, like "..config.api_config") names `target`.

    A relative import is matched on its trailing module path, so `from ..config import
    api_config` in a package under `server` names `server.config.api_config`.
    """
    if qualname is None:
        return False
    if qualname == target:
        return True
    if qualname.startswith("."):
        stripped = qualname.lstrip(".")
        return bool(stripped) and (target == stripped or target.endswith("." + stripped))
    return False


def is_db_type(qualname: Optional[str]) -> bool:
    if not qualname or qualname.startswith("."):
        return False
    package, _, rest = qualname.partition(".")
    names = DB_TYPES.get(package)
    return names is not None and rest.rpartition(".")[2] in names
