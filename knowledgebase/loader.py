"""Load a content folder into a :class:`KnowledgeBase` and every diagnostic about it.

Loading never stops at the first problem and never raises on bad content: a
file that cannot be read becomes a diagnostic, a field that is wrong is
reported and left out, and whatever is sound is still loaded so that the rest
of the corpus can be checked against it.
"""

from __future__ import annotations

import json
import os
import posixpath
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple

from . import schema as s
from .bodypolicy import PageCheck, check_page
from .cache import FileFacts, LoadCache, Stamp, content_hash, cycle_collection_paused, settled, stamp_of
from .diagnostics import Diagnostic, make
from .frontmatter import FrontMatter, parse_yaml, split
from .linkindex import LinkIndex, ReadState, field_items, index_of, sources_of, stored_row, stored_sources, values_of
from .model import (
    Article,
    Audience,
    Concept,
    KnowledgeBase,
    ReadingPath,
    Reference,
    Source,
    Step,
)
from .references import scan_body
from .sitepages import generated_page_named
from .suggest import did_you_mean
from .validate import FieldChecker

MAX_FILE_BYTES = 512 * 1024
FOLDERS = s.RECORD_FOLDERS
SOURCES_FILE = "sources.yaml"


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


@dataclass
class _Pending:
    """A record whose own fields are checked, waiting for its references to be resolved."""

    kind: str
    id: str
    path: str
    values: dict[str, Any]
    fm: FrontMatter
    references: list[Reference] = field(default_factory=list)
    word_count: int = 0
    # False for a record read only for what it offers other records (see load_selected): its own
    # diagnostics are not asked for, and it has no locations to give them.
    reported: bool = True


def load(content_dir: str | os.PathLike, cache: LoadCache | None = None) -> LoadResult:
    """Read, validate and cross-check every file of a content folder.

    With a ``cache``, files whose bytes have not changed since it last saw them
    are not read again; the result is the same as without it.
    """
    with cycle_collection_paused():
        return _load(Path(content_dir), cache).result


def load_and_index(content_dir: str | os.PathLike, cache: LoadCache) -> tuple[LoadResult, Callable[[], LinkIndex]]:
    """:func:`load` through ``cache``, and what makes the index of what each record offers the others (for
    :func:`load_selected` next time; worth making only to be written)."""
    with cycle_collection_paused():
        root = Path(content_dir)
        loaded = _load(root, cache)
        return loaded.result, partial(_index_of_load, root, loaded, cache)


def _index_of_load(root: Path, loaded: _Loaded, cache: LoadCache) -> LinkIndex:
    with cycle_collection_paused():
        kb, pending = loaded.result.kb, loaded.pending
        files = {rel: (cache.state_of(rel), None, False) for rel in loaded.unusable}
        for kind, folder in FOLDERS.items():
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
            or Path(_root_display(str(root))).resolve() != real_root:
        return None
    diagnostics: list[Diagnostic] = []
    found = []
    for kind, folder in FOLDERS.items():
        directory = root / folder
        if directory.is_dir() and directory.resolve() != real_root / folder:
            return None  # a linked folder: the names its files are shown by do not resolve to where they are
        selected: set[str] = set()   # links too: the name a link is shown by does not resolve to where it is
        names = _discover(directory, real_root, root, diagnostics, selected)
        selected.update(names if folder in chosen else (name for name in names if f"{folder}/{name}" in chosen))
        found.append((kind, folder, directory, names, selected))
    # Reading a file afresh costs about a twentieth of what loading it from the full cache costs.
    budget = max(100, len(index) // 4)
    afresh = {f"{folder}/{name}" for _, folder, _, _, selected in found for name in selected}
    if len(afresh) > budget:
        return None
    fresh: dict[str, _Pending | None] = {}   # records read afresh (None: no usable front matter)
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
            record = _read_record(kind, directory / name, root, diagnostics if reported else unreported,
                                  pages if reported else {}, scratch)
            if record is not None:
                record.reported = reported
            fresh[rel] = record
            row = None if record is None else stored_row(s.SCHEMAS[kind], record.values)
            index.renew(rel, scratch.state_of(rel), row)
    index.keep_only({f"{folder}/{name}" for _, folder, _, names, _ in found for name in names} | {SOURCES_FILE})
    for file in _other_pages(root, real_root, diagnostics):
        rel = _rel(file, root)
        if _is_chosen(rel, chosen) or file.is_symlink():
            _read_file(None, file, rel, root, _shown(rel, root), diagnostics, pages, None)
    sources_file = root / SOURCES_FILE
    reported = _is_chosen(SOURCES_FILE, chosen)
    entry = None if reported or sources_file.is_symlink() else index.vouched(SOURCES_FILE, str(sources_file))
    if entry is None or entry.row is None:
        sources, read = _load_sources(root, diagnostics if reported else unreported)
        index.renew(SOURCES_FILE, read, _stored_sources(sources))
    else:
        shown = _display(sources_file, root)
        sources = {source_id: (values, _NO_LOCATIONS, shown) for source_id, values in sources_of(entry.row).items()}
    before_linking = len(diagnostics)
    found_counts = _link_around(root, index, fresh, rows, sources, diagnostics, every_article=False)
    if found_counts is None:
        del diagnostics[before_linking:]
        found_counts = _link_around(root, index, fresh, rows, sources, diagnostics, every_article=True)
    diagnostics.sort(key=Diagnostic.sort_key)
    return SelectedLoad(diagnostics, found_counts)


def _stored_sources(sources: dict[str, tuple[dict, FrontMatter, str]]) -> bytes:
    return stored_sources({source_id: values for source_id, (values, _, _) in sources.items()})


def _link_around(root: Path, index: LinkIndex, fresh: dict[str, _Pending | None], rows: dict[str, bytes],
                 sources: dict, diagnostics: list[Diagnostic], every_article: bool) -> dict[str, int] | None:
    """Link the records read afresh to those of the index their diagnostics depend on; the counts of the whole
    folder, or None when the index's counted flags no longer hold (then link every article).

    A reported record's diagnostics depend on other records through the aliases (all concepts are
    linked), the ids of each kind (the unread articles' are passed on), prerequisite cycles (the articles
    its prerequisites lead to are linked), orphan concepts (the articles that name a reported concept)
    and a path's steps (the steps' articles and where their prerequisites lead). Whether an unread
    article is in the knowledge base depends only on its own values and on the context, which is checked.
    """
    pending: dict[str, dict[str, _Pending]] = {kind: {} for kind in FOLDERS}
    kinds = {folder: kind for kind, folder in FOLDERS.items()}

    def record_of(rel: str) -> _Pending | None:
        if rel in fresh:
            return fresh[rel]
        folder, _, name = rel.partition("/")
        kind = kinds[folder]
        return _Pending(kind, name[:-3], _shown(rel, root), values_of(s.SCHEMAS[kind], rows[rel]), _NO_LOCATIONS,
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
        names = {_term(name) for record in pending["concept"].values() if record.reported
                 for name in [record.id, record.values.get("label", ""), *record.values.get("aliases", ())]} - {""}
        if names:
            linked.update(rel for rel in articles - linked
                          if any(_term(item) in names for item in field_items(rows[rel], s.ARTICLE, "concepts")))
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
    kb = _link(root, pending, sources, diagnostics, {rel[9:-3] for rel in unread})
    context = _standing_context(kb, pending)
    if context != index.context:
        if not every_article:
            return None
        index.context = context
        index.changes += len(index)   # every counted flag now answers to the new context
    for kind, folder in FOLDERS.items():
        in_kb = _in_kb(kb, kind)
        for rid in pending[kind]:
            index.count(f"{folder}/{rid}.md", rid in in_kb)
    found = counts(kb)
    found["articles"] += sum(index.entries[rel].counted for rel in unread)
    return found


def _in_kb(kb: KnowledgeBase, kind: str) -> dict:
    """The records of ``kind`` the knowledge base holds."""
    return {"article": kb.articles, "concept": kb.concepts, "audience": kb.audiences, "path": kb.paths}[kind]


def _standing_context(kb: KnowledgeBase, pending: dict[str, dict[str, _Pending]]) -> str:
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


def counts(kb: KnowledgeBase) -> dict[str, int]:
    """How many records of each kind a knowledge base holds."""
    return {"articles": len(kb.articles), "concepts": len(kb.concepts), "paths": len(kb.paths),
            "sources": len(kb.sources), "audiences": len(kb.audiences)}


class _Loaded(NamedTuple):
    result: LoadResult
    pending: dict[str, dict[str, _Pending]]   # the records read, by kind and id
    unusable: list[str]                        # record files read that hold no usable front matter
    sources: dict[str, tuple[dict, FrontMatter, str]]
    sources_read: ReadState


def _load(root: Path, cache: LoadCache | None) -> _Loaded:
    diagnostics: list[Diagnostic] = []
    unusable: list[str] = []
    pending: dict[str, dict[str, _Pending]] = {kind: {} for kind in FOLDERS}
    pages: dict[str, PageCheck] = {}
    if not root.is_dir():
        diagnostics.append(make("KB101", str(root), 1, f"the content folder `{root}` does not exist",
                                "pass the folder with --content, e.g. `--content content`"))
    else:
        real_root = root.resolve()
        if cache is not None:
            cache.begin(real_root)
        for kind, folder in FOLDERS.items():
            directory = root / folder
            if directory.is_symlink():
                continue  # a linked folder is reported, and never followed, with the other folders
            for name in _discover(directory, real_root, root, diagnostics):
                record = _read_record(kind, directory / name, root, diagnostics, pages, cache)
                if record:
                    pending[kind][record.id] = record
                else:
                    unusable.append(f"{folder}/{name}")
        for file in _other_pages(root, real_root, diagnostics):
            rel = _rel(file, root)
            _read_file(None, file, rel, root, _shown(rel, root), diagnostics, pages, cache)
        if cache is not None:
            cache.finish()
    sources, sources_read = _load_sources(root, diagnostics) if root.is_dir() else ({}, None)
    linked = _relink(cache.linked, root, pending, sources) if cache is not None and cache.linked is not None else None
    if linked is None:
        linked = _link_all(root, pending, sources)
    if cache is not None:
        cache.linked = linked
    kb = linked.kb
    diagnostics.extend(linked.diagnostics)
    diagnostics.sort(key=Diagnostic.sort_key)
    scanned = frozenset(f"{FOLDERS[kind]}/{rid}.md" for kind, records in pending.items() for rid in records)
    return _Loaded(LoadResult(kb, diagnostics, scanned, pages), pending, unusable, sources, sources_read)


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def _display(path: Path, root: Path) -> str:
    """How a file is named in diagnostics: as the user would type it from where they stand."""
    try:
        return posixpath.join(_root_display(str(root)), path.relative_to(root).as_posix())
    except ValueError:
        return os.path.relpath(path)


# The same few hundred concept names are written thousands of times across a corpus.
_term = lru_cache(maxsize=4096)(s.normalise_term)


@lru_cache(maxsize=8)
def _root_display(root: str) -> str:
    return Path(os.path.relpath(root)).as_posix()


def _shown(rel: str, root: Path) -> str:
    """`_display` of the file ``rel`` (relative to ``root``), without touching the file system."""
    return _root_prefix(str(root)) + rel


@lru_cache(maxsize=8)
def _root_prefix(root: str) -> str:
    return posixpath.join(_root_display(root), "")


def _discover(folder: Path, real_root: Path, root: Path, diagnostics: list[Diagnostic],
              links: set[str] | None = None) -> list[str]:
    """The names of the files of a record folder that may be records; those that are links also go into ``links``."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    with os.scandir(folder) as listing:
        entries = sorted((entry for entry in listing if entry.name.endswith(".md")), key=lambda entry: entry.name)
    slug_stems = {entry.name[:-3] for entry in entries if s.SLUG.match(entry.name[:-3])}
    folder_inside = folder.resolve().is_relative_to(real_root)
    for entry in entries:
        name = entry.name
        linked = entry.is_symlink()
        # Only a link (or a linked folder) can lead outside; resolving every file would cost a syscall each.
        if (not folder_inside or linked) and not (folder / name).resolve().is_relative_to(real_root):
            diagnostics.append(make("KB013", _shown(f"{folder.name}/{name}", root), 1,
                                    "this file is a link to a place outside the content folder",
                                    "replace the link with a real file inside content/"))
            continue
        if not entry.is_file():
            continue
        stem = name[:-3]
        if stem != stem.lower() and stem.lower() in slug_stems:
            diagnostics.append(make("KB012", _shown(f"{folder.name}/{name}", root), 1,
                                    f"`{name}` differs from `{stem.lower()}.md` only in case",
                                    "keep one of them; ids are lower case"))
            continue
        if stem not in slug_stems:
            diagnostics.append(make("KB011", _shown(f"{folder.name}/{name}", root), 1,
                                    f"`{name}` is not a valid file name for an id",
                                    f"rename it to `{s.slugify(stem) or 'my-id'}.md`"))
            continue
        found.append(name)
        if linked and links is not None:
            links.add(name)
    return found


def read_text(file: Path, shown: str, diagnostics: list[Diagnostic]) -> str | None:
    """Read a content file as text: UTF-8, BOM and CRLF tolerated, size bounded."""
    data = _read_bytes(file, shown, diagnostics)
    return None if data is None else _decode(data, shown, diagnostics)


def _read_bytes(file: Path, shown: str, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        # A bare descriptor: every file of the corpus is read, and a buffered file object costs as much again.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(descriptor).st_size
            if size > MAX_FILE_BYTES:
                diagnostics.append(make("KB002", shown, 1, f"the file is {size // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB",
                                        "split it into several articles"))
                return None
            chunks = []
            while chunk := os.read(descriptor, size + 1):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(descriptor)
    except OSError as error:
        diagnostics.append(make("KB001", shown, 1, f"the file cannot be read: {error.strerror}", "check its permissions"))
        return None


def _decode(data: bytes, shown: str, diagnostics: list[Diagnostic]) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):  # a byte order mark is tolerated
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.append(make("KB001", shown, line, f"byte 0x{data[error.start]:02x} is not valid UTF-8",
                                "save the file as UTF-8"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _other_pages(root: Path, real_root: Path, diagnostics: list[Diagnostic]) -> list[Path]:
    """Every other Markdown file Sphinx would publish: the home page, list pages, and any in other folders."""
    found = []
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != "_build")
        for name in [d for d in subfolders if (here / d).is_symlink()]:
            # A linked folder may lead anywhere, or back into the content folder without end.
            diagnostics.append(make("KB016", _display(here / name, root), 1, "this folder is a link; the site never "
                                    "follows a linked folder, so nothing in it is checked or published",
                                    "replace the link with a real folder holding the files"))
            subfolders.remove(name)
        in_records = here != root and here.parent == root and here.name in FOLDERS.values()
        for name in sorted(files):
            if not name.endswith(".md") or name.startswith(".") or in_records or (here == root and name == "README.md"):
                continue
            file = here / name
            if not file.resolve().is_relative_to(real_root):
                diagnostics.append(make("KB013", _display(file, root), 1, "this file is a link to a place outside "
                                        "the content folder", "replace the link with a real file inside content/"))
                continue
            generated = generated_page_named(_rel(file, root)[:-3])
            if generated is not None:
                diagnostics.append(make("KB017", _display(file, root), 1, f"the site publishes {generated} under "
                                        "this name, which would replace this page", "rename the file"))
                continue
            found.append(file)
    return found


def _read_file(kind: str | None, file: Path, rel: str, root: Path, shown: str, diagnostics: list[Diagnostic],
               pages: dict[str, PageCheck], cache: LoadCache | None) -> FileFacts | None:
    """The facts of one file (a record of ``kind``, or another page when None), its diagnostics reported."""
    text = None
    if cache is None:
        text = read_text(file, shown, diagnostics)
        if text is None:
            return None
        facts = _examine(kind, text, file, rel, root)
    else:
        try:
            stamp = stamp_of(file.stat())
        except OSError:
            stamp = None
        facts = cache.by_stamp(rel, stamp)
        if facts is None:
            read_at = time.time_ns()
            data = _read_bytes(file, shown, diagnostics)
            if data is None:
                return None
            digest = content_hash(data)
            facts = cache.by_digest(rel, digest, stamp, read_at)
            if facts is None:
                text = _decode(data, shown, diagnostics)
                if text is None:
                    return None
                facts = _examine(kind, text, file, rel, root)
                cache.store(rel, stamp, digest, read_at, facts)
    page = facts.page
    if page is None:  # the policy looked at other files: check again
        text = text if text is not None else read_text(file, shown, diagnostics)
        if text is None:
            return None
        page = check_page(text, file, root)
    pages[rel] = page
    diagnostics.extend(make(r.code, shown, r.line, r.message, r.hint) for r in page.findings)
    diagnostics.extend(make(code, shown, line, message, hint) for code, line, message, hint in facts.problems)
    return facts


def _examine(kind: str | None, text: str, file: Path, rel: str, root: Path) -> FileFacts:
    """What a file's text says on its own: body policy and, for a record, front matter and body references."""
    page = check_page(text, file, root)
    cached_page = None if page.reads_files else page
    if kind is None:
        return FileFacts(cached_page)
    parts, problems = split(text, rel)
    problem_rows = tuple((d.code, d.line, d.message, d.hint) for d in problems)
    if parts is None or parts.front_matter is None:
        return FileFacts(cached_page, problem_rows)
    references, words, placeholders = scan_body(parts.body, parts.body_line, rel)
    return FileFacts(cached_page, problem_rows, parts.front_matter, tuple(references), words, tuple(placeholders))


def _read_record(kind: str, file: Path, root: Path, diagnostics: list[Diagnostic],
                 pages: dict[str, PageCheck], cache: LoadCache | None) -> _Pending | None:
    rel = f"{FOLDERS[kind]}/{file.name}"
    shown = _shown(rel, root)
    facts = _read_file(kind, file, rel, root, shown, diagnostics, pages, cache)
    if facts is None or facts.front_matter is None:
        return None
    checked = cache.field_check(rel, facts) if cache is not None else None
    if checked is None:
        checker = FieldChecker(shown, facts.front_matter)
        values = checker.check(s.SCHEMAS[kind], facts.front_matter.data)
        problems = tuple((d.code, d.line, d.message, d.hint) for d in checker.diagnostics)
        if cache is not None:
            cache.keep_field_check(rel, facts, values, problems)
    else:
        values, problems = checked
    diagnostics.extend(make(code, shown, line, message, hint) for code, line, message, hint in problems)
    for line in facts.placeholders:
        diagnostics.append(make("KB304", shown, line, "the text still holds a `TODO(...)` marker from the template",
                                "replace the marked text with your own"))
    return _Pending(kind, file.stem, shown, values, facts.front_matter, list(facts.references), facts.words)


def _load_sources(root: Path, diagnostics: list[Diagnostic]) -> tuple[dict[str, tuple[dict, FrontMatter, str]], ReadState]:
    """Every usable source of sources.yaml, by id, with its front matter and the file's name as shown; and the
    state of the bytes they were read from (None if there were none, or the file's stamp could not be had)."""
    file = root / SOURCES_FILE
    if not file.is_file():
        return {}, None
    shown = _display(file, root)
    if not file.resolve().is_relative_to(root.resolve()):
        diagnostics.append(make("KB013", shown, 1, "sources.yaml is a link to a place outside the content folder",
                                "replace the link with a real file inside content/"))
        return {}, None
    try:
        stamp: Stamp | None = stamp_of(file.stat())
    except OSError:
        stamp = None
    read_at = time.time_ns()
    data = _read_bytes(file, shown, diagnostics)
    if data is None:
        return {}, None
    read = None if stamp is None else (stamp, content_hash(data), settled(stamp, read_at))
    text = _decode(data, shown, diagnostics)
    if text is None:
        return {}, read
    fm, problems = parse_yaml(text, shown)
    diagnostics.extend(problems)
    if fm is None:
        return {}, read
    if not isinstance(fm.data, dict):
        diagnostics.append(make("KB009", shown, 1, "sources.yaml should map each source id to its fields",
                                "write `my-source-id:` and indent the fields below it"))
        return {}, read
    sources = {}
    for source_id, fields in fm.data.items():
        source_id = str(source_id)
        if not s.SLUG.match(source_id):
            diagnostics.append(make("KB114", shown, fm.line(source_id), f"`{source_id}` is not a valid source id",
                                    f"use e.g. `{s.slugify(source_id) or 'author-year'}`"))
            continue
        if not isinstance(fields, dict):
            diagnostics.append(make("KB104", shown, fm.line(source_id), f"source `{source_id}` should be a mapping of fields",
                                    "indent `title:` and the other fields below the id"))
            continue
        checker = FieldChecker(shown, fm)
        values = checker.check(s.SOURCE, fields, prefix=(source_id,))
        diagnostics.extend(checker.diagnostics)
        if "title" in values:
            sources[source_id] = (values, fm, shown)
    return sources, read


class _Linker:
    """Resolves references between records and builds the final, typed knowledge base."""

    def __init__(self, pending: dict[str, dict[str, _Pending]], source_ids: set[str], diagnostics: list[Diagnostic],
                 unread_articles: set[str]):
        self.pending = pending
        self.diagnostics = diagnostics
        self.aliases = self._alias_index()
        self.ids = {
            "concept": set(pending["concept"]),
            "audience": set(pending["audience"]),
            "article": set(pending["article"]) | unread_articles,
            "path": set(pending["path"]),
            "source": source_ids,
        }

    def _alias_index(self) -> dict[str, str]:
        index: dict[str, str] = {cid: cid for cid in self.pending["concept"]}
        owners: dict[str, str] = dict(index)
        for cid, record in sorted(self.pending["concept"].items()):
            names = [("label", record.values.get("label"), ("label",))]
            names += [("alias", alias, ("aliases", i)) for i, alias in enumerate(record.values.get("aliases", ()))]
            for what, name, key in names:
                if not name:
                    continue
                term = _term(name)
                if not term:
                    continue
                owner = owners.get(term)
                if owner is not None and owner != cid:
                    if what == "alias" and record.reported:
                        self.diagnostics.append(make("KB113", record.path, record.fm.line(*key),
                                                     f"the alias `{name}` already names the concept `{owner}`",
                                                     "remove it or make it specific to this concept"))
                    continue
                owners[term] = cid
                index[term] = cid
        return index

    def resolve(self, record: _Pending, refers_to: str, item: str, key: tuple, field_name: str) -> str | None:
        """The id ``item`` names, or None after reporting why it names nothing."""
        if refers_to == "concept":
            found = self.aliases.get(_term(item))
            if found:
                return found
        elif item in self.ids[refers_to]:
            return item
        if not record.reported:  # its hint, a search of every id, would be the dearest part of linking
            return None
        if refers_to == "concept":
            self.error("KB102", record, key, f"unknown concept `{item}` in `{field_name}`",
                       did_you_mean(_term(item), self.aliases, "run `kb concepts` to list the vocabulary"))
            return None
        code = {"audience": "KB107", "source": "KB109", "article": "KB110", "path": "KB119"}[refers_to]
        folder = "content/sources.yaml" if refers_to == "source" else f"content/{FOLDERS[refers_to]}/"
        self.error(code, record, key, f"unknown {refers_to} `{item}` in `{field_name}`",
                   did_you_mean(item, self.ids[refers_to], f"no such id in {folder}"))
        return None

    def error(self, code: str, record: _Pending, key: tuple, message: str, hint: str) -> None:
        if record.reported:
            self.diagnostics.append(make(code, record.path, record.fm.line(*key), message, hint))

    def references(self, record: _Pending, values: dict, schema: s.Schema) -> dict:
        """Resolve every reference field of ``values``; duplicates after aliasing are reported."""
        resolved = dict(values)
        for f in schema.fields:
            if f.refers_to is None or f.name not in values or f.type != s.REF_LIST:
                continue
            ids: list[str] = []
            for item, key in values[f.name]:
                target = self.resolve(record, f.refers_to, item, key, f.name)
                if target is None:
                    continue
                if target in ids:
                    self.error("KB116", record, key, f"`{item}` names `{target}`, which `{f.name}` already lists",
                               "keep one of them")
                    continue
                if target == record.id and f.refers_to == record.kind:
                    self.error("KB122", record, key, f"`{record.id}` lists itself in `{f.name}`", "remove it")
                    continue
                ids.append(target)
            resolved[f.name] = tuple(ids)
        return resolved

    def body_references(self, record: _Pending) -> list[Reference]:
        valid = []
        for ref in record.references:
            target = ref.target
            if ref.kind == "concept":
                known = _term(target) in self.aliases
                candidates = self.aliases
            else:
                known = target in self.ids[ref.kind]
                candidates = self.ids[ref.kind]
            if known:
                valid.append(ref)
                continue
            code = {"article": "KB110", "concept": "KB102", "source": "KB109", "path": "KB119"}[ref.kind]
            self.diagnostics.append(make(code, record.path, ref.line, f"unknown {ref.kind} `{target}` in a link",
                                         did_you_mean(target, candidates, f"no {ref.kind} has that id")))
        return valid

    def article(self, record: _Pending, root: Path) -> tuple[Article | None, list[Diagnostic]]:
        """The article ``record`` makes before records that failed to load are dropped from it (None
        when it lacks what an article needs), and the diagnostics linking it gave."""
        reporting, self.diagnostics = self.diagnostics, []
        try:
            values = self.references(record, record.values, s.ARTICLE)
            refs = self.body_references(record)
            if values.get("kind") == "research-summary" and not values.get("sources"):
                self.error("KB117", record, ("kind",), "a research summary must cite at least one source",
                           "add `sources: [...]` with ids from content/sources.yaml")
            if not _has_required(record, s.ARTICLE) or not values.get("concepts") or not values.get("audience"):
                return None, self.diagnostics
            aid = record.id
            links = tuple(sorted({r.target for r in refs if r.kind == "article" and r.target != aid}))
            return Article(
                id=aid, path=_rel_path(record, root), title=values["title"], summary=values["summary"],
                concepts=values["concepts"], audience=values["audience"], kind=values["kind"],
                sources=values.get("sources", ()), prerequisites=values.get("prerequisites", ()),
                questions=values.get("questions", ()), updated=values.get("updated"),
                word_count=record.word_count, links=links, references=tuple(refs)), self.diagnostics
        finally:
            self.diagnostics = reporting


@dataclass
class _Linked:
    """One linking of a whole corpus: what it was made from, the knowledge base and the diagnostics it gave.

    A long-lived cache keeps the last one (``LoadCache.linked``), so that the next load can be linked
    from it when only articles changed (:func:`_relink`). The diagnostics are kept in three parts: each
    article's own, the checks across the corpus that articles can change, and the rest."""

    pending: dict[str, dict[str, _Pending]]
    sources: dict[str, tuple]   # what linking reads of each source (see _sources_read)
    kb: KnowledgeBase
    linker: _Linker
    linked_articles: dict[str, Article | None]   # each article as linked, before records that failed to load are dropped
    article_problems: dict[str, list[Diagnostic]]   # by article id
    corpus_checks: list[Diagnostic]   # see _corpus_checks
    other_problems: list[Diagnostic]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [*self.other_problems, *(d for problems in self.article_problems.values() for d in problems),
                *self.corpus_checks]


def _sources_read(raw_sources: dict) -> dict[str, tuple]:
    """What linking reads of each source: its values, the file's name as shown, and its line."""
    return {sid: (values, shown, fm.line(sid)) for sid, (values, fm, shown) in raw_sources.items()}


def _relink(last: _Linked, root: Path, pending: dict[str, dict[str, _Pending]], raw_sources: dict) -> _Linked | None:
    """The linking of ``pending`` made from the ``last`` one, or None when it must be done afresh.

    Every record is linked against every record's id and every concept's names, and only the
    concepts' front matter sets names. So when every source, concept, audience and path is what it
    was, the same articles exist, and each edited article still loads (or still does not), the
    last linking holds for everything but those articles: they are linked again, with the same
    code as a full linking, and so are the checks across the corpus that an article can change
    (prerequisite cycles, concepts no article is tagged with, the rules of reading paths). The
    result is what linking afresh gives (a property test holds the two equal).
    """
    sources = _sources_read(raw_sources)
    if sources != last.sources:
        return None
    changed: list[_Pending] = []
    for kind, records in pending.items():
        before = last.pending[kind]
        if records.keys() != before.keys():
            return None
        for rid, record in records.items():
            old = before[rid]
            if record.fm is old.fm and record.path == old.path:
                continue   # the same file's facts: the same values, references and words
            if kind != "article" or record.path != old.path:
                return None
            changed.append(record)
    kb = last.kb
    if not changed:
        kb = kb if kb.root == str(root) else replace(kb, root=str(root))
        return replace(last, pending=pending, sources=sources, kb=kb)
    linked_articles = dict(last.linked_articles)
    article_problems = dict(last.article_problems)
    articles = dict(kb.articles)
    for record in changed:
        article, problems = last.linker.article(record, root)
        kept = _tags_kept(article, kb.concepts) if article is not None else None
        if (article is None) != (linked_articles[record.id] is None) or (kept is None) != (record.id not in articles):
            return None   # it started or stopped loading: paths and other articles may change with it
        linked_articles[record.id] = article
        article_problems[record.id] = problems
        if kept is not None:
            articles[record.id] = _references_kept(kept, articles)
    kb = replace(kb, root=str(root), articles=articles)
    return _Linked(pending, sources, kb, last.linker, linked_articles, article_problems,
                   _corpus_checks(pending, linked_articles, kb), last.other_problems)


def _link(root: Path, pending: dict[str, dict[str, _Pending]], raw_sources: dict, diagnostics: list[Diagnostic],
          unread: set[str] = frozenset()) -> KnowledgeBase:
    """Resolve the references between ``pending`` records and make the knowledge base of those that load.

    ``unread`` names articles left out of ``pending`` (see ``_link_around``): references to them resolve,
    but they are not in the knowledge base.
    """
    linked = _link_all(root, pending, raw_sources, unread)
    diagnostics.extend(linked.diagnostics)
    return linked.kb


def _link_all(root: Path, pending: dict[str, dict[str, _Pending]], raw_sources: dict,
              unread: set[str] = frozenset()) -> _Linked:
    other_problems: list[Diagnostic] = []
    linker = _Linker(pending, set(raw_sources), other_problems, unread)

    sources = {}
    for sid, (values, fm, shown) in sorted(raw_sources.items()):
        sources[sid] = Source(id=sid, line=fm.line(sid), title=values["title"], subtitle=values.get("subtitle"),
                              authors=values.get("authors", ()), year=values.get("year"),
                              publisher=values.get("publisher"), published_in=values.get("published_in"),
                              kind=values.get("kind"),
                              url=values.get("url"), note=values.get("note"))

    audiences = {}
    for aid, record in sorted(pending["audience"].items()):
        linker.body_references(record)
        if _has_required(record, s.AUDIENCE):
            audiences[aid] = Audience(aid, _rel_path(record, root), record.values["label"], record.values["description"])

    concepts = {}
    for cid, record in sorted(pending["concept"].items()):
        values = linker.references(record, record.values, s.CONCEPT)
        refs = linker.body_references(record)
        if _has_required(record, s.CONCEPT):
            concepts[cid] = Concept(cid, _rel_path(record, root), values["label"], values["definition"],
                                    aliases=values.get("aliases", ()), broader=values.get("broader", ()),
                                    related=values.get("related", ()), references=tuple(refs))
    _report_cycles(pending["concept"], {c.id: c.broader for c in concepts.values()}, "KB120", "broader",
                   other_problems, "is narrower than")

    linked_articles: dict[str, Article | None] = {}
    article_problems: dict[str, list[Diagnostic]] = {}
    for aid, record in sorted(pending["article"].items()):
        linked_articles[aid], problems = linker.article(record, root)
        if problems:
            article_problems[aid] = problems
    articles = {aid: a for aid, a in linked_articles.items() if a is not None}

    paths = {}
    for pid, record in sorted(pending["path"].items()):
        values = linker.references(record, record.values, s.PATH)
        linker.body_references(record)
        steps = []
        for step_values, key in values.get("steps", ()):
            if not {"article", "minutes", "when"} <= step_values.keys():
                continue
            if linker.resolve(record, "article", step_values["article"], key + ("article",), "steps") is None:
                continue
            if step_values["article"] not in articles:  # the article's own file has errors, reported there
                continue
            steps.append(Step(step_values["article"], step_values["minutes"], step_values["when"],
                              step_values.get("prompt"), step_values.get("facilitator")))
        if _has_required(record, s.PATH) and steps:
            paths[pid] = ReadingPath(pid, _rel_path(record, root), values["title"], values["summary"],
                                     values["audience"], values["duration"], values.get("outcomes", ()), tuple(steps))

    articles, concepts = _without_dangling(articles, concepts)
    kb = KnowledgeBase(root=str(root), articles=articles, concepts=concepts, audiences=audiences,
                       sources=sources, paths=paths,
                       aliases={term: cid for term, cid in sorted(linker.aliases.items()) if cid in concepts})
    return _Linked(pending, _sources_read(raw_sources), kb, linker, linked_articles, article_problems,
                   _corpus_checks(pending, linked_articles, kb), other_problems)


def _corpus_checks(pending: dict[str, dict[str, _Pending]], linked_articles: dict[str, Article | None],
                   kb: KnowledgeBase) -> list[Diagnostic]:
    """The checks across the corpus that editing an article can change: prerequisite cycles (among the
    articles as linked), concepts no article is tagged with, and the rules of reading paths."""
    diagnostics: list[Diagnostic] = []
    _report_cycles(pending["article"], {aid: a.prerequisites for aid, a in linked_articles.items() if a is not None},
                   "KB111", "prerequisites", diagnostics, "requires")
    tagged = {c for a in kb.articles.values() for c in a.concepts}
    for cid in sorted(set(kb.concepts) - tagged):
        record = pending["concept"][cid]
        if record.reported:
            diagnostics.append(make("KB401", record.path, 1, f"no article is tagged with the concept `{cid}`",
                                    "tag an article with it, merge it into another concept, or remove it"))
    from .paths import check_paths  # paths builds on the loaded corpus

    for pid, path in kb.paths.items():
        record = pending["path"][pid]
        if record.reported:
            diagnostics.extend(check_paths(kb, path, record.path, record.fm))
    return diagnostics


def _without_dangling(articles: dict[str, Article], concepts: dict[str, Concept]):
    """Drop references to records whose own file failed to load (its errors are reported there).

    The knowledge base is then consistent: every id it mentions names a record it holds.
    """
    concepts = {cid: replace(c, broader=tuple(x for x in c.broader if x in concepts),
                             related=tuple(x for x in c.related if x in concepts))
                for cid, c in concepts.items()}
    kept = {aid: t for aid, t in ((aid, _tags_kept(a, concepts)) for aid, a in articles.items()) if t is not None}
    return {aid: _references_kept(a, kept) for aid, a in kept.items()}, concepts


def _tags_kept(article: Article, concepts: dict[str, Concept]) -> Article | None:
    """``article`` tagged only with concepts that loaded; None when none of its concepts did."""
    tags = tuple(c for c in article.concepts if c in concepts)
    if not tags:
        return None
    return article if tags == article.concepts else replace(article, concepts=tags)


def _references_kept(article: Article, articles: dict[str, Article]) -> Article:
    """``article`` with only the prerequisites and links that name one of ``articles``."""
    prerequisites = tuple(p for p in article.prerequisites if p in articles)
    links = tuple(x for x in article.links if x in articles)
    if prerequisites != article.prerequisites or links != article.links:
        return replace(article, prerequisites=prerequisites, links=links)
    return article


def _has_required(record: _Pending, schema: s.Schema) -> bool:
    return all(f.name in record.values for f in schema.fields if f.required)


def _rel_path(record: _Pending, root: Path) -> str:
    return f"{FOLDERS[record.kind]}/{record.id}.md"


def _report_cycles(records: dict[str, _Pending], edges: dict[str, tuple[str, ...]], code: str, field_name: str,
                   diagnostics: list[Diagnostic], verb: str) -> None:
    if not _has_cycle(edges):
        return
    import networkx as nx  # slow to import, and only needed to name the cycles

    graph = nx.DiGraph((source, target) for source, targets in edges.items() for target in targets)
    for component in sorted(nx.strongly_connected_components(graph), key=min):
        if len(component) < 2:
            continue
        start = min(component)
        nodes = [source for source, _ in nx.find_cycle(graph.subgraph(component), source=start)]
        first = nodes.index(min(nodes))
        cycle = nodes[first:] + nodes[:first]
        cycle.append(cycle[0])
        start = cycle[0]
        spelled = f" {verb} ".join(f"`{node}`" for node in cycle)
        record = records[start]
        if record.reported:
            diagnostics.append(make(code, record.path, record.fm.line(field_name),
                                    f"{field_name} form a cycle: {spelled}",
                                    f"remove one link of the cycle, e.g. `{cycle[1]}` from `{start}`'s {field_name}"))


def _has_cycle(edges: dict[str, tuple[str, ...]]) -> bool:
    """Whether following ``edges`` can lead back to where it started (Kahn's algorithm)."""
    incoming: dict[str, int] = {}
    for source, targets in edges.items():
        incoming.setdefault(source, 0)
        for target in targets:
            incoming[target] = incoming.get(target, 0) + 1
    ready = [node for node, count in incoming.items() if count == 0]
    removed = 0
    while ready:
        node = ready.pop()
        removed += 1
        for target in edges.get(node, ()):
            incoming[target] -= 1
            if incoming[target] == 0:
                ready.append(target)
    return removed < len(incoming)
