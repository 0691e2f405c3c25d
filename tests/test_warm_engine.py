"""What a long-lived process (`kb serve`) reuses between builds gives exactly what computing afresh gives.

* the search index, updated page by page, holds the same files as a fresh index of the same pages,
  and a one-off index, which makes its files one at a time, makes those files too;
* related lists reused from an earlier graph equal the lists a fresh graph scores;
* article views (and their fingerprints) reused from earlier views equal fresh ones, and a kept
  view is the earlier object only while it is equal;
* `same_published_data` says "nothing to show again" only when every view is indeed the same.
"""

from __future__ import annotations

from dataclasses import replace
from unittest.mock import patch

from hypothesis import given, settings
from hypothesis import strategies as st

from knowledgebase.graph import ConceptGraph
from knowledgebase.model import Article, Concept, KnowledgeBase
from knowledgebase.search.index import SearchEntry, SearchIndex
from knowledgebase.reuse.published import same_published_data
from knowledgebase.reuse.related import RelatedMemory
from knowledgebase.reuse.views import ViewMemory
from knowledgebase.views import Views, fingerprint

WORDS = ("trust", "inquiry", "leaders", "learning", "schools", "teachers", "organisation", "programme",
         "évaluation", "pupils", "partnership", "design", "risk", "Straße")
CONCEPTS = {"trust": "Trust", "inquiry": "Inquiry", "risk": "Skin in the game"}
AUDIENCES = {"headteacher": "Headteachers", "teacher": "Teachers"}

texts = st.lists(st.sampled_from(WORDS), max_size=40).map(" ".join)
entries = st.builds(
    lambda title, summary, blocks, concepts, audiences: (title, summary, tuple(blocks), tuple(concepts), tuple(audiences)),
    texts, texts, st.lists(texts, max_size=4), st.lists(st.sampled_from(sorted(CONCEPTS)), unique=True, max_size=2),
    st.lists(st.sampled_from(sorted(AUDIENCES)), unique=True, max_size=2))


def entry(number: int, fields) -> SearchEntry:
    title, summary, blocks, concepts, audiences = fields
    return SearchEntry(f"articles/a{number}.html", title, summary, "guide", concepts, audiences, blocks)


def fresh_files(pages: list[SearchEntry]) -> dict[str, str]:
    index = SearchIndex()
    index.update(pages, CONCEPTS, AUDIENCES)
    return index.files("source")[0]

def reusing_graph(kb: KnowledgeBase, earlier: ConceptGraph | None = None) -> ConceptGraph:
    """A graph as a long-lived process makes one: with the memory of its related lists, after ``earlier``."""
    return ConceptGraph(kb, RelatedMemory(earlier.related_lists if earlier is not None else None))


def reusing_views(kb: KnowledgeBase, graph: ConceptGraph, earlier: Views | None = None) -> Views:
    """Views as a long-lived process makes them: with their memory, after ``earlier``."""
    return Views(kb, graph, ViewMemory(graph.related_lists, earlier.memory if earlier is not None else None))



@settings(max_examples=60, deadline=None)
@given(st.lists(entries, min_size=1, max_size=12), st.data())
def test_a_search_index_updated_page_by_page_holds_what_a_fresh_index_holds(first, data):
    pages = [entry(n, fields) for n, fields in enumerate(first)]
    index = SearchIndex()
    index.update(pages, CONCEPTS, AUDIENCES)
    on_disk = dict(index.files("source")[0])
    for _ in range(data.draw(st.integers(1, 5), label="edits")):
        number = data.draw(st.integers(0, len(pages) - 1), label="page")
        pages[number] = entry(number, data.draw(entries, label="new text"))
        index.update(pages, CONCEPTS, AUDIENCES)
        changed, removed = index.files("source")
        on_disk.update(changed)
        for name in removed:
            del on_disk[name]
        assert on_disk == fresh_files(pages)


@settings(max_examples=60, deadline=None)
@given(st.lists(entries, max_size=12))
def test_a_one_off_search_index_makes_the_files_a_kept_index_returns_one_by_one(fields):
    pages = [entry(n, f) for n, f in enumerate(fields)]
    index = SearchIndex(incremental=False)
    index.update(pages, CONCEPTS, AUDIENCES)
    names = [name for name, _ in index.texts("source")]
    assert dict(index.texts("source")) == fresh_files(pages)
    assert names[-1] == "meta.json" and set(names) == index.names()


def test_a_search_index_returns_only_the_files_an_edit_changes():
    pages = [entry(n, (f"Title {n}", "summary", (f"{w} leaders",), ("trust",), ("teacher",)))
             for n, w in enumerate(("schools", "pupils", "design"))]
    index = SearchIndex()
    index.update(pages, CONCEPTS, AUDIENCES)
    index.files("one")
    pages[1] = entry(1, ("Title 1", "summary", ("partnership leaders",), ("trust",), ("teacher",)))
    index.update(pages, CONCEPTS, AUDIENCES)
    changed, removed = index.files("two")
    # "pupils" -> "partnership": its page, the new word's shard, the pair shard that held "pupil leader"
    # and now holds "partnership leader", and meta.json, which names the shards and the source
    assert set(changed) == {"doc-1-0.json", "terms-pa.json", "pairs-pl.json", "meta.json"}
    assert removed == {"terms-pu.json"}  # no page has a word in "pu" any more


# Related lists ---------------------------------------------------------------------------------

CONCEPT_IDS = ("agency", "inquiry", "risk", "trust")


def corpus(articles: dict[str, Article]) -> KnowledgeBase:
    concepts = {c: Concept(c, f"concepts/{c}.md", c.title(), "A concept.") for c in CONCEPT_IDS}
    return KnowledgeBase("content", articles, concepts, {}, {}, {}, {c: c for c in CONCEPT_IDS})


article_fields = st.fixed_dictionaries({
    "concepts": st.lists(st.sampled_from(CONCEPT_IDS), min_size=1, max_size=3, unique=True).map(tuple),
    "title": st.sampled_from(("Alpha", "Beta", "Gamma", "Delta")),
    "summary": st.sampled_from(("Summary.", "Another summary.")),   # shown in cards, not read by scoring
    "links": st.lists(st.sampled_from([f"a{n}" for n in range(8)]), max_size=2, unique=True),
    "prerequisites": st.lists(st.sampled_from([f"a{n}" for n in range(8)]), max_size=1)})


def make(aid: str, fields: dict, ids: set[str]) -> Article:
    return Article(aid, f"articles/{aid}.md", fields["title"], fields.get("summary", "Summary."), fields["concepts"],
                   ("teacher",), "guide",
                   prerequisites=tuple(p for p in fields["prerequisites"] if p in ids and p != aid),
                   links=tuple(sorted(x for x in fields["links"] if x in ids and x != aid)))


@settings(max_examples=150, deadline=None)
@given(st.lists(article_fields, min_size=2, max_size=8), st.data())
def test_related_lists_reused_from_an_earlier_graph_equal_freshly_scored_ones(first, data):
    check_reused_related_lists(first, data)


@settings(max_examples=150, deadline=None)
@given(st.lists(article_fields, min_size=2, max_size=8), st.data())
def test_related_lists_reused_from_an_earlier_graph_equal_fresh_ones_when_concepts_bring_few_candidates(first, data):
    # A common concept brings only its most central articles as candidates; with a limit of two,
    # most concepts here are common, and edits move articles in and out of those short lists.
    with patch("knowledgebase.graph.CHAMPIONS_PER_CONCEPT", 2):
        check_reused_related_lists(first, data)


def test_gaining_a_concept_scores_again_only_the_lists_of_articles_tagged_with_it():
    fields = {"a0": ("trust", "inquiry"), "a1": ("trust",), "a2": ("inquiry",), "a3": ("risk",), "a4": ("risk",)}
    articles = {aid: make(aid, {"concepts": c, "title": aid.upper(), "links": [], "prerequisites": []}, set())
                for aid, c in fields.items()}
    graph = reusing_graph(corpus(articles))
    before = {aid: graph.related_articles(aid) for aid in articles}
    edited = corpus(articles | {"a0": replace(articles["a0"], concepts=("trust", "inquiry", "risk"))})
    again = reusing_graph(edited, graph)
    # a1 and a2 share a concept with a0, but not the one it gained: their lists are the earlier ones
    assert again.related_articles("a1") is before["a1"] and again.related_articles("a2") is before["a2"]
    # a3 and a4 are tagged with it: now a0 is related to them
    assert [r.article for r in again.related_articles("a3")] == ["a0", "a4"]
    assert again.related_articles("a0") == ConceptGraph(edited).related_articles("a0")


def test_a_concept_one_article_gains_and_another_loses_in_one_build_scores_lists_again():
    # The concept's rarity and its champions (the two articles it is primary for) stay as they
    # were; what changes is that o, a candidate of b through trust, now shares risk with b as well.
    fields = {"b": ("trust", "risk"), "o": ("trust",), "p": ("inquiry", "risk"), "r1": ("risk",), "r2": ("risk",)}
    articles = {aid: make(aid, {"concepts": c, "title": aid.upper(), "links": [], "prerequisites": []}, set())
                for aid, c in fields.items()}
    with patch("knowledgebase.graph.CHAMPIONS_PER_CONCEPT", 2):
        graph = reusing_graph(corpus(articles))
        graph.related_articles("b")
        edited = corpus(articles | {"o": replace(articles["o"], concepts=("trust", "risk")),
                                    "p": replace(articles["p"], concepts=("inquiry",))})
        assert reusing_graph(edited, graph).related_articles("b") == ConceptGraph(edited).related_articles("b")


def check_reused_related_lists(first, data) -> None:
    ids = {f"a{n}" for n in range(len(first))}
    fields = {f"a{n}": f for n, f in enumerate(first)}
    graph = reusing_graph(corpus({aid: make(aid, f, ids) for aid, f in fields.items()}))
    for aid in sorted(ids):
        graph.related_articles(aid)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        # One build may take in several saved files (a branch checked out): say one article gains
        # a concept that another loses, and the concept's rarity stays as it was.
        edited = data.draw(st.lists(st.sampled_from([f"a{n}" for n in range(len(ids) + 1)]), min_size=1,
                                    max_size=2, unique=True), label="edited or new")
        for aid in edited:
            ids.add(aid)  # a new article changes every concept's rarity
            fields[aid] = data.draw(article_fields, label="new fields")
        kb = corpus({a: make(a, f, ids) for a, f in fields.items()})
        graph, fresh = reusing_graph(kb, graph), ConceptGraph(kb)
        for other in sorted(ids):
            assert graph.related_articles(other) == fresh.related_articles(other), other


# Article views ------------------------------------------------------------------------------------

def corpus_with_labels(articles: dict[str, Article], labels: dict[str, str]) -> KnowledgeBase:
    concepts = {c: Concept(c, f"concepts/{c}.md", labels.get(c, c.title()), "A concept.") for c in CONCEPT_IDS}
    return KnowledgeBase("content", articles, concepts, {}, {}, {}, {c: c for c in CONCEPT_IDS})


@settings(max_examples=150, deadline=None)
@given(st.lists(article_fields, min_size=2, max_size=8), st.data())
def test_article_views_reused_from_earlier_views_equal_fresh_ones(first, data):
    ids = {f"a{n}" for n in range(len(first))}
    fields, labels = {f"a{n}": f for n, f in enumerate(first)}, {}
    kb = corpus_with_labels({aid: make(aid, f, ids) for aid, f in fields.items()}, labels)
    graph = reusing_graph(kb)
    views = reusing_views(kb, graph)
    for aid in sorted(ids):
        views.fingerprint(views.article(aid))
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        if data.draw(st.booleans(), label="relabel a concept"):
            labels[data.draw(st.sampled_from(CONCEPT_IDS), label="concept")] = data.draw(
                st.sampled_from(("Agency", "Trust and risk", "Inquiry")), label="label")
        else:
            edited = data.draw(st.lists(st.sampled_from([f"a{n}" for n in range(len(ids) + 1)]), min_size=1,
                                        max_size=2, unique=True), label="edited or new")
            for aid in edited:
                ids.add(aid)
                fields[aid] = data.draw(article_fields, label="new fields")
        kb = corpus_with_labels({a: make(a, f, ids) for a, f in fields.items()}, labels)
        graph = reusing_graph(kb, graph)
        views, fresh = reusing_views(kb, graph, views), Views(kb, ConceptGraph(kb))
        for aid in sorted(ids):
            assert views.article(aid) == fresh.article(aid), aid
            assert views.fingerprint(views.article(aid)) == fingerprint(fresh.article(aid)), aid


def test_an_unchanged_corpus_reuses_every_article_view_and_its_fingerprint():
    fields = {"concepts": ("trust", "risk"), "title": "Alpha", "links": [], "prerequisites": []}
    articles = {aid: make(aid, fields, {"a0", "a1", "a2"}) for aid in ("a0", "a1", "a2")}
    kb = corpus(articles)
    graph = reusing_graph(kb)
    first = reusing_views(kb, graph)
    before = {aid: first.article(aid) for aid in articles}
    fingerprints = {aid: first.fingerprint(view) for aid, view in before.items()}
    again = corpus(dict(articles))
    second = reusing_views(again, reusing_graph(again, graph), first)
    for aid in articles:
        assert second.article(aid) is before[aid]
        assert second.fingerprint(second.article(aid)) == fingerprints[aid]
    edited = corpus(articles | {"a1": replace(articles["a1"], title="Beta")})
    third = reusing_views(edited, reusing_graph(edited, graph), second)
    assert third.article("a1") is not before["a1"] and third.article("a1").title == "Beta"
    assert third.article("a0") is not before["a0"]  # it lists a1, now titled Beta, as related


def test_a_kept_view_is_made_once_per_build_and_is_the_earlier_object_while_it_is_equal():
    fields = {"concepts": ("trust",), "title": "Alpha", "links": [], "prerequisites": []}
    articles = {aid: make(aid, fields, set()) for aid in ("a0", "a1")}
    kb = corpus(articles)
    first = reusing_views(kb, reusing_graph(kb))
    made = []

    def every_card(views):
        made.append(views)
        return views.article_list()

    listing = first.kept("all", lambda: every_card(first))
    assert first.kept("all", lambda: every_card(first)) is listing and made == [first]
    again = corpus(dict(articles))
    second = reusing_views(again, reusing_graph(again, first.graph), first)
    assert second.kept("all", lambda: every_card(second)) is listing
    retitled = corpus(articles | {"a1": replace(articles["a1"], title="Beta")})
    third = reusing_views(retitled, reusing_graph(retitled, second.graph), second)
    assert third.kept("all", lambda: every_card(third)) != listing


# Published data ----------------------------------------------------------------------------------

def test_a_body_edit_that_keeps_the_reading_time_publishes_nothing_new():
    before = corpus({"a0": Article("a0", "articles/a0.md", "Alpha", "S.", ("trust",), ("teacher",), "guide",
                                   word_count=410)})
    after = corpus({"a0": replace(before.articles["a0"], word_count=420)})
    assert before.articles["a0"].reading_time == after.articles["a0"].reading_time
    assert same_published_data(before, after)
    graph = ConceptGraph(before)
    assert Views(before, graph).article("a0") == Views(after, ConceptGraph(after)).article("a0")


def test_a_new_reading_time_or_title_is_published_data():
    before = corpus({"a0": Article("a0", "articles/a0.md", "Alpha", "S.", ("trust",), ("teacher",), "guide",
                                   word_count=410)})
    assert not same_published_data(before, corpus({"a0": replace(before.articles["a0"], word_count=900)}))
    assert not same_published_data(before, corpus({"a0": replace(before.articles["a0"], title="Beta")}))
    assert not same_published_data(before, corpus({"a0": replace(before.articles["a0"], concepts=("risk",))}))
