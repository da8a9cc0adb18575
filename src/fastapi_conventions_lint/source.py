"""Reading, decoding (PEP 263 coding lines, UTF-8 BOM) and parsing a file, where every failure
becomes a `NotChecked` with a one-line reason and a position, never an exception to the user."""

from __future__ import annotations

import ast
import codecs
import errno
import io
import os
import re
import stat
import sys
import tokenize
from typing import IO, Any, List, NamedTuple, Optional, Protocol, Sequence, Tuple

MAX_FILE_BYTES = 10 * 1024 * 1024
_PYTHON = f"Python {sys.version_info.major}.{sys.version_info.minor}"


class NotChecked(Exception):
    """Why a file could not be checked, and where (1-based line, 0-based column)."""

    def __init__(self, reason: str, line: int = 1, col: int = 0) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = max(line, 1)
        self.col = max(col, 0)


def open_regular(path: "str | os.PathLike", mode: str = "rb", **kwargs: Any) -> IO[Any]:
    """`open`, for a regular file only: a configuration, lock or requirements file that is a
    pipe would block the run, a device never end. OSError otherwise, as `open` raises."""
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise OSError(errno.EINVAL, "not a regular file (a pipe, socket or device)", str(path))
    return open(path, mode, **kwargs)


class ReadObserver(Protocol):
    """Told of every source file read (the results cache records what a run was made from).
    `data`: the bytes, or why the file could not be read."""

    def read(self, path: str, data: "bytes | str", own: bool) -> None:
        """`own`: read for the file's own sake (its own analysis, or a glance at whether the
        project pass reads it), not for an answer about it."""

    def glanced(self, path: str, data: "bytes | str", look: "Look") -> None:
        """Looked at for what `look` finds, and nothing found (see `glance`)."""


Groups = Tuple[Tuple[bytes, ...], ...]
# What a glance looks for: a word of each group and, when given, a match of the pattern (a
# bytes regular expression's source) too: the words are its cheap first test.
Look = Tuple[Groups, Optional[bytes]]
_observer: Optional[ReadObserver] = None


def current_observer() -> Optional[ReadObserver]:
    return _observer


def observe_reads(observer: Optional[ReadObserver]) -> Optional[ReadObserver]:
    """Install the observer of reads (None: none); the one it replaces is returned."""
    global _observer
    previous, _observer = _observer, observer
    return previous


def read_bytes(path: str, *, own: bool = False) -> bytes:
    """A source file's bytes. Only a regular file is opened: a pipe, socket or device named
    `*.py` could block the run or never end. `own`: see ReadObserver.read."""
    try:
        data = _read_regular(path)
    except NotChecked as error:
        if _observer is not None:
            _observer.read(path, error.reason, own)
        raise
    if _observer is not None:
        _observer.read(path, data, own)
    return data


def mentions(data: bytes, groups: Groups) -> bool:
    """Whether the bytes hold a word of each group."""
    return all(any(word in data for word in group) for group in groups)


def finds(data: bytes, look: Look) -> bool:
    """Whether the bytes hold what the look is for."""
    groups, pattern = look
    return mentions(data, groups) and (pattern is None or re.search(pattern, data) is not None)


def glance(path: str, *groups: Sequence[bytes], pattern: Optional[bytes] = None) -> Optional[bytes]:
    """A file's bytes when they hold a word of each group (and match `pattern`, when given),
    else None (NotChecked when it cannot be read): a look for a mention, which tells the
    observer that the caller depends on the file only if it comes to hold such a mention."""
    look: Look = (tuple(tuple(group) for group in groups), pattern)
    try:
        data = _read_regular(path)
    except NotChecked as error:
        if _observer is not None:
            _observer.glanced(path, error.reason, look)
        raise
    if not finds(data, look):
        if _observer is not None:
            _observer.glanced(path, data, look)
        return None
    if _observer is not None:
        _observer.read(path, data, False)
    return data


def _read_regular(path: str) -> bytes:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise NotChecked("not a regular file (a pipe, socket or device); not read")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise NotChecked(
                f"file is {size / 1024 / 1024:.1f} MB, over the 10 MB limit; not checked"
            )
        with open(path, "rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise NotChecked(f"could not read file: {error.strerror or error}") from None


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


class Decoded(NamedTuple):
    """A file's text and what it takes to write it back byte for byte."""

    text: str
    encoding: str
    bom: bool

    def encode(self, text: str) -> bytes:
        data = text.encode(self.encoding)
        return codecs.BOM_UTF8 + data if self.bom else data


def decode(data: bytes) -> str:
    """Text of the file, honouring a BOM and a PEP 263 coding line."""
    return decode_file(data).text


def decode_file(data: bytes) -> Decoded:
    """Like decode(), keeping the encoding and whether the file starts with a BOM."""
    if len(data) > MAX_FILE_BYTES:
        raise NotChecked("file is over the 10 MB limit; not checked")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise NotChecked("file contains NUL bytes; not a Python source file", _line_of(data, nul))
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "invalid or missing encoding declaration" not in str(error):
            # An unknown codec, or a coding line that contradicts the BOM.
            raise NotChecked(f"could not decode: {error}", getattr(error, "lineno", None) or 1) from None
        # A first or second line that is not UTF-8 and no coding line: decoding below says
        # which byte, on which line.
        encoding = "utf-8"
    start = 0
    if encoding == "utf-8-sig":
        # Decode past the BOM ourselves, so that error offsets count from the file's start.
        encoding = "utf-8"
        start = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        text = data[start:].decode(encoding) if start else data.decode(encoding)
    except UnicodeDecodeError as error:
        offset = start + error.start
        raise NotChecked(
            f"could not decode as {encoding}: {error.reason} (byte 0x{data[offset]:02x})",
            _line_of(data, offset),
        ) from None
    except LookupError as error:  # pragma: no cover - detect_encoding validates the codec
        raise NotChecked(f"could not decode: {error}") from None
    bom = bool(start)
    if text.startswith("\ufeff"):
        text = text[1:]
        bom = True
    return Decoded(text, encoding, bom)


# Syntax shapes a newer Python accepts, recognised on the line a SyntaxError points at:
# (pattern, what it is, the first Python that parses it). Checked in this order.
_NEWER_SYNTAX = (
    (re.compile(r"\s*type\s+[A-Za-z_]\w*\s*\[[^\]]*=[^\]]*\]\s*="), "a type parameter default", (3, 13)),
    (re.compile(r"\s*(?:async\s+)?(?:def|class)\s+[A-Za-z_]\w*\s*\[[^\]]*=[^\]]*\]"),
     "a type parameter default", (3, 13)),
    (re.compile(r"\s*type\s+[A-Za-z_]\w*\s*(?:\[[^\]]*\])?\s*="), "a `type` statement", (3, 12)),
    (re.compile(r"\s*(?:async\s+)?(?:def|class)\s+[A-Za-z_]\w*\s*\["), "a generic `def` or `class`", (3, 12)),
    (re.compile(r"\s*except\s*\*?\s*(?!\()(?:(?!\bas\b)[^:#(])*,(?:(?!\bas\b)[^:#])*:"),
     "`except A, B:` without parentheses", (3, 14)),
)
# How a FCL900 message says which Python a file needs; `needed_python` reads it back.
_NEEDS = "needs Python {}.{} or newer"
_NEEDS_PATTERN = re.compile(r"needs Python (\d+)\.(\d+) or newer\)$")


def newer_syntax(line: str) -> Optional[Tuple[str, Tuple[int, int]]]:
    """(what, the first Python version that parses it) when the line has the shape of syntax
    newer than the running interpreter's, else None."""
    for pattern, what, version in _NEWER_SYNTAX:
        if version > sys.version_info[:2] and pattern.match(line):
            return what, version
    return None


def needed_python(message: str) -> Optional[Tuple[int, int]]:
    """The Python version a FCL900 message says the file needs, if it says one."""
    match = _NEEDS_PATTERN.search(message)
    return (int(match[1]), int(match[2])) if match else None


def _syntax_error_reason(error: SyntaxError, text: str) -> str:
    lines = text.splitlines()
    index = (error.lineno or 1) - 1
    newer = newer_syntax(lines[index]) if 0 <= index < len(lines) else None
    if newer is not None:
        what, version = newer
        return f"syntax error: {error.msg} (parsed by {_PYTHON}; {what} {_NEEDS.format(*version)})"
    return f"syntax error: {error.msg} (parsed by {_PYTHON}; newer syntax needs a newer interpreter)"


# What `read_leniently` rewrites: type parameter lists (one level of nested brackets),
# `type X = ...` statements, and `except A, B:` without parentheses.
_TYPE_PARAMETERS = re.compile(r"^(\s*(?:async\s+)?(?:def|class)\s+[A-Za-z_]\w*)\s*\[(?:[^\[\]]|\[[^\[\]]*\])*\]", re.M)
_TYPE_STATEMENT = re.compile(r"^(\s*)type\s+([A-Za-z_]\w*)\s*(?:\[(?:[^\[\]]|\[[^\[\]]*\])*\])?\s*=", re.M)
_EXCEPT_LIST = re.compile(r"^(\s*except\*?\s+)([^:()\n]+,[^:()\n]+):", re.M)


def read_leniently(text: str, filename: str) -> ast.Module:
    """The tree of a module written for a newer Python, for the project index only (what a
    module binds: its router classes and factories, its routers): the newer syntax that says
    nothing of those is rewritten into its older equivalent first. Never used for a file that
    is reported on. Raises SyntaxError when the text still does not parse."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError:
        pass
    older = _TYPE_PARAMETERS.sub(r"\1", text)
    older = _TYPE_STATEMENT.sub(r"\1\2 =", older)
    older = _EXCEPT_LIST.sub(r"\1(\2):", older)
    return ast.parse(older, filename=filename)


def parse(text: str, filename: str) -> ast.Module:
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as error:
        raise NotChecked(
            _syntax_error_reason(error, text),
            error.lineno or 1,
            (error.offset or 1) - 1,
        ) from None
    except (RecursionError, MemoryError):
        raise NotChecked(f"could not parse: nested too deeply for the {_PYTHON} parser") from None
    except ValueError as error:  # pragma: no cover - NUL bytes are caught in decode()
        raise NotChecked(f"could not parse: {error}") from None


def lines_with_ends(text: str) -> List[str]:
    """Lines with their own line ends as written (CR, LF, CRLF; a form feed ends none)."""
    return io.StringIO(text, newline="").readlines()


def physical_lines(text: str) -> List[str]:
    """Lines as flake8 sees them (universal newlines, line ends kept)."""
    return io.StringIO(text, newline=None).readlines()


def display_column(lines: List[str], line: int, col: int) -> int:
    """`ast` columns count UTF-8 bytes; people count characters."""
    index = line - 1
    if 0 <= index < len(lines):
        text = lines[index]
        if not text.isascii():
            return len(text.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
    return col
