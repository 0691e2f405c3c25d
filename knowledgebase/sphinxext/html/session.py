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
from pathlib import Path

from ...sessiondata import check_repository, script, session_data
from ..pages import PRINT_PAGE, SESSION_PAGE
from ..state import build_data, kept_from_last_build
from .assets import STATIC, render
from .printing import SESSION_DATA_SCRIPT as DATA_SCRIPT
from .printing import curated_path_outputs

PAGENAME = SESSION_PAGE
# The builder's scripts, in the order they load: the planner, the builder's parts (each attaches
# itself to window.KBBuilder), and last the script that puts them together on the page.
BUILDER_SCRIPTS = ("kb-planner.js", "kb-builder-ui.js", "kb-builder-state.js", "kb-builder-messages.js",
                   "kb-path-file.js", "kb-builder-draft.js", "kb-builder-details.js", "kb-builder-steps.js",
                   "kb-builder-share.js", "kb-builder-open.js", "kb-session-builder.js")


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


def _scripts(app, data_text: str) -> list[dict[str, str]]:
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
    return [{"src": prefix + name, "version": hashlib.sha256(body).hexdigest()[:10]} for name, body in files]


def page_body(app, data_text: str) -> str:
    """The page as a browser without JavaScript sees it (``templates/kb/session-page.html``): what the
    builder needs, and the curated paths."""
    return render(app.builder, "session-page.html", data_script=DATA_SCRIPT,
                  print_page=app.builder.get_relative_uri(PAGENAME, PRINT_PAGE),
                  paths=curated_path_outputs(app, PAGENAME), scripts=_scripts(app, data_text))


def session_page(app):
    """Write the builder's data and yield its page (``html-collect-pages``)."""
    if app.builder.format != "html" or kept_from_last_build(app, PAGENAME):
        return
    text = write_data(app)
    yield PAGENAME, {"title": "Build a session", "body": page_body(app, text)}, "page.html"
