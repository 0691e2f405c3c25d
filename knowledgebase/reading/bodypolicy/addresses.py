"""Addresses as a browser reads them: the scheme rule for links, and the asset rule for files a page shows."""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote

from ...diagnostics import CodeId
from .rules import ASSETS, LINK_SCHEMES, SYNTAX

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (decoded, without hidden characters, lower case), or None."""
    decoded = url
    for _ in range(3):  # double encoding is a classic way past a filter
        decoded = html.unescape(unquote(decoded))
    decoded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", decoded)).lower()
    match = _SCHEME.match(decoded)
    return match.group(1) if match else None


def scheme_problem(url: str) -> tuple[CodeId, str, str] | None:
    """Why a link to ``url`` may not be published (a scheme other than http, https or mailto), or None."""
    scheme = link_scheme(url)
    if scheme is not None and scheme not in LINK_SCHEMES:
        return "KB205", f"the link `{shorten(url)}` uses the `{scheme}:` scheme", SYNTAX["other link schemes"].instead
    return None


def asset_problem(target: str, page_dir: Path, root: Path, types: tuple[str, ...]) -> tuple[CodeId, str, str] | None:
    """Why the file ``target`` (as written on a page in ``page_dir``) may not be published, or None.

    Returns (code, message, hint). The file must be inside ``root/_assets`` once
    every symbolic link is followed, exist, and have one of ``types``; an address
    with a scheme is never such a file. ``kb check`` and the build both ask this.
    """
    assets_rule = SYNTAX["files outside content/_assets/"]
    refused = scheme_problem(target)
    if refused is not None:
        return refused
    if link_scheme(target) is not None:
        return "KB206", f"`{shorten(target)}` is not a file in content/{ASSETS}/", assets_rule.instead
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if "*" in path or "?" in target.split("#", 1)[0]:
        return "KB206", f"`{target}` is not a plain file name", assets_rule.instead
    candidate = (root / path.lstrip("/")) if path.startswith("/") else (page_dir / path)
    assets = (root / ASSETS).resolve()
    resolved = candidate.resolve()
    if not assets.is_relative_to(root.resolve()) or not resolved.is_relative_to(assets):
        return "KB206", f"`{target}` is not a file in content/{ASSETS}/", assets_rule.instead
    if not resolved.is_file():
        return "KB206", f"there is no file `{target}` in content/{ASSETS}/", assets_rule.instead
    if resolved.suffix.lower() not in types:
        kinds = ", ".join(t.lstrip(".") for t in types)
        return "KB207", f"`{resolved.name}` is a file type the site does not publish here (allowed: {kinds})", \
            SYNTAX["SVG and other image types"].instead
    return None


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
