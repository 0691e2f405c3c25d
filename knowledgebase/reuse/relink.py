"""Linking an edit of articles from the last load's linking, instead of linking the whole corpus afresh."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..linking import Linking, corpus_checks, references_kept, sources_read, tags_kept
from ..reading.facts import PendingRecord


def relink(last: Linking, root: Path, pending: dict[str, dict[str, PendingRecord]], raw_sources: dict) -> Linking | None:
    """The linking of ``pending`` made from the ``last`` one, or None when it must be done afresh.

    Every record is linked against every record's id and every concept's names, and only the
    concepts' front matter sets names. So when every source, concept, audience and path is what it
    was, the same articles exist, and each edited article still loads (or still does not), the
    last linking holds for everything but those articles: they are linked again, with the same
    code as a full linking, and so are the checks across the corpus that an article can change
    (prerequisite cycles, concepts no article is tagged with, the rules of reading paths). The
    result is what linking afresh gives (a property test holds the two equal).
    """
    sources = sources_read(raw_sources)
    if sources != last.sources:
        return None
    changed: list[PendingRecord] = []
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
        kept = tags_kept(article, kb.concepts) if article is not None else None
        if (article is None) != (linked_articles[record.id] is None) or (kept is None) != (record.id not in articles):
            return None   # it started or stopped loading: paths and other articles may change with it
        linked_articles[record.id] = article
        article_problems[record.id] = problems
        if kept is not None:
            articles[record.id] = references_kept(kept, articles)
    kb = replace(kb, root=str(root), articles=articles)
    return Linking(pending, sources, kb, last.linker, linked_articles, article_problems,
                   corpus_checks(pending, linked_articles, kb), last.other_problems)
