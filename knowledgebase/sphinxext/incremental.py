"""Deciding which pages an incremental build reads again and rewrites.

Each page's generated content is hashed from the views it displays (its own
record's view, the targets of its roles, the output of its directives, its
sidebar). A page is rewritten when its hash differs from the one stored at the
last build: editing one article's concepts rewrites the concept pages, related
lists and backlinks that show them; editing only its body rewrites that page alone.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .. import __version__
from .domain import KnowledgeBaseDomain, page_data
from .navigation import build_navigation
from .pages import PAGE_BLOCKS, record_for
from .resolve import directive_view
from .state import BuildData, build_data, warm_state


def mark_orphan(app, doctree) -> None:
    """Content pages are reached through generated links, not a toctree: say so, so Sphinx does not warn."""
    docname = app.env.docname
    if docname.partition("/")[0] in PAGE_BLOCKS:
        app.env.metadata[docname]["orphan"] = True


def page_fingerprint(data: BuildData, state: KnowledgeBaseDomain, docname: str) -> str:
    views = data.views
    parts: list[str] = [__version__]  # a new release may render the same data differently
    found = record_for(data.kb, docname)
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
        if read.page_links & touched or (record_for(data.kb, docname) is not None) != read.record:
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
    if data.only_read_pages_changed and warm is not None:
        docnames = sorted(warm.read & env.found_docs)
    else:
        docnames = sorted(env.found_docs)
    state = page_data(env)
    changed = []
    for docname in docnames:
        new = page_fingerprint(data, state, docname)
        if state.fingerprints.get(docname) != new:
            if docname in state.fingerprints:
                changed.append(docname)
            state.fingerprints[docname] = new
    return changed
