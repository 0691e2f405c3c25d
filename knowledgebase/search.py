"""A sharded full-text search index that stays light for readers as the corpus grows.

Sphinx's own search loads one index of the whole site before the first
result. Here the index is split so that a query downloads only:

* ``meta.json`` - counts, concept and audience names, shard list (small, fixed size);
* ``terms-<xx>.json`` - postings of the terms starting with the query words' first two letters;
* ``docs-<n>.json`` - titles and summaries of the chunk of documents holding the top results;
* ``filter-<concept|audience>-<id>.json`` - only when a filter is chosen.

Everything here is plain data; the Sphinx glue writes it into the site.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

DOCS_PER_CHUNK = 200
MAX_TERMS_PER_DOC = 400
_TOKEN = re.compile(r"[a-z0-9]+")
STOP_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing down during each few for from further had has have having he her here
hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off
on once only or other our ours ourselves out over own same she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours yourself yourselves
""".split())
FIELD_WEIGHTS = {"title": 10.0, "summary": 4.0, "concepts": 3.0}


def tokens(text: str) -> list[str]:
    """Lower-case ASCII words of two letters or more, without stop words (the same rule runs in the browser)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return [t for t in _TOKEN.findall(folded) if len(t) > 1 and t not in STOP_WORDS]


def shard_key(term: str) -> str:
    return term[:2]


@dataclass(frozen=True)
class SearchEntry:
    url: str                      # relative to the site root
    title: str
    summary: str
    kind: str                     # an article kind, "concept" or "path"
    concepts: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    body_terms: tuple[tuple[str, int], ...] = field(default=(), repr=False)  # (term, count)

    @staticmethod
    def count_body(text: str) -> tuple[tuple[str, int], ...]:
        counts = Counter(tokens(text))
        return tuple(sorted(counts.most_common(MAX_TERMS_PER_DOC)))


def build_index(entries: list[SearchEntry], concepts: dict[str, str], audiences: dict[str, str]) -> dict[str, object]:
    """File name -> JSON data of every file of the index. Deterministic for the same entries."""
    entries = sorted(entries, key=lambda e: e.url)
    concept_ids = sorted(concepts)
    audience_ids = sorted(audiences)
    concept_index = {c: i for i, c in enumerate(concept_ids)}
    audience_index = {a: i for i, a in enumerate(audience_ids)}
    postings: dict[str, dict[str, dict[int, float]]] = {}
    for number, entry in enumerate(entries):
        weights: Counter = Counter()
        for term, count in entry.body_terms:
            weights[term] += 1 + math.log(count)
        for field_name, text in (("title", entry.title), ("summary", entry.summary),
                                 ("concepts", " ".join(concepts.get(c, c) for c in entry.concepts))):
            for term in set(tokens(text)):
                weights[term] += FIELD_WEIGHTS[field_name]
        for term, weight in weights.items():
            postings.setdefault(shard_key(term), {}).setdefault(term, {})[number] = round(weight, 2)
    files: dict[str, object] = {}
    for key, terms in postings.items():
        files[f"terms-{key}.json"] = {term: sorted(docs.items()) for term, docs in sorted(terms.items())}
    for start in range(0, len(entries), DOCS_PER_CHUNK):
        files[f"docs-{start // DOCS_PER_CHUNK}.json"] = [
            [e.url, e.title, e.summary, e.kind, [concept_index[c] for c in e.concepts if c in concept_index],
             [audience_index[a] for a in e.audiences if a in audience_index]]
            for e in entries[start:start + DOCS_PER_CHUNK]]
    for cid in concept_ids:
        files[f"filter-concept-{cid}.json"] = [n for n, e in enumerate(entries) if cid in e.concepts]
    for aid in audience_ids:
        files[f"filter-audience-{aid}.json"] = [n for n, e in enumerate(entries) if aid in e.audiences]
    files["meta.json"] = {
        "version": 1, "documents": len(entries), "chunk": DOCS_PER_CHUNK,
        "shards": sorted(postings),
        "concepts": [[c, concepts[c]] for c in concept_ids],
        "audiences": [[a, audiences[a]] for a in audience_ids],
        "stopWords": sorted(STOP_WORDS),
    }
    return files


def dumps(data: object) -> str:
    """Compact, deterministic JSON that is safe to serve (no raw ``<`` for HTML sniffers)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True).replace("<", "\\u003c")
