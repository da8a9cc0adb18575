"""Content digests (BLAKE2b), from CPython's own module when it has one: importing `hashlib`
loads OpenSSL, a few milliseconds of a run answered from the cache."""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - an interpreter without the module
    from hashlib import blake2b


def hex_digest(data: bytes, size: int = 16) -> str:
    """The data's digest of `size` bytes, as hexadecimal text."""
    return blake2b(data, digest_size=size).hexdigest()
