"""The reader on a phone (issue 18), in a real headless Chromium at 320, 390 and 1280 px, light and dark.

Concept maps whose every label renders at 14 CSS px or more and overlaps no
other; previews of concept links opened by a tap and by the keyboard, without
ever covering the link; a home page whose first screen holds the search box
and the audience chooser.
"""

from __future__ import annotations

import pytest
from browser_support import REPO

from knowledgebase.load import load

pytestmark = pytest.mark.browser
WIDTHS = (320, 390, 1280)
SCHEMES = ("light", "dark")
MAP_PAGES = ("index.html", "concepts/trust.html", "articles/skin-in-the-game.html")


@pytest.fixture(scope="module")
def corpus():
    return load(REPO / "content").kb


def open_page(browser, url: str, width: int, scheme: str = "light", touch: bool = False):
    context = browser.new_context(viewport={"width": width, "height": 740 if width < 800 else 900},
                                  color_scheme=scheme, has_touch=touch, is_mobile=touch and width < 800)
    page = context.new_page()
    page.goto(url)
    return context, page


# Every label of every map on the page: its rendered font size and its box on screen.
MEASURE_LABELS = """
() => Array.from(document.querySelectorAll('svg.kb-map text')).map(t => {
  const box = t.getBoundingClientRect();
  const svg = t.ownerSVGElement.getBoundingClientRect();
  return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
          left: box.left, right: box.right, top: box.top, bottom: box.bottom,
          svgLeft: svg.left, svgRight: svg.right, visible: box.width > 0};
})
"""


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            if a["left"] < b["right"] - 0.5 and b["left"] < a["right"] - 0.5 \
                    and a["top"] < b["bottom"] - 0.5 and b["top"] < a["bottom"] - 0.5:
                found.append((a["text"], b["text"]))
    return found


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", MAP_PAGES)
def test_every_map_label_renders_at_14_px_or_more_and_overlaps_no_other(browser, site_url, path, width, scheme):
    context, page = open_page(browser, site_url + path, width, scheme)
    labels = page.evaluate(MEASURE_LABELS)
    viewport = page.evaluate("document.documentElement.clientWidth")
    context.close()
    assert len(labels) >= (24 if path == "index.html" else 3)
    assert all(label["visible"] for label in labels)
    too_small = [(label["text"], round(label["px"], 1)) for label in labels if label["px"] < 14]
    assert too_small == []
    assert overlapping(labels) == []
    # no label is cut off by the edge of its map or of the screen
    clipped = [label["text"] for label in labels
               if label["right"] > min(label["svgRight"], viewport) + 0.5 or label["left"] < label["svgLeft"] - 0.5]
    assert clipped == []


def test_the_home_map_groups_concepts_and_shows_link_weight(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 390)
    headings = page.locator("svg#kb-concept-map .kb-map-heading").all_text_contents()
    widths = {float(w) for w in page.eval_on_selector_all("svg#kb-concept-map .kb-map-edges path",
                                                            "ps => ps.map(p => p.getAttribute('stroke-width'))")}
    context.close()
    assert len(headings) >= 3 and all(h.startswith("Around ") for h in headings)
    assert len(widths) >= 3  # stronger links are drawn thicker


def test_a_concept_page_map_highlights_the_current_concept(browser, site_url):
    context, page = open_page(browser, site_url + "concepts/trust.html", 390)
    current = page.locator("#kb-map svg a.kb-map-centre")
    assert current.count() == 1
    assert current.get_attribute("aria-label") == "Trust"
    assert current.get_attribute("aria-current") == "page"
    weight = page.evaluate("getComputedStyle(document.querySelector('#kb-map .kb-map-centre text')).fontWeight")
    context.close()
    assert int(weight) >= 700


# Previews of concept links -------------------------------------------------------------------

def first_concept_chip(page):
    return page.locator(".kb-article-header a.kb-link-concept").first


def boxes_overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] \
        and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_tap_on_a_concept_link_shows_its_definition_and_a_second_tap_follows_it(browser, site_url, corpus, scheme):
    context, page = open_page(browser, site_url + "articles/skin-in-the-game.html", 390, scheme, touch=True)
    link = first_concept_chip(page)
    concept = corpus.concepts[link.get_attribute("href").rsplit("/", 1)[-1].removesuffix(".html")]
    before = page.url
    link.tap()
    preview = page.locator("#kb-preview")
    assert preview.is_visible()
    assert page.url == before  # the first tap previews
    assert concept.definition in preview.inner_text()
    assert link.get_attribute("aria-describedby") == "kb-preview"
    assert page.get_attribute("#kb-preview", "role") == "tooltip"
    assert not boxes_overlap(link.bounding_box(), preview.bounding_box())  # the preview never covers the link
    page.locator("h1").tap()  # a tap elsewhere closes it
    assert preview.is_hidden()
    link.tap()
    link.tap()  # a second tap while it is open follows the link
    page.wait_for_url(f"**/concepts/{concept.id}.html")
    context.close()


def test_keyboard_focus_on_a_concept_link_shows_its_definition_and_escape_closes_it(browser, site_url, corpus):
    context, page = open_page(browser, site_url + "articles/skin-in-the-game.html", 1280)
    for _ in range(80):  # tab through the page until a concept link has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.kb-link-concept')"):
            break
    else:
        pytest.fail("no concept link is reachable with Tab")
    href = page.evaluate("document.activeElement.getAttribute('href')")
    concept = corpus.concepts[href.rsplit("/", 1)[-1].removesuffix(".html")]
    preview = page.locator("#kb-preview")
    assert preview.is_visible()
    assert concept.definition in preview.inner_text()
    page.keyboard.press("Escape")
    assert preview.is_hidden()
    page.keyboard.press("Enter")  # the link itself still works from the keyboard
    page.wait_for_url(f"**/concepts/{concept.id}.html")
    context.close()


def test_without_javascript_a_concept_link_still_carries_its_definition_and_works(browser, site_url, corpus):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "articles/skin-in-the-game.html")
    link = first_concept_chip(page)
    concept = corpus.concepts[link.get_attribute("href").rsplit("/", 1)[-1].removesuffix(".html")]
    assert link.get_attribute("title") == concept.definition
    link.click()
    page.wait_for_url(f"**/concepts/{concept.id}.html")
    context.close()


# The home page's first screen ----------------------------------------------------------------

@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_the_first_screen_of_the_home_page_holds_the_search_box_and_the_audience_chooser(browser, site_url, corpus,
                                                                                         width, scheme):
    context, page = open_page(browser, site_url + "index.html", width, scheme)
    height = page.evaluate("window.innerHeight")
    search = page.locator("form.kb-search-box input[name=q]")
    chooser = page.locator(".kb-audience-chooser")
    assert search.is_visible() and chooser.is_visible()
    assert search.bounding_box()["y"] + search.bounding_box()["height"] <= height
    assert chooser.bounding_box()["y"] + chooser.bounding_box()["height"] <= height
    assert chooser.locator("a").count() == len(corpus.audiences)
    context.close()


def test_the_home_search_box_is_a_plain_form_that_opens_the_search_page(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 390)
    form = page.locator("form.kb-search-box")
    assert form.get_attribute("method") == "get" and form.get_attribute("action") == "search.html"
    page.fill("form.kb-search-box input[name=q]", "trust")
    page.locator("form.kb-search-box button").click()
    page.wait_for_url("**/search.html?q=trust")
    page.wait_for_selector("#kb-search-results li")
    context.close()
