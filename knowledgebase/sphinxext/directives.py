"""Directives for hand-made pages: article lists, the concept map, the glossary, path and source lists.

Their output depends on the whole corpus, so each leaves a placeholder that
is filled when the page is written; the page records which directives it
uses, so an incremental build rewrites it when their output changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..schema import ARTICLE_KINDS
from .domain import DirectiveUse, page_data
from .nodes import kb_generated, kb_search_box

SORTS = ("title", "updated", "reading-time", "most-linked")


def _choice(values):
    return lambda argument: directives.choice(argument, values)


class GeneratedBlock(SphinxDirective):
    """Base: a directive whose content is generated at write time from its options."""

    has_content = False
    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {}

    def run(self) -> list[nodes.Node]:
        options = tuple(sorted((k, str(v)) for k, v in self.options.items()))
        page_data(self.env).directive_uses.setdefault(self.env.docname, []).append(DirectiveUse(self.name, options))
        node = kb_generated(block=f"directive:{self.name}", options=dict(options))
        self.set_source_info(node)
        return [node]


class ArticleList(GeneratedBlock):
    """``kb-articles``: articles filtered by concept, audience and kind; sorted, limited, as a list or cards."""

    option_spec = {
        "concept": directives.unchanged_required,
        "audience": directives.unchanged_required,
        "kind": _choice(ARTICLE_KINDS),
        "sort": _choice(SORTS),
        "limit": directives.positive_int,
        "layout": _choice(("list", "cards")),
        "ids": directives.unchanged_required,
    }


class ConceptMap(GeneratedBlock):
    """``kb-concept-map``: the map of the whole vocabulary."""


class Glossary(GeneratedBlock):
    """``kb-glossary``: every concept with its definition and aliases."""


class PathOverview(GeneratedBlock):
    """``kb-paths``: the reading paths, optionally for one audience, with duration and summary."""

    option_spec = {"audience": directives.unchanged_required, "limit": directives.positive_int,
                   "ids": directives.unchanged_required}


class AudienceEntries(GeneratedBlock):
    """``kb-audiences``: one card per audience, leading to its landing page; ``:layout: chooser`` is one compact row of links."""

    option_spec = {"layout": _choice(("cards", "chooser"))}


class SourceList(GeneratedBlock):
    """``kb-sources``: the bibliography, with an anchor per source for the ``{source}`` role."""


class SearchBox(SphinxDirective):
    """``kb-search-box``: a search form for the top of a page, a plain GET form to the search page, so
    it works without JavaScript. It takes no options and shows no corpus data, so it needs no
    fingerprint: the page is rewritten when its own source changes, like any page."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        node = kb_search_box()
        self.set_source_info(node)
        return [node]


DIRECTIVES = {
    "kb-articles": ArticleList,
    "kb-concept-map": ConceptMap,
    "kb-glossary": Glossary,
    "kb-paths": PathOverview,
    "kb-audiences": AudienceEntries,
    "kb-sources": SourceList,
    "kb-search-box": SearchBox,
}
