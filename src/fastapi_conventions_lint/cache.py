"""The results cache of `check`: a run's diagnostics kept with everything they were made from,
so that the same run over the same inputs answers without analysing anything again.

What a run is made from:
- its command line, the working directory, this tool's and Python's versions (the entry's key:
  each command line has its own entry);
- the files discovery lists, and the findings of discovery itself (links that lead nowhere);
- each listed file's settings, the project's constants and declared versions included;
- each workspace's files, and the module questions its layout answered;
- the bytes of every file the run read, by digest: the listed files, the files the project
  pass glanced at or read, and the modules asked about.

A run whose inputs are all as recorded replays the entry. When the only files that changed are
ones nothing depends on but their own report (the project pass does not read them, before or
after the change, no rule asked about them or found what it looked for in them: a model, a
test, a script), those files alone are analysed again. Any other change can move a diagnostic
in any other file: every file is analysed again but the unchanged ones nothing depends on,
whose results the entry still gives, and the run records a new entry.

A run without an entry of its own may replay the entry of a run of its family: the same
options over other paths. Each file a project's report names is found the same whatever other
files a run names, so `check .` answers for pre-commit's `check a.py b.py` (a new command line
at every commit), where its entry has results for those files as a run naming them would find
them (_Serves). Such a replay writes nothing.

Entries are JSON files in the cache folder (`.fastapi_conventions_lint_cache/` at the
project's root, with a `.gitignore` of its own), never pickles: a cache folder that comes with
a cloned repository must not run code. An entry that cannot be read or is of another version,
and a folder that cannot be written, are passed over, never an error; `-v` says so."""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, Iterator, List, Optional, Sequence, Set, Tuple

from fastapi_conventions_lint import __version__, prefilter, source
from fastapi_conventions_lint.digest import hex_digest
from fastapi_conventions_lint.lazy import lazy_module
from fastapi_conventions_lint.diagnostics import NOT_CHECKED, Diagnostic, FixIntent

engine = lazy_module("fastapi_conventions_lint.engine")  # the rules: not needed to replay

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.commands.check import CheckRun

FOLDER_NAME = ".fastapi_conventions_lint_cache"
ENVIRONMENT = "FASTAPI_CONVENTIONS_LINT_CACHE_DIR"
_FORMAT = 4
_KEEP = 16  # entries kept in a folder, the newest (each command line has its own)
# Options that change how results are shown, not which they are.
_PRESENTATION = frozenset({
    "output_format", "quiet", "verbose", "statistics", "exit_zero", "show_files", "show_settings",
    "no_cache",
})
# Options that decide which files a run lists, not what is found in a listed file: runs that
# differ only in these are of one family, and one's entry may answer for another's files.
_LISTING = frozenset({"paths", "force_exclude"})
_GITIGNORE = "# Made by fastapi-conventions-lint: the folder is a cache, never committed.\n*\n"
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file marks a cache folder of fastapi-conventions-lint (https://bford.info/cachedir/).\n"
)

Listed = Tuple[Tuple[str, bool, str], ...]  # (path, named on the command line, real path)


@dataclass
class Reusable:
    """A file whose results a run may take from the cache (ResultsCache._reusable)."""

    diagnostics: List[Diagnostic]
    quoted: List[list]  # the lines the reports quote (_quoted)
    skipped: Optional[str]
    absolute: str
    record: list  # its read record: [digest, stamp, when read]


def folder_for(args: Any, settings_source: Any) -> Optional[str]:
    """Where the run's cache lives: the environment variable, else the `cache-dir` key of the
    working directory's settings (relative to their pyproject.toml), else the cache folder
    beside that pyproject.toml (the working directory without one). None: `--no-cache`."""
    if getattr(args, "no_cache", False):
        return None
    given = os.environ.get(ENVIRONMENT)  # noqa: FCL502 - a tool option, as ruff reads RUFF_CACHE_DIR
    if given:
        return os.path.abspath(given)
    settings = settings_source.base_for_directory(os.getcwd())
    root = str(settings.root) if settings.root is not None else os.getcwd()
    return os.path.normpath(os.path.join(root, settings.cache_dir or FOLDER_NAME))


def _digest(data: Optional[bytes], why: str = "") -> str:
    if data is None:
        return "!" + why  # unreadable, and why (the FCL900 message says it)
    return hex_digest(data)


def _current(path: str) -> Tuple[str, Optional[bytes]]:
    """A file's digest as it is now, and its bytes."""
    try:
        data = source.read_bytes(path)
    except source.NotChecked as error:
        return _digest(None, error.reason), None
    return _digest(data), data


def _hashed(text: str, length: int) -> str:
    return hex_digest(text.encode("utf-8", "surrogateescape"), length // 2)


def _code_stamp() -> str:
    """This tool's own modules, by name, size and modification time: an entry made by other
    code (an editable install since edited, a development build of the same version) is
    never replayed."""
    package = os.path.dirname(os.path.abspath(__file__))
    cut = len(os.path.join(package, ""))
    stamps = []
    for directory, folders, files in os.walk(package):
        folders[:] = sorted(folder for folder in folders if folder != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                info = os.stat(path)
                stamps.append(f"{path[cut:]}:{info.st_size}:{info.st_mtime_ns}")
    return hex_digest("\n".join(stamps).encode("utf-8", "surrogateescape"))


def fingerprint(settings: Any) -> Optional[str]:
    """The settings, as a digest of their every field (None when one of them has no stable
    text, which then means no caching)."""
    text = repr(settings)
    if " at 0x" in text:
        return None
    return hex_digest(text.encode("utf-8", "surrogateescape"))


def _stamp(path: str) -> Optional[List[int]]:
    """What the file system says of a file: size, modification and change times, inode."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


# A file whose stamp is as recorded is taken as unchanged without being read, unless it was
# changed less than this before it was read: a write within the file system's timestamp
# granularity of the read could leave the stamp as it was (git calls such entries racy).
_RACY_NS = 2_000_000_000


def _stamp_holds(path: str, record: list) -> bool:
    _, stamp, seen_at = record
    return stamp is not None and stamp[2] < seen_at - _RACY_NS and _stamp(path) == stamp


class _Reads:
    """The source reads of a run (source.observe_reads), by absolute path: each file's
    [digest, stamp, when it was read], and which files were read for an answer about them
    rather than for their own sake."""

    def __init__(self, names: Sequence[Tuple[str, ...]] = ()) -> None:
        self.records: Dict[str, list] = {}
        # Whether the project pass would read each file (prefilter.read_by_project under
        # `names`, the prefilter's words of the run's settings), decided as it is read: a
        # cold run of two million lines would otherwise hold every file's bytes to the end.
        self.names = tuple(names)
        self.read_by_project: Dict[str, bool] = {}
        self.asked: Set[str] = set()
        # Files glanced at and found without what was looked for: path -> the looks.
        self.glances: Dict[str, Set[source.Look]] = {}
        self.torn = False  # a file read twice with different bytes: it changed during the run

    def read(self, path: str, data: "bytes | str", own: bool) -> None:
        path = self._note(path, data)
        if not own:
            self.asked.add(path)

    def export(self) -> tuple:
        """What a worker process read (parallel.py), for its parent's `merge`: the bytes
        stay behind (every file a worker analyses was read by the parent too)."""
        return self.records, self.asked, self.glances, self.torn

    def merge(self, exported: tuple) -> None:
        records, asked, glances, torn = exported
        for path, record in records.items():
            known = self.records.get(path)
            if known is None:
                self.records[path] = record
                self.read_by_project.setdefault(path, False)
            elif known[0] != record[0]:
                self.torn = True
        self.asked.update(asked)
        for path, looks in glances.items():
            self.glances.setdefault(path, set()).update(looks)
        self.torn = self.torn or torn

    def glanced(self, path: str, data: "bytes | str", look: source.Look) -> None:
        self.glances.setdefault(self._note(path, data), set()).add(look)

    def _note(self, path: str, data: "bytes | str") -> str:
        path = os.path.abspath(path)
        if isinstance(data, str):
            digest, data = _digest(None, data), None
        else:
            digest = _digest(data)
        known = self.records.get(path)
        if known is None:
            self.records[path] = [digest, _stamp(path) if data is not None else None, time.time_ns()]
            self.read_by_project[path] = data is not None and any(
                prefilter.read_by_project(data, names, True) for names in self.names
            )
        elif known[0] != digest:
            self.torn = True
        return path


def _encode_diagnostic(d: Diagnostic) -> list:
    # A fix's payload is for `fix`, which does not use the cache; `check` shows whether a
    # fix exists, whether it is safe and what it does.
    fix = [d.fix.safe, d.fix.description] if d.fix is not None else None
    return [d.line, d.col, d.code, d.message, d.end_line, d.end_col, fix]


def _decode_diagnostic(item: list) -> Diagnostic:
    line, col, code, message, end_line, end_col, fix = item
    return Diagnostic(
        line, col, code, message, end_line, end_col,
        FixIntent(safe=fix[0], description=fix[1]) if fix is not None else None,
    )


def _layouts_now(run: "CheckRun") -> Dict[str, list]:
    return {
        key: [list(layout.files), layout.incomplete, [
            [name, near, [str(found[0]), found[1]] if found is not None else None]
            for name, near, found in layout.answers()
        ]]
        for key, layout in run.settings_source.layouts.by_key().items()
    }


def _same_layouts(recorded: Dict[str, list], run: "CheckRun", among: bool = False) -> bool:
    """Whether the run's workspaces are those recorded, files and module answers alike
    (`among`: the run's are among those recorded, for the entry of a run over more paths)."""
    layouts = run.settings_source.layouts.by_key()
    if not (set(layouts) <= set(recorded) if among else set(layouts) == set(recorded)):
        return False
    for key, layout in layouts.items():
        files, incomplete, answers = recorded[key]
        if layout.files != files or layout.incomplete != incomplete:
            return False
        for name, near, found in answers:
            now = layout.find(name, near)
            if (None if now is None else [str(now[0]), now[1]]) != found:
                return False
    return True


def _spelt_within(path: str) -> Optional[str]:
    """What any entry listing a file under the working directory has in its text, however it
    spells the file (`./app/main.py`, `app/main.py`, absolute): its path from there, as JSON
    writes it when there is nothing to escape (None: no such text to look for)."""
    try:
        name = os.path.relpath(path)
    except ValueError:  # another drive
        return None
    if name.startswith(os.pardir) or not (name.isascii() and name.isprintable()) or '"' in name or "\\" in name:
        return None
    return name


class _Serves:
    """What an entry gives for a file a run lists: its results as this run would find them
    (RESULTS), a file to analyse alone (ALONE), or nothing (None). The entry must have listed
    the same file (the same real file), without results that depend on the other paths given
    (_bound_to_paths), and
    - named it too, or walked to it and analysed it: RESULTS;
    - walked to it and passed over it (the prefilter), with nothing to report, where this run
      names it (a file named is read for its syntax, or analysed when it has a noqa
      comment): ALONE, when nothing else depends on it."""

    RESULTS, ALONE = "results", "alone"

    def __init__(self, entry: "_Entry") -> None:
        # By absolute path: a run may spell a file otherwise (`./app/main.py` walked,
        # `app/main.py` named); the working directory is the family's.
        self.listed = {os.path.abspath(item[0]): item for item in entry.listed}
        self.results = {shown: found for shown, found in entry.results}
        self.prefiltered = {path for path, why in entry.skipped if why == engine.PREFILTERED}
        self.bound = set(entry.bound)
        self.depended_on = entry.depended_on()

    def shown(self, path: str) -> str:
        """The entry's name for a file this run lists."""
        return self.listed[os.path.abspath(path)][0]

    def __call__(self, path: str, explicit: bool, real: str) -> Optional[str]:
        item = self.listed.get(os.path.abspath(path))
        if item is None or item[2] != real:
            return None
        shown = item[0]
        if shown not in self.results or shown in self.bound:
            return None
        if item[1] == explicit or (explicit and shown not in self.prefiltered):
            return self.RESULTS
        if explicit and not self.results[shown] and os.path.abspath(path) not in self.depended_on:
            return self.ALONE
        return None


def _bound_to_paths(run: "CheckRun", listed: Listed) -> List[str]:
    """The listed files whose results another run over other paths may not share: a
    diagnostic whose fix moves code between files (what it says depends on the files the run
    may write), or fixes through a link (no fix when the link leads out of the paths)."""
    from fastapi_conventions_lint.suppression import UNUSED_NOQA  # loaded by the cold run

    through_link = {path: os.path.abspath(path) != real for path, _, real in listed}
    bound = []
    for shown, found in run.results:
        if not found or shown not in through_link:
            continue
        if {d.code for d in found} - {NOT_CHECKED, UNUSED_NOQA}:  # a rule ran: it is loaded
            from fastapi_conventions_lint.rules import any_cross_file_fix

            if any_cross_file_fix(found):
                bound.append(shown)
                continue
        if through_link[shown] and any(d.fix for d in found):
            bound.append(shown)
    return bound


@dataclass
class _Entry:
    """One command line's recorded run."""

    listed: list
    before: list  # discovery's findings, encoded as results are
    settings: Dict[str, str]
    layouts: Dict[str, list]
    reads: Dict[str, list]  # absolute path -> [digest, stamp, when read] (_Reads)
    asked: List[str]
    glances: Dict[str, list]  # path -> the looks it was glanced at for (_encode_look)
    read_by_project: List[str]  # read files the project pass reads (whole-app rules or not)
    with_facts: List[str]  # listed files whose analysis reached the project pass
    results: list
    sources: Dict[str, List[list]]  # shown -> the lines its report quotes (_quoted)
    skipped: list = field(default_factory=list)
    # Listed files whose results depend on the paths given (_bound_to_paths).
    bound: List[str] = field(default_factory=list)

    def depended_on(self) -> Set[str]:
        """The files other files' results may depend on: read by the project pass, asked
        about, or analysed into facts the project pass linked."""
        return set(self.asked) | set(self.read_by_project) | set(self.with_facts)

    def json_pieces(self, key: str) -> Iterator[str]:
        """The entry's JSON text in pieces, an item of each value at a time: a large run's
        reads, results and glances are megabytes each, written without their whole text in
        memory at once."""
        document = {"format": _FORMAT, "version": __version__, "key": key, **self.__dict__}
        yield "{"
        for index, (name, value) in enumerate(document.items()):
            yield f"{',' if index else ''}{json.dumps(name)}:"
            yield from _json_pieces(value)
        yield "}"

    @classmethod
    def from_json(cls, text: str, key: str) -> Optional["_Entry"]:
        document = json.loads(text)
        if document.pop("format", None) != _FORMAT or document.pop("version", None) != __version__:
            return None
        if document.pop("key", None) != key:
            return None
        return cls(**document)


def _json_pieces(value: object) -> Iterator[str]:
    """A value's compact JSON text: a list, or a dict keyed by strings, some hundred items at
    a time (an item at a time costs an encoding each: the time of the rest of a warm run)."""
    if isinstance(value, dict) and all(isinstance(name, str) for name in value):
        pairs = iter(value.items())
        yield "{"
        for index, chunk in enumerate(iter(lambda: dict(itertools.islice(pairs, _CHUNK)), {})):
            yield ("," if index else "") + _compact_json(chunk)[1:-1]
        yield "}"
    elif isinstance(value, list):
        items = iter(value)
        yield "["
        for index, part in enumerate(iter(lambda: list(itertools.islice(items, _CHUNK)), [])):
            yield ("," if index else "") + _compact_json(part)[1:-1]
        yield "]"
    else:
        yield _compact_json(value)


_CHUNK = 256
_compact_json = json.JSONEncoder(separators=(",", ":")).encode


def _encode_look(look: source.Look) -> list:
    """[word groups, pattern], bytes as latin-1 text."""
    groups, pattern = look
    return [[[word.decode("latin-1") for word in group] for group in groups],
            pattern.decode("latin-1") if pattern is not None else None]


def _decode_look(look: list) -> source.Look:
    groups, pattern = look
    return (tuple(tuple(word.encode("latin-1") for word in group) for group in groups),
            pattern.encode("latin-1") if pattern is not None else None)


def _encode_results(results: Sequence[Tuple[str, List[Diagnostic]]]) -> list:
    return [[shown, [_encode_diagnostic(d) for d in found]] for shown, found in results]


def _decode_results(results: list) -> List[Tuple[str, List[Diagnostic]]]:
    return [(shown, [_decode_diagnostic(item) for item in found]) for shown, found in results]


def _settings_of(run: "CheckRun", listed: Listed) -> Tuple[Dict[str, Optional[str]], List[Tuple[str, ...]]]:
    """Each listed file's settings as a digest (fingerprint), and the prefilter's words under
    each of those settings (the project pass reads a workspace's files with the settings of
    the first file it was given). Each settings object is printed once."""
    digests: Dict[str, Optional[str]] = {}
    printed: Dict[int, Optional[str]] = {}
    names: Dict[int, Tuple[str, ...]] = {}
    for path, _, _ in listed:
        settings, _ = run.settings_source.for_path(path, is_directory=False)
        if id(settings) not in printed:
            run.tell_settings(settings)
            printed[id(settings)] = fingerprint(settings)
            names[id(settings)] = prefilter.prefilter_names(settings)
        digests[path] = printed[id(settings)]
    return digests, list(dict.fromkeys(names.values()))


def _quoted(found: Sequence[Diagnostic], lines: Sequence[str]) -> List[list]:
    """The lines a file's report quotes, as [number, text]: those its diagnostics are on
    (report/common.py source_line). A whole file's lines made most of an entry."""
    numbers = sorted({d.line for d in found})
    return [[number, lines[number - 1]] for number in numbers if 1 <= number <= len(lines)]


def quotable(quoted: Sequence[list]) -> List[str]:
    """A file's lines as the reports read them, from the quoted ones (blank elsewhere)."""
    lines = [""] * (quoted[-1][0] if quoted else 0)
    for number, text in quoted:
        lines[number - 1] = text
    return lines


def _sources(results: Sequence[Tuple[str, List[Diagnostic]]], lines_of: Dict[str, List[str]]) -> Dict[str, List[list]]:
    """The lines the entry keeps: those the reports quote, of every file with a diagnostic.
    Nothing else reads a file's lines once its first pass is done but move planning, which
    reads only files with facts: never one the cache gives."""
    return {shown: _quoted(found, lines_of.get(shown, ())) for shown, found in results if found}


class ResultsCache:
    """The cache entry of one `check` command line: replayed when its inputs are unchanged,
    recorded after a run that analysed."""

    def __init__(self, folder: str, key: str, family: str = "") -> None:
        self.folder = folder
        self.key = key
        self.family = family or key
        self.path = os.path.join(folder, f"check-{self.family}-{key}.json")
        self.sibling = False  # the entry replayed is another command line's (_sibling)
        self.served = self.path  # the entry replayed
        self.reads = _Reads()
        # After a replay that could not be made: the files whose results still hold.
        self.reusable: Dict[str, Reusable] = {}
        self._skipped_from = 0
        self._before: list = []

    @classmethod
    def for_run(cls, run: "CheckRun", listed: Listed) -> Optional["ResultsCache"]:
        """The cache of a `check` run (None for a fix, `--add-noqa`, standard input or
        `--no-cache`)."""
        args = run.args
        if run.fixing or getattr(args, "add_noqa", False) or any(path == "-" for path, _, _ in listed):
            return None
        try:
            folder = folder_for(args, run.settings_source)
        except Exception:  # noqa: BLE001 - a configuration error is the run's to report
            return None
        if folder is None:
            return None
        options = sorted(
            (name, repr(value)) for name, value in vars(args).items()
            if name not in _PRESENTATION and not callable(value)
        )
        common = (_FORMAT, __version__, _code_stamp(), sys.version, os.getcwd())
        family = [option for option in options if option[0] not in _LISTING]
        return cls(folder, _hashed(repr((*common, options)), 24), _hashed(repr((*common, family)), 16))

    # -- replaying ------------------------------------------------------------------------

    def replay(self, run: "CheckRun", listed: Listed) -> bool:
        """Give the run its results from the entry when its inputs allow (True), analysing
        again the files that changed and matter to nothing else. An entry that turns out
        not to hold what it should (edited by hand, written by a broken disk) means a cold
        run; the run is changed only once the replay is sure."""
        try:
            return self._replay(run, listed)
        except Exception as error:  # noqa: BLE001 - the cache is never the reason a run fails
            self.reusable = {}
            return self._cold(run, f"the cache entry could not be used ({type(error).__name__}: {error})")

    def _replay(self, run: "CheckRun", listed: Listed) -> bool:
        self._before = _encode_results(run.results)
        entry, why = self._load(self.path, self.key)
        if entry is not None and (entry.listed != [list(item) for item in listed] or entry.before != self._before):
            entry, why = None, "cache: every file analysed: the files to check are not those of the cached run"
        if entry is None:
            entry = self._sibling(listed)
            if entry is None:
                run.note_cache(why)
                return False
        # Only the entry of a run over other paths is read file by file (what it serves).
        serves = _Serves(entry) if self.sibling else None
        name_of = serves.shown if serves is not None else str  # the entry's name for a listed file
        digests, names = _settings_of(run, listed)
        moved = next((path for path, digest in digests.items() if entry.settings.get(name_of(path)) != digest), None)
        if moved is not None:
            return self._cold(run, f"the settings of {moved} changed")
        if not _same_layouts(entry.layouts, run, among=self.sibling):
            return self._cold(run, "the project's modules moved")
        changed: Dict[str, Optional[bytes]] = {}  # absolute path -> its bytes now
        refreshed = False
        for path, record in entry.reads.items():
            if _stamp_holds(path, record):
                continue
            now, data = _current(path)
            if now != record[0]:
                changed[path] = data
            record[:] = [now, _stamp(path), time.time_ns()]  # for the next run
            refreshed = True
        if changed:
            matters = self._change_that_matters(entry, changed, names)
            if matters is not None:
                self.reusable = self._reusable(entry, listed, changed)
                return self._cold(
                    run, f"{matters} changed, and other files' results may depend on it",
                    f" ({len(self.reusable)} files nothing depends on taken from the cache)",
                )
        results = dict(_decode_results(entry.results))
        sources = dict(entry.sources)
        skipped = entry.skipped
        if self.sibling:
            # Its results for the files listed here, by this run's names for them; discovery's
            # findings are this run's.
            names = {name_of(path): path for path, _, _ in listed}
            results = {**dict(_decode_results(self._before)), **{path: results[name] for name, path in names.items()}}
            sources = {names[name]: quoted for name, quoted in sources.items() if name in names}
            skipped = [[names[name], why] for name, why in skipped if name in names]
        named = {os.path.abspath(path): (path, explicit) for path, explicit, _ in listed} if changed else {}
        again = [named[path] for path in changed if path in named]
        if serves is not None:
            again.extend((path, True) for path, explicit, real in listed
                         if os.path.abspath(path) not in changed and serves(path, explicit, real) == serves.ALONE)
        shown_again = {path for path, _ in again}
        skipped = [item for item in skipped if item[0] not in shown_again]
        with self.recording():
            for path, explicit in again:
                redone = self._analyse_alone(run, path, explicit)
                if redone is None:
                    what = "changed, and it matters" if os.path.abspath(path) in changed else "matters"
                    return self._cold(run, f"{path} {what} to other files now")
                results[path], lines, why = redone
                sources.pop(path, None)
                if results[path]:
                    sources[path] = _quoted(results[path], lines)
                if why:
                    skipped.append([path, why])
        # The other changed files were glanced at by the project pass and still hold
        # nothing it reads, nor any word they were looked at for.
        if refreshed and not self.reads.torn and not self.sibling:
            entry.reads.update(self.reads.records)
            entry.results = _encode_results(list(results.items()))
            entry.sources = sources
            entry.skipped = skipped
            self._write(entry)
        for path, why in skipped:
            run.skip(path, why)
        run.note_cache(f"cache: results of {len(listed) - len(again)} files from {self.served}"
                       + (" (the entry of a run over other paths)" if self.sibling else "")
                       + (f", {len(again)} analysed again" if again else ""))
        run.results = list(results.items())
        run.replayed_sources = {shown: quotable(quoted) for shown, quoted in sources.items() if results.get(shown)}
        return True

    @staticmethod
    def _change_that_matters(
        entry: _Entry, changed: Dict[str, Optional[bytes]], names: Sequence[Tuple[str, ...]]
    ) -> Optional[str]:
        """A changed file that was, or now is, more than its own report's concern (None when
        every one matters to its own report only)."""
        depended_on = entry.depended_on()
        for path, data in changed.items():
            if path in depended_on:
                return path
            if data is not None and any(prefilter.read_by_project(data, n, True) for n in names):
                return path
            looks = [_decode_look(look) for look in entry.glances.get(path, ())]
            if data is not None and any(source.finds(data, look) for look in looks):
                return path
        return None

    @staticmethod
    def _cold(run: "CheckRun", why: str, reused: str = "") -> bool:
        run.note_cache(f"cache: every file analysed{reused and ' but some'}: {why}{reused}")
        return False

    def _reusable(self, entry: _Entry, listed: Listed, changed: Dict[str, Optional[bytes]]) -> Dict[str, Reusable]:
        """The listed files whose results a run that analyses the others may take from the
        entry: unchanged, and nothing but their own report's concern (the project pass did
        not read them, no rule asked about them, their analysis reached no project pass),
        and without a fix (`check` notes on fixes depend on the rest of the run). A project
        finding may still name such a file: it is added to them (engine.FileAnalysis)."""
        unavailable = entry.depended_on() | set(changed)
        results = dict(_decode_results(entry.results))
        skipped = {path: why for path, why in entry.skipped}
        serves = _Serves(entry)
        reusable: Dict[str, Reusable] = {}
        for path, explicit, real in listed:
            if self.sibling and serves(path, explicit, real) != serves.RESULTS:
                continue
            name = serves.shown(path) if self.sibling else path
            absolute = os.path.abspath(path)
            found = results.get(name)
            record = entry.reads.get(absolute)
            if absolute in unavailable or found is None or record is None or any(d.fix for d in found):
                continue
            reusable[path] = Reusable(found, entry.sources.get(name, []), skipped.get(name), absolute, record)
        return reusable

    def _analyse_alone(self, run: "CheckRun", path: str, explicit: bool):
        """A changed file that nothing else depends on, analysed on its own: (its results,
        its lines, why it was skipped), or None when it turns out to matter after all."""
        settings, selection = run.settings_source.for_path(path)
        analysis = engine.analyse_path(path, settings, selection, explicit=explicit)
        if analysis.facts is not None:
            return None
        analysis.project_pass_ran = True  # as the project pass leaves it, which adds nothing
        found = analysis.conclude(())
        if found:
            from fastapi_conventions_lint.rules import any_cross_file_fix

            if any_cross_file_fix(found):
                return None  # its fix note depends on the other files
        found = run.with_link_note(path, found)
        return found, analysis.lines, analysis.skipped

    def _load(self, path: str, key: str, names: Sequence[str] = ()) -> Tuple[Optional[_Entry], str]:
        """The entry at a path, or None and the note saying why it is not used. `names`:
        paths the entry must mention to be of use (looked for before the JSON is read)."""
        self.served = path
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
            if not all(name in text for name in names):
                return None, "it does not list the files"
            entry = _Entry.from_json(text, key)
        except FileNotFoundError:
            return None, "cache: every file analysed: no entry for this command line yet"
        except Exception as error:  # noqa: BLE001 - a damaged entry is a cold run, never an error
            return None, f"cache entry {path} not used: {type(error).__name__}: {error}"
        if entry is None:
            return None, f"cache entry {path} not used: made by another version"
        return entry, ""

    def _sibling(self, listed: Listed) -> Optional[_Entry]:
        """Without an entry of its own, a run may take the newest entry of its family (the
        same options over other paths: `check .` for pre-commit's `check a.py b.py`) that
        has results for each file listed here, as this run would find them (_Serves)."""
        prefix = f"check-{self.family}-"
        try:
            files = [name for name in os.listdir(self.folder) if name.startswith(prefix) and name.endswith(".json")]
        except OSError:
            return None
        candidates = []
        for name in files:
            path = os.path.join(self.folder, name)
            try:
                candidates.append((os.stat(path).st_mtime_ns, path, name[len(prefix):-len(".json")]))
            except OSError:
                continue
        spelt = [name for name in map(_spelt_within, (path for path, _, _ in listed)) if name is not None]
        for _, path, key in sorted(candidates, reverse=True):
            if path == self.path:
                continue
            entry, _ = self._load(path, key, spelt)
            serves = _Serves(entry) if entry is not None else None
            if serves is not None and listed and all(serves(*item) for item in listed):
                self.sibling = True
                return entry
        self.served = self.path
        return None

    # -- recording ------------------------------------------------------------------------

    @contextmanager
    def recording(self) -> Iterator[None]:
        """Observe the source reads made within."""
        previous = source.observe_reads(self.reads)
        try:
            yield
        finally:
            source.observe_reads(previous)

    def start(self, run: "CheckRun", listed: Listed) -> None:
        """Before a cold run's analysis: what discovery found is an input too."""
        self._before = _encode_results(run.results)
        self._skipped_from = len(run.skipped)
        # The prefilter's words come from the settings as configured, which the project's
        # constants (read during the run, and recorded then) do not change.
        names = dict.fromkeys(
            prefilter.prefilter_names(run.settings_source.base_for_directory(os.path.dirname(path) or "."))
            for path, _, _ in listed if path != "-"
        )
        self.reads = _Reads(tuple(names))  # not the reads of a replay that gave up

    def record(self, run: "CheckRun", listed: Listed) -> None:
        """After a cold run: its results, and what they were made from, as the entry."""
        if run.error or self.reads.torn:
            return
        settings, names = _settings_of(run, listed)
        if None in settings.values() or set(names) != set(self.reads.names):
            return
        with_facts = [
            os.path.abspath(shown) for shown, (_, analysis, _) in run.analyses if analysis.facts is not None
        ]
        # Which files the project pass reads, asked of the files no other list excludes
        # already (with one prefilter, a first pass that found nothing for it has answered).
        known = set(with_facts) | self.reads.asked
        if len(names) == 1:
            known.update(
                os.path.abspath(shown) for shown, (_, analysis, _) in run.analyses if analysis.unread_by_project
            )
        project = [path for path, read in self.reads.read_by_project.items() if read and path not in known]
        reads = dict(self.reads.records)
        for reused in self.reusable.values():
            reads.setdefault(reused.absolute, reused.record)  # not read again: as it was
        entry = _Entry(
            listed=[list(item) for item in listed],
            before=self._before,
            settings=settings,
            layouts=_layouts_now(run),
            reads=reads,
            asked=sorted(self.reads.asked),
            glances={path: [_encode_look(look) for look in sorted(found, key=repr)]
                     for path, found in self.reads.glances.items()},
            read_by_project=project,
            with_facts=with_facts,
            results=_encode_results(run.results),
            sources=_sources(run.results, run.source_lines()),
            skipped=[list(item) for item in run.skipped[self._skipped_from:]],
            bound=_bound_to_paths(run, listed),
        )
        self._write(entry)

    def _write(self, entry: _Entry) -> None:
        """The entry, written whole or not at all; a folder that cannot be written is no
        error (`-v` says it)."""
        try:
            os.makedirs(self.folder, exist_ok=True)
            for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
                marker = os.path.join(self.folder, name)
                if not os.path.exists(marker):
                    with open(marker, "w", encoding="utf-8") as handle:
                        handle.write(text)
            # A name of this process's own, created exclusively (what tempfile.mkstemp does,
            # without its import in a run that takes a twentieth of a second).
            temporary = os.path.join(self.folder, f".check-{os.getpid()}-{time.monotonic_ns()}.tmp")
            handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    for piece in entry.json_pieces(self.key):
                        out.write(piece)
                os.replace(temporary, self.path)
            except BaseException:
                os.unlink(temporary)
                raise
            self._prune()
        except OSError:
            return

    def _prune(self) -> None:
        """Only the newest entries stay (pre-commit names other files at every commit)."""
        entries = []
        for name in os.listdir(self.folder):
            if name.startswith("check-") and name.endswith(".json"):
                path = os.path.join(self.folder, name)
                try:
                    entries.append((os.stat(path).st_mtime_ns, path))
                except OSError:
                    continue
        for _, path in sorted(entries, reverse=True)[_KEEP:]:
            try:
                os.unlink(path)
            except OSError:
                continue
