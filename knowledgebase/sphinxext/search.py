"""Site search: the sharded index of :mod:`knowledgebase.search`, written into the site, and its page.

Sphinx's own index is switched off: it is one file covering the whole site,
which every reader downloads before the first result.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path

from .. import __version__
from ..search import SearchEntry, build_index, dumps
from .state import build_data, env_state
from .transforms import record_for

INDEX_FOLDER = "_kb/search"


def disable_sphinx_search(app) -> None:
    if app.builder.format == "html" and hasattr(app.builder, "search"):
        app.builder.search = False


def collect_text(app, doctree) -> None:
    """While reading, keep the word counts of a content page's own text (``doctree-read``)."""
    docname = app.env.docname
    found = record_for(app.env, docname)
    if found is None or found[0] == "audiences":
        return
    env_state(app.env).search_terms[docname] = SearchEntry.count_body(doctree.astext())


def entries(app) -> list[SearchEntry]:
    data = build_data(app)
    kb = data.kb
    result = []
    for docname, terms in env_state(app.env).search_terms.items():
        found = record_for(app.env, docname)
        if found is None:
            continue
        folder, record = found
        url = app.builder.get_target_uri(docname)
        if folder == "articles":
            result.append(SearchEntry(url, record.title, record.summary, record.kind, record.concepts, record.audience, terms))
        elif folder == "concepts":
            result.append(SearchEntry(url, record.label, record.definition, "concept", (record.id,), (), terms))
        elif folder == "paths":
            concepts = tuple(dict.fromkeys(c for s in record.steps for c in kb.articles[s.article].concepts))
            result.append(SearchEntry(url, record.title, record.summary, "path", concepts, record.audience, terms))
    return result


def write_index(app):
    """Write the index files and yield the search page (``html-collect-pages``)."""
    if app.builder.format != "html":
        return
    kb = build_data(app).kb
    indexed = sorted(entries(app), key=lambda e: e.url)
    concepts = {c.id: c.label for c in kb.concepts.values()}
    audiences = {a.id: a.label for a in kb.audiences.values()}
    # The index is rebuilt only when what goes into it changed: on a large site, building
    # and serialising it takes seconds, and most rebuilds change nothing in it.
    inputs = [__version__, repr(concepts), repr(audiences)]
    inputs += [repr((e.url, e.title, e.summary, e.kind, e.concepts, e.audiences, e.body_terms)) for e in indexed]
    digest = hashlib.sha256("\n".join(inputs).encode()).hexdigest()
    folder = Path(app.outdir) / INDEX_FOLDER
    if _built_from(folder) != digest:
        files = build_index(indexed, concepts, audiences)
        files["meta.json"]["source"] = digest
        rendered = {name: dumps(content) for name, content in files.items()}
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.json"):
            if stale.name not in rendered:
                stale.unlink()
        # meta.json last: it names what the whole index was built from.
        for name, text in sorted(rendered.items(), key=lambda item: item[0] == "meta.json"):
            (folder / name).write_text(text, encoding="utf-8")
    yield "search", {"title": "Search", "body": search_page_body(app, kb), "kb_search_page": True}, "page.html"


def _built_from(folder: Path) -> str | None:
    """The digest of the inputs the index in ``folder`` was built from, if it is complete."""
    try:
        return json.loads((folder / "meta.json").read_text(encoding="utf-8")).get("source")
    except (OSError, ValueError, AttributeError):
        return None


def search_page_body(app, kb) -> str:
    """The search form and results list; the script fills in the results from the shards."""
    def uri(target: str) -> str:
        return escape(app.builder.get_relative_uri("search", target))

    return f"""<section id="search">
<h1>Search</h1>
<form id="kb-search-form" class="kb-search-form" method="get" action="search.html" role="search">
<p><label for="kb-q">Words to find</label> <input id="kb-q" name="q" type="search" autocomplete="off"></p>
<p><label for="kb-concept">Concept</label> <select id="kb-concept" name="concept"><option value="">Any concept</option></select>
<label for="kb-audience">For</label> <select id="kb-audience" name="audience"><option value="">Anyone</option></select>
<button type="submit">Search</button></p>
</form>
<noscript><p>Search needs JavaScript. Without it, browse the <a href="{uri('concepts')}">concepts</a>
or <a href="{uri('articles')}">all articles</a>.</p></noscript>
<p id="kb-search-status" role="status" aria-live="polite"></p>
<ol id="kb-search-results" class="kb-search-results" data-index="{escape(INDEX_FOLDER)}/" data-root=""></ol>
<p><button id="kb-search-more" type="button" hidden>Show more results</button></p>
</section>"""


def add_search_script(app, pagename, templatename, context, doctree) -> None:
    """Load the search script on the search page only (``html-page-context``)."""
    if context.get("kb_search_page"):
        context["script_files"] = [*context.get("script_files", []), "_static/kb-search.js"]
    if context.get("kb_search_page") or context.get("kb_noindex"):
        context["metatags"] = context.get("metatags", "") + '<meta name="robots" content="noindex">\n'
