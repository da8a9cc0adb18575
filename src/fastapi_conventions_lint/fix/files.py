"""Writing a fixed file: same encoding, BOM, line endings, permission bits and (where the
process may set it) owner, replaced atomically (a temporary file in the same directory, then
os.replace) or not at all."""

from __future__ import annotations

import errno
import os
import stat
import tempfile


def write_atomic(path: str, data: bytes) -> None:
    """Replace the file's content; on any error the original is left as it was.

    A symlink is followed: the file it points to is rewritten and the link stays a link. A
    read-only file (no write permission bit, or none for this process) is not rewritten:
    renaming over it would succeed, but its owner marked it as not to be changed."""
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
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


def _owner(path: str):
    info = os.stat(path)
    return info.st_uid, info.st_gid
