"""Facilitator pages: one per reading path, with notes and a running timetable.

They are extra pages (``html-collect-pages``), linked to the participant page
but never from it, so a path's URL can be shared with participants.
"""

from __future__ import annotations

from html import escape

from docutils import nodes

from ...paths import format_minutes
from ..pages import facilitator_pagename
from ..render import Renderer, kb_section, para
from ..state import build_data, kept_from_last_build


def timetable(view) -> nodes.table:
    """Start and end of each in-session step from 0:00, and any time left unallocated."""
    rows = [(format_minutes(s.start), format_minutes(s.start + s.minutes), s.article.link.label, f"{s.minutes} min")
            for s in view.in_session]
    used = sum(s.minutes for s in view.in_session)
    if view.duration > used:
        rows.append((format_minutes(used), format_minutes(view.duration), "Unallocated: introductions, breaks, close",
                     f"{view.duration - used} min"))
    table = nodes.table(classes=["kb-timetable"])
    group = nodes.tgroup(cols=4)
    table += group
    for width in (1, 1, 5, 1):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *[nodes.entry("", para(h)) for h in ("Start", "End", "Step", "Time")])
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *[nodes.entry("", para(cell)) for cell in row])
    group += head
    group += body
    return table


def page_nodes(app, path_id: str) -> list[nodes.Node]:
    views = build_data(app).views
    view = views.path(path_id)
    renderer = Renderer(app, facilitator_pagename(path_id))
    title = f"Facilitator notes: {view.title}"
    section = nodes.section(ids=["facilitator-notes"])  # rendered on its own, so its title is the h1
    section += nodes.title(title, title)
    section += para("For the facilitator only. Participants use the ",
                     renderer.link(views.path_link(path_id), "path page"),
                     ", which has no facilitator notes and prints as a handout.", classes=["kb-facilitator-only"])
    section.extend(renderer.path_header(view, handout_hint=False))
    section += kb_section("Timetable", "timetable", timetable(view))
    section.extend(renderer.path_sections(view, facilitator=True))
    return [section]


def render_html(app, node: nodes.Node) -> str:
    """HTML for nodes outside any document. The writer numbers figures from the builder's
    ``fignumbers``, which Sphinx sets only while writing a document: give it an empty one."""
    builder = app.builder
    saved = getattr(builder, "fignumbers", None)
    builder.fignumbers = {}
    try:
        return builder.render_partial(node)["fragment"]
    finally:
        if saved is None:
            del builder.fignumbers
        else:
            builder.fignumbers = saved


def facilitator_pages(app):
    """Yield one facilitator page per reading path (``html-collect-pages``)."""
    if app.builder.format != "html":
        return
    for path_id in build_data(app).kb.paths:
        pagename = facilitator_pagename(path_id)
        if kept_from_last_build(app, pagename):
            continue
        body = render_html(app, page_nodes(app, path_id)[0])  # the section itself, so its title is the page's <h1>
        # Templates insert `title` as HTML, so front matter text must be escaped here.
        title = escape(f"Facilitator notes: {build_data(app).kb.paths[path_id].title}")
        yield pagename, {"title": title, "body": body, "kb_noindex": True}, "page.html"
