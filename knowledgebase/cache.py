"""What loading learns from each file on its own, kept between loads so that only changed files are read again.

The per-file phase of loading (read, body policy, front matter, body scan)
depends on nothing but the file's bytes and its place in the content folder,
so its result can be reused while those are unchanged. :class:`LoadCache`
holds these results in memory (``kb serve`` keeps one across rebuilds);
:func:`read_cache_file` and :func:`write_cache_file` keep them on disk between
``kb check`` runs.

Why this is safe:

* A file is trusted unchanged only when its size, modification and change
  times and inode all match what was recorded, and only once those times were
  at least :data:`SETTLE_NS` older than the moment the file was read (as git
  does against "racy" edits). Otherwise its bytes are read and their hash must
  match.
* What is cached never names the file as diagnostics show it: the loader adds
  the name the user typed each time.
* A body policy check that looks at other files (a link to a file, an image)
  is never cached; it is done again on every load.
* The file on disk is JSON, read by a strict decoder: reading it cannot run
  code, and anything unexpected (garbage, a wrong type, another engine
  version) makes the whole cache count as empty. It lives in the user's cache
  folder, never in the content folder, and is replaced atomically.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import sys
import tempfile
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from . import __version__
from .bodypolicy import Finding, PageCheck
from .diagnostics import CODES
from .frontmatter import FrontMatter, yaml_implementation
from .model import Reference

SETTLE_NS = 2_000_000_000
CACHE_FORMAT = "leading-learning/load-cache"
MAX_CACHE_BYTES = 1 << 30
# The modules whose code decides what a file's facts are (and the checked values the link index keeps), and the
# packages that parse for them (the body policy parses a page with MyST): a change to any of them empties every cache.
_FACT_MODULES = ("loader.py", "cache.py", "frontmatter.py", "bodypolicy.py", "references.py", "schema.py",
                 "diagnostics.py", "model.py", "suggest.py", "validate.py", "linkindex.py", "characters.py", "sitepages.py")
_FACT_PACKAGES = ("PyYAML", "myst-parser", "markdown-it-py", "mdit-py-plugins")

Problem = tuple[str, int, str, str]   # a diagnostic without its file: code, line, message, hint
Stamp = tuple[int, int, int, int]     # size, mtime_ns, ctime_ns, inode


class FileFacts(NamedTuple):   # a tuple: tens of thousands are made when a cache file is read
    """What one file's bytes say before any other file is looked at."""

    page: PageCheck | None               # None: the policy check looked at other files, so it is redone each load
    problems: tuple[Problem, ...] = ()   # front matter problems
    front_matter: FrontMatter | None = None   # None: not a record (another page, or front matter unusable)
    references: tuple[Reference, ...] = ()
    words: int = 0
    placeholders: tuple[int, ...] = ()   # lines still holding a template's TODO( marker


class _Entry(NamedTuple):
    stamp: Stamp | None
    digest: str
    settled: bool       # the stamp alone may vouch for the bytes
    facts: FileFacts


@contextmanager
def cycle_collection_paused():
    """Loading (and reading a cache file) makes millions of objects that live on and hardly any reference
    cycles: the cycle collector would walk them again and again for next to nothing (on a large corpus,
    a large share of the time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def stamp_of(stat: os.stat_result) -> Stamp:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


class LoadCache:
    """Per-file load results for one content folder, keyed by the file's path relative to it.

    ``loader.load(root, cache)`` returns exactly what ``loader.load(root)``
    returns; it only skips the per-file work of files whose bytes are
    unchanged. Keep one instance across loads of the same folder; a load of
    another folder empties it. Not thread-safe.
    """

    def __init__(self) -> None:
        self.root: str | None = None
        self._entries: dict[str, _Entry] = {}
        self._checked: dict[str, tuple[FileFacts, dict, tuple[Problem, ...]]] = {}   # in memory only
        self._seen: set[str] = set()
        self.changes = 0    # entries added, replaced or dropped since the cache was read or saved
        # The last load's linking of the whole corpus (the loader's own record), in memory only: the next
        # load is linked from it when only articles changed (see loader._relink).
        self.linked: object | None = None

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def changed(self) -> bool:
        """Whether it differs from what was last read or saved."""
        return self.changes > 0

    def begin(self, real_root: Path) -> None:
        """Start a load of ``real_root`` (resolved)."""
        if self.root != str(real_root):
            self.changes += len(self._entries)
            self._entries.clear()
            self._checked.clear()
            self.linked = None
            self.root = str(real_root)
        self._seen = set()

    def finish(self) -> None:
        """End a load: forget files that are gone."""
        gone = self._entries.keys() - self._seen
        for rel in gone:
            del self._entries[rel]
            self._checked.pop(rel, None)
        self.changes += len(gone)

    def by_stamp(self, rel: str, stamp: Stamp | None) -> FileFacts | None:
        """The facts of ``rel`` when its stat alone shows it unchanged."""
        self._seen.add(rel)
        entry = self._entries.get(rel)
        if entry is not None and stamp is not None and entry.settled and entry.stamp == stamp:
            return entry.facts
        return None

    def by_digest(self, rel: str, digest: str, stamp: Stamp | None, read_at_ns: int) -> FileFacts | None:
        """The facts of ``rel`` when its bytes hash to what was recorded (the stamp is updated)."""
        entry = self._entries.get(rel)
        if entry is None or entry.digest != digest:
            return None
        updated = _Entry(stamp, digest, settled(stamp, read_at_ns), entry.facts)
        if updated != entry:
            self._entries[rel] = updated
            self.changes += 1
        return entry.facts

    def store(self, rel: str, stamp: Stamp | None, digest: str, read_at_ns: int, facts: FileFacts) -> None:
        self._entries[rel] = _Entry(stamp, digest, settled(stamp, read_at_ns), facts)
        self.changes += 1

    def field_check(self, rel: str, facts: FileFacts) -> tuple[dict, tuple[Problem, ...]] | None:
        """The checked values and field problems of ``rel``'s front matter, if these very facts were checked.

        The field check depends only on the front matter (and the schema of the file's folder), so a
        long-lived process need not repeat it; the values are never changed by the loader.
        """
        kept = self._checked.get(rel)
        return (kept[1], kept[2]) if kept is not None and kept[0] is facts else None

    def state_of(self, rel: str) -> tuple[Stamp | None, str, bool] | None:
        """The stamp, digest and settledness recorded for ``rel``, if it was read."""
        entry = self._entries.get(rel)
        return None if entry is None else (entry.stamp, entry.digest, entry.settled)

    def keep_field_check(self, rel: str, facts: FileFacts, values: dict, problems: tuple[Problem, ...]) -> None:
        self._checked[rel] = (facts, values, problems)


def settled(stamp: Stamp | None, read_at_ns: int) -> bool:
    """Whether a file with ``stamp``, read at ``read_at_ns``, can be vouched for by its stamp alone next time."""
    return stamp is not None and max(stamp[1], stamp[2]) < read_at_ns - SETTLE_NS


# --- On disk -----------------------------------------------------------------------------------------------
#
# The file is a JSON header line (format, engine, content folder, a hash of the rest) and a JSON body: for
# each file, [stamp, digest, settled, page, problems, front matter, references, words, placeholders]. Front
# matter values are stored as JSON as they are, but for dates, {"\u0000date": "..."}, and the rare mapping
# with a key that starts with NUL (YAML can write one as "\0"), {"\u0000pairs": [[key, value], ...]}, so
# that no mapping of the front matter can pass for a tag. The table of lines is an encoded string, decoded
# only when a diagnostic needs a line.

_DATE, _DATETIME, _PAIRS = "\x00date", "\x00datetime", "\x00pairs"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """Names the engine's code and the YAML parser, all that checked front matter values depend on: a link index
    made by any other code is not used."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}|{sys.version_info[:2]}|{yaml_implementation()}|PyYAML {yaml.__version__}".encode())
    here = Path(__file__).parent
    for name in _FACT_MODULES:
        digest.update((here / name).read_bytes())
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


class StoredFrontMatter(FrontMatter):
    """Front matter read back from a cache file: its table of lines is decoded the first time a line is needed."""

    def __init__(self, data: Any, encoded_lines: str, start_line: int):
        super().__init__(data, {}, start_line)
        self.encoded_lines: str | None = encoded_lines

    def line(self, *key: Any) -> int:
        if self.encoded_lines is not None:
            self.lines = _decode_lines(self.encoded_lines)
            self.encoded_lines = None
        return super().line(*key)


class _Invalid(Exception):  # noqa: N818 - internal control flow
    pass


def read_cache_file(path: Path, real_root: Path) -> LoadCache:
    """The cache stored at ``path`` for ``real_root``; an empty one if it is missing or unusable in any way."""
    cache = LoadCache()
    body = read_stored(path, CACHE_FORMAT, engine_fingerprint(), real_root)
    if body is None:
        return cache
    try:
        with cycle_collection_paused():
            entries = _decode_files(json.loads(body, object_hook=_decode_tagged))
    except (ValueError, RecursionError, _Invalid):
        return cache
    cache.root = str(real_root)
    cache._entries = entries
    return cache


def write_cache_file(cache: LoadCache, path: Path) -> bool:
    """Save ``cache`` at ``path`` atomically; False (and nothing written) if the folder cannot be written."""
    with cycle_collection_paused():
        files = {rel: _encode_entry(entry) for rel, entry in sorted(cache._entries.items())}
        body = json.dumps(files, ensure_ascii=False, separators=(",", ":"), default=_encode_date).encode("utf-8")
    if not write_stored(path, CACHE_FORMAT, engine_fingerprint(), cache.root, body):
        return False
    cache.changes = 0
    return True


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


def _encode_entry(entry: _Entry) -> list:
    facts = entry.facts
    fm = facts.front_matter
    if fm is None:
        stored_fm = None
    else:
        lines = fm.encoded_lines if isinstance(fm, StoredFrontMatter) and fm.encoded_lines is not None else \
            json.dumps([[*key, line] for key, line in fm.lines.items()], ensure_ascii=False, separators=(",", ":"))
        stored_fm = [_protect(fm.data), lines, fm.start_line]
    references = [item for r in facts.references for item in (r.kind, r.target, r.line)]
    return [
        list(entry.stamp) if entry.stamp else None, entry.digest, entry.settled,
        None if facts.page is None else [facts.page.digest, [[f.code, f.line, f.message, f.hint, *f.drop]
                                                             for f in facts.page.findings]],
        [list(p) for p in facts.problems], stored_fm, references, facts.words, list(facts.placeholders),
    ]


def _encode_date(value: Any) -> dict:
    if isinstance(value, dt.datetime):
        return {_DATETIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"{type(value).__name__} is not a front matter value")


def _protect(value: Any) -> Any:
    """``value`` with every mapping that has a key starting with NUL stored as pairs (see above)."""
    if isinstance(value, dict):
        if any(key.startswith("\x00") for key in value):
            return {_PAIRS: [[key, _protect(item)] for key, item in value.items()]}
        return {key: _protect(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_protect(item) for item in value]
    return value


def _decode_tagged(mapping: dict) -> Any:
    if _DATE not in mapping and _DATETIME not in mapping and _PAIRS not in mapping:
        return mapping
    (tag, inner), = mapping.items()   # anything else there is an error
    if tag == _PAIRS:
        pairs = [_list(pair, 2) for pair in _list(inner)]
        return {_str(key): item for key, item in pairs}
    return (dt.datetime if tag == _DATETIME else dt.date).fromisoformat(_str(inner))


def _decode_lines(encoded: str) -> dict[tuple, int]:
    """The table of lines of a stored front matter; empty (every line then falls back to the first) if unreadable."""
    try:
        rows = json.loads(encoded)
        return {_key(row[:-1]): _int(row[-1]) for row in _list(rows) if _list(row)}
    except (ValueError, RecursionError, IndexError, _Invalid):
        return {}


def _decode_files(files: Any) -> dict[str, _Entry]:
    if not isinstance(files, dict):
        raise _Invalid
    return {_relative(rel): _decode_entry(entry) for rel, entry in files.items()}


_NOT_PARTS = frozenset(("", ".", ".."))   # an empty part also rules out a leading "/"


def _relative(rel: Any) -> str:
    """A key must be a plain relative path inside the content folder (the loader only asks for those anyway)."""
    if not isinstance(rel, str) or not rel.endswith(".md") or "\\" in rel or not _NOT_PARTS.isdisjoint(rel.split("/")):
        raise _Invalid
    return rel


def _decode_entry(raw: Any) -> _Entry:
    stamp, digest, settled, page, problems, fm, references, words, placeholders = _list(raw, 9)
    if stamp is not None:
        stamp = _ints(_list(stamp, 4))
    if page is not None:
        page_digest, findings = _list(page, 2)
        page = PageCheck(_str(page_digest), tuple(map(_finding, _list(findings))))
    if fm is not None:
        data, lines, start = _list(fm, 3)
        fm = StoredFrontMatter(data, _str(lines), _int(start))
    if type(settled) is not bool:
        raise _Invalid
    facts = FileFacts(page, tuple(map(_problem, _list(problems))), fm, _references(_list(references)), _int(words),
                      _ints(_list(placeholders)))
    return _Entry(stamp, _str(digest), settled, facts)


def _ints(raw: list) -> tuple[int, ...]:
    if not set(map(type, raw)) <= {int}:
        raise _Invalid
    return tuple(raw)


def _finding(raw: Any) -> Finding:
    code, line, message, hint, first, last = _list(raw, 6)
    return Finding(_code(code), _int(line), _str(message), _str(hint), (_int(first), _int(last)))


def _problem(raw: Any) -> Problem:
    code, line, message, hint = _list(raw, 4)
    return (_code(code), _int(line), _str(message), _str(hint))


_REFERENCE_KINDS = frozenset(("article", "concept", "source", "path"))


def _references(flat: list) -> tuple[Reference, ...]:
    """References stored flat, kind, target, line, kind, ...: checked a column at a time (there are many)."""
    kinds, targets, lines = flat[0::3], flat[1::3], flat[2::3]
    if len(flat) % 3 or not set(map(type, kinds)) <= {str} or not set(kinds) <= _REFERENCE_KINDS \
            or not set(map(type, targets)) <= {str} \
            or not set(map(type, lines)) <= {int}:
        raise _Invalid
    return tuple(map(Reference, kinds, targets, lines))


def _key(raw: Any) -> tuple:
    key = tuple(_list(raw))
    if not all(isinstance(part, str) or type(part) is int for part in key):
        raise _Invalid
    return key


def _list(raw: Any, length: int | None = None) -> list:
    if not isinstance(raw, list) or (length is not None and len(raw) != length):
        raise _Invalid
    return raw


def _str(raw: Any) -> str:
    if not isinstance(raw, str):
        raise _Invalid
    return raw


def _int(raw: Any) -> int:
    if type(raw) is not int:
        raise _Invalid
    return raw


def _code(raw: Any) -> str:
    if not isinstance(raw, str) or raw not in CODES:
        raise _Invalid
    return raw
