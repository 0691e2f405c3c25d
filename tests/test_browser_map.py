"""Concept maps in a real headless Chromium (issue 28): "what is this connected to?"

Picking out a node by keyboard focus, hover or tap lights up exactly the curves
the map's data gives it and the nodes at their other ends, and fades the rest;
a concept page's map agrees with its Broader, Narrower and Related lists; the
map reads at 320 px with no horizontal scroll and no text under a curve; and
without JavaScript the list after the map says what each item is linked to.
"""

from __future__ import annotations

import pytest
from browser_support import AXE, require

pytestmark = pytest.mark.browser
HOME_MAP = "svg#kb-concept-map"
LOCAL_MAP = "#kb-map svg.kb-map"
MAP_PAGES = ("index.html", "concepts.html", "concepts/trust.html", "articles/skin-in-the-game.html")


def open_page(browser, url: str, width: int = 390, touch: bool = False, javascript: bool = True):
    context = browser.new_context(viewport={"width": width, "height": 740 if width < 800 else 900},
                                  has_touch=touch, is_mobile=touch, java_script_enabled=javascript)
    page = context.new_page()
    page.goto(url)
    return context, page


# What the map's data says each node is linked to, and what the page shows picked out now.
LINKS_IN_DATA = """
(svg) => {
  const links = {};
  for (const a of svg.querySelectorAll('a.kb-map-node')) links[a.dataset.key] = [];
  for (const p of svg.querySelectorAll('.kb-map-edges path')) {
    const [u, v] = p.dataset.ends.split(' ');
    links[u].push(p.dataset.ends); links[v].push(p.dataset.ends);
  }
  return links;
}
"""
PICKED_OUT = """
(svg) => ({
  picking: svg.classList.contains('kb-map-picking'),
  picked: [...svg.querySelectorAll('a.kb-map-picked')].map(a => a.dataset.key),
  near: [...svg.querySelectorAll('a.kb-map-near')].map(a => a.dataset.key).sort(),
  on: [...svg.querySelectorAll('path.kb-map-on')].map(p => p.dataset.ends).sort(),
  onOpacity: [...svg.querySelectorAll('path.kb-map-on')].map(p => +getComputedStyle(p).strokeOpacity),
  offOpacity: [...svg.querySelectorAll('.kb-map-edges path:not(.kb-map-on)')]
    .map(p => +getComputedStyle(p).strokeOpacity),
})
"""


def neighbours(links: dict, key: str) -> list[str]:
    return sorted({end for ends in links[key] for end in ends.split() if end != key})


def test_focusing_each_concept_on_the_home_map_lights_up_exactly_its_links_and_fades_the_rest(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 390)
    svg = page.locator(HOME_MAP)
    links = svg.evaluate(LINKS_IN_DATA)
    assert len(links) >= 24 and all(links.values())
    for key in links:
        page.focus(f'{HOME_MAP} a[data-key="{key}"]')
        shown = svg.evaluate(PICKED_OUT)
        assert shown["picking"] and shown["picked"] == [key]
        assert shown["on"] == sorted(links[key]), key
        assert shown["near"] == neighbours(links, key), key
        assert min(shown["onOpacity"]) == 1 and max(shown["offOpacity"]) <= 0.2
    context.close()


def test_tabbing_onto_the_map_picks_out_the_focused_concept_and_escape_puts_the_map_back(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 1280)
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('svg#kb-concept-map a.kb-map-node')"):
            break
    else:
        pytest.fail("no node of the map is reachable with Tab")
    svg = page.locator(HOME_MAP)
    first = page.evaluate("document.activeElement.dataset.key")
    assert svg.evaluate(PICKED_OUT)["picked"] == [first]
    page.keyboard.press("Tab")
    second = page.evaluate("document.activeElement.dataset.key")
    assert second != first and svg.evaluate(PICKED_OUT)["picked"] == [second]
    page.keyboard.press("Escape")
    shown = svg.evaluate(PICKED_OUT)
    assert (shown["picking"], shown["picked"], shown["near"], shown["on"]) == (False, [], [], [])
    page.keyboard.press("Enter")  # the node is still a link
    page.wait_for_url("**/concepts/*.html")
    context.close()


def test_hovering_over_a_concept_picks_it_out_and_moving_away_puts_the_map_back(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 1280)
    svg = page.locator(HOME_MAP)
    links = svg.evaluate(LINKS_IN_DATA)
    trust = svg.locator('a[aria-label="Trust"]').get_attribute("data-key")
    page.hover(f'{HOME_MAP} a[aria-label="Trust"] text')
    assert svg.evaluate(PICKED_OUT)["on"] == sorted(links[trust])
    page.mouse.move(5, 5)
    assert svg.evaluate(PICKED_OUT)["picking"] is False
    context.close()


def test_a_first_tap_picks_a_concept_out_and_a_second_tap_follows_its_link(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 390, touch=True)
    svg = page.locator(HOME_MAP)
    links = svg.evaluate(LINKS_IN_DATA)
    node = page.locator(f'{HOME_MAP} a[aria-label="Trust"]')
    trust = node.get_attribute("data-key")
    before = page.url
    node.tap()
    assert page.url == before
    assert svg.evaluate(PICKED_OUT)["on"] == sorted(links[trust])
    page.locator("h1").tap()  # a tap elsewhere puts the map back
    assert svg.evaluate(PICKED_OUT)["picking"] is False
    node.tap()
    node.tap()
    page.wait_for_url("**/concepts/trust.html")
    context.close()


def test_a_concept_pages_map_shows_the_concepts_its_lists_name_under_the_same_headings(browser, site_url):
    context, page = open_page(browser, site_url + "concepts/trust.html", 390)
    listed = page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.kb-concept-header .kb-chips')]
        .map(p => [p.querySelector('.kb-chips-label').textContent.replace(':', '').trim(),
                   [...p.querySelectorAll('a')].map(a => a.textContent).sort()]))""")
    # Each heading of the map and the labels of the rows under it, in the order drawn.
    on_map = page.locator(LOCAL_MAP).evaluate("""(svg) => {
        const rows = [...svg.querySelectorAll('.kb-map-heading, a.kb-map-node:not(.kb-map-centre)')]
          .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
        const groups = {}; let heading = null;
        for (const el of rows) {
          if (el.matches('.kb-map-heading')) {
            heading = [...el.querySelectorAll('tspan')].map(t => t.textContent).join(' ');
            groups[heading] = [];
          }
          else groups[heading].push(el.getAttribute('aria-label'));
        }
        for (const k in groups) groups[k].sort();
        return groups;
    }""")
    note = page.locator("#kb-map .kb-map-note").count()
    context.close()
    assert listed and listed["Related"] == on_map["Related"]
    assert {k: v for k, v in on_map.items() if k in listed} == listed
    others = set(on_map) - set(listed)
    assert others <= {"Often in the same articles"}  # anything else the map shows says why it is there
    assert note == 0  # nothing the lists name is left out


@pytest.mark.parametrize("path", MAP_PAGES)
def test_at_320_px_the_map_needs_no_horizontal_scroll_and_no_text_sits_under_a_curve(browser, site_url, path):
    context, page = open_page(browser, site_url + path, 320)
    scroll = page.evaluate("""() => ({
        page: document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth,
        figures: [...document.querySelectorAll('.kb-map-figure')].map(f => f.scrollWidth - f.clientWidth)})""")
    under = page.evaluate("""() => [...document.querySelectorAll('svg.kb-map')].flatMap(svg => {
        const right = Math.max(...[...svg.querySelectorAll('.kb-map-edges path')]
                                 .map(p => p.getBoundingClientRect().right));
        return [...svg.querySelectorAll('text')].filter(t => t.getBoundingClientRect().left < right)
                                               .map(t => t.textContent);
    })""")
    context.close()
    assert scroll["page"] <= 0 and scroll["figures"] and max(scroll["figures"]) <= 0
    assert under == []


def test_without_javascript_the_list_after_the_map_names_each_concepts_links(browser, site_url):
    context, page = open_page(browser, site_url + "index.html", 390, javascript=False)
    links = page.locator(HOME_MAP).evaluate(LINKS_IN_DATA)
    # the nodes in the order the map draws them: key and label
    drawn = page.locator(HOME_MAP).evaluate(
        "(svg) => [...svg.querySelectorAll('a.kb-map-node')].map(a => [a.dataset.key, a.getAttribute('aria-label')])")
    listing = page.locator("details.kb-map-list")
    assert listing.get_attribute("open") is not None and listing.locator("li a").first.is_visible()
    items = listing.evaluate("""(d) => [...d.querySelectorAll('li:has(> a)')].map(li => li.textContent)""")
    context.close()
    position, labels = {k: i for i, (k, _) in enumerate(drawn)}, dict(drawn)
    expected = []
    for key, label in drawn:
        named = [labels[k] for k in sorted(neighbours(links, key), key=position.__getitem__)]
        said = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
        expected.append(f"{label} – linked to {said}")
    assert sorted(items) == sorted(expected)


def test_with_javascript_the_list_starts_closed_and_opens_on_request(browser, site_url):
    context, page = open_page(browser, site_url + "concepts/trust.html", 390)
    listing = page.locator("#kb-map details.kb-map-list")
    assert listing.get_attribute("open") is None
    listing.locator("summary").click()
    assert listing.locator("li a").first.is_visible()
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_while_a_concept_is_picked_out(browser, site_url, scheme):
    require(AXE.is_file(), "axe-core (npm ci)")
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses by design.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme, viewport={"width": 390, "height": 740})
    page = context.new_page()
    page.goto(site_url + "index.html")
    page.focus(f'{HOME_MAP} a[aria-label="Trust"]')
    assert page.locator(HOME_MAP).evaluate(PICKED_OUT)["picking"]
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    context.close()
    assert [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]] == []
