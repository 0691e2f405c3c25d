"""Per-page HTML metadata and the Atom feed file."""

from __future__ import annotations

from html import escape
from pathlib import Path

from docutils import nodes

from ...feed import atom_feed
from ..pages import record_for
from ..state import build_data

FEED_FILE = "feed.xml"
ICON = "_static/kb-icon.svg"


def add_page_metadata(app, pagename, templatename, context, doctree) -> None:
    """A description for previews and search engines, and the feed's address (``html-page-context``)."""
    tags = [f'<link rel="alternate" type="application/atom+xml" title="New and updated articles" '
            f'href="{escape(context["pathto"](FEED_FILE, 1))}">']
    found = record_for(build_data(app).kb, pagename)
    if found is not None:
        _, record = found
        description = getattr(record, "summary", None) or getattr(record, "definition", None) or getattr(record, "description", None) or ""
        tags.append(f'<meta name="description" content="{escape(description)}">')
    elif doctree is not None:  # a hand-made page (the home page, the glossary): its first paragraph
        first = next(iter(doctree.findall(nodes.paragraph)), None)
        if first is not None and first.astext().strip():
            text = " ".join(first.astext().split())
            description = text if len(text) <= 300 else text[:299].rsplit(" ", 1)[0] + "…"
            tags.append(f'<meta name="description" content="{escape(description)}">')
    if not context.get("favicon_url"):  # an icon, so browsers do not ask for a missing /favicon.ico
        context["favicon_url"] = context["pathto"](ICON, 1)
    context["metatags"] = context.get("metatags", "") + "\n".join(tags) + "\n"


def write_feed(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = build_data(app)
    text = atom_feed(data.kb, app.config.html_title or app.config.project, app.config.html_baseurl,
                     lambda aid: app.builder.get_target_uri(f"articles/{aid}"))
    target = Path(app.outdir) / FEED_FILE
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
