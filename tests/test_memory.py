"""What a build holds: a written page's doctree is freed when the page is done, not at a later
garbage collection, and a one-off build does not keep every page's view until writing."""

from __future__ import annotations

import gc
import io
import weakref

from docutils import nodes
from sphinx.testing.util import SphinxTestApp

from knowledgebase.graph import ConceptGraph
from knowledgebase.model import Article, Concept, KnowledgeBase
from knowledgebase.reuse.related import RelatedMemory
from knowledgebase.reuse.views import ViewMemory
from knowledgebase.views import Views
from sphinx_support import copy_root


def test_a_written_pages_nodes_are_freed_without_the_cycle_collector(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    app = SphinxTestApp("html", srcdir=srcdir, builddir=tmp_path / "build", status=io.StringIO(), warning=io.StringIO())
    paragraphs: list[weakref.ref] = []

    def watch(app, doctree, docname):
        paragraphs.extend(weakref.ref(p) for p in doctree.findall(nodes.paragraph))

    app.connect("doctree-resolved", watch)
    gc.disable()  # only reference counting frees anything now
    try:
        app.build()
        # MyST's inline parser keeps the last paragraph it parsed of each page (emptied by then)
        alive = [p for p in (ref() for ref in paragraphs) if p is not None
                 and not any(type(holder).__name__ == "MockInliner" for holder in gc.get_referrers(p))]
    finally:
        gc.enable()
        app.cleanup()
    assert len(paragraphs) > 100
    assert alive == []


def _corpus(size: int) -> KnowledgeBase:
    concepts = {c: Concept(c, f"concepts/{c}.md", c.title(), "A concept.") for c in ("trust", "inquiry", "voice")}
    articles = {f"a{n}": Article(f"a{n}", f"articles/a{n}.md", f"Article {n}", "Summary.",
                                 (("trust", "inquiry", "voice")[n % 3],), ("teacher",), "guide") for n in range(size)}
    return KnowledgeBase("content", articles, concepts, {}, {}, {}, {c: c for c in concepts})


def _views_alive_after_fingerprinting(views: Views) -> int:
    refs = []
    for aid in views.kb.articles:
        page_view = views.article(aid)
        views.fingerprint(page_view)
        refs.append(weakref.ref(page_view))
    del page_view
    gc.collect()
    return sum(ref() is not None for ref in refs)


def test_a_one_off_build_does_not_hold_every_pages_view_after_fingerprinting_it():
    kb = _corpus(200)
    assert _views_alive_after_fingerprinting(Views(kb, ConceptGraph(kb))) <= 20


def test_a_long_lived_process_keeps_every_pages_view_for_the_next_build():
    kb = _corpus(200)
    related = RelatedMemory()
    views = Views(kb, ConceptGraph(kb, related), ViewMemory(related))
    assert _views_alive_after_fingerprinting(views) == 200
