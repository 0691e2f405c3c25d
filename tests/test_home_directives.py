"""The home page's directive options: curated ids, most-linked articles, the audience chooser; all fingerprinted."""

from __future__ import annotations

import pytest
from sphinx_support import REPO

from knowledgebase.graph import ConceptGraph
from knowledgebase.load import load
from knowledgebase.sphinxext.resolve import directive_view
from knowledgebase.views import Views, fingerprint


@pytest.fixture(scope="module")
def views():
    kb = load(REPO / "content").kb
    return Views(kb, ConceptGraph(kb))


def test_most_linked_articles_come_first_and_ties_go_by_title(views):
    cards = directive_view(views, "kb-articles", {"sort": "most-linked", "limit": "6", "layout": "cards"})
    counts = [views.graph.backlink_count(c.link.id) for c in cards]
    assert len(cards) == 6
    assert counts == sorted(counts, reverse=True)
    best = max(views.graph.backlink_count(a) for a in views.kb.articles)
    assert counts[0] == best > 0


def test_curated_ids_are_shown_in_the_order_written_and_unknown_ids_are_left_out(views):
    first, second = sorted(views.kb.articles)[:2]
    cards = directive_view(views, "kb-articles", {"ids": f"{second}, no-such-article {first}"})
    assert [c.link.id for c in cards] == [second, first]
    paths = directive_view(views, "kb-paths", {"ids": "from-proving-to-improving"})
    assert [link.id for link, _, _ in paths] == ["from-proving-to-improving"]


def test_the_fingerprint_of_each_directive_covers_its_new_options(views):
    def print_of(name, options):
        return fingerprint(directive_view(views, name, options))

    assert print_of("kb-audiences", {"layout": "chooser"}) != print_of("kb-audiences", {})
    assert print_of("kb-articles", {"sort": "most-linked"}) != print_of("kb-articles", {"sort": "title"})
    some = sorted(views.kb.paths)
    assert print_of("kb-paths", {"ids": some[0]}) != print_of("kb-paths", {"ids": some[1]})
