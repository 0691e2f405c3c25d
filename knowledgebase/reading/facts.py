"""What one file says on its own: its facts (body policy, front matter, body references), and its record.

The per-file phase of loading depends on nothing but a file's bytes and its
place in the content folder, so its result, :class:`FileFacts`, can be kept
between loads (``reuse.filecache``) and used again while the bytes are the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from .. import schema as s
from ..diagnostics import CodeId, Diagnostic, make
from ..model import Reference
from ..schema import RECORD_FOLDERS
from .bodypolicy.check import PageCheck, check_page
from .decode import decode, read_bytes, read_text
from .discover import shown_path
from .frontmatter import FrontMatter, split
from .references import scan_body
from .stamps import Stamp, content_hash, stamp_of
from .validate import FieldChecker

Problem = tuple[CodeId, int, str, str]   # a diagnostic without its file: code, line, message, hint


class FileFacts(NamedTuple):   # a tuple: tens of thousands are made when a cache file is read
    """What one file's bytes say before any other file is looked at."""

    page: PageCheck | None               # None: the policy check looked at other files, so it is redone each load
    problems: tuple[Problem, ...] = ()   # front matter problems
    front_matter: FrontMatter | None = None   # None: not a record (another page, or front matter unusable)
    references: tuple[Reference, ...] = ()
    words: int = 0
    placeholders: tuple[int, ...] = ()   # lines still holding a template's TODO( marker
    research_claims: tuple[int, ...] = ()   # lines saying research or evidence shows something


class FactsCache(Protocol):
    """Where a load may find the facts of files it read before (``reuse.filecache.LoadCache``)."""

    def by_stamp(self, rel: str, stamp: Stamp | None) -> FileFacts | None: ...
    def by_digest(self, rel: str, digest: str, stamp: Stamp | None, read_at_ns: int) -> FileFacts | None: ...
    def store(self, rel: str, stamp: Stamp | None, digest: str, read_at_ns: int, facts: FileFacts) -> None: ...
    def field_check(self, rel: str, facts: FileFacts) -> tuple[dict, tuple[Problem, ...]] | None: ...
    def keep_field_check(self, rel: str, facts: FileFacts, values: dict, problems: tuple[Problem, ...]) -> None: ...


@dataclass
class PendingRecord:
    """A record whose own fields are checked, waiting for its references to be resolved."""

    kind: str
    id: str
    path: str
    values: dict[str, Any]
    fm: FrontMatter
    references: list[Reference] = field(default_factory=list)
    word_count: int = 0
    research_claims: tuple[int, ...] = ()   # lines of the body saying research or evidence shows something
    # False for a record read only for what it offers other records (see load_selected): its own
    # diagnostics are not asked for, and it has no locations to give them.
    reported: bool = True


def read_file(kind: str | None, file: Path, rel: str, root: Path, shown: str, diagnostics: list[Diagnostic],
              pages: dict[str, PageCheck], cache: FactsCache | None) -> FileFacts | None:
    """The facts of one file (a record of ``kind``, or another page when None), its diagnostics reported."""
    text = None
    facts: FileFacts | None
    if cache is None:
        text = read_text(file, shown, diagnostics)
        if text is None:
            return None
        facts = examine(kind, text, file, rel, root)
    else:
        try:
            stamp = stamp_of(file.stat())
        except OSError:
            stamp = None
        facts = cache.by_stamp(rel, stamp)
        if facts is None:
            read_at = time.time_ns()
            data = read_bytes(file, shown, diagnostics)
            if data is None:
                return None
            digest = content_hash(data)
            facts = cache.by_digest(rel, digest, stamp, read_at)
            if facts is None:
                text = decode(data, shown, diagnostics)
                if text is None:
                    return None
                facts = examine(kind, text, file, rel, root)
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


def examine(kind: str | None, text: str, file: Path, rel: str, root: Path) -> FileFacts:
    """What a file's text says on its own: body policy and, for a record, front matter and body references."""
    page = check_page(text, file, root)
    cached_page = None if page.reads_files else page
    if kind is None:
        return FileFacts(cached_page)
    parts, problems = split(text, rel)
    problem_rows = tuple((d.code, d.line, d.message, d.hint) for d in problems)
    if parts is None or parts.front_matter is None:
        return FileFacts(cached_page, problem_rows)
    scan = scan_body(parts.body, parts.body_line, rel)
    return FileFacts(cached_page, problem_rows, parts.front_matter, tuple(scan.references), scan.words,
                     tuple(scan.placeholders), tuple(scan.research_claims))


def read_record(kind: str, file: Path, root: Path, diagnostics: list[Diagnostic],
                pages: dict[str, PageCheck], cache: FactsCache | None) -> PendingRecord | None:
    rel = f"{RECORD_FOLDERS[kind]}/{file.name}"
    shown = shown_path(rel, root)
    facts = read_file(kind, file, rel, root, shown, diagnostics, pages, cache)
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
    return PendingRecord(kind, file.stem, shown, values, facts.front_matter, list(facts.references), facts.words,
                         facts.research_claims)
