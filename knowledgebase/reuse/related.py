"""Related-article lists carried over from an earlier graph wherever what they were scored from is unchanged.

A long-lived process (``kb serve``) makes a new :class:`~knowledgebase.graph.ConceptGraph`
for every rebuild. :class:`RelatedMemory` keeps each list its graph scored with
the inputs it was scored from, so that the next graph's memory can take the
earlier list when its inputs are equal, and, when the same articles and
concepts exist, carry over without looking at them the lists that cannot
have changed at all. Property tests hold every list to a freshly scored one.
"""

from __future__ import annotations

from ..graph import ConceptGraph, Related


class RelatedMemory:
    """The related lists of one graph, with their inputs; made with the memory of the graph before it."""

    def __init__(self, earlier: RelatedMemory | None = None):
        self.earlier = earlier
        self.graph: ConceptGraph | None = None
        self.lists: dict[tuple[str, int], tuple[tuple, list[Related]]] = {}   # (article, k) -> (inputs, list)
        self.champion_inputs: dict[str, tuple] = {}
        self.changed_articles: set[str] = set()   # whose records differ from the earlier graph's
        self.same_related: set[str] = set()       # whose lists cannot differ from the earlier graph's

    def bind(self, graph: ConceptGraph) -> None:
        """Serve ``graph`` (called by the graph as it is made)."""
        self.graph = graph
        earlier = self.earlier
        if earlier is not None and earlier.graph is not None:
            self.changed_articles, self.same_related = self._compare_with(earlier)
            # Their lists are the earlier ones: carried over without looking at their inputs.
            self.lists = {key: found for key, found in earlier.lists.items() if key[0] in self.same_related}

    def related_articles(self, article_id: str, k: int) -> list[Related]:
        """:meth:`ConceptGraph.related_articles`, taken from the earlier graph where its inputs are unchanged."""
        graph = self._bound()
        if article_id in self.same_related and (article_id, k) in self.lists:
            return self.lists[(article_id, k)][1]
        linked, prerequisites = graph.neighbours(article_id)
        inputs = self._related_inputs(article_id, linked, prerequisites)
        earlier = self.earlier.lists.get((article_id, k)) if self.earlier is not None else None
        if earlier is not None and earlier[0] == inputs:
            found = earlier[1]
        else:
            found = graph.score_related(article_id, k, linked, prerequisites)
        self.lists[(article_id, k)] = (inputs, found)
        return found

    def _bound(self) -> ConceptGraph:
        if self.graph is None:
            raise RuntimeError("a RelatedMemory serves the graph it was given to")
        return self.graph

    def _compare_with(self, earlier: RelatedMemory) -> tuple[set[str], set[str]]:
        """(articles whose records changed, articles whose related lists cannot have changed).

        A list is read from its article's record, its neighbours' records and, for each of its
        concepts, what :meth:`_champion_input` and the rarity say. So when the same articles and
        concepts exist as before, a list can change only if its article changed, is a neighbour
        (either way, before or now) of one that changed, or is tagged with a concept whose rarity
        or champion input changed. Anything else (an article added or removed, which changes every
        concept's rarity; a concept added or removed) and every article is taken as changed.
        """
        graph, before = self._bound(), earlier._bound()
        old, new = before.kb.articles, graph.kb.articles
        if old.keys() != new.keys() or before.kb.concepts.keys() != graph.kb.concepts.keys():
            return set(new), set()
        changed = {aid for aid, article in new.items() if old[aid] is not article and old[aid] != article}
        could_change = set(changed)
        for one in (before, graph):
            for aid in changed:
                article = one.kb.articles[aid]
                could_change.update(article.links, article.prerequisites, one.backlinks(aid), one.dependents(aid))
        for cid in graph.kb.concepts:
            if (graph.idf[cid] != before.idf[cid]
                    or self._champion_input(cid) is not earlier.champion_inputs.get(cid)):
                could_change.update(graph.tagged(cid))
        return changed, set(new) - could_change

    def _related_inputs(self, article_id: str, linked: set[str], prerequisites: set[str]) -> tuple:
        """Everything a related list is scored from, for one article: equal inputs, equal list."""
        graph = self._bound()
        article = graph.kb.articles[article_id]
        articles = graph.kb.articles
        linked_ids, prerequisite_ids = tuple(sorted(linked)), tuple(sorted(prerequisites))
        return (article.concepts, linked_ids, prerequisite_ids,
                tuple(graph.idf[c] for c in article.concepts),
                tuple(self._champion_input(c) for c in article.concepts),
                tuple((other, articles[other].concepts, articles[other].title)
                      for other in linked_ids + prerequisite_ids))

    def _champion_input(self, concept_id: str) -> tuple:
        """What scoring reads through one of an article's concepts: which articles are tagged with
        it (so which candidates share it), and of its champions, the candidates it brings, what a
        score and a tie-break read (title, primary concept). Not their other concepts: an article
        that gains or loses a concept changes only the lists of articles tagged with that one."""
        found = self.champion_inputs.get(concept_id)
        if found is None:
            graph = self._bound()
            articles = graph.kb.articles
            found = (graph.tagged(concept_id),
                     tuple((other, articles[other].title, articles[other].concepts[0])
                           for other in graph.champions(concept_id)))
            earlier = self.earlier.champion_inputs.get(concept_id) if self.earlier is not None else None
            # Compared once per concept here; then each article's inputs hold the earlier tuple
            # itself, and comparing them with the earlier inputs stops at "same object".
            self.champion_inputs[concept_id] = found = earlier if earlier == found else found
        return found
