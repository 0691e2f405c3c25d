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

from html import escape
from pathlib import Path

from sphinx.builders.html._assets import _JavaScript

from ..sessiondata import check_repository, script, session_data
from .printing import path_pack_pagename
from .state import build_data

PAGENAME = "session"
DATA_SCRIPT = "_kb/session-data.js"
PRINT_PAGE = "session-print"   # the print page, added by the print outputs


def _warn(message: str) -> None:
    from sphinx.util import logging

    logging.getLogger(__name__).warning(message, type="kb", subtype="repository")


def repository(app) -> dict | None:
    """``kb_repository`` from conf.py, checked; a bad value is a warning and no "Propose" link."""
    value, problem = check_repository(app.config.kb_repository)
    if problem:
        _warn(f"kb_repository in conf.py: {problem}; the session builder will not offer a pull request")
    return value


def write_data(app) -> None:
    data = build_data(app)
    root_uri = app.builder.get_target_uri
    text = script(session_data(data.kb, root_uri, repository(app)))
    target = Path(app.outdir) / DATA_SCRIPT
    try:
        if target.read_text(encoding="ascii") == text:
            return
    except (OSError, UnicodeDecodeError):
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="ascii")


def page_body(app) -> str:
    """The page as a browser without JavaScript sees it: what the builder needs, and the curated paths."""
    kb = build_data(app).kb

    def uri(docname: str) -> str:
        return escape(app.builder.get_relative_uri(PAGENAME, docname))

    items = "\n".join(
        f'<li class="kb-builder-path" data-path="{escape(p.id)}"><a href="{uri("paths/" + p.id)}">{escape(p.title)}</a>'
        f' <span class="kb-builder-path-links">(<a href="{uri("paths/facilitator/" + p.id)}">facilitator notes</a>,'
        f' <a href="{uri(path_pack_pagename(p.id))}">reading pack</a>)</span></li>' for p in kb.paths.values())
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
</section>"""


def session_page(app):
    """Write the builder's data and yield its page (``html-collect-pages``)."""
    if app.builder.format != "html":
        return
    write_data(app)
    yield PAGENAME, {"title": "Build a session", "body": page_body(app), "kb_session_builder": True}, "page.html"


def add_scripts(app, pagename, templatename, context, doctree) -> None:
    """The builder's scripts, on its page only, deferred so they run in order after kb-session.js."""
    if context.get("kb_session_builder"):
        context["script_files"] = [*context.get("script_files", []),
                                   *(_JavaScript(name, defer="defer") for name in
                                     (DATA_SCRIPT, "_static/kb-planner.js", "_static/kb-session-builder.js"))]
