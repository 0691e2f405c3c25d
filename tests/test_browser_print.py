"""Print-outs in real Chromium: a trainer's session as handout, facilitator sheet and reading pack
(session-print.html), no facilitator note on a participant's print-out, the curated paths' outputs,
hostile links, file://, and accessibility."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from browser_support import AXE, REPO, require, session_in
from test_qr import grey_image

from knowledgebase.load import load

pytestmark = pytest.mark.browser

ARTICLES = ["monitoring-as-a-process-not-an-event", "skin-in-the-game", "teacher-led-self-evaluation",
            "leader-as-designer-not-industrialist"]
NOTES = [f"FACILITATOR-ONLY-NOTE-{n} watch the room" for n in ("ALPHA", "BRAVO", "CHARLIE", "DELTA")]
PROMPTS = ["Which check could you stop?", "Who lives with this change?", "What would teachers evaluate?",
           "Where are you the designer?"]
SESSION = {
    "v": 1, "title": "Risk and ownership <script>alert(1)</script>", "summary": "A trainer's own 75-minute session.",
    "audience": ["senior-leader"], "duration": 75, "outcomes": ["Name one routine to hand to teachers."],
    "steps": [{"article": a, "minutes": m, "when": w, "prompt": p, "facilitator": f}
              for a, m, w, p, f in zip(ARTICLES, (5, 25, 25, 5), ("pre-reading", "in-session", "in-session", "follow-up"),
                                       PROMPTS, NOTES)],
}


def encoded(page, site_url: str, session: dict) -> str:
    page.goto(site_url + "session-print.html")
    return page.evaluate("(s) => KBSession.encode(s)", session)


def open_print(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#kb-session-print > *, .kb-print-refused")
    page.wait_for_function("!document.querySelector('#kb-session-print[aria-busy]')")


def printed(page, pdf) -> tuple[str, int]:
    from pypdf import PdfReader

    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    reader = PdfReader(str(pdf))
    assert {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages} == {(595, 842)}
    texts = [" ".join((p.extract_text() or "").split()) for p in reader.pages]
    assert all(texts), "a blank page"
    return " ".join(texts), len(reader.pages)


@pytest.fixture(scope="module")
def link(browser, site_url):
    context = browser.new_context()
    page = context.new_page()
    value = encoded(page, site_url, SESSION)
    context.close()
    return value


def test_the_handout_prints_on_two_a4_pages_at_most_without_any_facilitator_text(page, site_url, link, tmp_path):
    open_print(page, f"{site_url}session-print.html#kind=handout&s={link}")
    assert page.locator(".kb-step").count() == 4
    assert page.locator("svg.kb-qr-code").count() == 4
    assert "FACILITATOR-ONLY" not in page.content()  # not in the DOM at all, not only hidden
    text, pages = printed(page, tmp_path / "handout.pdf")
    assert pages == 1
    for prompt in PROMPTS:
        assert prompt in text
    assert "Skin in the game" in text and "0:00 – 0:25" in text
    assert "FACILITATOR-ONLY" not in text and "Timetable" not in text
    assert "Risk and ownership <script>alert(1)</script>" in text  # a title shown as text, never run


def test_the_facilitator_sheet_prints_the_timetable_and_every_note(page, site_url, link, tmp_path):
    open_print(page, f"{site_url}session-print.html#kind=facilitator&s={link}")
    rows = page.locator(".kb-timetable tbody tr").all_inner_texts()
    assert [re.sub(r"\s+", " ", r).strip() for r in rows] == [
        "0:00 0:25 Skin in the game 25 min", "0:25 0:50 Teacher-led self-evaluation 25 min",
        "0:50 1:15 Unallocated: introductions, breaks, close 25 min"]
    text, pages = printed(page, tmp_path / "facilitator.pdf")
    assert 1 <= pages <= 3
    for note in NOTES:
        assert note in text
    assert "Timetable" in text


@pytest.mark.parametrize("kind", ["handout", "pack"])
def test_a_handout_or_pack_address_holding_notes_puts_none_in_the_page_or_its_links(page, site_url, link, kind):
    open_print(page, f"{site_url}session-print.html#kind={kind}&s={link}")
    assert page.locator(".kb-step, .kb-pack-article").count() == 4
    assert "FACILITATOR-ONLY" not in page.content()
    hrefs = page.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
    assert not [h for h in hrefs if "kind=facilitator" in h]  # no way from here to the facilitator sheet
    carried = [session_in(h) for h in hrefs if re.search(r"#(.*&)?s=", h)]
    assert not [s for s in carried if "FACILITATOR-ONLY" in json.dumps(s)]


@pytest.mark.parametrize("notes", ["empty", "absent"])
def test_a_facilitator_address_without_notes_prints_the_sheet_without_them(page, site_url, notes):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    steps = [dict(s, facilitator="") if notes == "empty" else {k: v for k, v in s.items() if k != "facilitator"}
             for s in SESSION["steps"]]
    value = encoded(page, site_url, dict(SESSION, steps=steps))
    open_print(page, f"{site_url}session-print.html#kind=facilitator&s={value}")
    assert page.locator(".kb-print-refused").count() == 0
    assert page.locator(".kb-step").count() == 4 and page.locator(".kb-timetable tbody tr").count() == 3
    assert page.locator(".kb-facilitator-note").count() == 0
    assert "This sheet has no facilitator notes" in page.locator("#kb-session-print").inner_text()
    assert errors == []


def test_a_curated_paths_handout_and_reading_pack_hold_none_of_its_facilitator_notes(site_dir):
    def text(page):
        return " ".join(unescape((site_dir / page).read_text(encoding="utf-8")).split())

    paths = load(REPO / "content").kb.paths
    with_notes = 0
    for path_id, path in paths.items():
        notes = [" ".join(s.facilitator.split()) for s in path.steps if s.facilitator]
        with_notes += bool(notes)
        assert all(n in text(f"paths/facilitator/{path_id}.html") for n in notes)  # so they would be found
        for page in (f"paths/{path_id}.html", f"paths/pack/{path_id}.html"):
            assert not [n for n in notes if n in text(page)], page
            assert "facilitator/" not in (site_dir / page).read_text(encoding="utf-8"), page
    assert with_notes == len(paths)


def svg_matrix(svg_path: str, size: int) -> list[str]:
    rows = [["0"] * size for _ in range(size)]
    for col, row in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg_path):
        rows[int(row) - 4][int(col) - 4] = "1"
    return ["".join(r) for r in rows]


def decoded(modules: list[str]) -> str:
    """What a phone reads from a drawn code: zxing-cpp, an independent decoder."""
    zxingcpp = pytest.importorskip("zxingcpp")
    [result] = zxingcpp.read_barcodes(grey_image(modules), formats=zxingcpp.BarcodeFormat.QRCode)
    return result.text


def test_each_handout_qr_code_is_the_articles_absolute_address(page, site_url, link):
    open_print(page, f"{site_url}session-print.html#kind=handout&s={link}")
    codes = page.locator("svg.kb-qr-code")
    for i, article in enumerate(ARTICLES):
        url = f"{site_url}articles/{article}.html"
        svg = codes.nth(i)
        size = int(svg.get_attribute("viewBox").split()[2]) - 8
        assert decoded(svg_matrix(svg.locator("path").get_attribute("d"), size)) == url
        assert page.locator(".kb-qr-address").nth(i).inner_text() == url.split("://", 1)[1]


def test_a_printed_handouts_qr_codes_decode_to_the_article_addresses(page, site_url, link, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    open_print(page, f"{site_url}session-print.html#kind=handout&s={link}")
    page.pdf(path=str(tmp_path / "handout.pdf"), format="A4", prefer_css_page_size=True)
    found = []
    for pdf_page in pdfium.PdfDocument(str(tmp_path / "handout.pdf")):
        bitmap = pdf_page.render(scale=3, grayscale=True)  # about 216 dpi
        image = memoryview(bytes(bitmap.buffer)).cast("B", (bitmap.height, bitmap.stride))
        found += [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]
    assert sorted(found) == sorted(f"{site_url}articles/{a}.html" for a in ARTICLES)


def test_the_reading_pack_breaks_pages_between_articles_only_and_has_their_questions(page, site_url, link, tmp_path):
    open_print(page, f"{site_url}session-print.html#kind=pack&s={link}")
    page.emulate_media(media="print")
    breaks = page.eval_on_selector_all(".kb-pack-article", "els => els.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto", "page", "page", "page"]  # the first article follows the contents list
    forced = page.evaluate("[...document.querySelectorAll('body *')]"
                           ".filter(e => ['page', 'always', 'left', 'right'].includes(getComputedStyle(e).breakBefore)"
                           " || ['page', 'always', 'left', 'right'].includes(getComputedStyle(e).breakAfter)).length")
    assert forced == 3
    for i in range(4):
        box = page.locator(".kb-pack-article").nth(i)
        assert box.locator(f"#step-{i + 1}-kb-questions li").count() >= 1
    assert page.locator("[id]").evaluate_all("els => els.length === new Set(els.map(e => e.id)).size")
    text, pages = printed(page, tmp_path / "pack.pdf")
    assert pages >= 4
    assert "FACILITATOR-ONLY" not in text


@pytest.mark.parametrize("fragment, message", [
    ("kind=handout&s=" + "A" * 40000, "too long"),
    ("kind=handout&s=%%%not-base64", "damaged"),
    ("kind=handout&s=WzEsMl0", "cannot be opened"),              # [1,2]: not a session
    ("kind=handout&s=eyJ2IjoxfQ", "no readings"),                 # {"v":1}: a session with nothing in it
    ("kind=invoice&s=eyJ2IjoxfQ", "does not make"),
])
def test_a_hostile_or_broken_link_is_refused_with_a_visible_message(page, site_url, fragment, message):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_print(page, f"{site_url}session-print.html#{fragment}")
    refusal = page.locator(".kb-print-refused")
    assert refusal.is_visible() and message in refusal.inner_text()
    assert page.locator(".kb-step, .kb-pack-article").count() == 0
    assert errors == []


def test_unknown_articles_are_dropped_and_script_in_fields_stays_text(page, site_url):
    hostile = dict(SESSION, steps=[dict(SESSION["steps"][1], article="no-such-article"),
                                   dict(SESSION["steps"][1], prompt='<img src=x onerror="window.hit=1">')])
    open_print(page, f"{site_url}session-print.html#kind=handout&s={encoded(page, site_url, hostile)}")
    assert page.locator(".kb-step").count() == 1
    assert "does not have: no-such-article" in page.locator("#kb-print-status").inner_text()
    assert page.locator(".kb-prompt").inner_text() == 'Discuss: <img src=x onerror="window.hit=1">'
    assert page.locator("#kb-session-print img, #kb-session-print script").count() == 0
    assert page.evaluate("window.hit") is None


def test_the_draft_in_this_browser_prints_when_the_link_has_no_session(page, site_url):
    page.goto(site_url + "session-print.html")
    page.evaluate("(s) => KBSession.save(s)", SESSION)
    open_print(page, site_url + "session-print.html#kind=handout")
    assert page.locator(".kb-step").count() == 4
    assert page.locator("#kb-print-back").get_attribute("href") == "session.html"


def test_the_handout_works_from_a_local_folder(browser, site_dir):
    context = browser.new_context()
    page = context.new_page()
    page.goto((site_dir / "session-print.html").as_uri())
    value = page.evaluate("(s) => KBSession.encode(s)", SESSION)
    open_print(page, (site_dir / "session-print.html").as_uri() + f"#kind=handout&s={value}")
    assert page.locator("svg.kb-qr-code").count() == 4
    assert page.locator(".kb-qr-address").first.inner_text() == f"articles/{ARTICLES[0]}.html"
    open_print(page, (site_dir / "session-print.html").as_uri() + f"#kind=pack&s={value}")
    assert page.locator(".kb-pack-article #step-2-kb-questions").count() == 1
    page.goto((site_dir / "paths" / "who-carries-the-risk.html").as_uri())  # a page below the site's root
    page.wait_for_selector("svg.kb-qr-code", state="attached")
    assert page.locator(".kb-qr-address").first.text_content() == f"articles/{ARTICLES[0]}.html"
    context.close()


def test_a_curated_paths_qr_codes_are_its_articles_absolute_addresses(page, site_url):
    page.goto(f"{site_url}paths/who-carries-the-risk.html")
    page.wait_for_selector("svg.kb-qr-code", state="attached")
    codes = page.locator("svg.kb-qr-code")
    assert codes.count() == len(ARTICLES)
    for i, article in enumerate(ARTICLES):
        url = f"{site_url}articles/{article}.html"
        svg = codes.nth(i)
        size = int(svg.get_attribute("viewBox").split()[2]) - 8
        assert decoded(svg_matrix(svg.locator("path").get_attribute("d"), size)) == url


def test_curated_path_outputs_work_without_javascript(browser, site_url):
    path = "who-carries-the-risk"
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}paths/{path}.html")
    assert page.locator(".kb-pack-link a").get_attribute("href") == f"pack/{path}.html"
    page.emulate_media(media="print")
    assert page.locator(".kb-step .kb-qr-address").first.is_visible()
    page.emulate_media(media="screen")
    page.goto(f"{site_url}paths/pack/{path}.html")
    assert page.locator(".kb-pack-article").count() == 4
    assert page.locator(".kb-print-button").is_hidden()
    page.goto(f"{site_url}session-print.html")
    assert "needs JavaScript" in page.locator("#session-print").inner_text()
    assert page.locator(f'#session-print a[href="paths/pack/{path}.html"]').count() == 1
    context.close()


def test_a_curated_paths_handout_and_facilitator_sheet_print_with_qr_codes(page, site_url, tmp_path):
    path = "who-carries-the-risk"
    page.goto(f"{site_url}paths/{path}.html")
    page.wait_for_selector("svg.kb-qr-code", state="attached")  # shown in print only
    assert page.locator("svg.kb-qr-code").count() == 4
    text, pages = printed(page, tmp_path / "path.pdf")
    assert pages <= 2 and "Send this a week ahead" not in text
    page.goto(f"{site_url}paths/facilitator/{path}.html")
    text, pages = printed(page, tmp_path / "facilitator.pdf")
    assert pages <= 3 and "Send this a week ahead" in text


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("which", ["handout", "facilitator", "pack", "path-pack", "refused"])
def test_axe_finds_no_violation_on_the_print_pages(browser, site_url, link, which, scheme):
    require(AXE.is_file(), "axe-core (npm ci)")
    url = {"path-pack": "paths/pack/who-carries-the-risk.html",
           "refused": "session-print.html#kind=handout&s=broken"}.get(which, f"session-print.html#kind={which}&s={link}")
    # axe is injected as an inline script, which the site's Content-Security-Policy refuses by design.
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    open_print(page, site_url + url) if which != "path-pack" else page.goto(site_url + url)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    context.close()
    violations = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == []


def test_print_buttons_and_links_are_reachable_by_keyboard_with_a_visible_focus(page, site_url, link):
    open_print(page, f"{site_url}session-print.html#kind=handout&s={link}")
    button = page.locator("#kb-print-actions .kb-print-button")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('kb-print-button')"):
            break
    else:
        pytest.fail("the Print button is not reachable by Tab")
    outline = button.evaluate("e => getComputedStyle(e).outlineStyle + ' ' + getComputedStyle(e).outlineWidth")
    assert outline.startswith("solid") and not outline.endswith(" 0px")



@pytest.mark.parametrize("which", ["handout", "facilitator", "pack"])
def test_print_is_black_on_white_even_from_dark_mode(browser, site_url, link, which):
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    open_print(page, f"{site_url}session-print.html#kind={which}&s={link}")
    page.emulate_media(media="print", color_scheme="dark")
    colours = page.evaluate("""() => {
      const dark = (c) => { const [r, g, b] = c.match(/\\d+/g).map(Number); return r + g + b <= 3 * 0x40; };
      const light = [];
      for (const e of document.querySelectorAll('#session-print *')) {
        const text = [...e.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
        if (text && e.getClientRects().length && !dark(getComputedStyle(e).color)) light.push(e.tagName + ' ' + getComputedStyle(e).color);
      }
      return {light, body: getComputedStyle(document.body).backgroundColor};
    }""")
    context.close()
    assert colours["light"] == []
    assert colours["body"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")


@pytest.mark.parametrize("which", ["handout", "facilitator", "pack"])
def test_print_pages_fit_a_phone_screen_without_sideways_scrolling(browser, site_url, link, which):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    open_print(page, f"{site_url}session-print.html#kind={which}&s={link}")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    context.close()
    assert overflow <= 1


def test_a_reading_pack_whose_article_text_cannot_load_links_to_the_article_instead(page, site_url, link):
    page.route("**/_kb/pack/skin-in-the-game.js", lambda route: route.abort())
    open_print(page, f"{site_url}session-print.html#kind=pack&s={link}")
    second = page.locator(".kb-pack-article").nth(1)
    assert "could not be loaded" in second.inner_text()
    assert second.locator("a").get_attribute("href") == "articles/skin-in-the-game.html"
    assert "their links are shown instead" in page.locator("#kb-print-status").inner_text()
    assert page.locator(".kb-pack-article").nth(2).locator("#step-3-kb-questions").count() == 1
