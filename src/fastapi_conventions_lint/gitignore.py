"""What git ignores, read as git reads it (without running git): the `.gitignore` of each
folder (its patterns relative to that folder, the deepest deciding), `.git/info/exclude` and
the user's global excludes file (`core.excludesFile`, else `$XDG_CONFIG_HOME/git/ignore`).
The matching is pathspec's gitignore implementation."""

from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager
from typing import Any, Dict, Iterator, List, Optional, Tuple

_EXCLUDES_FILE = re.compile(r"^\s*excludesfile\s*=\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)


def _read_lines(path: str) -> Optional[List[str]]:
    try:
        if not os.path.isfile(path):
            return None
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read().splitlines()
    except OSError:
        return None


def _global_excludes() -> Optional[str]:
    """The global excludes file named by `core.excludesFile` in ~/.gitconfig, else git's
    default place for it."""
    home = os.path.expanduser("~")
    config = _read_lines(os.path.join(home, ".gitconfig"))
    if config:
        in_core = False
        for line in config:
            stripped = line.strip()
            if stripped.startswith("["):
                in_core = stripped.lower().startswith("[core")
            elif in_core:
                match = _EXCLUDES_FILE.match(line)
                if match:
                    return os.path.expanduser(match.group(1).strip('"'))
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(home, ".config")  # noqa: FCL502 - as git reads it
    return os.path.join(base, "git", "ignore")


_NAMED_GROUP = re.compile(r"\(\?P<\w+>")


class _Spec:
    """One file's patterns (pathspec's GitIgnoreSpec), with one regular expression that
    matches wherever one of them does: most paths match none, and one search in C answers
    them instead of a Python loop over the patterns."""

    def __init__(self, lines: List[str]) -> None:
        import pathspec

        with warnings.catch_warnings():
            # `[[...path]].tsx` (a Next.js page) makes Python warn of a nested set to come in
            # its regular expressions: a note for the pattern's author, not for this run.
            warnings.simplefilter("ignore", FutureWarning)
            self.spec = pathspec.GitIgnoreSpec.from_lines(lines)
            self.any: Optional["re.Pattern[str]"] = None
            patterns = [pattern for pattern in self.spec.patterns if pattern.include is not None]
            regexes = [getattr(pattern, "regex", None) for pattern in patterns]
            if all(isinstance(regex, re.Pattern) and isinstance(regex.pattern, str) for regex in regexes):
                try:  # each pattern's groups made plain: several share a name
                    self.any = re.compile("|".join(
                        f"(?:{_NAMED_GROUP.sub('(?:', regex.pattern)})" for regex in regexes  # type: ignore[union-attr]
                    ))
                except re.error:
                    self.any = None  # every path goes through pathspec

    def decides(self, path: str) -> Optional[bool]:
        """True: ignored, False: brought back by a `!pattern`, None: no pattern matches."""
        if self.any is not None and self.any.match(path) is None:
            return None
        return self.spec.check_file(path).include


_Chain = Tuple[List[Tuple[_Spec, str]], str]


def _spec_of(lines: Optional[List[str]]) -> Optional[_Spec]:
    """The patterns of a file, or None for none (pathspec is imported only then)."""
    if not lines or not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
        return None
    return _Spec(lines)


def repository_root(directory: str) -> Optional[str]:
    """The working tree holding `directory` (the folder with `.git`), if any."""
    current = os.path.abspath(directory)
    while True:
        if os.path.exists(os.path.join(current, ".git")):
            return current
        parent = os.path.dirname(current)
        if parent == current:
            return None
        current = parent


class GitIgnore:
    """Answers whether a path of one working tree is ignored; specs are read once each."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._specs: Dict[str, Any] = {}
        self._chains: Dict[str, Optional[_Chain]] = {}
        self._answers: Dict[Tuple[str, bool], bool] = {}  # a path walked twice is decided once
        lines: List[str] = []
        for path in (_global_excludes(), os.path.join(root, ".git", "info", "exclude")):
            lines += (_read_lines(path) if path else None) or []
        self._base = _spec_of(lines)

    def _spec(self, directory: str) -> Any:
        if directory not in self._specs:
            self._specs[directory] = _spec_of(_read_lines(os.path.join(directory, ".gitignore")))
        return self._specs[directory]

    def _chain(self, directory: str) -> Optional["_Chain"]:
        """The `.gitignore` files that apply in a folder of the working tree, deepest first,
        each with the folder's path from that file's folder (`""`, `"pkg/sub/"`), and the
        folder's path from the root; None outside the tree. Made once per folder, from its
        parent's."""
        if directory in self._chains:
            return self._chains[directory]
        chain: Optional[_Chain]
        if directory == self.root:
            chain = ([], "")
        elif not directory.startswith(self.root.rstrip(os.sep) + os.sep):
            chain = None
        else:
            above = self._chain(os.path.dirname(directory))
            name = os.path.basename(directory) + "/"
            chain = None if above is None else (
                [(spec, inside + name) for spec, inside in above[0]], above[1] + name
            )
        own = self._spec(directory) if chain is not None else None
        if own is not None:
            chain = ([(own, ""), *chain[0]], chain[1])  # type: ignore[index]
        self._chains[directory] = chain
        return chain

    def ignored(self, path: str, is_directory: bool) -> bool:
        """Whether git ignores the path: the deepest `.gitignore` with a matching pattern
        decides (a `!pattern` there brings a path back), then the repository's excludes."""
        key = (os.path.abspath(path), is_directory)
        answer = self._answers.get(key)
        if answer is None:
            answer = self._answers[key] = self._decide(*key)
        return answer

    def _decide(self, path: str, is_directory: bool) -> bool:
        chain = self._chain(os.path.dirname(path))
        if chain is None:
            return False
        specs, relative = chain
        name = os.path.basename(path) + ("/" if is_directory else "")
        for spec, inside in specs:
            decided = spec.decides(inside + name)
            if decided is not None:
                return decided
        if self._base is not None:
            return bool(self._base.decides(relative + name))
        return False


# Working tree -> its rules, while a run shares them (`shared`).
_SHARED: Optional[Dict[str, GitIgnore]] = None


@contextmanager
def shared() -> Iterator[None]:
    """Within, every walk of a working tree asks the same rules: each `.gitignore` is read
    and compiled once, not once per walk (discovery walks the paths given, each workspace's
    layout walks the workspace). Outside, each walk reads them afresh."""
    global _SHARED
    previous, _SHARED = _SHARED, {}
    try:
        yield
    finally:
        _SHARED = previous


def for_directory(directory: str) -> Optional[GitIgnore]:
    """The git-ignore rules of the working tree holding `directory` (None outside one)."""
    root = repository_root(directory)
    if root is None:
        return None
    if _SHARED is None:
        return GitIgnore(root)
    if root not in _SHARED:
        _SHARED[root] = GitIgnore(root)
    return _SHARED[root]
