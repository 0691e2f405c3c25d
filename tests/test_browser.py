"""The real site in a real headless Chromium: navigation, search, phone width, accessibility."""

from __future__ import annotations

import re
from urllib.request import urlopen

import pytest
from browser_support import (
    AXE,
    REPO,
    require,
)
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740}


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


def test_search_shows_fifty_results_at_a_time_and_more_on_request(page, site_url):
    page.goto(site_url + "search.html?q=school")
    page.wait_for_selector("#kb-search-results li")
    found = int(page.inner_text("#kb-search-status").split()[0])
    assert found > 50, "the content should hold more than one page of results for 'school'"
    assert page.locator("#kb-search-results li").count() == 50
    more = page.locator("#kb-search-more")
    assert more.inner_text() == f"Show more results ({found - 50} left)"
    more.click()
    expect(page.locator("#kb-search-results li")).to_have_count(min(found, 100))
    assert more.is_hidden() == (found <= 100)


def test_search_filter_excludes_articles_outside_the_concept(page, site_url):
    from knowledgebase.load import load

    kb = load(REPO / "content").kb

    def mentions_stickers(path: str) -> bool:
        return "sticker" in (REPO / "content" / path).read_text(encoding="utf-8").lower()

    mentioning = {a.id for a in kb.articles.values() if mentions_stickers(a.path)}
    concept = next(c for c in sorted(kb.concepts) if not mentions_stickers(kb.concepts[c].path)
                   and not any(c in kb.articles[a].concepts for a in mentioning))
    page.goto(site_url + f"search.html?q=stickers&concept={concept}")
    expect(page.locator("#kb-search-status")).to_have_text(re.compile(r"^(?!Searching)."))
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

    paths = sorted((REPO / "content" / "paths").glob("*.md"))
    assert paths, "the content has no reading path to check"
    return f"paths/{paths[0].stem}.html"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["index.html", "articles/headteacher-as-lead-learner.html",
                                   "concepts/skin-in-the-game.html", "path", "facilitator", "search.html?q=trust",
                                   "glossary.html"])
def test_axe_finds_no_accessibility_violation_of_any_impact(browser, site_url, which, scheme):
    require(AXE.is_file(), "axe-core (npm ci)")
    target = {"path": _path_page(site_url),
              "facilitator": _path_page(site_url).replace("paths/", "paths/facilitator/")}.get(which, which)
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses by design.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url + target)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    context.close()
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []


def printed_a4_text(page, url: str, pdf) -> str:
    """Print ``url`` to ``pdf`` as the browser would; the text of every page, once it is known to be A4."""
    from pypdf import PdfReader

    page.goto(url)
    page.pdf(path=str(pdf), prefer_css_page_size=True)
    reader = PdfReader(str(pdf))
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_path_handout_prints_to_a4_with_prompts_and_without_facilitator_notes_or_navigation(page, site_url, tmp_path):
    text = printed_a4_text(page, site_url + "paths/first-term-as-lead-learner.html", tmp_path / "handout.pdf")
    assert "Which initiatives you inherited could you pause for a term" in text
    assert "By the end you will be able to" in text
    assert "sticky notes" not in text  # a facilitator note
    assert "Reading paths" not in text and "Glossary" not in text  # the site navigation
    assert "Concept map" not in text


def test_a_tool_prints_to_a4_with_its_steps_and_without_navigation_maps_or_related_articles(page, site_url, tmp_path):
    text = printed_a4_text(page, site_url + "articles/monitoring-conversation-protocol.html", tmp_path / "tool.pdf")
    assert "Where this comes from" in text and "Agree one thing" in text  # the source note and a step
    assert "Glossary" not in text and "Reading paths" not in text  # the site navigation
    assert "Concept map" not in text and "Related articles" not in text and "print this page" not in text


def test_a_printed_tool_breaks_only_between_steps_and_prompts_and_rules_its_tables(page, site_url):
    page.set_viewport_size({"width": 673, "height": 950})  # A4 less the print margins, in CSS px
    page.goto(site_url + "articles/monitoring-conversation-protocol.html")
    page.emulate_media(media="print")
    style = "(element, property) => getComputedStyle(element)[property]"
    assert page.locator("article h2").first.evaluate(style, "breakAfter") == "avoid"  # the theme's rule, kept
    assert page.locator("article tr").first.evaluate(style, "breakInside") == "avoid"
    assert page.locator("article li").first.evaluate(style, "breakInside") == "avoid"
    assert page.locator("article td").first.evaluate(style, "borderTopStyle") == "solid"
    right = "element => element.getBoundingClientRect().right"
    assert page.locator("article table").first.evaluate(right) <= page.locator("article").evaluate(right)  # not clipped
    page.goto(site_url + "articles/monitoring-as-a-process-not-an-event.html")  # other articles are left as they were
    assert page.locator("article li").first.evaluate(style, "breakInside") == "auto"


def test_facilitator_page_is_not_linked_from_the_participant_page(page, site_url):
    page.goto(site_url + "paths/first-term-as-lead-learner.html")
    hrefs = page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and "facilitator" in h]
    page.goto(site_url + "paths/facilitator/first-term-as-lead-learner.html")
    assert "sticky notes" in page.inner_text("article")


# The Content-Security-Policy: the site's own script runs, injected script does not -------------

WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation',
    e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
"""


def open_watched(page, url: str) -> list[str]:
    """Open ``url`` and return every console error mentioning the policy."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "Content Security" in m.text else None)
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return errors


@pytest.mark.parametrize("path", ["index.html", "articles/skin-in-the-game.html", "concepts/trust.html",
                                  "paths/from-proving-to-improving.html"])
def test_the_sites_own_pages_break_no_rule_of_their_policy(page, site_url, path):
    errors = open_watched(page, site_url + path)
    assert page.evaluate("window.__violations") == []
    assert errors == []


def test_search_works_under_the_policy(page, site_url):
    errors = open_watched(page, site_url + "search.html?q=trust")
    page.wait_for_selector("#kb-search-results li")
    assert page.locator("#kb-search-results li").count() > 0
    assert page.evaluate("window.__violations") == []
    assert errors == []


def test_the_theme_switch_works_under_the_policy(page, site_url):
    open_watched(page, site_url + "index.html")
    before = page.evaluate("document.body.dataset.theme")
    page.locator(".theme-toggle:visible").first.click()
    assert page.evaluate("document.body.dataset.theme") != before
    assert page.evaluate("window.__violations") == []


def test_an_inline_script_that_got_into_a_page_would_not_run(page, site_url):
    # A page of the real site with a script smuggled in, as if a future bug let one through.
    html = urlopen(site_url + "index.html").read().decode("utf-8")
    payload = '<script>window.__pwned = true;</script><img src=x onerror="window.__pwned2 = true">'
    smuggled = html.replace("</body>", payload + "</body>", 1)
    assert smuggled != html
    page.add_init_script(WATCH_VIOLATIONS)
    page.route(site_url + "index.html", lambda route: route.fulfill(body=smuggled, content_type="text/html"))
    page.goto(site_url + "index.html")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__pwned === undefined && window.__pwned2 === undefined")
    assert any(v.startswith("script-src") for v in page.evaluate("window.__violations"))


@pytest.mark.parametrize("label, suffix, first_line", [("BibTeX", ".bib", "@misc{articles:skin-in-the-game,"),
                                                       ("RIS", ".ris", "TY  - ELEC")])
def test_a_reader_downloads_the_citation_of_an_article(page, site_url, label, suffix, first_line):
    page.goto(f"{site_url}articles/skin-in-the-game.html")
    page.locator("details.kb-cite > summary").click()
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Download {label} file").click()
    assert download.value.suggested_filename == f"skin-in-the-game{suffix}"
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0] == first_line and "Skin in the game" in text
