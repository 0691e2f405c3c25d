"""Concept maps as SVG, laid out at build time.

The map is an *arc diagram*: one row per concept (or article), its dot on a
vertical spine and its label beside it, and every link drawn as an arc on the
other side of the spine, thicker for a stronger link. Rows never share space,
so labels cannot overlap; the SVG is drawn at its natural size in CSS pixels
(never scaled to fit), so its labels render at ``FONT_PX`` at every screen
width, and it is narrow enough (``WIDTH``) for a 320 px phone.

Structure comes from the grouping: the whole vocabulary map draws each
concept's three strongest links (co-occurrence, broader and related), and
splits the vocabulary into communities over those drawn links (networkx's
greedy modularity), each under a heading naming its most connected concept;
inside a group, strongly linked concepts sit next to each other, so most arcs
are short. A local map puts the current page first, highlighted, then its
neighbours by kind.

Everything is deterministic (sorted inputs, no random seeds), so the same
content always gives the same bytes. Every node is a link with a ``<title>``
and an ``aria-label``, so the map works without JavaScript and a screen reader
announces each link by name. All text is escaped here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import networkx as nx
from networkx.algorithms.community import greedy_modularity_communities

from .views import Link, MapView

FONT_PX = 15          # label size in CSS px; the browser tests require >= 14 at every width
LINE_PX = 18          # line height of a wrapped label
LINE_CHARS = 24       # characters per label line: 24 x ~7.5 px fits the 190 px label column
SPINE_X = 76          # x of the dots; arcs use the space to their left
LABEL_X = 90          # x where labels start
WIDTH = 280           # fits the 288 px text column of a 320 px screen
HEADING_PX = 34       # height of a group heading row
MAX_BULGE = 92        # how far left the widest arc's control points reach (the curve reaches 3/4 of it)
KIND_HEADINGS = {"concept": "Concepts", "article": "Related articles", "path": "Reading paths"}


@dataclass(frozen=True)
class Group:
    heading: str
    keys: tuple[str, ...]


def wrap(text: str, width: int = LINE_CHARS, max_lines: int = 3) -> list[str]:
    """Break a label into lines of at most ``width`` characters at spaces; an ellipsis past ``max_lines``."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:  # a single long word is cut, never left to overflow
            if current:
                lines.append(current)
                current = ""
            lines.append(word[: width - 1] + "-")
            word = word[width - 1:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        lines = lines[: max_lines - 1] + [(last[: width - 1].rstrip() + "…") if len(last) >= width else last + "…"]
    return lines or [""]


def _weights(keys: Iterable[str], edges: Iterable[tuple[str, str, int]]) -> dict[str, dict[str, int]]:
    """Each key's links to the others, with their weights (links given twice are added up)."""
    weight: dict[str, dict[str, int]] = {key: {} for key in keys}
    for u, v, w in edges:
        if u in weight and v in weight and u != v:
            weight[u][v] = weight[u].get(v, 0) + w
            weight[v][u] = weight[v].get(u, 0) + w
    return weight


def chain_order(keys, weight: dict[str, dict[str, int]]) -> list[str]:
    """Order nodes so that strongly linked ones sit side by side.

    Greedy: start from the node with the most total weight; repeatedly take
    the unplaced node most strongly linked to the last one (ties: id order).
    """
    remaining = sorted(keys)
    if not remaining:
        return []

    def total(k: str) -> int:
        return sum(w for other, w in weight[k].items() if other in keys)

    current = min(remaining, key=lambda k: (-total(k), k))
    order = [current]
    remaining.remove(current)
    while remaining:
        current = min(remaining, key=lambda k: (-weight[current].get(k, 0), -total(k), k))
        order.append(current)
        remaining.remove(current)
    return order


def communities(view: MapView) -> tuple[Group, ...]:
    """The vocabulary in groups, largest first: greedy modularity communities over the links
    the map draws (:func:`strongest_edges`), so every group is held together by curves the
    reader can see, and a concept's many weak co-occurrences do not pull it into a group it
    has no drawn link to."""
    return _groups(tuple((n.key, n.link.label) for n in view.nodes), tuple(strongest_edges(view)))


@lru_cache(maxsize=2)
def _groups(labelled: tuple[tuple[str, str], ...], drawn: tuple[tuple[str, str, int], ...]) -> tuple[Group, ...]:
    """Kept for the last two maps: the home page and the concepts page share one, and an edit
    that leaves every concept's strongest links as they were does not cluster again."""
    labels = dict(labelled)
    weight = _weights(sorted(labels), drawn)
    graph = nx.Graph()
    graph.add_nodes_from(weight)
    graph.add_weighted_edges_from(drawn)
    found = [sorted(c) for c in greedy_modularity_communities(graph, weight="weight")] if drawn else [sorted(weight)]
    groups = []
    for members in found:
        hub = min(members, key=lambda k: (-sum(weight[k].values()), labels[k].lower(), k))
        groups.append(Group(f"Around {labels[hub][:1].lower() + labels[hub][1:] if labels[hub][1:2].islower() else labels[hub]}",
                            tuple(chain_order(set(members), weight))))
    groups.sort(key=lambda g: (-len(g.keys), g.heading.lower()))
    return tuple(groups)


def local_groups(view: MapView) -> list[Group]:
    """A local map: the current page first (no heading), then its neighbours grouped by kind."""
    weight = _weights((n.key for n in view.nodes), view.edges)
    centre = tuple(n.key for n in view.nodes if n.centre)
    groups = [Group("", centre)] if centre else []
    kinds = list(dict.fromkeys(n.link.kind for n in view.nodes if not n.centre))
    for kind in kinds:
        keys = {n.key for n in view.nodes if not n.centre and n.link.kind == kind}
        # neighbours in the order of their link to the centre, strongest first, then as a chain
        strength = {k: sum(weight[k].get(c, 0) for c in centre) for k in keys}
        ordered = sorted(keys, key=lambda k: (-strength[k], k))
        groups.append(Group(KIND_HEADINGS.get(kind, kind.title()) if len(kinds) > 1 or not centre else "",
                            tuple(ordered)))
    return groups


def strongest_edges(view: MapView, per_node: int = 3) -> list[tuple[str, str, int]]:
    """Each node's strongest links, so a dense vocabulary still reads as a map, not a hairball."""
    ranked: dict[str, list[tuple[int, str, str]]] = {}
    for u, v, w in view.edges:
        ranked.setdefault(u, []).append((w, u, v))
        ranked.setdefault(v, []).append((w, u, v))
    keep = set()
    for node_edges in ranked.values():
        for w, u, v in sorted(node_edges, key=lambda e: (-e[0], e[1], e[2]))[:per_node]:
            keep.add((u, v, w))
    return sorted(keep)


@dataclass(frozen=True)
class Row:
    key: str
    y: float            # the dot's centre
    lines: tuple[str, ...]


def layout(groups: Sequence[Group], labels: dict[str, str], kinds: dict[str, str]) -> tuple[list[tuple[str, float]], list[Row], float]:
    """Headings and rows from top to bottom: (heading, baseline) pairs, rows, total height."""
    headings: list[tuple[str, float]] = []
    rows: list[Row] = []
    y = 8.0
    for group in groups:
        if group.heading:
            headings.append((group.heading, y + 20))
            y += HEADING_PX
        for key in group.keys:
            lines = tuple(wrap(labels[key], max_lines=3 if kinds[key] == "article" else 2))
            height = 10 + LINE_PX * len(lines)
            rows.append(Row(key, y + height / 2, lines))
            y += height
        y += 6
    return headings, rows, y + 4


def arc_path(y1: float, y2: float) -> str:
    """A curve from one dot to another, bulging left of the spine in proportion to their distance."""
    top, bottom = min(y1, y2), max(y1, y2)
    bulge = min(MAX_BULGE, 14 + 0.45 * (bottom - top))
    x = SPINE_X
    return f"M{x} {top:.1f}C{x - bulge:.1f} {top:.1f} {x - bulge:.1f} {bottom:.1f} {x} {bottom:.1f}"


def render_svg(view: MapView, href: Callable[[Link], str], *, whole_vocabulary: bool = False,
               element_id: str = "kb-map") -> str:
    """The map as an inline SVG element. ``href`` gives the URL of a node's page from the current page."""
    labels = {n.key: n.link.label for n in view.nodes}
    kinds = {n.key: n.link.kind for n in view.nodes}
    if whole_vocabulary:
        groups = communities(view)
        edges = strongest_edges(view)
    else:
        groups = local_groups(view)
        edges = sorted(view.edges)
    headings, rows, height = layout(groups, labels, kinds)
    ys = {row.key: row.y for row in rows}
    max_weight = max((w for _, _, w in edges), default=1)
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    grouped = f" in {len(headings)} groups" if len(headings) > 1 else ""
    description = (f"{len(view.nodes)} linked items{grouped}, one per row; each is a link to its page. "
                   "Curves join items that are linked; a thicker curve is a stronger link.")
    out = [f'<svg class="kb-map" id="{escape(element_id)}" width="{WIDTH}" height="{height:.0f}" '
           f'viewBox="0 0 {WIDTH} {height:.0f}" role="group" aria-labelledby="{title_id}" '
           f'aria-describedby="{desc_id}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{title_id}">{escape(view.title)}</title>',
           f'<desc id="{desc_id}">{escape(description)}</desc>',
           '<g class="kb-map-edges" aria-hidden="true">']
    for u, v, w in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        if u in ys and v in ys:
            stroke = 1 + 4 * (w / max_weight)
            out.append(f'<path d="{arc_path(ys[u], ys[v])}" stroke-width="{stroke:.1f}" data-weight="{w}"/>')
    out.append('</g><g class="kb-map-headings" aria-hidden="true">')
    for heading, baseline in headings:
        out.append(f'<text class="kb-map-heading" x="4" y="{baseline:.1f}">{escape(heading)}</text>')
    out.append('</g><g class="kb-map-nodes">')
    by_key = {n.key: n for n in view.nodes}
    for row in rows:
        n = by_key[row.key]
        kind = n.link.kind
        radius = 8 if n.centre else (6 if kind == "concept" else 5)
        classes = f"kb-map-node kb-map-{kind}" + (" kb-map-centre" if n.centre else "")
        tooltip = n.link.label + (f": {n.link.tooltip}" if n.link.tooltip else "")
        first = row.y - LINE_PX * (len(row.lines) - 1) / 2 + FONT_PX * 0.35
        spans = "".join(f'<tspan x="{LABEL_X}" y="{first + i * LINE_PX:.1f}">{escape(line)}</tspan>'
                        for i, line in enumerate(row.lines))
        current = ' aria-current="page"' if n.centre else ""
        top = row.y - (10 + LINE_PX * len(row.lines)) / 2
        out.append(f'<a class="{classes}" href="{escape(href(n.link))}" aria-label="{escape(n.link.label)}"{current}>'
                   f'<title>{escape(tooltip)}</title>'
                   f'<rect class="kb-map-hit" x="{SPINE_X - 12}" y="{top:.1f}" width="{WIDTH - SPINE_X + 12}" '
                   f'height="{10 + LINE_PX * len(row.lines)}" rx="4"/>'
                   f'<circle cx="{SPINE_X}" cy="{row.y:.1f}" r="{radius}"/>'
                   f'<text font-size="{FONT_PX}">{spans}</text></a>')
    out.append("</g></svg>")
    return "".join(out)
