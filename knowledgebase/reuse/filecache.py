"""What loading learns from each file on its own, kept between loads so that only changed files are read again.

The per-file phase of loading (read, body policy, front matter, body scan)
depends on nothing but the file's bytes and its place in the content folder,
so its result can be reused while those are unchanged. :class:`LoadCache`
holds these results in memory (``kb serve`` keeps one across rebuilds), with
the last load's linking; :mod:`.cachefile` keeps the facts on disk between
``kb check`` runs.

Why this is safe:

* A file is trusted unchanged only when its stamp matches what was recorded,
  and only once settled (:mod:`knowledgebase.reading.stamps`); otherwise its
  bytes are read and their hash must match.
* What is kept never names the file as diagnostics show it: the loader adds
  the name the user typed each time.
* A body policy check that looks at other files (a link to a file, an image)
  is never kept; it is done again on every load.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from ..linking import Linking
from ..load import Sources
from ..reading.facts import FileFacts, PendingRecord, Problem
from ..reading.stamps import Stamp, settled
from .relink import relink


class Entry(NamedTuple):
    """What is recorded of one file: the state of its bytes when read, and its facts."""

    stamp: Stamp | None
    digest: str
    settled: bool       # the stamp alone may vouch for the bytes
    facts: FileFacts


class LoadCache:
    """Per-file load results for one content folder, keyed by the file's path relative to it.

    ``load(root, cache)`` returns exactly what ``load(root)``
    returns; it only skips the per-file work of files whose bytes are
    unchanged. Keep one instance across loads of the same folder; a load of
    another folder empties it. Not thread-safe.
    """

    def __init__(self) -> None:
        self.root: str | None = None
        self._entries: dict[str, Entry] = {}
        self._checked: dict[str, tuple[FileFacts, dict, tuple[Problem, ...]]] = {}   # in memory only
        self._seen: set[str] = set()
        self.changes = 0    # entries added, replaced or dropped since the cache was read or saved
        # The last load's linking of the whole corpus, in memory only: the next load is linked from it
        # when only articles changed (see relink).
        self.linked: Linking | None = None

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
        updated = Entry(stamp, digest, settled(stamp, read_at_ns), entry.facts)
        if updated != entry:
            self._entries[rel] = updated
            self.changes += 1
        return entry.facts

    def store(self, rel: str, stamp: Stamp | None, digest: str, read_at_ns: int, facts: FileFacts) -> None:
        self._entries[rel] = Entry(stamp, digest, settled(stamp, read_at_ns), facts)
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

    def relinked(self, root: Path, pending: dict[str, dict[str, PendingRecord]], sources: Sources) -> Linking | None:
        """The last load's linking made to fit ``pending``, or None when it cannot be (see :func:`relink`)."""
        return relink(self.linked, root, pending, sources) if self.linked is not None else None

    @property
    def entries(self) -> dict[str, Entry]:
        """Each file's recorded state and facts, by path relative to the content folder."""
        return self._entries

    def restore(self, real_root: Path, entries: dict[str, Entry]) -> None:
        """Take the ``entries`` a cache file held for ``real_root``."""
        self.root = str(real_root)
        self._entries = entries

    def saved(self) -> None:
        """What is recorded is now what is on disk."""
        self.changes = 0
