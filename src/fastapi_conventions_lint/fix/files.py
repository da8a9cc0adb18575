"""Writing fixed files: same encoding, BOM, line endings, permission bits and (where the
process may set it) owner, each replaced atomically (a temporary file in the same directory,
then os.replace) or not at all, and the files of one cross-file fix all together or none."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from typing import List, Sequence, Tuple


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file's content; on any error the original is left as it was.

    A symlink is followed: the file it points to is rewritten and the link stays a link. A
    read-only file (no write permission bit, or none for this process) is not rewritten:
    renaming over it would succeed, but its owner marked it as not to be changed."""
    target, temporary = _staged(path, data)
    try:
        os.replace(temporary, target)
    except BaseException:
        _remove(temporary)
        raise


def write_together(files: Sequence[Tuple[str, bytes, bytes]]) -> None:
    """Replace every file (path, new bytes, the bytes it holds now) or none: each new text is
    written to a temporary file beside its target first, then they are renamed over their
    targets one after the other; when anything fails or is interrupted, the files already
    replaced get their old bytes back, and the error propagates. For the two (or more) files
    of an include_router move: one written without the other would change the served URLs."""
    staged: List[Tuple[str, str, bytes]] = []
    try:
        for path, data, old in files:
            target, temporary = _staged(path, data)
            staged.append((target, temporary, old))
    except BaseException:
        for _, temporary, _ in staged:
            _remove(temporary)
        raise
    replaced: List[Tuple[str, bytes]] = []
    try:
        for target, temporary, old in staged:
            os.replace(temporary, target)
            replaced.append((target, old))
    except BaseException:
        for target, temporary, _ in staged:
            _remove(temporary)
        for target, old in reversed(replaced):
            write_atomic(target, old)
        raise


def _staged(path: str, data: bytes) -> Tuple[str, str]:
    """(the real file, a temporary file beside it holding `data` with the file's permission
    bits and, where allowed, owner); nothing is left behind on failure."""
    target = os.path.realpath(path)
    info = os.stat(target)
    mode = stat.S_IMODE(info.st_mode)
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only", path)
    directory = os.path.dirname(target)
    handle, temporary = tempfile.mkstemp(
        dir=directory, prefix=f".{os.path.basename(target)}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "wb") as output:
            output.write(data)
            output.flush()
            os.fsync(output.fileno())
        if hasattr(os, "chown") and (info.st_uid, info.st_gid) != _owner(temporary):
            try:
                os.chown(temporary, info.st_uid, info.st_gid)
            except OSError:
                pass  # not permitted (not root): the file becomes this user's, as any editor does
        os.chmod(temporary, mode)  # after chown, which may clear setuid/setgid bits
    except BaseException:
        _remove(temporary)
        raise
    return target, temporary


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _owner(path: str):
    info = os.stat(path)
    return info.st_uid, info.st_gid
