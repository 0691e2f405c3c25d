r"""The load cache on disk, between ``kb check`` runs (see :mod:`.store` for the format every stored file shares).

The file is a JSON header line (format, engine, content folder, a hash of the rest) and a JSON body: for
each file, [stamp, digest, settled, page, problems, front matter, references, words, placeholders,
research claims]. Front
matter values are stored as JSON as they are, but for dates, {"\u0000date": "..."}, and the rare mapping
with a key that starts with NUL (YAML can write one as "\0"), {"\u0000pairs": [[key, value], ...]}, so
that no mapping of the front matter can pass for a tag. The table of lines is an encoded string, decoded
only when a diagnostic needs a line.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from ..collector import cycle_collection_paused
from ..diagnostics import CODES, CodeId
from ..model import Reference
from ..reading.bodypolicy.check import Finding, PageCheck
from ..reading.facts import FileFacts, Problem
from ..reading.frontmatter import FrontMatter
from .filecache import Entry, LoadCache
from .store import (
    Invalid,
    engine_fingerprint,
    expect_int,
    expect_ints,
    expect_list,
    expect_str,
    read_stored,
    write_stored,
)

CACHE_FORMAT = "leading-learning/load-cache"
_DATE, _DATETIME, _PAIRS = "\x00date", "\x00datetime", "\x00pairs"


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


def read_cache_file(path: Path, real_root: Path) -> LoadCache:
    """The cache stored at ``path`` for ``real_root``; an empty one if it is missing or unusable in any way."""
    cache = LoadCache()
    body = read_stored(path, CACHE_FORMAT, engine_fingerprint(), real_root)
    if body is None:
        return cache
    try:
        with cycle_collection_paused():
            entries = _decode_files(json.loads(body, object_hook=_decode_tagged))
    except (ValueError, RecursionError, Invalid):
        return cache
    cache.restore(real_root, entries)
    return cache


def write_cache_file(cache: LoadCache, path: Path) -> bool:
    """Save ``cache`` at ``path`` atomically; False (and nothing written) if the folder cannot be written."""
    with cycle_collection_paused():
        files = {rel: _encode_entry(entry) for rel, entry in sorted(cache.entries.items())}
        body = json.dumps(files, ensure_ascii=False, separators=(",", ":"), default=_encode_date).encode("utf-8")
    if not write_stored(path, CACHE_FORMAT, engine_fingerprint(), cache.root, body):
        return False
    cache.saved()
    return True


def _encode_entry(entry: Entry) -> list:
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
        list(facts.research_claims),
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
        pairs = [expect_list(pair, 2) for pair in expect_list(inner)]
        return {expect_str(key): item for key, item in pairs}
    return (dt.datetime if tag == _DATETIME else dt.date).fromisoformat(expect_str(inner))


def _decode_lines(encoded: str) -> dict[tuple, int]:
    """The table of lines of a stored front matter; empty (every line then falls back to the first) if unreadable."""
    try:
        rows = json.loads(encoded)
        return {_key(row[:-1]): expect_int(row[-1]) for row in expect_list(rows) if expect_list(row)}
    except (ValueError, RecursionError, IndexError, Invalid):
        return {}


def _decode_files(files: Any) -> dict[str, Entry]:
    if not isinstance(files, dict):
        raise Invalid
    return {_relative(rel): _decode_entry(entry) for rel, entry in files.items()}


_NOT_PARTS = frozenset(("", ".", ".."))   # an empty part also rules out a leading "/"


def _relative(rel: Any) -> str:
    """A key must be a plain relative path inside the content folder (the loader only asks for those anyway)."""
    if not isinstance(rel, str) or not rel.endswith(".md") or "\\" in rel or not _NOT_PARTS.isdisjoint(rel.split("/")):
        raise Invalid
    return rel


def _decode_entry(raw: Any) -> Entry:
    stamp, digest, settled, page, problems, fm, references, words, placeholders, claims = expect_list(raw, 10)
    if stamp is not None:
        stamp = expect_ints(expect_list(stamp, 4))
    if page is not None:
        page_digest, findings = expect_list(page, 2)
        page = PageCheck(expect_str(page_digest), tuple(map(_finding, expect_list(findings))))
    if fm is not None:
        data, lines, start = expect_list(fm, 3)
        fm = StoredFrontMatter(data, expect_str(lines), expect_int(start))
    if type(settled) is not bool:
        raise Invalid
    facts = FileFacts(page, tuple(map(_problem, expect_list(problems))), fm, _references(expect_list(references)), expect_int(words),
                      expect_ints(expect_list(placeholders)), expect_ints(expect_list(claims)))
    return Entry(stamp, expect_str(digest), settled, facts)




def _finding(raw: Any) -> Finding:
    code, line, message, hint, first, last = expect_list(raw, 6)
    return Finding(_code(code), expect_int(line), expect_str(message), expect_str(hint), (expect_int(first), expect_int(last)))


def _problem(raw: Any) -> Problem:
    code, line, message, hint = expect_list(raw, 4)
    return (_code(code), expect_int(line), expect_str(message), expect_str(hint))


_REFERENCE_KINDS = frozenset(("article", "concept", "source", "path"))


def _references(flat: list) -> tuple[Reference, ...]:
    """References stored flat, kind, target, line, kind, ...: checked a column at a time (there are many)."""
    kinds, targets, lines = flat[0::3], flat[1::3], flat[2::3]
    if len(flat) % 3 or not set(map(type, kinds)) <= {str} or not set(kinds) <= _REFERENCE_KINDS \
            or not set(map(type, targets)) <= {str} \
            or not set(map(type, lines)) <= {int}:
        raise Invalid
    return tuple(map(Reference, kinds, targets, lines))


def _key(raw: Any) -> tuple:
    key = tuple(expect_list(raw))
    if not all(isinstance(part, str) or type(part) is int for part in key):
        raise Invalid
    return key








def _code(raw: Any) -> CodeId:
    if not isinstance(raw, str) or raw not in CODES:
        raise Invalid
    return CODES[raw].code
