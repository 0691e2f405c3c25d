"""The bounded sidebar (:mod:`..navigation`) on each page the HTML builder writes.

At ``html-page-context`` the page's ``toctree`` function, which Furo and other
themes call for the whole global toctree, is replaced by one that returns this
page's bounded tree; for Furo, the tree is given already in the shape Furo
makes of it, so the theme need not parse it again for every page.
"""

from __future__ import annotations

import re
from html import escape

from ...bodypolicy import link_scheme
from ..navigation import DEPTH, LIMIT, Navigation, build_navigation
from ..state import build_data

_NUMBER = "\x00"  # stands for a checkbox's number until the whole tree is written


def render(navigation: Navigation, builder, pagename: str, furo: bool = False) -> str:
    """The sidebar of ``pagename``: in the HTML shape Sphinx's toctree gives, or, with ``furo``, in the
    shape Furo makes of it (a checkbox and label to fold each entry that has pages under it), so the
    theme need not parse it again for every page."""
    chain = navigation.chain(pagename)
    on_chain = set(chain)

    def link(doc: str) -> str:
        title = escape(navigation.titles.get(doc, doc))
        if doc == pagename:
            return f'<a class="current reference internal" href="#">{title}</a>'
        if doc not in navigation.titles and link_scheme(doc):
            return f'<a class="reference external" href="{escape(doc)}">{title}</a>'
        return f'<a class="reference internal" href="{escape(builder.get_relative_uri(pagename, doc))}">{title}</a>'

    def items(doc: str, level: int) -> str:
        pages = navigation.children.get(doc, [])
        shown = pages[:LIMIT]
        extra = [c for c in chain if navigation.parent.get(c) == doc and c not in shown]
        if not shown + extra or level > DEPTH + 1:
            return ""
        out = [entry(c, level) for c in shown + extra]
        if len(pages) > LIMIT:
            href = escape(builder.get_relative_uri(pagename, doc)) if doc != pagename else "#"
            out.append(f'<li class="toctree-l{level} kb-nav-more"><a class="reference internal" href="{href}">'
                       f'See all {len(pages):,}</a></li>')
        return _list(out, doc in on_chain)

    def entry(doc: str, level: int) -> str:
        current = doc in on_chain
        inner = items(doc, level + 1) if current or level == 1 else ""
        classes = f"toctree-l{level}" + (" current" if current else "") + (" has-children" if furo and inner else "")
        if furo and current and doc == chain[-1]:
            classes += " current-page"
        if not (furo and inner):
            return f'<li class="{classes}">{link(doc)}{inner}</li>'
        title = escape(navigation.titles.get(doc, doc))
        return (f'<li class="{classes}">{link(doc)}'
                f'<input aria-label="Toggle navigation of {title}"{" checked" if current else ""} '
                f'class="toctree-checkbox" id="toctree-checkbox-{_NUMBER}" name="toctree-checkbox-{_NUMBER}" '
                f'role="switch" type="checkbox"/><label for="toctree-checkbox-{_NUMBER}"><span class="icon"><svg>'
                f'<use href="#svg-arrow-right"></use></svg></span></label>{inner}</li>')

    html = []
    for caption, entries in navigation.groups:
        if not entries:
            continue
        if caption:
            html.append(f'<p class="caption" role="heading"><span class="caption-text">{escape(caption)}</span></p>')
        html.append(_list([entry(e, 1) for e in entries], bool(on_chain & set(entries))))
    # Checkboxes are numbered in document order, as Furo numbers them.
    numbers = iter(range(1, 1_000_000))
    return re.sub(_NUMBER + "(.*?)" + _NUMBER + "(.*?)" + _NUMBER,
                  lambda m: (n := str(next(numbers))) + m.group(1) + n + m.group(2) + n, "".join(html))


def _list(items: list[str], current: bool) -> str:
    return ('<ul class="current">\n' if current else "<ul>\n") + "\n".join(items) + "\n</ul>\n"


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
