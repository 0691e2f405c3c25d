"""A written page's doctree is freed when the page is done, not at a later garbage collection."""

from __future__ import annotations

import gc
import io
import weakref

from docutils import nodes
from sphinx.testing.util import SphinxTestApp

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
