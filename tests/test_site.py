"""The published site: generated sections, roles, directives and warnings, built with Sphinx."""

from __future__ import annotations

import pytest

from knowledgebase.schema import ARTICLE_KINDS
from knowledgebase.views import CONCEPT_CARDS_PER_KIND, KIND_LABELS, KIND_SINGULAR
from sphinx_support import build, copy_root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(copy_root("site-basic", tmp_path_factory.mktemp("site")))


def test_article_page_title_comes_from_front_matter(site):
    assert site.soup("articles/trust-first").find("h1").get_text(strip=True).startswith("Trust comes first")


def test_article_header_shows_summary_kind_reading_time_audience_and_concept_chips(site):
    header = site.soup("articles/trust-first").select_one(".kb-article-header")
    text = header.get_text(" ", strip=True)
    assert "Why trust between teachers and leaders comes before any improvement plan." in text
    assert "Guide · 1 min read" in text
    assert [a.get_text() for a in header.select("a.kb-chip")] == ["Trust", "Learning"]
    assert header.select_one("a.kb-chip")["href"] == "../concepts/trust.html"
    assert "Headteachers" in text


def test_article_shows_its_reflection_questions(site):
    questions = site.soup("articles/trust-first").select(".kb-questions li")
    assert [q.get_text(strip=True) for q in questions] == [
        "Where is trust strongest in your school?", "What would a colleague need to hear from you this week?"]


def test_article_lists_related_articles_most_related_first(site):
    titles = [a.get_text() for a in site.soup("articles/trust-first").select("#kb-related .kb-card-title")]
    assert titles[0] == "Asking good questions"  # shares trust, links and is a dependent
    assert "Trust comes first" not in titles


def test_article_shows_pages_that_link_to_it(site):
    linked_from = site.soup("articles/asking-good-questions").select("#kb-linked-from li a")
    assert sorted(a.get_text() for a in linked_from) == ["Learning walks that help", "Trust comes first"]


def test_markdown_link_counts_as_a_backlink(site):
    linked_from = site.soup("articles/trust-first").select("#kb-linked-from li a")
    assert [a.get_text() for a in linked_from] == ["Asking good questions"]


def test_article_shows_full_references_for_its_sources(site):
    source = site.soup("articles/trust-first").select_one("#kb-sources li")
    assert source.get_text(" ", strip=True).startswith("A. Writer (2020). Field notes on school improvement.")
    assert source.select_one("a.kb-source-url")["href"] == "https://example.org/field-notes"


def test_article_says_near_its_title_what_kinds_of_source_it_rests_on(site):
    rests_on = site.soup("articles/trust-first").select_one(".kb-article-header .kb-rests-on")
    assert rests_on.get_text(" ", strip=True) == "Rests on: 1 report"
    assert rests_on.select_one("a")["href"] == "#kb-sources"
    assert site.soup("articles/asking-good-questions").select_one(".kb-rests-on a").get_text() == "1 web page"


def test_every_record_page_offers_a_citation_of_itself_in_bibtex_and_ris(site):
    for page, title in (("articles/trust-first", "Trust comes first"), ("concepts/trust", "Trust")):
        cite = site.soup(page).select_one("#kb-cite details.kb-cite")
        assert title in cite.select_one(".kb-cite-text").get_text()
        assert f"title = {{{title}}}" in cite.select_one("pre.kb-cite-bibtex").get_text()
        assert f"TI  - {title}" in cite.select_one("pre.kb-cite-ris").get_text()
    assert "http" not in site.soup("articles/trust-first").select_one(".kb-cite-text").get_text()  # no address set


def test_a_citation_gives_the_pages_address_when_the_sites_address_is_set(tmp_path):
    site = build(copy_root("site-basic", tmp_path), confoverrides={"html_baseurl": "https://kb.example.org/"})
    cite = site.soup("articles/trust-first").select_one("details.kb-cite")
    assert "https://kb.example.org/articles/trust-first.html" in cite.select_one(".kb-cite-text").get_text()
    assert "UR  - https://kb.example.org/articles/trust-first.html" in cite.select_one("pre.kb-cite-ris").get_text()


def test_article_names_the_reading_paths_that_use_it(site):
    paths = site.soup("articles/asking-good-questions").select("#kb-paths li a")
    assert [a.get_text() for a in paths] == ["First steps in trust and inquiry"]


def test_article_has_a_local_concept_map_of_links_with_titles(site):
    svg = site.soup("articles/trust-first").select_one("#kb-map svg.kb-map")
    links = svg.select("a")
    assert {a["href"] for a in links} >= {"../concepts/trust.html", "../concepts/learning.html"}
    assert all(a.find("title") and a["aria-label"] for a in links)


def test_prerequisites_are_shown_as_read_first(site):
    header = site.soup("articles/asking-good-questions").select_one(".kb-prerequisites")
    assert header.select_one("a").get_text() == "Trust comes first"


def test_concept_page_shows_definition_aliases_and_broader_concepts(site):
    soup = site.soup("concepts/inquiry")
    assert soup.select_one(".kb-definition").get_text() == "Asking questions about practice and testing the answers."
    assert "enquiry" in soup.select_one(".kb-aliases").get_text()
    assert [a.get_text() for a in soup.select(".kb-concept-header a.kb-chip")] == ["Learning", "Trust"]


def test_concept_page_lists_narrower_concepts(site):
    chips = site.soup("concepts/learning").select(".kb-concept-header a.kb-chip")
    assert "Inquiry" in [a.get_text() for a in chips]


def test_concept_page_groups_its_articles_by_kind(site):
    soup = site.soup("concepts/inquiry")
    groups = {section.find(["h2", "h3"]).get_text(strip=True).rstrip("¶"): [a.get_text() for a in section.select(".kb-card-title")]
              for section in soup.select("#kb-articles section")}
    assert groups == {"Explainers": ["Asking good questions"], "Case studies": ["Learning walks that help"]}


def test_a_hub_concept_page_shows_its_most_central_articles_and_links_to_search_for_all(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    many = CONCEPT_CARDS_PER_KIND + 3
    for n in range(many):
        # The last one is about learning first, so it is the least central to trust and is left off.
        concepts = "[learning, trust]" if n == many - 1 else "[trust]"
        (srcdir / "articles" / f"extra-{n:02}.md").write_text(
            f"---\ntitle: Extra guide {n:02}\nsummary: One more guide on trust.\nconcepts: {concepts}\n"
            f"audience: [headteacher]\nkind: guide\n---\n\nA short body about trust.\n", encoding="utf-8")
    soup = build(srcdir).soup("concepts/trust")
    guides = soup.select("#kb-kind-guide .kb-card-title")
    assert len(guides) == CONCEPT_CARDS_PER_KIND
    assert "Trust comes first" in [a.get_text() for a in guides]  # about trust first, and linked to
    assert f"Extra guide {many - 1:02}" not in [a.get_text() for a in guides]
    assert f"Showing {CONCEPT_CARDS_PER_KIND} of {many + 1} guides" in soup.select_one("#kb-kind-guide .kb-more").get_text()
    search = soup.find("a", string=f"Search all {many + 2} articles on trust")
    assert search["href"] == "../search.html?concept=trust"


def test_every_article_kind_has_a_label_for_one_article_and_for_a_group():
    assert list(KIND_SINGULAR) == list(KIND_LABELS) == list(ARTICLE_KINDS)
    assert (KIND_SINGULAR["tool"], KIND_LABELS["tool"]) == ("Tool", "Tools")


TOOL = """---
title: A book look conversation
summary: Twenty minutes with a teacher and their pupils' books.
concepts: [inquiry, trust]
audience: [headteacher]
kind: tool
sources: [field-notes]
---

## Steps

| Step | Time | What to do |
|---|---|---|
| 1 | 5 minutes | The teacher chooses three books. |
"""


@pytest.fixture(scope="module")
def site_with_a_tool(tmp_path_factory):
    srcdir = copy_root("site-basic", tmp_path_factory.mktemp("tool-site"))
    (srcdir / "articles" / "book-look-conversation.md").write_text(TOOL, encoding="utf-8")
    return build(srcdir)


def test_a_tool_page_is_marked_as_a_tool_and_says_it_prints(site_with_a_tool):
    header = site_with_a_tool.soup("articles/book-look-conversation").select_one(".kb-article-header")
    assert "kb-article-tool" in header["class"]
    assert header.select_one(".kb-kind").get_text() == "Tool"
    assert "print this page" in header.select_one(".kb-print-hint").get_text()


def test_other_articles_are_marked_with_their_own_kind_and_carry_no_print_hint(site_with_a_tool):
    header = site_with_a_tool.soup("articles/trust-first").select_one(".kb-article-header")
    assert "kb-article-guide" in header["class"] and header.select_one(".kb-print-hint") is None


def test_concept_page_groups_tools_under_their_own_heading(site_with_a_tool):
    tools = site_with_a_tool.soup("concepts/inquiry").select_one("#kb-kind-tool")
    assert tools.find(["h2", "h3"]).get_text(strip=True).rstrip("¶") == "Tools"
    assert [a.get_text() for a in tools.select(".kb-card-title")] == ["A book look conversation"]


def test_a_concept_page_with_few_articles_lists_them_all_without_a_search_link(site):
    soup = site.soup("concepts/trust")
    assert not soup.select(".kb-more")


def test_concept_page_names_paths_that_use_it(site):
    assert [a.get_text() for a in site.soup("concepts/inquiry").select("#kb-paths li a")] == ["First steps in trust and inquiry"]


def test_article_role_links_with_the_target_title(site):
    link = site.soup("articles/trust-first").find("a", string="Asking good questions")
    assert link["href"] == "asking-good-questions.html"


def test_concept_role_carries_the_definition_as_tooltip(site):
    link = site.soup("index").find("a", class_="kb-link-concept")
    assert link.get_text() == "Trust"
    assert link["title"] == "Confidence that colleagues will act well and in good faith."


def test_role_accepts_explicit_text_and_concept_aliases(site):
    soup = site.soup("articles/asking-good-questions")
    assert soup.find("a", string="Trust")["href"] == "../concepts/trust.html"
    assert site.soup("articles/trust-first").find("a", string="Inquiry")["href"] == "../concepts/inquiry.html"


def test_unknown_role_target_warns_with_a_suggestion_and_renders_as_text(site):
    assert "index.md:" in site.warnings
    assert "KB110 unknown article `trust-frist` (did you mean `trust-first`?)" in site.warnings
    missing = site.soup("index").select_one(".kb-missing")
    assert missing.get_text() == "trust-frist" and missing.name == "span"


def test_article_list_directive_filters_by_concept_as_cards(site):
    cards = site.soup("index").select(".kb-grid .sd-card .kb-card-title")
    assert sorted(c.get_text() for c in cards) == ["Asking good questions", "Learning walks that help"]


def test_concept_map_directive_links_every_concept(site):
    svg = site.soup("index").select_one("svg#kb-concept-map")
    assert sorted(a["href"] for a in svg.select("a")) == [
        "concepts/inquiry.html", "concepts/learning.html", "concepts/trust.html"]


def test_glossary_lists_every_concept_with_its_definition(site):
    terms = [dt.get_text(strip=True) for dt in site.soup("glossary").select(".kb-glossary dt")]
    assert terms == ["Inquiry", "Learning", "Trust"]


def test_source_list_gives_each_source_an_anchor_for_the_source_role(site):
    assert site.soup("sources").select_one("#source-field-notes")


def test_content_pages_do_not_warn_about_missing_toctree(site):
    assert "isn't included in any toctree" not in site.warnings


def test_engine_diagnostics_become_sphinx_warnings_with_type_and_location(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    article = srcdir / "articles" / "quiet-reflection.md"
    article.write_text(article.read_text().replace("concepts: [learning]", "concepts: [lerning]"))
    site = build(srcdir)
    assert "articles/quiet-reflection.md:4: WARNING: KB102 unknown concept `lerning`" in site.warnings
    assert "did you mean `learning`?" in site.warnings
    assert "[kb.unknown-concept]" in site.warnings


def test_suppress_warnings_silences_one_kind_of_diagnostic(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    article = srcdir / "articles" / "quiet-reflection.md"
    article.write_text(article.read_text().replace("concepts: [learning]", "concepts: [lerning]"))
    site = build(srcdir, confoverrides={"suppress_warnings": ["myst.header", "kb.unknown-concept"]})
    assert "KB102" not in site.warnings


def test_atom_feed_lists_dated_articles_newest_first(site):
    from xml.etree import ElementTree as ET

    feed = ET.fromstring((site.outdir / "feed.xml").read_text(encoding="utf-8"))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert [e.findtext("a:title", namespaces=ns) for e in feed.findall("a:entry", ns)] == [
        "A quiet reflection", "Learning walks that help"]
    assert feed.find("a:entry/a:link", ns).get("href") == "articles/quiet-reflection.html"


def test_pages_link_the_feed_and_describe_themselves(site):
    soup = site.soup("articles/trust-first")
    assert soup.find("link", type="application/atom+xml")["href"] == "../feed.xml"
    assert soup.find("meta", attrs={"name": "description"})["content"].startswith("Why trust between")


def test_sphinx_monolithic_search_index_is_replaced_by_shards(site):
    assert not (site.outdir / "searchindex.js").exists()
    assert (site.outdir / "search.html").exists()
    assert (site.outdir / "_kb" / "search" / "meta.json").exists()


def _titles(section) -> list[str]:
    return [a.get_text() for a in section.select(".kb-card-title")]


def test_article_list_filters_by_audience_sorts_by_date_and_limits(site):
    section = site.soup("lists").select_one("#newest-for-headteachers")
    assert _titles(section) == ["Learning walks that help", "Asking good questions"]


def test_article_list_filters_by_kind(site):
    assert _titles(site.soup("lists").select_one("#reflections")) == ["A quiet reflection"]


def test_path_overview_filtered_to_an_audience_without_paths_says_so(site):
    assert "No reading paths yet." in site.soup("lists").select_one("#paths-for-teachers").get_text()


def test_audience_entry_points_link_each_audience_page_with_its_article_count(site):
    cards = site.soup("lists").select("#audiences .kb-card")
    assert [c.select_one(".kb-card-title").get_text() for c in cards] == ["Headteachers", "Teachers"]
    assert "3 articles" in cards[0].get_text()


def test_audience_page_offers_places_to_start_and_its_paths(site):
    soup = site.soup("audiences/headteacher")
    assert soup.select_one(".kb-lead").get_text() == "People who lead a whole school."
    assert "Trust comes first" in _titles(soup.select_one("#kb-start-here"))
    assert [a.get_text() for a in soup.select("#kb-paths li a")] == ["First steps in trust and inquiry"]


def test_linked_from_is_capped_so_hub_articles_stay_small(tmp_path):
    from knowledgebase.views import LINKED_FROM_COUNT

    srcdir = copy_root("site-basic", tmp_path)
    template = (srcdir / "articles" / "quiet-reflection.md").read_text(encoding="utf-8")
    for n in range(LINKED_FROM_COUNT + 3):
        (srcdir / "articles" / f"pointer-{n:02d}.md").write_text(
            template.replace("Take ten minutes.", "Read {article}`trust-first` first."), encoding="utf-8")
    soup = build(srcdir).soup("articles/trust-first")
    assert len(soup.select("#kb-linked-from li")) == LINKED_FROM_COUNT
    assert "and 4 more articles" in soup.select_one("#kb-linked-from").get_text()
