"""Site search: the sharded index of :mod:`knowledgebase.search`, written into the site, and its page.

Sphinx's own index is switched off: it is one file covering the whole site,
which every reader downloads before the first result.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

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
    files = build_index(entries(app), {c.id: c.label for c in kb.concepts.values()},
                        {a.id: a.label for a in kb.audiences.values()})
    rendered = {name: dumps(content) for name, content in files.items()}
    digest = hashlib.sha256("".join(f"{n}\n{t}" for n, t in sorted(rendered.items())).encode()).hexdigest()
    folder = Path(app.outdir) / INDEX_FOLDER
    state = env_state(app.env)
    if state.search_digest != digest or not (folder / "meta.json").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.json"):
            if stale.name not in rendered:
                stale.unlink()
        for name, text in rendered.items():
            (folder / name).write_text(text, encoding="utf-8")
        state.search_digest = digest
    yield "search", {"title": "Search", "kb_search_index": INDEX_FOLDER + "/"}, "kb-search.html"
