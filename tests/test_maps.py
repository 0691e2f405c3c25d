"""The concept map's layout (knowledgebase/maps.py), on the real vocabulary and on hostile labels."""

from __future__ import annotations

import re

import pytest
from sphinx_support import REPO

from knowledgebase import maps
from knowledgebase.graph import ConceptGraph
from knowledgebase.load import load
from knowledgebase.views import Link, MapNode, MapView, Views


@pytest.fixture(scope="module")
def views():
    kb = load(REPO / "content").kb
    return Views(kb, ConceptGraph(kb))


def href(link: Link) -> str:
    return f"{link.kind}s/{link.id}.html"


def test_long_labels_wrap_at_spaces_within_the_line_length():
    lines = maps.wrap("Case study: maths feedback stickers in a primary partnership")
    assert all(len(line) <= maps.LINE_CHARS for line in lines)
    assert " ".join(lines) == "Case study: maths feedback stickers in a primary partnership"


def test_a_label_too_long_for_its_lines_ends_with_an_ellipsis_and_a_long_word_is_cut():
    assert maps.wrap("word " * 40, max_lines=2)[-1].endswith("…")
    assert all(len(line) <= maps.LINE_CHARS for line in maps.wrap("x" * 60))


def test_every_concept_is_in_exactly_one_cluster_and_clusters_are_named_after_a_member(views):
    view = views.vocabulary_map()
    groups = maps.communities(view)
    keys = [k for g in groups for k in g.keys]
    assert sorted(keys) == sorted(n.key for n in view.nodes)
    labels = {n.key: n.link.label for n in view.nodes}
    for group in groups:
        assert group.heading.removeprefix("Around ").lower() in {labels[k].lower() for k in group.keys}
    assert len(groups) >= 3


def test_every_concept_in_a_cluster_has_a_drawn_link_to_another_member(views):
    view = views.vocabulary_map()
    drawn = {frozenset((u, v)) for u, v, _ in maps.strongest_edges(view)}
    for group in maps.communities(view):
        if len(group.keys) > 1:
            for key in group.keys:
                assert any(frozenset((key, other)) in drawn for other in group.keys if other != key), key


def test_weak_links_the_map_does_not_draw_leave_the_clusters_as_they_were(views):
    view = views.vocabulary_map()
    drawn = {(u, v) for u, v, _ in maps.strongest_edges(view)}
    weakened = MapView(view.title, view.nodes, tuple(
        (u, v, w) if (u, v) in drawn else (u, v, 1) for u, v, w in view.edges))
    assert weakened.edges != view.edges
    assert maps.communities(weakened) == maps.communities(view)


def test_rows_never_share_vertical_space(views):
    view = views.vocabulary_map()
    labels = {n.key: n.link.label for n in view.nodes}
    kinds = {n.key: n.link.kind for n in view.nodes}
    _, rows, height = maps.layout(maps.communities(view), labels, kinds)
    spans = sorted((r.y - (10 + maps.LINE_PX * len(r.lines)) / 2, r.y + (10 + maps.LINE_PX * len(r.lines)) / 2)
                   for r in rows)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:]))
    assert spans[-1][1] <= height


def test_the_svg_is_drawn_at_its_natural_size_with_labels_at_15_px(views):
    svg = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True, element_id="kb-concept-map")
    width, height, box_width, box_height = map(int, re.search(
        r'width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"', svg).groups())
    assert (width, height) == (box_width, box_height)  # one CSS px per unit: the labels are never scaled
    assert width <= 288  # fits the text column of a 320 px screen
    assert set(re.findall(r'<text font-size="(\d+)"', svg)) == {"15"}


def test_link_weight_sets_the_stroke_width(views):
    svg = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True)
    pairs = {(int(w), float(s)) for s, w in re.findall(r'stroke-width="([\d.]+)" data-weight="(\d+)"', svg)}
    by_weight = sorted(pairs)
    assert len(by_weight) >= 3
    assert all(a[1] < b[1] for a, b in zip(by_weight, by_weight[1:]) if a[0] < b[0])


def test_a_local_map_puts_the_current_concept_first_and_marks_it(views):
    svg = maps.render_svg(views.concept_local_map("trust"), href)
    nodes = re.findall(r'<a class="([^"]+)" href="[^"]+" aria-label="([^"]+)"', svg)
    assert nodes[0] == ("kb-map-node kb-map-concept kb-map-centre", "Trust")
    assert svg.count('aria-current="page"') == 1


def test_the_same_view_gives_the_same_bytes(views):
    first = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True)
    assert maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True) == first


def test_labels_and_definitions_are_escaped():
    hostile = Link("concept", "x", '<script>alert(1)</script> & "quotes"', "</title><img src=x onerror=alert(1)>")
    view = MapView('<b>map</b>', (MapNode("concept:x", hostile, centre=True),), ())
    svg = maps.render_svg(view, lambda link: 'javascript:"x"')
    assert "<script>" not in svg and "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "&quot;quotes&quot;" in svg
