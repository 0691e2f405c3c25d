"""The real site in a real headless Chromium: navigation, search, phone width, accessibility."""

from __future__ import annotations

import pytest

from browser_support import AXE, CHROMIUM_ARGS, REPO, StaticServer, chromium_path, require
from knowledgebase.cli import main as kb

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def site_url(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser") / "html"
    assert kb(["build", "--content", str(REPO / "content"), "--conf", str(REPO), "--out", str(out), "-q"]) == 0
    with StaticServer(out) as server:
        yield server.url


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_home_page_renders_the_concept_map_with_a_link_per_concept(page, site_url):
    page.goto(site_url)
    concept_map = page.locator("svg#kb-concept-map")
    assert concept_map.is_visible()
    assert concept_map.locator("a").count() >= 24


def test_a_concept_on_the_map_leads_to_its_page(page, site_url):
    page.goto(site_url)
    node = page.locator("svg#kb-concept-map a", has_text="Trust").first
    label = node.get_attribute("aria-label")
    node.click()
    page.wait_for_url("**/concepts/*.html")
    assert page.locator("h1").inner_text().startswith(label)
    assert page.locator(".kb-definition").is_visible()


def test_a_leader_can_go_from_home_to_concept_to_article_to_related_article_to_path(page, site_url):
    page.goto(site_url + "concepts/lead-learner.html")
    page.locator("#kb-articles .kb-card-title").first.click()
    page.wait_for_url("**/articles/*.html")
    first_article = page.url
    page.locator("#kb-related .kb-card-title").first.click()
    page.wait_for_url("**/articles/*.html")
    assert page.url != first_article
    assert page.locator("#kb-map svg a").count() >= 2


def test_search_with_a_concept_filter_returns_the_matching_article(page, site_url):
    page.goto(site_url + "search.html")
    page.fill("#kb-q", "stickers")
    page.select_option("#kb-concept", "design-vs-delivery")
    page.click("#kb-search-form button[type=submit]")
    page.wait_for_selector("#kb-search-results li")
    titles = page.locator("#kb-search-results .kb-card-title").all_inner_texts()
    assert "Case study: maths feedback stickers in a primary partnership" in titles


def test_search_filter_excludes_articles_outside_the_concept(page, site_url):
    page.goto(site_url + "search.html?q=stickers&concept=equity")
    page.wait_for_function("document.getElementById('kb-search-status').textContent.length > 0 "
                           "&& !document.getElementById('kb-search-status').textContent.startsWith('Searching')")
    assert page.locator("#kb-search-results li").count() == 0
    assert "Nothing matched" in page.inner_text("#kb-search-status")


@pytest.mark.parametrize("path", ["index.html", "articles/skin-in-the-game.html", "concepts/trust.html"])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(browser, site_url, path):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + path)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 1


def _path_page(site_url: str) -> str:
    from pathlib import Path

    paths = sorted((REPO / "content" / "paths").glob("*.md"))
    assert paths, "the content has no reading path to check"
    return f"paths/{paths[0].stem}.html"


@pytest.mark.parametrize("which", ["index.html", "articles/headteacher-as-lead-learner.html",
                                   "concepts/skin-in-the-game.html", "path", "search.html?q=trust"])
def test_axe_finds_no_serious_or_critical_accessibility_violations(page, site_url, which):
    require(AXE.is_file(), "axe-core (npm ci)")
    target = _path_page(site_url) if which == "path" else which
    page.goto(site_url + target)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
