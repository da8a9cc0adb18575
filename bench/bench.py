"""Benchmark: `fastapi-conventions-lint check` and `fix` against the ast.parse floor, flake8 and
ruff.

    python bench/bench.py                      # ~70 kLOC synthetic service, 3 repeats
    python bench/bench.py --modules 40         # a small project
    python bench/bench.py --profile            # also cProfile the check in-process
    python bench/bench.py --out /tmp/corpus    # keep the generated project
    python bench/bench.py --corpus ~/src/app   # measure an existing tree instead
    python bench/bench.py --modules 10000 --memory   # peak memory only, 2 M-line tree

What is timed, on the same files (see DESIGN.md, "Measured facts"):
  a. the floor: read each file's bytes and `ast.parse` them, in this process;
  b. `fastapi-conventions-lint check -j1 DIR` as a subprocess, with the default jobs (one
     process per core), and `-j1` with every file named on the command line, as pre-commit
     names them;
  c. flake8 without our plugin (bench/flake8_without_fcl.py), `-j1` and flake8's default jobs;
  d. flake8 with our plugin, `--select FCL`, `-j1`, for reference;
  e. one router file, as pre-commit (`check FILE`) and an editor (flake8 on FILE) pass it: the
     project model is built all the same (see project_pass.py);
  f. `fix` and `fix --unsafe-fixes` on a fresh copy of the tree each run (the copy untimed), and
     a `fix --unsafe-fixes` with nothing left to fix (on a copy fixed beforehand), with the
     default jobs, as a user runs them; their ratios are to the `-j1` check;
  g. `ruff check --select FAST --no-cache` on the same tree, when ruff is installed;
  h. a warm `check` (the results cache, on a copy of the tree): nothing changed; one file that
     nothing else reads edited before each run (a model, a test); one router file edited
     before each run (every file analysed again); then pre-commit's `check --force-exclude FILE`
     on that router file, unchanged since the last `check .`, whose entry answers it.
     When ruff is installed, it runs on the copy right after each timed warm check, and the
     warm ratios to ruff compare those pairs (the machine's speed drifts between rows).
The check rows a-f run with `--no-cache`: they measure a cold check.
Each is run once untimed (warm page cache and .pyc files), then --repeat times; the table gives
the best and the median wall time. Subprocess times include interpreter start-up and imports,
which is what a user waits for; the start-up rows and the in-process row separate the two.

Standard library only. It never edits the linter; it only imports it to read the prefilter and
to run the in-process check and profile.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import cProfile
import io
import os
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import corpus  # noqa: E402  (bench/corpus.py, found through the line above)

WRAPPER = os.path.join(HERE, "flake8_without_fcl.py")
# Tuned so that the default project is about 70 kLOC (physical lines), like DESIGN.md's service.
DEFAULT_MODULES = 350
DEFAULT_SEED = 20240601
DIAGNOSTIC_LINE = re.compile(r"^.+?:\d+:\d+: ([A-Z]+\d+) ", re.MULTILINE)


# ---- the corpus ---------------------------------------------------------------------------

@dataclass
class Corpus:
    root: str
    files: List[str]
    lines: int
    code_lines: int  # non-blank, non-comment-only
    size: int
    kinds: Dict[str, int] = field(default_factory=dict)


def python_files(root: str) -> List[str]:
    """Every .py file under root, skipping the directories the linter skips by default, so
    that the floor parses the same files the tools check."""
    skip = {".git", ".hg", ".venv", "venv", "__pycache__", "build", "dist", "node_modules",
            ".tox", ".nox", "site-packages"}
    found = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = sorted(d for d in subdirectories if d not in skip)
        found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith(".py"))
    return found


def describe(root: str, kinds: Optional[Dict[str, int]] = None) -> Corpus:
    files = python_files(root)
    lines = code = size = 0
    for path in files:
        with open(path, "rb") as handle:
            data = handle.read()
        size += len(data)
        for line in data.splitlines():
            lines += 1
            stripped = line.strip()
            if stripped and not stripped.startswith(b"#"):
                code += 1
    return Corpus(root, files, lines, code, size, kinds or {})


def build_corpus(args: argparse.Namespace) -> Tuple[Corpus, Optional[str]]:
    """Generate (or locate) the project. Returns it and a temporary directory to delete."""
    if args.corpus:
        return describe(os.path.abspath(args.corpus)), None
    if args.out:
        root = os.path.abspath(args.out)
        if os.path.exists(root) and os.listdir(root):
            sys.exit(f"bench: --out {root} exists and is not empty; pick a new directory")
        os.makedirs(root, exist_ok=True)
        cleanup = None
    else:
        root = cleanup = tempfile.mkdtemp(prefix="fcl-bench-")
    modules = corpus.generate(args.modules, args.seed)
    corpus.write_project(root, modules)
    kinds: Dict[str, int] = {}
    for module in modules:
        kinds[module.kind] = kinds.get(module.kind, 0) + 1
    return describe(root, kinds), cleanup


def prefilter_skips(files: Sequence[str]) -> Optional[Tuple[int, List[str]]]:
    """How many files the linter's cheap path rejects before parsing, computed the way the CLI
    does it (engine.check_source: might_matter on the raw bytes, with the configured names).
    Returns (skipped, kept files), or None if the linter cannot be imported."""
    try:
        from fastapi_conventions_lint import engine
        from fastapi_conventions_lint.config import SettingsFinder
        from fastapi_conventions_lint.prefilter import might_matter
    except ImportError:
        return None
    finder = SettingsFinder()
    kept = []
    for path in files:
        names = engine.prefilter_names(finder.for_file(Path(path)))
        with open(path, "rb") as handle:
            if might_matter(handle.read(), names):
                kept.append(path)
    return len(files) - len(kept), kept


# ---- timing -------------------------------------------------------------------------------

@dataclass
class Timing:
    label: str
    times: List[float]
    command: str = ""
    codes: Dict[str, int] = field(default_factory=dict)  # diagnostics reported, by prefix

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def count_codes(output: str) -> Dict[str, int]:
    counts: Dict[str, int] = {}
    for code in DIAGNOSTIC_LINE.findall(output):
        prefix = re.match(r"[A-Z]+", code).group(0)  # type: ignore[union-attr]
        counts[prefix] = counts.get(prefix, 0) + 1
    return counts


def time_function(label: str, function: Callable[[], object], repeat: int) -> Timing:
    function()  # warm-up: page cache, lazy imports, lru caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return Timing(label, times)


def time_command(label: str, command: Sequence[str], cwd: str, repeat: int,
                 ok_codes: Sequence[int] = (0, 1)) -> Timing:
    """Wall time of a subprocess, output captured (the linters print thousands of lines; a
    pipe is what CI gives them too). Exit 1 means "found violations" for both tools."""

    def run() -> str:
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
        if done.returncode not in ok_codes:
            sys.exit(f"bench: {' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
        return done.stdout

    output = run()  # warm-up, and the output we count diagnostics from
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return Timing(label, times, " ".join(command), count_codes(output))


def time_fix(label: str, options: Sequence[str], root: str, repeat: int, *,
             fixed_first: bool = False) -> Timing:
    """Wall time of `fix OPTIONS .` in a fresh copy of the tree (copied outside the timing),
    `fixed_first`: a copy that `fix --unsafe-fixes` has already fixed (the no-op fix)."""
    command = [*linter_command(), "fix", *options, "."]
    times: List[float] = []
    output = ""
    for run_number in range(repeat + 1):  # the first run warms up
        with tempfile.TemporaryDirectory(prefix="fcl-bench-fix-") as directory:
            copy = os.path.join(directory, "tree")
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", ".*cache*"))
            if fixed_first:
                subprocess.run([*linter_command(), "fix", "--unsafe-fixes", "-qq", "."], cwd=copy,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            start = time.perf_counter()
            done = subprocess.run(command, cwd=copy, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
            elapsed = time.perf_counter() - start
            if done.returncode not in (0, 1):
                sys.exit(f"bench: {' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
            if run_number:
                times.append(elapsed)
            output = done.stdout
    fixed = re.search(r"Fixed (\d+) violations? in (\d+) files?", output)
    codes = {"fixed": int(fixed.group(1)), "files": int(fixed.group(2))} if fixed else {}
    return Timing(label, times, " ".join(command) + "   (in a copy)", codes)


def time_warm(root: str, files: Sequence[str], router: Optional[str], repeat: int,
              ruff: Optional[Sequence[str]] = None) -> Tuple[Dict[str, Timing], Dict[str, Timing]]:
    """Warm checks on a copy of the tree, its results cache in a folder of its own: with
    nothing changed, after an edit of a file nothing else reads, after an edit of a router
    file. Each edit appends a comment (outside the timing). With `ruff` (its command), ruff
    runs on the copy right after each timed check: the second dict, by kind, holds those
    times, so that each ratio compares runs made at the same moment (a shared machine's
    speed drifts between the rows of the table)."""
    from fastapi_conventions_lint import prefilter
    from fastapi_conventions_lint.cache import ENVIRONMENT
    from fastapi_conventions_lint.config import Settings
    from fastapi_conventions_lint.engine import prefilter_names

    names = prefilter_names(Settings())
    alone = next((path for path in files if not _read_by_project(path, names, prefilter)), None)
    edits = {"nothing changed": None, "one file nothing reads edited": alone, "router edited": router,
             "pre-commit names the router file": router}
    timings: Dict[str, Timing] = {}
    paired: Dict[str, Timing] = {}
    with tempfile.TemporaryDirectory(prefix="fcl-bench-warm-") as directory:
        copy = os.path.join(directory, "tree")
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", ".*cache*"))
        # Files changed less than two seconds before they are read are read again at every run
        # (cache.py, _RACY_NS): a working tree's files are older than that.
        time.sleep(2.1)
        environment = {**os.environ, ENVIRONMENT: os.path.join(directory, "cache")}
        for kind, edited in edits.items():
            if kind != "nothing changed" and edited is None:
                continue
            target = os.path.join(copy, os.path.relpath(edited, root)) if edited else None
            command = [*linter_command(), "check", "."]
            if kind.startswith("pre-commit"):  # the file as the last `check .` saw it
                command = [*linter_command(), "check", "--force-exclude", os.path.relpath(edited, root)]
                target = None
            times: List[float] = []
            ruff_times: List[float] = []
            for run_number in range(repeat + 2):  # the first fills the cache, the next warms up
                if target is not None and run_number:
                    with open(target, "a", encoding="utf-8") as handle:
                        handle.write(f"# edit {run_number}\n")
                start = time.perf_counter()
                done = subprocess.run(command, cwd=copy, env=environment, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
                elapsed = time.perf_counter() - start
                if done.returncode not in (0, 1):
                    sys.exit(f"bench: {' '.join(command)} exited {done.returncode}")
                if run_number > 1:
                    times.append(elapsed)
                    if ruff is not None:
                        start = time.perf_counter()
                        subprocess.run(ruff, cwd=copy, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        ruff_times.append(time.perf_counter() - start)
            shown = f" ({os.path.relpath(edited, root)})" if edited else ""
            timings[kind] = Timing(f"h. warm check, {kind}{shown}", times,
                                   " ".join(command) + "   (in a copy, cache in a folder of its own)", {})
            if ruff_times:
                paired[kind] = Timing(f"   ruff right after each: {kind}", ruff_times, "", {})
    return timings, paired


def _read_by_project(path: str, names: Sequence[str], prefilter) -> bool:
    with open(path, "rb") as handle:
        return prefilter.read_by_project(handle.read(), tuple(names), True)


def parse_all(files: Sequence[str]) -> None:
    """The floor: the least any ast-based linter must do (read + parse every file)."""
    for path in files:
        with open(path, "rb") as handle:
            ast.parse(handle.read(), filename=path)


def check_in_process(root: str) -> None:
    from fastapi_conventions_lint import cli

    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(["check", "--no-cache", "-j", "1", root])


def check_without_prefilter(root: str) -> None:
    from fastapi_conventions_lint import prefilter

    with mock.patch.object(prefilter, "might_matter", lambda *args, **kwargs: True):
        check_in_process(root)


def check_file_by_file(root: str) -> None:
    """The same check without the project pass (each file concluded on its own facts), so
    that the difference is what linking the project costs."""
    from fastapi_conventions_lint import project_pass

    def file_by_file(entries):
        return [analysis.conclude() for _, analysis, _ in entries], []  # (conclusions, no index)

    with mock.patch.object(project_pass, "link_and_conclude", file_by_file):
        check_in_process(root)


_PEAK = (
    "import resource, subprocess, sys\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


def peak_memory_mb(command: Sequence[str], cwd: str, env: Optional[Dict[str, str]] = None) -> float:
    """Peak resident memory of one run of a command (Linux reports KiB): of the largest
    process, the command's own or one of its workers'."""
    output = subprocess.run(
        [sys.executable, "-c", _PEAK, *command], cwd=cwd, env=env, capture_output=True, text=True,
        check=True,
    ).stdout
    return int(output.split()[-1]) / 1024


def check_peaks(root: str) -> Dict[str, float]:
    """Peak memory of the checks the issue's targets name, "cache or not": with `--no-cache`
    (one process and the default jobs), a cold run that writes the results cache (both
    ways), and a warm run that reads it."""
    from fastapi_conventions_lint.cache import ENVIRONMENT

    linter = linter_command()
    peaks: Dict[str, float] = {}
    for jobs in (["-j", "1"], []):
        label = "-j1" if jobs else "default jobs"
        peaks[f"--no-cache, {label}"] = peak_memory_mb([*linter, "check", "--no-cache", *jobs, root], root)
        with tempfile.TemporaryDirectory(prefix="fcl-bench-cache-") as directory:
            environment = {**os.environ, ENVIRONMENT: directory}
            command = [*linter, "check", *jobs, root]
            peaks[f"cold, writing the cache, {label}"] = peak_memory_mb(command, root, environment)
            if not jobs:
                peaks["warm, nothing changed"] = peak_memory_mb(command, root, environment)
    return peaks


def print_peaks(peaks: Dict[str, float]) -> None:
    print("peak memory of check (the largest process):")
    for label, megabytes in peaks.items():
        print(f"  {label:<36} {megabytes:6.0f} MB")


def linter_command() -> List[str]:
    script = shutil.which("fastapi-conventions-lint")
    return [script] if script else [sys.executable, "-m", "fastapi_conventions_lint"]


# ---- the flake8 wrapper must really leave FCL out -----------------------------------------

_VIOLATING = '''\
from fastapi import APIRouter

router = APIRouter(prefix="/api/v1/items", tags=["items"])
'''


def verify_wrapper() -> None:
    """Fail loudly if bench/flake8_without_fcl.py does not exclude the plugin, or if the check
    itself could not tell (flake8 with the plugin must report FCL001 on the same file)."""
    with tempfile.TemporaryDirectory(prefix="fcl-bench-verify-") as directory:
        path = os.path.join(directory, "router.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(_VIOLATING)

        def flake8(*command: str) -> str:
            done = subprocess.run([sys.executable, *command, "--isolated", "--select", "FCL",
                                   path], cwd=directory, capture_output=True, text=True)
            return done.stdout

        version = subprocess.run([sys.executable, WRAPPER, "--version"], capture_output=True,
                                 text=True).stdout
        with_plugin = flake8("-m", "flake8")
        without = flake8(WRAPPER)
    if "fastapi-conventions-lint" in version or "FCL" in without:
        sys.exit(f"bench: the wrapper did not exclude FCL:\n{version}{without}")
    if "FCL001" not in with_plugin:
        sys.exit("bench: flake8 with the plugin did not report FCL001; is the plugin installed?")
    print(f"wrapper check: flake8_without_fcl --version -> {' '.join(version.split())}")
    print("wrapper check: FCL001 reported by flake8, not by the wrapper: ok")


# ---- report -------------------------------------------------------------------------------

def print_table(timings: Sequence[Timing], floor: Timing, check: Timing) -> None:
    width = max(len(t.label) for t in timings)
    print(f"\n{'measurement':<{width}}  {'best s':>8}  {'median s':>8}  {'x floor':>8}  "
          f"{'x check':>8}  diagnostics")
    for t in timings:
        codes = ", ".join(f"{k} {v}" for k, v in sorted(t.codes.items())) or "-"
        print(f"{t.label:<{width}}  {t.best:8.3f}  {t.median:8.3f}  {t.best / floor.best:8.2f}  "
              f"{t.best / check.best:8.2f}  {codes}")


def print_ratios(floor: Timing, check: Timing, flake8_j1: Optional[Timing],
                 flake8_jobs: Optional[Timing], startup: Optional[Timing],
                 in_process: Optional[Timing], no_prefilter: Optional[Timing],
                 fixes: Optional[Dict[str, Timing]] = None, ruff: Optional[Timing] = None,
                 named: Optional[Timing] = None, warm: Optional[Dict[str, Timing]] = None,
                 jobs: Optional[Timing] = None, paired: Optional[Dict[str, Timing]] = None) -> None:
    print("\nratios (best times):")

    def line(name: str, value: float, target: str = "", ok: Optional[bool] = None) -> None:
        verdict = "" if ok is None else ("  met" if ok else "  MISSED")
        print(f"  {name:<44} {value:7.2f}x  {target}{verdict}")

    ratio = check.best / floor.best
    line("check / floor", ratio, "(target <= 3)", ratio <= 3)
    if jobs is not None:
        ratio = jobs.best / check.best
        line("check, default jobs / check -j1", ratio, "(target <= 0.7 on 400 k lines)", ratio <= 0.7)
    if named is not None:
        line("check, every file named / check", named.best / check.best)
    if in_process is not None:
        line("check in-process / floor", in_process.best / floor.best)
    if no_prefilter is not None:
        line("check in-process, prefilter off / floor", no_prefilter.best / floor.best)
    if startup is not None:
        line("(check - its start-up) / floor", (check.best - startup.best) / floor.best)
    if flake8_j1 is not None:
        ratio = flake8_j1.best / check.best
        line("flake8 without FCL, -j1 / check", ratio, "(target >= 10)", ratio >= 10)
    if flake8_jobs is not None:
        line("flake8 without FCL, default jobs / check", flake8_jobs.best / check.best)
    if flake8_j1 is not None:
        line("flake8 without FCL, -j1 / floor", flake8_j1.best / floor.best,
             "(DESIGN.md measured ~35)")
    if fixes:
        ratio = fixes["no-op"].best / check.best
        line("no-op fix --unsafe-fixes / check", ratio, "(target <= 1.2)", ratio <= 1.2)
        ratio = fixes["unsafe"].best / check.best
        line("fix --unsafe-fixes / check", ratio, "(target <= 3)", ratio <= 3)
        line("fix / check", fixes["safe"].best / check.best)
        line("fix --unsafe-fixes / floor", fixes["unsafe"].best / floor.best)
    if ruff is not None:
        line("check / ruff --select FAST --no-cache", check.best / ruff.best)
        line("ruff --select FAST --no-cache / floor", ruff.best / floor.best)
    for kind, timing in (warm or {}).items():
        line(f"warm check, {kind} / check", timing.best / check.best)
        # Against ruff run right after each warm check (same moment), else ruff's own row.
        beside = (paired or {}).get(kind, ruff)
        if beside is not None:
            ratio = timing.best / beside.best
            target = kind in ("nothing changed", "one file nothing reads edited")
            line(f"warm check, {kind} / ruff", ratio, "(target <= 2)" if target else "",
                 ratio <= 2 if target else None)
            if kind in (paired or {}):
                line("  the same, medians", timing.median / beside.median)


def run_profile(root: str, top: int) -> None:
    """cProfile one in-process check. cProfile charges a fixed cost per Python call, so
    Python-heavy code looks slower relative to C (ast.parse = builtins.compile) than it is."""
    from fastapi_conventions_lint import cli

    profiler = cProfile.Profile()
    with contextlib.redirect_stdout(io.StringIO()):
        profiler.enable()
        cli.main(["check", "--no-cache", "-j", "1", root])
        profiler.disable()
    for order in ("cumulative", "tottime"):
        print(f"\n==== profile: top {top} by {order} time ====")
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.strip_dirs().sort_stats(order).print_stats(top)
    print_time_by_file(pstats.Stats(profiler))


def print_time_by_file(stats: pstats.Stats, top: int = 15) -> None:
    """Own time summed per source file (built-ins per function): where the time goes
    beyond ast.parse, at a glance."""
    by_file: Dict[str, float] = {}
    total = 0.0
    for (filename, _, name), (_, _, own, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        if filename == "~":
            key = name  # a built-in: <built-in method builtins.compile> is ast.parse's work
        else:
            marker = "site-packages" + os.sep
            key = filename.split(marker, 1)[-1] if marker in filename else filename
            key = key.split(os.sep + "src" + os.sep, 1)[-1]
        by_file[key] = by_file.get(key, 0.0) + own
        total += own
    print(f"\n==== profile: own time by file (top {top}; total {total:.3f} s) ====")
    for key, own in sorted(by_file.items(), key=lambda item: -item[1])[:top]:
        print(f"  {own:7.3f} s  {100 * own / total:5.1f}%  {key}")


# ---- main ---------------------------------------------------------------------------------

def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--modules", type=int, default=DEFAULT_MODULES,
                        help=f"modules to generate, plus __init__.py files "
                             f"(default {DEFAULT_MODULES}: about 70 kLOC)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help="random seed; the same seed gives the same files")
    parser.add_argument("--out", metavar="DIR", help="generate into DIR and keep it")
    parser.add_argument("--corpus", metavar="DIR",
                        help="benchmark an existing tree instead of generating one")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per measurement")
    parser.add_argument("--profile", action="store_true",
                        help="also cProfile one in-process check")
    parser.add_argument("--top", type=int, default=25, help="rows per profile listing")
    parser.add_argument("--no-flake8", action="store_true", help="skip the flake8 runs")
    parser.add_argument("--no-fix", action="store_true", help="skip the fix runs")
    parser.add_argument("--memory", action="store_true",
                        help="only measure peak memory of check: --no-cache, cold writing the "
                             "results cache and warm, with -j1 and the default jobs")
    args = parser.parse_args(argv)
    if args.modules < 12:
        parser.error("--modules must be at least 12 (the fixed server/ and shared/ modules)")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def compile_linter() -> None:
    """Byte-compile the linter first: an installed package has its .pyc files, but with
    PYTHONDONTWRITEBYTECODE set (as on some CI machines) the warm-up runs would not write
    them, and every timed run would compile its modules again."""
    import compileall

    import fastapi_conventions_lint

    compileall.compile_dir(os.path.dirname(fastapi_conventions_lint.__file__), quiet=1)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    compile_linter()
    data, temporary = build_corpus(args)
    try:
        return run(args, data)
    finally:
        if temporary:
            shutil.rmtree(temporary, ignore_errors=True)


def run(args: argparse.Namespace, data: Corpus) -> int:
    root = data.root
    if args.memory:
        print(f"corpus: {root}: {len(data.files)} files, {data.lines:,} lines")
        print_peaks(check_peaks(root))
        return 0
    print(f"python {sys.version.split()[0]} on {sys.platform}, {os.cpu_count()} CPUs; "
          f"repeat {args.repeat} (+1 warm-up)")
    origin = "" if args.corpus else f"  (--modules {args.modules} --seed {args.seed})"
    print(f"corpus: {root}{origin}")
    print(f"  {len(data.files)} files, {data.lines:,} lines ({data.code_lines:,} code), "
          f"{data.size / 1e6:.1f} MB")
    if data.kinds:
        print("  kinds: " + ", ".join(f"{k} {v}" for k, v in sorted(data.kinds.items())))
    skipped = prefilter_skips(data.files)
    if skipped is not None:
        count, kept = skipped
        kept_lines = sum(open(p, "rb").read().count(b"\n") for p in kept)
        print(f"  prefilter (might_matter on the bytes): skips {count} of {len(data.files)} files "
              f"({100 * count / len(data.files):.0f}%); {len(kept)} files, {kept_lines:,} lines "
              f"go on to ast.parse")

    timings: List[Timing] = []
    floor = time_function("a. ast.parse floor (read + parse, in-process)",
                          lambda: parse_all(data.files), args.repeat)
    timings.append(floor)
    if skipped is not None:
        timings.append(time_function("   ast.parse of the files the prefilter keeps",
                                     lambda: parse_all(skipped[1]), args.repeat))
    linter = linter_command()
    check = time_command("b. fastapi-conventions-lint check -j1 (subprocess)",
                         [*linter, "check", "--no-cache", "-j", "1", root], root, args.repeat)
    timings.append(check)
    from fastapi_conventions_lint.parallel import default_jobs

    jobs = time_command(f"   check, default jobs (one per core it may run on: {default_jobs()})",
                        [*linter, "check", "--no-cache", root], root, args.repeat)
    timings.append(jobs)
    named = time_command("   check with every file named (as pre-commit names them)",
                         [*linter, "check", "--no-cache", "-j", "1", *data.files], root, args.repeat)
    named.command = f"{' '.join(linter)} check --no-cache -j 1 <the {len(data.files)} files>"
    timings.append(named)
    startup = time_command("   its start-up only (--version)", [*linter, "--version"], root,
                           args.repeat, ok_codes=(0,))
    timings.append(startup)
    in_process = time_function("   check in-process (cli.main, no start-up)",
                               lambda: check_in_process(root), args.repeat)
    timings.append(in_process)
    project_off = time_function("   check in-process, project pass off (patched)",
                                lambda: check_file_by_file(root), args.repeat)
    timings.append(project_off)
    no_prefilter = None
    if skipped is not None:
        # What the check would cost on a tree where every file mentions FastAPI: the same run
        # with the cheap path answering "maybe" for every file (patched here, not in src/).
        no_prefilter = time_function("   check in-process, prefilter off (patched)",
                                     lambda: check_without_prefilter(root), args.repeat)
        timings.append(no_prefilter)
    flake8_j1 = flake8_jobs = None
    if not args.no_flake8:
        verify_wrapper()
        wrapper = [sys.executable, WRAPPER]
        flake8_j1 = time_command("c. flake8 without FCL, -j1", [*wrapper, "-j1", root], root,
                                 args.repeat)
        flake8_jobs = time_command(f"c. flake8 without FCL, default jobs ({os.cpu_count()})",
                                   [*wrapper, root], root, args.repeat)
        timings += [flake8_j1, flake8_jobs]
        timings.append(time_command("   flake8 without FCL start-up only (--version)",
                                    [*wrapper, "--version"], root, args.repeat, ok_codes=(0,)))
        timings.append(time_command("d. flake8 with FCL, --select FCL, -j1",
                                    [sys.executable, "-m", "flake8", "--select", "FCL", "-j1",
                                     root], root, args.repeat))
    # One changed router file, as pre-commit and an editor pass it: the project model (the
    # workspace walk, the modules whose answers concern the file, and for `check` the whole
    # app for the whole-app rules) is built for it all the same.
    one = next((path for path in data.files if "APIRouter(" in open(path, encoding="utf-8").read()), None)
    if one is not None:
        timings.append(time_command("e. check one router file (pre-commit)",
                                    [*linter, "check", "--no-cache", one], root, args.repeat))
        timings.append(time_command("   check one file, whole-app rules off",
                                    [*linter, "check", "--no-cache", "--ignore",
                                     "FCL007,FCL008,FCL009,FCL010,FCL012", one],
                                    root, args.repeat))
        timings.append(time_command("   flake8 --select FCL on one file (an editor)",
                                    [sys.executable, "-m", "flake8", "--select", "FCL", one],
                                    root, args.repeat))
    fixes: Dict[str, Timing] = {}
    if not args.no_fix:
        fixes["safe"] = time_fix("f. fix (a fresh copy each run)", [], root, args.repeat)
        fixes["unsafe"] = time_fix("   fix --unsafe-fixes (a fresh copy each run)", ["--unsafe-fixes"],
                                   root, args.repeat)
        fixes["no-op"] = time_fix("   fix --unsafe-fixes with nothing left to fix", ["--unsafe-fixes"],
                                  root, args.repeat, fixed_first=True)
        timings += list(fixes.values())
    ruff = None
    ruff_path = shutil.which("ruff")
    if ruff_path is not None:
        ruff = time_command("g. ruff check --select FAST --no-cache", [ruff_path, "check", "--select",
                            "FAST", "--no-cache", "--exit-zero", root], root, args.repeat)
        timings.append(ruff)
    ruff_warm = [ruff_path, "check", "--select", "FAST", "--no-cache", "--exit-zero", "."] if ruff_path else None
    warm, paired = time_warm(root, data.files, one, args.repeat, ruff_warm)
    timings += list(warm.values()) + list(paired.values())
    print_table(timings, floor, check)
    print_ratios(floor, check, flake8_j1, flake8_jobs, startup, in_process, no_prefilter,
                 fixes or None, ruff, named, warm, jobs, paired)
    print(f"  project pass (linking + project rules)       "
          f"{1000 * (in_process.best - project_off.best):+.0f} ms "
          f"({in_process.best / project_off.best:.2f}x the file-by-file check)")
    print()
    print_peaks(check_peaks(root))
    if not args.no_flake8:
        wrapper_peak = peak_memory_mb([sys.executable, WRAPPER, "-j1", root], root)
        print(f"  {'flake8 -j1 without FCL':<36} {wrapper_peak:6.0f} MB")
    if not args.no_fix:
        with tempfile.TemporaryDirectory(prefix="fcl-bench-fix-") as directory:
            copy = os.path.join(directory, "tree")
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__", ".*cache*"))
            fix_peak = peak_memory_mb([*linter, "fix", "--unsafe-fixes", "."], copy)
        print(f"  {'fix --unsafe-fixes (not check)':<36} {fix_peak:6.0f} MB")
    print("\ncommands (run from the corpus root, which holds pyproject.toml and .flake8):")
    for t in timings:
        if t.command:
            print(f"  {t.command}")
    if args.profile:
        run_profile(root, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
