"""The concept graph: related articles, backlinks, concept neighbourhoods, exports, reading time."""

from __future__ import annotations

import io
import json
import math
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import networkx as nx
import pytest

from conftest import BASE_FILES, article, make_corpus
from knowledgebase.graph import CHAMPIONS_PER_CONCEPT, LINK_WEIGHT, PREREQUISITE_WEIGHT, PRIMARY_BONUS, ConceptGraph
from knowledgebase.load import load
from knowledgebase.model import reading_minutes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import generate_corpus  # noqa: E402

# A corpus whose articles a test chooses: the base concepts, audiences and sources, no base articles.
NO_BASE_ARTICLES = {name: None for name in BASE_FILES if name.startswith(("articles/", "paths/"))}
NO_BASE_ARTICLES["audiences/headteacher.md"] = BASE_FILES["audiences/headteacher.md"].split("---\n\n")[0] + "---\n"


@pytest.fixture
def graph_of(load_corpus):
    """Factory: a ConceptGraph over the base concepts and exactly the given articles (id -> text)."""

    def build(articles: dict[str, str], extra: dict[str, str | None] | None = None) -> ConceptGraph:
        files = {**NO_BASE_ARTICLES, **{f"articles/{aid}.md": text for aid, text in articles.items()}, **(extra or {})}
        result = load_corpus(files)
        # Concepts these few articles leave untagged are only KB401 advice.
        problems = [d for d in result.diagnostics if d.code != "KB401"]
        assert problems == [], "\n".join(d.format_text() for d in problems)
        return ConceptGraph(result.kb)

    return build


@pytest.fixture
def base_graph(load_corpus) -> ConceptGraph:
    result = load_corpus()
    assert result.diagnostics == []
    return ConceptGraph(result.kb)


def idf(articles_with_concept: int, total: int) -> float:
    return math.log((1 + total) / (1 + articles_with_concept)) + 1


def ids(related) -> list[str]:
    return [r.article for r in related]


# Related articles --------------------------------------------------------------------------

RARITY = {
    # the focus article is primarily about agency; trust is common, skin in the game is rare
    "focus": article("Focus article", ["agency", "trust", "skin-in-the-game"]),
    "common-sharer": article("Common sharer", ["inquiry", "trust"]),
    "rare-sharer": article("Rare sharer", ["inquiry", "skin-in-the-game"]),
    "filler-one": article("Filler one", ["evaluation-as-process", "trust"]),
    "filler-two": article("Filler two", ["evaluation-as-process", "trust"]),
}


def test_sharing_a_rarer_concept_scores_higher_than_sharing_a_common_one(graph_of):
    related = graph_of(RARITY).related_articles("focus", k=10)
    assert ids(related) == ["rare-sharer", "common-sharer", "filler-one", "filler-two"]
    by_id = {r.article: r for r in related}
    assert by_id["rare-sharer"].score == round(idf(2, 5), 3)
    assert by_id["common-sharer"].score == round(idf(4, 5), 3)
    assert by_id["rare-sharer"].shared_concepts == ("skin-in-the-game",)
    assert by_id["common-sharer"].shared_concepts == ("trust",)


def test_sharing_either_articles_primary_concept_earns_a_bonus(graph_of):
    corpus = {
        "focus": article("Focus article", ["trust", "agency"]),
        "primary-match": article("Primary match", ["trust"]),
        "secondary-match": article("Secondary match", ["agency"]),
        "agency-second": article("Agency second", ["inquiry", "agency"]),
        "other-primary": article("Other primary", ["inquiry"]),
    }
    related = {r.article: r.score for r in graph_of(corpus).related_articles("focus", k=10)}
    # trust: 2 of 5 articles; agency: 3 of 5
    assert related["primary-match"] == round(idf(2, 5) + PRIMARY_BONUS, 3)     # the focus's primary
    assert related["secondary-match"] == round(idf(3, 5) + PRIMARY_BONUS, 3)   # its own primary
    assert related["agency-second"] == round(idf(3, 5), 3)                     # nobody's primary
    assert "other-primary" not in related


@pytest.mark.parametrize("linker", ["focus", "common-sharer"], ids=["focus-links-out", "other-links-in"])
def test_an_explicit_link_either_way_adds_to_the_score(graph_of, linker):
    texts = dict(RARITY)
    target = "common-sharer" if linker == "focus" else "focus"
    title, concepts = {"focus": ("Focus article", ["agency", "trust", "skin-in-the-game"]),
                       "common-sharer": ("Common sharer", ["inquiry", "trust"])}[linker]
    texts[linker] = article(title, concepts, body=f"Read {{article}}`{target}` next.")
    related = graph_of(texts).related_articles("focus", k=10)
    assert ids(related)[0] == "common-sharer"
    first = related[0]
    assert first.linked is True
    assert first.score == round(idf(4, 5) + LINK_WEIGHT, 3)
    assert [r.linked for r in related[1:]] == [False, False, False]


def test_a_prerequisite_either_way_adds_to_the_score(graph_of):
    texts = dict(RARITY)
    texts["filler-two"] = article("Filler two", ["evaluation-as-process", "trust"], prerequisites=["focus"])
    related = graph_of(texts).related_articles("focus", k=10)
    assert ids(related)[0] == "filler-two"
    assert related[0].prerequisite is True
    assert related[0].score == round(idf(4, 5) + PREREQUISITE_WEIGHT, 3)


def test_a_linked_article_that_shares_no_concept_is_still_related(graph_of):
    texts = dict(RARITY)
    texts["unrelated"] = article("Unrelated", ["evaluation-as-process"], body="Compare {article}`focus`.")
    related = {r.article: r for r in graph_of(texts).related_articles("focus", k=10)}
    assert related["unrelated"].shared_concepts == ()
    assert related["unrelated"].linked is True


def test_an_article_with_nothing_in_common_is_not_related(graph_of):
    texts = dict(RARITY)
    texts["elsewhere"] = article("Elsewhere", ["evaluation-as-process"])
    assert "elsewhere" not in ids(graph_of(texts).related_articles("focus", k=10))


TIES = {
    "focus": article("Focus article", ["agency"]),
    "zebra": article("A first title", ["agency"]),
    "alpha": article("B second title", ["agency"]),
    "same-title-second": article("C same title", ["agency"]),
    "same-title-first": article("C same title", ["agency"]),
}


def test_ties_break_by_title_then_by_id(graph_of):
    related = graph_of(TIES).related_articles("focus", k=10)
    assert len({r.score for r in related}) == 1
    assert ids(related) == ["zebra", "alpha", "same-title-first", "same-title-second"]


def test_k_limits_the_number_of_results_and_keeps_the_order(graph_of):
    graph = graph_of(TIES)
    everything = ids(graph.related_articles("focus", k=10))
    assert ids(graph.related_articles("focus", k=2)) == everything[:2]
    assert ids(graph.related_articles("focus", k=1)) == everything[:1]
    assert ids(graph.related_articles("focus")) == everything  # default k=5, only four candidates


def test_an_article_is_never_related_to_itself_even_when_it_links_to_itself(graph_of):
    texts = dict(TIES)
    texts["focus"] = article("Focus article", ["agency"],
                             body="As {article}`focus` says, see [this page](focus.md) again.")
    graph = graph_of(texts)
    assert "focus" not in ids(graph.related_articles("focus", k=10))
    assert graph.backlinks("focus") == []
    assert graph.kb.articles["focus"].links == ()


def test_related_articles_are_the_same_on_every_build(graph_of):
    graph = graph_of(RARITY)
    again = ConceptGraph(load(graph.kb.root).kb)
    assert graph.related_articles("focus", k=10) == again.related_articles("focus", k=10)


# A hub concept: more articles than its candidate list holds -----------------------------------

def hub(**central: str) -> dict[str, str]:
    """A corpus where `trust` has more articles than CHAMPIONS_PER_CONCEPT: the focus article, as
    many fillers (trust as their second concept, ids first in id order) and the ``central`` ones."""
    texts = {"focus": article("Focus article", ["agency", "trust"])}
    for number in range(CHAMPIONS_PER_CONCEPT):
        texts[f"a-filler-{number:03}"] = article(f"Filler {number:03}", ["inquiry", "trust"])
    return {**texts, **central}


def test_a_hub_concepts_candidates_are_the_articles_about_it_before_those_that_only_mention_it(graph_of):
    graph = graph_of(hub(**{"zz-about-trust": article("Mostly about trust", ["trust"])}))
    assert len(graph.articles_for("trust")) > CHAMPIONS_PER_CONCEPT
    # its primary concept is trust, so it shares trust with the bonus and outscores every filler
    assert ids(graph.related_articles("focus", k=2))[0] == "zz-about-trust"


def test_a_hub_concepts_candidates_are_then_the_most_linked_to(graph_of):
    graph = graph_of(hub(**{
        "zz-well-linked": article("A well-linked guide", ["inquiry", "trust"]),
        "linker-one": article("Linker one", ["evaluation-as-process"], body="See {article}`zz-well-linked`."),
        "linker-two": article("Linker two", ["evaluation-as-process"], body="See {article}`zz-well-linked`."),
    }))
    assert len(graph.articles_for("trust")) > CHAMPIONS_PER_CONCEPT
    # it ties with the fillers on score and wins on title, if it is a candidate at all
    assert ids(graph.related_articles("focus", k=2)) == ["zz-well-linked", "a-filler-000"]


# Backlinks ---------------------------------------------------------------------------------


def test_backlinks_come_from_article_roles_and_plain_markdown_links(graph_of):
    graph = graph_of({
        "target": article("Target", ["trust"]),
        "by-role": article("By role", ["trust"], body="See {article}`the target <target>`."),
        "by-link": article("By link", ["inquiry"], body="See [the target](target.md#why)."),
        "by-relative-link": article("By relative link", ["agency"], body="See [the target](../articles/target.md)."),
        "in-code": article("In code", ["agency"], body="```\n{article}`target` [x](target.md)\n```\n"),
        "external": article("External", ["agency"], body="See [a site](https://example.org/target.md)."),
    })
    assert graph.backlinks("target") == ["by-link", "by-relative-link", "by-role"]
    assert graph.backlinks("by-role") == []


def test_a_page_that_links_twice_is_one_backlink(graph_of):
    graph = graph_of({
        "target": article("Target", ["trust"]),
        "twice": article("Twice", ["trust"], body="See {article}`target`, and [again](target.md)."),
    })
    assert graph.backlinks("target") == ["twice"]


def test_links_from_concept_and_audience_pages_are_not_article_backlinks(base_graph):
    # the headteacher audience page links to trust-before-tests; no article does
    assert base_graph.backlinks("trust-before-tests") == []
    assert base_graph.backlinks("monitoring-as-a-process") == ["trust-before-tests"]
    assert base_graph.backlinks("teacher-led-inquiry") == ["monitoring-as-a-process"]


def test_dependents_and_paths_of_an_article(base_graph):
    assert base_graph.dependents("trust-before-tests") == ["monitoring-as-a-process"]
    assert base_graph.paths_with("trust-before-tests") == ["trust-for-inquiry"]
    assert base_graph.paths_with("leading-as-lead-learner") == []


# Concepts ----------------------------------------------------------------------------------


def test_articles_for_a_concept_in_id_order_including_articles_that_used_an_alias(base_graph):
    assert base_graph.articles_for("trust") == ["research-on-trust", "teacher-led-inquiry", "trust-before-tests"]
    # monitoring-as-a-process writes `process not event` and `teacher inquiry`
    assert base_graph.articles_for("evaluation-as-process") == ["monitoring-as-a-process", "trust-before-tests"]
    assert base_graph.articles_for("inquiry") == ["leading-as-lead-learner", "monitoring-as-a-process",
                                                  "teacher-led-inquiry"]
    assert base_graph.articles_for("no-such-concept") == []


def test_narrower_concepts_are_those_that_name_it_as_broader(base_graph):
    assert base_graph.narrower("inquiry") == ["evaluation-as-process"]
    assert base_graph.narrower("agency") == ["skin-in-the-game"]
    assert base_graph.narrower("trust") == []


def test_related_concepts_go_both_ways(base_graph):
    # trust names inquiry and agency; evaluation-as-process, inquiry and skin-in-the-game name trust
    assert base_graph.related_concepts("trust") == ["agency", "evaluation-as-process", "inquiry",
                                                    "skin-in-the-game"]
    assert base_graph.related_concepts("agency") == ["skin-in-the-game", "trust"]


def test_co_occurrence_counts_the_articles_that_tag_both(base_graph):
    # agency and inquiry are both on teacher-led-inquiry and leading-as-lead-learner
    assert base_graph.cooccurring("inquiry") == [("agency", 2), ("evaluation-as-process", 1), ("trust", 1)]
    assert base_graph.cooccurring("agency") == [("inquiry", 2), ("skin-in-the-game", 1), ("trust", 1)]
    assert base_graph.cooccurring("inquiry", k=1) == [("agency", 2)]
    weights = {(u, v): d["weight"] for u, v, d in base_graph.graph.edges(data=True) if d["type"] == "co-occurs"}
    assert weights[("concept:agency", "concept:inquiry")] == 2
    assert ("concept:inquiry", "concept:agency") not in weights  # one edge per pair, in id order


def test_the_concept_map_holds_only_concepts_with_their_article_counts(base_graph):
    concept_map = base_graph.concept_map()
    assert sorted(concept_map.nodes) == ["agency", "evaluation-as-process", "inquiry", "skin-in-the-game", "trust"]
    assert concept_map.nodes["trust"]["articles"] == 3
    assert concept_map.nodes["skin-in-the-game"]["articles"] == 1
    assert set(concept_map["skin-in-the-game"]["agency"]["types"]) == {"broader", "related", "co-occurs"}


def test_the_queries_a_build_makes_without_the_networkx_graph_agree_with_it(tmp_path):
    # A build never makes the networkx graph: co-occurrence and the concept map come from
    # dictionaries made alongside, and must be what the graph's edges say, in its order.
    content = tmp_path / "content"
    generate_corpus.write_corpus(content, 200, seed=3)
    graph = ConceptGraph(load(content).kb)
    concept_map = graph.concept_map()
    assert "graph" not in vars(graph)
    g = graph.graph
    expected = nx.Graph()
    expected.add_nodes_from(concept_map.nodes(data=True))
    counts: dict[str, list] = {cid: [] for cid in graph.kb.concepts}
    for u, v, data in g.edges(data=True):
        if g.nodes[u]["kind"] != "concept" or g.nodes[v]["kind"] != "concept":
            continue
        a, b = g.nodes[u]["id"], g.nodes[v]["id"]
        if data["type"] == "co-occurs":
            counts[a].append((b, data["weight"]))
            counts[b].append((a, data["weight"]))
        if expected.has_edge(a, b):
            expected[a][b]["weight"] += data.get("weight", 1)
            expected[a][b]["types"] = tuple(sorted(set(expected[a][b]["types"]) | {data["type"]}))
        elif a != b:
            expected.add_edge(a, b, weight=data.get("weight", 1), types=(data["type"],))
    assert list(concept_map.edges(data=True)) == list(expected.edges(data=True))
    for cid, found in counts.items():
        assert graph.cooccurring(cid, len(counts)) == sorted(found, key=lambda item: (-item[1], item[0]))


# Ego graphs --------------------------------------------------------------------------------


def test_the_ego_graph_of_an_article_holds_its_direct_neighbours_only(base_graph):
    ego = base_graph.ego("article", "trust-before-tests")
    assert set(ego.nodes) == {
        "article:trust-before-tests",
        "concept:trust", "concept:evaluation-as-process",   # tagged
        "source:trust-report",                              # cites
        "article:monitoring-as-a-process",                  # links to it, and is required by it
        "path:trust-for-inquiry",                           # a step of it
    }
    types = {d["type"] for _, _, d in ego.edges(data=True)}
    assert {"tagged", "cites", "links-to", "prerequisite", "step-of"} <= types


def test_the_ego_graph_of_a_concept(base_graph):
    ego = base_graph.ego("concept", "skin-in-the-game")
    assert set(ego.nodes) == {"concept:skin-in-the-game", "concept:agency", "concept:trust",
                              "article:skin-in-the-game-explained"}


def test_a_wider_radius_reaches_further(base_graph):
    near = set(base_graph.ego("concept", "skin-in-the-game").nodes)
    far = set(base_graph.ego("concept", "skin-in-the-game", radius=2).nodes)
    assert near < far
    assert "source:stake-essay" in far and "source:stake-essay" not in near


def test_every_node_carries_kind_id_and_label(base_graph):
    for key, data in base_graph.graph.nodes(data=True):
        assert key == f"{data['kind']}:{data['id']}"
        assert data["label"]


# Broken records do not break the graph -----------------------------------------------------


def test_an_article_that_failed_to_load_is_left_out_of_the_graph_even_when_others_point_to_it(corpus):
    content = corpus({
        "articles/unfinished.md": "---\ntitle: Unfinished\nconcepts: [trust]\naudience: [teacher]\nkind: guide\n---\n",
        "articles/focus.md": article("Focus article", ["trust"], prerequisites=["unfinished"],
                                     body="Read {article}`unfinished` first."),
    })
    result = load(content)
    assert [d.code for d in result.diagnostics] == ["KB101"]
    graph = ConceptGraph(result.kb)
    assert "unfinished" not in ids(graph.related_articles("focus", k=20))
    assert "article:unfinished" not in graph.graph
    graph.concept_map()
    json.loads(graph.to_json())


def test_a_concept_that_failed_to_load_does_not_break_related_articles(corpus):
    content = corpus({
        "concepts/peer-challenge.md": "---\nlabel: Peer challenge\n---\n\nNo definition yet.\n",
        "articles/focus.md": article("Focus article", ["peer-challenge", "trust"]),
    })
    result = load(content)
    assert [d.code for d in result.diagnostics] == ["KB101"]
    graph = ConceptGraph(result.kb)
    related = graph.related_articles("focus", k=20)
    assert "trust-before-tests" in ids(related)
    assert all(data.get("kind") for _, data in graph.graph.nodes(data=True))
    graph.concept_map()


# Export ------------------------------------------------------------------------------------


def test_json_export_is_node_link_data_that_round_trips(base_graph):
    data = json.loads(base_graph.to_json())
    assert data["directed"] is True and data["multigraph"] is True
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["article:trust-before-tests"]["label"] == "Trust before tests"
    assert nodes["concept:skin-in-the-game"]["kind"] == "concept"
    assert len(data["edges"]) == base_graph.graph.number_of_edges()
    rebuilt = nx.node_link_graph(data, edges="edges")
    assert set(rebuilt.nodes) == set(base_graph.graph.nodes)
    assert [n["id"] for n in data["nodes"]] == sorted(nodes)


def test_graphml_export_is_valid_xml_that_round_trips(base_graph):
    text = base_graph.to_graphml()
    ElementTree.fromstring(text.encode("utf-8"))
    rebuilt = nx.read_graphml(io.BytesIO(text.encode("utf-8")))
    assert set(rebuilt.nodes) == set(base_graph.graph.nodes)
    assert rebuilt.number_of_edges() == base_graph.graph.number_of_edges()
    assert rebuilt.nodes["article:trust-before-tests"]["label"] == "Trust before tests"


def test_titles_with_markup_characters_are_escaped_in_both_exports(graph_of):
    title = 'Trust & "tests" <script>alert(1)</script>'
    graph = graph_of({"tricky": article(f"'{title}'", ["trust"], body="A body in plain prose.")})
    assert graph.kb.articles["tricky"].title == title
    rebuilt = nx.read_graphml(io.BytesIO(graph.to_graphml().encode("utf-8")))
    assert rebuilt.nodes["article:tricky"]["label"] == title
    assert "<script>" not in graph.to_graphml()
    data = json.loads(graph.to_json())
    assert {n["id"]: n for n in data["nodes"]}["article:tricky"]["label"] == title


def test_exports_are_byte_identical_across_two_builds_of_the_same_content(workdir):
    first = ConceptGraph(load(make_corpus(workdir, folder="first")).kb)
    second = ConceptGraph(load(make_corpus(workdir, folder="second")).kb)
    assert first.to_json() == second.to_json()
    assert first.to_graphml() == second.to_graphml()
    assert first.to_json() == first.to_json()


# Reading time ------------------------------------------------------------------------------


@pytest.mark.parametrize("words, minutes", [(0, 1), (1, 1), (200, 1), (201, 2), (400, 2), (401, 3)])
def test_reading_time_rounds_up_at_200_words_a_minute_and_is_at_least_one(words, minutes):
    assert reading_minutes(words) == minutes


def test_reading_time_counts_prose_words_but_not_code_blocks(graph_of):
    prose = " ".join(["trust"] * 401)
    code = "```python\n" + "\n".join(["print('not prose')"] * 300) + "\n```\n"
    graph = graph_of({
        "long": article("Long read", ["trust"], body=prose),
        "with-code": article("With code", ["trust"], body="Trust grows slowly.\n\n" + code),
    })
    assert graph.kb.articles["long"].word_count == 401
    assert graph.kb.articles["long"].reading_time == 3
    assert graph.kb.articles["with-code"].word_count == 3
    assert graph.kb.articles["with-code"].reading_time == 1


def test_word_count_counts_the_shown_text_of_a_role(graph_of):
    graph = graph_of({
        "target": article("Target", ["trust"]),
        "roles": article("Roles", ["trust"], body="Read {article}`the guide <target>` today."),
    })
    # "Read", "the", "guide", "today"
    assert graph.kb.articles["roles"].word_count == 4
