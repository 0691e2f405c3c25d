"""Headless Chromium for browser tests: Debian's package, driven by Playwright.

Under CI (``CI=true``) a missing browser or axe-core fails the run; on a
contributor's machine without them the browser tests are skipped with a note.
"""

from __future__ import annotations

import base64
import functools
import http.server
import json
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parent.parent
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require(condition: bool, what: str) -> None:
    if condition:
        return
    message = f"{what} is missing; `bash .ci/run` installs it"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def session_in(href: str) -> dict:
    """The session in a link's `s=`, decoded as kb-session.js decodes it: base64url, unpadded, of UTF-8 JSON."""
    value = parse_qs(urlsplit(href).fragment)["s"][0]
    return json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))


def chromium_path() -> str:
    path = (os.environ.get("KB_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
            or shutil.which("google-chrome"))
    require(path is not None, "Chromium (Debian package `chromium`)")
    return path


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


class StaticServer:
    """Serves a folder on 127.0.0.1 on a free port, in a background thread."""

    def __init__(self, root: Path):
        handler = functools.partial(QuietHandler, directory=str(root))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
