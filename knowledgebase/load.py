"""Loading a content folder: every file read and checked on its own, then linked across the corpus.

:func:`load` never stops at the first problem and never raises on bad content:
a file that cannot be read becomes a diagnostic, a field that is wrong is
reported and left out, and whatever is sound is still loaded so that the rest
of the corpus can be checked against it. Reading one file is
:mod:`knowledgebase.reading`; linking, :mod:`knowledgebase.linking`. What a
load may take from an earlier one (a :class:`LoadMemory`) is
:mod:`knowledgebase.reuse`'s; the result is the same without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple, Protocol

from . import schema as s
from .collector import cycle_collection_paused
from .diagnostics import Diagnostic, make
from .linking import Linking, link_all
from .model import KnowledgeBase
from .reading.bodypolicy.check import PageCheck
from .reading.discover import discover_records, other_pages, relative, shown_path
from .reading.facts import FactsCache, PendingRecord, read_file, read_record
from .reading.frontmatter import FrontMatter
from .reading.sources import load_sources
from .reading.stamps import ReadState

Sources = dict[str, tuple[dict, FrontMatter, str]]   # each usable source's values, front matter and file as shown


class LoadMemory(FactsCache, Protocol):
    """What a load may take from the loads before it: the facts of unchanged files, and their linking."""

    linked: Linking | None

    def begin(self, real_root: Path) -> None: ...
    def finish(self) -> None: ...
    def relinked(self, root: Path, pending: dict[str, dict[str, PendingRecord]], sources: Sources) -> Linking | None: ...


@dataclass
class LoadResult:
    kb: KnowledgeBase
    diagnostics: list[Diagnostic]
    scanned: frozenset[str] = frozenset()   # files (relative to the content folder) whose body was checked
    pages: dict[str, PageCheck] = field(default_factory=dict)  # every page's body policy check, by relative path

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity.value == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity.value == "warning"]


def load(content_dir: str | os.PathLike, cache: LoadMemory | None = None) -> LoadResult:
    """Read, validate and cross-check every file of a content folder.

    With a ``cache``, files whose bytes have not changed since it last saw them
    are not read again; the result is the same as without it.
    """
    with cycle_collection_paused():
        return load_folder(Path(content_dir), cache).result


class Loaded(NamedTuple):
    result: LoadResult
    pending: dict[str, dict[str, PendingRecord]]   # the records read, by kind and id
    unusable: list[str]                        # record files read that hold no usable front matter
    sources: Sources
    sources_read: ReadState


def load_folder(root: Path, cache: LoadMemory | None) -> Loaded:
    diagnostics: list[Diagnostic] = []
    unusable: list[str] = []
    pending: dict[str, dict[str, PendingRecord]] = {kind: {} for kind in s.RECORD_FOLDERS}
    pages: dict[str, PageCheck] = {}
    if not root.is_dir():
        diagnostics.append(make("KB101", str(root), 1, f"the content folder `{root}` does not exist",
                                "pass the folder with --content, e.g. `--content content`"))
    else:
        real_root = root.resolve()
        if cache is not None:
            cache.begin(real_root)
        for kind, folder in s.RECORD_FOLDERS.items():
            directory = root / folder
            if directory.is_symlink():
                continue  # a linked folder is reported, and never followed, with the other folders
            for name in discover_records(directory, real_root, root, diagnostics):
                record = read_record(kind, directory / name, root, diagnostics, pages, cache)
                if record:
                    pending[kind][record.id] = record
                else:
                    unusable.append(f"{folder}/{name}")
        for file in other_pages(root, real_root, diagnostics):
            rel = relative(file, root)
            read_file(None, file, rel, root, shown_path(rel, root), diagnostics, pages, cache)
        if cache is not None:
            cache.finish()
    sources, sources_read = load_sources(root, diagnostics) if root.is_dir() else ({}, None)
    linked = cache.relinked(root, pending, sources) if cache is not None else None
    if linked is None:
        linked = link_all(root, pending, sources)
    if cache is not None:
        cache.linked = linked
    kb = linked.kb
    diagnostics.extend(linked.diagnostics)
    diagnostics.sort(key=Diagnostic.sort_key)
    scanned = frozenset(f"{s.RECORD_FOLDERS[kind]}/{rid}.md" for kind, records in pending.items() for rid in records)
    return Loaded(LoadResult(kb, diagnostics, scanned, pages), pending, unusable, sources, sources_read)
