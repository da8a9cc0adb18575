"""Synthetic FastAPI service generator for bench/bench.py.

The corpus imitates the layout of the style guide (`capabilities/<domain>/`, `services/<domain>/`,
`workflows/<domain>/`, `server/`, `shared/`) so that the linter's cheap path, its fact extraction
and its rules all see the kind of code they will meet in practice:

- router modules: `APIRouter` with prefixes from `server.config.api_config`, 4-10 handlers each,
  sync and async, `Annotated[..., Depends()]` parameters, nested routers and `include_router`;
  a minority break a convention (hardcoded or missing prefix, no tags, trailing slash, fat or
  branchy handlers, data access in a route, `Depends()` defaults, leaked dependencies);
- service modules: classes with methods, loops, comprehensions, small dataclasses;
- dependency modules: dataclass subclasses of `BaseDependencies` with initialize/cleanup, and
  functions that use try/finally;
- pydantic model modules;
- utility modules that never mention FastAPI (about a third of all modules).

Everything is drawn from one `random.Random(seed)`, so a seed gives byte-identical files.
Standard library only; nothing here is imported by the linter or its tests.
"""

from __future__ import annotations

import ast
import os
import random
import string
import sys
import textwrap
from dataclasses import dataclass
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

# ---- vocabulary ---------------------------------------------------------------------------

DOMAINS = (
    "persona", "calendar", "billing", "inventory", "search", "notifications", "documents",
    "embeddings", "ingestion", "crawl", "scheduling", "analytics", "reporting", "payments",
    "identity", "preferences", "discord", "immich", "comfyui", "memory", "knowledge", "tasks",
    "webhooks", "audit", "catalog", "pricing", "shipping", "support", "feedback", "media",
    "transcripts", "contacts", "journal", "recipes", "fitness", "travel", "expenses", "reading",
)
DOMAIN_SUFFIXES = ("", "_sync", "_export", "_insights", "_archive", "_graph", "_queue", "_hub")

ENTITIES = (
    "item", "order", "invoice", "customer", "document", "chunk", "event", "reminder", "task",
    "job", "message", "thread", "asset", "album", "photo", "workflow", "run", "report",
    "metric", "alert", "subscription", "plan", "coupon", "shipment", "ticket", "comment",
    "tag", "profile", "note", "playlist", "device", "contact", "budget", "entry", "source",
    "prompt", "snapshot", "category", "webhook_delivery", "api_key", "upload", "transcript",
)

# layer -> (api_config constant, tag, whether the prefix gets a "/<domain>" segment)
LAYERS = {
    "capabilities": ("CAPABILITIES_PREFIX", "capabilities", True),
    "services": ("SERVICES_PREFIX", "services", True),
    "workflows": ("V1_PREFIX", "workflows", True),
    "data": ("DATA_PREFIX", "data", True),
    "rag": ("RAG_PREFIX", "rag", False),
}
LAYER_WEIGHTS = (("capabilities", 40), ("services", 30), ("workflows", 18), ("data", 8),
                 ("rag", 4))
PREFIX_VALUES = {
    "V1_PREFIX": "/api/v1", "CAPABILITIES_PREFIX": "/api/v1/capabilities",
    "SERVICES_PREFIX": "/api/v1/services", "DATA_PREFIX": "/api/v1/data",
    "RAG_PREFIX": "/api/v1/rag", "ADMIN_PREFIX": "/api/v1/admin",
}

UTIL_MODULE_NAMES = (
    "utils", "formatting", "parsing", "text", "timeutils", "retry", "caching", "hashing",
    "collections_ext", "pagination", "validation", "serialization", "metrics", "ratelimit",
    "redaction", "sampling",
)

COMMENTS = (
    "Keep the ordering stable so that pagination cursors stay valid between calls.",
    "The upstream API rejects batches larger than this, so stay well below it.",
    "Cheap check first: most requests never reach the slow path.",
    "Timestamps are stored in UTC; convert only at the edges.",
    "An empty result is a valid answer, not an error.",
    "Copy before mutating: callers keep references to the original.",
    "This mirrors the behaviour of the legacy service; see the migration notes.",
    "Do not log the payload itself, it may contain personal data.",
    "Sorting here keeps the response deterministic for snapshot tests.",
    "A set makes membership tests O(1) for the large tenants.",
    "TODO: move this into the domain layer once the v2 schema lands.",
    "Guard against clock skew between workers.",
    "Values below the threshold are noise from the sampling job.",
    "Fall back to the default rather than failing the whole request.",
    "We batch to keep memory flat even for the biggest accounts.",
    "Rounded for display only; the stored value keeps full precision.",
)

SENTENCES = (
    "The result is safe to cache for a short time.",
    "Callers own the returned objects and may mutate them.",
    "Raises ValueError when the input cannot be interpreted.",
    "This is pure: it performs no I/O and never touches global state.",
    "Ordering follows creation time, oldest first.",
    "The function is idempotent; calling it twice has no further effect.",
    "Large inputs are processed lazily to keep memory use bounded.",
    "Unknown keys are ignored rather than rejected, for forward compatibility.",
)


def snake_to_camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


def plural(word: str) -> str:
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    return word + "s"


def render(template: str, **values: object) -> str:
    """`$name` placeholders (string.Template): Python's own braces stay untouched."""
    return string.Template(textwrap.dedent(template).strip("\n")).substitute(values) + "\n"


# ---- imports ------------------------------------------------------------------------------

_LOCAL_TOPS = {"server", "shared", "capabilities", "services", "workflows", "data", "rag"}
_STDLIB = set(getattr(sys, "stdlib_module_names", ())) | {"__future__"}


class Imports:
    """Collects what a module's code uses and renders an isort-like header (future, stdlib,
    third party, local), so generated modules have no unused imports for pyflakes to report."""

    def __init__(self) -> None:
        self.plain: Set[str] = set()
        self.names: Dict[str, Set[str]] = {}
        self.preamble: List[str] = []

    def need(self, *specs: str) -> "Imports":
        # "mod" -> import mod; "mod:a,b" -> from mod import a, b; "=line" -> module-level line
        for spec in specs:
            if spec.startswith("="):
                if spec[1:] not in self.preamble:
                    self.preamble.append(spec[1:])
            elif ":" in spec:
                module, _, names = spec.partition(":")
                self.names.setdefault(module, set()).update(names.split(","))
            else:
                self.plain.add(spec)
        return self

    def render(self) -> str:
        groups: Dict[int, List[Tuple[str, str]]] = {0: [], 1: [], 2: [], 3: []}

        def group_of(module: str) -> int:
            top = module.split(".")[0]
            if module == "__future__":
                return 0
            if top in _STDLIB:
                return 1
            return 3 if top in _LOCAL_TOPS else 2

        for module in self.plain:
            groups[group_of(module)].append((module, f"import {module}"))
        for module, names in self.names.items():
            ordered = sorted(names, key=lambda n: (not n[0].isupper(), n.lower()))
            line = f"from {module} import {', '.join(ordered)}"
            if len(line) > 99:
                body = "".join(f"    {name},\n" for name in ordered)
                line = f"from {module} import (\n{body})"
            groups[group_of(module)].append((module, line))
        blocks = ["\n".join(text for _, text in sorted(items, key=lambda i: (
            not i[1].startswith("import"), i[0]))) for _, items in sorted(groups.items()) if items]
        header = "\n\n".join(blocks) + "\n"
        if self.preamble:
            header += "\n" + "\n".join(self.preamble) + "\n"
        return header


@dataclass
class Module:
    path: str  # relative, with "/"
    kind: str  # router, service, dependencies, models, utility, infra, init
    text: str = ""


def wrap_doc(text: str) -> str:
    """Module docstrings are built from sentences; wrap each paragraph like an editor would."""
    paragraphs = [textwrap.fill(p, 95) for p in text.strip().split("\n\n")]
    return "\n\n".join(paragraphs) + ("\n" if len(paragraphs) > 1 else "")


def assemble(docstring: str, imports: Imports, sections: Sequence[str]) -> str:
    parts = [f'"""{wrap_doc(docstring)}"""\n', imports.render()]
    parts.extend(section.rstrip("\n") + "\n" for section in sections)
    return "\n\n".join(p.rstrip("\n") for p in parts[:2]) + "\n\n\n" + "\n\n\n".join(
        p.rstrip("\n") for p in parts[2:]) + "\n"


def indent(text: str, levels: int = 1) -> str:
    return textwrap.indent(text, "    " * levels)


# ---- context ------------------------------------------------------------------------------

@dataclass
class Package:
    layer: str
    domain: str
    entities: List[str]
    has_router_problem: bool = False

    @property
    def dotted(self) -> str:
        return f"{self.layer}.{self.domain}"

    @property
    def deps_class(self) -> str:
        return f"{snake_to_camel(self.domain)}Dependencies"


def entity_values(package: Package, entity: str) -> Dict[str, str]:
    es = plural(entity)
    return {
        "e": entity, "es": es, "E": snake_to_camel(entity), "Es": snake_to_camel(es),
        "e_words": entity.replace("_", " "), "es_words": es.replace("_", " "),
        "path": es.replace("_", "-"), "D": package.deps_class, "pkg": package.dotted,
        "domain": package.domain, "Domain": snake_to_camel(package.domain),
    }


# ---- router modules -----------------------------------------------------------------------

# (name, weight, imports, template). Templates use $router for the receiver.
HANDLERS: List[Tuple[str, int, Tuple[str, ...], str]] = [
    ("list", 10, ("fastapi:Query", "server.core.api_utils:ManagedDependencies",
                  "$pkg.models:${E}Page,${E}Status"), '''
        @$router.get("/$path", response_model=${E}Page)
        async def list_$es(
            user: CurrentUser,
            limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
            cursor: Annotated[str | None, Query(description="Cursor from the previous page")] = None,
            status_filter: Annotated[${E}Status | None, Query(alias="status")] = None,
        ) -> ${E}Page:
            """List the caller's $es_words, newest first.

            The cursor is opaque to clients; it encodes the last seen id and its timestamp.
            """
            async with ManagedDependencies($D, user_email=user.email) as deps:
                service = ${E}Service(deps)
                return await service.list_$es(
                    owner_id=str(user.id), limit=limit, cursor=cursor, status=status_filter
                )
    '''),
    ("get", 10, ("uuid:UUID", "fastapi:HTTPException,status", "$pkg.models:${E}Response"), '''
        @$router.get("/$path/{${e}_id}", response_model=${E}Response)
        async def get_$e(${e}_id: UUID, user: CurrentUser, service: ${E}ServiceDep) -> ${E}Response:
            """Fetch one $e_words: 404 when it does not exist, 403 when it is not the caller's."""
            $e = await service.get_$e(${e}_id)
            if $e is None:
                raise HTTPException(
                    status_code=status.HTTP_404_NOT_FOUND,
                    detail=f"$E {${e}_id} not found",
                )
            if $e.owner_id != str(user.id) and not user.is_admin:
                raise HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail="Not allowed")
            return ${E}Response.model_validate($e)
    '''),
    ("create", 8, ("fastapi:BackgroundTasks,status", "$pkg.models:${E}Create,${E}Response",
                   "$pkg.services.${e}_service:notify_${e}_changed"), '''
        @$router.post("/$path", response_model=${E}Response, status_code=status.HTTP_201_CREATED)
        async def create_$e(
            payload: ${E}Create,
            user: CurrentUser,
            background_tasks: BackgroundTasks,
        ) -> ${E}Response:
            """Create a $e_words owned by the caller and announce it to subscribers."""
            deps = ${D}.from_settings(user_id=str(user.id), user_email=user.email)
            await deps.initialize()
            try:
                service = ${E}Service(deps)
                created = await service.create_$e(payload, owner_id=str(user.id))
            finally:
                await deps.cleanup()
            # $comment
            background_tasks.add_task(notify_${e}_changed, created.id, "created")
            return created
    '''),
    ("update", 8, ("uuid:UUID", "$pkg.models:${E}Response,${E}Update"), '''
        @$router.patch("/$path/{${e}_id}", response_model=${E}Response)
        async def update_$e(
            ${e}_id: UUID,
            changes: ${E}Update,
            user: CurrentUser,
            service: ${E}ServiceDep,
        ) -> ${E}Response:
            """Apply a partial update. Fields left out of the request keep their value."""
            updated = await service.update_$e(${e}_id, changes, actor_id=str(user.id))
            logger.info("$e_words %s updated by %s", ${e}_id, user.id)
            return updated
    '''),
    ("update_depends_default", 3, ("uuid:UUID", "$pkg.models:${E}Response,${E}Update",
                                   "$pkg.dependencies:get_${e}_service"), '''
        @$router.put("/$path/{${e}_id}", response_model=${E}Response)
        async def replace_$e(
            ${e}_id: UUID,
            replacement: ${E}Update,
            user: User = Depends(get_current_user),
            service: ${E}Service = Depends(get_${e}_service),
        ) -> ${E}Response:
            """Replace a $e_words wholesale (the style guide's older `= Depends()` form)."""
            return await service.update_$e(
                ${e}_id, replacement, actor_id=str(user.id), partial=False
            )
    '''),
    ("delete", 7, ("uuid:UUID", "fastapi:status"), '''
        @$router.delete("/$path/{${e}_id}", status_code=status.HTTP_204_NO_CONTENT)
        async def delete_$e(${e}_id: UUID, user: CurrentUser, service: ${E}ServiceDep) -> None:
            """Delete a $e_words. Deleting twice is not an error."""
            deleted = await service.delete_$e(${e}_id, owner_id=str(user.id))
            if not deleted:
                logger.info("delete of missing $e_words %s ignored", ${e}_id)
    '''),
    ("export_sync", 5, ("csv", "io", "fastapi:Query", "fastapi.responses:PlainTextResponse"), '''
        @$router.get("/$path/export.csv", response_class=PlainTextResponse)
        def export_${es}_csv(
            user: CurrentUser,
            service: ${E}ServiceDep,
            columns: Annotated[list[str] | None, Query(description="Columns to include")] = None,
        ) -> str:
            """Render the caller's $es_words as CSV.

            A plain `def`: formatting is CPU-bound, so FastAPI runs it in the threadpool.
            """
            fieldnames = columns or ["id", "name", "status", "created_at"]
            rows = service.export_rows(owner_id=str(user.id))
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=fieldnames, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            return buffer.getvalue()
    '''),
    ("search", 6, ("fastapi:Query", "$pkg.models:${E}Response"), '''
        @$router.get("/$path/search", response_model=list[${E}Response])
        async def search_$es(
            user: CurrentUser,
            service: ${E}ServiceDep,
            q: Annotated[str, Query(min_length=2, max_length=200)],
            tags: Annotated[list[str] | None, Query()] = None,
        ) -> list[${E}Response]:
            """Full-text search over the caller's $es_words, optionally narrowed by tags."""
            hits = await service.search(q, owner_id=str(user.id))
            if tags:
                wanted = set(tags)
                hits = [hit for hit in hits if wanted.intersection(hit.tags)]
            return hits
    '''),
    ("transition", 5, ("uuid:UUID", "fastapi:HTTPException,status",
                       "$pkg.models:${E}Response,${E}Status",
                       "$pkg.services.${e}_service:${E}NotFoundError,${E}TransitionError"), '''
        @$router.post("/$path/{${e}_id}/status", response_model=${E}Response)
        async def transition_$e(
            ${e}_id: UUID,
            target: ${E}Status,
            user: CurrentUser,
            service: ${E}ServiceDep,
        ) -> ${E}Response:
            """Move a $e_words to another status; the allowed moves live in the service."""
            try:
                return await service.transition(${e}_id, target, actor_id=str(user.id))
            except ${E}NotFoundError:
                raise HTTPException(status_code=status.HTTP_404_NOT_FOUND, detail="Not found") from None
            except ${E}TransitionError as error:
                raise HTTPException(status_code=status.HTTP_409_CONFLICT, detail=str(error)) from error
    '''),
    ("stats_sync", 4, ("fastapi:Query",), '''
        @$router.get("/$path/stats")
        def ${e}_stats(
            user: CurrentUser,
            service: ${E}ServiceDep,
            days: Annotated[int, Query(ge=1, le=365)] = 30,
        ) -> dict[str, float]:
            """Aggregate counters for the dashboard, over the last `days` days."""
            stats = service.compute_stats(owner_id=str(user.id), days=days)
            return {name: round(value, 2) for name, value in stats.as_dict().items()}
    '''),
    # ---- convention breakers, kept rare ----
    ("fat", 2, (), '''
        @$router.get("/$path/summary")
        async def ${e}_summary(user: CurrentUser, service: ${E}ServiceDep) -> dict[str, object]:
            """Summarise the caller's $es_words for the dashboard."""
            items = await service.list_all(owner_id=str(user.id))
            total = len(items)
            active = 0
            archived = 0
            newest = None
            for item in items:
                if item.status == "active":
                    active += 1
                elif item.status == "archived":
                    archived += 1
                if newest is None or item.created_at > newest:
                    newest = item.created_at
            ratio = active / total if total else 0.0
            labels = sorted({tag for item in items for tag in item.tags})
            logger.debug("summary for %s: %d $es_words", user.id, total)
            payload: dict[str, object] = {"total": total, "active": active, "archived": archived}
            payload["active_ratio"] = round(ratio, 3)
            payload["newest"] = newest.isoformat() if newest else None
            payload["labels"] = labels[:20]
            return payload
    '''),
    ("data_access", 2, ("sqlalchemy:func,select", "sqlalchemy.ext.asyncio:AsyncSession",
                        "server.db:get_session", "$pkg.tables:${E}Row"), '''
        @$router.get("/$path/count")
        async def count_$es(
            user: CurrentUser,
            session: Annotated[AsyncSession, Depends(get_session)],
        ) -> dict[str, int]:
            """Count the caller's $es_words."""
            result = await session.execute(
                select(func.count()).select_from(${E}Row).where(${E}Row.owner_id == user.id)
            )
            return {"count": result.scalar_one()}
    '''),
    ("branchy", 2, ("uuid:UUID", "fastapi:HTTPException", "$pkg.models:${E}Response,${E}Status"),
     '''
        @$router.post("/$path/{${e}_id}/move", response_model=${E}Response)
        async def move_$e(
            ${e}_id: UUID,
            target: ${E}Status,
            user: CurrentUser,
            service: ${E}ServiceDep,
        ) -> ${E}Response:
            """Move a $e_words to another status (rules inline, as they grew over time)."""
            current = await service.get_$e(${e}_id)
            if current is None:
                raise HTTPException(status_code=404, detail="not found")
            if current.owner_id != str(user.id) and not user.is_admin:
                raise HTTPException(status_code=403, detail="not allowed")
            if current.status == target:
                return current
            if target == ${E}Status.ARCHIVED and current.status == ${E}Status.DRAFT:
                raise HTTPException(status_code=409, detail="drafts are deleted, not archived")
            if target == ${E}Status.ACTIVE and not current.name:
                raise HTTPException(status_code=422, detail="a name is required first")
            return await service.set_status(${e}_id, target)
    '''),
    ("leaky_cleanup", 1, ("$pkg.models:${E}Create,${E}Response",), '''
        @$router.post("/$path/import", response_model=list[${E}Response])
        async def import_$es(payload: list[${E}Create], user: CurrentUser) -> list[${E}Response]:
            """Bulk import; written before ManagedDependencies existed."""
            deps = ${D}.from_settings(user_id=str(user.id), user_email=user.email)
            await deps.initialize()
            service = ${E}Service(deps)
            created = await service.bulk_import(payload, owner_id=str(user.id))
            await deps.cleanup()
            return created
    '''),
    ("no_cleanup", 1, ("$pkg.models:${E}Response",), '''
        @$router.post("/$path/reindex", response_model=list[${E}Response])
        async def reindex_$es(user: CurrentUser) -> list[${E}Response]:
            """Rebuild the search index for the caller's $es_words."""
            deps = ${D}.from_settings(user_id=str(user.id), user_email=user.email)
            await deps.initialize()
            service = ${E}Service(deps)
            return await service.reindex(owner_id=str(user.id))
    '''),
]


def _prefix_expression(rng: random.Random, package: Package, segment: str) -> Tuple[str, str]:
    """The router's prefix= and tags= source, and which convention (if any) it breaks."""
    constant, tag, with_segment = LAYERS[package.layer]
    good = (f'f"{{api_config.{constant}}}/{segment}"' if with_segment
            else f"api_config.{constant}")
    tags = f'["{tag}", "{package.domain}"]'
    roll = rng.random()
    if roll < 0.08:
        value = PREFIX_VALUES[constant] + (f"/{segment}" if with_segment else "")
        return f'"{value}"', tags  # FCL001 hardcoded
    if roll < 0.13:
        return "", tags  # FCL004: no prefix; main.py then passes one (FCL005)
    if roll < 0.17 and with_segment:
        return f'f"{{api_config.{constant}}}/{segment}/"', tags  # FCL006 trailing slash
    if roll < 0.25:
        return good, ""  # FCL003 no tags
    return good, tags


def router_module(rng: random.Random, package: Package, name: str,
                  entities: Sequence[str]) -> Tuple[str, Optional[str]]:
    """Source of one router module and how main.py must include it ("plain", "prefix" or
    "doubled"), or None when it is included by another module."""
    imports = Imports().need(
        "__future__:annotations", "logging", "typing:Annotated", "fastapi:APIRouter,Depends",
        "server.dependencies:get_current_user", "services.auth.models:User",
        "=logger = logging.getLogger(__name__)",
    )
    segment = package.domain.replace("_", "-")
    if name != "router":
        segment += "/" + name.replace("_router", "").replace("_", "-")
    prefix, tags = _prefix_expression(rng, package, segment)
    arguments = ([f"prefix={prefix}"] if prefix else []) + ([f"tags={tags}"] if tags else [])
    sections = [
        "CurrentUser = Annotated[User, Depends(get_current_user)]\n"
        + "".join(
            f"{snake_to_camel(e)}ServiceDep = Annotated[{snake_to_camel(e)}Service, "
            f"Depends(get_{e}_service)]\n" for e in entities),
        "router = APIRouter(\n" + "".join(f"    {a},\n" for a in arguments) + ")\n",
    ]
    nested = rng.random() < 0.3
    if nested:
        sections[-1] += ('\n# Operator-only endpoints, mounted under this router\'s prefix.\n'
                         'admin = APIRouter(prefix="/admin", tags=["admin"])\n')
    used: Set[str] = set()
    for entity in entities:
        values = entity_values(package, entity)
        imports.need(f"{package.dotted}.services.{entity}_service:{values['E']}Service",
                     f"{package.dotted}.dependencies:get_{entity}_service")
        names = [h[0] for h in HANDLERS]
        weights = [h[1] for h in HANDLERS]
        count = rng.randint(3, 6)
        chosen: List[int] = []
        while len(chosen) < count:
            index = rng.choices(range(len(names)), weights)[0]
            if index not in chosen and (names[index], entity) not in used:
                chosen.append(index)
                used.add((names[index], entity))
        for index in chosen:
            _, _, needs, template = HANDLERS[index]
            receiver = "admin" if nested and rng.random() < 0.2 else "router"
            values.update(router=receiver, comment=rng.choice(COMMENTS))
            imports.need(*(string.Template(n).substitute(values) for n in needs))
            sections.append(render(template, **values))
    if rng.random() < 0.25:
        domain = package.domain
        sections.append(render('''
            def ${domain}_health() -> dict[str, str]:
                """Liveness probe for the $domain routes; registered without a decorator."""
                return {"status": "ok", "component": "$domain"}


            router.add_api_route("/health", ${domain}_health, methods=["GET"], include_in_schema=False)
        ''', domain=domain))
    if nested:
        sections.append("router.include_router(admin)\n")
    body = "".join(sections)
    if "api_config." in body:
        imports.need("server.config:api_config")
    if package.deps_class in body:
        imports.need(f"{package.dotted}.dependencies:{package.deps_class}")
    title = package.domain.replace("_", " ")
    doc = (f"HTTP routes for {title}: {', '.join(plural(e).replace('_', ' ') for e in entities)}."
           f"\n\nHandlers stay thin: they validate input, call the service layer and translate\n"
           f"domain errors into HTTP responses. {rng.choice(SENTENCES)}\n")
    mode = "prefix" if not prefix else ("doubled" if rng.random() < 0.03 else "plain")
    return assemble(doc, imports, sections), mode


# ---- service modules ----------------------------------------------------------------------

SERVICE_METHODS: List[Tuple[str, str]] = [
    ("list", '''
        async def list_$es(
            self,
            *,
            owner_id: str,
            limit: int = DEFAULT_PAGE_SIZE,
            cursor: str | None = None,
            status: ${E}Status | None = None,
        ) -> ${E}Page:
            """One page of $es_words for `owner_id`, newest first."""
            query: dict[str, Any] = {"owner_id": owner_id, "deleted_at": None}
            if status is not None:
                query["status"] = status.value
            if cursor:
                created_before, last_id = _decode_cursor(cursor)
                query["$$or"] = [
                    {"created_at": {"$$lt": created_before}},
                    {"created_at": created_before, "_id": {"$$lt": last_id}},
                ]
            documents = await (
                self._collection.find(query).sort([("created_at", -1), ("_id", -1)]).to_list(limit + 1)
            )
            # $comment
            items = [self._to_response(document) for document in documents[:limit]]
            next_cursor = None
            if len(documents) > limit:
                last = documents[limit - 1]
                next_cursor = _encode_cursor(last["created_at"], str(last["_id"]))
            return ${E}Page(items=items, next_cursor=next_cursor)
    '''),
    ("get", '''
        async def get_$e(self, ${e}_id: UUID) -> ${E}Response | None:
            """The $e_words with this id, or None. Soft-deleted records are invisible."""
            key = str(${e}_id)
            if key in self._cache:
                return self._cache[key]
            document = await self._collection.find_one({"_id": key, "deleted_at": None})
            if document is None:
                return None
            response = self._to_response(document)
            self._cache[key] = response
            return response
    '''),
    ("create", '''
        async def create_$e(self, payload: ${E}Create, *, owner_id: str) -> ${E}Response:
            """Validate and store a new $e_words."""
            now = datetime.now(timezone.utc)
            document = payload.model_dump()
            document.update(
                _id=str(uuid4()),
                owner_id=owner_id,
                status=${E}Status.DRAFT.value,
                created_at=now,
                updated_at=now,
                deleted_at=None,
            )
            if len(document.get("tags", [])) > MAX_TAGS:
                raise ValueError(f"at most {MAX_TAGS} tags are allowed")
            await self._collection.insert_one(document)
            logger.info("created $e_words %s for %s", document["_id"], owner_id)
            return self._to_response(document)
    '''),
    ("update", '''
        async def update_$e(
            self, ${e}_id: UUID, changes: ${E}Update, *, actor_id: str, partial: bool = True
        ) -> ${E}Response:
            """Apply `changes`; with `partial`, fields that were not sent are left alone."""
            current = await self.get_$e(${e}_id)
            if current is None:
                raise ${E}NotFoundError(${e}_id)
            fields = changes.model_dump(exclude_unset=partial)
            update = {name: value for name, value in fields.items() if name not in READ_ONLY_FIELDS}
            update["updated_at"] = datetime.now(timezone.utc)
            update["updated_by"] = actor_id
            await self._collection.update_one({"_id": str(${e}_id)}, {"$$set": update})
            self._cache.pop(str(${e}_id), None)
            merged = current.model_copy(update=update)
            return merged
    '''),
    ("delete", '''
        async def delete_$e(self, ${e}_id: UUID, *, owner_id: str) -> bool:
            """Soft-delete; returns False when there was nothing to delete."""
            result = await self._collection.update_one(
                {"_id": str(${e}_id), "owner_id": owner_id, "deleted_at": None},
                {"$$set": {"deleted_at": datetime.now(timezone.utc)}},
            )
            self._cache.pop(str(${e}_id), None)
            return result.modified_count > 0
    '''),
    ("search", '''
        async def search(self, text: str, *, owner_id: str, limit: int = 25) -> list[${E}Response]:
            """Rank $es_words by how well their name and description match `text`."""
            terms = [term for term in text.lower().split() if len(term) > 1]
            if not terms:
                return []
            candidates = await self.list_all(owner_id=owner_id)
            scored = []
            for candidate in candidates:
                haystack = f"{candidate.name} {candidate.description or ''}".lower()
                hits = sum(haystack.count(term) for term in terms)
                if hits:
                    scored.append((hits / (1 + len(haystack) / 500), candidate))
            scored.sort(key=lambda pair: pair[0], reverse=True)
            return [candidate for _, candidate in scored[:limit]]
    '''),
    ("list_all", '''
        async def list_all(self, *, owner_id: str) -> list[${E}Response]:
            """Every live $e_words of the owner; used by exports and the search fallback."""
            documents = await self._collection.find(
                {"owner_id": owner_id, "deleted_at": None}
            ).to_list(None)
            return [self._to_response(document) for document in documents]
    '''),
    ("transition", '''
        async def transition(
            self, ${e}_id: UUID, target: ${E}Status, *, actor_id: str
        ) -> ${E}Response:
            """Move to `target` if the state machine allows it."""
            current = await self.get_$e(${e}_id)
            if current is None:
                raise ${E}NotFoundError(${e}_id)
            allowed = ALLOWED_TRANSITIONS.get(current.status, frozenset())
            if target not in allowed:
                raise ${E}TransitionError(current.status, target)
            return await self.set_status(${e}_id, target, actor_id=actor_id)

        async def set_status(
            self, ${e}_id: UUID, target: ${E}Status, *, actor_id: str | None = None
        ) -> ${E}Response:
            """Store the new status unconditionally."""
            update = {"status": target.value, "updated_at": datetime.now(timezone.utc)}
            if actor_id is not None:
                update["updated_by"] = actor_id
            await self._collection.update_one({"_id": str(${e}_id)}, {"$$set": update})
            self._cache.pop(str(${e}_id), None)
            refreshed = await self.get_$e(${e}_id)
            assert refreshed is not None
            return refreshed
    '''),
    ("stats", '''
        def compute_stats(self, *, owner_id: str, days: int = 30) -> ${E}Stats:
            """Counters over the recent window, computed from the read model."""
            since = datetime.now(timezone.utc) - timedelta(days=days)
            by_status: dict[str, int] = defaultdict(int)
            total = 0
            durations: list[float] = []
            for row in self._read_model.rows(owner_id=owner_id, since=since):
                total += 1
                by_status[row["status"]] += 1
                if row.get("completed_at") and row.get("created_at"):
                    elapsed = row["completed_at"] - row["created_at"]
                    durations.append(elapsed.total_seconds())
            # $comment
            mean = sum(durations) / len(durations) if durations else 0.0
            return ${E}Stats(
                total=total,
                active=by_status.get("active", 0),
                archived=by_status.get("archived", 0),
                mean_seconds_to_complete=mean,
            )
    '''),
    ("export", '''
        def export_rows(self, *, owner_id: str) -> list[dict[str, str]]:
            """Flat rows for CSV export; nested values are JSON-encoded."""
            rows = []
            for row in self._read_model.rows(owner_id=owner_id):
                flat = {}
                for key, value in row.items():
                    if isinstance(value, (dict, list)):
                        flat[key] = json.dumps(value, sort_keys=True, default=str)
                    elif isinstance(value, datetime):
                        flat[key] = value.isoformat()
                    else:
                        flat[key] = "" if value is None else str(value)
                rows.append(flat)
            return rows
    '''),
    ("bulk", '''
        async def bulk_import(
            self, payloads: Sequence[${E}Create], *, owner_id: str
        ) -> list[${E}Response]:
            """Create many $es_words; failures are logged and skipped, not fatal."""
            created: list[${E}Response] = []
            failures = 0
            for start in range(0, len(payloads), IMPORT_BATCH_SIZE):
                batch = payloads[start:start + IMPORT_BATCH_SIZE]
                results = await asyncio.gather(
                    *(self.create_$e(payload, owner_id=owner_id) for payload in batch),
                    return_exceptions=True,
                )
                for result in results:
                    if isinstance(result, BaseException):
                        failures += 1
                        logger.warning("import of one $e_words failed: %s", result)
                    else:
                        created.append(result)
            logger.info("imported %d $es_words (%d failed)", len(created), failures)
            return created

        async def reindex(self, *, owner_id: str) -> list[${E}Response]:
            """Re-read every $e_words so the search index picks up schema changes."""
            self._cache.clear()
            return await self.list_all(owner_id=owner_id)
    '''),
    ("dedupe", '''
        async def find_duplicates(self, *, owner_id: str) -> list[list[${E}Response]]:
            """Groups of $es_words whose normalised names collide."""
            groups: dict[str, list[${E}Response]] = defaultdict(list)
            for candidate in await self.list_all(owner_id=owner_id):
                key = " ".join(candidate.name.lower().split())
                groups[key].append(candidate)
            duplicates = [group for group in groups.values() if len(group) > 1]
            duplicates.sort(key=len, reverse=True)
            return duplicates
    '''),
    ("expire", '''
        async def cleanup_expired(self, *, older_than_days: int = 90) -> int:
            """Hard-delete records soft-deleted more than `older_than_days` ago."""
            cutoff = datetime.now(timezone.utc) - timedelta(days=older_than_days)
            result = await self._collection.delete_many({"deleted_at": {"$$lt": cutoff}})
            if result.deleted_count:
                logger.info("purged %d expired $es_words", result.deleted_count)
            self._cache.clear()
            return result.deleted_count
    '''),
    ("http_error", '''
        async def get_or_404(self, ${e}_id: UUID) -> ${E}Response:
            """Like get_$e, for callers that want the HTTP error directly."""
            found = await self.get_$e(${e}_id)
            if found is None:
                raise HTTPException(status_code=404, detail=f"$E {${e}_id} not found")
            return found
    '''),
]


def service_module(rng: random.Random, package: Package, entity: str) -> str:
    values = entity_values(package, entity)
    values["comment"] = rng.choice(COMMENTS)
    imports = Imports().need(
        "__future__:annotations", "asyncio", "base64", "json", "logging",
        "collections:defaultdict", "dataclasses:dataclass", "datetime:datetime,timedelta,timezone",
        "typing:Any,Sequence", "uuid:UUID,uuid4",
        f"{package.dotted}.dependencies:{package.deps_class}",
        f"{package.dotted}.models:{values['E']}Create,{values['E']}Page,"
        f"{values['E']}Response,{values['E']}Status,{values['E']}Update",
        "=logger = logging.getLogger(__name__)",
    )
    sections = [render('''
        DEFAULT_PAGE_SIZE = 50
        MAX_TAGS = 20
        IMPORT_BATCH_SIZE = $batch
        READ_ONLY_FIELDS = frozenset({"_id", "owner_id", "created_at", "deleted_at"})

        ALLOWED_TRANSITIONS: dict[${E}Status, frozenset[${E}Status]] = {
            ${E}Status.DRAFT: frozenset({${E}Status.ACTIVE}),
            ${E}Status.ACTIVE: frozenset({${E}Status.ARCHIVED, ${E}Status.DRAFT}),
            ${E}Status.ARCHIVED: frozenset({${E}Status.ACTIVE}),
        }
    ''', batch=rng.choice((25, 50, 100, 200)), **values), render('''
        class ${E}NotFoundError(LookupError):
            """No live $e_words has this id."""


        class ${E}TransitionError(ValueError):
            """The state machine does not allow this move."""

            def __init__(self, current: ${E}Status, target: ${E}Status) -> None:
                super().__init__(f"cannot move a $e_words from {current.value} to {target.value}")
                self.current = current
                self.target = target


        @dataclass(frozen=True)
        class ${E}Stats:
            """Dashboard counters for one owner."""

            total: int
            active: int
            archived: int
            mean_seconds_to_complete: float

            def as_dict(self) -> dict[str, float]:
                return {
                    "total": float(self.total),
                    "active": float(self.active),
                    "archived": float(self.archived),
                    "mean_seconds_to_complete": self.mean_seconds_to_complete,
                }
    ''', **values), render('''
        def _encode_cursor(created_at: datetime, last_id: str) -> str:
            raw = json.dumps({"t": created_at.isoformat(), "i": last_id}).encode()
            return base64.urlsafe_b64encode(raw).decode().rstrip("=")


        def _decode_cursor(cursor: str) -> tuple[datetime, str]:
            padded = cursor + "=" * (-len(cursor) % 4)
            try:
                data = json.loads(base64.urlsafe_b64decode(padded))
                return datetime.fromisoformat(data["t"]), str(data["i"])
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError("malformed pagination cursor") from error
    ''')]
    required = ["list", "get", "create", "update", "delete", "search", "list_all",
                "transition", "stats", "export", "bulk"]
    optional = ["dedupe"]
    if rng.random() < 0.25:
        optional.append("expire")  # the word "cleanup" reaches the prefilter, as in real code
    if rng.random() < 0.5:
        # Half the services raise HTTPException themselves: the guide says not to, but real
        # code bases do, and it decides how many files get past the linter's prefilter.
        optional.append("http_error")
        imports.need("fastapi:HTTPException")
    chosen = required + [name for name in optional if name == "http_error" or rng.random() < 0.7]
    methods = [render(template, **values) for name, template in SERVICE_METHODS if name in chosen]
    body = render('''
        class ${E}Service:
            """Use cases for $es_words.

            The service owns the business rules; routers only translate HTTP to calls
            on it. ${sentence}
            """

            def __init__(self, deps: $D) -> None:
                self._deps = deps
                self._collection = deps.mongo_client[deps.settings.database_name]["$es"]
                self._read_model = deps.read_model("$es")
                self._cache: dict[str, ${E}Response] = {}

            @staticmethod
            def _to_response(document: dict[str, Any]) -> ${E}Response:
                fields = {key: value for key, value in document.items() if not key.startswith("_")}
                return ${E}Response(id=document["_id"], **fields)
    ''', sentence=rng.choice(SENTENCES), **values)
    body += "".join("\n" + indent(method) for method in methods)
    sections.append(body)
    sections.append(render('''
        async def notify_${e}_changed(${e}_id: str, change: str) -> None:
            """Background task: tell subscribers that a $e_words changed."""
            logger.info("$e_words %s %s", ${e}_id, change)
            await asyncio.sleep(0)
    ''', **values))
    doc = (f"Business rules for {values['es_words']} in the {package.domain.replace('_', ' ')} "
           f"domain.\n\nNothing here knows about HTTP. {rng.choice(SENTENCES)}\n")
    return assemble(doc, imports, sections)


# ---- dependency modules -------------------------------------------------------------------

def dependencies_module(rng: random.Random, package: Package) -> str:
    D = package.deps_class
    domain = package.domain
    imports = Imports().need(
        "__future__:annotations", "logging", "collections.abc:AsyncIterator,Awaitable,Callable",
        "dataclasses:dataclass,field", "typing:Annotated,Any,TypeVar", "httpx",
        "fastapi:Depends", "pymongo:AsyncMongoClient", "shared.dependencies:BaseDependencies",
        "server.config:get_settings", "server.dependencies:get_current_user",
        "services.auth.models:User", "shared.read_model:ReadModel",
        "=logger = logging.getLogger(__name__)", '=T = TypeVar("T")',
    )
    extra_fields = rng.sample([
        "openai_client: Any | None = None",
        "redis: Any | None = None",
        "s3_client: Any | None = None",
        "neo4j_driver: Any | None = None",
        "feature_flags: dict[str, bool] = field(default_factory=dict)",
        "request_id: str | None = None",
        "locale: str = \"en\"",
    ], rng.randint(1, 4))
    cleanup_problem = rng.random()
    if cleanup_problem < 0.06:
        provider = '''
            async def get_${domain}_dependencies(
                user: Annotated[User, Depends(get_current_user)],
            ) -> AsyncIterator[$D]:
                """Request-scoped dependencies (no try/finally: leaks on errors)."""
                deps = $D.from_settings(user_id=str(user.id), user_email=user.email)
                await deps.initialize()
                yield deps
                await deps.cleanup()
        '''
    else:
        provider = '''
            async def get_${domain}_dependencies(
                user: Annotated[User, Depends(get_current_user)],
            ) -> AsyncIterator[$D]:
                """Request-scoped dependencies, closed however the request ends."""
                deps = $D.from_settings(user_id=str(user.id), user_email=user.email)
                await deps.initialize()
                try:
                    yield deps
                finally:
                    await deps.cleanup()
        '''
    timeouts = {"timeout": rng.choice((2000, 5000, 10000)),
                "seconds": rng.choice((5.0, 10.0, 30.0))}
    container = render('''
        @dataclass
        class $D(BaseDependencies):
            """Dependencies injected into the $domain services."""

            # External clients
            mongo_client: AsyncMongoClient | None = None
            http_client: httpx.AsyncClient | None = None
            $extra

            # Configuration
            settings: Any | None = None

            # User context for row-level security
            current_user_id: str | None = None
            current_user_email: str | None = None
            is_admin: bool = False
            _read_models: dict[str, ReadModel] = field(default_factory=dict, repr=False)

            @classmethod
            def from_settings(cls, **kwargs: Any) -> "$D":
                """Factory: fill in settings, let callers override anything."""
                kwargs.setdefault("settings", get_settings())
                if "user_id" in kwargs:
                    kwargs["current_user_id"] = kwargs.pop("user_id")
                if "user_email" in kwargs:
                    kwargs["current_user_email"] = kwargs.pop("user_email")
                return cls(**kwargs)

            async def initialize(self) -> None:
                """Open the connections this domain needs. Safe to call twice."""
                if self.settings is None:
                    self.settings = get_settings()
                if self.mongo_client is None:
                    self.mongo_client = AsyncMongoClient(
                        self.settings.mongodb_uri, serverSelectionTimeoutMS=$timeout
                    )
                if self.http_client is None:
                    self.http_client = httpx.AsyncClient(
                        base_url=self.settings.${domain}_base_url,
                        timeout=httpx.Timeout($seconds, connect=2.0),
                    )
                logger.debug("$domain dependencies ready for %s", self.current_user_email)

            async def cleanup(self) -> None:
                """Close whatever initialize() opened, in reverse order."""
                if self.http_client is not None:
                    await self.http_client.aclose()
                    self.http_client = None
                if self.mongo_client is not None:
                    await self.mongo_client.close()
                    self.mongo_client = None
                self._read_models.clear()

            def read_model(self, name: str) -> ReadModel:
                """A cached projection over the named collection."""
                if name not in self._read_models:
                    self._read_models[name] = ReadModel(self.mongo_client, name)
                return self._read_models[name]
    ''', D=D, domain=domain, extra="\n    ".join(extra_fields), **timeouts)
    sections = [container, render(provider, D=D, domain=domain)]
    for entity in package.entities:
        values = entity_values(package, entity)
        imports.need(f"{package.dotted}.services.{entity}_service:{values['E']}Service")
        sections.append(render('''
            def get_${e}_service(
                deps: Annotated[$D, Depends(get_${domain}_dependencies)],
            ) -> ${E}Service:
                """The ${e_words} service bound to this request's dependencies."""
                return ${E}Service(deps)
        ''', **values))
    if cleanup_problem > 0.95:
        sections.append(render('''
            async def warm_up_$domain() -> None:
                """Called at startup to prime the connection pool."""
                deps = $D.from_settings()
                await deps.initialize()
                logger.info("$domain pool warmed")
        ''', D=D, domain=domain))
    sections.append(render('''
        async def run_with_${domain}_dependencies(
            job: Callable[[$D], Awaitable[T]], **overrides: Any
        ) -> T:
            """Run a background job with its own dependencies, closed however it ends.

            Jobs have no request scope, so they cannot use the FastAPI provider above.
            """
            deps = $D.from_settings(**overrides)
            await deps.initialize()
            try:
                return await job(deps)
            finally:
                await deps.cleanup()
    ''', D=D, domain=domain))
    doc = (f"Dependency wiring for {domain.replace('_', ' ')}: clients, settings and the "
           f"per-request user.\n\n{rng.choice(SENTENCES)}\n")
    return assemble(doc, imports, sections)


# ---- pydantic model modules ---------------------------------------------------------------

FIELD_POOL = (
    ("description", "str | None", "Field(None, max_length=2000)"),
    ("tags", "list[str]", "Field(default_factory=list, max_length=20)"),
    ("priority", "int", "Field(3, ge=1, le=5, description=\"1 is the most urgent\")"),
    ("due_at", "datetime | None", "None"),
    ("amount_cents", "int", "Field(0, ge=0)"),
    ("currency", "str", "Field(\"EUR\", min_length=3, max_length=3)"),
    ("metadata", "dict[str, str]", "Field(default_factory=dict)"),
    ("url", "HttpUrl | None", "None"),
    ("score", "float", "Field(0.0, ge=0.0, le=1.0)"),
    ("is_pinned", "bool", "False"),
    ("language", "str", "Field(\"en\", min_length=2, max_length=8)"),
    ("external_id", "str | None", "Field(None, max_length=64)"),
    ("position", "int", "Field(0, ge=0)"),
    ("color", "str | None", "Field(None, pattern=r\"^#[0-9a-fA-F]{6}\\Z\")"),
)


def models_module(rng: random.Random, package: Package, entities: Sequence[str]) -> str:
    imports = Imports().need(
        "__future__:annotations", "datetime:datetime", "enum:Enum", "uuid:UUID",
        "pydantic:BaseModel,ConfigDict,Field",
    )
    sections = []
    for entity in entities:
        values = entity_values(package, entity)
        chosen = rng.sample(FIELD_POOL, rng.randint(3, 8))
        if any("HttpUrl" in f[1] for f in chosen):
            imports.need("pydantic:HttpUrl")
        lines = "".join(f"    {name}: {kind} = {default}\n" for name, kind, default in chosen)
        optional = "".join(
            f"    {name}: {kind if 'None' in kind else kind + ' | None'} = None\n"
            for name, kind, _ in chosen)
        has_tags = any(f[0] == "tags" for f in chosen)
        has_due = any(f[0] == "due_at" for f in chosen)
        sections.append(render('''
            class ${E}Status(str, Enum):
                """Lifecycle of a $e_words."""

                DRAFT = "draft"
                ACTIVE = "active"
                ARCHIVED = "archived"
        ''', **values))
        base = render('''
            class ${E}Base(BaseModel):
                """Fields shared by every $e_words schema."""

                model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

                name: str = Field(..., min_length=1, max_length=200)
        ''', **values) + lines
        if has_tags:
            imports.need("pydantic:field_validator")
            base += "\n" + indent(render('''
                @field_validator("tags")
                @classmethod
                def _normalise_tags(cls, value: list[str]) -> list[str]:
                    # $comment
                    seen: dict[str, None] = {}
                    for tag in value:
                        cleaned = tag.strip().lower()
                        if cleaned:
                            seen.setdefault(cleaned, None)
                    return list(seen)
            ''', comment=rng.choice(COMMENTS)))
        if has_due:
            imports.need("pydantic:model_validator", "datetime:timezone")
            base += "\n" + indent(render('''
                @model_validator(mode="after")
                def _due_in_future(self) -> "${E}Base":
                    if self.due_at is not None and self.due_at.tzinfo is None:
                        self.due_at = self.due_at.replace(tzinfo=timezone.utc)
                    return self
            ''', **values))
        sections.append(base)
        sections.append(render('''
            class ${E}Create(${E}Base):
                """Request body for creating a $e_words."""


            class ${E}Update(BaseModel):
                """Partial update: every field is optional."""

                model_config = ConfigDict(extra="forbid")

                name: str | None = Field(None, min_length=1, max_length=200)
        ''', **values) + optional)
        sections.append(render('''
            class ${E}Response(${E}Base):
                """A $e_words as the API returns it."""

                model_config = ConfigDict(from_attributes=True, extra="ignore")

                id: UUID
                owner_id: str
                status: ${E}Status = ${E}Status.DRAFT
                created_at: datetime
                updated_at: datetime | None = None


            class ${E}Page(BaseModel):
                """One page of $es_words and the cursor for the next one."""

                items: list[${E}Response]
                next_cursor: str | None = None

                @property
                def is_last(self) -> bool:
                    return self.next_cursor is None
        ''', **values))
    doc = (f"Pydantic I/O schemas for {package.domain.replace('_', ' ')}.\n\n"
           f"Schemas describe the wire format only; behaviour lives in the services.\n")
    return assemble(doc, imports, sections)


# ---- utility modules (never mention the web framework) ------------------------------------

UTILITIES: List[Tuple[Tuple[str, ...], str]] = [
    (("re", "unicodedata", "=_SLUG_STRIP = re.compile(r\"[^a-z0-9]+\")"), '''
        def slugify(text: str, *, max_length: int = 64, separator: str = "-") -> str:
            """Turn free text into a URL-safe slug.

            Accents are folded to their ASCII base letters first, so "Crème brûlée" becomes
            "creme-brulee" rather than "cr-me-br-l-e".
            """
            folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
            slug = _SLUG_STRIP.sub(separator, folded.lower()).strip(separator)
            if len(slug) <= max_length:
                return slug
            # $comment
            cut = slug[:max_length].rsplit(separator, 1)[0]
            return cut or slug[:max_length]
    '''),
    (("typing:Iterable,Iterator,TypeVar", '=T = TypeVar("T")'), '''
        def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
            """Yield lists of at most `size` items, preserving order."""
            if size < 1:
                raise ValueError(f"size must be positive, got {size}")
            batch: list[T] = []
            for item in items:
                batch.append(item)
                if len(batch) == size:
                    yield batch
                    batch = []
            if batch:
                yield batch
    '''),
    (("asyncio", "random", "logging", "typing:Awaitable,Callable,TypeVar", '=T = TypeVar("T")',
      "=logger = logging.getLogger(__name__)"), '''
        async def retry_async(
            operation: Callable[[], Awaitable[T]],
            *,
            attempts: int = 3,
            base_delay: float = 0.2,
            max_delay: float = 5.0,
            retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
        ) -> T:
            """Await `operation` until it succeeds or `attempts` are used up.

            The delay doubles after each failure and gets up to 10% jitter, so that many
            clients failing together do not retry in lock-step.
            """
            last_error: BaseException | None = None
            for attempt in range(1, attempts + 1):
                try:
                    return await operation()
                except retry_on as error:
                    last_error = error
                    if attempt == attempts:
                        break
                    delay = min(max_delay, base_delay * 2 ** (attempt - 1))
                    delay += random.uniform(0, delay / 10)
                    logger.warning(
                        "attempt %d/%d failed (%s); retrying in %.2fs", attempt, attempts, error, delay
                    )
                    await asyncio.sleep(delay)
            assert last_error is not None
            raise last_error
    '''),
    (("datetime:datetime,timezone",), '''
        def parse_timestamp(value: str | int | float | datetime, *, assume_utc: bool = True) -> datetime:
            """Accept ISO-8601 strings, epoch seconds or milliseconds, or datetimes.

            ${sentence}
            """
            if isinstance(value, datetime):
                parsed = value
            elif isinstance(value, (int, float)):
                seconds = value / 1000 if value > 10_000_000_000 else value
                parsed = datetime.fromtimestamp(seconds, tz=timezone.utc)
            else:
                text = value.strip()
                if text.endswith("Z"):
                    text = text[:-1] + "+00:00"
                parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is None and assume_utc:
                parsed = parsed.replace(tzinfo=timezone.utc)
            return parsed
    '''),
    (("=_UNITS = (\"B\", \"KiB\", \"MiB\", \"GiB\", \"TiB\")",), '''
        def human_bytes(size: int, *, precision: int = 1) -> str:
            """Format a byte count the way people read it: 1536 -> "1.5 KiB"."""
            if size < 0:
                return "-" + human_bytes(-size, precision=precision)
            value = float(size)
            for unit in _UNITS:
                if value < 1024 or unit == _UNITS[-1]:
                    break
                value /= 1024
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.{precision}f} {unit}"
    '''),
    (("copy", "typing:Any,Mapping"), '''
        def deep_merge(base: Mapping[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
            """Merge nested mappings; values from `override` win, lists are replaced.

            ${sentence}
            """
            merged = copy.deepcopy(dict(base))
            for key, value in override.items():
                existing = merged.get(key)
                if isinstance(existing, Mapping) and isinstance(value, Mapping):
                    merged[key] = deep_merge(existing, value)
                else:
                    merged[key] = copy.deepcopy(value)
            return merged
    '''),
    (("typing:Any,Mapping",), '''
        def flatten(mapping: Mapping[str, Any], *, separator: str = ".", prefix: str = "") -> dict[str, Any]:
            """{"a": {"b": 1}} -> {"a.b": 1}. Lists are kept as leaves."""
            flat: dict[str, Any] = {}
            for key, value in mapping.items():
                name = f"{prefix}{separator}{key}" if prefix else str(key)
                if isinstance(value, Mapping) and value:
                    flat.update(flatten(value, separator=separator, prefix=name))
                else:
                    flat[name] = value
            return flat
    '''),
    (("hashlib", "json", "typing:Any"), '''
        def stable_hash(value: Any, *, length: int = 16) -> str:
            """A short digest that does not change between runs or interpreters.

            Unlike hash(), it is independent of PYTHONHASHSEED; dict key order is normalised.
            """
            encoded = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
            digest = hashlib.blake2b(encoded.encode("utf-8"), digest_size=32).hexdigest()
            return digest[:length]
    '''),
    ((), '''
        def truncate(text: str, limit: int, *, marker: str = "…") -> str:
            """Shorten `text` to at most `limit` characters, cutting at a word boundary."""
            if len(text) <= limit:
                return text
            if limit <= len(marker):
                return marker[:limit]
            cut = text[: limit - len(marker)]
            space = cut.rfind(" ")
            # $comment
            if space > limit // 2:
                cut = cut[:space]
            return cut.rstrip(" ,.;:") + marker
    '''),
    (("typing:Iterable,Mapping",
      '=SENSITIVE_HEADERS = frozenset({"authorization", "x-api-key", "cookie", "set-cookie"})'), '''
        def redact_headers(
            headers: Mapping[str, str], *, extra: Iterable[str] = (), mask: str = "***"
        ) -> dict[str, str]:
            """A copy of `headers` that is safe to log: credentials are masked."""
            hidden = SENSITIVE_HEADERS | {name.lower() for name in extra}
            return {
                name: (mask if name.lower() in hidden or "token" in name.lower() else value)
                for name, value in headers.items()
            }
    '''),
    (("time", "threading", "typing:Generic,Hashable,TypeVar", '=K = TypeVar("K", bound=Hashable)',
      '=V = TypeVar("V")'), '''
        class TTLCache(Generic[K, V]):
            """A small thread-safe cache whose entries expire after `ttl` seconds.

            ${sentence}
            """

            def __init__(self, ttl: float, *, max_entries: int = 1024) -> None:
                self._ttl = ttl
                self._max_entries = max_entries
                self._entries: dict[K, tuple[float, V]] = {}
                self._lock = threading.Lock()

            def lookup(self, key: K) -> V | None:
                now = time.monotonic()
                with self._lock:
                    entry = self._entries.get(key)
                    if entry is None:
                        return None
                    expires, value = entry
                    if expires < now:
                        del self._entries[key]
                        return None
                    return value

            def store(self, key: K, value: V) -> None:
                with self._lock:
                    if len(self._entries) >= self._max_entries:
                        self._evict(time.monotonic())
                    self._entries[key] = (time.monotonic() + self._ttl, value)

            def _evict(self, now: float) -> None:
                # $comment
                expired = [key for key, (expires, _) in self._entries.items() if expires < now]
                for key in expired or list(self._entries)[: self._max_entries // 10]:
                    self._entries.pop(key, None)

            def __len__(self) -> int:
                return len(self._entries)
    '''),
    (("time", "asyncio"), '''
        class TokenBucket:
            """Rate limiter: `rate` tokens per second, bursts up to `capacity`."""

            def __init__(self, rate: float, capacity: int) -> None:
                if rate <= 0 or capacity <= 0:
                    raise ValueError("rate and capacity must be positive")
                self.rate = rate
                self.capacity = capacity
                self._tokens = float(capacity)
                self._updated = time.monotonic()

            def _refill(self) -> None:
                now = time.monotonic()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now

            def try_acquire(self, tokens: int = 1) -> bool:
                self._refill()
                if self._tokens >= tokens:
                    self._tokens -= tokens
                    return True
                return False

            async def acquire(self, tokens: int = 1) -> None:
                """Wait until `tokens` are available."""
                while not self.try_acquire(tokens):
                    missing = tokens - self._tokens
                    await asyncio.sleep(max(missing / self.rate, 0.001))
    '''),
    (("math", "typing:Sequence,TypeVar", '=T = TypeVar("T")'), '''
        def paginate(items: Sequence[T], page: int, per_page: int = 20) -> tuple[list[T], int]:
            """Slice one page out of `items`; returns the page and the number of pages."""
            if page < 1 or per_page < 1:
                raise ValueError("page and per_page start at 1")
            pages = max(1, math.ceil(len(items) / per_page))
            start = (page - 1) * per_page
            return list(items[start:start + per_page]), pages
    '''),
    ((), '''
        def normalise_address(value: str) -> str:
            """Lower-case the domain part of a mail address; keep the local part as typed.

            ${sentence}
            """
            local, sep, domain = value.strip().rpartition("@")
            if not sep or not local or "." not in domain:
                raise ValueError(f"not a mail address: {value!r}")
            return local + sep + domain.lower().rstrip(".")
    '''),
    (("math", "typing:Sequence"), '''
        def percentiles(
            values: Sequence[float], quantiles: Sequence[float] = (0.5, 0.9, 0.99)
        ) -> dict[float, float]:
            """Linear-interpolated percentiles, like numpy's default method."""
            if not values:
                return {q: math.nan for q in quantiles}
            ordered = sorted(values)
            result = {}
            for q in quantiles:
                if not 0 <= q <= 1:
                    raise ValueError(f"quantile out of range: {q}")
                position = q * (len(ordered) - 1)
                low = math.floor(position)
                high = min(low + 1, len(ordered) - 1)
                weight = position - low
                result[q] = ordered[low] * (1 - weight) + ordered[high] * weight
            return result
    '''),
    (("collections:defaultdict", "typing:Callable,Hashable,Iterable,TypeVar",
      '=T = TypeVar("T")', '=K = TypeVar("K", bound=Hashable)'), '''
        def group_by(items: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
            """Group items by `key(item)`, keeping the input order inside each group."""
            groups: dict[K, list[T]] = defaultdict(list)
            for item in items:
                groups[key(item)].append(item)
            return dict(groups)
    '''),
    (("os",), '''
        def env_flag(name: str, default: bool = False) -> bool:
            """Read a boolean feature flag from the environment ("1", "true", "yes", "on")."""
            raw = os.environ.get(name)
            if raw is None or not raw.strip():
                return default
            value = raw.strip().lower()
            if value in {"1", "true", "yes", "on"}:
                return True
            if value in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{name}={raw!r} is not a boolean")
    '''),
    ((), '''
        def mask_secret(value: str, *, keep: int = 4, fill: str = "•") -> str:
            """Show only the last `keep` characters of a secret, for logs and support tools."""
            if not value:
                return ""
            if len(value) <= keep * 2:
                return fill * len(value)
            return fill * (len(value) - keep) + value[-keep:]
    '''),
    (("asyncio", "typing:Awaitable,Iterable,TypeVar", '=T = TypeVar("T")'), '''
        async def gather_limited(tasks: Iterable[Awaitable[T]], *, limit: int = 8) -> list[T]:
            """Like asyncio.gather, with at most `limit` awaitables in flight."""
            semaphore = asyncio.Semaphore(limit)

            async def run(task: Awaitable[T]) -> T:
                async with semaphore:
                    return await task

            return list(await asyncio.gather(*(run(task) for task in tasks)))
    '''),
    (("time", "logging", "types:TracebackType", "=logger = logging.getLogger(__name__)"), '''
        class Stopwatch:
            """Context manager that logs how long a block took when it is slow.

            ${sentence}
            """

            def __init__(self, label: str, *, warn_after: float = 1.0) -> None:
                self.label = label
                self.warn_after = warn_after
                self.elapsed = 0.0
                self._start = 0.0

            def __enter__(self) -> "Stopwatch":
                self._start = time.perf_counter()
                return self

            def __exit__(
                self,
                exc_type: type[BaseException] | None,
                exc: BaseException | None,
                traceback: TracebackType | None,
            ) -> None:
                self.elapsed = time.perf_counter() - self._start
                if self.elapsed > self.warn_after:
                    logger.warning("%s took %.3fs", self.label, self.elapsed)
    '''),
    (("re", "datetime:timedelta",
      '=_DURATION = re.compile(r"(?P<value>\\d+(?:\\.\\d+)?)\\s*(?P<unit>ms|s|m|h|d|w)")'), '''
        _UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


        def parse_duration(text: str) -> timedelta:
            """Parse "1h30m", "45s", "2d 4h" or "250ms" into a timedelta."""
            total = 0.0
            position = 0
            for match in _DURATION.finditer(text.strip().lower()):
                if text.strip().lower()[position:match.start()].strip():
                    raise ValueError(f"unexpected text in duration {text!r}")
                total += float(match["value"]) * _UNIT_SECONDS[match["unit"]]
                position = match.end()
            if position == 0:
                raise ValueError(f"not a duration: {text!r}")
            return timedelta(seconds=total)
    '''),
    (("typing:Any,Mapping",), '''
        def diff_mappings(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
            """Keys whose values differ, as {key: (before, after)}; missing values are None."""
            changed = {}
            for key in sorted(set(before) | set(after)):
                old, new = before.get(key), after.get(key)
                if old != new:
                    changed[key] = (old, new)
            return changed
    '''),
    (("collections:deque", "typing:Iterable,Iterator"), '''
        def moving_average(values: Iterable[float], window: int = 5) -> Iterator[float]:
            """Simple moving average; the first values average over what is available."""
            if window < 1:
                raise ValueError("window must be at least 1")
            recent: deque[float] = deque(maxlen=window)
            total = 0.0
            for value in values:
                if len(recent) == window:
                    total -= recent[0]
                recent.append(value)
                total += value
                yield total / len(recent)
    '''),
    (("random",), '''
        def backoff_schedule(
            attempts: int, *, base: float = 0.5, cap: float = 30.0, seed: int | None = None
        ) -> list[float]:
            """Delays for "full jitter" exponential backoff, precomputed for tests and logs."""
            chooser = random.Random(seed)
            delays = []
            for attempt in range(attempts):
                ceiling = min(cap, base * (2 ** attempt))
                delays.append(round(chooser.uniform(0, ceiling), 3))
            return delays
    '''),
]


def utility_module(rng: random.Random, topic: str) -> str:
    imports = Imports().need("__future__:annotations")
    picks = rng.sample(range(len(UTILITIES)), rng.randint(5, 10))
    sections = []
    for index in sorted(picks):
        needs, template = UTILITIES[index]
        imports.need(*needs)
        sections.append(render(template, comment=rng.choice(COMMENTS),
                               sentence=rng.choice(SENTENCES)))
    exported = []
    for section in sections:
        for line in section.splitlines():
            if line.startswith(("def ", "async def ", "class ")):
                exported.append(line.split("def ")[-1].split("class ")[-1].split("(")[0]
                                .split(":")[0])
    sections.insert(0, "__all__ = [\n" + "".join(f'    "{name}",\n' for name in exported) + "]\n")
    doc = (f"Small helpers: {topic.replace('_', ' ')}.\n\nNo web or database imports here; "
           f"these are used from services and jobs alike. {rng.choice(SENTENCES)}\n")
    return assemble(doc, imports, sections)


# ---- infrastructure modules ---------------------------------------------------------------

def config_module() -> str:
    return render('''
        """Application settings and the API prefix table."""

        from __future__ import annotations

        from functools import lru_cache

        from pydantic_settings import BaseSettings, SettingsConfigDict


        class APIConfig:
            """URL prefixes for every router; routers import `api_config`, never hardcode paths."""

            V1_PREFIX = "/api/v1"
            AUTH_PREFIX = f"{V1_PREFIX}/auth"
            DATA_PREFIX = f"{V1_PREFIX}/data"
            CAPABILITIES_PREFIX = f"{V1_PREFIX}/capabilities"
            RAG_PREFIX = f"{V1_PREFIX}/rag"
            SERVICES_PREFIX = f"{V1_PREFIX}/services"
            ADMIN_PREFIX = f"{V1_PREFIX}/admin"
            MCP_PREFIX = f"{V1_PREFIX}/mcp"
            PREFERENCES_PREFIX = f"{V1_PREFIX}/preferences"


        api_config = APIConfig()


        class Settings(BaseSettings):
            """Process-wide settings, read once from the environment."""

            model_config = SettingsConfigDict(env_file=".env", extra="ignore")

            environment: str = "development"
            mongodb_uri: str = "mongodb://localhost:27017"
            database_name: str = "app"
            openai_api_key: str | None = None
            docs_enabled: bool = True
            request_timeout_seconds: float = 30.0


        @lru_cache
        def get_settings() -> Settings:
            return Settings()
    ''')


def infra_modules() -> List[Module]:
    return [
        Module("server/config.py", "infra", config_module()),
        Module("server/dependencies.py", "infra", render('''
            """Request-level dependencies shared by every router."""

            from __future__ import annotations

            from typing import Annotated

            from fastapi import Depends, HTTPException, Security, status
            from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

            from services.auth.models import User
            from services.auth.tokens import verify_token

            bearer = HTTPBearer(auto_error=False)


            async def get_current_user(
                credentials: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
            ) -> User:
                """The authenticated caller; 401 without a valid bearer token."""
                if credentials is None:
                    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
                user = await verify_token(credentials.credentials)
                if user is None:
                    raise HTTPException(status_code=status.HTTP_401_UNAUTHORIZED)
                return user


            async def require_admin(user: Annotated[User, Depends(get_current_user)]) -> User:
                if not user.is_admin:
                    raise HTTPException(status_code=status.HTTP_403_FORBIDDEN)
                return user
        ''')),
        Module("server/core/api_utils.py", "infra", render('''
            """ManagedDependencies: the recommended way to use BaseDependencies in a handler."""

            from __future__ import annotations

            from types import TracebackType
            from typing import Any, Generic, TypeVar

            from shared.dependencies import BaseDependencies

            D = TypeVar("D", bound=BaseDependencies)


            class ManagedDependencies(Generic[D]):
                """`async with ManagedDependencies(MyDeps, ...) as deps:` initialises and cleans up."""

                def __init__(self, deps_class: type[D], **kwargs: Any) -> None:
                    self._deps = deps_class.from_settings(**kwargs)

                async def __aenter__(self) -> D:
                    await self._deps.initialize()
                    return self._deps

                async def __aexit__(
                    self,
                    exc_type: type[BaseException] | None,
                    exc: BaseException | None,
                    traceback: TracebackType | None,
                ) -> None:
                    await self._deps.cleanup()
        ''')),
        Module("server/db.py", "infra", render('''
            """SQL sessions for the few domains that use the relational store."""

            from __future__ import annotations

            from collections.abc import AsyncIterator

            from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

            from server.config import get_settings

            engine = create_async_engine(get_settings().mongodb_uri.replace("mongodb", "postgresql"))
            SessionFactory = async_sessionmaker(engine, expire_on_commit=False)


            async def get_session() -> AsyncIterator[AsyncSession]:
                session = SessionFactory()
                try:
                    yield session
                finally:
                    await session.close()
        ''')),
        Module("shared/dependencies.py", "infra", render('''
            """The base class every domain's dependency container derives from."""

            from __future__ import annotations

            from dataclasses import dataclass
            from typing import Any


            @dataclass
            class BaseDependencies:
                """Holds clients for one request or job; subclasses open and close them."""

                @classmethod
                def from_settings(cls, **kwargs: Any) -> "BaseDependencies":
                    return cls(**kwargs)

                async def initialize(self) -> None:
                    """Open connections. Subclasses override."""

                async def cleanup(self) -> None:
                    """Close connections. Subclasses override."""
        ''')),
    ]


def main_module(routers: Sequence[Tuple[str, str, str, str]]) -> str:
    """server/main.py: the app and one include_router per router module.
    routers: (dotted module, router variable, alias, mode)."""
    imports = Imports().need(
        "__future__:annotations", "collections.abc:AsyncIterator", "contextlib:asynccontextmanager",
        "fastapi:FastAPI", "server.config:get_settings",
    )
    if any(mode != "plain" for *_, mode in routers):
        imports.need("server.config:api_config")
    lines = []
    aliases: Set[str] = set()
    for module, variable, alias, mode in routers:
        if alias in aliases:  # the same domain name under two layers
            alias = f"{module.split('.')[0]}_{alias}"
        aliases.add(alias)
        imports.need(f"{module}:{variable} as {alias}")
        if mode == "prefix":
            lines.append(f'app.include_router({alias}, prefix=f"{{api_config.V1_PREFIX}}/'
                         f'{alias.replace("_router", "").replace("_", "-")}")')
        elif mode == "doubled":
            lines.append(f"app.include_router({alias}, prefix=api_config.V1_PREFIX)")
        else:
            lines.append(f"app.include_router({alias})")
    sections = [render('''
        @asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            """Open shared pools at startup and close them at shutdown."""
            settings = get_settings()
            app.state.settings = settings
            yield
    '''), render('''
        settings = get_settings()
        app = FastAPI(
            title="Lambda API",
            lifespan=lifespan,
            docs_url="/docs" if settings.docs_enabled else None,
            redoc_url=None,
        )
    '''), "# Routers own their prefixes; registration passes none.\n" + "\n".join(lines) + "\n"]
    return assemble("FastAPI application entry point.\n", imports, sections)


# ---- the project --------------------------------------------------------------------------

def _new_package(rng: random.Random, used: Set[Tuple[str, str]]) -> Package:
    layer = rng.choices([name for name, _ in LAYER_WEIGHTS], [w for _, w in LAYER_WEIGHTS])[0]
    domain = rng.choice(DOMAINS) + rng.choice(DOMAIN_SUFFIXES)
    serial = 2
    while (layer, domain) in used:  # only for very large corpora
        domain = f"{rng.choice(DOMAINS)}_v{serial}"
        serial += 1
    used.add((layer, domain))
    return Package(layer, domain, rng.sample(ENTITIES, rng.randint(2, 3)))


def _package_modules(rng: random.Random, package: Package
                     ) -> List[Tuple[Module, Optional[Tuple[str, str, str, str]]]]:
    """One domain package: routers, models, dependencies, a service per entity, utilities.
    Router modules come with their main.py registration (module, variable, alias, mode)."""
    base = f"{package.layer}/{package.domain}"
    planned: List[Tuple[Module, Optional[Tuple[str, str, str, str]]]] = []
    router_names = ["router"] + (["admin_router"] if rng.random() < 0.35 else [])
    for index, name in enumerate(router_names):
        served = package.entities[:2] if index == 0 else package.entities[-2:]
        text, mode = router_module(rng, package, name, served)
        alias = f"{package.domain}_{name}"
        registration = (f"{package.dotted}.{name}", "router", alias, mode)
        planned.append((Module(f"{base}/{name}.py", "router", text), registration))
    if rng.random() < 0.3 and len(package.entities) > 2:
        planned.append((Module(f"{base}/models.py", "models",
                               models_module(rng, package, package.entities[:2])), None))
        planned.append((Module(f"{base}/schemas.py", "models",
                               models_module(rng, package, package.entities[2:])), None))
    else:
        planned.append((Module(f"{base}/models.py", "models",
                               models_module(rng, package, package.entities)), None))
    planned.append((Module(f"{base}/dependencies.py", "dependencies",
                           dependencies_module(rng, package)), None))
    for entity in package.entities:
        planned.append((Module(f"{base}/services/{entity}_service.py", "service",
                               service_module(rng, package, entity)), None))
    for topic in rng.sample(UTIL_MODULE_NAMES, rng.randint(2, 4)):
        planned.append((Module(f"{base}/{topic}.py", "utility", utility_module(rng, topic)), None))
    return planned


def generate(count: int, seed: int) -> List[Module]:
    """`count` modules (plus package __init__.py files) of a synthetic service."""
    rng = random.Random(seed)
    modules = infra_modules()
    for topic in ("text", "timeutils", "retry", "collections_ext"):
        modules.append(Module(f"shared/{topic}.py", "utility", utility_module(rng, topic)))
    registrations: List[Tuple[str, str, str, str]] = []
    used: Set[Tuple[str, str]] = set()
    budget = count - len(modules) - 1  # server/main.py is written last
    while budget > 0:
        # The last package is cut to fit; its routers are registered only if they were kept.
        planned = _package_modules(rng, _new_package(rng, used))[:budget]
        modules.extend(module for module, _ in planned)
        registrations.extend(reg for _, reg in planned if reg is not None)
        budget -= len(planned)
    modules.append(Module("server/main.py", "infra", main_module(registrations)))
    # Package markers: real projects have them, and the linters walk them too.
    present = {m.path for m in modules}
    for directory in sorted({os.path.dirname(m.path) for m in modules}):
        parts = directory.split("/")
        for depth in range(1, len(parts) + 1):
            init = "/".join(parts[:depth]) + "/__init__.py"
            if init not in present:
                present.add(init)
                title = parts[depth - 1].replace("_", " ")
                modules.append(Module(init, "init", f'"""{title.capitalize()} package."""\n'))
    return modules


def write_project(root: str, modules: Iterable[Module]) -> None:
    for module in modules:
        # Fail here, not in the benchmark, if a template produced invalid Python.
        ast.parse(module.text, filename=module.path)
        target = os.path.join(root, *module.path.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(module.text)
    with open(os.path.join(root, "pyproject.toml"), "w", encoding="utf-8") as handle:
        handle.write(textwrap.dedent('''\
            [project]
            name = "lambda-api"
            version = "0.0.0"
            requires-python = ">=3.11"

            [tool.fastapi-conventions-lint]
            api-config = "server.config:api_config"
            base-dependencies = "shared.dependencies:BaseDependencies"
            max-handler-statements = 12
            max-handler-complexity = 6
        '''))
    # flake8 reads .flake8 from the working directory; the benchmark runs it from `root`.
    with open(os.path.join(root, ".flake8"), "w", encoding="utf-8") as handle:
        handle.write("[flake8]\nmax-line-length = 110\nextend-ignore = E203\n")
