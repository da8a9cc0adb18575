"""The results cache of `check` (cache.py): a warm run reports exactly what a cold one does,
whatever changed in between; its folder, its `.gitignore`, `--no-cache`, and entries that
cannot be used."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from fastapi_conventions_lint import cache
from tests.conftest import FIXTURES, run_cli

ITEMS = '''\
from fastapi import APIRouter

from app.db import Database

router = APIRouter(prefix="/items", tags=["items"])


@router.get("/")
def list_items(store: Database) -> list:
    return store.execute("select 1")
'''

ORPHANS = '''\
from fastapi import APIRouter

orphan = APIRouter(prefix="/orphan", tags=["orphan"])


@orphan.get("/")
def hello() -> dict:
    return {}
'''

MAIN = '''\
from fastapi import FastAPI

from app.items import router

app = FastAPI(docs_url=None, redoc_url=None)
app.include_router(router)
'''


@pytest.fixture
def shop(tmp_path, monkeypatch):
    """A project whose reports depend on modules that never mention FastAPI: the type a
    handler's parameter has (app/db.py, FCL102) and a list a router escapes into
    (app/registry.py, FCL009)."""
    root = tmp_path / "shop"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "shop"\n')
    (root / "app" / "__init__.py").write_text("")
    (root / "app" / "db.py").write_text("from sqlalchemy.orm import Session\n\nDatabase = Session\n")
    (root / "app" / "items.py").write_text(ITEMS)
    (root / "app" / "orphans.py").write_text(ORPHANS)
    (root / "app" / "main.py").write_text(MAIN)
    (root / "app" / "registry.py").write_text("ROUTERS = []\n")
    monkeypatch.chdir(root)
    return root


def _folder() -> Path:
    """The test's cache folder (tests/conftest.py gives each test one)."""
    return Path(os.environ[cache.ENVIRONMENT])


def _warm_is_cold(capsys, *args: str) -> str:
    """Check with the cache, then without: the same exit status and report. The cache's
    `-v` note on how the first run was answered is returned."""
    code, out, err = run_cli(["check", "-v", *args], capsys)
    cold = run_cli(["check", "--no-cache", *args], capsys)
    assert (code, out) == cold[:2]
    notes = [line for line in err.splitlines() if line.startswith("cache: ")]
    assert len(notes) == 1, err
    return notes[0]


def _replayed(note: str) -> bool:
    return note.startswith("cache: results of ")


def test_a_run_over_unchanged_files_is_answered_from_the_cache(shop, capsys):
    first = _warm_is_cold(capsys, ".")
    assert first == "cache: every file analysed: no entry for this command line yet"
    second = _warm_is_cold(capsys, ".")
    assert _replayed(second) and "analysed again" not in second


def test_the_cache_answers_and_not_a_fresh_analysis(shop, capsys, tmp_path):
    """The entry is what a warm run reports: a report planted in it comes out."""
    code, out, _ = run_cli(["check", "."], capsys)
    assert code == 1 and "FCL102" in out
    (entry,) = _folder().glob("check-*.json")
    document = json.loads(entry.read_text())
    for shown, found in document["results"]:
        for item in found:
            item[3] = "planted " + item[3]
    entry.write_text(json.dumps(document))
    assert "FCL102 planted route handler" in run_cli(["check", "."], capsys)[1]
    # --no-cache neither reads it nor writes over it.
    code, out, _ = run_cli(["check", "--no-cache", "."], capsys)
    assert "planted" not in out and "planted" in entry.read_text()


def test_a_changed_module_nothing_else_reads_is_the_only_file_analysed_again(shop, capsys):
    _warm_is_cold(capsys, ".")
    (shop / "app" / "registry.py").write_text("ROUTERS = []  # none yet\n")
    note = _warm_is_cold(capsys, ".")
    assert _replayed(note) and note.endswith(", 1 analysed again")
    # Its new bytes are recorded: the next run analyses nothing.
    assert "analysed again" not in _warm_is_cold(capsys, ".")


def test_a_change_that_gives_a_module_a_new_diagnostic_is_reported(shop, capsys):
    _warm_is_cold(capsys, ".")
    (shop / "app" / "registry.py").write_text('import os\n\nROUTERS = os.environ["ROUTERS"]\n')
    note = _warm_is_cold(capsys, ".")
    # FCL502 is the file's own: still nothing else depends on it.
    assert _replayed(note) and note.endswith(", 1 analysed again")
    assert "app/registry.py:3:11: FCL502" in run_cli(["check", "."], capsys)[1]


def test_a_module_a_list_of_routers_is_kept_in_decides_another_file_s_report(shop, capsys):
    """FCL009 glanced at app/registry.py for the router's name: once it holds it, the router
    escapes into its list, and orphans.py's report changes."""
    assert "FCL009" in run_cli(["check", "."], capsys)[1]
    (shop / "app" / "registry.py").write_text("from app.orphans import orphan\n\nROUTERS = [orphan]\n")
    note = _warm_is_cold(capsys, ".")
    assert "registry.py changed, and other files' results may depend on it" in note
    assert "FCL009" not in run_cli(["check", "."], capsys)[1]


def test_a_module_asked_about_decides_another_file_s_report(shop, capsys):
    """FCL102 asked whether app/db.py's Database is a data handle: when it no longer is,
    items.py's report changes though items.py did not."""
    assert "FCL102" in run_cli(["check", "."], capsys)[1]
    (shop / "app" / "db.py").write_text("from sqlalchemy.orm import Session\n\nDatabase = dict\n")
    note = _warm_is_cold(capsys, ".")
    assert "db.py changed" in note
    assert "FCL102" not in run_cli(["check", "."], capsys)[1]


@pytest.mark.parametrize("change", [
    "edit a router", "add a module", "remove a module", "change a setting", "break a file",
])
def test_warm_equals_cold_after_each_kind_of_change(shop, capsys, change):
    _warm_is_cold(capsys, ".")
    if change == "edit a router":
        (shop / "app" / "items.py").write_text(ITEMS.replace('prefix="/items"', 'prefix="/items/"'))
    elif change == "add a module":
        (shop / "app" / "more.py").write_text(ORPHANS.replace("orphan", "more"))
    elif change == "remove a module":
        (shop / "app" / "orphans.py").unlink()
    elif change == "change a setting":
        with (shop / "pyproject.toml").open("a") as handle:
            handle.write('\n[tool.fastapi-conventions-lint]\nignore = ["FCL001"]\n')
    else:
        (shop / "app" / "registry.py").write_text("ROUTERS = [\n")
    note = _warm_is_cold(capsys, ".")
    assert not _replayed(note) or change == "break a file"
    assert _replayed(_warm_is_cold(capsys, "."))


def test_a_changed_lock_file_changes_what_the_fastapi_version_decides(shop, capsys):
    """The declared FastAPI version decides FCL203's fix; the lock file is not a Python file,
    yet a run after it changes is no replay."""
    (shop / "app" / "deps.py").write_text(
        "from fastapi import APIRouter, Depends\n\nrouter = APIRouter(prefix='/d', tags=['d'])\n\n\n"
        "def get_db():\n    return 1\n\n\n@router.get('/')\ndef read(db: int = Depends(get_db)) -> int:\n"
        "    return db\n"
    )
    (shop / "uv.lock").write_text('[[package]]\nname = "fastapi"\nversion = "0.94.0"\n')
    _warm_is_cold(capsys, ".")
    assert "fastapi ==0.94.0 in uv.lock" in run_cli(["check", "."], capsys)[1]
    (shop / "uv.lock").write_text('[[package]]\nname = "fastapi"\nversion = "0.110.0"\n')
    assert not _replayed(_warm_is_cold(capsys, "."))
    out = run_cli(["check", "."], capsys)[1]
    assert "FCL203" in out and "in uv.lock" not in out


@pytest.mark.parametrize("paths", [["."], ["app"], ["app/items.py"], ["app/registry.py", "app/db.py"]])
def test_each_command_line_has_its_own_entry(shop, capsys, paths):
    _warm_is_cold(capsys, *paths)
    assert _replayed(_warm_is_cold(capsys, *paths))
    (shop / "app" / "db.py").write_text("Database = dict\n")
    _warm_is_cold(capsys, *paths)


def _from_another_run(note: str) -> bool:
    return _replayed(note) and "(the entry of a run over other paths)" in note


@pytest.mark.parametrize("named", [["app/items.py"], ["--force-exclude", "app/items.py", "./app/main.py"]])
def test_a_run_naming_files_takes_their_results_from_a_run_over_the_project(shop, capsys, named):
    """pre-commit names the changed files: a new command line at every commit, answered by
    the entry of `check .` (its other options the same, --force-exclude aside)."""
    _warm_is_cold(capsys, ".")
    assert _from_another_run(_warm_is_cold(capsys, *named))
    assert len(list(_folder().glob("check-*.json"))) == 1  # such a replay writes nothing
    (shop / "app" / "registry.py").write_text("ROUTERS = []  # none yet\n")  # its own concern
    assert _from_another_run(_warm_is_cold(capsys, *named))
    (shop / "app" / "db.py").write_text("Database = dict\n")  # items.py's report changes
    assert not _replayed(_warm_is_cold(capsys, *named))


def test_a_file_named_by_its_absolute_path_is_the_file_walked(shop, capsys):
    _warm_is_cold(capsys, ".")
    assert _from_another_run(_warm_is_cold(capsys, str(shop / "app" / "items.py")))


def test_other_options_are_another_run(shop, capsys):
    _warm_is_cold(capsys, ".")
    assert not _replayed(_warm_is_cold(capsys, "--select", "FCL1", "app/items.py"))


@pytest.mark.parametrize("text, found, answered", [
    ("ROUTERS = [\n", "FCL900", ", 1 analysed again"),  # named, its syntax is read
    ("ROUTERS = []  # noqa: FCL001\n", "FCL901", None),  # named, analysed: the noqa is unused
    ("import os\n\nROUTERS = os.environ['ROUTERS']\n", "FCL502", "(the entry of a run over other paths)"),
])
def test_a_file_the_walk_passed_over_is_analysed_when_named(shop, capsys, text, found, answered):
    """`check .` does not parse a file that mentions nothing a rule looks at (but the
    environment, FCL502); named, it is read for its syntax, or analysed when it has a noqa
    comment: the other run's entry has nothing to say of it."""
    (shop / "app" / "registry.py").write_text(text)
    _warm_is_cold(capsys, ".")
    assert found not in run_cli(["check", "--no-cache", "."], capsys)[1] or found == "FCL502"
    note = _warm_is_cold(capsys, "app/registry.py", "app/items.py")
    assert found in run_cli(["check", "app/registry.py"], capsys)[1]
    assert note.endswith(answered) if answered else not _replayed(note)


def test_a_file_whose_fix_moves_code_between_files_is_not_taken_from_another_run(shop, capsys):
    """Whether FCL005's move can be made depends on the files the run may write."""
    (shop / "app" / "main.py").write_text(MAIN.replace("app.include_router(router)", 'app.include_router(router, prefix="/v1")'))
    _warm_is_cold(capsys, ".")
    assert not _replayed(_warm_is_cold(capsys, "app/main.py"))
    assert "(no fix: the router's module is not among the files given)" in run_cli(["check", "app/main.py"], capsys)[1]
    for other in ("db", "orphans", "registry", "__init__"):  # newer entries, of other files
        assert not _replayed(_warm_is_cold(capsys, "app/main.py", f"app/{other}.py"))
    assert _from_another_run(_warm_is_cold(capsys, "app/items.py"))


def test_a_file_fixed_through_a_link_is_not_taken_from_another_run(shop, capsys):
    """A link's fix is no fix when the file it leads to is outside the paths given."""
    (shop / "outside").mkdir()
    (shop / "outside" / "extra.py").write_text(
        "from fastapi import HTTPException\n\n\ndef fail():\n    raise HTTPException(status_code=404)\n"
    )
    os.symlink(os.path.join("..", "outside", "extra.py"), shop / "app" / "extra.py")
    _warm_is_cold(capsys, "app", "outside")
    assert "(no fix: it is a link to" not in run_cli(["check", "app", "outside"], capsys)[1]
    assert not _replayed(_warm_is_cold(capsys, "app/extra.py"))
    assert "(no fix: it is a link to" in run_cli(["check", "app/extra.py"], capsys)[1]


def test_a_module_that_comes_to_call_a_function_including_routers_matters(shop, capsys):
    """A helper includes a router into whatever its callers pass; a module the project pass
    did not read starts calling it with the app: the router is the app's now, without tags."""
    (shop / "app" / "extra.py").write_text(
        'from fastapi import APIRouter\n\nextra = APIRouter(prefix="/extra")\n\n\n'
        '@extra.get("")\ndef more() -> list:\n    return []\n'
    )
    (shop / "app" / "routing.py").write_text(
        "from app.extra import extra\n\n\ndef register(application):\n    application.include_router(extra)\n"
    )
    (shop / "app" / "boot.py").write_text("from app.main import app\n\nREADY = True\n")
    _warm_is_cold(capsys, ".")
    assert "app/extra.py:3:9: FCL003" not in run_cli(["check", "."], capsys)[1]
    (shop / "app" / "boot.py").write_text("from app.main import app\nfrom app.routing import register\n\nregister(app)\n")
    assert "boot.py changed, and other files' results may depend on it" in _warm_is_cold(capsys, ".")
    assert "app/extra.py:3:9: FCL003" in run_cli(["check", "."], capsys)[1]


def test_the_fixture_apps_warm_and_cold(tmp_path, monkeypatch, capsys):
    """The app the guide was written for: a file nothing depends on edited, then a router."""
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "violations_app", app)
    monkeypatch.chdir(app)
    for output in ("text", "json", "sarif", "gitlab"):
        _warm_is_cold(capsys, ".", "--output-format", output)
    models = app / "src" / "capabilities" / "billing" / "models.py"
    models.write_text(models.read_text() + "\n\nCURRENCY = 'EUR'\n")
    assert _replayed(_warm_is_cold(capsys, "."))
    main = app / "src" / "server" / "main.py"
    main.write_text(main.read_text() + "\n\napp.include_router(app.router)\n")
    assert not _replayed(_warm_is_cold(capsys, "."))


# ---- where the cache lives --------------------------------------------------------------------

def test_the_folder_is_beside_the_pyproject_and_ignores_itself(shop, capsys, monkeypatch):
    monkeypatch.delenv(cache.ENVIRONMENT)
    with (shop / "pyproject.toml").open("a") as handle:
        handle.write("\n[tool.fastapi-conventions-lint]\n")
    monkeypatch.chdir(shop / "app")  # the project's root is where its pyproject.toml is
    run_cli(["check", "."], capsys)
    folder = shop / cache.FOLDER_NAME
    assert (folder / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(list(folder.glob("check-*.json"))) == 1
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(shop)], check=True)
        status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=shop,
                                capture_output=True, text=True, check=True).stdout
        assert cache.FOLDER_NAME not in status and "app/items.py" in status


def test_the_cache_dir_key_and_the_environment_move_it(shop, capsys, monkeypatch, tmp_path):
    monkeypatch.delenv(cache.ENVIRONMENT)
    with (shop / "pyproject.toml").open("a") as handle:
        handle.write('\n[tool.fastapi-conventions-lint]\ncache-dir = "build/lint-cache"\n')
    run_cli(["check", "."], capsys)
    assert list((shop / "build" / "lint-cache").glob("check-*.json"))
    assert not (shop / cache.FOLDER_NAME).exists()
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setenv(cache.ENVIRONMENT, str(elsewhere))  # the environment comes first
    run_cli(["check", "."], capsys)
    assert list(elsewhere.glob("check-*.json"))


def test_without_a_pyproject_setting_the_folder_is_in_the_working_directory(shop, capsys, monkeypatch):
    monkeypatch.delenv(cache.ENVIRONMENT)
    monkeypatch.chdir(shop / "app")
    run_cli(["check", "."], capsys)
    assert list((shop / "app" / cache.FOLDER_NAME).glob("check-*.json"))


def test_no_cache_writes_nothing(shop, capsys):
    run_cli(["check", "--no-cache", "."], capsys)
    assert list(_folder().iterdir()) == []


def test_fix_runs_and_standard_input_keep_no_entry(shop, capsys, monkeypatch):
    run_cli(["fix", "--diff", "."], capsys)
    run_cli(["check", "--fix", "."], capsys)
    monkeypatch.setattr("sys.stdin", open(shop / "app" / "items.py"))
    run_cli(["check", "-", "--stdin-filename", "app/items.py"], capsys)
    assert list(_folder().iterdir()) == []


# ---- entries that cannot be used ---------------------------------------------------------------

@pytest.mark.parametrize("damage", ["garbage", "truncated", "another version", "wrong shape", "wrong types", "a folder"])
def test_an_entry_that_cannot_be_used_is_passed_over(shop, capsys, damage):
    expected = run_cli(["check", "--no-cache", "."], capsys)
    run_cli(["check", "."], capsys)
    (entry,) = _folder().glob("check-*.json")
    text = entry.read_text()
    if damage == "garbage":
        entry.write_bytes(b"\x80\x00\xff not json")
    elif damage == "truncated":
        entry.write_text(text[: len(text) // 2])
    elif damage == "another version":
        entry.write_text(text.replace('"version":"', '"version":"0.0.0-'))
    elif damage == "wrong shape":
        entry.write_text(json.dumps({"format": 1}))
    elif damage == "wrong types":
        document = json.loads(text)
        document["reads"] = {path: "not a record" for path in document["reads"]}
        document["results"] = [[shown, "not a list"] for shown, _ in document["results"]]
        entry.write_text(json.dumps(document))
    else:
        entry.unlink()
        entry.mkdir()
    code, out, err = run_cli(["check", "-v", "."], capsys)
    assert (code, out) == expected[:2]
    assert "cache: every file analysed" in err or "not used" in err
    assert sum(line.startswith(("cache: ", "cache entry ")) for line in err.splitlines()) == 1, err
    assert "Traceback" not in err and "internal error" not in err
    if damage != "a folder":  # written again, and answering the next run
        assert _replayed(_warm_is_cold(capsys, "."))


def test_a_folder_that_cannot_be_written_is_no_error(shop, capsys, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(cache.ENVIRONMENT, str(blocker / "cache"))
    expected = run_cli(["check", "--no-cache", "."], capsys)
    code, out, err = run_cli(["check", "."], capsys)
    assert (code, out, err) == expected


# ---- files taken as unchanged from what the file system says ---------------------------------

def test_files_whose_stamps_hold_are_not_read_again(shop, capsys, monkeypatch):
    monkeypatch.setattr(cache, "_RACY_NS", 0)  # the files were written just now
    run_cli(["check", "."], capsys)
    read = []
    original = cache._current
    monkeypatch.setattr(cache, "_current", lambda path: read.append(path) or original(path))
    assert _replayed(_warm_is_cold(capsys, "."))
    assert read == []


def test_a_rewrite_that_keeps_the_size_and_modification_time_is_seen(shop, capsys, monkeypatch):
    monkeypatch.setattr(cache, "_RACY_NS", 0)
    assert "FCL102" in run_cli(["check", "."], capsys)[1]
    db = shop / "app" / "db.py"
    before = db.stat()
    time.sleep(0.05)  # past the file system's timestamp granularity: the change time moves
    db.write_text(db.read_text().replace("= Session", "=     int"))  # the same size
    os.utime(db, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert db.stat().st_size == before.st_size and db.stat().st_mtime_ns == before.st_mtime_ns
    note = _warm_is_cold(capsys, ".")
    assert "db.py changed" in note
    assert "FCL102" not in run_cli(["check", "."], capsys)[1]


def test_a_file_changed_just_before_it_was_read_is_read_again(shop, capsys):
    run_cli(["check", "."], capsys)  # every file written less than two seconds before
    read = []
    original = cache._current
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(cache, "_current", lambda path: read.append(path) or original(path))
        assert _replayed(_warm_is_cold(capsys, "."))
    assert str(shop / "app" / "items.py") in read


def test_an_entry_made_by_other_code_of_the_same_version_is_not_used(shop, capsys, monkeypatch):
    """An editable install edited since, or a development build: the version is the same,
    the code is not."""
    run_cli(["check", "."], capsys)
    assert _replayed(_warm_is_cold(capsys, "."))
    monkeypatch.setattr(cache, "_code_stamp", lambda: "other code")
    assert _warm_is_cold(capsys, ".") == "cache: every file analysed: no entry for this command line yet"


# ---- a run that analyses again takes from the cache what nothing depends on ------------------

def _with_dependency(items: str) -> str:
    return items.replace(
        "from fastapi import APIRouter\n",
        "from typing import Annotated\n\nfrom fastapi import APIRouter, Depends\n",
    ).replace("from app.db import Database\n", "from app.db import Database\nfrom app.deps import get_store\n").replace(
        "def list_items(store: Database)", "def list_items(store: Database, kept: Annotated[dict, Depends(get_store)])"
    )


def test_a_router_edit_takes_the_files_nothing_depends_on_from_the_cache(shop, capsys):
    _warm_is_cold(capsys, ".")
    (shop / "app" / "items.py").write_text(ITEMS.replace('"select 1"', '"select 2"'))
    note = _warm_is_cold(capsys, ".")
    assert note.startswith("cache: every file analysed but some: ") and note.endswith(
        " files nothing depends on taken from the cache)")


def test_a_file_taken_from_the_cache_still_gets_what_another_module_finds_in_it(shop, capsys):
    """app/deps.py's cleanup after the yield is FCL303 once a route depends on it, a finding
    the project pass makes: the file itself did not change."""
    (shop / "app" / "deps.py").write_text("def get_store():\n    store = {}\n    yield store\n    store.clear()\n")
    assert "FCL303" not in run_cli(["check", "."], capsys)[1]
    (shop / "app" / "items.py").write_text(_with_dependency(ITEMS))
    note = _warm_is_cold(capsys, ".")
    assert "taken from the cache" in note
    assert "app/deps.py:3:5: FCL303" in run_cli(["check", "."], capsys)[1]
    # Its report now depends on another module: an edit of it is no change of its own.
    (shop / "app" / "deps.py").write_text("def get_store():\n    store = {}\n    yield store\n    store.clear()  # done\n")
    _warm_is_cold(capsys, ".")
    assert "app/deps.py:3:5: FCL303" in run_cli(["check", "."], capsys)[1]
    for output in ("gitlab", "sarif"):  # their fingerprints quote the reported lines
        _warm_is_cold(capsys, ".", "--output-format", output)
        _warm_is_cold(capsys, ".", "--output-format", output)


def test_a_file_taken_from_the_cache_is_still_watched(shop, capsys):
    (shop / "app" / "orphans.py").unlink()  # no router to look for in other files
    _warm_is_cold(capsys, ".")
    (shop / "app" / "items.py").write_text(ITEMS.replace('"select 1"', '"select 2"'))
    assert "taken from the cache" in _warm_is_cold(capsys, ".")
    (shop / "app" / "__init__.py").write_text('import os\n\nMODE = os.environ["MODE"]\n')
    _warm_is_cold(capsys, ".")
    assert "app/__init__.py:3:8: FCL502" in run_cli(["check", "."], capsys)[1]


def test_a_module_holding_only_the_words_move_planning_looks_for_is_its_own_concern(shop, capsys):
    """Move planning reads a module for `.tags`, `.prefix` and the like; a module that only
    names such words (in a string) does not matter to the plan, and editing it is a change
    of its own, until it reaches into a router."""
    (shop / "app" / "main.py").write_text(MAIN.replace("app.include_router(router)", 'app.include_router(router, prefix="/v1")'))
    notes = shop / "app" / "notes.py"
    notes.write_text('import os\n\nHELP = "tags and prefix, host and mount"\nMODE = os.environ.get("MODE")\n')
    assert "FCL005" in run_cli(["check", "--no-cache", "."], capsys)[1]
    _warm_is_cold(capsys, ".")
    notes.write_text(notes.read_text() + "# reviewed\n")
    assert _warm_is_cold(capsys, ".").endswith(", 1 analysed again")
    notes.write_text(notes.read_text() + "\nfrom app.items import router\n\nrouter.tags.append(HELP)\n")
    assert "notes.py changed, and other files' results may depend on it" in _warm_is_cold(capsys, ".")
    assert "(no fix:" in run_cli(["check", "."], capsys)[1]


def test_a_module_move_planning_looked_into_is_not_taken_from_the_cache(shop, capsys):
    """A module that only reads the environment touches the router's tags: `check` says the
    include's prefix cannot be moved. Move planning looked into that module, so a router edit
    does not take it from the cache, and the refusal stays."""
    (shop / "app" / "main.py").write_text(MAIN.replace("app.include_router(router)", 'app.include_router(router, prefix="/v1")'))
    (shop / "app" / "tweaks.py").write_text(
        'import os\n\nfrom app.items import router\n\nif os.environ.get("EXTRA_TAG"):\n    router.tags.append("extra")\n'
    )
    cold = run_cli(["check", "--no-cache", "."], capsys)[1]
    assert "FCL005" in cold and "(no fix:" in cold
    _warm_is_cold(capsys, ".")
    (shop / "app" / "items.py").write_text(ITEMS.replace('"select 1"', '"select 2"'))
    assert "taken from the cache" in _warm_is_cold(capsys, ".")
    (entry,) = _folder().glob("check-*.json")
    assert str(shop / "app" / "tweaks.py") in json.loads(entry.read_text())["asked"]
    assert "(no fix:" in run_cli(["check", "."], capsys)[1]


def test_a_module_the_project_pass_may_read_is_recorded_without_holding_its_bytes(shop, capsys):
    """A module that holds no project facts but words the project pass looks for is one
    other files' results may depend on: the entry lists it (decided as it is read, so that a
    large run does not keep every file's bytes), and a change to it makes the next run cold."""
    (shop / "app" / "hooks.py").write_text("from fastapi import Depends\n\n\ndef current_user():\n    return None\n")
    _warm_is_cold(capsys, ".")
    (entry,) = _folder().glob("check-*.json")
    listed = json.loads(entry.read_text())["read_by_project"]
    assert [os.path.basename(path) for path in listed] == ["hooks.py"]
    (shop / "app" / "hooks.py").write_text("def current_user():\n    return None\n")
    note = _warm_is_cold(capsys, ".")
    assert not _replayed(note) and "hooks.py changed" in note, note


def test_the_entry_written_in_pieces_is_the_compact_json_of_the_whole(shop, capsys, monkeypatch):
    """The entry is written some items of each value at a time (a large run's values are
    megabytes); pieces of two items make every value cross a piece's border, and the text
    is still that of one encoding of the whole, which the next run replays."""
    monkeypatch.setattr(cache, "_CHUNK", 2)
    _warm_is_cold(capsys, ".")
    (entry,) = _folder().glob("check-*.json")
    text = entry.read_text()
    document = json.loads(text)
    assert len(document["listed"]) > 2 and len(document["settings"]) > 2
    assert text == json.dumps(document, separators=(",", ":"))
    assert _replayed(_warm_is_cold(capsys, "."))
