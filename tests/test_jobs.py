"""`check --jobs N` (parallel.py): the report, the exit status and what `-v` says do not depend
on the number of processes, whatever the workers meet: a file that holds project facts after all,
a file that does not parse, a worker that dies; and the results cache records what workers
read. `fix --jobs N` (fix/workers.py): what is written, previewed and reported does not depend
on it either."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fastapi_conventions_lint import parallel
from fastapi_conventions_lint.fix import workers as fix_workers
from tests.conftest import parse_output, run_cli

MAIN = '''\
from fastapi import FastAPI

from app.routers import items

app = FastAPI()
app.include_router(items.router)
'''

ITEMS = '''\
from fastapi import APIRouter, Depends

from app.deps import get_client

router = APIRouter(prefix="/items")


@router.get("/")
async def list_items(client=Depends(get_client)) -> list:
    return []
'''

# A router of a class another module derives from APIRouter, never included (its decorator
# split by a comment).
ORDERS = '''\
"""Orders."""
from app.base import Api

orders = Api(prefix="/orders", tags=["orders"])


@(orders  # its one route
  .get("/"))
def list_orders() -> list:
    return []
'''

BASE = '''\
from fastapi import APIRouter


class Api(APIRouter):
    pass
'''

# Says none of the words the main process keeps files for (`. mount` is spaced): a worker gets
# it, and finds a mount, which the project pass holds.
ADMIN = '''\
"""Static files (fastapi)."""
from starlette.staticfiles import StaticFiles

from app.main import app

app . mount("/static", StaticFiles(directory="static"))
'''

# A dependency module holding nothing the project pass collects: its FCL105 for the async
# dependency another module uses is a project finding, added to a worker's results.
DEPS = '''\
import time

from fastapi import HTTPException


async def get_client():
    time.sleep(1)
    return object()
'''

SERVICE = '''\
from fastapi import HTTPException


def find_{n}(key: int) -> dict:
    if key < 0:
        raise HTTPException(status_code=404, detail="missing")  # noqa: FCL401
    if key == 0:
        raise HTTPException(status_code=409, detail="conflict")
    return {{"key": key}}
'''


@pytest.fixture
def project(tmp_path, monkeypatch):
    root = tmp_path / "shop"
    (root / "app" / "routers").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    files = {
        "app/__init__.py": "", "app/routers/__init__.py": "", "app/main.py": MAIN,
        "app/routers/items.py": ITEMS, "app/orders.py": ORDERS, "app/base.py": BASE, "app/admin.py": ADMIN,
        "app/deps.py": DEPS, "app/broken.py": "from fastapi import HTTPException\ndef (:\n",
    }
    files.update({f"app/service_{n}.py": SERVICE.format(n=n) for n in range(12)})
    for name, text in files.items():
        (root / name).write_text(text)
    monkeypatch.chdir(root)
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)  # a small project, split all the same
    return root


@pytest.fixture
def workers_used(monkeypatch):
    """Whether the last run's first pass was made with workers."""
    used = []
    first_pass = parallel.first_pass

    def recording(*args, **kwargs):
        outcomes = first_pass(*args, **kwargs)
        used.append(outcomes is not None)
        return outcomes

    monkeypatch.setattr(parallel, "first_pass", recording)
    return used


def test_the_report_does_not_depend_on_the_number_of_jobs(project, capsys, workers_used):
    alone = run_cli(["check", "--no-cache", "-j", "1", "."], capsys)
    assert workers_used == [False]
    shared = run_cli(["check", "--no-cache", "-j", "2", "."], capsys)
    assert workers_used == [False, True]
    assert shared == alone
    codes = {(Path(d.path).name, d.code) for d in parse_output(alone[1])}
    # A whole-app finding, and one (the dependency's blocking call) made in a worker's file.
    assert ("orders.py", "FCL009") in codes
    assert [d.line for d in parse_output(alone[1]) if d.code == "FCL105"] == [7]
    assert ("broken.py", "FCL900") in codes
    assert sum(1 for d in parse_output(alone[1]) if d.code == "FCL401") == 12  # the noqa'd ones not


def _record_split(monkeypatch, module, name: str):
    """The names of the files given to workers, and of those `module.name` analysed in this
    process (a worker records in its own copy)."""
    given, here = [], []
    split, analysed = parallel._split, getattr(module, name)

    def splitting(run, files, jobs):
        found = split(run, files, jobs)
        given.extend(Path(files[i][0]).name for i in found[1])
        return found

    def recording(run, path, explicit):
        here.append(Path(path).name)
        return analysed(run, path, explicit)

    monkeypatch.setattr(parallel, "_split", splitting)
    monkeypatch.setattr(module, name, recording)
    return given, here


def test_a_file_a_worker_finds_project_facts_in_is_analysed_here(project, capsys, monkeypatch):
    given, here = _record_split(monkeypatch, parallel, "analysed")
    run_cli(["check", "--no-cache", "-j", "2", "."], capsys)
    assert "admin.py" in given and "admin.py" in here


def test_what_verbose_says_does_not_depend_on_the_number_of_jobs(project, capsys, workers_used):
    alone = run_cli(["check", "--no-cache", "-v", "-j", "1", "."], capsys)
    shared = run_cli(["check", "--no-cache", "-v", "-j", "2", "."], capsys)
    assert workers_used == [False, True]
    assert "settings" in alone[2] and shared == alone


def test_a_lost_worker_leaves_its_files_to_this_process(project, capsys, monkeypatch, workers_used):
    expected = run_cli(["check", "--no-cache", "-j", "1", "."], capsys)

    def dies(chunk):
        os._exit(3)

    monkeypatch.setattr(parallel, "_in_worker", dies)  # what the forked worker runs
    assert run_cli(["check", "--no-cache", "-j", "2", "."], capsys) == expected
    assert workers_used[-1] is True


def test_a_warm_run_after_a_parallel_one_reports_the_same(project, capsys, workers_used):
    cold = run_cli(["check", "-j", "2", "."], capsys)
    warm = run_cli(["check", "-v", "-j", "2", "."], capsys)
    assert warm[:2] == cold[:2] and "cache: results of" in warm[2]
    # A file only a worker read (app/deps.py is asked about by the project pass) changes:
    # the entry knew it was read, so the run is cold again, and right.
    (project / "app" / "deps.py").write_text(DEPS.replace("time.sleep(1)", "pass"))
    again = run_cli(["check", "-v", "-j", "2", "."], capsys)
    fresh = run_cli(["check", "--no-cache", "-j", "1", "."], capsys)
    assert again[:2] == fresh[:2]
    assert not any(d.code == "FCL105" for d in parse_output(again[1]))
    assert workers_used == [True, True, False]  # the warm run analysed nothing


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_jobs_must_be_a_positive_number(value, capsys):
    with pytest.raises(SystemExit) as exit_:
        run_cli(["check", "--jobs", value, "."], capsys)
    assert exit_.value.code == 2
    assert "expected a number of processes" in capsys.readouterr().err


def test_a_small_project_is_analysed_in_one_process(tmp_path, capsys, monkeypatch, workers_used):
    (tmp_path / "api.py").write_text(ITEMS)
    monkeypatch.chdir(tmp_path)
    run_cli(["check", "--no-cache", "-j", "2", "."], capsys)
    assert workers_used == [False]


@pytest.mark.parametrize("own", ["", "\n\ndef missing():\n    raise HTTPException(status_code=404)\n"])
def test_a_file_whose_lines_were_let_go_gets_a_project_finding_in_characters(project, capsys, own):
    """app/deps.py has no noqa: its lines are let go with its facts (all of them, or all but
    the line of its own finding), and read again when the project pass finds its async
    dependency blocking."""
    deps = DEPS.replace("    time.sleep(1)", '    note = "café"; time.sleep(1)') + own
    (project / "app" / "deps.py").write_text(deps)
    for jobs in ("1", "2"):
        _, out, _ = run_cli(["check", "--no-cache", "-j", jobs, "."], capsys)
        [found] = [d for d in parse_output(out) if d.code == "FCL105"]
        assert (found.line, found.col) == (7, 20)  # `é` is one character, two bytes
        assert [(d.line, d.code) for d in parse_output(out) if d.path.endswith("deps.py") and d.code != "FCL105"] == (
            [(12, "FCL401")] if own else []
        )


# -- fix --jobs ---------------------------------------------------------------------------------

@pytest.fixture
def fix_workers_used(monkeypatch):
    """For each fix round: how many files its workers were given."""
    given = []
    fix_in_workers = fix_workers.fix_in_workers

    def recording(run, todo, jobs):
        elsewhere = fix_in_workers(run, todo, jobs)
        given.append(len(elsewhere._pending))
        return elsewhere

    monkeypatch.setattr(fix_workers, "MIN_BYTES", 0)
    monkeypatch.setattr(fix_workers, "fix_in_workers", recording)
    return given


def _tree(root: Path) -> dict:
    return {str(path.relative_to(root)): path.read_bytes() for path in sorted(root.rglob("*.py"))}


def _fixed_copy(project: Path, name: str) -> Path:
    import shutil

    copy = project.parent / name
    shutil.copytree(project, copy)
    os.chdir(copy)
    return copy


def test_a_fix_writes_and_reports_the_same_for_any_number_of_jobs(project, capsys, monkeypatch, fix_workers_used):
    from fastapi_conventions_lint.commands.check import CheckRun

    fixed_here = []
    fixed_file = CheckRun.fixed_file

    def recording(run, path, *args):
        fixed_here.append(Path(path).name)  # in this process (a worker records in its own copy)
        return fixed_file(run, path, *args)

    monkeypatch.setattr(CheckRun, "fixed_file", recording)
    alone_root = _fixed_copy(project, "alone")
    alone = run_cli(["fix", "--unsafe-fixes", "-j", "1", "."], capsys)
    assert fix_workers_used == [0, 0]  # two rounds, the second finding nothing to fix
    assert "service_3.py" in fixed_here
    fixed_here.clear()
    shared_root = _fixed_copy(project, "shared")
    shared = run_cli(["fix", "--unsafe-fixes", "-j", "2", "."], capsys)
    assert fix_workers_used[2] >= 12  # the twelve services' status codes, at least
    assert not any(name.startswith("service_") for name in fixed_here)  # the workers fixed them
    assert shared == alone
    assert "Fixed 13 violations in 13 files" in alone[1]
    assert _tree(shared_root) == _tree(alone_root) != _tree(project)
    assert "status.HTTP_409_CONFLICT" in (shared_root / "app" / "service_3.py").read_text()


def test_a_preview_is_the_same_for_any_number_of_jobs(project, capsys, fix_workers_used):
    alone = run_cli(["fix", "--diff", "-j", "1", "."], capsys)
    shared = run_cli(["fix", "--diff", "-j", "2", "."], capsys)
    assert fix_workers_used[0] == 0 and fix_workers_used[1] >= 12
    assert shared == alone and "+        raise HTTPException(status_code=status.HTTP_409_CONFLICT" in alone[1]
    assert "status_code=409" in (project / "app" / "service_3.py").read_text()  # nothing written


def test_a_lost_fix_worker_leaves_its_files_to_this_process(project, capsys, monkeypatch, fix_workers_used):
    expected = run_cli(["fix", "--diff", "-j", "1", "."], capsys)

    def dies(chunk):
        os._exit(3)

    monkeypatch.setattr(fix_workers, "_in_worker", dies)
    assert run_cli(["fix", "--diff", "-j", "2", "."], capsys) == expected
    assert fix_workers_used[-1] >= 12


def test_a_file_whose_fix_fails_in_a_worker_is_reported_as_without_workers(
    project, capsys, monkeypatch, fix_workers_used
):
    from fastapi_conventions_lint.fix import session

    fix_file = session.fix_file

    def failing(data, filename, *args, **kwargs):
        if filename.endswith("service_5.py"):
            raise ValueError("no fix for this one")
        return fix_file(data, filename, *args, **kwargs)

    monkeypatch.setattr(session, "fix_file", failing)
    alone = run_cli(["fix", "--diff", "-j", "1", "."], capsys)
    shared = run_cli(["fix", "--diff", "-j", "2", "."], capsys)
    assert shared == alone and fix_workers_used[-1] >= 12
    assert alone[0] == 2 and "service_5.py: internal error: ValueError: no fix for this one" in alone[2]


def test_a_fix_runs_first_pass_shares_only_files_no_fix_needs_the_facts_of(project, capsys, monkeypatch):
    """A worker sends back the findings of a file that holds no project facts and has no
    finding to fix; a file with one is analysed again in the main process (it is fixed with
    its project context). A file sent back that sets an imported router's prefix is still
    read by the cross-file fixes' plan: the router does not take the include's prefix."""
    from fastapi_conventions_lint.fix import first_pass

    (project / "app" / "main.py").write_text(MAIN.replace("(items.router)", '(items.router, prefix="/v1")'))
    (project / "app" / "a_legacy.py").write_text(
        "from fastapi import status\n\nfrom app.routers import items\n\n"
        "items.router.prefix = '/old'\nOK = status.HTTP_200_OK\n"
    )
    given, here = _record_split(monkeypatch, first_pass, "analysed_here")
    alone = run_cli(["fix", "--diff", "-j", "1", "."], capsys)
    assert not given and not here
    shared = run_cli(["fix", "--diff", "-j", "2", "."], capsys)
    for sent in ("a_legacy.py", "deps.py"):
        assert sent in given and sent not in here  # its findings sent back
    assert "service_3.py" in given and "service_3.py" in here  # a status code to fix
    assert shared == alone
    assert "+++ ./app/service_3.py" in alone[1]
    assert "routers/items.py" not in alone[1]  # the prefix stays where it is
