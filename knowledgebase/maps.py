"""Concept maps as SVG, laid out at build time.

The layout is computed here, deterministically (no random seeds, no set
ordering), so the same content always gives the same bytes. Every node is a
link with a ``<title>``, so the map works without JavaScript and a screen
reader announces each link by name.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from .views import Link, MapView

LABEL_CHARS = 24


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _ring(count: int, cx: float, cy: float, rx: float, ry: float, start: float = -math.pi / 2) -> list[tuple[float, float]]:
    return [(cx + rx * math.cos(start + 2 * math.pi * i / count), cy + ry * math.sin(start + 2 * math.pi * i / count))
            for i in range(count)]


def local_layout(view: MapView, width: int, height: int) -> dict[str, tuple[float, float]]:
    """The centre node in the middle, the others evenly on an ellipse around it, in view order."""
    centre = [n for n in view.nodes if n.centre]
    centre_keys = {n.key for n in centre}
    around = MapView(view.title, tuple(n for n in view.nodes if not n.centre),
                     tuple(e for e in view.edges if e[0] not in centre_keys and e[1] not in centre_keys))
    others = chain_order(around)  # neighbours that link to each other sit side by side
    positions = {n.key: (width / 2, height / 2) for n in centre}
    for n, xy in zip(others, _ring(max(1, len(others)), width / 2, height / 2, width / 2 - 150, height / 2 - 40)):
        positions[n] = xy
    return positions


def chain_order(view: MapView) -> list[str]:
    """Order nodes so that strongly linked ones sit side by side on a ring.

    Greedy: start from the node with the most total weight; repeatedly take
    the unplaced node most strongly linked to the last one (ties: id order).
    """
    weight: dict[str, dict[str, int]] = {n.key: {} for n in view.nodes}
    for u, v, w in view.edges:
        weight[u][v] = weight[u].get(v, 0) + w
        weight[v][u] = weight[v].get(u, 0) + w
    remaining = sorted(weight)
    if not remaining:
        return []
    current = min(remaining, key=lambda k: (-sum(weight[k].values()), k))
    order = [current]
    remaining.remove(current)
    while remaining:
        current = min(remaining, key=lambda k: (-weight[current].get(k, 0), -sum(weight[k].values()), k))
        order.append(current)
        remaining.remove(current)
    return order


def vocabulary_layout(view: MapView, width: int, height: int) -> dict[str, tuple[float, float]]:
    """One ring, strongly linked concepts side by side; room left outside it for the labels."""
    order = chain_order(view)
    return dict(zip(order, _ring(len(order), width / 2, height / 2, width / 2 - 170, height / 2 - 40)))


def label_position(x: float, y: float, cx: float, cy: float, radius: float) -> tuple[float, float, str]:
    """Where a node's label goes: outward from the centre, so labels on a ring do not cross it."""
    dx, dy = x - cx, y - cy
    length = math.hypot(dx, dy)
    if length < 1:
        return x, y + radius + 14, "middle"
    ux, uy = dx / length, dy / length
    anchor = "start" if ux > 0.12 else "end" if ux < -0.12 else "middle"
    lx = x + ux * (radius + 6)
    ly = y + uy * (radius + 6) + (4 if anchor != "middle" else (12 if uy > 0 else -2))
    return lx, ly, anchor


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


def render_svg(view: MapView, href: Callable[[Link], str], *, width: int = 560, height: int = 320,
               whole_vocabulary: bool = False, element_id: str = "kb-map") -> str:
    """The map as an inline SVG element. ``href`` gives the URL of a node's page from the current page."""
    if whole_vocabulary:
        positions = vocabulary_layout(view, width, height)
        edges = strongest_edges(view)
    else:
        positions = local_layout(view, width, height)
        edges = list(view.edges)
    max_weight = max((w for _, _, w in edges), default=1)
    title_id, desc_id = f"{element_id}-title", f"{element_id}-desc"
    out = [f'<svg class="kb-map" id="{escape(element_id)}" viewBox="0 0 {width} {height}" '
           f'role="group" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
           f'xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{title_id}">{escape(view.title)}</title>',
           f'<desc id="{desc_id}">{len(view.nodes)} linked items; each is a link to its page.</desc>',
           '<g class="kb-map-edges" aria-hidden="true">']
    for u, v, w in edges:
        if u in positions and v in positions:
            (x1, y1), (x2, y2) = positions[u], positions[v]
            stroke = 1 + 3 * (w / max_weight)
            out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke-width="{stroke:.1f}"/>')
    out.append('</g><g class="kb-map-nodes">')
    for n in sorted(view.nodes, key=lambda n: (n.centre, n.key)):
        x, y = positions[n.key]
        kind = n.link.kind
        label = _short(n.link.label, 30 if whole_vocabulary else LABEL_CHARS)
        tooltip = n.link.label + (f": {n.link.tooltip}" if n.link.tooltip else "")
        radius = 10 if n.centre else (7 if kind == "concept" else 5)
        classes = f"kb-map-node kb-map-{kind}" + (" kb-map-centre" if n.centre else "")
        lx, ly, anchor = label_position(x, y, width / 2, height / 2, radius)
        out.append(f'<a class="{classes}" href="{escape(href(n.link))}" aria-label="{escape(n.link.label)}">'
                   f'<title>{escape(tooltip)}</title>'
                   f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius}"/>'
                   f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(label)}</text></a>')
    out.append("</g></svg>")
    return "".join(out)
