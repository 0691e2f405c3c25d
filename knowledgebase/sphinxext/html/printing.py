"""Print outputs for trainers: reading packs, the session print page, and the scripts that draw QR
codes on handouts (where ``render.qr_placeholder`` puts them) and print buttons.

* Each article page, when it is written, also writes ``_kb/pack/<id>.js``: the article's
  text for a reading pack, as a script (a page opened from a local folder may load
  scripts but not fetch() files). Only written pages write one, so an incremental build
  costs nothing for the rest; a deleted article's fragment is removed.
* Each curated path gets a reading pack page, ``paths/pack/<id>.html``, made from those
  fragments (``html-collect-pages``; regenerated every build, reading one small file per
  step, so a changed article is always current in it).
* ``session-print.html`` prints a trainer's own session (from the session builder) as a
  handout, a facilitator sheet or a reading pack; ``kb-print.js`` draws it from the
  address or the draft kept in the browser.

The pages' bodies come from ``templates/kb/``; an article's pack text is made by :mod:`.packs`.
"""

from __future__ import annotations

import json
import os
from html import escape
from pathlib import Path
from typing import NamedTuple

from markupsafe import Markup

from ...characters import strip_forbidden_data
from ...model import ReadingPath
from ..pages import (
    PRINT_PAGE,
    SESSION_PAGE,
    facilitator_pagename,
    path_pack_pagename,
    record_for,
)
from ..render import root_prefix
from ..state import build_data, kept_from_last_build
from .assets import render
from .packs import pack_html, placed_html

PACK_FOLDER = "_kb/pack"
SESSION_DATA_SCRIPT = "_kb/session-data.js"
# qrcode-generator (vendored, pinned: static/vendor/README.md) before our adapter, kb-qr.js.
PRINT_SCRIPTS = ("_static/vendor/qrcode-generator.js", "_static/kb-qr.js", "_static/kb-print.js")
WHEN_LABELS = {"pre-reading": "Before the session", "in-session": "In the session", "follow-up": "After the session"}


def fragment_path(outdir, article_id: str) -> Path:
    return Path(outdir) / PACK_FOLDER / f"{article_id}.js"


def fragment_script(article_id: str, title: str, url: str, html: str) -> str:
    """A script that registers one article's pack text in ``window.KB_PACK``. JSON is valid
    JavaScript (ASCII only, so the file reads the same whatever charset a browser assumes)."""
    data = json.dumps(strip_forbidden_data({"title": title, "url": url, "html": html}), ensure_ascii=True,
                      sort_keys=True)
    return f"(window.KB_PACK = window.KB_PACK || {{}})[{json.dumps(article_id)}] = {data};\n"


def read_fragment(outdir, article_id: str) -> dict | None:
    try:
        text = fragment_path(outdir, article_id).read_text(encoding="utf-8")
        return json.loads(text[text.index("] = ") + 4:].rstrip().rstrip(";"))
    except (OSError, ValueError):
        return None


def write_article_fragment(app, pagename, templatename, context, doctree) -> None:
    """Write the pack fragment of an article page as the page is written (``html-page-context``)."""
    if app.builder.format != "html" or doctree is None:
        return
    found = record_for(build_data(app).kb, pagename)
    if found is None or found[0] != "articles":
        return
    article = found[1]
    url = app.builder.get_target_uri(pagename)
    script = fragment_script(article.id, article.title, url, pack_html(context.get("body", ""), pagename))
    target = fragment_path(app.outdir, article.id)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script, encoding="utf-8")


def pages_missing_fragments(app, env) -> list[str]:
    """Article pages to write again because their fragment is missing (``env-get-updated``): an
    output folder from before reading packs, or one whose ``_kb/pack`` was deleted."""
    if app.builder.format != "html":
        return []
    written = _fragments_written(app.outdir)
    return [f"articles/{aid}" for aid in build_data(app).kb.articles
            if f"articles/{aid}" in env.found_docs and f"{aid}.js" not in written]


def _fragments_written(outdir) -> set[str]:
    """The fragment files in the output folder: one listing, not a look-up per article."""
    try:
        with os.scandir(Path(outdir) / PACK_FOLDER) as entries:
            return {entry.name for entry in entries if entry.is_file()}
    except OSError:
        return set()


def remove_stale_fragments(app, exception) -> None:
    """Remove the fragments of articles that no longer exist (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    articles = build_data(app).kb.articles
    for name in sorted(_fragments_written(app.outdir)):
        if name.endswith(".js") and name[:-3] not in articles:
            fragment_path(app.outdir, name[:-3]).unlink()


# Pages ---------------------------------------------------------------------------------------

class CuratedPath(NamedTuple):
    """A curated path, with the addresses of its print-outs from one page."""

    record: ReadingPath
    page: str    # the path page, which prints as the handout
    sheet: str   # the facilitator sheet
    pack: str    # the reading pack


def curated_path_outputs(app, pagename: str) -> list[CuratedPath]:
    """Each curated path, with the addresses from ``pagename`` of its print-outs."""
    def uri(target: str) -> str:
        return app.builder.get_relative_uri(pagename, target)

    return [CuratedPath(path, uri(f"paths/{path.id}"), uri(facilitator_pagename(path.id)),
                        uri(path_pack_pagename(path.id)))
            for path in build_data(app).kb.paths.values()]


def path_pack_body(app, path_id: str) -> str:
    """A path's reading pack (``templates/kb/reading-pack.html``), from its articles' fragments."""
    kb = build_data(app).kb
    path = kb.paths[path_id]
    pagename = path_pack_pagename(path_id)
    root = root_prefix(pagename)

    def uri(target: str) -> str:
        return app.builder.get_relative_uri(pagename, target)

    steps = []
    for number, step in enumerate(path.steps, start=1):
        article = kb.articles[step.article]
        fragment = read_fragment(app.outdir, article.id)
        # Without its fragment (an output folder that lost them but kept the pages; the next full
        # build restores them), the pack links to the article instead.
        text = None if fragment is None else Markup(placed_html(fragment["html"], root, f"step-{number}-"))
        steps.append({"number": number, "title": article.title, "when": f"{WHEN_LABELS[step.when]} · {step.minutes} min",
                      "article_page": uri("articles/" + article.id), "text": text, "prompt": step.prompt})
    return render(app.builder, "reading-pack.html", root=root, path=path, path_page=uri("paths/" + path_id),
                  steps=steps)


def print_page_body(app) -> str:
    """The session print page (``templates/kb/print-page.html``): filled in by kb-print.js; without it,
    the curated paths' outputs."""
    return render(app.builder, "print-page.html", paths=curated_path_outputs(app, PRINT_PAGE),
                  builder_page=app.builder.get_relative_uri(PRINT_PAGE, SESSION_PAGE))


def print_pages(app):
    """Yield the session print page and each curated path's reading pack (``html-collect-pages``)."""
    if app.builder.format != "html":
        return
    if not kept_from_last_build(app, PRINT_PAGE):
        yield PRINT_PAGE, {"title": "Print a session", "body": print_page_body(app), "kb_noindex": True,
                           "kb_print_page": True}, "page.html"
    for path_id, path in build_data(app).kb.paths.items():
        if kept_from_last_build(app, path_pack_pagename(path_id),
                                frozenset(f"articles/{step.article}" for step in path.steps)):
            continue
        yield path_pack_pagename(path_id), {"title": escape(f"Reading pack: {path.title}"),
                                            "body": path_pack_body(app, path_id), "kb_noindex": True,
                                            "kb_print_page": True}, "page.html"


def add_print_scripts(app, pagename, templatename, context, doctree) -> None:
    """QR codes and print buttons on path pages, facilitator sheets and print pages (``html-page-context``)."""
    if not (pagename.startswith("paths/") or context.get("kb_print_page")):
        return
    present = context.get("script_files", [])
    scripts = list(PRINT_SCRIPTS)
    if pagename == PRINT_PAGE:
        loaded = any(str(getattr(s, "filename", s)).endswith("kb-session.js") for s in present)
        session = [] if loaded else ["_static/kb-session.js"]
        scripts = [SESSION_DATA_SCRIPT, *session, *scripts]
    context["script_files"] = [*present, *scripts]
