"""An Atom feed of new and updated articles, built with ElementTree so every value is escaped."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from .characters import strip_forbidden
from .model import KnowledgeBase

ATOM = "http://www.w3.org/2005/Atom"
FEED_SIZE = 30


def atom_feed(kb: KnowledgeBase, site_title: str, base_url: str, url_of) -> str:
    """The feed as text. ``url_of(article_id)`` gives an article's URL relative to the site root.

    Only articles with an ``updated`` date appear: the date is what makes an
    entry new, and it keeps the feed identical for identical content.
    """
    dated = sorted(((a.updated, a) for a in kb.articles.values() if a.updated is not None),
                   key=lambda pair: (pair[0], pair[1].id), reverse=True)
    entries = dated[:FEED_SIZE]
    base = base_url.rstrip("/") + "/" if base_url else ""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = site_title
    ET.SubElement(feed, f"{{{ATOM}}}id").text = base + "feed.xml" if base else "tag:leading-learning,2026:feed"
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=base + "feed.xml")
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", href=base or "./")
    newest = entries[0][0] if entries else dt.date(2026, 1, 1)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = f"{newest.isoformat()}T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = f"{site_title} contributors"
    for updated, article in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        url = base + url_of(article.id)
        ET.SubElement(entry, f"{{{ATOM}}}title").text = article.title
        ET.SubElement(entry, f"{{{ATOM}}}id").text = url if base else f"tag:leading-learning,2026:articles/{article.id}"
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=url)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = f"{updated.isoformat()}T00:00:00Z"
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = article.summary
        for concept in article.concepts:
            label = kb.concepts[concept].label if concept in kb.concepts else concept
            ET.SubElement(entry, f"{{{ATOM}}}category", term=concept, label=label)
    ET.indent(feed)
    # XML 1.0 cannot hold control characters at all: a feed with one is unreadable.
    return strip_forbidden('<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n")
