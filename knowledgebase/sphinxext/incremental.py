"""Loading the corpus once per build, and deciding which pages an incremental build rewrites.

Each page's generated content is hashed from the views it displays (its own
record's view, the targets of its roles, the output of its directives). A page
is rewritten when its hash differs from the one stored at the last build:
editing one article's concepts rewrites the concept pages, related lists and
backlinks that show them; editing only its body rewrites that page alone.
"""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

from sphinx.util import logging

from .. import __version__
from ..graph import ConceptGraph
from ..loader import load
from ..views import Views, same_published_data
from .navigation import build_navigation
from .resolve import directive_view
from .domain import KnowledgeBaseDomain, page_data
from .state import BuildData, build_data, set_build_data, warm_state
from .transforms import PAGE_BLOCKS, record_for

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
    else:
        graph = ConceptGraph(result.kb, earlier=previous.graph if previous is not None else None)
        views = Views(result.kb, graph, earlier=previous.views if previous is not None else None,
                      reusable=warm is not None)
        data = BuildData(result, graph, views)
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


def mark_orphan(app, doctree) -> None:
    """Content pages are reached through generated links, not a toctree: say so, so Sphinx does not warn."""
    docname = app.env.docname
    if docname.partition("/")[0] in PAGE_BLOCKS:
        app.env.metadata[docname]["orphan"] = True


def page_fingerprint(app, data: BuildData, state: KnowledgeBaseDomain, docname: str) -> str:
    views = data.views
    parts: list[str] = [__version__]  # a new release may render the same data differently
    found = record_for(app, docname)
    if found is not None:
        folder, record = found
        page_view = {"articles": views.article, "concepts": views.concept, "paths": views.path,
                     "audiences": views.audience}[folder](record.id)
        parts.append(views.fingerprint(page_view))
    for kind, target in sorted(state.references.get(docname, ())):
        link = views.cited_link(kind, target)
        parts.append(f"{kind}:{target}:" + (views.fingerprint(link) if link else "-"))
    for use in state.directive_uses.get(docname, ()):
        parts.append(use.name + ":" + views.fingerprint(directive_view(views, use.name, dict(use.options))))
    if data.navigation is not None:
        parts.append("sidebar:" + data.navigation.digest + data.navigation.page_digest(docname))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def pages_to_read_again(app, env, added, changed, removed) -> list[str]:
    """Unchanged pages whose saved doctree no longer fits the corpus (``env-get-outdated``).

    A page is read again when it stopped or started being a record (its front matter is fine
    but, say, the alias it relies on was removed), or when a document its Markdown links name
    was added or deleted. Added and deleted documents are also remembered, so that the old
    pages of deleted ones can be removed.
    """
    data = build_data(app)
    data.added, data.removed = set(added), set(removed)
    touched = set(added) | set(removed)
    skip = touched | set(changed)
    again = []
    for docname, read in page_data(env).read_as.items():
        if docname in skip or docname not in env.found_docs:
            continue
        if read.page_links & touched or (record_for(app, docname) is not None) != read.record:
            again.append(docname)
    return sorted(again)


def note_pages_read(app, env, docnames) -> None:
    """In a long-lived process, remember which pages this build reads (``env-before-read-docs``)."""
    warm = warm_state(app)
    if warm is not None:
        warm.read = set(docnames)


def remove_stale_pages(app, exception) -> None:
    """After a successful build, delete the pages of documents that no longer exist (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for docname in sorted(build_data(app).removed):
        page = outdir / app.builder.get_target_uri(docname)
        if page.is_file() and page.resolve().is_relative_to(outdir.resolve()):
            page.unlink()


def remember_build(app, exception) -> None:
    """In a long-lived process, keep this build's data to compare the next one with (``build-finished``)."""
    warm = warm_state(app)
    if warm is not None:
        warm.previous = build_data(app) if exception is None else None


def pages_with_changed_data(app, env) -> list[str]:
    """Pages whose generated content differs from the last build's (``env-get-updated``).

    Every page's fingerprint is computed again, except in a long-lived process when this
    build changed nothing that pages show beyond the pages it read (a body edit, say):
    then only those pages can have changed, and only theirs are computed.
    """
    data = build_data(app)
    data.navigation = build_navigation(env)
    warm = warm_state(app)
    previous = warm.previous if warm is not None else None
    data.only_read_pages_changed = (
        data.published_as_before and previous is not None and previous.navigation is not None
        and not data.added and not data.removed and previous.navigation.same_tree(data.navigation))
    docnames = sorted(warm.read & env.found_docs) if data.only_read_pages_changed else sorted(env.found_docs)
    state = page_data(env)
    changed = []
    for docname in docnames:
        new = page_fingerprint(app, data, state, docname)
        if state.fingerprints.get(docname) != new:
            if docname in state.fingerprints:
                changed.append(docname)
            state.fingerprints[docname] = new
    return changed
