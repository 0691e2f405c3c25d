"""``kb check --changed``: every diagnostic a full load gives a few files, reading afresh only those files.

What linking reads of a record is only its checked front matter values, never
its body, and its lines only for its own diagnostics. So a full ``kb check``
keeps those values for every record file in a :class:`~.linkindex.LinkIndex`,
and :func:`load_selected` links the selected files, with the linking's own
code, to the records of the index their diagnostics can depend on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from .. import schema as s
from ..collector import cycle_collection_paused
from ..diagnostics import Diagnostic
from ..linking import concept_term, counts, link_records
from ..load import Loaded, LoadResult, Sources, load_folder
from ..model import KnowledgeBase
from ..reading.bodypolicy.check import PageCheck
from ..reading.discover import (
    discover_records,
    displayed,
    other_pages,
    relative,
    root_display,
    shown_path,
)
from ..reading.facts import PendingRecord, read_file, read_record
from ..reading.frontmatter import FrontMatter
from ..reading.sources import SOURCES_FILE, load_sources
from ..reading.stamps import ReadState, content_hash
from .filecache import LoadCache
from .linkindex import (
    LinkIndex,
    field_items,
    index_of,
    sources_of,
    stored_row,
    stored_sources,
    values_of,
)


def load_and_index(content_dir: str | os.PathLike, cache: LoadCache) -> tuple[LoadResult, Callable[[], LinkIndex]]:
    """:func:`load` through ``cache``, and what makes the index of what each record offers the others (for
    :func:`load_selected` next time; worth making only to be written)."""
    with cycle_collection_paused():
        root = Path(content_dir)
        loaded = load_folder(root, cache)
        return loaded.result, partial(_index_of_load, root, loaded, cache)


def _index_of_load(root: Path, loaded: Loaded, cache: LoadCache) -> LinkIndex:
    with cycle_collection_paused():
        kb, pending = loaded.result.kb, loaded.pending
        files: dict[str, tuple[ReadState, bytes | None, bool]]
        files = {rel: (cache.state_of(rel), None, False) for rel in loaded.unusable}
        for kind, folder in s.RECORD_FOLDERS.items():
            in_kb = _in_kb(kb, kind)
            for rid, record in pending[kind].items():
                rel = f"{folder}/{rid}.md"
                files[rel] = (cache.state_of(rel), stored_row(s.SCHEMAS[kind], record.values), rid in in_kb)
        files[SOURCES_FILE] = (loaded.sources_read, _stored_sources(loaded.sources), False)
        return index_of(str(root.resolve()), _standing_context(kb, pending), files)


@dataclass
class SelectedLoad:
    """What :func:`load_selected` tells about some files of a content folder."""

    diagnostics: list[Diagnostic]   # all those of the files asked for, among others: filter them by file
    counts: dict[str, int]          # records of each kind the whole folder loads, as :func:`counts` gives


def load_selected(content_dir: str | os.PathLike, index: LinkIndex, selection: Iterable[Path]) -> SelectedLoad | None:
    """Every diagnostic a full :func:`load` gives the files and folders in ``selection`` (resolved paths),
    reading afresh only those files and the records whose entry in ``index`` no longer vouches for them.

    The selected files are linked, with the same code as a full load, to every concept, audience and
    path and to the articles they can reach (see ``_link_around``); the other articles are only names
    references may use, and the index says which of them the knowledge base holds. ``index`` is brought
    up to date. None when this cannot be done exactly (a record folder that is a link, a selection
    holding the whole folder) or would not pay (too many files to read afresh): then load everything, as
    when it raises InvalidIndex (a stored row turned out unusable).
    """
    with cycle_collection_paused():
        return _load_selected(Path(content_dir), index, selection)


# Front matter without locations: a record taken from the index reports nothing, so it needs none.
_NO_LOCATIONS = FrontMatter({}, {}, 1)


def _load_selected(root: Path, index: LinkIndex, selection: Iterable[Path]) -> SelectedLoad | None:
    real_root = root.resolve()
    chosen = _inside(real_root, selection)
    if chosen is None or not root.is_dir() or index.root != str(real_root) \
            or Path(root_display(str(root))).resolve() != real_root:
        return None
    diagnostics: list[Diagnostic] = []
    found = []
    for kind, folder in s.RECORD_FOLDERS.items():
        directory = root / folder
        if directory.is_dir() and directory.resolve() != real_root / folder:
            return None  # a linked folder: the names its files are shown by do not resolve to where they are
        selected: set[str] = set()   # links too: the name a link is shown by does not resolve to where it is
        names = discover_records(directory, real_root, root, diagnostics, selected)
        selected.update(names if folder in chosen else (name for name in names if f"{folder}/{name}" in chosen))
        found.append((kind, folder, directory, names, selected))
    # Reading a file afresh costs about a twentieth of what loading it from the full cache costs.
    budget = max(100, len(index) // 4)
    afresh = {f"{folder}/{name}" for _, folder, _, _, selected in found for name in selected}
    if len(afresh) > budget:
        return None
    fresh: dict[str, PendingRecord | None] = {}   # records read afresh (None: no usable front matter)
    rows: dict[str, bytes] = {}               # the stored values of the records the index vouches for
    pages: dict[str, PageCheck] = {}
    unreported: list[Diagnostic] = []         # those of files read again only for what they offer other files
    stale = 0                                 # files the index cannot vouch for
    scratch = LoadCache()
    scratch.begin(real_root)
    for kind, folder, directory, names, _ in found:
        prefix = f"{directory}/"
        for name in names:
            rel = f"{folder}/{name}"
            reported = rel in afresh
            if not reported:
                entry = index.vouched(rel, prefix + name)
                if entry is not None:
                    if entry.row is not None:
                        rows[rel] = entry.row
                    continue
                stale += 1
                if len(afresh) + stale > budget:
                    return None
            record = read_record(kind, directory / name, root, diagnostics if reported else unreported,
                                  pages if reported else {}, scratch)
            if record is not None:
                record.reported = reported
            fresh[rel] = record
            row = None if record is None else stored_row(s.SCHEMAS[kind], record.values)
            index.renew(rel, scratch.state_of(rel), row)
    index.keep_only({f"{folder}/{name}" for _, folder, _, names, _ in found for name in names} | {SOURCES_FILE})
    for file in other_pages(root, real_root, diagnostics):
        rel = relative(file, root)
        if _is_chosen(rel, chosen) or file.is_symlink():
            read_file(None, file, rel, root, shown_path(rel, root), diagnostics, pages, None)
    sources_file = root / SOURCES_FILE
    reported = _is_chosen(SOURCES_FILE, chosen)
    entry = None if reported or sources_file.is_symlink() else index.vouched(SOURCES_FILE, str(sources_file))
    if entry is None or entry.row is None:
        sources, read = load_sources(root, diagnostics if reported else unreported)
        index.renew(SOURCES_FILE, read, _stored_sources(sources))
    else:
        shown = displayed(sources_file, root)
        sources = {source_id: (values, _NO_LOCATIONS, shown) for source_id, values in sources_of(entry.row).items()}
    before_linking = len(diagnostics)
    found_counts = _link_around(root, index, fresh, rows, sources, diagnostics, every_article=False)
    if found_counts is None:
        del diagnostics[before_linking:]
        found_counts = _link_around(root, index, fresh, rows, sources, diagnostics, every_article=True)
        assert found_counts is not None  # linking every article renews the flags rather than giving up
    diagnostics.sort(key=Diagnostic.sort_key)
    return SelectedLoad(diagnostics, found_counts)


def _stored_sources(sources: Sources) -> bytes:
    return stored_sources({source_id: values for source_id, (values, _, _) in sources.items()})


def _link_around(root: Path, index: LinkIndex, fresh: dict[str, PendingRecord | None], rows: dict[str, bytes],
                 sources: dict, diagnostics: list[Diagnostic], every_article: bool) -> dict[str, int] | None:
    """Link the records read afresh to those of the index their diagnostics depend on; the counts of the whole
    folder, or None when the index's counted flags no longer hold (then link every article).

    A reported record's diagnostics depend on other records through the aliases (all concepts are
    linked), the ids of each kind (the unread articles' are passed on), prerequisite cycles (the articles
    its prerequisites lead to are linked), orphan concepts (the articles that name a reported concept)
    and a path's steps (the steps' articles and where their prerequisites lead). Whether an unread
    article is in the knowledge base depends only on its own values and on the context, which is checked.
    """
    pending: dict[str, dict[str, PendingRecord]] = {kind: {} for kind in s.RECORD_FOLDERS}
    kinds = {folder: kind for kind, folder in s.RECORD_FOLDERS.items()}

    def record_of(rel: str) -> PendingRecord | None:
        if rel in fresh:
            return fresh[rel]
        folder, _, name = rel.partition("/")
        kind = kinds[folder]
        return PendingRecord(kind, name[:-3], shown_path(rel, root), values_of(s.SCHEMAS[kind], rows[rel]), _NO_LOCATIONS,
                        reported=False)

    def add(rel: str) -> None:
        record = record_of(rel)
        if record is not None:
            pending[record.kind][record.id] = record

    articles = {rel for rel in [*fresh, *rows] if rel.startswith("articles/") and (rel in rows or fresh[rel])}
    for rel in [*fresh, *rows]:
        if not rel.startswith("articles/"):
            add(rel)
    if every_article:
        linked = articles
    else:
        linked = {rel for rel in articles if rel in fresh}
        steps = {f"articles/{step['article']}.md" for record in pending["path"].values()
                 for step, _ in record.values.get("steps", ()) if "article" in step}
        linked.update(steps & articles)
        # Every article that may be tagged with a reported concept, so that whether any is (KB401) holds.
        names = {concept_term(name) for record in pending["concept"].values() if record.reported
                 for name in [record.id, record.values.get("label", ""), *record.values.get("aliases", ())]} - {""}
        if names:
            linked.update(rel for rel in articles - linked
                          if any(concept_term(item) in names for item in field_items(rows[rel], s.ARTICLE, "concepts")))
        reach = list(linked)
        while reach:
            rel = reach.pop()
            record = fresh.get(rel)
            items = [item for item, _ in record.values.get("prerequisites", ())] if record else \
                field_items(rows[rel], s.ARTICLE, "prerequisites")
            for item in items:
                target = f"articles/{item}.md"
                if target in articles and target not in linked:
                    linked.add(target)
                    reach.append(target)
    for rel in sorted(linked):
        add(rel)
    unread = articles - linked
    kb = link_records(root, pending, sources, diagnostics, {rel[9:-3] for rel in unread})
    context = _standing_context(kb, pending)
    if context != index.context:
        if not every_article:
            return None
        index.context = context
        index.changes += len(index)   # every counted flag now answers to the new context
    for kind, folder in s.RECORD_FOLDERS.items():
        in_kb = _in_kb(kb, kind)
        for rid in pending[kind]:
            index.count(f"{folder}/{rid}.md", rid in in_kb)
    found = counts(kb)
    found["articles"] += sum(index.entries[rel].counted for rel in unread)
    return found


def _in_kb(kb: KnowledgeBase, kind: str) -> Mapping[str, object]:
    """The records of ``kind`` the knowledge base holds."""
    held: dict[str, Mapping[str, object]] = {"article": kb.articles, "concept": kb.concepts,
                                              "audience": kb.audiences, "path": kb.paths}
    return held[kind]


def _standing_context(kb: KnowledgeBase, pending: dict[str, dict[str, PendingRecord]]) -> str:
    """What decides whether an article is in the knowledge base besides its own values: which terms name a
    concept that loaded, and which audiences there are."""
    return content_hash(json.dumps([list(kb.aliases.items()), sorted(pending["audience"])]).encode())


def _inside(real_root: Path, selection: Iterable[Path]) -> set[str] | None:
    """The selected files and folders inside ``real_root``, relative to it; None if the selection holds it whole."""
    chosen = set()
    for path in selection:
        if real_root.is_relative_to(path):
            return None
        if path.is_relative_to(real_root):
            chosen.add(path.relative_to(real_root).as_posix())
    return chosen


def _is_chosen(rel: str, chosen: set[str]) -> bool:
    """Whether ``rel`` or a folder it is in is one of ``chosen``."""
    while rel not in chosen:
        rel, separator, _ = rel.rpartition("/")
        if not separator:
            return False
    return True
