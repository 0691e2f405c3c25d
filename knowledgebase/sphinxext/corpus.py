"""The corpus, loaded once per build: the engine's knowledge base, graph and views, and its diagnostics.

Loaded at ``config-inited``, before Sphinx looks for documents, so that files
the engine refused to read are kept away from Sphinx too; kept on the
application (:func:`.state.build_data`). In a long-lived process (``kb serve``)
a rebuild reads again only the files that changed, and keeps the last build's
graph and views when no record's published data changed.
"""

from __future__ import annotations

import glob
from pathlib import Path

from sphinx.util import logging

from ..graph import ConceptGraph
from ..load import load
from ..reuse.published import same_published_data
from ..reuse.related import RelatedMemory
from ..reuse.views import ViewMemory
from ..views import Views
from .state import BuildData, build_data, set_build_data, warm_state

logger = logging.getLogger(__name__)


# Files and folders the engine refused to read are kept away from Sphinx too:
# one that links outside the content folder must not be published, a linked
# folder may loop without end, a page named like a generated page would be
# replaced, and a file that is not UTF-8 would stop Sphinx with a traceback.
UNREADABLE = {"KB001", "KB002", "KB011", "KB012", "KB013", "KB016", "KB017"}


def load_corpus(app, config) -> None:
    """Load and check the corpus in the source folder (``config-inited``, before Sphinx looks for documents)."""
    warm = warm_state(app)
    result = load(Path(app.srcdir), warm.load_cache if warm is not None else None)
    previous = warm.previous if warm is not None else None
    if previous is not None and same_published_data(previous.kb, result.kb):
        # Every view would come out the same: keep the graph and the views already computed.
        data = BuildData(result, previous.graph, previous.views, published_as_before=True)
    elif warm is None:
        graph = ConceptGraph(result.kb)
        data = BuildData(result, graph, Views(result.kb, graph))
    else:  # a long-lived process: what the last build made is reused wherever its inputs are unchanged
        # The engine sees a memory only through its protocol; reuse one only if it is this kind.
        earlier_related = previous.graph.related_lists if previous is not None else None
        earlier_views = previous.views.memory if previous is not None else None
        related = RelatedMemory(earlier_related if isinstance(earlier_related, RelatedMemory) else None)
        graph = ConceptGraph(result.kb, related)
        memory = ViewMemory(related, earlier_views if isinstance(earlier_views, ViewMemory) else None)
        data = BuildData(result, graph, Views(result.kb, graph, memory))
    set_build_data(app, data)
    srcdir = Path(app.srcdir).resolve()
    for d in result.diagnostics:
        if d.code in UNREADABLE:
            path = Path(d.path).absolute()
            if path.parent.resolve().is_relative_to(srcdir):
                pattern = glob.escape((path.parent.resolve() / path.name).relative_to(srcdir).as_posix())
                if pattern not in config.exclude_patterns:
                    config.exclude_patterns.append(pattern)
                    data.unreadable_patterns.append(pattern)


def reload_corpus(app) -> None:
    """Before each rebuild in a long-lived process: the corpus as it is now, and its diagnostics."""
    for pattern in build_data(app).unreadable_patterns:  # a file that became readable is published again
        app.config.exclude_patterns.remove(pattern)
    load_corpus(app, app.config)
    report_diagnostics(app)


def report_diagnostics(app) -> None:
    """Every engine diagnostic as a Sphinx warning with type ``kb`` and a subtype per code (``builder-inited``)."""
    for d in build_data(app).result.diagnostics:
        hint = f" ({d.hint})" if d.hint else ""
        logger.warning(f"{d.code} {d.message}{hint}", type="kb", subtype=d.name, location=f"{d.path}:{d.line}")
