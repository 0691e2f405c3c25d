"""Placeholder nodes: written while reading, filled in with current data while writing.

Generated content depends on the whole corpus, so it is never frozen into a
pickled doctree; an incremental build refills it from the current data.
"""

from docutils import nodes


class kb_reference(nodes.Inline, nodes.TextElement):
    """A ``{article}``, ``{concept}``, ``{path}`` or ``{source}`` role: ``kind``, ``target``, ``explicit``."""


class kb_generated(nodes.General, nodes.Element):
    """A generated block: ``block`` names what (``article-header``, ``concept-sections``, a directive...)."""


class kb_search_box(nodes.General, nodes.Element):
    """The ``kb-search-box`` directive: a search form leading to ``search.html?q=...``, written by the HTML
    builder (:func:`.html.search.visit_search_box`) and left out by every other."""


def visit_skip(self, node):
    """Placeholders are replaced before any writer sees them; the search box exists only in HTML."""
    raise nodes.SkipNode


class kb_html(nodes.General, nodes.Element):
    """HTML the extension writes itself from escaped data (lists of cards, concept maps): ``html``.

    Not a ``raw`` node: the site publishes no raw node, so a page's own raw HTML can never pass as this.
    """


def visit_html(self, node):
    self.body.append(node["html"])
    raise nodes.SkipNode
