"""Which page is which: the documents that stand for records, and the pages the extension adds.

Plain names, no Sphinx: what reads a page (the transform), what renders one (a
link to the session builder or a reading pack) and what writes the extra pages
all name them from here.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model import KnowledgeBase

# Which generated blocks each kind of page gets: (after the title, after the body).
PAGE_BLOCKS = {
    "articles": ("article-header", "article-sections"),
    "concepts": ("concept-header", "concept-sections"),
    "paths": ("path-header", "path-sections"),
    "audiences": ("audience-header", "audience-sections"),
}

# The pages the extension adds (``html-collect-pages``).
SEARCH_PAGE = "search"
SESSION_PAGE = "session"           # the session builder
PRINT_PAGE = "session-print"       # prints a session from the builder
PATH_PACK_FOLDER = "paths/pack"    # a reading pack per path
FACILITATOR_FOLDER = "paths/facilitator"  # facilitator notes per path


def record_for(kb: KnowledgeBase, docname: str):
    """The record a document stands for, or None: ``("articles", Article)``..."""
    folder, _, ident = docname.partition("/")
    if folder not in PAGE_BLOCKS or "/" in ident:
        return None
    tables: dict[str, Mapping[str, object]] = {"articles": kb.articles, "concepts": kb.concepts, "paths": kb.paths,
                                               "audiences": kb.audiences}
    table = tables[folder]
    record = table.get(ident)
    return (folder, record) if record is not None else None


def path_pack_pagename(path_id: str) -> str:
    """The path's reading pack."""
    return f"{PATH_PACK_FOLDER}/{path_id}"


def facilitator_pagename(path_id: str) -> str:
    """The path's facilitator sheet."""
    return f"{FACILITATOR_FOLDER}/{path_id}"
