"""What each record offers the others, kept so that ``kb check`` can report on a few files without reading the rest.

Linking (aliases, references between files, cycles, reading paths, orphan
concepts) is the only part of loading in which one file's diagnostics depend
on other files, and what it reads of another record is that record's checked
front matter values: never its body, never where its values stand in the file.
A :class:`LinkIndex` keeps those values for every record file of a content
folder (and each source's, for sources.yaml), with the file's stamp and digest
(as :mod:`.filecache` keeps per-file facts), whether the record made
it into the knowledge base, and what that depended on besides its own values
(the ``context``). ``reuse.selected.load_selected`` reads the reported files afresh and
links them, with the loader's own code, to the records of the index they can
reach.

Why this is safe:

* An entry vouches for a file exactly as the load cache does: by its stamp
  once settled, otherwise by its bytes' hash; a file it cannot vouch for is
  read again.
* The values are those the field checks returned; only the locations of
  reference items (which no other file's diagnostics use) are left out.
* The file is JSON with the load cache's header (format, engine code and
  YAML parser, content folder, hash of the body), and is decoded strictly: a
  record's values when they are first needed, everything else when the file
  is read. Anything unexpected makes the whole index unusable, and ``kb check``
  then loads everything, as it would without an index.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .. import schema as s
from ..collector import cycle_collection_paused
from ..reading.stamps import ReadState, Stamp, content_hash, settled, stamp_of
from .store import (
    Invalid,
    code_fingerprint,
    expect_str,
    expect_strs,
    parsed,
    read_stored,
    write_stored,
)

INDEX_FORMAT = "leading-learning/link-index"
INDEX_FILE = "link-index.json"


class IndexEntry(NamedTuple):
    stamp: Stamp
    digest: str
    settled: bool          # the stamp alone may vouch for the bytes
    counted: bool          # the record is in the knowledge base the last link made
    row: bytes | None      # the values as stored (see below); None: the file holds no usable front matter


class LinkIndex:
    """Index entries of a content folder's record files, keyed by path relative to it (``articles/x.md``)."""

    def __init__(self, root: str, context: str, entries: dict[str, IndexEntry]):
        self.root = root
        self.context = context   # what the counted flags depended on besides each record's own values
        self.entries = entries
        self.changes = 0         # entries added, replaced or dropped since the index was read or written

    def __len__(self) -> int:
        return len(self.entries)

    def vouched(self, rel: str, file: str) -> IndexEntry | None:
        """The entry of ``rel`` if it still describes the file at ``file``: by its stamp once settled, else by its
        bytes' hash (a match refreshes the stamp). None when the file must be read afresh."""
        entry = self.entries.get(rel)
        if entry is None:
            return None
        try:
            stamp = stamp_of(os.stat(file))
            if entry.settled and entry.stamp == stamp:
                return entry
            read_at = time.time_ns()
            with open(file, "rb") as stored:
                data = stored.read()
        except OSError:
            return None
        if content_hash(data) != entry.digest:
            return None
        refreshed = entry._replace(stamp=stamp, settled=settled(stamp, read_at))
        if refreshed != entry:
            self.entries[rel] = refreshed
            self.changes += 1
        return refreshed

    def renew(self, rel: str, state: ReadState, row: bytes | None) -> None:
        """Record what reading ``rel`` afresh found: the ``state`` of its bytes (None: it could not be read or
        stamped) and its values as stored (see :func:`stored_row`)."""
        fresh = _entry(state, False, row)
        if fresh is None:
            if self.entries.pop(rel, None) is not None:
                self.changes += 1
            return
        entry = self.entries.get(rel)
        if entry is not None and entry[:3] == fresh[:3]:
            return  # the same bytes give the same values
        self.entries[rel] = fresh
        self.changes += 1

    def count(self, rel: str, counted: bool) -> None:
        """Record whether the record ``rel`` is in the knowledge base the last link made."""
        entry = self.entries.get(rel)
        if entry is not None and entry.counted != counted:
            self.entries[rel] = entry._replace(counted=counted)
            self.changes += 1

    def keep_only(self, rels: set[str]) -> None:
        """Forget files that are gone."""
        gone = self.entries.keys() - rels
        for rel in gone:
            del self.entries[rel]
        self.changes += len(gone)


def values_of(schema: s.Schema, row: bytes) -> dict:
    """The checked values a record's stored row holds; raises Invalid if it holds anything else."""
    return _decode_values(schema, parsed(row))


def sources_of(row: bytes) -> dict[str, dict]:
    """The checked values of each source a stored sources.yaml row holds, by id (raises Invalid likewise)."""
    sources = parsed(row)
    if not isinstance(sources, dict):
        raise Invalid
    return {source_id: _decode_values(s.SOURCE, values) for source_id, values in sources.items()}


def field_items(row: bytes, schema: s.Schema, name: str) -> list[str]:
    """The ids a record's stored row lists in the reference field ``name`` (raises Invalid if it cannot)."""
    items = parsed(row)
    if not isinstance(items, list) or len(items) != len(schema.fields):
        raise Invalid
    raw = items[schema.names.index(name)]
    return [] if raw is None else expect_strs(raw)




def index_of(root: str, context: str, files: Mapping[str, tuple[ReadState, bytes | None, bool]]) -> LinkIndex:
    """The index of ``files``: for each (by path relative to ``root``), the state of the bytes its row was read
    from (None if it was not read or stamped), the row, and whether it is in the knowledge base."""
    entries = {rel: _entry(state, counted, row) for rel, (state, row, counted) in files.items()}
    return LinkIndex(root, context, {rel: entry for rel, entry in entries.items() if entry is not None})


def _entry(state: ReadState, counted: bool, row: bytes | None) -> IndexEntry | None:
    """The entry for bytes read in ``state``, or None if they were not read or stamped."""
    if state is None:
        return None
    stamp, digest, is_settled = state
    if stamp is None:
        return None
    return IndexEntry(stamp, digest, is_settled, counted, row)


# --- On disk -----------------------------------------------------------------------------------------------
#
# The body is two parts. The first line is JSON: the context, and one column per part of an entry, in the
# order of "files": stamps (four integers each, flat), digests, and settled and counted flags (a string of 0
# and 1 each). Then comes one line per file, in the same order: its row, as JSON. A record's row is null (no
# usable front matter) or one item per field of the file's schema, null where the field is absent: reference
# lists keep their ids only, dates are ISO text, steps are rows of their own schema, and an empty list stands
# for `[]` written in a field of any type. The row of sources.yaml maps each source id to its row. Rows are
# parsed only when they are needed (most never are).


def read_index_file(path: Path, real_root: Path) -> LinkIndex | None:
    """The index stored at ``path`` for ``real_root``, or None if it is missing or unusable (but for the rows,
    which are checked when they are decoded)."""
    body = read_stored(path, INDEX_FORMAT, code_fingerprint(), real_root)
    if body is None:
        return None
    columns, _, rows = body.partition(b"\n")
    try:
        with cycle_collection_paused():
            return _decode_index(str(real_root), json.loads(columns), rows.split(b"\n") if rows else [])
    except (ValueError, RecursionError, Invalid):
        return None


_COLUMNS = ("context", "files", "stamps", "digests", "settled", "counted")


def _decode_index(root: str, stored: Any, rows: list[bytes]) -> LinkIndex:
    if not isinstance(stored, dict) or stored.keys() != set(_COLUMNS):
        raise Invalid
    context, files, stamps, digests, settled_flags, counted = (stored[key] for key in _COLUMNS)
    if not isinstance(files, list) or not isinstance(digests, list) or len(digests) != len(files) \
            or len(rows) != len(files) or not isinstance(stamps, list) or len(stamps) != 4 * len(files) \
            or not all(isinstance(flags, str) and len(flags) == len(files) and set(flags) <= {"0", "1"}
                       for flags in (settled_flags, counted)) \
            or not isinstance(context, str) or not set(map(type, files)) <= {str} \
            or not set(map(type, stamps)) <= {int} or not set(map(type, digests)) <= {str}:
        raise Invalid
    quads = zip(*[iter(stamps)] * 4)
    entries = {rel: IndexEntry(stamp, digest, is_settled == "1", is_counted == "1", None if row == b"null" else row)
               for rel, stamp, digest, is_settled, is_counted, row
               in zip(files, quads, digests, settled_flags, counted, rows)}
    return LinkIndex(root, context, entries)


def write_index_file(index: LinkIndex, path: Path) -> bool:
    """Save ``index`` at ``path`` atomically; False (and nothing written) if the folder cannot be written."""
    with cycle_collection_paused():
        entries = sorted(index.entries.items())
        columns = {"context": index.context, "files": [rel for rel, _ in entries],
                   "stamps": [n for _, entry in entries for n in entry.stamp],
                   "digests": [entry.digest for _, entry in entries],
                   "settled": "".join("1" if entry.settled else "0" for _, entry in entries),
                   "counted": "".join("1" if entry.counted else "0" for _, entry in entries)}
        body = b"\n".join([json.dumps(columns, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
                           *(b"null" if entry.row is None else entry.row for _, entry in entries)])
    if not write_stored(path, INDEX_FORMAT, code_fingerprint(), index.root, body):
        return False
    index.changes = 0
    return True


def stored_row(schema: s.Schema, values: dict) -> bytes:
    """A record's checked values as the index stores them (see above)."""
    return _json(_encode_values(schema, values))


def stored_sources(sources: dict[str, dict]) -> bytes:
    """The checked values of each source, by id, as the index stores them for sources.yaml."""
    return _json({source_id: _encode_values(s.SOURCE, values) for source_id, values in sources.items()})


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _encode_values(schema: s.Schema, values: dict) -> list:
    return [None if f.name not in values else _encode_value(f, values[f.name], schema) for f in schema.fields]


def _encode_value(f: s.Field, value: Any, schema: s.Schema) -> Any:
    if value == ():   # `[]` written for a field that allows nothing, whatever its type
        return []
    if f.type == s.REF_LIST:
        return [item for item, _key in value]
    if f.type == s.TEXT_LIST:
        return list(value)
    if f.type == s.DATE:
        return value.isoformat()
    if f.type == s.STEPS:
        return [_encode_values(schema.step_schema, step) for step, _key in value]
    return value


def _decode_values(schema: s.Schema, row: Any) -> dict:
    if not isinstance(row, list) or len(row) != len(schema.fields):
        raise Invalid
    return {f.name: _decode_value(f, raw, schema) for f, raw in zip(schema.fields, row) if raw is not None}


_NO_KEY = ()   # where a reference item stood in the file: only its own diagnostics need that


def _decode_value(f: s.Field, raw: Any, schema: s.Schema) -> Any:
    if raw == []:
        return ()
    kind = f.type
    if kind == s.REF_LIST:
        return tuple((item, _NO_KEY) for item in expect_strs(raw))
    if kind == s.TEXT_LIST:
        return tuple(expect_strs(raw))
    if kind == s.INTEGER:
        if type(raw) is not int:
            raise Invalid
        return raw
    if kind == s.DATE:
        try:
            return dt.date.fromisoformat(expect_str(raw))
        except ValueError:
            raise Invalid from None
    if kind == s.STEPS:
        if not isinstance(raw, list):
            raise Invalid
        return tuple((_decode_values(schema.step_schema, step), _NO_KEY) for step in raw)
    return expect_str(raw)
