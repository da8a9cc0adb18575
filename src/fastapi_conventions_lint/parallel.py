"""`check --jobs N`: the first pass over many files in worker processes.

A worker sends back what a file's report needs, never its facts (syntax trees do not travel
between processes for less than it costs to parse them again). So the split is by what the
project pass holds (project/relevance.py):

- the files whose text suggests routers, includes, routes or dependencies are analysed in this
  process, which keeps their facts for the project pass;
- the others go to the workers, which run the file rules on them and send back the findings.
  A file that turns out to hold project facts after all (the words are a cheap guess: a
  spaced `app . mount(...)`, say) is analysed here again.

This process takes more of the others when its own share is small, so that each process has
about as many bytes to read. Each file's outcome (its analysis, results, skips and what it
wrote on stderr) is put back in the order of the files, so that the report, and the run's
stderr, do not depend on the number of jobs. Workers are forked: without `fork` (Windows, or
a platform where it is not offered) the run stays in one process."""

from __future__ import annotations

import io
import os
import sys
from contextlib import redirect_stderr
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import prefilter, source
from fastapi_conventions_lint.project.relevance import may_hold_project_facts

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.commands.check import CheckRun

# Below this many bytes to analyse, starting processes costs more than it saves.
MIN_BYTES = 1_000_000
_CHUNKS_PER_WORKER = 4

Files = List[Tuple[str, bool]]
Analyse = Callable[["CheckRun", str, bool], "Outcome"]  # one file's outcome


def default_jobs() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))  # type: ignore[attr-defined]
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


@dataclass
class Outcome:
    """What analysing one file added to the run, taken out of it to be put back in order."""

    analyses: list = field(default_factory=list)  # (shown, (path, FileAnalysis, index))
    results: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    error: bool = False
    stderr: str = ""
    redo: bool = False  # a worker's file that holds project facts: analyse it here
    # What a fix run's first pass keeps of the file for its next pass (fix/first_pass.py):
    # its analysis with what it was made from (in this process), or the bytes a worker
    # analysed without asking another module about a class.
    kept: Any = None


def analysed(run: "CheckRun", path: str, explicit: bool) -> Outcome:
    """`run.file(path)`, with what it added to the run taken back out, and its stderr."""
    marks = len(run.analyses), len(run.results), len(run.skipped)
    error, run.error = run.error, False
    captured = io.StringIO()
    with redirect_stderr(captured):
        run.file(path, explicit)
    outcome = Outcome(
        run.analyses[marks[0]:], run.results[marks[1]:], run.skipped[marks[2]:], run.error, captured.getvalue()
    )
    del run.analyses[marks[0]:], run.results[marks[1]:], run.skipped[marks[2]:]
    run.error = error
    return outcome


def put_back(run: "CheckRun", outcome: Outcome) -> None:
    run.analyses.extend(outcome.analyses)
    run.results.extend(outcome.results)
    run.skipped.extend(outcome.skipped)
    run.error = run.error or outcome.error
    if outcome.stderr:
        sys.stderr.write(outcome.stderr)


# -- the worker side -------------------------------------------------------------------------

# The run, and how a worker analyses a file of it, as the worker was forked with them.
_RUN: Optional["CheckRun"] = None
_THERE: Optional[Analyse] = None


def _in_worker(chunk: Sequence[Tuple[str, bool]]) -> Tuple[List[Outcome], Any]:
    """A worker's chunk: each file's outcome, made sendable, and the reads the results cache
    records (None when it is not recording)."""
    from fastapi_conventions_lint.report import progress

    progress._active = None  # the bar is this process's parent's to draw
    recording = source.current_observer()
    reads = type(recording)() if recording is not None else None
    source.observe_reads(reads)
    try:
        outcomes = [_sendable(_THERE(_RUN, path, explicit)) for path, explicit in chunk]  # type: ignore[arg-type,misc]
    finally:
        source.observe_reads(recording)
    return outcomes, (reads.export() if reads is not None else None)


def _sendable(outcome: Outcome) -> Outcome:
    """The outcome without what does not travel: the facts (a file holding project facts is
    analysed again by the parent), the settings and the index (the parent has its own)."""
    sent = []
    for shown, (path, analysis, _) in outcome.analyses:
        if analysis.facts is not None or analysis.rules_failed is not None:
            return Outcome(redo=True)
        sent.append((shown, (path, _Sent.of(analysis), None)))
    outcome.analyses = sent
    return outcome


@dataclass
class _Sent:
    """The fields of a FileAnalysis without facts that the parent cannot make itself."""

    filename: str
    ignore: Sequence[str]
    lines: List[str]
    done: Optional[list]
    skipped: Optional[str]
    unread_by_project: bool
    found: Optional[set]
    lines_dropped: bool

    @classmethod
    def of(cls, analysis) -> "_Sent":
        return cls(
            analysis.filename, tuple(analysis.ignore), analysis.lines, analysis.done, analysis.skipped,
            analysis.unread_by_project, analysis.found, analysis.lines_dropped,
        )

    def analysis(self, run: "CheckRun"):
        from fastapi_conventions_lint.engine import FileAnalysis

        settings, selection = run.settings_source.for_path(self.filename)
        return FileAnalysis(
            self.filename, settings, selection, self.ignore, self.lines, done=self.done, skipped=self.skipped,
            unread_by_project=self.unread_by_project, found=self.found, lines_dropped=self.lines_dropped,
        )


def _received(run: "CheckRun", outcome: Outcome) -> Outcome:
    """A worker's outcome with its analyses made whole again in this process."""
    whole = []
    for shown, (path, sent, _) in outcome.analyses:
        analysis = sent.analysis(run)
        whole.append((shown, (path, analysis, run.projects.index_for(str(path), analysis.settings))))
    outcome.analyses = whole
    return outcome


# -- the parent side -------------------------------------------------------------------------

def first_pass(
    run: "CheckRun", files: Files, jobs: Optional[int], advance: Callable[[], None],
    here: Optional[Analyse] = None, there: Optional[Analyse] = None, tell: bool = True,
) -> Optional[List[Outcome]]:
    """Each file's outcome, in order, from this process and `jobs - 1` workers (None: one
    per core); None when the files are too few to pay for workers (or workers cannot be
    had): analyse them here. `here` analyses a file in this process, `there` in a worker
    (both `analysed` unless given: a fix run keeps more facts than a check). `tell`: say
    with `-v` where each file's settings come from, in the file's place."""
    here_analyse, there_analyse = here or analysed, there or analysed
    jobs = jobs or default_jobs()
    if jobs < 2 or len(files) < 2 or not can_fork() or any(path == "-" for path, _ in files):
        return None
    if sum(file_sizes(path for path, _ in files)) < MIN_BYTES:
        return None
    here, there, costs = _split(run, files, jobs)
    if sum(costs[i] for i in there) < MIN_BYTES // 4:
        return None  # little but this process's own share: not worth a worker
    # What `-v` says of the settings each file is the first to use, said before the workers
    # start (so that none says it again) and written in its file's place.
    told = {i: _settings_told(run, path) for i, (path, _) in enumerate(files)} if run.verbose and tell else {}
    chunks = consecutive_chunks(there, costs, (jobs - 1) * _CHUNKS_PER_WORKER)
    global _RUN, _THERE
    _RUN, _THERE = run, there_analyse
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(max_workers=jobs - 1, mp_context=multiprocessing.get_context("fork"))
        futures = [executor.submit(_in_worker, [files[i] for i in chunk]) for chunk in chunks]
    except (OSError, ValueError, RuntimeError):
        return None  # no processes to be had: this process does it all
    finally:
        _RUN, _THERE = None, None
    outcomes: Dict[int, Outcome] = {}
    try:
        for i in here:
            outcomes[i] = here_analyse(run, *files[i])
            advance()
        for chunk, future in zip(chunks, futures):
            outcomes.update(_collected(run, files, chunk, future, advance, here_analyse))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
    for i, text in told.items():
        outcomes[i].stderr = text + outcomes[i].stderr
    return [outcomes[i] for i in range(len(files))]


def _collected(
    run: "CheckRun", files: Files, chunk: List[int], future, advance, here_analyse: "Analyse"
) -> Dict[int, Outcome]:
    try:
        sent, reads = future.result()
    except Exception:  # noqa: BLE001 - a worker lost (killed, out of memory): do its files here
        sent, reads = [Outcome(redo=True) for _ in chunk], None
    recording = source.current_observer()
    if reads is not None and recording is not None:
        recording.merge(reads)
    found = {}
    for i, outcome in zip(chunk, sent):
        found[i] = here_analyse(run, *files[i]) if outcome.redo else _received(run, outcome)
        advance()
    return found


def file_sizes(paths: Iterable[str]) -> List[int]:
    """Each file's size in bytes (0 when it cannot be read)."""
    sizes = []
    for path in paths:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)
    return sizes


def _split(run: "CheckRun", files: Files, jobs: int) -> Tuple[List[int], List[int], List[int]]:
    """Which files this process analyses (those that suggest project facts, topped up to its
    share of the work), which the workers do, and the cost of each: its bytes, when the
    prefilter lets it through to be parsed, else next to nothing."""
    here, there, costs = [], [], []
    for i, (path, _) in enumerate(files):
        try:
            data = source.read_bytes(path, own=True)
        except source.NotChecked:
            here.append(i)  # its one-line report is made here
            costs.append(0)
            continue
        names = prefilter.prefilter_names(run.settings_source.for_path(path)[0])
        parsed = prefilter.might_matter(data, names)
        costs.append(len(data) if parsed else len(data) // 50)
        # A file held for the project pass is analysed here: a wrong guess costs a second analysis.
        (here if parsed and may_hold_project_facts(data) else there).append(i)
    share = sum(costs) // jobs
    own = sum(costs[i] for i in here)
    while there and own < share:
        i = there.pop()
        here.append(i)
        own += costs[i]
    return sorted(here), there, costs


def _settings_told(run: "CheckRun", path: str) -> str:
    captured = io.StringIO()
    with redirect_stderr(captured):
        run.tell_settings(run.settings_source.for_path(path)[0])
    return captured.getvalue()


def consecutive_chunks(indexes: Sequence[int], sizes: Sequence[int], count: int) -> List[List[int]]:
    """Consecutive runs of files (neighbours import each other: a worker's index reads each
    module once) of about equal bytes."""
    target = max(1, sum(sizes[i] for i in indexes) // max(1, count))
    chunks: List[List[int]] = [[]]
    total = 0
    for i in indexes:
        if total >= target and chunks[-1]:
            chunks.append([])
            total = 0
        chunks[-1].append(i)
        total += sizes[i]
    return chunks
