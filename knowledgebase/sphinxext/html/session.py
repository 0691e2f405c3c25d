"""The session builder: its data file and its page, for any corpus.

At ``html-collect-pages`` the engine's :func:`~knowledgebase.sessiondata.session_data`
is written once per build as ``_kb/session-data.js`` (only when its bytes
changed, so a rebuild that changes nothing in it costs one comparison), and
``session.html`` is added. The page's HTML lists the curated paths and says the
builder needs JavaScript; ``kb-session-builder.js`` replaces that with the
builder. The "Add to my session" and "Start from this path" buttons are put on
article and path pages by ``kb-add-to-session.js``, so no page without
JavaScript shows a button that does nothing.
"""

from __future__ import annotations

import hashlib
import posixpath
from html import escape
from pathlib import Path

from ...sessiondata import check_repository, script, session_data
from ..pages import PRINT_PAGE, SESSION_PAGE
from ..state import build_data, kept_from_last_build
from .printing import SESSION_DATA_SCRIPT as DATA_SCRIPT
from .printing import curated_path_outputs

PAGENAME = SESSION_PAGE
STATIC = Path(__file__).resolve().parent.parent / "static"
BUILDER_SCRIPTS = ("kb-planner.js", "kb-session-builder.js")


def _warn(message: str) -> None:
    from sphinx.util import logging

    logging.getLogger(__name__).warning(message, type="kb", subtype="repository")


def repository(app) -> dict | None:
    """``kb_repository`` from conf.py, checked; a bad value is a warning and no "Propose" link."""
    value, problem = check_repository(app.config.kb_repository)
    if problem:
        _warn(f"kb_repository in conf.py: {problem}; the session builder will not offer a pull request")
    return value


def write_data(app) -> str:
    """Write ``_kb/session-data.js`` if its bytes changed; return its text."""
    text = script(session_data(build_data(app).kb, app.builder.get_target_uri, repository(app)))
    target = Path(app.outdir) / DATA_SCRIPT
    try:
        if target.read_text(encoding="ascii") == text:
            return text
    except (OSError, UnicodeDecodeError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="ascii")
    return text


def _scripts(app, data_text: str) -> str:
    """The builder's scripts, deferred so that they run in this order after kb-session.js.

    They are written into the page rather than added to Sphinx's ``script_files``: Sphinx
    caches each file's checksum for the life of the process, so a rebuild in the same process
    (``kb serve``, the tests) would name the data file by its old checksum. Each address
    carries a digest of the file's current bytes, so a browser never runs a stale copy.
    """
    root = posixpath.relpath(".", posixpath.dirname(app.builder.get_target_uri(PAGENAME)) or ".")
    prefix = "" if root == "." else root + "/"
    files = [(DATA_SCRIPT, data_text.encode("ascii"))]
    files += [(f"_static/{name}", (STATIC / name).read_bytes()) for name in BUILDER_SCRIPTS]
    return "\n".join(f'<script defer src="{escape(prefix + name)}?v={hashlib.sha256(body).hexdigest()[:10]}"></script>'
                     for name, body in files)


def page_body(app, data_text: str) -> str:
    """The page as a browser without JavaScript sees it: what the builder needs, and the curated paths."""
    def uri(docname: str) -> str:
        return escape(app.builder.get_relative_uri(PAGENAME, docname))

    items = "\n".join(
        f'<li class="kb-builder-path" data-path="{escape(path.id)}"><a href="{page}">{escape(path.title)}</a>'
        f' <span class="kb-builder-path-links">(<a href="{sheet}">facilitator notes</a>,'
        f' <a href="{pack}">reading pack</a>)</span></li>'
        for path, page, sheet, pack in curated_path_outputs(app, PAGENAME))
    paths = (f'<ul class="kb-builder-paths">\n{items}\n</ul>' if items
             else "<p>This site has no curated reading paths yet.</p>")
    return f"""<section id="session-builder">
<h1>Build a session</h1>
<p class="kb-lead">Plan a training session from the articles on this site: draft it from the ideas you want to
cover, then reorder the readings, set the timings and write your own prompts and notes. Your session stays in
this browser, and you can share it as a link, print it or download it as a reading path file.</p>
<noscript><p class="kb-builder-needs-js"><strong>The session builder needs JavaScript</strong>, which is switched
off or blocked in this browser. It runs entirely in your browser and sends nothing anywhere. Without it, you can
still use the curated reading paths below: each has a page for participants, which prints as a handout,
facilitator notes with a timetable, and a reading pack with every article of the path.</p></noscript>
<div id="kb-builder" class="kb-builder" data-data="{escape(DATA_SCRIPT)}" data-print="{uri(PRINT_PAGE)}"></div>
<section id="kb-builder-curated" aria-labelledby="kb-builder-curated-title">
<h2 id="kb-builder-curated-title">Curated reading paths</h2>
{paths}
</section>
</section>
{_scripts(app, data_text)}"""


def session_page(app):
    """Write the builder's data and yield its page (``html-collect-pages``)."""
    if app.builder.format != "html" or kept_from_last_build(app, PAGENAME):
        return
    text = write_data(app)
    yield PAGENAME, {"title": "Build a session", "body": page_body(app, text)}, "page.html"
