"""Turn views (plain data) into docutils nodes for one page.

Text always goes into docutils text nodes, which every writer escapes. The
HTML written here directly (``kb_html`` nodes) is the SVG map, whose text
:mod:`knowledgebase.maps` escapes, QR placeholders (:func:`qr_placeholder`), and lists
of article cards, whose text and attributes :func:`_escaped` escapes as docutils' HTML
writer does.
"""

from __future__ import annotations

import datetime as dt
import re
from html import escape
from urllib.parse import urlencode, urljoin

from docutils import nodes

from .. import views as v
from ..characters import strip_forbidden
from ..citation import Citation
from ..maps import render_map
from ..paths import format_minutes
from .nodes import kb_html
from .pages import path_pack_pagename

WHEN_TITLES = {"pre-reading": "Before the session", "in-session": "In the session", "follow-up": "After the session"}


def kb_section(title: str, ident: str, *children: nodes.Node, classes=()) -> nodes.section:
    """One of the extension's own sections (class ``kb-section``, id ``kb-<ident>``)."""
    box = nodes.section(ids=[f"kb-{ident}"], names=[f"kb-{ident}"], classes=["kb-section", *classes])
    box += nodes.title(title, title)
    box.extend(children)
    return box


def para(*children, classes=()) -> nodes.paragraph:
    """A paragraph of text (as text nodes) and nodes."""
    paragraph = nodes.paragraph(classes=list(classes))
    paragraph.extend(c if isinstance(c, nodes.Node) else nodes.Text(c) for c in children)
    return paragraph


# What docutils' HTML writers replace in text and attribute values ("@" hides addresses from harvesters).
_HTML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", '"': "&quot;", ">": "&gt;", "@": "&#64;"})
_ATTRIBUTE_WHITESPACE = str.maketrans("\n\r\t\v\f", "     ")


def _escaped(text: str, attribute: bool = False) -> str:
    """``text`` as the writer writes an attribute's value or, as a text node's, without docutils' escape marks."""
    text = text.translate(_ATTRIBUTE_WHITESPACE) if attribute else nodes.unescape(text)
    return strip_forbidden(text).translate(_HTML_ESCAPES)  # as the writer does (published.PublishedOutput.encode)


def _in_sentence(label: str) -> str:
    """A sentence-case label as it reads mid-sentence: "Skin in the game" -> "skin in the game".
    Labels that start with an acronym ("PLCs") keep their capitals."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def minutes(n: int) -> str:
    return f"{n} min"


def root_prefix(pagename: str) -> str:
    """The way from a page to the site's root, as a relative address."""
    return "../" * pagename.count("/")


def short_address(app, target_uri: str) -> str:
    """What to type on paper: the full address without its scheme if the site's address is
    configured (``html_baseurl``), otherwise the page's path in the site. The browser shows
    the address it was opened from instead."""
    base = getattr(app.config, "html_baseurl", "") or ""
    if base:
        absolute = urljoin(base if base.endswith("/") else base + "/", target_uri)
        return re.sub(r"^[a-z]+://", "", absolute)
    return target_uri


def qr_placeholder(app, pagename: str, article_docname: str) -> str:
    """Where kb-qr.js draws a QR code for an article; the short address shows without JavaScript."""
    target = app.builder.get_target_uri(article_docname)
    href = app.builder.get_relative_uri(pagename, article_docname)
    return (f'<p class="kb-qr" data-kb-qr-href="{escape(href)}" data-kb-root="{escape(root_prefix(pagename))}">'
            f'<span class="kb-qr-address">{escape(short_address(app, target))}</span></p>')


class Renderer:
    """Renders for one page; ``uri`` gives the URL of a link target from this page."""

    def __init__(self, app, docname: str):
        self.app = app
        self.docname = docname
        self.builder = app.builder
        self.html = app.builder.format == "html"
        self.has_sources_page = "sources" in app.env.found_docs
        # The list of every article names each concept thousands of times: each link is made once.
        self._links_html: dict[tuple[v.Link, str], str] = {}

    # Links ------------------------------------------------------------------------------------

    def uri(self, link: v.Link) -> str:
        if link.kind == "source":
            base = self.builder.get_relative_uri(self.docname, "sources") if self.has_sources_page else ""
            return f"{base}#source-{link.id}"
        return self.builder.get_relative_uri(self.docname, v.docname(link.kind, link.id))

    def link(self, link: v.Link, text: str | None = None, classes=()) -> nodes.reference:
        label = text or link.label
        return nodes.reference(label, label, refuri=self.uri(link), reftitle=link.tooltip,
                               classes=[f"kb-link-{link.kind}", *classes], internal=True)

    def chips(self, links, label: str | None = None, classes=("kb-chips",)) -> nodes.paragraph:
        paragraph = para(classes=classes)
        if label:
            paragraph += nodes.inline(label, label, classes=["kb-chips-label"])
        for link in links:
            paragraph += self.link(link, classes=["kb-chip"])
        return paragraph

    def inline_list(self, links) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        for i, link in enumerate(links):
            if i:
                out.append(nodes.Text(", "))
            out.append(self.link(link))
        return out

    def link_list(self, links, classes=()) -> nodes.bullet_list:
        bullets = nodes.bullet_list(classes=list(classes))
        for link in links:
            bullets += nodes.list_item("", para(self.link(link)))
        return bullets

    # Cards -----------------------------------------------------------------------------------

    def card(self, card: v.ArticleCard) -> nodes.container:
        box = nodes.container(classes=["kb-card"])
        box += para(self.link(card.link, classes=["kb-card-title"]), classes=["kb-card-heading"])
        box += para(card.summary, classes=["kb-card-summary"])
        meta = f"{v.KIND_SINGULAR[card.kind]} · {minutes(card.reading_time)} read"
        box += para(meta, classes=["kb-card-meta"])
        if card.concepts:
            box += self.chips(card.concepts, classes=("kb-chips", "kb-chips-small"))
        return box

    def card_list(self, cards) -> nodes.Element:
        if self.html:
            return kb_html(html=self.card_list_html(cards))
        return self.card_list_nodes(cards)

    def card_list_nodes(self, cards) -> nodes.container:
        box = nodes.container(classes=["kb-cards"])
        for card in cards:
            box += self.card(card)
        return box

    def card_list_html(self, cards) -> str:
        """The HTML that docutils' writer makes of :meth:`card_list_nodes`, written directly.

        The page listing every article holds 5,000 cards at 5,000 articles: as nodes they
        were 100,000 to make and translate, a quarter of a rebuild after a concepts edit."""
        html = ['<div class="kb-cards docutils container">\n']
        for card in cards:
            meta = f"{v.KIND_SINGULAR[card.kind]} · {minutes(card.reading_time)} read"
            html += ['<div class="kb-card docutils container">\n<p class="kb-card-heading">',
                     self._link_html(card.link, "kb-card-title"), '</p>\n<p class="kb-card-summary">',
                     _escaped(card.summary), '</p>\n<p class="kb-card-meta">', _escaped(meta), '</p>\n']
            if card.concepts:
                html += ['<p class="kb-chips kb-chips-small">', *(self._link_html(c, "kb-chip") for c in card.concepts),
                         '</p>\n']
            html.append('</div>\n')
        html.append('</div>\n')
        return "".join(html)

    def _link_html(self, link: v.Link, extra_class: str) -> str:
        found = self._links_html.get((link, extra_class))
        if found is None:
            classes = _escaped(f"kb-link-{link.kind} {extra_class} reference internal", attribute=True)
            found = self._links_html[link, extra_class] = (
                f'<a class="{classes}" href="{_escaped(self.uri(link), attribute=True)}" '
                f'title="{_escaped(link.tooltip, attribute=True)}">{_escaped(link.label)}</a>')
        return found

    def design_grid(self, cards) -> nodes.container:
        """Cards laid out with sphinx-design's grid and card classes (its stylesheet does the layout)."""
        grid = nodes.container(classes=["sd-container-fluid", "sd-sphinx-override", "sd-mb-4", "kb-grid"])
        row = nodes.container(classes=["sd-row", "sd-row-cols-1", "sd-row-cols-sm-2", "sd-row-cols-lg-3", "sd-g-3"])
        grid += row
        for card in cards:
            column = nodes.container(classes=["sd-col", "sd-d-flex-row"])
            box = nodes.container(classes=["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm", "kb-design-card"])
            body = nodes.container(classes=["sd-card-body"])
            body += para(self.link(card.link, classes=["kb-card-title"]), classes=["sd-card-title", "sd-font-weight-bold"])
            body += para(card.summary, classes=["sd-card-text"])
            body += para(f"{v.KIND_SINGULAR[card.kind]} · {minutes(card.reading_time)} read", classes=["kb-card-meta"])
            box += body
            column += box
            row += column
        return grid

    def map(self, view: v.MapView, whole: bool = False, element_id: str = "kb-local-map") -> list[nodes.Node]:
        """The SVG map, what it leaves out and its links as a list (:func:`render_map`); other builders
        get the list of links alone."""
        if not self.html:
            return [self.link_list([n.link for n in view.nodes if not n.centre])]
        figure = nodes.container(classes=["kb-map-figure"])
        figure += kb_html(html=render_map(view, self.uri, whole_vocabulary=whole, element_id=element_id))
        return [figure]

    # Article pages ---------------------------------------------------------------------------

    def article_header(self, view: v.ArticleView) -> list[nodes.Node]:
        header = nodes.container(classes=["kb-page-header", "kb-article-header", f"kb-article-{view.kind}"])
        header += para(view.summary, classes=["kb-lead"])
        meta = para(classes=["kb-meta"])
        meta += nodes.inline(v.KIND_SINGULAR[view.kind], v.KIND_SINGULAR[view.kind], classes=["kb-kind"])
        meta += nodes.Text(f" · {minutes(view.reading_time)} read")
        if view.audience:
            meta += nodes.Text(" · For ")
            meta.extend(self.inline_list(view.audience))
        header += meta
        if view.rests_on:  # what kinds of source the article draws on, linking to its list of sources
            rests_on = ", ".join(view.rests_on)
            header += para("Rests on: ", nodes.reference(rests_on, rests_on, refid="kb-sources"),
                           classes=["kb-rests-on"])
        header += self.chips(view.concepts, "Concepts: ")
        if view.prerequisites:
            header += para("Read first: ", *self.inline_list(view.prerequisites), classes=["kb-prerequisites"])
        if view.kind == "tool":
            header += para("To take this tool into a meeting, print this page: navigation, maps and related "
                            "articles are left out, and no step or table row is split across pages.",
                            classes=["kb-print-hint"])
        return [header]

    def article_sections(self, view: v.ArticleView) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        if view.questions:
            questions = nodes.enumerated_list(classes=["kb-questions"])
            for question in view.questions:
                questions += nodes.list_item("", para(question))
            out.append(kb_section("Questions to reflect on", "questions", questions))
        if view.related:
            out.append(kb_section("Related articles", "related", self.card_list(view.related)))
        if view.linked_from:
            more = [para(f"and {view.linked_from_more} more articles", classes=["kb-more"])] if view.linked_from_more else []
            out.append(kb_section("Linked from", "linked-from", self.link_list(view.linked_from), *more))
        if view.paths:
            out.append(kb_section("Reading paths with this article", "paths", self.link_list(view.paths)))
        if view.sources:
            out.append(kb_section("Sources", "sources", self.source_list(view.sources)))
        out.append(kb_section("Concept map", "map", *self.map(view.map), classes=["kb-local-map"]))
        out.extend(self.cite(view.title, "article", view.updated))
        return out

    def source_list(self, sources) -> nodes.bullet_list:
        bullets = nodes.bullet_list(classes=["kb-sources"])
        for source in sources:
            paragraph = para(source.reference)
            if source.url:
                paragraph += nodes.Text(" ")
                paragraph += nodes.reference(source.url, source.url, refuri=source.url, classes=["kb-source-url"])
            item = nodes.list_item("", paragraph, ids=[f"source-{source.id}"])
            if source.note:
                item += para(source.note, classes=["kb-source-note"])
            bullets += item
        return bullets

    def cite(self, title: str, kind: str, updated: str | None = None) -> list[nodes.Node]:
        """"Cite this page": a reference in one style, with BibTeX and RIS to copy (or download, where
        ``kb-cite.js`` runs), from what the page says of itself and the site's address where it is set."""
        if not self.html:
            return []
        config = self.app.config
        base = getattr(config, "html_baseurl", "") or ""
        url = urljoin(base.rstrip("/") + "/", self.builder.get_target_uri(self.docname)) if base else None
        citation = Citation(title=title, site=config.html_title or config.project, author=config.author,
                            key=self.docname.replace("/", ":"), kind=kind, url=url,
                            updated=dt.date.fromisoformat(updated) if updated else None)
        html = (f'<details class="kb-cite"><summary>Cite this page</summary>\n'
                f'<p class="kb-cite-text">{escape(citation.text())}</p>\n'
                f'<p class="kb-cite-format">BibTeX</p>\n<pre class="kb-cite-bibtex" data-kb-cite-file='
                f'"{escape(self.docname.rsplit("/", 1)[-1])}.bib">{escape(citation.bibtex())}</pre>\n'
                f'<p class="kb-cite-format">RIS</p>\n<pre class="kb-cite-ris" data-kb-cite-file='
                f'"{escape(self.docname.rsplit("/", 1)[-1])}.ris">{escape(citation.ris())}</pre>\n</details>')
        box = nodes.container(ids=["kb-cite"], classes=["kb-section", "kb-cite-section"])
        box += kb_html(html=strip_forbidden(html))
        return [box]

    # Concept pages ---------------------------------------------------------------------------

    def concept_header(self, view: v.ConceptView) -> list[nodes.Node]:
        header = nodes.container(classes=["kb-page-header", "kb-concept-header"])
        header += para(view.definition, classes=["kb-lead", "kb-definition"])
        if view.aliases:
            header += para("Also called: " + ", ".join(view.aliases), classes=["kb-aliases"])
        for label, links in (("Broader: ", view.broader), ("Narrower: ", view.narrower), ("Related: ", view.related)):
            if links:
                header += self.chips(links, label)
        return [header]

    def concept_sections(self, view: v.ConceptView) -> list[nodes.Node]:
        out: list[nodes.Node] = []
        if view.articles_by_kind:
            groups = []
            for group in view.articles_by_kind:
                section = kb_section(v.KIND_LABELS[group.kind], f"kind-{group.kind}", self.card_list(group.cards))
                if group.total > len(group.cards):
                    section += para(f"Showing {len(group.cards)} of {group.total} "
                                     f"{v.KIND_LABELS[group.kind].lower()}: those about this concept first, "
                                     "then those other articles link to most.", classes=["kb-more"])
                groups.append(section)
            if self.html and view.article_count > sum(len(g.cards) for g in view.articles_by_kind):
                label = f"Search all {view.article_count} articles on {_in_sentence(view.label)}"
                search = self.builder.get_relative_uri(self.docname, "search") + "?" + urlencode({"concept": view.id})
                groups.append(para(nodes.reference(label, label, refuri=search, internal=True), classes=["kb-more"]))
            out.append(kb_section(f"Articles on {_in_sentence(view.label)}", "articles", *groups))
        else:
            out.append(kb_section("Articles", "articles", para("No article is tagged with this concept yet.")))
        if view.paths:
            out.append(kb_section("Reading paths", "paths", self.link_list(view.paths)))
        out.append(kb_section("Concept map", "map", *self.map(view.map), classes=["kb-local-map"]))
        out.extend(self.cite(view.label, "concept page"))
        return out

    # Path pages ------------------------------------------------------------------------------

    def path_header(self, view: v.PathView, handout_hint: bool = True) -> list[nodes.Node]:
        header = nodes.container(classes=["kb-page-header", "kb-path-header"])
        header += para(view.summary, classes=["kb-lead"])
        meta = para(f"Session: {view.duration} minutes", classes=["kb-meta"])
        if view.reading_minutes:
            meta += nodes.Text(f" · Reading outside the session: {view.reading_minutes} minutes")
        if view.audience:
            meta += nodes.Text(" · For ")
            meta.extend(self.inline_list(view.audience))
        header += meta
        if handout_hint:
            header += para("To make a handout, print this page: navigation and maps are left out, each "
                            "reading has a QR code to open it, and each discussion prompt gets space to write.",
                            classes=["kb-print-hint"])
        if self.html:
            # The path's own page and its facilitator page are both named after the path's id.
            pack = path_pack_pagename(self.docname.rsplit("/", 1)[-1])
            header += para(nodes.reference("Reading pack", "Reading pack",
                                            refuri=self.builder.get_relative_uri(self.docname, pack), internal=True),
                            ": every article of this path in one printable document.", classes=["kb-pack-link"])
        if view.outcomes:
            outcomes = nodes.bullet_list(classes=["kb-outcomes"])
            for outcome in view.outcomes:
                outcomes += nodes.list_item("", para(outcome))
            header += para("By the end you will be able to:", classes=["kb-outcomes-intro"])
            header += outcomes
        return [header]

    def path_sections(self, view: v.PathView, facilitator: bool = False) -> list[nodes.Node]:
        out = []
        for when, steps in (("pre-reading", view.pre_reading), ("in-session", view.in_session), ("follow-up", view.follow_up)):
            if not steps:
                continue
            items = nodes.container(classes=["kb-steps", f"kb-steps-{when}"])
            for step in steps:
                items += self.step(step, facilitator)
            out.append(kb_section(WHEN_TITLES[when], when, items))
        if not facilitator:
            out.extend(self.cite(view.title, "reading path"))
        return out

    def step(self, step: v.StepView, facilitator: bool) -> nodes.container:
        box = nodes.container(classes=["kb-step"])
        timing = f"{minutes(step.minutes)}"
        if step.start is not None:
            timing = f"{format_minutes(step.start)} – {format_minutes(step.start + step.minutes)} · {timing}"
        box += para(timing, classes=["kb-step-time"])
        box += self.card(step.article)
        if self.html:
            article = v.docname(step.article.link.kind, step.article.link.id)
            box += kb_html(html=qr_placeholder(self.app, self.docname, article))
        if step.prompt:
            prompt = nodes.container(classes=["kb-prompt"])
            prompt += para(nodes.strong("Discuss: ", "Discuss: "), step.prompt)
            prompt += nodes.container(classes=["kb-write-space"])
            box += prompt
        if facilitator and step.facilitator:
            box += para(nodes.strong("Facilitator: ", "Facilitator: "), step.facilitator, classes=["kb-facilitator-note"])
        return box

    # Audience pages --------------------------------------------------------------------------

    def audience_header(self, view: v.AudienceView) -> list[nodes.Node]:
        header = nodes.container(classes=["kb-page-header", "kb-audience-header"])
        header += para(view.description, classes=["kb-lead"])
        return [header]

    def audience_sections(self, view: v.AudienceView) -> list[nodes.Node]:
        out = [kb_section("Start here", "start-here", self.design_grid(view.start_here))]
        if view.paths:
            out.append(kb_section("Reading paths", "paths", self.link_list(view.paths)))
        out.extend(self.cite(view.label, "audience page"))
        return out
