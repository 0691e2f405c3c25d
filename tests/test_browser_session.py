"""The session builder (session.html) in a real headless Chromium, on the real site.

Drafting, adding from articles, reordering, keeping and sharing, hostile links,
facilitator notes kept out of every link for participants, exporting a path file
that passes `kb check`, the page without JavaScript, from a local folder, and
accessibility: axe-core, keyboard alone, a phone's width.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_support import AXE, REPO, require, session_in
from playwright.sync_api import expect

from knowledgebase.cli import main as kb
from knowledgebase.load import load
from knowledgebase.paths import plan_path
from knowledgebase.schema import STEP

pytestmark = pytest.mark.browser
CONTENT = REPO / "content"


@pytest.fixture(scope="module")
def corpus():
    return load(CONTENT).kb


def open_builder(page, site_url, fragment=""):
    if fragment:
        page.goto("about:blank")  # a new load, as when a link is opened, not a change of fragment
    page.goto(site_url + "session.html" + fragment)
    page.wait_for_selector("#kb-builder[data-ready]")


def encode(session: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(session).encode()).decode().rstrip("=")


def a_session(corpus, title="Trust first", articles=None, **fields):
    ids = articles or sorted(corpus.articles)[:3]
    session = {"v": 1, "title": title, "summary": "", "audience": [], "duration": 60, "outcomes": [],
               "steps": [{"article": a, "minutes": 12, "when": "in-session", "prompt": f"Prompt for {a}",
                          "facilitator": ""} for a in ids]}
    session.update(fields)
    return session


def step_ids(page):
    return page.eval_on_selector_all("#kb-steps > li", "items => items.map(i => i.dataset.article)")


def stored(page):
    return page.evaluate("JSON.parse(localStorage.getItem('kb-session-draft-v1'))")


def keep_draft(page, site_url, session):
    open_builder(page, site_url)
    page.evaluate("s => localStorage.setItem('kb-session-draft-v1', JSON.stringify(s))", session)


def draft(page, concepts, minutes, audience="", pre_reading=0):
    for concept in concepts:
        page.fill("#kb-draft-concept", concept)
        page.press("#kb-draft-concept", "Enter")
    page.select_option("#kb-draft-audience", audience)
    page.fill("#kb-draft-minutes", str(minutes))
    page.fill("#kb-draft-pre", str(pre_reading))
    page.click("#kb-draft-submit")


# Drafting -------------------------------------------------------------------------------------


@pytest.mark.parametrize("concepts, minutes, audience, pre_reading", [
    (["Trust", "ownership of risk"], 60, "middle-leader", 15),
    (["lead learner", "Collaboration", "inquiry"], 120, "", 0),
])
def test_the_builder_drafts_the_session_kb_path_plan_drafts(page, site_url, corpus, concepts, minutes, audience,
                                                              pre_reading):
    open_builder(page, site_url)
    draft(page, concepts, minutes, audience, pre_reading)
    plan = plan_path(corpus, concepts, minutes, audience or None, pre_reading)
    expect(page.locator("#kb-steps > li")).to_have_count(len(plan.steps))
    assert step_ids(page) == [s.article for s in plan.steps]
    assert page.eval_on_selector_all(".kb-step-minutes", "xs => xs.map(x => +x.value)") == [s.minutes for s in plan.steps]
    assert page.eval_on_selector_all(".kb-step-when", "xs => xs.map(x => x.value)") == [s.when for s in plan.steps]
    assert page.locator(".kb-step-reason").all_inner_texts() == [f"Why: {s.reason}" for s in plan.steps]
    assert [s["article"] for s in stored(page)["steps"]] == [s.article for s in plan.steps]


def test_an_unknown_concept_is_refused_with_the_planners_suggestion(page, site_url):
    open_builder(page, site_url)
    page.fill("#kb-draft-concept", "trsut")
    page.press("#kb-draft-concept", "Enter")
    expect(page.locator("#kb-draft-error")).to_contain_text("did you mean `trust`?")


# Adding from anywhere -----------------------------------------------------------------------


def test_an_article_page_adds_itself_to_the_session_and_says_so(page, site_url):
    page.goto(site_url + "articles/headteacher-as-lead-learner.html")
    add = page.locator(".kb-article-header button.kb-add-session")
    expect(add).to_have_text("Add to my session")
    expect(add).to_have_attribute("aria-label", "Add “The headteacher as lead learner” to my session")
    add.click()
    added = page.locator(".kb-article-header a.kb-session-added")
    expect(added).to_have_text("Added — open my session")
    expect(added).to_be_focused()
    added.click()
    page.wait_for_selector("#kb-builder[data-ready]")
    assert step_ids(page) == ["headteacher-as-lead-learner"]


def test_cards_add_articles_too_and_show_what_is_already_in_the_session(page, site_url):
    page.goto(site_url + "concepts/trust.html")
    first = page.locator(".kb-card").first
    title = first.locator("a.kb-card-title").inner_text()
    first.locator("button.kb-add-session").click()
    expect(first.locator("a.kb-session-added")).to_be_visible()
    page.reload()
    expect(page.locator(".kb-card").first.locator("a.kb-session-added")).to_be_visible()
    open_builder(page, site_url)
    assert page.locator(".kb-step-title-link").all_inner_texts() == [title]


def test_an_article_added_in_another_tab_appears_in_an_open_builder(page, site_url):
    open_builder(page, site_url)
    other = page.context.new_page()
    other.goto(site_url + "articles/headteacher-as-lead-learner.html")
    other.click(".kb-article-header button.kb-add-session")
    expect(other.locator("a.kb-session-added")).to_be_visible()
    expect(page.locator("#kb-steps > li")).to_have_count(1)
    page.fill("#kb-title", "Edited after the other tab")
    assert [s["article"] for s in stored(page)["steps"]] == ["headteacher-as-lead-learner"]


def test_the_builder_finds_and_adds_articles_itself(page, site_url, corpus):
    open_builder(page, site_url)
    page.fill("#kb-add-search", "stickers")
    result = page.locator("#kb-add-results li").first
    result.locator("button").click()
    expect(page.locator("#kb-steps > li")).to_have_count(1)
    assert "sticker" in corpus.articles[step_ids(page)[0]].title.lower()


# Editing -----------------------------------------------------------------------------------------


def test_steps_reorder_with_the_buttons_and_keep_focus(page, site_url, corpus):
    session = a_session(corpus)
    keep_draft(page, site_url, session)
    open_builder(page, site_url)
    ids = [s["article"] for s in session["steps"]]
    page.locator("#kb-steps > li").nth(0).locator(".kb-move-down").click()
    assert step_ids(page) == [ids[1], ids[0], ids[2]]
    expect(page.locator("#kb-steps > li").nth(1).locator(".kb-move-down")).to_be_focused()
    page.locator("#kb-steps > li").nth(2).locator(".kb-move-up").click()
    assert step_ids(page) == [ids[1], ids[2], ids[0]]
    assert [s["article"] for s in stored(page)["steps"]] == [ids[1], ids[2], ids[0]]


def test_steps_reorder_by_dragging(page, site_url, corpus):
    session = a_session(corpus)
    keep_draft(page, site_url, session)
    open_builder(page, site_url)
    ids = [s["article"] for s in session["steps"]]
    page.set_viewport_size({"width": 1280, "height": 3000})  # both ends of the drag on screen
    handles = page.locator("#kb-steps .kb-drag-handle")
    handles.nth(2).drag_to(handles.nth(0))
    expect(page.locator("#kb-steps > li").first).to_have_attribute("data-article", ids[2])
    assert step_ids(page) == [ids[2], ids[0], ids[1]]


def test_the_timetable_time_left_and_warnings_follow_every_edit(page, site_url, corpus):
    dependent = next(a for a in corpus.articles.values() if a.prerequisites)
    prerequisite = dependent.prerequisites[0]
    session = a_session(corpus, articles=[dependent.id, prerequisite], duration=30)
    keep_draft(page, site_url, session)
    open_builder(page, site_url)
    expect(page.locator("#kb-time-left")).to_contain_text("24 of 30 minutes; 6 minutes left")
    clocks = page.locator(".kb-step-clock").all_inner_texts()
    assert clocks == ["0:00–0:12", "0:12–0:24"]
    expect(page.locator("#kb-warnings")).to_contain_text(
        f"step 1 (`{dependent.id}`) comes before its prerequisite `{prerequisite}` (step 2)")
    page.locator(".kb-step-minutes").nth(0).fill("25")
    expect(page.locator("#kb-time-left")).to_contain_text("37 of 30 minutes; 7 minutes over")
    expect(page.locator("#kb-warnings")).to_contain_text("the in-session steps take 37 minutes; the session lasts 30")
    page.locator("#kb-steps > li").nth(1).locator(".kb-move-up").click()
    expect(page.locator("#kb-warnings")).not_to_contain_text("comes before its prerequisite")
    page.locator(".kb-step-when").nth(0).select_option("pre-reading")
    expect(page.locator("#kb-time-left")).to_contain_text("25 of 30 minutes; 5 minutes left. Pre-reading: 12 minutes")
    page.fill("#kb-add-search", corpus.articles[prerequisite].title)
    page.locator("#kb-add-results li").first.locator("button").click()
    expect(page.locator("#kb-warnings")).to_contain_text(f"`{prerequisite}` is already step 1")


# Keeping and sharing -------------------------------------------------------------------------------


def test_the_session_survives_a_reload(page, site_url):
    open_builder(page, site_url)
    draft(page, ["trust"], 60)
    page.fill("#kb-title", "Monday's twilight session")
    page.locator(".kb-step-prompt").first.fill("What did you notice?")
    page.locator(".kb-step-facilitator").first.fill("Pairs from different teams.")
    before = step_ids(page)
    page.reload()
    page.wait_for_selector("#kb-builder[data-ready]")
    assert step_ids(page) == before
    expect(page.locator("#kb-title")).to_have_value("Monday's twilight session")
    expect(page.locator(".kb-step-prompt").first).to_have_value("What did you notice?")
    expect(page.locator(".kb-step-facilitator").first).to_have_value("Pairs from different teams.")


def test_a_shared_link_opens_the_same_session_in_another_browser(page, browser, site_url, corpus):
    session = a_session(corpus, title="Trust & <b>risk</b> — ünïcode ✓", outcomes=["Name two conditions."],
                        audience=["middle-leader"], summary="Line one.\nLine two.")
    session["steps"][1]["when"] = "pre-reading"
    session["steps"][2]["facilitator"] = "Only for me."
    keep_draft(page, site_url, session)
    open_builder(page, site_url)
    link = page.input_value("#kb-share-link")
    assert link.startswith(site_url + "session.html#s=")
    other = browser.new_context()
    fresh = other.new_page()
    fresh.goto(link)
    fresh.wait_for_selector("#kb-builder[data-ready]")
    expect(fresh.locator("#kb-title")).to_have_value(session["title"])
    assert stored(fresh) == session
    assert "#" not in fresh.url, "the link's session stays in the page, not in the address"
    other.close()


def test_a_link_to_a_different_session_asks_before_replacing_the_draft(page, site_url, corpus):
    mine = a_session(corpus, title="My own draft")
    theirs = a_session(corpus, title="A colleague's session", articles=sorted(corpus.articles)[5:7])
    keep_draft(page, site_url, mine)
    open_builder(page, site_url, "#s=" + encode(theirs))
    dialog = page.locator("dialog.kb-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Replace your draft?")
    page.click("#kb-dialog-no")
    expect(dialog).to_be_hidden()
    expect(page.locator("#kb-title")).to_have_value("My own draft")
    assert stored(page)["title"] == "My own draft"
    handout = page.locator("#kb-builder-notice a", has_text="Print handout")
    fragment = urlsplit(handout.get_attribute("href")).fragment
    assert parse_qs(fragment)["kind"] == ["handout"]
    shared = parse_qs(fragment)["s"][0]
    assert json.loads(base64.urlsafe_b64decode(shared + "=" * (-len(shared) % 4)))["title"] == theirs["title"]
    open_builder(page, site_url, "#s=" + encode(theirs))
    page.click("#kb-dialog-yes")
    expect(page.locator("#kb-title")).to_have_value("A colleague's session")
    assert stored(page)["title"] == "A colleague's session"


def test_a_session_too_long_for_a_link_says_so_before_anyone_shares_it(page, site_url, corpus):
    long = a_session(corpus, articles=sorted(corpus.articles)[:20])
    for step in long["steps"]:  # as long as a path file allows: together, too long for a link
        for name in ("prompt", "facilitator"):
            step[name] = ("A long note for the group. " * 70)[:STEP.field(name).max_length]
    keep_draft(page, site_url, long)
    open_builder(page, site_url)
    expect(page.locator("#kb-share-too-long")).to_be_visible()
    for _ in range(17):
        page.locator("#kb-steps > li").last.locator(".kb-remove").click()
    expect(page.locator("#kb-steps > li")).to_have_count(3)
    expect(page.locator("#kb-share-too-long")).to_be_hidden()


HOSTILE = {
    "oversized": "#s=" + "A" * 40_000,
    "malformed base64": "#s=%%%not*base64!!",
    "malformed JSON": "#s=" + base64.urlsafe_b64encode(b'{"v": 1, "title": ').decode().rstrip("="),
    "not UTF-8": "#s=" + base64.urlsafe_b64encode(b"\xff\xfe{}").decode().rstrip("="),
    "unknown field": "#s=" + encode({"v": 1, "steps": [], "onload": "alert(1)"}),
    "wrong type": "#s=" + encode({"v": 1, "title": ["<script>"], "steps": []}),
    "too many steps": "#s=" + encode({"v": 1, "steps": [{"article": "a", "minutes": 1, "when": "in-session"}] * 61}),
    "a path in an id": "#s=" + encode({"v": 1, "steps": [{"article": "../../etc/passwd", "minutes": 5,
                                                          "when": "in-session"}]}),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_link_is_refused_with_a_message_and_the_draft_is_untouched(page, site_url, corpus, name):
    mine = a_session(corpus, title="My own draft")
    keep_draft(page, site_url, mine)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    open_builder(page, site_url, HOSTILE[name])
    expect(page.locator(".kb-builder-alert")).to_contain_text("could not be opened")
    expect(page.locator("dialog.kb-dialog")).to_be_hidden()
    assert stored(page) == mine
    expect(page.locator("#kb-title")).to_have_value("My own draft")
    assert errors == []


def test_script_in_a_shared_session_is_shown_as_text_and_never_runs(page, site_url, corpus):
    attack = '"><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>'
    session = a_session(corpus, title=attack, summary=attack, outcomes=[attack])
    session["steps"][0]["prompt"] = attack
    session["steps"][0]["facilitator"] = "javascript:window.pwned=1"
    session["steps"].append({"article": "no-such-article", "minutes": 5, "when": "in-session", "prompt": "",
                             "facilitator": ""})
    open_builder(page, site_url, "#s=" + encode(session))
    expect(page.locator(".kb-builder-alert")).to_contain_text("Left out an article this site does not have: no-such-article.")
    expect(page.locator("#kb-title")).to_have_value(attack)
    expect(page.locator(".kb-step-prompt").first).to_have_value(attack)
    assert page.locator("#kb-builder img, #kb-builder script").count() == 0
    assert page.evaluate("window.pwned") is None
    assert len(stored(page)["steps"]) == 3
    page.reload()
    page.wait_for_selector("#kb-builder[data-ready]")
    assert page.evaluate("window.pwned") is None


# Facilitator notes stay with the trainer ----------------------------------------------------------


def notes_for(count):
    return [f"TRAINER-ONLY note {n}: pair the quiet ones with a colleague they trust" for n in range(1, count + 1)]


def assert_no_notes_in(session, notes):
    assert not [n for n in notes if n in json.dumps(session, ensure_ascii=False)]
    assert not [s for s in session["steps"] if s.get("facilitator")]


def described_by(locator):
    """The visible text of the elements a control names in aria-describedby."""
    return locator.evaluate("""e => (e.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean)
      .map(id => document.getElementById(id)).filter(d => d && d.checkVisibility())
      .map(d => d.textContent).join(' ')""")


def everything_shown(page):
    """The page's HTML and the values of its fields (a textarea's value is not in its HTML)."""
    return page.evaluate("() => document.documentElement.outerHTML + '\\n' + "
                         "[...document.querySelectorAll('input, textarea')].map(e => e.value).join('\\n')")


def visit(page, url):
    """Open `url` as a new load and wait until its script has drawn it."""
    page.goto("about:blank")
    page.goto(url)
    path = urlsplit(url).path
    if path.endswith("/session.html"):
        page.wait_for_selector("#kb-builder[data-ready]")
    elif path.endswith("/session-print.html"):
        page.wait_for_selector("#kb-session-print > *, .kb-print-refused")
        page.wait_for_function("!document.querySelector('#kb-session-print[aria-busy]')")


def page_of(link):
    """A link as the page it opens: a fragment counts only where it holds a session or a print-out."""
    parts = urlsplit(link)
    keep = parts.path.endswith(("/session.html", "/session-print.html")) and re.search(r"(^|&)(s|kind|path)=",
                                                                                        parts.fragment)
    return parts._replace(fragment=parts.fragment if keep else "").geturl()


@pytest.mark.parametrize("kind", ["handout", "pack"])
def test_handout_and_pack_links_carry_no_facilitator_notes_and_lead_to_none(page, browser, site_url, kind):
    open_builder(page, site_url)
    draft(page, ["trust", "ownership of risk"], 60, "middle-leader", 15)
    boxes = page.locator(".kb-step-facilitator")
    expect(boxes).not_to_have_count(0)
    notes = notes_for(boxes.count())
    assert len(notes) >= 3
    for i, note in enumerate(notes):
        boxes.nth(i).fill(note)
    assert [s["facilitator"] for s in stored(page)["steps"]] == notes
    href = page.eval_on_selector(f"#kb-print-{kind}", "a => a.href")
    assert parse_qs(urlsplit(href).fragment)["kind"] == [kind]
    sent = session_in(href)
    assert_no_notes_in(sent, notes)
    draft_steps = stored(page)["steps"]
    assert [(s["article"], s["prompt"]) for s in sent["steps"]] == [(s["article"], s["prompt"]) for s in draft_steps]

    participant = browser.new_context()  # the participant's own browser, without the trainer's draft
    other = participant.new_page()
    visit(other, href)
    assert other.locator(".kb-step, .kb-pack-article").count() == len(notes)
    assert not [n for n in notes if n in everything_shown(other)]
    links = sorted({page_of(a) for a in other.eval_on_selector_all("a[href]", "as => as.map(a => a.href)")
                    if a.startswith(site_url)})
    assert any("/articles/" in a for a in links) and any(urlsplit(a).path.endswith("/session.html") for a in links)
    assert not [a for a in links if "kind=facilitator" in a]
    for link in links:
        if "s=" in urlsplit(link).fragment:
            assert_no_notes_in(session_in(link), notes)
    for link in links:
        visit(other, link)
        assert not [n for n in notes if n in everything_shown(other)], link
    participant.close()


def test_the_print_links_offered_beside_a_kept_draft_carry_no_facilitator_notes(page, site_url, corpus):
    mine = a_session(corpus, title="My own draft")
    theirs = a_session(corpus, title="A colleague's session", articles=sorted(corpus.articles)[5:8])
    notes = notes_for(3)
    for step, note in zip(theirs["steps"], notes):
        step["facilitator"] = note
    keep_draft(page, site_url, mine)
    open_builder(page, site_url, "#s=" + encode(theirs))
    page.click("#kb-dialog-no")
    notice = page.locator("#kb-builder-notice")
    for text in ("Print handout", "Reading pack"):
        link = notice.locator("a", has_text=text)
        assert_no_notes_in(session_in(link.get_attribute("href")), notes)
        assert "safe to send to participants" in described_by(link)
    sheet = notice.locator("a", has_text="Print facilitator sheet")
    assert [s["facilitator"] for s in session_in(sheet.get_attribute("href"))["steps"]] == notes
    assert "facilitator notes: send it only to a co-trainer." in described_by(sheet)


def test_the_share_link_and_the_facilitator_sheet_link_say_they_carry_the_notes(page, site_url, corpus):
    session = a_session(corpus)
    notes = notes_for(3)
    for step, note in zip(session["steps"], notes):
        step["facilitator"] = note
    keep_draft(page, site_url, session)
    open_builder(page, site_url)
    share = page.locator("#kb-share-link")
    assert [s["facilitator"] for s in session_in(share.input_value())["steps"]] == notes  # for a co-trainer
    assert "This link includes your facilitator notes: send it only to a co-trainer." in described_by(share)
    sheet = page.locator("#kb-print-facilitator")
    assert [s["facilitator"] for s in session_in(sheet.get_attribute("href"))["steps"]] == notes
    assert "facilitator notes: send it only to a co-trainer." in described_by(sheet)
    for kind in ("handout", "pack"):
        told = described_by(page.locator(f"#kb-print-{kind}"))
        assert "safe to send to participants" in told and "co-trainer" not in told


# Curated paths ------------------------------------------------------------------------------------


def test_start_from_a_curated_path_opens_its_steps_in_the_builder(page, site_url, corpus):
    path_id = sorted(corpus.paths)[0]
    path = corpus.paths[path_id]
    page.goto(site_url + f"paths/facilitator/{path_id}.html")
    page.click("a.kb-start-path")
    page.wait_for_selector("#kb-builder[data-ready]")
    expect(page.locator("#kb-title")).to_have_value(path.title)
    assert step_ids(page) == [s.article for s in path.steps]
    saved = stored(page)
    assert [s["facilitator"] for s in saved["steps"]] == [s.facilitator or "" for s in path.steps]
    assert saved["duration"] == path.duration and saved["outcomes"] == list(path.outcomes)


# Exporting ---------------------------------------------------------------------------------------------


def _fill_details(page, title="Trust: the first twilight", summary="Why trust comes first, for middle leaders."):
    page.fill("#kb-title", title)
    page.fill("#kb-summary", summary)
    page.check("#kb-audience-middle-leader")
    page.fill("#kb-outcomes", "Name two conditions trust needs.\n\"Quoted\": a second outcome, 100% #1")


def test_the_downloaded_path_file_passes_kb_check_unchanged(page, site_url, tmp_path):
    open_builder(page, site_url)
    page.click("#kb-download")
    expect(page.locator("#kb-export-problems")).to_contain_text("Give the session a title.")
    draft(page, ["trust", "skin in the game"], 90, "middle-leader", 20)
    tricky = "Ask: what's \"trust\"? Think — then write.\nSecond line: 2026-01-01 # not a comment"
    _fill_details(page)
    # Text YAML would read as something else if it were written plainly.
    outcomes = ["- starts with a dash", "123", "null", "Café — ✓ 😀", "key: value", "[bracket] {brace} | pipe",
                "'single' and \"double\" & *star @at `tick` %", "Ends with a colon:"]
    page.fill("#kb-outcomes", "\n".join(outcomes))
    page.locator(".kb-step-prompt").first.fill(tricky)
    page.locator(".kb-step-facilitator").first.fill("yes")
    page.locator(".kb-step-prompt").nth(1).fill("")
    page.locator(".kb-step-facilitator").nth(1).fill("! a bang, > a quote, ~ a tilde")
    with page.expect_download() as download:
        page.click("#kb-download")
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    target = content / "paths" / download.value.suggested_filename
    assert not target.exists()
    download.value.save_as(target)
    assert kb(["check", "--content", str(content), "--strict"]) == 0
    path = load(content).kb.paths[target.stem]
    assert path.title == "Trust: the first twilight"
    assert path.outcomes == tuple(outcomes)
    assert path.steps[1].facilitator == "! a bang, > a quote, ~ a tilde"
    assert path.steps[0].prompt == " ".join(tricky.split())  # kb check folds line breaks in text fields
    assert path.steps[0].facilitator == "yes"
    assert path.steps[1].prompt is None
    assert [s.article for s in path.steps] == step_ids(page)


def test_propose_on_github_opens_a_new_file_with_the_path_when_a_repository_is_configured(page, site_url):
    def with_repository(route):
        text = route.fetch().text()
        data = json.loads(text[len("window.KB_SESSION_DATA = "):-2])
        data["repository"] = {"url": "https://github.com/example/leading-learning", "branch": "main",
                              "content": "content"}
        route.fulfill(body="window.KB_SESSION_DATA = " + json.dumps(data) + ";", content_type="text/javascript")

    open_builder(page, site_url)
    expect(page.locator("#kb-propose")).to_be_hidden()
    page.route(re.compile(r".*/_kb/session-data\.js.*"), with_repository)
    open_builder(page, site_url)
    draft(page, ["trust"], 60)
    expect(page.locator("#kb-propose")).to_be_hidden()  # not until the file would pass kb check
    _fill_details(page, title="A <script> & \"quoted\" title")
    propose = page.locator("#kb-propose")
    expect(propose).to_be_visible()
    address = urlsplit(propose.get_attribute("href"))
    assert (address.scheme, address.netloc, address.path) == ("https", "github.com",
                                                              "/example/leading-learning/new/main/content/paths")
    query = parse_qs(address.query)
    assert query["filename"] == ["a-script-quoted-title.md"]
    with page.expect_download() as download:
        page.click("#kb-download")
    assert query["value"] == [download.value.path().read_text(encoding="utf-8")]


# Without JavaScript, from a folder, on a phone, by keyboard, for everyone ---------------------------


def test_without_javascript_the_page_says_what_it_needs_and_links_to_the_curated_paths(browser, site_url, corpus):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "session.html")
    text = page.inner_text("#furo-main-content")
    assert "The session builder needs JavaScript" in text
    for path_id, path in corpus.paths.items():
        item = page.locator(f'.kb-builder-path[data-path="{path_id}"]')
        assert item.locator("a").first.inner_text() == path.title
        hrefs = [a.get_attribute("href") for a in item.locator("a").all()]
        assert hrefs == [f"paths/{path_id}.html", f"paths/facilitator/{path_id}.html", f"paths/pack/{path_id}.html"]
    assert page.locator("#furo-main-content button").count() == 0
    page.goto(site_url + "articles/headteacher-as-lead-learner.html")
    assert page.locator(".kb-add-session, .kb-session-control").count() == 0
    context.close()


def test_from_a_local_folder_the_builder_loads_its_data_and_drafts(page, site_dir, corpus):
    page.goto((site_dir / "session.html").as_uri())
    page.wait_for_selector("#kb-builder[data-ready]")
    draft(page, ["trust"], 60)
    plan = plan_path(corpus, ["trust"], 60)
    assert step_ids(page) == [s.article for s in plan.steps]
    page.goto((site_dir / "articles" / "headteacher-as-lead-learner.html").as_uri())
    page.click("button.kb-add-session")
    expect(page.locator("a.kb-session-added")).to_be_visible()


def test_the_builder_fits_a_phone_without_sideways_scrolling(browser, site_url, corpus):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    page = context.new_page()
    open_builder(page, site_url)
    draft(page, ["trust", "inquiry"], 90)
    page.locator("#kb-steps > li").first.locator(".kb-move-down").tap()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 1


def test_the_builder_works_by_keyboard_alone_with_visible_focus(page, site_url):
    open_builder(page, site_url)

    def tab_to(selector, limit=150):
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"document.activeElement.matches({json.dumps(selector)})"):
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"{selector} has no visible focus"
                return
        pytest.fail(f"Tab never reached {selector}")

    tab_to("#kb-draft-concept")
    page.keyboard.type("trust")
    page.keyboard.press("Enter")
    tab_to("#kb-draft-submit")
    page.keyboard.press("Enter")
    expect(page.locator("#kb-steps > li")).not_to_have_count(0)
    first = step_ids(page)[0]
    tab_to(".kb-move-down")
    page.keyboard.press("Enter")
    assert step_ids(page)[1] == first
    expect(page.locator("#kb-steps > li").nth(1).locator(".kb-move-down")).to_be_focused()
    # The dialog is keyboard-operable too: Escape keeps the session.
    page.goto(site_url + "session.html#path=" + sorted(load(CONTENT).kb.paths)[0])
    expect(page.locator("dialog.kb-dialog")).to_be_visible()
    expect(page.locator("#kb-dialog-no")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("dialog.kb-dialog")).to_be_hidden()
    assert step_ids(page)[1] == first


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_or_critical_violation_in_the_builder(browser, site_url, scheme):
    require(AXE.is_file(), "axe-core (npm ci)")
    context = browser.new_context(bypass_csp=True, color_scheme=scheme)
    page = context.new_page()
    open_builder(page, site_url)
    draft(page, ["trust", "ownership of risk"], 60, "middle-leader", 15)
    page.fill("#kb-add-search", "trust")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']})")
    context.close()
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_the_session_buttons_are_left_off_paper(page, site_url, corpus):
    page.goto(site_url + f"paths/{sorted(corpus.paths)[0]}.html")
    start = page.locator("a.kb-start-path")
    expect(start).to_be_visible()
    page.emulate_media(media="print")
    expect(start).to_be_hidden()
    page.emulate_media(media="screen")
    page.goto(site_url + "articles/headteacher-as-lead-learner.html")
    add = page.locator(".kb-article-header button.kb-add-session")
    expect(add).to_be_visible()
    page.emulate_media(media="print")
    expect(add).to_be_hidden()
