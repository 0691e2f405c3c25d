"""The concept graph: one networkx graph of articles, concepts, sources and paths.

Node keys are ``"<kind>:<id>"`` (``article:trust-before-tests``); every node
carries ``kind``, ``id`` and ``label``. Edges are keyed by their type, so one
pair of nodes can be linked in several ways:

=============  =====================  =========================================
type           from -> to             meaning
=============  =====================  =========================================
tagged         article -> concept     the article is about the concept
cites          article -> source      the article draws on the source
links-to       article -> article     the body links to the other article
prerequisite   article -> article     the article should be read after the other
broader        concept -> concept     the second is more general
related        concept -> concept     the concept page names the other
co-occurs      concept -> concept     articles tag both (``weight``: how many)
step-of        article -> path        the article is a step of the path
=============  =====================  =========================================

The site's queries run on plain dictionaries made alongside; the networkx graph
itself is made the first time it is asked for (export, ego graphs), because a
build never needs it and at 5,000 articles it holds some 33 MB (the dictionaries, 5).
"""

from __future__ import annotations

import heapq
import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from itertools import combinations
from typing import Protocol

import networkx as nx

from .model import KnowledgeBase

EDGE_TYPES = ("tagged", "cites", "links-to", "prerequisite", "broader", "related", "co-occurs", "step-of")
PRIMARY_BONUS = 0.5    # sharing the primary concept of the article counts for more
LINK_WEIGHT = 1.5      # an explicit link either way between two articles
PREREQUISITE_WEIGHT = 2.0
# Candidates for related articles come from each shared concept's "champion
# list": its articles with the concept as primary first, then the most linked
# to. A rare concept's list is complete; a very common concept (whose idf
# weight is small anyway) contributes at most this many candidates, so the
# cost per article stays bounded as the corpus grows. Every candidate found
# is then scored exactly.
CHAMPIONS_PER_CONCEPT = 300


def node(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


@dataclass(frozen=True, slots=True)  # a build keeps several per article
class Related:
    article: str
    score: float
    shared_concepts: tuple[str, ...]
    linked: bool          # one links to the other
    prerequisite: bool    # one is a prerequisite of the other


class RelatedLists(Protocol):
    """Related lists a graph may take instead of scoring them: ``reuse.related`` carries them over from an
    earlier graph wherever what they were scored from is unchanged, and scores the rest with the graph."""

    def bind(self, graph: ConceptGraph) -> None: ...
    def related_articles(self, article_id: str, k: int) -> list[Related]: ...


class ConceptGraph:
    """Queries over the knowledge base's graph. Build once per corpus; every query is deterministic."""

    def __init__(self, kb: KnowledgeBase, related: RelatedLists | None = None):
        """``related``: where related lists scored for an earlier version of the corpus may be found
        (``reuse.related``); without it, every list is scored, once per graph."""
        self.kb = kb
        self._postings: dict[str, list[str]] = defaultdict(list)   # concept -> articles tagged with it
        self._backlinks: dict[str, list[str]] = defaultdict(list)
        self._dependents: dict[str, list[str]] = defaultdict(list)
        self._paths_of: dict[str, list[str]] = defaultdict(list)
        # concept -> concept -> edge type -> weight, in the order the graph's edges come in
        self._concept_edges: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
        self._cooccurring: dict[str, list[tuple[str, int]]] = defaultdict(list)  # concept -> (other, weight)
        self._build()
        total = len(kb.articles)
        self.idf = {cid: math.log((1 + total) / (1 + len(self._postings.get(cid, ())))) + 1 for cid in kb.concepts}
        self._champions = {cid: self._champion_list(cid, ids) for cid, ids in self._postings.items()}
        self._scored: dict[tuple[str, int], list[Related]] = {}
        self.related_lists = related
        if related is not None:
            related.bind(self)

    def _champion_list(self, concept_id: str, article_ids: list[str]) -> tuple[str, ...]:
        if len(article_ids) <= CHAMPIONS_PER_CONCEPT:
            return tuple(article_ids)
        ranked = sorted(article_ids, key=lambda a: (*self.centrality(a, concept_id), a))
        return tuple(ranked[:CHAMPIONS_PER_CONCEPT])

    def centrality(self, article_id: str, concept_id: str) -> tuple[bool, int]:
        """A sort key, most central first: articles about the concept (it is their primary
        concept) before those that only mention it, then the most linked to."""
        return self.kb.articles[article_id].primary_concept != concept_id, -self.backlink_count(article_id)

    def backlink_count(self, article_id: str) -> int:
        """How many articles link to this one (each article's links are already distinct)."""
        return len(self._backlinks.get(article_id, ()))

    def _build(self) -> None:
        kb = self.kb
        for cid, concept in kb.concepts.items():
            for other in concept.broader:
                self._concept_edges[cid].setdefault(other, {})["broader"] = 1
            for other in concept.related:
                self._concept_edges[cid].setdefault(other, {})["related"] = 1
        for aid, article in kb.articles.items():
            for cid in article.concepts:
                self._postings[cid].append(aid)
            for other in article.links:
                if other in kb.articles:
                    self._backlinks[other].append(aid)
            for other in article.prerequisites:
                if other in kb.articles:  # its file exists but did not load; reported by the loader
                    self._dependents[other].append(aid)
        for (first, second), weight in self._cooccurrence().items():
            self._concept_edges[first].setdefault(second, {})["co-occurs"] = weight
            self._cooccurring[first].append((second, weight))
            self._cooccurring[second].append((first, weight))
        for pid, path in kb.paths.items():
            for step in path.steps:
                if step.article in kb.articles and pid not in self._paths_of[step.article]:
                    self._paths_of[step.article].append(pid)

    def _cooccurrence(self) -> dict[tuple[str, str], int]:
        """(concept, concept) -> how many articles tag both, the pair in id order, sorted."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        for article in self.kb.articles.values():
            for pair in combinations(sorted(article.concepts), 2):
                counts[pair] += 1
        return dict(sorted(counts.items()))

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """Everything as one networkx graph (see the module's table of edges)."""
        kb = self.kb
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for cid, concept in kb.concepts.items():
            g.add_node(node("concept", cid), kind="concept", id=cid, label=concept.label)
        for sid, source in kb.sources.items():
            g.add_node(node("source", sid), kind="source", id=sid, label=source.title)
        for pid, path in kb.paths.items():
            g.add_node(node("path", pid), kind="path", id=pid, label=path.title)
        for aid, article in kb.articles.items():
            g.add_node(node("article", aid), kind="article", id=aid, label=article.title)
        for cid, concept in kb.concepts.items():
            for other in concept.broader:
                g.add_edge(node("concept", cid), node("concept", other), key="broader", type="broader")
            for other in concept.related:
                g.add_edge(node("concept", cid), node("concept", other), key="related", type="related")
        for aid, article in kb.articles.items():
            a = node("article", aid)
            for position, cid in enumerate(article.concepts):
                g.add_edge(a, node("concept", cid), key="tagged", type="tagged", primary=position == 0)
            for sid in article.sources:
                g.add_edge(a, node("source", sid), key="cites", type="cites")
            for other in article.links:
                if other in kb.articles:
                    g.add_edge(a, node("article", other), key="links-to", type="links-to")
            for other in article.prerequisites:
                if other not in kb.articles:  # its file exists but did not load; reported there
                    continue
                g.add_edge(a, node("article", other), key="prerequisite", type="prerequisite")
        for (first, second), weight in self._cooccurrence().items():
            g.add_edge(node("concept", first), node("concept", second), key="co-occurs", type="co-occurs",
                       weight=weight)
        for pid, path in kb.paths.items():
            for order, step in enumerate(path.steps):
                if step.article not in kb.articles:
                    continue
                if not g.has_edge(node("article", step.article), node("path", pid), key="step-of"):
                    g.add_edge(node("article", step.article), node("path", pid), key="step-of", type="step-of",
                               order=order)
        return g

    # Queries -------------------------------------------------------------------------------

    def articles_for(self, concept_id: str) -> list[str]:
        """Articles tagged with the concept, in id order."""
        return sorted(self._postings.get(concept_id, ()))

    def backlinks(self, article_id: str) -> list[str]:
        """Articles whose body links to this one, in id order."""
        return sorted(set(self._backlinks.get(article_id, ())))

    def dependents(self, article_id: str) -> list[str]:
        """Articles that list this one as a prerequisite."""
        return sorted(self._dependents.get(article_id, ()))

    def paths_with(self, article_id: str) -> list[str]:
        return sorted(self._paths_of.get(article_id, ()))

    def narrower(self, concept_id: str) -> list[str]:
        return sorted(c.id for c in self.kb.concepts.values() if concept_id in c.broader)

    def related_concepts(self, concept_id: str) -> list[str]:
        """Concepts the page names as related, plus pages that name this one (links go both ways)."""
        concept = self.kb.concepts[concept_id]
        named_by = {c.id for c in self.kb.concepts.values() if concept_id in c.related}
        return sorted((set(concept.related) | named_by) - {concept_id})

    def cooccurring(self, concept_id: str, k: int = 5) -> list[tuple[str, int]]:
        """Concepts most often tagged together with this one: (id, number of articles)."""
        return sorted(self._cooccurring.get(concept_id, ()), key=lambda item: (-item[1], item[0]))[:k]

    def related_articles(self, article_id: str, k: int = 5) -> list[Related]:
        """The ``k`` articles most related to ``article_id``.

        Score: for each shared concept its rarity (idf), plus a bonus when it
        is either article's primary concept; plus explicit links and
        prerequisites either way. Candidates come from the inverted index, so
        the cost depends on the article's concepts, not on the corpus size
        squared. Ties break by title, then id.
        """
        if self.related_lists is not None:
            return self.related_lists.related_articles(article_id, k)
        found = self._scored.get((article_id, k))
        if found is None:
            found = self._scored[(article_id, k)] = self.score_related(article_id, k, *self.neighbours(article_id))
        return found

    def neighbours(self, article_id: str) -> tuple[set[str], set[str]]:
        """The articles linked with this one either way, and its prerequisites and dependents."""
        article, articles = self.kb.articles[article_id], self.kb.articles
        linked = (set(article.links) | set(self._backlinks.get(article_id, ()))) & articles.keys()
        prerequisites = (set(article.prerequisites) | set(self._dependents.get(article_id, ()))) & articles.keys()
        return linked, prerequisites

    def tagged(self, concept_id: str) -> tuple[str, ...]:
        """The articles tagged with the concept, in the order they were indexed."""
        return tuple(self._postings.get(concept_id, ()))

    def champions(self, concept_id: str) -> tuple[str, ...]:
        """The candidates the concept brings to a related list (see :data:`CHAMPIONS_PER_CONCEPT`)."""
        return self._champions.get(concept_id, ())

    def score_related(self, article_id: str, k: int, linked: set[str], prerequisites: set[str]) -> list[Related]:
        article = self.kb.articles[article_id]
        articles = self.kb.articles
        candidates = set(linked) | prerequisites
        for cid in article.concepts:
            candidates.update(self._champions.get(cid, ()))
        candidates.discard(article_id)
        # This loop runs for every candidate of every article on every build: plain loops and
        # local names, no per-candidate generators or key functions.
        mine, idf = article.concepts, self.idf
        primary = mine[0]
        scored: list[tuple[float, str, str, tuple[str, ...]]] = []
        for other in candidates:
            other_article = articles[other]
            theirs = other_article.concepts
            shared = [c for c in mine if c in theirs]
            score = 0.0
            for c in shared:
                score += idf[c] + (PRIMARY_BONUS if c == primary or c == theirs[0] else 0.0)
            score += (LINK_WEIGHT if other in linked else 0.0) + (PREREQUISITE_WEIGHT if other in prerequisites else 0.0)
            scored.append((-round(score, 9), other_article.title, other, tuple(shared)))
        return [Related(other, round(-negative, 3), shared, other in linked, other in prerequisites)
                for negative, _, other, shared in heapq.nsmallest(k, scored)]

    def ego(self, kind: str, ident: str, radius: int = 1) -> nx.MultiDiGraph:
        """The neighbourhood of a node, following edges in either direction."""
        centre = node(kind, ident)
        undirected = self.graph.to_undirected(as_view=True)
        members = nx.ego_graph(undirected, centre, radius=radius).nodes
        return self.graph.subgraph(members).copy()

    def concept_map(self) -> nx.Graph:
        """Concepts only, linked by co-occurrence weight, broader and related: the whole-vocabulary map."""
        g: nx.Graph[str] = nx.Graph()
        for cid, concept in self.kb.concepts.items():
            g.add_node(cid, label=concept.label, articles=len(self._postings.get(cid, ())))
        for a in self.kb.concepts:
            for b, types in self._concept_edges.get(a, {}).items():
                if a == b:
                    continue
                for kind, weight in types.items():
                    if g.has_edge(a, b):
                        g[a][b]["weight"] += weight
                        g[a][b]["types"] = tuple(sorted(set(g[a][b]["types"]) | {kind}))
                    else:
                        g.add_edge(a, b, weight=weight, types=(kind,))
        return g

    # Export ---------------------------------------------------------------------------------

    def to_json(self) -> str:
        data = nx.node_link_data(self.graph, edges="edges")
        data["nodes"].sort(key=lambda n: n["id"])
        data["edges"].sort(key=lambda e: (e["source"], e["target"], e["key"]))
        return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False, default=str) + "\n"

    def to_graphml(self) -> str:
        export: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        for n in sorted(self.graph.nodes):
            export.add_node(n, **{k: str(v) for k, v in self.graph.nodes[n].items()})
        for u, v, key, data in sorted(self.graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], e[2])):
            export.add_edge(u, v, key=key, **{k: (v2 if isinstance(v2, (int, float, str)) else str(v2))
                                              for k, v2 in data.items()})
        buffer = io.BytesIO()
        nx.write_graphml(export, buffer, encoding="utf-8")
        return buffer.getvalue().decode("utf-8")
