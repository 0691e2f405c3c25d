"""What each generated page shows, as plain data.

The Sphinx extension renders these views; it also hashes them, so that an
incremental build rewrites exactly the pages whose displayed data changed.
Nothing here imports Sphinx.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Protocol

from .graph import ConceptGraph
from .model import Article, KnowledgeBase
from .schema import SOURCE_KIND_LABELS

RELATED_COUNT = 5
LINKED_FROM_COUNT = 12   # an article page shows this many backlinks, so hub pages stay small
CONCEPT_CARDS_PER_KIND = 12   # a concept page shows this many articles of each kind; search lists them all
MAP_NEIGHBOURS = 15           # a concept page's map shows at most this many of the concepts its page names
MAP_TAGGED_TOGETHER = 3       # ... and, where there is room, this many more that articles often tag with it
VOCABULARY_MAP_CONCEPTS = 40  # the whole-vocabulary map shows the concepts with the most articles, so pages stay small
KIND_LABELS = {
    "guide": "Guides", "explainer": "Explainers", "case-study": "Case studies",
    "research-summary": "Research summaries", "reflection": "Reflections", "tool": "Tools",
}
KIND_SINGULAR = {
    "guide": "Guide", "explainer": "Explainer", "case-study": "Case study",
    "research-summary": "Research summary", "reflection": "Reflection", "tool": "Tool",
}


def docname(kind: str, ident: str) -> str:
    """The Sphinx document name of a record: ``articles/trust-before-tests``."""
    folder = {"article": "articles", "concept": "concepts", "path": "paths", "audience": "audiences"}[kind]
    return f"{folder}/{ident}"


@dataclass(frozen=True)
class Link:
    kind: str          # article, concept, path, audience or source
    id: str
    label: str
    tooltip: str = ""  # a concept's definition, an article's summary


@dataclass(frozen=True)
class ArticleCard:
    link: Link
    summary: str
    kind: str
    reading_time: int
    concepts: tuple[Link, ...] = ()   # only where the card shows them: data a page does not show stays out of its hash


@dataclass(frozen=True)
class SourceView:
    id: str
    reference: str     # the full reference, plain text: authors (year). Title. Publisher.
    url: str | None
    note: str | None
    kind: str          # a source kind (schema.SOURCE_KIND_LABELS)


@dataclass(frozen=True)
class MapNode:
    key: str           # "concept:trust", "article:x"
    link: Link
    centre: bool = False
    group: str = ""    # on a local map, why the node is there: a key of maps.GROUP_HEADINGS


@dataclass(frozen=True)
class MapView:
    title: str
    nodes: tuple[MapNode, ...]
    edges: tuple[tuple[str, str, int], ...]   # (key, key, weight)
    left_out: int = 0  # what the page lists (or the vocabulary holds) that the map leaves out, for lack of room


@dataclass(frozen=True)
class ArticleView:
    title: str
    summary: str
    kind: str
    reading_time: int
    concepts: tuple[Link, ...]
    audience: tuple[Link, ...]
    questions: tuple[str, ...]
    sources: tuple[SourceView, ...]
    prerequisites: tuple[Link, ...]
    related: tuple[ArticleCard, ...]
    linked_from: tuple[Link, ...]
    linked_from_more: int          # backlinks beyond those shown
    paths: tuple[Link, ...]
    updated: str | None
    map: MapView

    @property
    def rests_on(self) -> tuple[str, ...]:
        """What the article rests on, by kind of source, in the schema's order: ("2 practitioner posts", ...)."""
        return rests_on(tuple(source.kind for source in self.sources))


def rests_on(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """How many sources of each kind, worded for readers, in the order the schema lists the kinds."""
    counts = {kind: kinds.count(kind) for kind in SOURCE_KIND_LABELS if kind in kinds}
    return tuple(f"{n} {SOURCE_KIND_LABELS[kind][0 if n == 1 else 1]}" for kind, n in counts.items())


@dataclass(frozen=True)
class KindGroup:
    kind: str
    cards: tuple[ArticleCard, ...]   # the most central articles of this kind, in title order
    total: int                       # all the concept's articles of this kind


@dataclass(frozen=True)
class ConceptView:
    id: str
    label: str
    definition: str
    aliases: tuple[str, ...]
    broader: tuple[Link, ...]
    narrower: tuple[Link, ...]
    related: tuple[Link, ...]
    articles_by_kind: tuple[KindGroup, ...]
    article_count: int
    paths: tuple[Link, ...]
    map: MapView


@dataclass(frozen=True)
class StepView:
    number: int
    article: ArticleCard
    minutes: int
    when: str
    start: int | None          # minutes from the start of the session (in-session steps)
    prompt: str | None
    facilitator: str | None


@dataclass(frozen=True)
class PathView:
    title: str
    summary: str
    audience: tuple[Link, ...]
    duration: int
    outcomes: tuple[str, ...]
    pre_reading: tuple[StepView, ...]
    in_session: tuple[StepView, ...]
    follow_up: tuple[StepView, ...]
    reading_minutes: int       # pre-reading and follow-up time outside the session


@dataclass(frozen=True)
class AudienceView:
    label: str
    description: str
    start_here: tuple[ArticleCard, ...]
    paths: tuple[Link, ...]
    article_count: int


def fingerprint(view) -> str:
    """A stable hash of a view: equal views give equal fingerprints across runs.

    Views are frozen dataclasses of strings, numbers and tuples, whose ``repr``
    is deterministic (no sets, no memory addresses) and much cheaper than
    converting them to JSON."""
    return hashlib.sha256(repr(view).encode("utf-8")).hexdigest()[:16]


def _sentence(text: str) -> str:
    """``text`` ending as a sentence: a full stop, unless it already ends with one, or with ? or !."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


@cache
def format_reference(source) -> str:
    """A full reference in plain text, leaving out what is not known."""
    parts = []
    if source.authors:
        names = list(source.authors)
        authors = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{authors} ({source.year})." if source.year else f"{authors}.")
    elif source.year:
        parts.append(f"({source.year}).")
    parts.append(_sentence(source.full_title))
    if source.published_in:
        parts.append(_sentence(f"In: {source.published_in}"))
    if source.publisher:
        parts.append(_sentence(source.publisher))
    return " ".join(parts)


class ViewMemory(Protocol):
    """What a long-lived process keeps of its views for the next build (``reuse.views.ViewMemory``)."""

    def bind(self, views: Views) -> None: ...
    def kept(self, key: Hashable, view: object) -> object: ...
    def fingerprint(self, view: object) -> str: ...
    def unchanged_article(self, aid: str) -> ArticleView | None: ...
    def article(self, aid: str, inputs: tuple, make: Callable[[], ArticleView]) -> ArticleView: ...


class Views:
    """Builds the views of one corpus. Create once per build; every method is deterministic."""

    def __init__(self, kb: KnowledgeBase, graph: ConceptGraph | None = None, memory: ViewMemory | None = None):
        """``memory``: what a long-lived process keeps of its views for the next build (``reuse.views``),
        which then takes views and fingerprints from the last build wherever their inputs are unchanged."""
        self.kb = kb
        self.graph = graph or ConceptGraph(kb)
        # A page's view is needed for its fingerprint and again to render it. A long-lived process
        # keeps every one, for the next build to reuse. A one-off build keeps only the last few: it
        # fingerprints every page before writing any, and holding all their views until then was
        # the largest part of the memory the extension adds (about 40 MB at 5,000 articles).
        keep = cache if memory is not None else lru_cache(maxsize=16)
        self.article = keep(self.article)
        self.concept = keep(self.concept)
        self.path = keep(self.path)
        self.audience = keep(self.audience)
        self.card = cache(self.card) if memory is not None else lru_cache(maxsize=1024)(self.card)
        self._kept: dict[Hashable, object] = {}
        self.memory = memory
        if memory is not None:
            memory.bind(self)

    def kept(self, key: Hashable, make: Callable[[], object]):
        """The view ``make()`` gives, made once per build under ``key`` (and, with a memory, the last
        build's object while it is equal, so that its fingerprint is known)."""
        found = self._kept.get(key)
        if found is None:
            view = make()
            found = self._kept[key] = view if self.memory is None else self.memory.kept(key, view)
        return found

    def fingerprint(self, view) -> str:
        """:func:`fingerprint` (in a long-lived process once per view object: see ``reuse.views``)."""
        return fingerprint(view) if self.memory is None else self.memory.fingerprint(view)

    # Links and cards ------------------------------------------------------------------------

    def article_link(self, aid: str) -> Link:
        a = self.kb.articles[aid]
        return Link("article", aid, a.title, a.summary)

    def concept_link(self, cid: str) -> Link:
        c = self.kb.concepts[cid]
        return Link("concept", cid, c.label, c.definition)

    def path_link(self, pid: str) -> Link:
        p = self.kb.paths[pid]
        return Link("path", pid, p.title, p.summary)

    def audience_link(self, aid: str) -> Link:
        a = self.kb.audiences[aid]
        return Link("audience", aid, a.label, a.description)

    def source_link(self, sid: str) -> Link:
        s = self.kb.sources[sid]
        return Link("source", sid, s.full_title, format_reference(s))

    def link(self, kind: str, ident: str) -> Link | None:
        """A link to any record, or None when it does not exist."""
        table = {"article": self.kb.articles, "concept": self.kb.concepts, "path": self.kb.paths,
                 "audience": self.kb.audiences, "source": self.kb.sources}[kind]
        if kind == "concept":
            ident = self.kb.aliases.get(_term(ident), ident)
        if ident not in table:
            return None
        return getattr(self, f"{kind}_link")(ident)

    def cited_link(self, kind: str, ident: str) -> Link | None:
        """:meth:`link`, made once per build (many pages cite the same record) and the earlier
        build's object while it is equal, so its fingerprint is known (:meth:`kept`)."""
        return self.kept(("link", kind, ident), lambda: self.link(kind, ident))

    def card(self, aid: str, with_concepts: bool = False) -> ArticleCard:
        a = self.kb.articles[aid]
        return ArticleCard(self.article_link(aid), a.summary, a.kind, a.reading_time,
                           tuple(self.concept_link(c) for c in a.concepts) if with_concepts else ())

    # Pages -----------------------------------------------------------------------------------

    def article(self, aid: str) -> ArticleView:
        if self.memory is not None and (view := self.memory.unchanged_article(aid)) is not None:
            return view
        a: Article = self.kb.articles[aid]
        ranked = self.graph.related_articles(aid, max(RELATED_COUNT, LINKED_FROM_COUNT))
        related = ranked[:RELATED_COUNT]
        # Most related first, so the backlinks shown are the most useful ones.
        rank = {r.article: i for i, r in enumerate(ranked)}
        backlinks = sorted(self.graph.backlinks(aid), key=lambda b: (rank.get(b, len(rank)), b))
        if self.memory is None:
            return self._article_view(a, related, backlinks)
        return self.memory.article(aid, self.article_view_inputs(a, related, backlinks),
                                   lambda: self._article_view(a, related, backlinks))

    def article_view_inputs(self, a: Article, related: list, backlinks: list[str]) -> tuple:
        """Everything an article's view shows, as the records it is made from: equal inputs, equal view.

        The backlinks are in the order shown (by relatedness), and the records of the related
        articles say which they are. Records of unchanged files are the same objects from build
        to build, so comparing these mostly compares identities."""
        kb, articles = self.kb, self.kb.articles
        return (a, backlinks,
                tuple(kb.concepts.get(c) for c in a.concepts),
                tuple(kb.audiences.get(x) for x in a.audience),
                tuple(kb.sources.get(s) for s in a.sources),
                tuple(articles.get(p) for p in a.prerequisites),
                tuple(articles[r.article] for r in related),
                tuple(articles[b] for b in backlinks[:LINKED_FROM_COUNT]),
                tuple(kb.paths[p] for p in self.graph.paths_with(a.id)))

    def _article_view(self, a: Article, related: list, backlinks: list[str]) -> ArticleView:
        return ArticleView(
            title=a.title, summary=a.summary, kind=a.kind, reading_time=a.reading_time,
            concepts=tuple(self.concept_link(c) for c in a.concepts),
            audience=tuple(self.audience_link(x) for x in a.audience if x in self.kb.audiences),
            questions=a.questions,
            sources=tuple(self.source(s) for s in a.sources),
            prerequisites=tuple(self.article_link(p) for p in a.prerequisites if p in self.kb.articles),
            related=tuple(self.card(r.article) for r in related),
            linked_from=tuple(self.article_link(b) for b in backlinks[:LINKED_FROM_COUNT]),
            linked_from_more=max(0, len(backlinks) - LINKED_FROM_COUNT),
            paths=tuple(self.path_link(p) for p in self.graph.paths_with(a.id)),
            updated=a.updated.isoformat() if a.updated else None,
            map=self.article_map(a.id, [r.article for r in related]),
        )

    def source(self, sid: str) -> SourceView:
        s = self.kb.sources[sid]
        return SourceView(sid, format_reference(s), s.url, s.note, s.kind or "cited-work")

    def concept(self, cid: str) -> ConceptView:
        c = self.kb.concepts[cid]
        tagged = self.graph.articles_for(cid)
        by_kind: dict[str, list[Article]] = {}
        for aid in tagged:
            by_kind.setdefault(self.kb.articles[aid].kind, []).append(self.kb.articles[aid])
        groups = []
        for kind in KIND_LABELS:
            if kind in by_kind:
                # A hub concept can have hundreds of articles: the page shows the most central ones
                # (about this concept first, then the most linked to) so its size does not grow with the corpus.
                central = sorted(by_kind[kind], key=lambda a: (*self.graph.centrality(a.id, cid), a.title.lower(),
                                                               a.id))[:CONCEPT_CARDS_PER_KIND]
                shown = sorted(central, key=lambda a: (a.title.lower(), a.id))
                groups.append(KindGroup(kind, tuple(self.card(a.id) for a in shown), len(by_kind[kind])))
        paths = sorted({p.id for p in self.kb.paths.values()
                        for s in p.steps if cid in self.kb.articles[s.article].concepts})
        return ConceptView(
            id=cid, label=c.label, definition=c.definition, aliases=c.aliases,
            broader=tuple(self.concept_link(x) for x in c.broader),
            narrower=tuple(self.concept_link(x) for x in self.graph.narrower(cid)),
            related=tuple(self.concept_link(x) for x in self.graph.related_concepts(cid)),
            articles_by_kind=tuple(groups),
            article_count=len(tagged),
            paths=tuple(self.path_link(p) for p in paths),
            map=self.concept_local_map(cid),
        )

    def path(self, pid: str) -> PathView:
        p = self.kb.paths[pid]
        steps: dict[str, list[StepView]] = {"pre-reading": [], "in-session": [], "follow-up": []}
        clock = 0
        for number, step in enumerate(p.steps, start=1):
            start = None
            if step.when == "in-session":
                start, clock = clock, clock + step.minutes
            steps[step.when].append(StepView(number, self.card(step.article), step.minutes, step.when, start,
                                             step.prompt, step.facilitator))
        outside = sum(s.minutes for s in p.steps if s.when != "in-session")
        return PathView(p.title, p.summary, tuple(self.audience_link(a) for a in p.audience if a in self.kb.audiences),
                        p.duration, p.outcomes, tuple(steps["pre-reading"]), tuple(steps["in-session"]),
                        tuple(steps["follow-up"]), outside)

    def audience(self, aid: str, limit: int = 8) -> AudienceView:
        a = self.kb.audiences[aid]
        articles = [x for x in self.kb.articles.values() if aid in x.audience]
        # Start with what has no prerequisites and is linked to most: the natural entry points.
        ranked = sorted(articles, key=lambda x: (len(x.prerequisites) > 0, -self.graph.backlink_count(x.id),
                                                 x.title.lower(), x.id))
        paths = tuple(self.path_link(p.id) for p in self.kb.paths.values() if aid in p.audience)
        return AudienceView(a.label, a.description, tuple(self.card(x.id) for x in ranked[:limit]), paths, len(articles))

    # Maps ------------------------------------------------------------------------------------

    def article_map(self, aid: str, related: list[str]) -> MapView:
        """The article, its concepts, and the related articles its page lists, each joined to the concepts
        it shares with this one (or to this one, when it shares none)."""
        a = self.kb.articles[aid]
        nodes = [MapNode(f"article:{aid}", self.article_link(aid), centre=True)]
        nodes += [MapNode(f"concept:{c}", self.concept_link(c), group="concept") for c in a.concepts]
        nodes += [MapNode(f"article:{r}", self.article_link(r), group="article") for r in related]
        edges = [(f"article:{aid}", f"concept:{c}", 2 if i == 0 else 1) for i, c in enumerate(a.concepts)]
        for r in related:
            shared = [c for c in self.kb.articles[r].concepts if c in a.concepts]
            edges += [(f"article:{r}", f"concept:{c}", 1) for c in shared] or [(f"article:{aid}", f"article:{r}", 1)]
        return MapView(f"Concept map around {a.title}", tuple(nodes), tuple(edges))

    def concept_local_map(self, cid: str) -> MapView:
        """The concept and the concepts its page names (broader, narrower, related: the same lists, under the
        same headings), the most strongly linked first; where there is room, those articles most often tag
        with it besides. Weights are those of the whole-vocabulary map."""
        c = self.kb.concepts[cid]
        weights = self.concept_weights(cid)
        named: dict[str, int] = {}   # concept -> its list, by position in ``lists``
        lists = ("broader", "narrower", "related")
        for position, ids in enumerate((c.broader, self.graph.narrower(cid), self.graph.related_concepts(cid))):
            for other in ids:
                if other != cid:
                    named.setdefault(other, position)
        strongest = sorted(named, key=lambda n: (-weights.get(n, 0), n))[:MAP_NEIGHBOURS]
        shown = [(n, lists[named[n]]) for n in sorted(strongest, key=lambda n: (named[n], -weights.get(n, 0), n))]
        room = min(MAP_TAGGED_TOGETHER, MAP_NEIGHBOURS - len(shown))
        together = [n for n, _ in self.graph.cooccurring(cid, len(self.kb.concepts)) if n not in named][:room]
        shown += [(n, "tagged-together") for n in together]
        nodes = [MapNode(f"concept:{cid}", self.concept_link(cid), centre=True)]
        nodes += [MapNode(f"concept:{n}", self.concept_link(n), group=group) for n, group in shown]
        edges = tuple((f"concept:{cid}", f"concept:{n}", max(1, weights.get(n, 0))) for n, _ in shown)
        return MapView(f"Concepts around {c.label}", tuple(nodes), edges, left_out=len(named) - len(strongest))

    def concept_weights(self, cid: str) -> dict[str, int]:
        """How strongly each concept is linked to ``cid``, as :meth:`ConceptGraph.concept_map` weighs it: the
        articles tagged with both, plus one for each way either names the other as broader or related."""
        weights = dict(self.graph.cooccurring(cid, len(self.kb.concepts)))
        c = self.kb.concepts[cid]
        for other in self.kb.concepts.values():
            if other.id == cid:
                continue
            named = (other.id in c.broader) + (cid in other.broader) + (other.id in c.related) + (cid in other.related)
            if named:
                weights[other.id] = weights.get(other.id, 0) + named
        return weights

    def vocabulary_map(self) -> MapView:
        """The concepts with the most articles (every concept, in a vocabulary of up to
        :data:`VOCABULARY_MAP_CONCEPTS`) and every link between them."""
        g = self.graph.concept_map()
        shown = set(sorted(g.nodes, key=lambda c: (-g.nodes[c]["articles"], c))[:VOCABULARY_MAP_CONCEPTS])
        nodes = tuple(MapNode(f"concept:{cid}", self.concept_link(cid)) for cid in sorted(shown))
        edges = tuple(sorted((f"concept:{min(u, v)}", f"concept:{max(u, v)}", int(d["weight"]))
                             for u, v, d in g.edges(data=True) if u in shown and v in shown))
        title = "Map of all concepts" if len(shown) == len(g) else \
            f"Map of the {len(shown)} concepts with the most articles"
        return MapView(title, nodes, edges, left_out=len(g) - len(shown))

    # Lists -----------------------------------------------------------------------------------

    def article_list(self, concept: str | None = None, audience: str | None = None, kind: str | None = None,
                     sort: str = "title", limit: int | None = None,
                     with_concepts: bool = True, ids: tuple[str, ...] = ()) -> tuple[ArticleCard, ...]:
        """Articles filtered and sorted; ``ids`` (curated, in that order) replaces filtering and sorting."""
        if ids:
            return tuple(self.card(a, with_concepts) for a in dict.fromkeys(ids) if a in self.kb.articles)[:limit]
        articles = list(self.kb.articles.values())
        if concept:
            cid = self.kb.aliases.get(_term(concept), concept)
            articles = [a for a in articles if cid in a.concepts]
        if audience:
            articles = [a for a in articles if audience in a.audience]
        if kind:
            articles = [a for a in articles if a.kind == kind]
        if sort == "updated":
            articles.sort(key=lambda a: (a.updated is None, -(a.updated.toordinal() if a.updated else 0),
                                         a.title.lower(), a.id))
        elif sort == "most-linked":
            articles.sort(key=lambda a: (-self.graph.backlink_count(a.id), a.title.lower(), a.id))
        elif sort == "reading-time":
            articles.sort(key=lambda a: (a.reading_time, a.title.lower(), a.id))
        else:
            articles.sort(key=lambda a: (a.title.lower(), a.id))
        return tuple(self.card(a.id, with_concepts) for a in articles[:limit])


def _term(text: str) -> str:
    from .schema import normalise_term

    return normalise_term(text)
