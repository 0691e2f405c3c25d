"""Lighthouse scores of the real site, with Lighthouse's default mobile settings.

Builds the site (or takes ``--site``), serves it on 127.0.0.1 with the headers
the build writes to ``_headers`` (so the Content-Security-Policy is the one a
host would send), and runs the pinned ``lighthouse`` from node_modules with
Debian's Chromium on the home page, an article and a concept page. Writes
``benchmarks/results/lighthouse.json`` and prints one line per page.

    npm ci
    python benchmarks/lighthouse.py            # CHROME_PATH defaults to /usr/bin/chromium

Each page is run as:

    CHROME_PATH=/usr/bin/chromium node_modules/.bin/lighthouse URL --output=json --quiet \\
      --only-categories=performance,accessibility,best-practices,seo \\
      --chrome-flags="--headless --no-sandbox --disable-gpu"
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import kb_build_command  # noqa: E402
PAGES = ("index.html", "articles/skin-in-the-game.html", "concepts/trust.html")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
FLAGS = "--headless --no-sandbox --disable-gpu"


def site_headers(site: Path) -> list[tuple[str, str]]:
    """The headers ``_headers`` gives every page (its ``/*`` block)."""
    headers, in_all = [], False
    path = site / "_headers"
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else ():
        if not line.startswith((" ", "\t")):
            in_all = line.strip() == "/*"
        elif in_all and ":" in line:
            name, _, value = line.strip().partition(":")
            headers.append((name.strip(), value.strip()))
    return headers


def serve(site: Path):
    headers = site_headers(site)

    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in headers:
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def run(url: str, chrome: str) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", "--quiet", f"--only-categories={','.join(CATEGORIES)}",
               f"--chrome-flags={FLAGS}"]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
                          check=True)
    report = json.loads(done.stdout)
    scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
    failing = sorted(a for a, r in report["audits"].items()
                     if r.get("score") is not None and r["score"] < 1 and r.get("scoreDisplayMode") in ("binary", "numeric")
                     and any(a in {ref["id"] for ref in report["categories"][c]["auditRefs"] if ref.get("weight")}
                             for c in CATEGORIES))
    metrics = {m: report["audits"][m]["displayValue"] for m in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")}
    return {"scores": scores, "metrics": metrics, "below_full_marks": failing,
            "lighthouse": report["lighthouseVersion"], "user_agent": report["environment"]["hostUserAgent"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one into a temporary folder)")
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print("lighthouse is missing: run `npm ci`", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "html"
            subprocess.run(kb_build_command(REPO / "content", site), check=True)
        httpd, root = serve(site)
        try:
            results = {page: run(root + page, args.chrome) for page in PAGES}
        finally:
            httpd.shutdown()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lighthouse.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    for page, result in results.items():
        scores = " ".join(f"{c} {s}" for c, s in result["scores"].items())
        print(f"{page}: {scores}; below full marks: {', '.join(result['below_full_marks']) or 'none'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
