"""Screenshots of the real site at phone and desktop width, for docs/screens.md.

Builds the site (or takes ``--site``), opens it in Debian's Chromium through
Playwright and saves the first screen of the home page and of a concept page,
and the home page's concept map, into docs/_static/screenshots/.

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
from common import kb_build_command  # noqa: E402
from browser_support import CHROMIUM_ARGS, StaticServer  # noqa: E402

SHOTS = [  # (file, page, viewport width, height, element or None for the first screen)
    ("home-phone.png", "index.html", 390, 844, None),
    ("home-desktop.png", "index.html", 1280, 900, None),
    ("concept-phone.png", "concepts/trust.html", 390, 844, None),
    ("concept-desktop.png", "concepts/trust.html", 1280, 900, None),
    ("map-phone.png", "index.html", 390, 844, "#kb-concept-map"),
    ("concept-map-phone.png", "concepts/trust.html", 390, 844, "#kb-map svg"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path)
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
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
            for name, page_path, width, height, selector in SHOTS:
                context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                              is_mobile=width < 800, has_touch=width < 800)
                page = context.new_page()
                page.goto(server.url + page_path)
                page.wait_for_load_state("networkidle")
                target = page.locator(selector).first if selector else page
                target.screenshot(path=str(OUT / name))
                context.close()
                print(OUT / name)
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
