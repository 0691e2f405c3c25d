"""The one on-disk format of what ``kb check`` keeps between runs, and the strict decoder that reads it back.

A stored file is a JSON header line (its format, the code that made it, the
content folder, a hash of the rest) and a body. It is used only if the header
names this format, this exact code and this folder and the body is the one it
was written with; then the body is decoded strictly (:func:`expect_list` and
the rest raise :class:`Invalid` at anything unexpected), and anything
unexpected makes the whole file count as absent. It is JSON, never pickle, so
reading it cannot run code; it lives in the user's cache folder, never in the
content folder, and is replaced atomically.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .. import __version__
from ..reading.frontmatter import yaml_implementation

MAX_CACHE_BYTES = 1 << 30
PACKAGE = Path(__file__).resolve().parent.parent
# The code that decides what a file's facts are and which checked values a record offers others, and the
# packages that parse for it (the body policy parses a page with MyST): a change to any of them empties every
# stored file.
_FACT_MODULES = ("reading/*.py", "reading/bodypolicy/*.py", "linking.py", "load.py", "schema.py", "diagnostics.py",
                 "model.py", "suggest.py", "characters.py", "sitepages.py", "paths.py", "reuse/*.py")
_FACT_PACKAGES = ("PyYAML", "myst-parser", "markdown-it-py", "mdit-py-plugins")


class Invalid(Exception):  # noqa: N818 - the stored file is not what was written: it counts as absent
    """Something in a stored file is not what its writer writes."""


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Names the engine's code and the YAML parser, all that checked front matter values depend on: a link index
    made by any other code is not used."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}|{sys.version_info[:2]}|{yaml_implementation()}|PyYAML {yaml.__version__}".encode())
    for pattern in _FACT_MODULES:
        for module in sorted(PACKAGE.glob(pattern)):
            digest.update(module.relative_to(PACKAGE).as_posix().encode() + b"\0" + module.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Names the code that computes file facts and the packages that parse for it (MyST's, for the body
    policy): a cache made by any other code is not used."""
    from importlib import metadata

    digest = hashlib.blake2b(code_fingerprint().encode(), digest_size=16)
    for package in _FACT_PACKAGES:
        try:
            digest.update(f"|{package} {metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"|{package} none".encode())
    return digest.hexdigest()


def cache_folder(content: Path) -> Path:
    """Where ``kb check`` keeps the cache for the content folder ``content``: one folder per resolved path."""
    base = os.environ.get("KB_CACHE_DIR")
    if not base:
        xdg = os.environ.get("XDG_CACHE_HOME")
        base = os.path.join(xdg, "leading-learning") if xdg and os.path.isabs(xdg) else \
            os.path.join(os.path.expanduser("~"), ".cache", "leading-learning")
    key = hashlib.sha256(str(content.resolve()).encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return Path(base) / key


def cache_file(content: Path, name: str = "load-cache.json") -> Path | None:
    """The cache file ``name`` for ``content``, or None when it would lie inside the content folder."""
    path = cache_folder(content) / name
    if path.resolve().is_relative_to(content.resolve()):
        return None
    return path


def stored_for(path: Path, file_format: str, fingerprint: str, real_root: Path) -> bool:
    """Whether the header of the file at ``path`` names ``file_format``, the code ``fingerprint`` names and
    ``real_root`` (the body is not read, let alone checked)."""
    try:
        with path.open("rb") as stored:
            header = json.loads(stored.readline(1 << 16))
    except (OSError, ValueError, RecursionError):
        return False
    return isinstance(header, dict) and header.get("format") == file_format \
        and header.get("engine") == fingerprint and header.get("root") == str(real_root)


def read_stored(path: Path, file_format: str, fingerprint: str, real_root: Path) -> bytes | None:
    """The body of the file at ``path`` if its header names ``file_format``, the code ``fingerprint`` names and
    ``real_root``, and the body is the one it was written with; None if it is missing, too big, someone else's
    or unusable."""
    try:
        stat = path.stat()
        if stat.st_size > MAX_CACHE_BYTES or (hasattr(os, "getuid") and stat.st_uid != os.getuid()):
            return None
        header, _, body = path.read_bytes().partition(b"\n")
        expected = {"format": file_format, "engine": fingerprint, "root": str(real_root),
                    "body": hashlib.blake2b(body, digest_size=16).hexdigest()}
        if json.loads(header) != expected:
            return None
    except (OSError, ValueError, RecursionError):
        return None
    return body


def write_stored(path: Path, file_format: str, fingerprint: str, root: str | None, body: bytes) -> bool:
    """Write ``body`` at ``path`` under a header that :func:`read_stored` checks, atomically; False (and nothing
    written) if the folder cannot be written."""
    header = json.dumps({"format": file_format, "engine": fingerprint, "root": root,
                         "body": hashlib.blake2b(body, digest_size=16).hexdigest()}).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Readable by the user alone (mkstemp's 0600, whatever the umask), unlike the files `kb` writes for
        # people: a cache is private to its user, and read_stored trusts only a file the user owns.
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(header + b"\n" + body)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        return False
    return True


def expect_list(raw: Any, length: int | None = None) -> list:
    if not isinstance(raw, list) or (length is not None and len(raw) != length):
        raise Invalid
    return raw


def expect_str(raw: Any) -> str:
    if not isinstance(raw, str):
        raise Invalid
    return raw


def expect_int(raw: Any) -> int:
    if type(raw) is not int:
        raise Invalid
    return raw


def expect_strs(raw: Any) -> list[str]:
    if not isinstance(raw, list) or not set(map(type, raw)) <= {str}:
        raise Invalid
    return raw


def expect_ints(raw: list) -> tuple[int, ...]:
    if not set(map(type, raw)) <= {int}:
        raise Invalid
    return tuple(raw)


def parsed(text: bytes | str) -> Any:
    """JSON text as values; :class:`Invalid` if it is not JSON."""
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        raise Invalid from None
