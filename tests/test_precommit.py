"""The pre-commit hooks of .pre-commit-hooks.yaml, run as a user runs them: `pre-commit try-repo`
against this checkout, in a throwaway git repository holding a violating file.

try-repo clones the repository it is given at a commit and pip-installs it into a fresh
environment (from the package registry), so each run takes a few seconds to a minute; the
tests are marked `precommit` (deselect them with `-m "not precommit"` when offline).

try-repo sees committed files only (for a dirty tree it commits tracked changes, never new
files). In CI the checkout is a fresh clone and is used as it is; in a working tree with
uncommitted changes the tests commit a snapshot of it (tracked and new, not ignored, files)
to a temporary repository first, so that they try what is on disk.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, List

import pytest

from conftest import ROOT, write_config_module
from fastapi_conventions_lint import __version__

pytestmark = pytest.mark.precommit

TIMEOUT = 600  # seconds for one try-repo run: an environment install on a slow registry

# FCL006 and FCL001 on one prefix and FCL203 on a parameter: all three have safe fixes.
FIXABLE = """\
from fastapi import APIRouter, Depends

router = APIRouter(prefix="/api/v1/items/", tags=["items"])


def get_db():
    return None


@router.get("/")
def list_items(db: dict = Depends(get_db)) -> dict:
    return []
"""
FIXED = """\
from typing import Annotated

from fastapi import APIRouter, Depends

from server.config import api_config

router = APIRouter(prefix=f"{api_config.V1_PREFIX}/items", tags=["items"])


def get_db():
    return None


@router.get("/")
def list_items(db: Annotated[dict, Depends(get_db)]) -> dict:
    return []
"""
# FCL102 (data access in a route handler) has no automatic fix.
UNFIXABLE = """\
from fastapi import APIRouter

from server.config import api_config

router = APIRouter(prefix=api_config.V1_PREFIX, tags=["orders"])


@router.get("/orders")
def list_orders(session) -> dict:
    return session.execute("select * from orders")
"""


def _git_env() -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.com",
        GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="test@example.com",
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def _git(cwd: Path, *args: str) -> str:
    process = subprocess.run(
        ["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false", *args],
        cwd=cwd, env=_git_env(), capture_output=True, text=True,
    )
    assert process.returncode == 0, f"git {' '.join(args)} failed in {cwd}:\n{process.stderr}"
    return process.stdout


def _commit_all(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "--no-verify", "-m", message)


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory) -> Path:
    """This checkout when it is clean (CI's fresh clone), else a committed snapshot of it."""
    if not _git(ROOT, "status", "--porcelain", "--untracked-files=all").strip():
        return ROOT
    snapshot = tmp_path_factory.mktemp("checkout")
    listed = _git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            target = snapshot / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    _git(snapshot, "init", "-q")
    _commit_all(snapshot, "snapshot of the working tree")
    return snapshot


@pytest.fixture
def project(tmp_path) -> Path:
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    return repo


def try_repo(hook_repo: Path, hook: str, project: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = _git_env()
    env["PRE_COMMIT_HOME"] = str(tmp_path / "pre-commit-home")
    env.pop("PRE_COMMIT", None)
    env["NO_COLOR"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook,
         "--all-files", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=TIMEOUT,
    )


def _output(process: subprocess.CompletedProcess) -> str:
    return process.stdout + process.stderr


def _codes(output: str) -> List[str]:
    return sorted({word for line in output.splitlines() for word in line.split()
                   if word.startswith("FCL") and word[3:].isdigit()})


def test_the_check_hook_fails_the_commit_and_lists_the_violations(hook_repo, project, tmp_path):
    (project / "app.py").write_text(FIXABLE)
    (project / "README.md").write_text("not python: the hook is never given this file\n")
    # pre-commit names this file too: the hook's --force-exclude keeps the excludes.
    (project / "migrations").mkdir()
    (project / "migrations" / "old.py").write_text(FIXABLE)
    (project / "pyproject.toml").write_text('[tool.fastapi-conventions-lint]\nextend-exclude = ["migrations"]\n')
    _commit_all(project, "init")

    process = try_repo(hook_repo, "fastapi-conventions-lint", project, tmp_path)

    output = _output(process)
    assert process.returncode == 1, output
    assert "fastapi-conventions-lint..." in output and "Failed" in output
    assert "- exit code: 1" in output
    assert "app.py:3:27: FCL001 " in output
    assert _codes(output) == ["FCL001", "FCL006", "FCL203"]
    assert "README.md" not in output and "migrations" not in output
    # A check never writes.
    assert (project / "app.py").read_text() == FIXABLE
    assert _git(project, "status", "--porcelain") == ""


def test_the_fix_hook_rewrites_the_file_fails_once_then_passes(hook_repo, project, tmp_path):
    (project / "app.py").write_text(FIXABLE)
    write_config_module(project)  # the config object FCL001's fix imports
    # FastAPI 0.95 or newer makes the Annotated fix (FCL203) safe.
    (project / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["fastapi>=0.100"]\n')
    _commit_all(project, "init")

    first = try_repo(hook_repo, "fastapi-conventions-lint-fix", project, tmp_path)

    output = _output(first)
    assert first.returncode == 1, output
    assert "fastapi-conventions-lint (fix)..." in output and "Failed" in output
    # Every violation was fixed, so the fixer itself exited 0: the commit fails because a
    # file changed, which pre-commit says instead of an exit code.
    assert "- files were modified by this hook" in output
    assert "- exit code:" not in output
    assert "Fixed 3 violations in 1 file." in output
    assert (project / "app.py").read_text() == FIXED

    # The user reviews and stages the fixed file; the next run passes.
    _commit_all(project, "fixed")
    second = try_repo(hook_repo, "fastapi-conventions-lint-fix", project, tmp_path)

    output = _output(second)
    assert second.returncode == 0, output
    assert "fastapi-conventions-lint (fix)..." in output and "Passed" in output
    assert (project / "app.py").read_text() == FIXED


def test_the_fix_hook_fails_on_violations_it_cannot_fix(hook_repo, project, tmp_path):
    (project / "orders.py").write_text(UNFIXABLE)
    _commit_all(project, "init")

    process = try_repo(hook_repo, "fastapi-conventions-lint-fix", project, tmp_path)

    output = _output(process)
    assert process.returncode == 1, output
    assert "- exit code: 1" in output
    assert "- files were modified by this hook" not in output
    assert _codes(output) == ["FCL102"]
    assert (project / "orders.py").read_text() == UNFIXABLE


def test_the_hooks_manifest_runs_check_and_fix_on_python_files():
    """What a user's config refers to: the two ids, and how pre-commit runs them."""
    from pre_commit.clientlib import load_manifest

    hooks = {hook["id"]: hook for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"fastapi-conventions-lint", "fastapi-conventions-lint-fix"}
    assert hooks["fastapi-conventions-lint"]["entry"] == "fastapi-conventions-lint check --force-exclude"
    assert hooks["fastapi-conventions-lint-fix"]["entry"] == "fastapi-conventions-lint fix --force-exclude"
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        assert hook["require_serial"] is True
        assert hook["pass_filenames"] is True


def test_the_readme_snippet_is_a_valid_config_using_these_hooks(tmp_path):
    from pre_commit.clientlib import load_config, load_manifest

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    snippet = readme.split("```yaml\n# .pre-commit-config.yaml\n", 1)[1].split("```", 1)[0]
    config = tmp_path / ".pre-commit-config.yaml"
    config.write_text(snippet)
    (repo,) = load_config(str(config))["repos"]  # pre-commit's own validation of a config
    manifest = {hook["id"] for hook in load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))}
    assert [hook["id"] for hook in repo["hooks"]] == ["fastapi-conventions-lint-fix"]
    assert repo["rev"] == f"v{__version__}"
    # The commented alternative is the check hook.
    assert "# - id: fastapi-conventions-lint " in snippet
    assert manifest == {"fastapi-conventions-lint", "fastapi-conventions-lint-fix"}
