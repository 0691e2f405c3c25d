"""The pages and folders the site makes itself, whatever the content holds.

The extension names its pages from here, and the loader refuses a hand-made
page that would take one of these names (KB017): the generated page would
silently replace it.
"""

from __future__ import annotations

SEARCH_PAGE = "search"
SESSION_PAGE = "session"
PRINT_PAGE = "session-print"
FACILITATOR_FOLDER = "paths/facilitator"   # one facilitator page per reading path
PATH_PACK_FOLDER = "paths/pack"            # one reading pack per reading path
DATA_FOLDER = "_kb"                        # search index, session data, reading-pack fragments

# Every generated page, and what it is, as a contributor would recognise it.
GENERATED_PAGES = {
    SEARCH_PAGE: "the site's search page",
    SESSION_PAGE: "the session builder",
    PRINT_PAGE: "the session print page",
    "genindex": "Sphinx's index page",
}
# Folders whose pages the site writes itself (``_static`` and the rest are Sphinx's own).
GENERATED_FOLDERS = {
    FACILITATOR_FOLDER: "the reading paths' facilitator pages",
    PATH_PACK_FOLDER: "the reading paths' reading packs",
    DATA_FOLDER: "the site's data files",
    "_static": "Sphinx's static files",
    "_images": "Sphinx's copies of images",
    "_downloads": "Sphinx's copies of downloads",
    "_sources": "Sphinx's copies of sources",
}


def generated_page_named(docname: str) -> str | None:
    """What the site itself publishes under ``docname`` (a page's path without ``.md``), or None."""
    if docname in GENERATED_PAGES:
        return f"{GENERATED_PAGES[docname]} ({docname}.html)"
    for folder, what in GENERATED_FOLDERS.items():
        if docname.startswith(folder + "/"):
            return f"{what} ({folder}/)"
    return None
