"""`fix --jobs N`: the per-file fixes of a round computed in worker processes.

A round's first pass, its project pass and the cross-file moves run in this process; what
they leave is each file to fix on its own (fix/session.py), knowing its project context.
That part is most of a fix's time (LibCST), and the files do not depend on one another
there, so the files with something to fix are handed to workers forked after the first
pass: they inherit the contexts instead of receiving them. A worker sends back the bytes it
read, the file's FileFix and what it wrote on stderr; this process takes them in the order
of the files and writes, reports and counts as it would have after fixing each file itself.
So what a fix writes and reports does not depend on the number of jobs. A file a worker
could not do (an error, a lost worker) is fixed here, where its error is reported as usual.
Without `fork` the round stays in one process."""

from __future__ import annotations

import io
from contextlib import redirect_stderr
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Sequence, Tuple

from fastapi_conventions_lint import source
from fastapi_conventions_lint.parallel import can_fork, consecutive_chunks, default_jobs, file_sizes

if TYPE_CHECKING:  # pragma: no cover
    from fastapi_conventions_lint.commands.check import CheckRun
    from fastapi_conventions_lint.fix.session import FileFix

# Below this many bytes to fix, starting processes costs more than it saves (a file's fix
# costs some 30-60 ms of LibCST per 10 kB; a fork and its first result about 20 ms).
MIN_BYTES = 40_000
_CHUNKS_PER_WORKER = 4

# (path, explicit, project context): a file to fix, as the round's loop would fix it.
Todo = Tuple[str, bool, Any]
# What a worker made of one file: the bytes it read, the fix, its stderr; None: do it here.
Made = Optional[Tuple[bytes, "FileFix", str]]

# The run and its files to fix, as the workers were forked with them: a chunk is sent as
# positions in the list (the project contexts would cost more to send than to fix with).
_RUN: Optional["CheckRun"] = None
_TODO: Sequence[Todo] = ()


class FixedElsewhere:
    """The fixes the workers are making, handed out by path as the round reaches them."""

    def __init__(self, executor, pending: Dict[str, Tuple[Any, int]]) -> None:
        self._executor = executor
        self._pending = pending  # path -> (its chunk's future, its place in the chunk)

    def take(self, path: str) -> Made:
        """The worker's fix of `path` (waiting for it), or None: fix it here."""
        found = self._pending.pop(path, None)
        if found is None:
            return None
        future, place = found
        try:
            made = future.result()
        except Exception:  # noqa: BLE001 - a worker lost (killed, out of memory): fix it here
            return None
        return made[place]

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def __enter__(self) -> "FixedElsewhere":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def fix_in_workers(run: "CheckRun", todo: Sequence[Todo], jobs: Optional[int]) -> FixedElsewhere:
    """Start fixing `todo` in `jobs` workers (None: one per core). This process waits for
    them while it writes what they send, so all of them fix; with too little to fix (or no
    processes to be had), nothing is started and every file is fixed here."""
    jobs = jobs or default_jobs()
    nothing = FixedElsewhere(None, {})
    if jobs < 2 or len(todo) < 2 or not can_fork():
        return nothing
    sizes = file_sizes(path for path, _, _ in todo)
    if sum(sizes) < MIN_BYTES:
        return nothing
    chunks = consecutive_chunks(range(len(todo)), sizes, jobs * _CHUNKS_PER_WORKER)
    # LibCST imported once here, not once per worker.
    import fastapi_conventions_lint.fix.apply  # noqa: F401

    global _RUN, _TODO
    _RUN, _TODO = run, todo
    try:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        executor = ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork"))
        pending = {}
        for chunk in chunks:
            future = executor.submit(_in_worker, chunk)
            pending.update((todo[i][0], (future, place)) for place, i in enumerate(chunk))
    except (OSError, ValueError, RuntimeError):
        return nothing
    finally:
        _RUN, _TODO = None, ()
    return FixedElsewhere(executor, pending)


def _in_worker(chunk: Sequence[int]) -> List[Made]:
    from fastapi_conventions_lint.report import progress

    progress._active = None  # the bar is this process's parent's to draw
    return [_fixed(_RUN, *_TODO[i]) for i in chunk]  # type: ignore[arg-type]


def _fixed(run: "CheckRun", path: str, explicit: bool, project: Any) -> Made:
    captured = io.StringIO()
    try:
        with redirect_stderr(captured):
            data = source.read_bytes(path)
            result = run.fixed_file(path, path, data, explicit, project)
    except Exception:  # noqa: BLE001 - this process's parent fixes it and reports the error
        return None
    return data, result, captured.getvalue()
