"""Site search: the sharded index of :mod:`knowledgebase.search`, written into the site, and its page.

Sphinx's own index is switched off: it is one file covering the whole site,
which every reader downloads before the first result.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from docutils import nodes
from sphinx.util import logging

from ... import __version__
from ...search.index import INDEX_VERSION, SearchEntry, SearchIndex
from ...search.words import PageText, split_blocks
from ..domain import page_data
from ..pages import SEARCH_PAGE, record_for
from ..state import build_data, kept_from_last_build, warm_state
from .assets import render

logger = logging.getLogger(__name__)

INDEX_FOLDER = "_kb/search"
STEMMER_SCRIPT = "english-stemmer.js"


def disable_sphinx_search(app) -> None:
    if app.builder.format == "html" and hasattr(app.builder, "search"):
        app.builder.search = False


def visit_search_box(self, node) -> None:
    """The ``kb-search-box`` directive's form (``templates/kb/search-box.html``), in the HTML translator (``self``)."""
    action = self.builder.get_relative_uri(self.builder.current_docname, SEARCH_PAGE)
    self.body.append(render(self.builder, "search-box.html", action=action))
    raise nodes.SkipNode


def _label(data):
    def label(kind: str, target: str) -> str:
        link = data.views.cited_link(kind, target) if kind else None
        return link.label if link is not None else target
    return label


def page_entry(app, docname: str, text: PageText, label) -> SearchEntry | None:
    """What the index holds for one page: its fields, and the text a reader sees, labelled now."""
    kb = build_data(app).kb
    found = record_for(kb, docname)
    if found is None or not isinstance(text, PageText):
        return None
    folder, record = found
    url = app.builder.get_target_uri(docname)
    blocks = text.resolved(label)
    if folder == "articles":
        extra = split_blocks(list(record.questions))
        return SearchEntry(url, record.title, record.summary, record.kind, record.concepts,
                           record.audience, blocks + extra)
    if folder == "concepts":
        extra = split_blocks(["Also called: " + ", ".join(record.aliases)] if record.aliases else [])
        return SearchEntry(url, record.label, record.definition, "concept", (record.id,), (),
                           blocks + extra, record.aliases)
    if folder == "paths":
        concepts = tuple(dict.fromkeys(c for s in record.steps for c in kb.articles[s.article].concepts))
        steps = [f"{kb.articles[s.article].title}. {s.prompt or ''}" for s in record.steps]
        extra = split_blocks([*record.outcomes, *steps])
        return SearchEntry(url, record.title, record.summary, "path", concepts, record.audience,
                           blocks + extra)
    return None


def entry_inputs(app, docname: str, text: PageText, label) -> tuple:
    """Everything :func:`page_entry` reads for a page: equal inputs, equal entry. Records and
    texts of unchanged pages are the same objects from build to build, so this mostly compares
    identities; what is compared in full is the labels of the records the text refers to."""
    found = record_for(build_data(app).kb, docname)
    if found is None or not isinstance(text, PageText):
        return (found, text)
    folder, record = found
    steps = ()
    if folder == "paths":
        articles = build_data(app).kb.articles
        steps = tuple(articles.get(step.article) for step in record.steps)
    return (found, text, tuple(label(kind, target) for kind, target in text.references), steps)


def entries(app) -> dict[str, SearchEntry]:
    """The index's entries by document. In a long-lived process an entry is made again only when
    what it is made from changed, and when the build changed nothing beyond the pages it read,
    only those pages are looked at; the entries are kept, with what they were made from, in
    ``warm.search_entries`` for the next build to compare with."""
    data = build_data(app)
    warm = warm_state(app)
    terms = page_data(app.env).search_terms
    label = _label(data)
    if warm is None:
        made = {docname: page_entry(app, docname, terms[docname], label) for docname in terms}
        return {docname: entry for docname, entry in made.items() if entry is not None}
    earlier = warm.search_entries if warm.search_written else {}
    if data.only_read_pages_changed and earlier:
        result = {doc: made for doc, made in earlier.items() if doc not in warm.read}
        docnames = warm.read & terms.keys()
    else:
        result, docnames = {}, terms.keys()
    for docname in docnames:
        inputs = entry_inputs(app, docname, terms[docname], label)
        made = earlier.get(docname)
        if made is None or made[0] != inputs:
            made = (inputs, page_entry(app, docname, terms[docname], label))
        if made[1] is not None:
            result[docname] = made
    warm.search_entries = result
    return {docname: made[1] for docname, made in result.items()}


def concept_names(kb) -> dict[str, str]:
    """What is indexed on a page tagged with a concept: its label and aliases, one per line."""
    return {c.id: "\n".join((c.label, *c.aliases)) for c in kb.concepts.values()}


@lru_cache(maxsize=1)  # read from the installed packages, which do not change while a process runs
def stemmer_script() -> str:
    """Snowball's English stemmer for the browser: the files Sphinx ships, as they are.

    They are generated by one Snowball release, and the Python stemmer the index is built with is
    pinned to the same one (pyproject.toml), so that both read a word alike; :func:`stemmer_release`
    names the release of each, and :func:`check_stemmers` warns when they part.
    """
    folder = _sphinx_stemmer_folder() / "minified-js"
    from sphinx.search import en

    return "\n".join((folder / name).read_text(encoding="utf-8")
                     for name in ("base-stemmer.js", en.SearchEnglish.js_stemmer_rawcode))


def stemmer_release() -> tuple[str, str]:
    """(the Snowball release of the stemmer Sphinx ships for browsers, that of the Python stemmer)."""
    from importlib.metadata import version

    readable = (_sphinx_stemmer_folder() / "non-minified-js" / "english-stemmer.js").read_text(encoding="utf-8")
    shipped = _SNOWBALL_RELEASE.search(readable)
    return (shipped.group(1) if shipped else "unknown"), version("snowballstemmer")


def check_stemmers(app) -> None:
    """A warning when the browser's stemmer and the index's come from different Snowball releases
    (``builder-inited``): searches for some words would then find nothing."""
    browser, python = stemmer_release()
    if app.builder.format == "html" and browser != python:
        logger.warning(f"the search's stemmers differ: Sphinx ships Snowball {browser} for browsers, the index "
                       f"is built with snowballstemmer {python} (install snowballstemmer=={browser})",
                       type="kb", subtype="stemmer")


def _sphinx_stemmer_folder() -> Path:
    from sphinx.search import en

    return Path(en.__file__).parent


_SNOWBALL_RELEASE = re.compile(r"Snowball (\d+\.\d+\.\d+)")


def write_index(app):
    """Write the index files and yield the search page (``html-collect-pages``).

    The index is written only where it changed: on a large site it has tens of thousands
    of files, and most rebuilds change nothing in it, or a few files in a long-lived process.
    """
    if app.builder.format != "html":
        return
    kb = build_data(app).kb
    warm = warm_state(app)
    by_doc = entries(app)
    concepts = {c.id: c.label for c in kb.concepts.values()}
    names = concept_names(kb)
    audiences = {a.id: a.label for a in kb.audiences.values()}
    script = stemmer_script()
    index = warm.search_index if warm is not None else SearchIndex(incremental=False)
    index.update(list(by_doc.values()), concepts, audiences, names)
    digest = index.digest(__version__, str(INDEX_VERSION), _stemmer_version(), script, repr(concepts), repr(names),
                          repr(audiences))
    folder = Path(app.outdir) / INDEX_FOLDER
    first = warm is None or not warm.search_written
    if first and _built_from(folder) == digest:
        if warm is not None:
            index.files(digest)  # what is on disk already; later rebuilds write only what differs
    else:
        if warm is None:  # each file written as it is made: the index's text is never all in memory
            changed, removed = index.texts(digest), set()
        else:
            files, removed = index.files(digest)
            changed = files.items()
        folder.mkdir(parents=True, exist_ok=True)
        if first:
            current = index.names()
            removed |= {stale.name for stale in folder.glob("*.json") if stale.name not in current}
        for name in sorted(removed):
            (folder / name).unlink(missing_ok=True)
        stemmer = folder / STEMMER_SCRIPT
        if not stemmer.is_file() or stemmer.read_text(encoding="utf-8") != script:
            stemmer.write_text(script, encoding="utf-8")
        # Both give meta.json last: it names what the whole index was built from.
        for name, text in changed:
            (folder / name).write_text(text, encoding="utf-8")
    if warm is not None:
        warm.search_written = True
    if kept_from_last_build(app, SEARCH_PAGE):
        return
    yield SEARCH_PAGE, {"title": "Search", "body": search_page_body(app), "kb_search_page": True}, "page.html"


def _stemmer_version() -> str:
    from importlib.metadata import version

    return f"snowballstemmer {version('snowballstemmer')}, sphinx {version('sphinx')}"


def _built_from(folder: Path) -> str | None:
    """The digest of the inputs the index in ``folder`` was built from, if it is complete."""
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return None


def search_page_body(app) -> str:
    """The search form and results list (``templates/kb/search-page.html``); the script fills in the
    results from the shards."""
    def uri(target: str) -> str:
        return app.builder.get_relative_uri(SEARCH_PAGE, target)

    return render(app.builder, "search-page.html", concepts=uri("concepts"), articles=uri("articles"),
                  index_folder=INDEX_FOLDER)


def add_search_script(app, pagename, templatename, context, doctree) -> None:
    """Load the search script on the search page only (``html-page-context``)."""
    if context.get("kb_search_page"):
        context["script_files"] = [*context.get("script_files", []), f"{INDEX_FOLDER}/{STEMMER_SCRIPT}",
                                   "_static/kb-search.js"]
    if context.get("kb_search_page") or context.get("kb_noindex"):
        context["metatags"] = context.get("metatags", "") + '<meta name="robots" content="noindex">\n'
