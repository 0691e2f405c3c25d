"""Free each page's doctree as soon as its HTML is made, instead of at the next full garbage collection.

A doctree is a web of cycles (every node points to its parent), so when Sphinx
drops a written page, reference counting frees none of it: it waits for a full
collection of Python's cycle collector, and those come further apart the more a
process holds. While Sphinx writes 5,000 pages, a build holding the corpus and
its views let 180 MB of written doctrees pile up before a collection. Cutting
the links as the page is done lets reference counting free it at once.
"""

from __future__ import annotations

from docutils import nodes

# Last of every handler of ``html-page-context``: the theme and the other
# handlers have read the doctree, and Sphinx only renders the template after.
PRIORITY = 999


def release_doctree(app, pagename: str, templatename: str, context: dict, doctree: nodes.document | None) -> None:
    if doctree is None:  # a page without a source (search, genindex, the extension's own pages)
        return
    for node in list(doctree.findall()):
        node.parent = None
        if isinstance(node, nodes.Element):
            node.children = []
