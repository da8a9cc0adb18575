"""Fixes that edit two files: an include_router call's `prefix=` (FCL005) or `tags=` (FCL003)
moved into the included router's own definition, in the router's module.

A fix run calls `prepare` once, after the first project pass and before any file is fixed:

1. plan: from each linked project index, the moves that are known to keep every served URL
   and every route's tags (see `_Planner`), each only where its diagnostic is reported
   (select/ignore, per-file-ignores and `# noqa` are respected). A router moves only when it
   is included exactly once in the whole project: the Python files under the import roots
   that are not part of the run are read (as text, parsed with `ast` only when they mention
   include_router) to find other includes of it;
2. apply: every touched file is rewritten once, all of its edits in one LibCST codemod run
   (fix/codemods/moves.py), in memory. A file that cannot be rewritten (read-only when
   writing, changed since the first pass, a refused edit, not parsing afterwards, not
   encodable as it was, facts that do not show the edit made) drops the moves that touch it,
   with both of their files' shares; when several moves fail a file together, each is tried
   alone to find the ones at fault. The others are applied again without them;
3. re-check: the first pass runs again over the moved texts (the project contexts the per-file
   fixing needs are taken from it) and the static route table of every app of the run must
   come out the same as before, or no move is kept.

Nothing is written here: the per-file fixing starts from the moved texts and writes each file
once, atomically, as for any other fix (or shows it in `--diff`).

Why moving P from `parent.include_router(child, prefix=P)` into the child is safe when that
is the child's only include: FastAPI serves parent prefix + P + child prefix + path, which is
parent prefix + (P + child prefix) + path, whatever the parent is. It is not done for a child
whose routes FastAPI does not prefix with its own prefix (Starlette-style `add_route`,
`mount`, `host`, routes passed as `routes=`), nor when other code touches its `prefix`,
`tags` or `routes`, in it or in any router included into it. Tags: include tags + router tags
+ route tags is the order in both places, so moving them into an untagged router keeps it.
"""

from __future__ import annotations

import ast
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.config import Settings
from fastapi_conventions_lint.diagnostics import Diagnostic
from fastapi_conventions_lint.engine import FileAnalysis
from fastapi_conventions_lint.facts import extract_facts
from fastapi_conventions_lint.fix.added_imports import missing_import
from fastapi_conventions_lint.handler_bodies import ROUTER_ATTRIBUTE_TEXT, ROUTER_ATTRIBUTES, children, router_attributes
from fastapi_conventions_lint.fix.call_edit import CallEdit
from fastapi_conventions_lint.facts.config_prefixes import (
    config_reference,
    longest_constant,
    replacement,
)
from fastapi_conventions_lint.facts.model import FileFacts, IncludeFact, RouterFact
from fastapi_conventions_lint.facts.values import CONFIG
from fastapi_conventions_lint.facts.lines import line_numbers
from fastapi_conventions_lint.facts.names import ImportTable
from fastapi_conventions_lint.project.context import ProjectContext, contexts
from fastapi_conventions_lint.project.index import Module, ProjectIndex
from fastapi_conventions_lint.project.layout import real_path
from fastapi_conventions_lint.project_pass import Entry, project_indexes

# Files outside the run read to make sure no other include_router names a router that is to
# move; beyond this many, the scan gives up and nothing moves.
MAX_OUTSIDE_FILES = 20_000

PREFIX_MOVE = "FCL005"
TAGS_MOVE = "FCL003"
MALFORMED = "FCL006"

# What a file outside the run must hold for the scan to look into it (an include_router, or
# one of those attributes: each of them holds one of these words).
_OUTSIDE_WORDS = (b"include_router", b"route", b"mount", b"host", b"prefix", b"tags")
# What the scan then looks for in such a file (_Planner._scan): the words are its cheap
# first test. As bytes, `\b` takes any non-ASCII byte for a boundary: it matches where the
# text pattern does, and in more places, never fewer.
_OUTSIDE_PATTERN = (r"include_router|" + ROUTER_ATTRIBUTE_TEXT.pattern).encode()


@dataclass(eq=False)
class Move:
    """One move: an edit at the include, one at the router, and what the facts must show."""

    code: str
    include_file: Path
    include_line: int
    router_file: Path
    edits: List[Tuple[Path, CallEdit]]
    include_number: int  # the include's position in its file's facts.includes
    router_number: int  # the router's position in its file's facts.routers
    prefix: Optional[str] = None  # the router's resolved prefix afterwards (FCL005)
    tags: Optional[Tuple[str, ...]] = None  # the router's tags afterwards (FCL003)
    shown: Tuple[str, str] = ("", "")  # the include's and the router's file, as named in the run
    normalised: bool = False  # a malformed prefix had its slashes normalised on the way
    layout: object = None  # the project's layout, which the imports the move adds must pass
    reported: Tuple[str, str, str] = ("", "", "")  # refusal_key of the diagnostic it fixes

    @property
    def files(self) -> Tuple[Path, ...]:
        return tuple(dict.fromkeys(path for path, _ in self.edits))

    def describe(self) -> str:
        what = "prefix was" if self.code == PREFIX_MOVE else "tags were"
        return (
            f"{self.shown[0]}:{self.include_line}: {self.code}: the include_router {what} "
            f"not moved into the router in {self.shown[1]}"
        )


@dataclass
class MovedFile:
    """A file after the moves: its text, the bytes to write, and how many moves count as
    fixes in it (a move is counted in the file that holds the include)."""

    text: str
    data: bytes
    fixed: int = 0
    before: bytes = b""  # the file as the moves were computed from it


@dataclass
class Prepared:
    contexts: Dict[Path, ProjectContext] = field(default_factory=dict)
    moved: Dict[Path, MovedFile] = field(default_factory=dict)
    # refusal_key(...) of a reported diagnostic -> why its move was not made.
    refused: Dict[Tuple[str, str, str], str] = field(default_factory=dict)
    # The first pass over the files as the per-file fixing starts from them (linked).
    entries: List[Entry] = field(default_factory=list)


def refusal_key(filename: str, code: str, line_text: str) -> Tuple[str, str, str]:
    """A diagnostic known by its file, code and the text of its line, which per-file fixes
    made after the moves may shift but do not change."""
    return real_path(filename), code, line_text


FirstPass = Callable[[Mapping[Path, MovedFile]], List[Entry]]


def prepare(first_pass: FirstPass, warn: Callable[[str], None], *, writing: bool) -> Prepared:
    """The project contexts for the per-file fixing, and the files the moves rewrote.

    `first_pass(moved)` analyses every file of the run, taking a moved file's text from
    `moved` instead of the disk. An error in the project analysis itself propagates (the
    caller fixes file by file); an error in the moves only drops them, with a warning."""
    entries = first_pass({})
    indexes = project_indexes(entries, whole_app=True)
    found: Dict[Path, ProjectContext] = {}
    for index in indexes:
        found.update(contexts(index))
    try:
        analyses = {
            Path(real_path(str(path))): analysis for path, analysis, _ in entries if analysis.facts is not None
        }
        planners = [_Planner(index, analyses) for index in indexes]
        moves = [move for planner in planners for move in planner.moves()]
        refused = {key: why for planner in planners for key, why in planner.refused.items()}
        if any(planner.incomplete for planner in planners):
            warn(f"the include_router prefixes and tags were not moved: over {MAX_OUTSIDE_FILES} "
                 "files outside the checked paths would need reading to know that each router "
                 "is included only once")
        if not moves:
            return Prepared(found, refused=refused, entries=entries)
        before = _route_tables(indexes, analyses)
        moved, kept = apply_moves(moves, analyses, warn, writing=writing)
        if not moved:
            return Prepared(found, refused=refused, entries=entries)
        after_entries = first_pass(moved)
        after_indexes = project_indexes(after_entries, whole_app=True)
        # Where a malformed prefix was normalised on the way (as FCL006's fix does), the app
        # could not start before, and the paths differ by slashes: those are compared without.
        slashes = any(move.normalised for move in kept)
        after = _route_tables(after_indexes, analyses)
        if _same_paths(after, slashes) != _same_paths(before, slashes):
            warn("the include_router prefixes and tags were not moved: the static route table "
                 "would not stay the same")
            return Prepared(found, entries=entries)
        moved_contexts: Dict[Path, ProjectContext] = {}
        for index in after_indexes:
            moved_contexts.update(contexts(index))
        return Prepared(moved_contexts, moved, refused, after_entries)
    except Exception as error:  # noqa: BLE001 - the per-file fixes still run
        warn(f"the include_router prefixes and tags were not moved: {type(error).__name__}: {error}")
        return Prepared(found)


def planned_moves(
    entries: Sequence[Entry], indexes: Optional[Sequence[ProjectIndex]] = None
) -> Tuple[Dict[Tuple[str, str, str], str], Dict[Tuple[str, str, str], str]]:
    """For `check`: the diagnostics (by refusal_key) a fix run would fix by a move, with what
    the move does, and those whose move it would refuse, with why. Planned as `fix` plans
    them, on the linked `indexes` when the check has them (completed with every module);
    nothing is rewritten or re-checked."""
    analyses = {
        Path(real_path(str(path))): analysis for path, analysis, _ in entries if analysis.facts is not None
    }
    planned: Dict[Tuple[str, str, str], str] = {}
    refused: Dict[Tuple[str, str, str], str] = {}
    for index in indexes if indexes is not None else project_indexes(entries, whole_app=True):
        planner = _Planner(index, analyses)
        for move in planner.moves():
            what = "prefix" if move.code == PREFIX_MOVE else "tags"
            planned[move.reported] = f"move the include_router {what} into the router in {move.shown[1]}"
        for key, why in planner.refused.items():
            refused.setdefault(key, why)
    return planned, refused


# ---- planning ---------------------------------------------------------------------------

def _attributes_on(tree: ast.Module, lines: Set[int]) -> Iterator[ast.Attribute]:
    """The risky attribute nodes of the statements spanning `lines` (where the text search
    found one); the other statements are not walked into."""
    pending: List[ast.AST] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.stmt):
            end = node.end_lineno or node.lineno
            if not any(node.lineno <= line <= end for line in lines):
                continue
        if isinstance(node, ast.Attribute) and node.attr in ROUTER_ATTRIBUTES:
            yield node
        # A handler body let go in a large run kept its router attributes: they are all on
        # the lines the text search found (handler_bodies.py).
        yield from router_attributes(node) or ()
        pending.extend(children(node))


def _position(analysis: FileAnalysis, line: int, col: int) -> Tuple[int, int]:
    """An `ast` position (UTF-8 byte column) as (line, character column)."""
    return line, source.display_column(analysis.all_lines(), line, col) if col else col


def _span(analysis: FileAnalysis, node: ast.expr) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    return (
        _position(analysis, node.lineno, node.col_offset),
        _position(analysis, node.end_lineno or node.lineno, node.end_col_offset or 0),
    )


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON's escapes are Python's too


def _well_formed(text: str) -> bool:
    return not text or (text.startswith("/") and not text.endswith("/"))


def doubled(outer: str, inner: str) -> bool:
    """Whether `inner` repeats `outer` at its start, on a segment boundary (FCL002's test)."""
    if not outer or not inner.startswith(outer):
        return False
    return inner == outer or inner[len(outer)] == "/" or outer.endswith("/")


def prefix_source(
    value: str, imports: ImportTable, bindings: Mapping[str, object], settings: Settings
) -> Tuple[str, Tuple[Tuple[str, str], ...]]:
    """`value` written as FCL001 wants it, and what to import for it: the configured constant
    when it is one, an f-string of the longest constant that is a whole-segment prefix of it
    and the literal tail, else a plain literal (which FCL001 then reports). The constant is
    used only when the project's config object defines it (an import of it could fail)."""
    match = longest_constant(value, settings.prefixes) if not settings.config_missing else None
    if match is None:
        return _literal(value), ()
    constant, constant_value = match
    reference, bound = config_reference(imports, settings)
    if not bound and (reference in imports.bindings or reference in bindings):
        return _literal(value), ()  # the name means something else in this file
    text = replacement(ast.Constant(value=value), constant, constant_value, reference)
    if text is None:  # pragma: no cover - a string literal always has a replacement
        return _literal(value), ()
    needed = () if bound else ((settings.api_config.partition(":")[0], reference),)
    return text, needed


def names_outside_config(node: Optional[ast.expr], imports: ImportTable, settings: Settings) -> List[str]:
    """The names a prefix expression reads, other than the configured object: a move that
    wrote its value as text would turn them into a literal."""
    if node is None:
        return []
    reference, bound = config_reference(imports, settings)
    config_root = reference.partition(".")[0] if bound else None
    return sorted({
        inner.id for inner in ast.walk(node)
        if isinstance(inner, ast.Name) and inner.id != config_root
    })


class _Planner:
    """The moves one linked index allows. Only files of the run (with facts) are edited."""

    def __init__(self, index: ProjectIndex, analyses: Mapping[Path, FileAnalysis]) -> None:
        self.index = index
        self.analyses = analyses
        self._reported: Dict[int, Dict[Tuple[str, int, int], Diagnostic]] = {}
        self._scanned: Optional[Tuple[Set[int], Set[int]]] = None
        self.incomplete = False  # too many files to scan: no prefix or tags is moved
        # Why no move is made in this index at all ("" while moves may be made): a module
        # that does not parse, or an include whose router cannot be followed.
        self.blocked = ""
        self._whole_app = None
        # refusal_key(...) -> why that diagnostic's move was not made.
        self.refused: Dict[Tuple[str, str, str], str] = {}

    def moves(self) -> Iterable[Move]:
        for module in self.index.modules():
            analysis = self._analysis(module)
            if analysis is None:
                self._refuse_from_outside(module)
                continue
            for number, include in enumerate(module.facts.includes):  # type: ignore[union-attr]
                router = include.router
                if router is None:
                    continue
                why = self._not_movable(router, include)
                router_module = self.index.module_of(router)
                router_analysis = self._analysis(router_module)
                if not why and (router_module is None or router_analysis is None):
                    why = "the router's module is not among the files given"
                if why:
                    self._refuse(analysis, PREFIX_MOVE, include.prefix_node, why)
                    if router_analysis is not None and include.tags:
                        self._refuse(router_analysis, TAGS_MOVE, router.call, why)
                    continue
                pair = (module, analysis, number, include, router_module, router_analysis, router)
                for plan in (self._prefix_move, self._tags_move):
                    move = plan(*pair)
                    if move is not None:
                        move.layout = self.index.layout
                        where, node = (
                            (analysis, include.prefix_node) if move.code == PREFIX_MOVE
                            else (router_analysis, router.call)
                        )
                        move.reported = refusal_key(
                            where.filename, move.code, where.all_lines()[node.lineno - 1].strip()
                        )
                        yield move

    def _refuse_from_outside(self, module: Module) -> None:
        """Includes made in a file outside the run move no tags into a router of the run: its
        FCL003 says why, as it does when the run holds both files."""
        for include in module.facts.includes if module.facts is not None else ():
            router = include.router
            if router is None or not include.tags:
                continue
            router_analysis = self._analysis(self.index.module_of(router))
            if router_analysis is not None:
                why = self._not_movable(router, include) or "the include's module is not among the files given"
                self._refuse(router_analysis, TAGS_MOVE, router.call, why)

    # -- what both moves need ---------------------------------------------------------------

    def _analysis(self, module: Optional[Module]) -> Optional[FileAnalysis]:
        if module is None or module.facts is None:
            return None
        analysis = self.analyses.get(module.path.resolve())
        return analysis if analysis is not None and analysis.facts is module.facts else None

    @staticmethod
    def _not_movable(router: RouterFact, include: IncludeFact) -> str:
        """Why the router cannot take an argument of this include ("" when it can): it must
        be a plain `APIRouter(...)` construction with keyword arguments only, included here
        and nowhere else."""
        if include.shared_with:
            return include.shared_with
        if router.is_app or router.custom_init or router.call.args:
            return "the router is not a plain APIRouter(...) call with keyword arguments"
        # Each instance of the class, each call of the factory, makes its own: the others'
        # includes are not all seen.
        if router.on_instance:
            return "the router is made anew for each instance of its class"
        if router.returned_by is not None:
            return f"the router is made anew at each call of `{router.returned_by}()`"
        if len(router.included_in) != 1 or router.included_in[0] is not include:
            return "the router is included more than once"
        keywords = {keyword.arg for keyword in router.call.keywords}
        if "routes" in keywords:  # Starlette routes: FastAPI does not prefix them
            return "the router is given Starlette routes (routes=), which FastAPI does not prefix"
        if router.prefix_node is None or any(
            keyword.arg == "prefix" and keyword.value is router.prefix_node
            for keyword in router.call.keywords
        ):
            return ""
        return "the router's prefix is not written in its APIRouter(...) call"

    def _refuse(self, analysis: FileAnalysis, code: str, node: Optional[ast.expr], why: str) -> None:
        """Record why the move of a reported diagnostic is not made (only for one that is
        reported: others are not the run's business)."""
        if node is None or self._diagnostic(analysis, code, node) is None:
            return
        lines = analysis.all_lines()
        text = lines[node.lineno - 1].strip() if node.lineno <= len(lines) else ""
        self.refused.setdefault(refusal_key(analysis.filename, code, text), why)

    def _diagnostic(self, analysis: FileAnalysis, code: str, node: ast.expr) -> Optional[Diagnostic]:
        """The diagnostic reported at `node`, after select/ignore and noqa, if any."""
        reported = self._reported.get(id(analysis))
        if reported is None:
            reported = {(d.code, d.line, d.col): d for d in analysis.conclude()}
            self._reported[id(analysis)] = reported
        line, col = _position(analysis, node.lineno, node.col_offset)
        return reported.get((code, line, col))

    def _touched_elsewhere(self, router: RouterFact) -> bool:
        """Whether code reaches past the constructor of the router or of a router included
        into it (or includes something that cannot be resolved into it), or a file outside
        the run includes it: then its include in the run is not known to be its only one."""
        risky, included = self._scan()
        if id(router) in included or self.incomplete:
            return True
        pending, seen = [router], set()
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            if id(current) in risky:
                return True
            for include in current.includes:
                if include.router is None:
                    return True
                pending.append(include.router)
        return False

    def _scan(self) -> Tuple[Set[int], Set[int]]:
        """(routers code reaches past their constructor, routers included from files outside
        the run), over every Python file under the import roots, as `ast` only: files that
        mention neither include_router nor one of the attributes are not parsed."""
        if self._scanned is not None:
            return self._scanned
        risky: Set[int] = set()
        included: Set[int] = set()
        for module in self.index.modules():
            for mount in module.facts.mounts if module.facts is not None else ():
                if mount.receiver is not None:
                    risky.add(id(mount.receiver))
            for include in module.facts.includes if module.facts is not None else ():
                if include.router is None and include.router_node is not None:
                    self._unfollowed(module, include)
        known = {module.path.resolve(): module for module in self.index.modules()}
        for path, text, in_run in self._files():
            outside = not in_run and "include_router" in text
            risky_lines = line_numbers(text, [match.start() for match in ROUTER_ATTRIBUTE_TEXT.finditer(text)])
            if not outside and not risky_lines:
                continue
            # A file the project pass read is in the index already: its facts, and the tree
            # they were read from, are reused.
            module = known.get(path) if in_run or path in known else None
            try:
                tree = (module.tree if module is not None else None) or source.read_leniently(text, str(path))
                if module is None and not in_run:
                    module = self._outside_module(path, tree)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                if not self.blocked and "include_router" in text:
                    self.blocked = (f"{self._shown(path)} does not parse, and an include_router "
                                    "in it may include the router")
                continue
            if module is None or module.facts is None:
                continue  # a file of the run that belongs to another project's index
            for include in module.facts.includes if outside else ():
                if include.router_node is not None:
                    target = self.index.resolve(module, include.router_node, include.call.lineno)
                    if isinstance(target, RouterFact):
                        included.add(id(target))
                    elif target is None:
                        self._unfollowed(module, include)
            for node in _attributes_on(tree, risky_lines):
                target = self.index.resolve(module, node.value, node.lineno)
                if isinstance(target, RouterFact):
                    risky.add(id(target))
        self._scanned = (risky, included)
        return self._scanned

    def _unfollowed(self, module: Module, include: IncludeFact) -> None:
        """An include whose router is not known: it may be any router of the project, unless
        it comes from an installed package."""
        if self.blocked:
            return
        if self._whole_app is None:
            from fastapi_conventions_lint.rules._whole_app import WholeApp

            self._whole_app = WholeApp(self.index)
        if self._whole_app.is_external(module, include.router_node) or self._whole_app.makes_new_router(
            module, include.router_node
        ):
            return
        self.blocked = (f"the include_router at {self._shown(module.path)}:{include.call.lineno} "
                        "cannot be followed, and it may include the router")

    def _shown(self, path: Path) -> str:
        analysis = self.analyses.get(Path(path).resolve())
        if analysis is not None:
            return analysis.filename
        try:
            return os.path.relpath(path)
        except ValueError:  # pragma: no cover - another drive on Windows
            return str(path)

    def _outside_module(self, path: Path, tree: ast.Module) -> Module:
        """A file outside the run as a module of its own, not added to the index: its names
        are resolved through the index, which is all that is asked of it."""
        names = self.index.layout.names_of(str(path))
        name, package = names[0] if names else ("", False)
        facts = extract_facts(tree, self.index.settings, reported=False)
        return Module(name, path, package, facts, tuple(n for n, _ in names))

    def _files(self) -> Iterable[Tuple[Path, str, bool]]:
        """(path, text, in the run) for the run's files, then every other Python file under
        the import roots (the configured excludes apply) that holds a word the scan looks for."""
        for path, analysis in self.analyses.items():
            yield path, analysis.text if analysis.text is not None else "".join(analysis.lines), True
        layout = self.index.layout
        if layout.incomplete or len(layout.files) > MAX_OUTSIDE_FILES:
            self.incomplete = True
            return
        for found in layout.files:
            path = Path(found)
            if path in self.analyses:
                continue
            try:
                data = source.glance(found, _OUTSIDE_WORDS, pattern=_OUTSIDE_PATTERN)
                if data is not None:
                    yield path, source.decode(data), False
            except source.NotChecked:
                continue

    # -- FCL005 -------------------------------------------------------------------------------

    def _normalised(self, text: str, node: Optional[ast.expr], analysis: FileAnalysis,
                    tail: str) -> Optional[str]:
        """The value as it is once FCL006's fix has normalised its slashes (None when it is
        malformed and that fix is not going to run)."""
        if _well_formed(text):
            return text
        diagnostic = self._diagnostic(analysis, MALFORMED, node) if node is not None else None
        if diagnostic is None or diagnostic.fix is None or not diagnostic.fix.safe:
            return None
        payload = diagnostic.fix.payload
        if payload.get("trailing"):
            text = text[: len(text) - len(tail)] + tail.rstrip("/")
        if payload.get("leading"):
            text = "/" + text
        return text if _well_formed(text) else None

    def _prefix_move(self, module, analysis, number, include, router_module, router_analysis,
                     router) -> Optional[Move]:
        node = include.prefix_node
        if node is None or include.prefix.absent:
            return None
        if self._diagnostic(analysis, PREFIX_MOVE, node) is None:
            return None  # not selected, suppressed, or a doubled prefix (FCL002's)
        why = self._prefix_refused(include, router, analysis, router_analysis)
        if why:
            self._refuse(analysis, PREFIX_MOVE, node, why)
            return None
        outer, inner = include.prefix.resolved, router.prefix.resolved
        written = (outer, inner)
        outer = self._normalised(outer, node, analysis, include.prefix.tail)
        inner = self._normalised(inner, router.prefix_node, router_analysis, router.prefix.tail)
        if not outer or inner is None:
            self._refuse(analysis, PREFIX_MOVE, node, "a prefix is malformed and FCL006 does not fix it")
            return None
        receiver = include.receiver
        own = "" if receiver is None or receiver.is_app else receiver.prefix.resolved
        if own is not None and doubled(own + outer, inner):
            return None  # doubled once normalised: FCL002's, whose fix is not this one
        why = self._elsewhere(router)
        if why:
            self._refuse(analysis, PREFIX_MOVE, node, why)
            return None
        merged = outer + inner
        facts: FileFacts = router_module.facts
        text, needed = prefix_source(merged, facts.imports, facts.bindings, router_analysis.settings)
        return self._move(
            PREFIX_MOVE, module, analysis, number, include, router_module, router_analysis, router,
            include_edit={"drop": ("prefix",)},
            router_edit={"prefix": text, "imports": needed},
            prefix=merged,
            normalised=written != (outer, inner),
        )

    @staticmethod
    def _prefix_refused(include, router, analysis, router_analysis) -> str:
        """Why the two prefixes cannot be written as one ("" when they can): both must be
        known, and written with literals and configured constants only, which the moved
        prefix keeps (a name would become a literal, or an import of the including module,
        which imports the router's)."""
        if include.prefix.resolved is None or router.prefix.resolved is None:
            return "the prefixes are not both known statically"
        settings = router_analysis.settings
        for node, facts, where in ((include.prefix_node, analysis.facts, "include's"),
                                   (router.prefix_node, router_analysis.facts, "router's")):
            names = names_outside_config(node, facts.imports, settings)
            if names:
                return f"the {where} prefix reads {', '.join(names)}, which the moved prefix could not keep"
        uses_config = any(part.kind == CONFIG for part in include.prefix.parts + router.prefix.parts)
        if uses_config and settings.config_missing:
            return settings.config_missing
        return ""

    def _elsewhere(self, router: RouterFact) -> str:
        """Why other code keeps the router from moving ("" when nothing does)."""
        if self._touched_elsewhere(router):
            return self.blocked or (
                "the router is included or changed elsewhere (another include_router, or code "
                "reading or setting its prefix, tags or routes)"
            )
        return self.blocked

    # -- FCL003 -------------------------------------------------------------------------------

    def _tags_move(self, module, analysis, number, include, router_module, router_analysis,
                   router) -> Optional[Move]:
        if router.has_tags or router.tag_values != () or not include.tags:
            return None
        node = next((k.value for k in include.call.keywords if k.arg == "tags"), None)
        if not isinstance(node, (ast.List, ast.Tuple)):
            return None
        if self._diagnostic(router_analysis, TAGS_MOVE, router.call) is None:
            return None
        why = self._elsewhere(router)
        if why:
            self._refuse(router_analysis, TAGS_MOVE, router.call, why)
            return None
        text = "[" + ", ".join(_literal(tag) for tag in include.tags) + "]"
        return self._move(
            TAGS_MOVE, module, analysis, number, include, router_module, router_analysis, router,
            include_edit={"drop": ("tags",)},
            router_edit={"tags": text},
            tags=include.tags,
        )

    @staticmethod
    def _move(code, module, analysis, number, include, router_module, router_analysis, router,
              *, include_edit, router_edit, prefix=None, tags=None, normalised=False) -> Move:
        # In one file (the router may even be built inside the include call), both calls
        # are edited in the same codemod run, found apart by their positions.
        return Move(
            code,
            module.path.resolve(),
            include.call.lineno,
            router_module.path.resolve(),
            [
                (module.path.resolve(), CallEdit(*_span(analysis, include.call), **include_edit)),
                (router_module.path.resolve(), CallEdit(*_span(router_analysis, router.call), **router_edit)),
            ],
            number,
            next(n for n, known in enumerate(router_module.facts.routers) if known is router),
            prefix,
            tags,
            (analysis.filename, router_analysis.filename),
            normalised,
        )


# ---- applying ---------------------------------------------------------------------------

def _writable(path: Path) -> bool:
    """What `write_atomic` needs: a file with a write bit that this process may write, in a
    directory where it may create the temporary file."""
    target = os.path.realpath(path)
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return False
    return (
        bool(mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        and os.access(target, os.W_OK)
        and os.access(os.path.dirname(target), os.W_OK | os.X_OK)
    )


def _original(path: Path, analysis: FileAnalysis, writing: bool) -> Tuple[Optional[source.Decoded], str]:
    """The file as the first pass saw it, or why it cannot be rewritten."""
    if writing and not _writable(path):
        return None, "the file is read-only"
    try:
        decoded = source.decode_file(source.read_bytes(str(path)))
    except source.NotChecked as error:
        return None, error.reason
    if source.physical_lines(decoded.text) != analysis.lines:
        return None, "the file changed while it was being fixed"
    return decoded, ""


def _rewrite(path: Path, decoded: source.Decoded, edits: Sequence[CallEdit],
             layout: object = None) -> Tuple[Optional[str], str]:
    from fastapi_conventions_lint.fix.codemods.moves import rewrite_calls  # LibCST: only now

    text, why = rewrite_calls(decoded.text, str(path), edits, layout)
    if text is None:
        return None, why
    try:
        ast.parse(text, filename=str(path))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None, "the rewritten file does not parse"
    why = missing_import(decoded.text, text, str(path), layout)  # type: ignore[arg-type]
    if why:
        return None, why
    try:
        decoded.encode(text)
    except UnicodeError:
        return None, f"the new text cannot be written in the file's encoding ({decoded.encoding})"
    return text, ""


def _shows(move: Move, path: Path, old: FileFacts, new: FileFacts) -> str:
    """Why the rewritten file's facts do not show the move made ("" when they do)."""
    if len(new.routers) != len(old.routers) or len(new.includes) != len(old.includes):
        return "the rewrite changed more than the two calls"
    if path == move.include_file:
        include = new.includes[move.include_number]
        if move.code == PREFIX_MOVE and not include.prefix.absent:
            return "the include still passes a prefix"
        if move.code == TAGS_MOVE and include.tags != ():
            return "the include still passes tags"
    if path == move.router_file:
        router = new.routers[move.router_number]
        if move.code == PREFIX_MOVE and router.prefix.resolved != move.prefix:
            return f'the router\'s prefix does not come out as "{move.prefix}"'
        if move.code == TAGS_MOVE and router.tag_values != move.tags:
            return "the router's tags do not come out as the include's"
    return ""


def _merged(edits: Iterable[CallEdit]) -> List[CallEdit]:
    """One edit per call: the moves of a router and its include meet on the same calls."""
    calls: Dict[tuple, CallEdit] = {}
    for edit in edits:
        key = (edit.start, edit.end)
        calls[key] = calls[key].merged(edit) if key in calls else edit
    return list(calls.values())


def apply_moves(
    moves: Sequence[Move],
    analyses: Mapping[Path, FileAnalysis],
    warn: Callable[[str], None],
    *,
    writing: bool,
) -> Tuple[Dict[Path, MovedFile], List[Move]]:
    """Every touched file rewritten once with all of its moves. A move is dropped, with both
    of its files' shares, when either file fails (when several moves fail one file together,
    each is tried alone to find the ones that fail it); the others are applied again."""
    originals: Dict[Path, source.Decoded] = {}
    unusable: Dict[Path, str] = {}
    for path in dict.fromkeys(path for move in moves for path in move.files):
        decoded, why = _original(path, analyses[path], writing)
        if decoded is None:
            unusable[path] = f"{analyses[path].filename}: {why}"  # which of the two files
        else:
            originals[path] = decoded
    active = list(moves)
    while True:
        dropped: Dict[int, str] = {}
        for move in active:
            why = next((unusable[path] for path in move.files if path in unusable), "")
            if why:
                dropped[id(move)] = why
        texts: Dict[Path, str] = {}
        if not dropped:
            texts, dropped = _apply_round(active, originals, analyses)
        if not dropped:
            break
        for move in active:
            if id(move) in dropped:
                warn(f"{move.describe()}: {dropped[id(move)]}")
        active = [move for move in active if id(move) not in dropped]
        if not active:
            return {}, []
    moved = {
        path: MovedFile(
            text,
            originals[path].encode(text),
            # A move that normalised a malformed prefix also fixed its FCL006.
            sum(1 + move.normalised for move in active if move.include_file == path),
            originals[path].encode(originals[path].text),
        )
        for path, text in texts.items()
    }
    return moved, active


def _apply_round(
    active: Sequence[Move],
    originals: Mapping[Path, source.Decoded],
    analyses: Mapping[Path, FileAnalysis],
) -> Tuple[Dict[Path, str], Dict[int, str]]:
    """The rewritten texts, and the moves to drop (by id) with why."""
    by_file: Dict[Path, List[Tuple[Move, CallEdit]]] = {}
    for move in active:
        for path, edit in move.edits:
            by_file.setdefault(path, []).append((move, edit))
    texts: Dict[Path, str] = {}
    dropped: Dict[int, str] = {}
    for path, pairs in by_file.items():
        layout = pairs[0][0].layout
        text, why = _rewrite(path, originals[path], _merged(edit for _, edit in pairs), layout)
        if text is not None:
            texts[path] = text
            continue
        here = list({id(move): move for move, _ in pairs}.values())
        culprits: Dict[int, str] = {}
        if len(here) > 1:
            for move in here:
                _, alone = _rewrite(path, originals[path], _merged(e for m, e in pairs if m is move), layout)
                if alone:
                    culprits[id(move)] = alone
        dropped.update(culprits or {id(move): why for move in here})
    rewritten: Dict[Path, FileFacts] = {}
    for move in active:
        if id(move) in dropped or any(path not in texts for path in move.files):
            continue
        for path in move.files:
            if path not in rewritten:
                rewritten[path] = extract_facts(ast.parse(texts[path]), analyses[path].settings, text=texts[path])
            why = _shows(move, path, analyses[path].facts, rewritten[path])  # type: ignore[arg-type]
            if why:
                dropped[id(move)] = why
                break
    return texts, dropped


def _route_tables(indexes: Sequence[ProjectIndex], files: Mapping[Path, object]) -> List[tuple]:
    """The static route table of every app in the run's files, without what the moves may
    shift (lines). (Planning may have parsed more modules into the index, unlinked: their
    apps are not the run's.)"""
    from fastapi_conventions_lint.project.routes import RouteTable

    tables = []
    for index in indexes:
        index.link()  # what planning read on the way
        table = RouteTable(index)
        for app in index.apps():
            module = index.module_of(app)
            if module is None:
                continue
            routes = [
                (route.kind, route.methods, route.path, route.tags, route.endpoint,
                 route.resolved, route.include_in_schema)
                for route in table.routes(app, limit=MAX_COMPARED_ROUTES)
            ]
            tables.append((str(module.path), app.var or "", routes))
    return tables


# Rows of a route table beyond which moves are not made: the tables before and after could not
# be compared at a cost the project's size explains (an include graph doubling at each level).
MAX_COMPARED_ROUTES = 200_000



def _same_paths(tables: List[tuple], slashes: bool) -> List[tuple]:
    """The tables in a stable order; with `slashes`, paths compared without their "/": a
    malformed prefix normalised on the way (`users/` under `/api` read as `/apiusers/` before,
    `/api/users` after) differs in nothing else, and the app could not start before."""
    def path(text: str) -> str:
        return text.replace("/", "") if slashes else text

    return sorted(
        (where, name, sorted((kind, methods, path(text), *rest) for kind, methods, text, *rest in routes))
        for where, name, routes in tables
    )
