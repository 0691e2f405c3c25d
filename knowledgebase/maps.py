"""Concept maps as SVG, laid out at build time, with the same links as a list.

The map is an *arc diagram*: one row per concept (or article), its dot on a
vertical spine and its label beside it, and every link drawn as a curve on the
other side of the spine, thicker for a stronger link. Rows never share space,
and nothing but dots and curves is drawn left of the label column, so labels
and group headings can overlap neither each other nor a curve. The SVG is drawn
at its natural size in CSS pixels (never scaled to fit), so its labels render at
``FONT_PX`` at every screen width, and it is narrow enough (``WIDTH``) for a
320 px phone.

Structure comes from the grouping: the whole-vocabulary map draws each
concept's three strongest links (co-occurrence, broader and related), and
splits the vocabulary into communities over those drawn links (networkx's
greedy modularity), each under a heading naming its most connected concept and
in a colour of its own; links between groups are drawn faint and grey, as are
a local map's links that do not touch the current page. Inside a
group, strongly linked concepts sit next to each other, so most curves are
short. Each curve gets a lane, its distance from the spine, so that curves
whose rows overlap never share one: a shorter curve always runs inside a longer
one. A local map puts the current page first, highlighted, then its neighbours
under headings that say why they are there.

The page's script (``static/kb-map.js``) picks out a node's curves and
neighbours on hover, focus or tap, from what the build writes: each node's
``data-key`` (its row's number) and each curve's ``data-ends`` (the numbers of
the rows it joins). Without it, the list after the map
(:func:`render_map`) says in words what each item is linked to.

Everything is deterministic (sorted inputs, no random seeds), so the same
content always gives the same bytes. Every node is a link with a ``<title>``
and an ``aria-label``; all text is escaped here.
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
LINE_PX = 18          # line height of a wrapped label or heading
LINE_CHARS = 24       # characters per label line: 24 x ~7.5 px fits the 190 px label column
HEADING_CHARS = 22    # characters per heading line: bold 14 px is wider than a label's 15 px
SPINE_X = 76          # x of the dots; curves use the space to their left
LABEL_X = 90          # x where labels and headings start: right of every dot and curve
WIDTH = 280           # fits the 288 px text column of a 320 px screen
INNER_LANE = 12       # how far left of the spine the innermost curve reaches
OUTER_LANE = 70       # ... and the outermost: 6 px from the map's edge
LANE_STEP = 6         # the most space between two lanes, when there are few
GROUP_COLOURS = 6     # the whole map's groups take colours kb-map-g0 ... kb-map-g5 (kb.css), in turn
GROUP_HEADINGS = {"concept": "Concepts", "article": "Related articles", "path": "Reading paths",
                  "broader": "Broader", "narrower": "Narrower", "related": "Related",
                  "tagged-together": "Often in the same articles"}


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
    graph: nx.Graph = nx.Graph()
    graph.add_nodes_from(weight)
    graph.add_weighted_edges_from(drawn)
    found = [sorted(c) for c in greedy_modularity_communities(graph, weight="weight")] if drawn else [sorted(weight)]
    groups = []
    for members in found:
        hub = labels[min(members, key=lambda k: (-sum(weight[k].values()), labels[k].lower(), k))]
        named = hub[:1].lower() + hub[1:] if hub[1:2].islower() else hub   # "PLCs" keeps its capitals
        groups.append(Group(f"Around {named}", tuple(chain_order(set(members), weight))))
    groups.sort(key=lambda g: (-len(g.keys), g.heading.lower()))
    return tuple(groups)


def local_groups(view: MapView) -> list[Group]:
    """A local map: the current page first (no heading), then its neighbours under the heading of their
    group, in the order the view gives them."""
    centre = tuple(n.key for n in view.nodes if n.centre)
    groups = [Group("", centre)] if centre else []
    members: dict[str, list[str]] = {}
    for n in view.nodes:
        if not n.centre:
            members.setdefault(n.group or n.link.kind, []).append(n.key)
    groups += [Group(GROUP_HEADINGS.get(group, group.title()), tuple(keys)) for group, keys in members.items()]
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


@dataclass(frozen=True)
class Heading:
    lines: tuple[str, ...]
    y: float            # the first line's baseline


def layout(groups: Sequence[Group], labels: dict[str, str],
           kinds: dict[str, str]) -> tuple[list[Heading], list[Row], float]:
    """Headings and rows from top to bottom, and the total height."""
    headings: list[Heading] = []
    rows: list[Row] = []
    y = 8.0
    for group in groups:
        if group.heading:
            lines = tuple(wrap(group.heading, HEADING_CHARS, max_lines=2))
            headings.append(Heading(lines, y + 20))
            y += 34 + LINE_PX * (len(lines) - 1)
        for key in group.keys:
            lines = tuple(wrap(labels[key], max_lines=3 if kinds[key] == "article" else 2))
            height = 10 + LINE_PX * len(lines)
            rows.append(Row(key, y + height / 2, lines))
            y += height
        y += 6
    return headings, rows, y + 4


def lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """A lane (1 = nearest the spine) for each curve from ``top`` to ``bottom``.

    Shortest first, each curve takes the lane outside every curve already placed whose rows it
    overlaps, so no two curves over the same rows share a lane and a shorter curve always runs
    inside a longer one. Curves that only meet at a dot may share a lane."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][1] - spans[i][0], spans[i][0], i))
    lane = [0] * len(spans)
    placed: list[int] = []
    for i in order:
        top, bottom = spans[i]
        lane[i] = 1 + max((lane[j] for j in placed if spans[j][0] < bottom and top < spans[j][1]), default=0)
        placed.append(i)
    return lane


def lane_depths(lane: Sequence[int]) -> list[float]:
    """How far left of the spine each lane's curve reaches: evenly spread between the innermost and
    outermost lane, at most ``LANE_STEP`` apart."""
    most = max(lane, default=1)
    step = min(LANE_STEP, (OUTER_LANE - INNER_LANE) / max(1, most - 1))
    return [INNER_LANE + (n - 1) * step for n in lane]


def _n(x: float) -> str:
    """A coordinate to a tenth of a pixel, without a trailing ".0"."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def arc_path(y1: float, y2: float, depth: float) -> str:
    """A curve from one dot to another whose farthest point is ``depth`` left of the spine."""
    top, bottom = min(y1, y2), max(y1, y2)
    x, control = SPINE_X, SPINE_X - depth / 0.75   # a cubic's farthest point is 3/4 of its control points'
    return f"M{x} {_n(top)}C{_n(control)} {_n(top)} {_n(control)} {_n(bottom)} {x} {_n(bottom)}"


@dataclass(frozen=True)
class Drawing:
    """What a map shows, laid out: its groups, the links it draws, and each node's neighbours on it."""
    view: MapView
    groups: tuple[Group, ...]
    edges: tuple[tuple[str, str, int], ...]
    whole: bool

    @property
    def labels(self) -> dict[str, str]:
        return {n.key: n.link.label for n in self.view.nodes}

    def group_of(self) -> dict[str, int]:
        """The whole map's group of each node, by position. A local map's groups only say why a node is
        there, so they get no colours."""
        return {k: i for i, g in enumerate(self.groups) for k in g.keys} if self.whole else {}

    def neighbours(self) -> dict[str, list[str]]:
        """Each node's neighbours on the map, in the order the map shows them."""
        position = {k: i for i, k in enumerate(k for g in self.groups for k in g.keys)}
        found: dict[str, list[str]] = {n.key: [] for n in self.view.nodes}
        for u, v, _ in self.edges:
            if u in found and v in found:
                found[u].append(v)
                found[v].append(u)
        return {k: sorted(ns, key=position.__getitem__) for k, ns in found.items()}


def draw(view: MapView, whole_vocabulary: bool = False) -> Drawing:
    if whole_vocabulary:
        return Drawing(view, communities(view), tuple(strongest_edges(view)), True)
    return Drawing(view, tuple(local_groups(view)), tuple(sorted(view.edges)), False)


def _and(names: Sequence[str]) -> str:
    """"A, B and C"; "A; B, C and D" when a name has a comma of its own (article titles may)."""
    separator = "; " if any("," in name for name in names) else ", "
    return names[0] if len(names) == 1 else separator.join(names[:-1]) + " and " + names[-1]


def render_svg(view: MapView, href: Callable[[Link], str], *, whole_vocabulary: bool = False,
               element_id: str = "kb-map") -> str:
    """The map as an inline SVG element. ``href`` gives the URL of a node's page from the current page."""
    drawing = draw(view, whole_vocabulary)
    labels, group_of, neighbours = drawing.labels, drawing.group_of(), drawing.neighbours()
    kinds = {n.key: n.link.kind for n in view.nodes}
    headings, rows, height = layout(drawing.groups, labels, kinds)
    ys = {row.key: row.y for row in rows}
    # The script needs only to match curves with nodes, so each node is named by its row: a tenth of
    # the bytes of "article:<id>", written once per curve end.
    number = {row.key: i for i, row in enumerate(rows)}
    centre = {n.key for n in view.nodes if n.centre}
    edges = sorted((e for e in drawing.edges if e[0] in ys and e[1] in ys), key=lambda e: (-e[2], e[0], e[1]))
    depths = lane_depths(lanes([(min(ys[u], ys[v]), max(ys[u], ys[v])) for u, v, _ in edges]))
    max_weight = max((w for _, _, w in edges), default=1)
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    grouped = f" in {len(headings)} groups" if len(headings) > 1 else ""
    description = (f"{len(view.nodes)} linked items{grouped}, one per row; each is a link to its page. "
                   "Curves join items that are linked; a thicker curve is a stronger link. "
                   "The list after the map names each item's links.")
    out = [f'<svg class="kb-map" id="{escape(element_id)}" width="{WIDTH}" height="{height:.0f}" '
           f'viewBox="0 0 {WIDTH} {height:.0f}" role="group" aria-labelledby="{title_id}" '
           f'aria-describedby="{desc_id}" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{title_id}">{escape(view.title)}</title>',
           f'<desc id="{desc_id}">{escape(description)}</desc>',
           '<g class="kb-map-edges" aria-hidden="true">']
    for (u, v, w), depth in zip(edges, depths):
        if group_of and group_of[u] == group_of[v]:
            kind = f' class="kb-map-g{group_of[u] % GROUP_COLOURS}"'
        elif group_of or not centre & {u, v}:
            kind = ' class="kb-map-faint"'   # between groups, or on a local map not from the current page
        else:
            kind = ""
        stroke = 1 + 3 * (w / max_weight)
        out.append(f'<path{kind} d="{arc_path(ys[u], ys[v], depth)}" stroke-width="{_n(stroke)}" '
                   f'data-ends="{number[u]} {number[v]}" data-weight="{w}"/>')
    out.append('</g><g class="kb-map-headings" aria-hidden="true">')
    for heading in headings:
        spans = "".join(f'<tspan x="{LABEL_X}" y="{_n(heading.y + i * LINE_PX)}">{escape(line)}</tspan>'
                        for i, line in enumerate(heading.lines))
        out.append(f'<text class="kb-map-heading">{spans}</text>')
    out.append('</g><g class="kb-map-nodes">')
    by_key = {n.key: n for n in view.nodes}
    for row in rows:
        n = by_key[row.key]
        kind = n.link.kind
        radius = 8 if n.centre else (6 if kind == "concept" else 5)
        classes = f"kb-map-node kb-map-{kind}" + (" kb-map-centre" if n.centre else "")
        classes += f" kb-map-g{group_of[row.key] % GROUP_COLOURS}" if group_of else ""
        linked = [labels[k] for k in neighbours[row.key]]
        # A concept's definition, but not an article's summary: only article pages' maps show articles,
        # and those pages show each one's summary on its card (a fifth of the map's bytes).
        shown = n.link.tooltip if kind != "article" else ""
        tooltip = n.link.label + (f": {shown}" if shown else "")
        tooltip += f" On this map it is linked to {_and(linked)}." if linked else ""
        first = row.y - LINE_PX * (len(row.lines) - 1) / 2 + FONT_PX * 0.35
        spans = "".join(f'<tspan x="{LABEL_X}" y="{_n(first + i * LINE_PX)}">{escape(line)}</tspan>'
                        for i, line in enumerate(row.lines))
        current = ' aria-current="page"' if n.centre else ""
        top = row.y - (10 + LINE_PX * len(row.lines)) / 2
        out.append(f'<a class="{classes}" href="{escape(href(n.link))}" aria-label="{escape(n.link.label)}"{current} '
                   f'data-key="{number[row.key]}"><title>{escape(tooltip)}</title>'
                   f'<rect class="kb-map-hit" x="{SPINE_X - 12}" y="{_n(top)}" width="{WIDTH - SPINE_X + 12}" '
                   f'height="{10 + LINE_PX * len(row.lines)}" rx="4"/>'
                   f'<circle cx="{SPINE_X}" cy="{_n(row.y)}" r="{radius}"/>'
                   f'<text font-size="{FONT_PX}">{spans}</text></a>')
    out.append("</g></svg>")
    return "".join(out)


def note(view: MapView) -> str:
    """Why the map shows less than the page lists (or than the vocabulary holds), or nothing."""
    if not view.left_out:
        return ""
    centre = next((n for n in view.nodes if n.centre), None)
    if centre is None:
        return (f"The map shows the {len(view.nodes)} concepts that most articles are tagged with, of "
                f"{len(view.nodes) + view.left_out}; each concept's own page has a map of the concepts around it.")
    named = sum(n.group in ("broader", "narrower", "related") for n in view.nodes)
    return (f"The map shows the {named} most closely linked of the {named + view.left_out} concepts "
            f"the lists above name for {centre.link.label}; those lists name them all.")


def render_list(view: MapView, href: Callable[[Link], str], *, whole_vocabulary: bool = False) -> str:
    """The map's links as a list, under the map's group headings: each item a link to its page, with what
    else on the map it is linked to (the current page, which every item of a local map is linked to, goes
    unsaid). Open by default, so that it is there without JavaScript; the map's script closes it."""
    drawing = draw(view, whole_vocabulary)
    labels, neighbours = drawing.labels, drawing.neighbours()
    by_key = {n.key: n for n in view.nodes}
    centre = {n.key for n in view.nodes if n.centre}
    out = ['<details class="kb-map-list" open><summary>The map as a list</summary><ul>']
    for group in drawing.groups:
        items = []
        for key in group.keys:
            if key in centre:
                continue
            link = by_key[key].link
            linked = [labels[k] for k in neighbours[key] if k not in centre]
            tail = f" – linked to {escape(_and(linked))}" if linked else ""
            items.append(f'<li><a href="{escape(href(link))}">{escape(link.label)}</a>{tail}</li>')
        if items:
            out.append(f'<li>{escape(group.heading)}<ul>{"".join(items)}</ul></li>' if group.heading
                       else "".join(items))
    out.append("</ul></details>")
    return "".join(out)


def render_map(view: MapView, href: Callable[[Link], str], *, whole_vocabulary: bool = False,
               element_id: str = "kb-map") -> str:
    """The map, a sentence saying what it leaves out (if anything), and the list."""
    why = note(view)
    return (render_svg(view, href, whole_vocabulary=whole_vocabulary, element_id=element_id)
            + (f'<p class="kb-map-note">{escape(why)}</p>' if why else "")
            + render_list(view, href, whole_vocabulary=whole_vocabulary))
