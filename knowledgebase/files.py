"""Writing files safely: atomically, and never over a file that already exists."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path


class FileExists(Exception):
    def __init__(self, path: Path):
        super().__init__(f"{path} already exists")
        self.path = path


def _temporary_copy(path: Path, text: str) -> Path:
    """A new file beside ``path`` holding ``text``, with the permissions the user's umask gives any new file.

    (``tempfile.mkstemp`` would make it readable by its owner only, whatever the umask.) The name is
    random, and ``O_EXCL`` means it is always a new file, never one that was there, nor a link.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        temporary.unlink(missing_ok=True)  # never leave a partial file behind
        raise
    return temporary


def write_new(path: Path, text: str) -> None:
    """Create ``path`` with ``text``. Raise :class:`FileExists` rather than replace anything.

    The text is written to a temporary file first and then hard-linked into
    place: the link fails if the name exists, even if it appeared a moment
    ago, and a reader never sees a half-written file.
    """
    path = Path(path)
    if path.exists() or path.is_symlink():
        raise FileExists(path)
    temporary = _temporary_copy(path, text)
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise FileExists(path) from None
    except OSError:  # a file system without hard links: exclusive create, then replace our own empty file
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except FileExistsError:
            raise FileExists(path) from None
        os.close(descriptor)
        os.replace(temporary, path)
        return
    finally:
        if temporary.exists():
            temporary.unlink()


def write_replacing(path: Path, text: str, force: bool) -> None:
    """Write ``path`` atomically; replace an existing file only when ``force`` is set (it keeps its permissions)."""
    path = Path(path)
    if not force:
        write_new(path, text)
        return
    temporary = _temporary_copy(path, text)
    try:
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temporary, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
