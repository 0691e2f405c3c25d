"""The home page's search box: a plain GET form to the search page, so it works without JavaScript.

``kb-search-box`` takes no options and shows no corpus data, so it needs no
fingerprint: the page is rewritten when its own source changes, like any page.
Every attribute is written by this module and escaped.
"""

from __future__ import annotations

from html import escape

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


class kb_search_box(nodes.General, nodes.Element):
    """A search form leading to ``search.html?q=...``."""


class SearchBox(SphinxDirective):
    """``kb-search-box``: a search form for the top of a page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = kb_search_box()
        self.set_source_info(node)
        return [node]


def visit_html(self, node: kb_search_box) -> None:
    action = escape(self.builder.get_relative_uri(self.builder.current_docname, "search"))
    self.body.append(
        f'<form class="kb-search-box" method="get" action="{action}" role="search" aria-label="Search the guides">'
        '<label for="kb-search-box-q">Search the guides</label>'
        '<span class="kb-search-box-row"><input id="kb-search-box-q" name="q" type="search" autocomplete="off" '
        'placeholder="e.g. trust, monitoring" enterkeyhint="search">'
        '<button type="submit">Search</button></span></form>')
    raise nodes.SkipNode


def visit_skip(self, node) -> None:
    raise nodes.SkipNode
