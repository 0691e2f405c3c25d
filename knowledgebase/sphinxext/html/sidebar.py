"""The bounded sidebar (:mod:`..navigation`) on each page the HTML builder writes.

At ``html-page-context`` the page's ``toctree`` function, which Furo and other
themes call for the whole global toctree, is replaced by one that returns this
page's bounded tree; for Furo, the tree is given already in the shape Furo
makes of it, so the theme need not parse it again for every page.
"""

from __future__ import annotations

import itertools
import posixpath
import weakref
from dataclasses import dataclass

from markupsafe import Markup

from ...reading.bodypolicy.addresses import link_scheme
from ..navigation import DEPTH, LIMIT, Navigation, build_navigation
from ..state import build_data
from . import assets


@dataclass
class Entry:
    """One page in the sidebar: its link, and the list of pages under it when that is shown."""

    classes: str
    link_classes: str
    href: str
    title: str
    current: bool
    inner: Pages | None
    number: int = 0   # of its checkbox, for Furo (each numbered before the pages under it); 0 for none


@dataclass
class Pages:
    """A list of pages: a section's, or those under an entry (then, past LIMIT, a "See all N" link);
    ``html`` when it is drawn already."""

    current: bool
    entries: list[Entry]
    caption: str = ""
    more: dict | None = None
    html: Markup | None = None


# Per navigation (one a build): lists drawn already, by (entry, level, folder of the page, for Furo).
_drawn: weakref.WeakKeyDictionary[Navigation, dict[tuple, Markup]] = weakref.WeakKeyDictionary()


def tree(navigation: Navigation, builder, pagename: str, furo: bool = False) -> list[Pages]:
    """What the sidebar of ``pagename`` shows, for ``templates/kb/sidebar.html``: each section's list,
    each entry's link and the list of pages under it, capped, with its "See all N". With ``furo``, in
    the shape Furo makes of Sphinx's toctree: a numbered checkbox to fold each entry that has pages
    under it, numbered in document order as Furo numbers them."""
    chain = navigation.chain(pagename)
    on_chain = set(chain)
    numbers = itertools.count(1)
    # A list below the first level that holds none of the current page's chain has no checkbox, and
    # is the same on every page whose address is in the same folder: it is drawn once per folder.
    drawn = _drawn.setdefault(navigation, {})
    folder = posixpath.dirname(builder.get_target_uri(pagename)) if hasattr(builder, "get_target_uri") else None

    def items(doc: str, level: int) -> Pages | None:
        pages = navigation.children.get(doc, [])
        shown = pages[:LIMIT]
        extra = [c for c in chain if navigation.parent.get(c) == doc and c not in shown]
        if not shown + extra or level > DEPTH + 1:
            return None
        key = (doc, level, folder, furo)
        static = level > 1 and folder is not None and not extra and doc not in on_chain and on_chain.isdisjoint(shown)
        if static and key in drawn:
            return Pages(False, [], html=drawn[key])
        more = None
        if len(pages) > LIMIT:
            more = {"level": level, "count": f"{len(pages):,}",
                    "href": builder.get_relative_uri(pagename, doc) if doc != pagename else "#"}
        made = Pages(doc in on_chain, [entry(c, level) for c in shown + extra], more=more)
        if static:
            made.html = drawn[key] = Markup(assets.render(builder, "sidebar.html", groups=[made]))
        return made

    def entry(doc: str, level: int) -> Entry:
        current = doc in on_chain
        title = navigation.titles.get(doc, doc)
        if doc == pagename:
            link_classes, href = "current reference internal", "#"
        elif doc not in navigation.titles and link_scheme(doc):
            link_classes, href = "reference external", doc
        else:
            link_classes, href = "reference internal", builder.get_relative_uri(pagename, doc)
        inner = items(doc, level + 1) if current or level == 1 else None
        toggle = furo and inner is not None
        classes = f"toctree-l{level}" + (" current" if current else "") + (" has-children" if toggle else "")
        if furo and current and doc == chain[-1]:
            classes += " current-page"
        return Entry(classes, link_classes, href, title, current, inner, -1 if toggle else 0)

    def number(entries: list[Entry]) -> None:
        for made in entries:
            if made.number:
                made.number = next(numbers)
            if made.inner is not None:
                number(made.inner.entries)

    sections = [Pages(bool(on_chain & set(entries)), [entry(e, 1) for e in entries], caption)
                for caption, entries in navigation.groups if entries]
    for section in sections:
        number(section.entries)
    return sections


def render(navigation: Navigation, builder, pagename: str, furo: bool = False) -> str:
    """The sidebar of ``pagename`` (``templates/kb/sidebar.html``): in the HTML shape Sphinx's toctree
    gives, or, with ``furo``, in the shape Furo makes of it, so the theme need not parse it again for
    every page."""
    return assets.render(builder, "sidebar.html", groups=tree(navigation, builder, pagename, furo))


def navigation_of(app) -> Navigation:
    data = build_data(app)
    if data.navigation is None:
        data.navigation = build_navigation(app.env)
    return data.navigation


def bounded_sidebar(app, pagename, templatename, context, doctree) -> None:
    """Give the theme this page's bounded tree in place of Sphinx's whole toctree (``html-page-context``,
    before the theme's own handler reads it). Furo gets nothing to parse here; see :func:`furo_sidebar`."""
    if "toctree" not in context:
        return
    if app.config.html_theme == "furo":
        context["toctree"] = lambda **kwargs: ""
        return
    html = render(navigation_of(app), app.builder, pagename)
    context["toctree"] = lambda **kwargs: html


def furo_sidebar(app, pagename, templatename, context, doctree) -> None:
    """Furo's sidebar, already in the shape Furo would make (``html-page-context``, after Furo's handler)."""
    if app.config.html_theme == "furo" and "furo_navigation_tree" in context:
        context["furo_navigation_tree"] = render(navigation_of(app), app.builder, pagename, furo=True)
