"""The concept maps (knowledgebase/maps.py and the map views): the real vocabulary, small corpora, hostile labels."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from itertools import pairwise

import pytest
from conftest import article
from sphinx_support import REPO

from knowledgebase import maps
from knowledgebase.graph import ConceptGraph
from knowledgebase.load import load
from knowledgebase.views import (
    MAP_NEIGHBOURS,
    MAP_TAGGED_TOGETHER,
    RELATED_COUNT,
    VOCABULARY_MAP_CONCEPTS,
    Link,
    MapNode,
    MapView,
    Views,
)


@pytest.fixture(scope="module")
def views():
    kb = load(REPO / "content").kb
    return Views(kb, ConceptGraph(kb))


def views_of(content) -> Views:
    kb = load(content).kb
    return Views(kb, ConceptGraph(kb))


def href(link: Link) -> str:
    return f"{link.kind}s/{link.id}.html"


class Elements(HTMLParser):
    """Every element of a piece of HTML or SVG: (tag, attributes, text inside it)."""

    def __init__(self, markup: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict, list[str]]] = []
        self.open: list[list[str]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs), []))
        self.open.append(self.found[-1][2])

    def handle_startendtag(self, tag, attrs):
        self.found.append((tag, dict(attrs), []))

    def handle_endtag(self, tag):
        if self.open:
            self.open.pop()

    def handle_data(self, data):
        for texts in self.open:
            texts.append(data)

    def all(self, tag: str, cls: str | None = None) -> list[tuple[dict, str]]:
        return [(a, "".join(t)) for name, a, t in self.found
                if name == tag and (cls is None or cls in a.get("class", "").split())]


def node_keys(svg: str) -> dict[str, str]:
    """What each node's ``data-key`` stands for: the view's key of the node it links to (see ``href``)."""
    keys = {}
    for a, _ in Elements(svg).all("a", "kb-map-node"):
        folder, page = a["href"].split("/")
        keys[a["data-key"]] = f"{folder.removesuffix('s')}:{page.removesuffix('.html')}"
    return keys


def curves(svg: str) -> list[tuple[frozenset, float]]:
    """Each drawn curve's two ends (the view's node keys, from its ``data-ends``) and its stroke width."""
    key = node_keys(svg)
    return [(frozenset(key[end] for end in a["data-ends"].split()), float(a["stroke-width"]))
            for a, _ in Elements(svg).all("path")]


def titles(svg: str) -> dict[str, str]:
    """Each node's title, by the view's key of the node."""
    key = node_keys(svg)
    return {key[number]: title for number, title in re.findall(r'data-key="([^"]+)"><title>([^<]*)</title>', svg)}


# Labels and layout ---------------------------------------------------------------------------

def test_long_labels_wrap_at_spaces_within_the_line_length():
    lines = maps.wrap("Case study: maths feedback stickers in a primary partnership")
    assert all(len(line) <= maps.LINE_CHARS for line in lines)
    assert " ".join(lines) == "Case study: maths feedback stickers in a primary partnership"


def test_a_label_too_long_for_its_lines_ends_with_an_ellipsis_and_a_long_word_is_cut():
    assert maps.wrap("word " * 40, max_lines=2)[-1].endswith("…")
    assert all(len(line) <= maps.LINE_CHARS for line in maps.wrap("x" * 60))


def test_rows_and_headings_never_share_vertical_space(views):
    view = views.vocabulary_map()
    labels = {n.key: n.link.label for n in view.nodes}
    kinds = {n.key: n.link.kind for n in view.nodes}
    headings, rows, height = maps.layout(maps.communities(view), labels, kinds)
    spans = [(r.y - (10 + maps.LINE_PX * len(r.lines)) / 2, r.y + (10 + maps.LINE_PX * len(r.lines)) / 2)
             for r in rows]
    spans += [(h.y - maps.FONT_PX, h.y + maps.LINE_PX * (len(h.lines) - 1) + 4) for h in headings]
    spans.sort()
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in pairwise(spans))
    assert spans[-1][1] <= height


def test_headings_wrap_to_the_label_column():
    heading = "Around professional learning community and the system improvement journey"
    groups = [maps.Group(heading, ("concept:a",))]
    headings, _, _ = maps.layout(groups, {"concept:a": "A"}, {"concept:a": "concept"})
    assert len(headings[0].lines) == 2
    assert all(len(line) <= maps.HEADING_CHARS for line in headings[0].lines)


def test_every_label_and_heading_starts_right_of_every_curve_and_dot(views):
    """Curves keep left of the spine and dots reach 8 px right of it, so no text can sit under either."""
    svg = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True)
    xs = [float(x) for x in re.findall(r'<path[^>]* d="M([\d.]+) ', svg)]
    controls = [float(x) for x in re.findall(r'C([-\d.]+) ', svg)]
    assert set(xs) == {maps.SPINE_X} and max(controls) < maps.SPINE_X and min(controls) * 0.75 + maps.SPINE_X * 0.25 > 0
    text_xs = {float(x) for x in re.findall(r'<tspan x="([\d.]+)"', svg)}
    assert text_xs == {maps.LABEL_X} and maps.LABEL_X > maps.SPINE_X + 8


def test_the_svg_is_drawn_at_its_natural_size_with_labels_at_15_px(views):
    svg = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True, element_id="kb-concept-map")
    width, height, box_width, box_height = map(int, re.search(
        r'width="(\d+)" height="(\d+)" viewBox="0 0 (\d+) (\d+)"', svg).groups())
    assert (width, height) == (box_width, box_height)  # one CSS px per unit: the labels are never scaled
    assert width <= 288  # fits the text column of a 320 px screen
    assert set(re.findall(r'<text font-size="(\d+)"', svg)) == {"15"}


# Curves --------------------------------------------------------------------------------------

def test_curves_over_the_same_rows_never_share_a_lane():
    spans = [(0, 10), (5, 20), (10, 30), (0, 30), (40, 50), (12, 14)]
    lane = maps.lanes(spans)
    for i, (a, b) in enumerate(spans):
        for j, (c, d) in enumerate(spans[:i]):
            if a < d and c < b:
                assert lane[i] != lane[j], (spans[i], spans[j])


def test_a_shorter_curve_runs_inside_a_longer_one_over_the_same_rows():
    spans = [(0, 30), (10, 20), (12, 14), (0, 10)]
    lane = maps.lanes(spans)
    assert lane[2] < lane[1] < lane[0] and lane[3] < lane[0]
    depths = maps.lane_depths(lane)
    assert depths[2] < depths[1] < depths[0]
    assert min(depths) >= maps.INNER_LANE and max(depths) <= maps.OUTER_LANE


def test_curves_that_only_meet_at_a_dot_share_the_innermost_lane():
    assert maps.lanes([(0, 10), (10, 20), (20, 30)]) == [1, 1, 1]


def test_link_weight_sets_the_stroke_width(views):
    svg = maps.render_svg(views.vocabulary_map(), href, whole_vocabulary=True)
    pairs = {(int(a["data-weight"]), float(a["stroke-width"])) for a, _ in Elements(svg).all("path")}
    by_weight = sorted(pairs)
    assert len(by_weight) >= 3
    assert all(a[1] < b[1] for a, b in pairwise(by_weight) if a[0] < b[0])


def test_every_curve_names_its_two_ends_which_are_nodes_of_the_map(views):
    view = views.vocabulary_map()
    svg = maps.render_svg(view, href, whole_vocabulary=True)
    drawn = {frozenset((u, v)) for u, v, _ in maps.strongest_edges(view)}
    assert {ends for ends, _ in curves(svg)} == drawn
    assert sorted(node_keys(svg).values()) == sorted(n.key for n in view.nodes)


def test_nodes_are_named_by_their_row_so_that_each_curve_end_costs_a_few_bytes(views):
    svg = maps.render_svg(views.article("skin-in-the-game").map, href)
    assert list(node_keys(svg)) == [str(i) for i in range(len(node_keys(svg)))]


def test_a_nodes_title_names_what_it_is_linked_to_on_the_map(views):
    view = views.vocabulary_map()
    svg = maps.render_svg(view, href, whole_vocabulary=True)
    labels = {n.key: n.link.label for n in view.nodes}
    said_of = titles(svg)
    assert said_of.keys() == labels.keys()
    for key, title in said_of.items():
        linked = [labels[k] for ends, _ in curves(svg) if key in ends for k in ends - {key}]
        said = title.split(" On this map it is linked to ")[1].removesuffix(".")
        assert sorted(re.split(r", | and (?=[A-Z])", said)) == sorted(linked)


def test_a_concept_nodes_title_gives_its_definition_and_an_article_nodes_only_its_title(views):
    view = views.article("skin-in-the-game").map
    said_of = titles(maps.render_svg(view, href))
    for n in view.nodes:
        said = said_of[n.key].split(" On this map it is linked to ")[0]
        assert said == (f"{n.link.label}: {n.link.tooltip}" if n.link.kind == "concept" else n.link.label)


def test_curves_within_a_group_take_its_colour_and_curves_between_groups_are_faint(views):
    view = views.vocabulary_map()
    svg = maps.render_svg(view, href, whole_vocabulary=True)
    key = node_keys(svg)
    colour = {key[a["data-key"]]: next(c for c in a["class"].split() if c.startswith("kb-map-g"))
              for a, _ in Elements(svg).all("a", "kb-map-node")}
    group_of = {k: i for i, g in enumerate(maps.communities(view)) for k in g.keys}
    for a, _ in Elements(svg).all("path"):
        u, v = (key[end] for end in a["data-ends"].split())
        assert a["class"] == (colour[u] if group_of[u] == group_of[v] else "kb-map-faint")
    groups = maps.communities(view)
    assert all(colour[a.keys[0]] != colour[b.keys[0]] for a, b in pairwise(groups))


def test_every_group_colour_is_drawn_by_the_stylesheet():
    css = (REPO / "knowledgebase" / "sphinxext" / "static" / "kb.css").read_text(encoding="utf-8")
    assert {int(n) for n in re.findall(r"\.kb-map-g(\d+) \{ --kb-map-line: #[0-9a-f]{6}; \}", css)} \
        == set(range(maps.GROUP_COLOURS))


# The whole-vocabulary map --------------------------------------------------------------------

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


def test_the_whole_map_shows_every_concept_of_a_small_vocabulary_and_leaves_nothing_unsaid(views):
    view = views.vocabulary_map()
    assert len(view.nodes) == len(views.kb.concepts) and view.left_out == 0
    assert maps.note(view) == ""


def test_a_large_vocabulary_map_shows_the_concepts_with_most_articles_and_says_how_many_it_leaves_out(corpus):
    many = VOCABULARY_MAP_CONCEPTS + 5
    files = {f"concepts/idea-{i:02d}.md": f"---\nlabel: Idea {i:02d}\ndefinition: Idea number {i}.\n---\n\nText.\n"
             for i in range(many)}
    # idea-00 ... idea-39 each get one more article than the five after them
    files |= {f"articles/on-idea-{i:02d}-{n}.md": article(f"On idea {i:02d} part {n}", [f"idea-{i:02d}"])
              for i in range(many) for n in range(2 if i < VOCABULARY_MAP_CONCEPTS else 1)}
    views = views_of(corpus(files))
    view = views.vocabulary_map()
    shown = {n.link.id for n in view.nodes}
    assert len(shown) == VOCABULARY_MAP_CONCEPTS
    assert not shown & {f"idea-{i:02d}" for i in range(VOCABULARY_MAP_CONCEPTS, many)}
    total = len(views.kb.concepts)
    assert view.left_out == total - VOCABULARY_MAP_CONCEPTS
    assert f"the {VOCABULARY_MAP_CONCEPTS} concepts that most articles are tagged with, of {total}" in maps.note(view)
    assert all(u.removeprefix("concept:") in shown and v.removeprefix("concept:") in shown for u, v, _ in view.edges)


# Local maps ----------------------------------------------------------------------------------

def test_a_local_map_puts_the_current_concept_first_and_marks_it(views):
    svg = maps.render_svg(views.concept_local_map("trust"), href)
    nodes = re.findall(r'<a class="([^"]+)" href="[^"]+" aria-label="([^"]+)"', svg)
    assert nodes[0] == ("kb-map-node kb-map-concept kb-map-centre", "Trust")
    assert svg.count('aria-current="page"') == 1


def test_a_concept_map_shows_every_concept_its_page_lists_under_the_same_heading(views):
    for cid in views.kb.concepts:
        page = views.concept(cid)
        on_map = {(n.group, n.link.id) for n in page.map.nodes if n.group in ("broader", "narrower", "related")}
        listed = {("broader", x.id) for x in page.broader} | {("narrower", x.id) for x in page.narrower} \
            | {("related", x.id) for x in page.related if x not in page.broader + page.narrower}
        assert on_map == listed, cid
        assert page.map.left_out == 0 and maps.note(page.map) == ""


def test_a_concept_map_adds_concepts_often_in_the_same_articles_under_their_own_heading(views):
    view = views.concept_local_map("trust")
    together = [n.link.id for n in view.nodes if n.group == "tagged-together"]
    named = {n.link.id for n in view.nodes if n.group in ("broader", "narrower", "related")}
    assert 0 < len(together) <= MAP_TAGGED_TOGETHER and not set(together) & named
    assert len(view.nodes) - 1 <= MAP_NEIGHBOURS
    shares = dict(views.graph.cooccurring("trust", len(views.kb.concepts)))
    assert all(shares[c] > 0 for c in together)
    svg = maps.render_svg(view, href)
    assert maps.GROUP_HEADINGS["tagged-together"].split()[0] in svg


def test_a_concept_naming_more_than_the_map_holds_shows_the_strongest_and_says_why(corpus):
    extra = MAP_NEIGHBOURS + 3
    files = {f"concepts/idea-{i:02d}.md":
             f"---\nlabel: Idea {i:02d}\ndefinition: Idea number {i}.\nrelated: [trust]\n---\n\nText.\n"
             for i in range(extra)}
    files |= {f"articles/trust-and-idea-{i:02d}.md": article(f"Trust and idea {i:02d}", ["trust", f"idea-{i:02d}"])
              for i in range(extra)}
    files |= {"articles/trust-and-idea-00-again.md": article("Trust and idea 00 again", ["trust", "idea-00"])}
    views = views_of(corpus(files))
    page = views.concept("trust")
    listed = len(page.broader) + len(page.narrower) + len(page.related)
    shown = [n for n in page.map.nodes if not n.centre]
    assert len(shown) == MAP_NEIGHBOURS and page.map.left_out == listed - MAP_NEIGHBOURS
    assert "concept:idea-00" in {n.key for n in shown}  # the strongest link stays
    assert maps.note(page.map) == (f"The map shows the {MAP_NEIGHBOURS} most closely linked of the {listed} concepts "
                                   "the lists above name for Trust; those lists name them all.")
    html = maps.render_map(page.map, href)
    assert '<p class="kb-map-note">The map shows the' in html


def test_a_local_maps_link_weights_are_those_of_the_whole_vocabulary_map(views):
    whole = {frozenset((u, v)): w for u, v, w in views.vocabulary_map().edges}
    for cid in views.kb.concepts:
        for u, v, w in views.concept_local_map(cid).edges:
            assert w == max(1, whole.get(frozenset((u, v)), 0)), (u, v)


def test_on_a_local_map_only_the_curves_from_the_current_page_are_drawn_strong(views):
    view = views.article("skin-in-the-game").map
    svg = maps.render_svg(view, href)
    key = node_keys(svg)
    drawn = {frozenset(key[e] for e in a["data-ends"].split()): a.get("class", "")
             for a, _ in Elements(svg).all("path")}
    assert set(drawn.values()) == {"", "kb-map-faint"}
    assert all((c == "") == ("article:skin-in-the-game" in ends) for ends, c in drawn.items())


def test_an_article_map_shows_every_related_article_its_page_lists(views):
    for aid in sorted(views.kb.articles)[:40]:
        page = views.article(aid)
        on_map = [n.link.id for n in page.map.nodes if n.group == "article"]
        assert on_map == [card.link.id for card in page.related][:RELATED_COUNT]
        assert [n.link.id for n in page.map.nodes if n.group == "concept"] == [c.id for c in page.concepts]


# The list after the map ----------------------------------------------------------------------

def test_the_list_names_every_item_of_the_map_with_what_it_is_linked_to(views):
    view = views.vocabulary_map()
    svg = maps.render_svg(view, href, whole_vocabulary=True)
    listed = maps.render_list(view, href, whole_vocabulary=True)
    labels = {n.key: n.link.label for n in view.nodes}
    items = {}
    for _, text in Elements(listed).all("li"):
        if text.count("Around ") == 0:
            name, _, rest = text.partition(" – linked to ")
            items[name] = sorted(re.split(r", | and (?=[A-Z])", rest))
    expected = {labels[k]: sorted(labels[o] for ends, _ in curves(svg) if k in ends for o in ends - {k})
                for k in labels}
    assert items == expected


def test_the_list_is_open_without_javascript_and_its_links_are_the_maps(views):
    view = views.concept_local_map("trust")
    listed = maps.render_list(view, href)
    assert listed.startswith('<details class="kb-map-list" open><summary>')
    svg = maps.render_svg(view, href)
    svg_links = [a["href"] for a, _ in Elements(svg).all("a") if "kb-map-centre" not in a["class"]]
    assert [a["href"] for a, _ in Elements(listed).all("a")] == svg_links


def test_names_with_commas_of_their_own_are_kept_apart_by_semicolons():
    titles = {"a": "The leader as designer, not industrialist", "b": "Change is not linear", "c": "Skin in the game"}
    nodes = (MapNode("concept:trust", Link("concept", "trust", "Trust"), group="concept"),
             *(MapNode(f"article:{k}", Link("article", k, t), group="article") for k, t in titles.items()))
    view = MapView("m", nodes, tuple((f"article:{k}", "concept:trust", 1) for k in titles))
    assert ('Trust</a> – linked to The leader as designer, not industrialist; Change is not linear '
            'and Skin in the game</li>') in maps.render_list(view, href)


# Output --------------------------------------------------------------------------------------

def test_the_same_view_gives_the_same_bytes(views):
    first = maps.render_map(views.vocabulary_map(), href, whole_vocabulary=True)
    assert maps.render_map(views.vocabulary_map(), href, whole_vocabulary=True) == first


def test_labels_definitions_and_keys_are_escaped():
    hostile = Link("concept", "x", '<script>alert(1)</script> & "quotes"', "</title><img src=x onerror=alert(1)>")
    view = MapView('<b>map</b>', (MapNode('concept:x"><script>', hostile, centre=True),
                                  MapNode("concept:y", hostile, group="<i>related</i>")),
                   (('concept:x"><script>', "concept:y", 1),), left_out=2)
    html = maps.render_map(view, lambda link: 'javascript:"x"')
    assert "<script>" not in html and "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;" in html and "&quot;quotes&quot;" in html
