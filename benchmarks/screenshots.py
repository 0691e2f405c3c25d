"""Screenshots of the real site at phone and desktop width, for docs/screens.md and docs/trainers.md.

Builds the site (or takes ``--site``), opens it in Debian's Chromium through
Playwright and saves the first screen of the home page and of a concept page,
the home page's concept map (as it opens, and with Trust picked out), a
concept page's and an article page's maps, and a trainer's session
(``DEMO_SESSION``) in the session builder and printed as handout, facilitator
sheet and reading pack, into docs/_static/screenshots/.

    python benchmarks/screenshots.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "docs" / "_static" / "screenshots"
sys.path.insert(0, str(REPO / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from browser_support import CHROMIUM_ARGS, StaticServer
from common import kb_build_command

SHOTS = [  # (file, page, viewport width, height, element or None for the first screen)
    ("home-phone.png", "index.html", 390, 844, None),
    ("home-desktop.png", "index.html", 1280, 900, None),
    ("concept-phone.png", "concepts/trust.html", 390, 844, None),
    ("concept-desktop.png", "concepts/trust.html", 1280, 900, None),
    ("map-phone.png", "index.html", 390, 844, "#kb-concept-map"),
    ("map-picked-phone.png", "index.html", 390, 844, "#kb-concept-map"),
    ("concept-map-phone.png", "concepts/trust.html", 390, 844, "#kb-map svg"),
    ("article-map-phone.png", "articles/skin-in-the-game.html", 390, 844, "#kb-map svg"),
    # {session} is DEMO_SESSION as the builder encodes it into a link; {participants} is its participants'
    # copy (no facilitator notes), which the builder's handout and reading pack links carry.
    ("session-builder-desktop.png", "session.html#s={session}", 1280, 900, "#kb-builder-steps"),
    ("session-builder-keep-desktop.png", "session.html#s={session}", 1280, 900, "#kb-builder-keep"),
    ("session-builder-phone.png", "session.html#s={session}", 390, 844, "#kb-builder-keep"),
    ("print-handout-desktop.png", "session-print.html#kind=handout&s={participants}", 1280, 900, None),
    ("print-handout-phone.png", "session-print.html#kind=handout&s={participants}", 390, 844, None),
    ("print-facilitator-desktop.png", "session-print.html#kind=facilitator&s={session}", 1280, 900,
     "#kb-session-print .kb-section"),
    ("print-facilitator-note-desktop.png", "session-print.html#kind=facilitator&s={session}", 1280, 900,
     "#kb-session-print .kb-step:has(.kb-facilitator-note)"),
    ("print-pack-desktop.png", "session-print.html#kind=pack&s={participants}", 1280, 900, None),
]

# Shots taken with one node of the map picked out (kb-map.js), as keyboard focus picks it out.
PICKED = {"map-picked-phone.png": "#kb-concept-map a[aria-label='Trust']"}

# Furo's page chrome that stays on screen while Playwright scrolls a tall element into its picture (the
# header, the skip link, "Back to top"): hidden in element shots, which show the element alone.
PAGE_CHROME_HIDDEN = ".mobile-header, .skip-to-content, .back-to-top { visibility: hidden !important; }"

# A trainer's own session, drafted from real articles, for the screenshots in docs/trainers.md.
DEMO_SESSION = {
    "v": 1, "title": "Handing teachers the lead on evaluation",
    "summary": "A 75-minute twilight session for middle leaders on who should decide what gets checked.",
    "audience": ["middle-leader"], "duration": 75,
    "outcomes": ["Name one routine check your team could lead itself.",
                 "Explain why teachers who live with a change should shape it."],
    "steps": [
        {"article": "monitoring-as-a-process-not-an-event", "minutes": 5, "when": "pre-reading",
         "prompt": "Which of your regular checks changes what happens in classrooms?",
         "facilitator": "Send this a week ahead and ask for one example from their own week."},
        {"article": "skin-in-the-game", "minutes": 25, "when": "in-session",
         "prompt": "Who in your team lives with the consequences of your last decision?",
         "facilitator": "Start in pairs; keep the policy critique brief and bring it back to their own teams."},
        {"article": "teacher-led-self-evaluation", "minutes": 25, "when": "in-session",
         "prompt": "What would your team choose to evaluate if the choice were theirs?",
         "facilitator": "Collect one commitment from each person and send them round afterwards."},
        {"article": "leader-as-designer-not-industrialist", "minutes": 5, "when": "follow-up",
         "prompt": "Where are you the designer, and where only the deliverer?",
         "facilitator": "Suggest they read it before their next planning meeting."},
    ],
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--only", nargs="+", metavar="PREFIX", help="take only the screenshots whose file names start so")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "html"
            subprocess.run(kb_build_command(REPO / "content", site), check=True)
        with StaticServer(site) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chrome, args=CHROMIUM_ARGS)
            session, participants = demo_session_links(browser, server.url)
            for name, page_path, width, height, selector in SHOTS:
                if args.only and not name.startswith(tuple(args.only)):
                    continue
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                              is_mobile=width < 800, has_touch=width < 800)
                page = context.new_page()
                page.goto(server.url + page_path.replace("{session}", session).replace("{participants}", participants))
                page.wait_for_load_state("networkidle")
                if name in PICKED:
                    page.focus(PICKED[name])
                if selector:
                    page.locator(selector).first.screenshot(path=str(OUT / name), style=PAGE_CHROME_HIDDEN)
                else:
                    page.screenshot(path=str(OUT / name))
                context.close()
                print(OUT / name)
            browser.close()
    return 0


def demo_session_links(browser, site_url: str) -> tuple[str, str]:
    """DEMO_SESSION encoded by the site's own kb-session.js as the builder puts it in a link: whole, and as
    its participants' copy."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(site_url + "session-print.html")
    encoded = page.evaluate("(s) => [KBSession.encode(s), KBSession.encode(KBSession.participantCopy(s))]", DEMO_SESSION)
    context.close()
    return encoded[0], encoded[1]


if __name__ == "__main__":
    sys.exit(main())
