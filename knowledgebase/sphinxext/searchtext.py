"""The text a reader sees of each page, kept while the page is read, for the search index.

Collected at ``doctree-read`` for every builder into the ``kb`` domain (compressed,
:class:`knowledgebase.search.PageText`), so that the index, made only by the HTML
builder (:mod:`.html.search`), needs no doctree.
"""

from __future__ import annotations

from docutils import nodes

from ..search.words import REFERENCE_MARK, PageText, split_blocks
from .domain import page_data
from .nodes import kb_generated, kb_reference
from .pages import record_for
from .state import build_data


def collect_text(app, doctree) -> None:
    """While reading, keep the text a reader sees of a content page (``doctree-read``).

    Front matter (docinfo) is left out: its ids and facilitator notes are not what the
    page shows. Cross-references are kept as markers, labelled when the index is built.
    """
    docname = app.env.docname
    found = record_for(build_data(app).kb, docname)
    if found is None or found[0] == "audiences":
        return
    page_data(app.env).search_terms[docname] = page_text(doctree)


_SKIPPED = (nodes.docinfo, nodes.comment, nodes.raw, nodes.system_message, nodes.substitution_definition,
            nodes.Invisible, kb_generated)


def page_text(doctree: nodes.Node) -> PageText:
    """The readable text of a doctree, a paragraph per text element, references as markers."""
    paragraphs: list[str] = []
    references: list[tuple[str, str]] = []
    stack = [doctree]
    while stack:
        node = stack.pop()
        if isinstance(node, _SKIPPED):
            continue
        if isinstance(node, nodes.TextElement) and not isinstance(node, kb_reference):
            parts: list[str] = []
            inner: list[nodes.Node] = [node]
            while inner:
                child = inner.pop()
                if isinstance(child, kb_reference):
                    if child["explicit"]:
                        parts.append(child["explicit"].replace(REFERENCE_MARK, ""))
                    else:
                        parts.append(REFERENCE_MARK)
                        references.append((child["kind"], child["target"]))
                elif isinstance(child, nodes.Text):
                    parts.append(str(child).replace(REFERENCE_MARK, ""))
                elif not isinstance(child, _SKIPPED):
                    inner.extend(reversed(child.children))
            paragraphs.append("".join(parts))
            continue
        stack.extend(reversed(node.children))
    return PageText.of(split_blocks(paragraphs), tuple(references))
