"""The search page in a real headless Chromium: typing, filters, corrections, snippets, more results.

The site is the real content plus one article whose text holds markup, to show
that snippets and summaries are text, never HTML. The pages carry a strict
Content-Security-Policy, so the tests wait with Playwright's locators, which
need no script evaluation in the page.
"""

from __future__ import annotations

import re
import shutil
import textwrap

import pytest
from browser_support import REPO, StaticServer
from playwright.sync_api import expect

from knowledgebase.cli import main as kb

pytestmark = pytest.mark.browser

MARKUP_ARTICLE = textwrap.dedent("""\
    ---
    title: Markup in a staffroom note
    summary: A note about the zebrafinch protocol <b>bold</b> for testing that markup stays text.
    concepts: [trust]
    audience: [teacher]
    kind: reflection
    ---

    Teachers wrote `<img src=x onerror="document.title='pwned'">` zebrafinch on the board, and the
    zebrafinch protocol was discussed at length in the staffroom.
    """)


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser-search")
    content = root / "content"
    shutil.copytree(REPO / "content", content)
    (content / "articles" / "markup-in-a-staffroom-note.md").write_text(MARKUP_ARTICLE, encoding="utf-8")
    out = root / "html"
    assert kb(["build", "--content", str(content), "--conf", str(REPO), "--out", str(out), "-q"]) == 0
    with StaticServer(out) as server:
        yield server.url


def search_for(page, site_url, words: str, concept: str | None = None, audience: str | None = None) -> str:
    """Type the words into the search page, choose the filters, submit; the status line once done."""
    page.goto(site_url + "search.html")
    page.locator("#kb-concept option").nth(1).wait_for(state="attached")
    page.fill("#kb-q", words)
    if concept:
        page.select_option("#kb-concept", concept)
    if audience:
        page.select_option("#kb-audience", audience)
    page.press("#kb-q", "Enter")
    expect(page.locator("#kb-search-status")).to_have_text(re.compile(r"^(?!Searching)."))
    status = page.inner_text("#kb-search-status")
    if status[0].isdigit():  # "12 results...": the results follow
        page.locator("#kb-search-results li").first.wait_for()
    return status


def titles(page) -> list[str]:
    return page.locator("#kb-search-results .kb-card-title").all_inner_texts()


def test_typing_an_acronym_finds_the_concept_first(page, site_url):
    search_for(page, site_url, "JPD")
    assert titles(page)[0] == "Joint practice development"
    assert "q=JPD" in page.url


def test_a_misspelt_word_shows_what_was_searched_for_instead(page, site_url):
    status = search_for(page, site_url, "sucession planning")
    assert "Showing results for “succession planning”" in status
    assert titles(page)[0] == "Talent development"


def test_snippets_mark_the_query_words_in_the_text_around_the_match(page, site_url):
    search_for(page, site_url, "succession planning")
    first = page.locator("#kb-search-results li").first
    snippet = first.locator(".kb-search-snippet")
    assert snippet.count() == 1
    marked = [m.lower() for m in snippet.locator("mark").all_inner_texts()]
    assert "succession" in marked and any(m.startswith("plan") for m in marked)  # plan, planning: one stem
    assert len(snippet.inner_text()) < 300


def test_markup_in_page_text_and_summaries_is_shown_as_text(page, site_url):
    search_for(page, site_url, "zebrafinch")
    result = page.locator("#kb-search-results li").first
    assert result.locator(".kb-card-title").inner_text() == "Markup in a staffroom note"
    assert "<b>bold</b>" in result.locator(".kb-card-summary").inner_text()
    assert "<img src=x" in result.locator(".kb-search-snippet").inner_text()
    assert result.locator("img, b, script").count() == 0
    assert page.title() != "pwned"
    assert result.locator("mark").all_inner_texts()[0].lower() == "zebrafinch"


def test_an_american_spelling_and_an_audience_filter_narrow_the_results(page, site_url):
    search_for(page, site_url, "organizational energy")
    everyone = titles(page)
    assert "Leaders as stewards of organisational energy" in everyone[:3]
    search_for(page, site_url, "organizational energy", audience="teacher")
    for_teachers = titles(page)
    assert for_teachers and set(for_teachers) < set(everyone)
    assert "Returning to why you started" in for_teachers


def test_a_concept_filter_keeps_only_its_articles(page, site_url):
    search_for(page, site_url, "trust", concept="peer-challenge")
    shown = page.locator("#kb-search-results .kb-card-meta").all_inner_texts()
    assert shown and all("Peer challenge" in meta for meta in shown)
    assert "Peer evaluation and challenge" in titles(page)
    search_for(page, site_url, "trust")
    assert len(titles(page)) > len(shown)


def test_a_quoted_phrase_puts_pages_with_the_words_together_first(page, site_url):
    search_for(page, site_url, '"book looks"')
    # Both pages put the two words side by side (the tool in its title); they come first.
    assert set(titles(page)[:2]) == {"Monitoring as a process, not an event",
                                     "A monitoring conversation in place of a book look"}


def test_a_word_no_page_has_is_named_and_the_rest_still_searched(page, site_url):
    status = search_for(page, site_url, "staff qwxyzzy")
    assert "no page mentions “qwxyzzy”" in status
    assert page.locator("#kb-search-results li").count() > 0


def test_show_more_adds_the_next_results_with_their_snippets(page, site_url):
    status = search_for(page, site_url, "school")
    found = int(status.split()[0])
    assert found > 50
    assert page.locator("#kb-search-results li").count() == 50
    page.click("#kb-search-more")
    expect(page.locator("#kb-search-results li")).to_have_count(min(found, 100))
    assert page.locator("#kb-search-results li:nth-child(51) .kb-search-snippet mark").count() >= 1
