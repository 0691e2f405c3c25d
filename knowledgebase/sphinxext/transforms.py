"""Give every knowledge base page its title and the placeholders for its generated sections."""

from __future__ import annotations

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .nodes import kb_generated
from .pages import PAGE_BLOCKS, record_for
from .state import build_data


class KnowledgeBasePage(SphinxTransform):
    """Wrap the body in a section titled from the front matter, and add the placeholders."""

    default_priority = 500  # after DocInfo (340) turns the front matter into docinfo

    def apply(self, **kwargs) -> None:
        found = record_for(build_data(self.env).kb, self.env.docname)
        if found is None:
            return
        folder, record = found
        title_text = getattr(record, "title", None) or getattr(record, "label")
        document = self.document
        # Front matter arrives as docinfo, which must stay first for Sphinx to collect it.
        leading = [c for c in document.children if isinstance(c, nodes.PreBibliographic) or isinstance(c, nodes.docinfo)]
        body = [c for c in document.children if c not in leading]
        sections = [c for c in body if isinstance(c, nodes.section)]
        if len(body) == 1 and sections and sections[0][0].astext() == title_text:
            section = sections[0]
        else:
            section = nodes.section(ids=[nodes.make_id(title_text) or "page"],
                                    names=[nodes.fully_normalize_name(title_text)])
            section += nodes.title(title_text, title_text)
            for child in body:
                section += child
            document.children = []
            document.extend(leading)
            document += section
        header, footer = PAGE_BLOCKS[folder]
        section.insert(1, kb_generated(block=header, record=record.id))
        section += kb_generated(block=footer, record=record.id)
