"""How a file's state is recorded when it is read, so that a later load can tell whether it changed.

A file is vouched for as unchanged by its stamp (size, modification and change
times, inode) only once those times were at least :data:`SETTLE_NS` older than
the moment it was read, as git does against "racy" edits; otherwise its bytes
are read again and their hash must match.
"""

from __future__ import annotations

import hashlib
import os

SETTLE_NS = 2_000_000_000

Stamp = tuple[int, int, int, int]                    # size, mtime_ns, ctime_ns, inode
ReadState = tuple[Stamp | None, str, bool] | None   # a file's stamp, digest and settledness when it was read


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def settled(stamp: Stamp | None, read_at_ns: int) -> bool:
    """Whether a file with ``stamp``, read at ``read_at_ns``, can be vouched for by its stamp alone next time."""
    return stamp is not None and max(stamp[1], stamp[2]) < read_at_ns - SETTLE_NS
