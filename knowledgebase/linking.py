"""Linking: the references between records resolved, across the whole corpus, into a :class:`KnowledgeBase`.

Every record is linked against every record's id and every concept's names;
whatever is sound is kept, so that the rest can still be checked, and every
problem becomes a diagnostic. :func:`link_all` returns a :class:`Linking`: the
knowledge base and the diagnostics, kept in parts so that a later load can
link an edit of articles from it (``reuse.relink``).
"""

from __future__ import annotations

from collections.abc import Collection, Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from . import schema as s
from .diagnostics import CodeId, Diagnostic, make
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
from .paths import check_paths
from .reading.facts import PendingRecord
from .suggest import did_you_mean

# The same few hundred concept names are written thousands of times across a corpus.
concept_term = lru_cache(maxsize=4096)(s.normalise_term)

class Linker:
    """Resolves references between records and builds the final, typed knowledge base."""

    def __init__(self, pending: dict[str, dict[str, PendingRecord]], sources: dict[str, dict],
                 diagnostics: list[Diagnostic], unread_articles: AbstractSet[str]):
        self.pending = pending
        self.diagnostics = diagnostics
        self.aliases = self._alias_index()
        self.ids = {
            "concept": set(pending["concept"]),
            "audience": set(pending["audience"]),
            "article": set(pending["article"]) | unread_articles,
            "path": set(pending["path"]),
            "source": set(sources),
        }
        # Sources that report research: an article saying research shows something should cite one (KB124).
        self.research_sources = {sid for sid, values in sources.items()
                                 if values.get("kind") in s.RESEARCH_SOURCE_KINDS}

    def _alias_index(self) -> dict[str, str]:
        index: dict[str, str] = {cid: cid for cid in self.pending["concept"]}
        owners: dict[str, str] = dict(index)
        for cid, record in sorted(self.pending["concept"].items()):
            names: list[tuple[str, str | None, tuple[str, ...] | tuple[str, int]]]
            names = [("label", record.values.get("label"), ("label",))]
            names += [("alias", alias, ("aliases", i)) for i, alias in enumerate(record.values.get("aliases", ()))]
            for what, name, key in names:
                if not name:
                    continue
                term = concept_term(name)
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

    def resolve(self, record: PendingRecord, refers_to: str, item: str, key: tuple, field_name: str) -> str | None:
        """The id ``item`` names, or None after reporting why it names nothing."""
        if refers_to == "concept":
            found = self.aliases.get(concept_term(item))
            if found:
                return found
        elif item in self.ids[refers_to]:
            return item
        if not record.reported:  # its hint, a search of every id, would be the dearest part of linking
            return None
        if refers_to == "concept":
            self.error("KB102", record, key, f"unknown concept `{item}` in `{field_name}`",
                       did_you_mean(concept_term(item), self.aliases, "run `kb concepts` to list the vocabulary"))
            return None
        codes: dict[str, CodeId] = {"audience": "KB107", "source": "KB109", "article": "KB110", "path": "KB119"}
        code = codes[refers_to]
        folder = "content/sources.yaml" if refers_to == "source" else f"content/{s.RECORD_FOLDERS[refers_to]}/"
        self.error(code, record, key, f"unknown {refers_to} `{item}` in `{field_name}`",
                   did_you_mean(item, self.ids[refers_to], f"no such id in {folder}"))
        return None

    def error(self, code: CodeId, record: PendingRecord, key: tuple, message: str, hint: str) -> None:
        if record.reported:
            self.diagnostics.append(make(code, record.path, record.fm.line(*key), message, hint))

    def references(self, record: PendingRecord, values: dict, schema: s.Schema) -> dict:
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

    def body_references(self, record: PendingRecord) -> list[Reference]:
        valid = []
        for ref in record.references:
            target = ref.target
            candidates: Collection[str]
            if ref.kind == "concept":
                known = concept_term(target) in self.aliases
                candidates = self.aliases
            else:
                known = target in self.ids[ref.kind]
                candidates = self.ids[ref.kind]
            if known:
                valid.append(ref)
                continue
            codes: dict[str, CodeId] = {"article": "KB110", "concept": "KB102", "source": "KB109", "path": "KB119"}
            code = codes[ref.kind]
            self.diagnostics.append(make(code, record.path, ref.line, f"unknown {ref.kind} `{target}` in a link",
                                         did_you_mean(target, candidates, f"no {ref.kind} has that id")))
        return valid

    def article(self, record: PendingRecord, root: Path) -> tuple[Article | None, list[Diagnostic]]:
        """The article ``record`` makes before records that failed to load are dropped from it (None
        when it lacks what an article needs), and the diagnostics linking it gave."""
        reporting, self.diagnostics = self.diagnostics, []
        try:
            values = self.references(record, record.values, s.ARTICLE)
            refs = self.body_references(record)
            if values.get("kind") == "research-summary" and not values.get("sources"):
                self.error("KB117", record, ("kind",), "a research summary must cite at least one source",
                           "add `sources: [...]` with ids from content/sources.yaml")
            if record.reported and record.research_claims \
                    and self.research_sources.isdisjoint(values.get("sources", ())):
                kinds = " or ".join(s.SOURCE_KIND_LABELS[kind][0] for kind in s.RESEARCH_SOURCE_KINDS)
                self.diagnostics.append(make(
                    "KB124", record.path, record.research_claims[0],
                    "the article says research or evidence shows something, but cites no source that reports "
                    "research", f"cite it in `sources:` (a {kinds}), or say whose view it is"))
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
class Linking:
    """One linking of a whole corpus: what it was made from, the knowledge base and the diagnostics it gave.

    A long-lived cache keeps the last one (``LoadCache.linked``), so that the next load can be linked
    from it when only articles changed (:func:`relink`). The diagnostics are kept in three parts: each
    article's own, the checks across the corpus that articles can change, and the rest."""

    pending: dict[str, dict[str, PendingRecord]]
    sources: dict[str, tuple]   # what linking reads of each source (see sources_read)
    kb: KnowledgeBase
    linker: Linker
    linked_articles: dict[str, Article | None]   # each article as linked, before records that failed to load are dropped
    article_problems: dict[str, list[Diagnostic]]   # by article id
    corpus_checks: list[Diagnostic]   # see corpus_checks
    other_problems: list[Diagnostic]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [*self.other_problems, *(d for problems in self.article_problems.values() for d in problems),
                *self.corpus_checks]

def sources_read(raw_sources: dict) -> dict[str, tuple]:
    """What linking reads of each source: its values, the file's name as shown, and its line."""
    return {sid: (values, shown, fm.line(sid)) for sid, (values, fm, shown) in raw_sources.items()}

def link_records(root: Path, pending: dict[str, dict[str, PendingRecord]], raw_sources: dict, diagnostics: list[Diagnostic],
          unread: AbstractSet[str] = frozenset()) -> KnowledgeBase:
    """Resolve the references between ``pending`` records and make the knowledge base of those that load.

    ``unread`` names articles left out of ``pending`` (see ``_link_around``): references to them resolve,
    but they are not in the knowledge base.
    """
    linked = link_all(root, pending, raw_sources, unread)
    diagnostics.extend(linked.diagnostics)
    return linked.kb

def link_all(root: Path, pending: dict[str, dict[str, PendingRecord]], raw_sources: dict,
              unread: AbstractSet[str] = frozenset()) -> Linking:
    other_problems: list[Diagnostic] = []
    linker = Linker(pending, {sid: values for sid, (values, _, _) in raw_sources.items()}, other_problems, unread)

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
    return Linking(pending, sources_read(raw_sources), kb, linker, linked_articles, article_problems,
                   corpus_checks(pending, linked_articles, kb), other_problems)

def corpus_checks(pending: dict[str, dict[str, PendingRecord]], linked_articles: dict[str, Article | None],
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
    kept = {aid: t for aid, t in ((aid, tags_kept(a, concepts)) for aid, a in articles.items()) if t is not None}
    return {aid: references_kept(a, kept) for aid, a in kept.items()}, concepts

def tags_kept(article: Article, concepts: dict[str, Concept]) -> Article | None:
    """``article`` tagged only with concepts that loaded; None when none of its concepts did."""
    tags = tuple(c for c in article.concepts if c in concepts)
    if not tags:
        return None
    return article if tags == article.concepts else replace(article, concepts=tags)

def references_kept(article: Article, articles: dict[str, Article]) -> Article:
    """``article`` with only the prerequisites and links that name one of ``articles``."""
    prerequisites = tuple(p for p in article.prerequisites if p in articles)
    links = tuple(x for x in article.links if x in articles)
    if prerequisites != article.prerequisites or links != article.links:
        return replace(article, prerequisites=prerequisites, links=links)
    return article

def _has_required(record: PendingRecord, schema: s.Schema) -> bool:
    return all(f.name in record.values for f in schema.fields if f.required)

def _rel_path(record: PendingRecord, root: Path) -> str:
    return f"{s.RECORD_FOLDERS[record.kind]}/{record.id}.md"

def _report_cycles(records: dict[str, PendingRecord], edges: dict[str, tuple[str, ...]], code: CodeId, field_name: str,
                   diagnostics: list[Diagnostic], verb: str) -> None:
    if not _has_cycle(edges):
        return
    import networkx as nx  # slow to import, and only needed to name the cycles

    graph: nx.DiGraph[str] = nx.DiGraph((source, target) for source, targets in edges.items() for target in targets)
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

def counts(kb: KnowledgeBase) -> dict[str, int]:
    """How many records of each kind a knowledge base holds."""
    return {"articles": len(kb.articles), "concepts": len(kb.concepts), "paths": len(kb.paths),
            "sources": len(kb.sources), "audiences": len(kb.audiences)}
