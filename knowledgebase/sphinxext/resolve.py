"""Fill the placeholders of a page with current data, when the page is written."""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

from .. import views as v
from ..suggest import did_you_mean
from .nodes import kb_generated, kb_reference
from .pages import SESSION_PAGE
from .render import Renderer, para
from .state import build_data

logger = logging.getLogger(__name__)

ROLE_CODES = {"article": ("KB110", "unknown-article"), "concept": ("KB102", "unknown-concept"),
              "source": ("KB109", "unknown-source"), "path": ("KB119", "unknown-path")}


def resolve_page(app, doctree: nodes.document, docname: str) -> None:
    data = build_data(app)
    renderer = Renderer(app, docname)
    for reference in list(doctree.findall(kb_reference)):
        reference.replace_self(_reference(app, data, renderer, reference, docname))
    for block in list(doctree.findall(kb_generated)):
        block.replace_self(generate(data, renderer, block["block"], block.get("record"), block.get("options", {})))


def _reference(app, data, renderer: Renderer, node: kb_reference, docname: str) -> nodes.Node:
    kind, target, explicit = node["kind"], node["target"], node["explicit"]
    link = data.views.cited_link(kind, target)
    if link is not None:
        return renderer.link(link, explicit or None)
    if not data.is_scanned(docname):  # the engine already reported it for content pages
        code, name = ROLE_CODES[kind]
        table = {"article": data.kb.articles, "concept": data.kb.aliases, "source": data.kb.sources,
                 "path": data.kb.paths}[kind]
        logger.warning(f"{code} unknown {kind} `{target}` ({did_you_mean(target, table, 'no such id')})",
                       type="kb", subtype=name, location=node)
    shown = explicit or target
    return nodes.inline(shown, shown, classes=["kb-missing"])


def generate(data, renderer: Renderer, block: str, record: str | None, options: dict) -> list[nodes.Node]:
    """The nodes of one generated block, from the current views."""
    views = data.views
    if block == "article-header":
        return renderer.article_header(views.article(record))
    if block == "article-sections":
        return renderer.article_sections(views.article(record))
    if block == "concept-header":
        return renderer.concept_header(views.concept(record))
    if block == "concept-sections":
        return renderer.concept_sections(views.concept(record))
    if block == "path-header":
        return renderer.path_header(views.path(record))
    if block == "path-sections":
        return renderer.path_sections(views.path(record))
    if block == "audience-header":
        return renderer.audience_header(views.audience(record))
    if block == "audience-sections":
        return renderer.audience_sections(views.audience(record))
    name = block.removeprefix("directive:")
    return DIRECTIVE_RENDERERS[name](views, renderer, options)


def directive_view(views: v.Views, name: str, options: dict):
    """The data a directive shows: what it renders, and what its fingerprint hashes.

    Made once per build for each name and options (a page's fingerprint and its rendering
    need the same, and a list of every article is not cheap)."""
    return views.kept(("directive", name, tuple(sorted(options.items()))),
                      lambda: _directive_view(views, name, options))


def _directive_view(views: v.Views, name: str, options: dict):
    if name == "kb-articles":
        return views.article_list(concept=options.get("concept"), audience=options.get("audience"),
                                  kind=options.get("kind"), sort=options.get("sort", "title"),
                                  limit=int(options["limit"]) if "limit" in options else None,
                                  with_concepts=options.get("layout") != "cards", ids=_ids(options))
    if name == "kb-concept-map":
        return views.vocabulary_map()
    if name == "kb-glossary":
        return tuple((views.concept_link(c), views.kb.concepts[c].aliases) for c in views.kb.concepts)
    if name == "kb-paths":
        paths = [p for p in views.kb.paths.values() if not options.get("audience") or options["audience"] in p.audience]
        if _ids(options):  # curated, in the order written
            paths = [views.kb.paths[i] for i in dict.fromkeys(_ids(options)) if i in views.kb.paths]
        limit = int(options["limit"]) if "limit" in options else None
        return tuple((views.path_link(p.id), p.duration, tuple(views.audience_link(a) for a in p.audience
                                                               if a in views.kb.audiences)) for p in paths[:limit])
    if name == "kb-audiences":
        return (options.get("layout", "cards"),
                tuple((views.audience_link(a), sum(a in x.audience for x in views.kb.articles.values()))
                      for a in views.kb.audiences))
    if name == "kb-sources":
        return tuple(views.source(s) for s in views.kb.sources)
    raise KeyError(name)


def _ids(options) -> tuple[str, ...]:
    """The ``:ids:`` option: record ids separated by commas or spaces."""
    return tuple(i for i in options.get("ids", "").replace(",", " ").split() if i)


def _articles(views, renderer: Renderer, options) -> list[nodes.Node]:
    cards = directive_view(views, "kb-articles", options)
    if not cards:
        return [para("No articles match yet.", classes=["kb-empty"])]
    if options.get("layout") == "cards":
        return [renderer.design_grid(cards)]
    return [renderer.card_list(cards)]


def _concept_map(views, renderer: Renderer, options) -> list[nodes.Node]:
    return renderer.map(directive_view(views, "kb-concept-map", options), whole=True, element_id="kb-concept-map")


def _glossary(views, renderer: Renderer, options) -> list[nodes.Node]:
    glossary = nodes.definition_list(classes=["kb-glossary"])
    for link, aliases in directive_view(views, "kb-glossary", options):
        term = nodes.term("", "", renderer.link(link), ids=[f"glossary-{link.id}"])
        definition = nodes.definition("", para(link.tooltip))  # the definition
        if aliases:
            definition += para("Also called: " + ", ".join(aliases), classes=["kb-aliases"])
        glossary += nodes.definition_list_item("", term, definition)
    return [glossary]


def _builder_link(renderer: Renderer, options) -> list[nodes.Node]:
    """Under a list of every path: where a trainer plans a session of their own (session.html)."""
    if not renderer.html or options.get("ids"):
        return []
    uri = renderer.builder.get_relative_uri(renderer.docname, SESSION_PAGE)
    return [para("Plan a session of your own in the ",
                  nodes.reference("session builder", "session builder", refuri=uri, internal=True),
                  ": it drafts one from the ideas you want to cover and the time you have, "
                  "and can start from any reading path.", classes=["kb-builder-link"])]


def _paths(views, renderer: Renderer, options) -> list[nodes.Node]:
    entries = directive_view(views, "kb-paths", options)
    if not entries:
        return [para("No reading paths yet.", classes=["kb-empty"]), *_builder_link(renderer, options)]
    box = nodes.container(classes=["kb-cards", "kb-path-cards"])
    for link, duration, audiences in entries:
        card = nodes.container(classes=["kb-card"])
        card += para(renderer.link(link, classes=["kb-card-title"]), classes=["kb-card-heading"])
        card += para(link.tooltip, classes=["kb-card-summary"])
        meta = para(f"{duration}-minute session", classes=["kb-card-meta"])
        if audiences:
            meta += nodes.Text(" · For ")
            meta.extend(renderer.inline_list(audiences))
        card += meta
        box += card
    return [box, *_builder_link(renderer, options)]


def _audiences(views, renderer: Renderer, options) -> list[nodes.Node]:
    layout, entries = directive_view(views, "kb-audiences", options)
    if layout == "chooser":
        return [renderer.chips([link for link, _ in entries], "Guides for: ", classes=("kb-chips", "kb-audience-chooser"))]
    box = nodes.container(classes=["kb-cards", "kb-audience-cards"])
    for link, count in entries:
        card = nodes.container(classes=["kb-card"])
        card += para(renderer.link(link, classes=["kb-card-title"]), classes=["kb-card-heading"])
        card += para(link.tooltip, classes=["kb-card-summary"])
        card += para(f"{count} articles", classes=["kb-card-meta"])
        box += card
    return [box]


def _sources(views, renderer: Renderer, options) -> list[nodes.Node]:
    return [renderer.source_list(directive_view(views, "kb-sources", options))]


DIRECTIVE_RENDERERS = {
    "kb-articles": _articles,
    "kb-concept-map": _concept_map,
    "kb-glossary": _glossary,
    "kb-paths": _paths,
    "kb-audiences": _audiences,
    "kb-sources": _sources,
}
