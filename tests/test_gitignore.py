"""`respect-gitignore` (on by default): what git ignores is not walked, as git reads its ignore
files: each folder's `.gitignore` (deepest decides, `!` brings a path back),
`.git/info/exclude` and the global excludes file."""

from __future__ import annotations

import os

import pytest

from conftest import run_cli
from test_fix_runtime import make

_LITERAL = "from fastapi import HTTPException\nraise HTTPException(404)\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    root = make(tmp_path / "repo", {
        ".gitignore": "generated/\n*_pb2.py\n!keep_pb2.py\n",
        "app/main.py": _LITERAL, "app/x_pb2.py": _LITERAL, "app/keep_pb2.py": _LITERAL,
        "generated/models.py": _LITERAL,
        "app/vendor/.gitignore": "*.py\n!ours.py\n",
        "app/vendor/theirs.py": _LITERAL, "app/vendor/ours.py": _LITERAL,
        "local/notes.py": _LITERAL, "mine.py": _LITERAL,
    })
    (root / ".git" / "info").mkdir(parents=True)
    (root / ".git" / "info" / "exclude").write_text("local/\n")
    (tmp_path / "home" / ".config" / "git").mkdir(parents=True)
    (tmp_path / "home" / ".config" / "git" / "ignore").write_text("mine.py\n")
    return root


def _files(out: str, root) -> list:
    return sorted(os.path.relpath(line, root) for line in out.splitlines())


def test_what_git_ignores_is_not_walked(repo, capsys):
    code, out, _ = run_cli(["check", "--show-files", str(repo)], capsys)
    assert _files(out, repo) == ["app/keep_pb2.py", "app/main.py", "app/vendor/ours.py"]


def test_the_ignore_files_are_read_again_by_the_next_run(repo, capsys):
    """A run reads each ignore file once for all its walks (discovery's, each workspace's);
    the next run in the same process (an editor's) sees what changed in between."""
    assert "app/x_pb2.py" not in _files(run_cli(["check", "--show-files", str(repo)], capsys)[1], repo)
    (repo / ".gitignore").write_text("generated/\n")
    assert "app/x_pb2.py" in _files(run_cli(["check", "--show-files", str(repo)], capsys)[1], repo)


def test_a_global_excludes_file_named_in_gitconfig(repo, capsys, tmp_path):
    (tmp_path / "home" / ".gitconfig").write_text('[user]\n  name = x\n[core]\n  excludesFile = "~/my-ignores"\n')
    (tmp_path / "home" / "my-ignores").write_text("app/main.py\n")
    code, out, _ = run_cli(["check", "--show-files", str(repo)], capsys)
    assert "app/main.py" not in _files(out, repo) and "mine.py" in _files(out, repo)


def test_it_can_be_turned_off_and_force_exclude_applies_it_to_files_named(repo, capsys):
    code, out, _ = run_cli(["check", "--show-files", "--no-respect-gitignore", str(repo)], capsys)
    assert len(out.splitlines()) == 8
    (repo / "pyproject.toml").write_text("[tool.fastapi-conventions-lint]\nrespect-gitignore = false\n")
    code, out, _ = run_cli(["check", "--show-files", str(repo)], capsys)
    assert len(out.splitlines()) == 8
    (repo / "pyproject.toml").unlink()
    named = str(repo / "app" / "x_pb2.py")
    assert "FCL401" in run_cli(["check", named], capsys)[1]
    assert run_cli(["check", "--force-exclude", named], capsys)[:2] == (0, "All checks passed!\n")


def test_outside_a_repository_nothing_is_ignored(tmp_path, capsys):
    root = make(tmp_path / "plain", {".gitignore": "*.py\n", "app.py": _LITERAL})
    assert "FCL401" in run_cli(["check", str(root)], capsys)[1]


_PATTERNS = [
    "# comment", "", "*.py[cod]", "__pycache__/", "/build", "dist/", "**/node_modules/", "docs/_build",
    "a/**/b.py", "!keep/*.pyc", "!/build/keep.py", "gen_?.py", r"\#literal.py", "trailing.py   ",
    "[!a-c]x.py", "logs/**", "!logs/important/", "*.egg-info/", ".venv", "very/deep/only.py",
]
_PATHS = [
    "app/main.py", "app/x.pyc", "keep/x.pyc", "build", "build/", "build/keep.py", "src/build/a.py",
    "dist/", "pkg/dist/", "web/node_modules/", "docs/_build/", "docs/_build", "a/b.py", "a/x/y/b.py",
    "gen_1.py", "gen_12.py", "#literal.py", "trailing.py", "dx.py", "ax.py", "logs/x.py",
    "logs/important/", "logs/important/y.py", "pkg.egg-info/", ".venv", ".venv/", "very/deep/only.py",
    "other/very/deep/only.py", "__pycache__/", "src/__pycache__/", "plain.py",
]


def test_the_one_expression_per_file_decides_as_pathspec_does():
    """Each .gitignore's patterns are searched as one expression first (most paths match
    none); a path is still decided exactly as pathspec decides it, `!` patterns included."""
    import pathspec

    from fastapi_conventions_lint.gitignore import _Spec

    ours = _Spec(_PATTERNS)
    assert ours.any is not None  # the fast path is taken, not only the fallback
    reference = pathspec.GitIgnoreSpec.from_lines(_PATTERNS)
    decisions = [(path, ours.decides(path)) for path in _PATHS]
    assert decisions == [(path, reference.check_file(path).include) for path in _PATHS]
    assert {decided for _, decided in decisions} == {True, False, None}


def test_a_tree_walked_again_in_one_run_gives_the_files_of_the_first_walk(repo, monkeypatch):
    """Discovery walks the paths given; the layout of a workspace given as a path walks it
    again: within one run the second takes the first's files, spelled from its own root, and
    lists no folder. A walk made otherwise (other patterns), or one left unfinished, is made
    in full."""
    from fastapi_conventions_lint import discover, gitignore

    listed = []
    scandir = os.scandir
    monkeypatch.setattr(discover.os, "scandir", lambda path: listed.append(path) or scandir(path))
    with gitignore.shared(), discover.shared_walks():
        first = list(discover.walk(str(repo), (), set(), respect_gitignore=True))
        walked = len(listed)
        monkeypatch.chdir(repo)
        again = list(discover.walk(".", (), set(), respect_gitignore=True, reuse=True))
        assert len(listed) == walked
        assert again == [os.path.join(".", os.path.relpath(path, repo)) for path in first]
        assert "./app/x_pb2.py" not in again and "./app/keep_pb2.py" in again
        other = list(discover.walk(".", ("vendor",), set(), respect_gitignore=True, reuse=True))
        assert len(listed) > walked and "./app/vendor/ours.py" not in other
        listed.clear()
        next(discover.walk(str(repo / "app"), (), set(), respect_gitignore=True))  # left at its first file
        list(discover.walk(str(repo / "app"), (), set(), respect_gitignore=True, reuse=True))
        assert listed.count(str(repo / "app")) == 2
    listed.clear()
    list(discover.walk(".", (), set(), respect_gitignore=True, reuse=True))  # outside: no sharing
    assert listed


def test_a_pattern_python_warns_about_is_read_without_a_word(tmp_path, monkeypatch):
    """A Next.js page in .gitignore (`[[...path]].tsx`) makes Python's `re` warn of a nested
    set; the run says nothing of it and still ignores what the file ignores."""
    import subprocess
    import sys

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    root = make(tmp_path / "repo", {
        ".gitignore": "web/src/pages/auth/[[...path]].tsx\ngenerated/\n",
        "app/main.py": _LITERAL, "generated/models.py": _LITERAL,
    })
    (root / ".git").mkdir()
    process = subprocess.run(
        [sys.executable, "-W", "default", "-m", "fastapi_conventions_lint", "check", "--no-cache", "--show-files", "."],
        cwd=root, capture_output=True, text=True,
    )
    assert process.stderr == ""
    assert [os.path.normpath(line) for line in process.stdout.splitlines()] == ["app/main.py"]
