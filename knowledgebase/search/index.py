"""A sharded full-text search index that stays light for readers as the corpus grows.

Sphinx's own search loads one index of the whole site before the first
result. Here the index is split so that a query downloads only:

* ``meta.json`` - counts, concept and audience names, shard list, the word rules (small, fixed size);
* ``terms-<xx>.json`` - postings of the stems starting with the query words' first two letters,
  per word form, each with the block of text where the form first appears;
* ``pairs-<x><y>.json`` - adjacent word pairs, for phrases (only for queries of two words or more);
* ``doc-<n>-<b>.json`` - one result: title, summary, kind, concepts, audiences and one block of
  text (a few hundred characters) for the snippet;
* ``filter-<concept|audience>-<id>.json`` - only when a filter is chosen.

Words are matched the same way on both sides: :func:`.words.words` here, and the same
steps, driven by the same rules from ``meta.json``, in ``kb-search.js``. A word is
normalised (NFKD, combining marks removed, case folded), stop words are dropped,
British and American spellings are folded to one (:data:`SPELLING`), and the
result is stemmed with Snowball's English stemmer (the same algorithm Sphinx
ships for the browser). The folded, unstemmed *form* is kept too, so that an
exact match ranks above a different word with the same stem.

Everything here is plain data; the Sphinx glue writes it into the site.
"""

from __future__ import annotations

import hashlib
import json
import math
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..characters import strip_forbidden_data
from .words import CASE_FOLD, SPELLING, STOP_WORDS, pair_key, shard_key, words

INDEX_VERSION = 2
MAX_FORMS_PER_DOC = 1000      # a bound for pathological pages; ordinary articles have far fewer
MAX_PAIRS_PER_DOC = 300       # adjacent pairs kept per page: those in titles and fields, then the most repeated
TERM_RECORD = 3               # numbers per document in a form's postings: document, weight, first block
PAIR_RECORD = 2               # and in a pair's: document, weight
FIELD_WEIGHTS = {"title": 10.0, "summary": 4.0, "concepts": 3.0}


@dataclass(frozen=True)
class SearchEntry:
    url: str                      # relative to the site root
    title: str
    summary: str
    kind: str                     # an article kind, "concept" or "path"
    concepts: tuple[str, ...] = ()
    audiences: tuple[str, ...] = ()
    blocks: tuple[str, ...] = field(default=(), repr=False)    # the readable text, in snippet blocks
    aliases: tuple[str, ...] = ()  # other names, with title weight (a concept's aliases on its own page)


def _doc_terms(entry: SearchEntry, concept_names: dict[str, str]) -> tuple[dict, Counter]:
    """Per form: [stem, weight, first block]; and the page's adjacent pairs with their weights."""
    forms: dict[str, list] = {}
    body: Counter = Counter()
    pairs: Counter = Counter()
    for number, block in enumerate(entry.blocks):
        for paragraph in block.split("\n"):
            found = words(paragraph)
            for position, (form, stem_) in enumerate(found):
                body[form] += 1
                if form not in forms:
                    forms[form] = [stem_, 0.0, number]
                if position:
                    pairs[(found[position - 1][1], stem_)] += 1
    for form, count in body.items():
        forms[form][1] += 1 + math.log(count)
    fields = (("title", [entry.title, *entry.aliases]), ("summary", [entry.summary]),
              ("concepts", [concept_names.get(c, c) for c in entry.concepts]))
    field_pairs: Counter = Counter()
    for name, texts in fields:
        seen: set[str] = set()
        for text in texts:
            for phrase in text.split("\n"):
                found = words(phrase)
                for position, (form, stem_) in enumerate(found):
                    if form not in seen:
                        seen.add(form)
                        forms.setdefault(form, [stem_, 0.0, 0])[1] += FIELD_WEIGHTS[name]
                    if position:
                        field_pairs[(found[position - 1][1], stem_)] = max(
                            field_pairs[(found[position - 1][1], stem_)], FIELD_WEIGHTS[name])
    if len(forms) > MAX_FORMS_PER_DOC:
        kept = sorted(forms, key=lambda f: (-forms[f][1], f))[:MAX_FORMS_PER_DOC]
        forms = {f: forms[f] for f in kept}
    weights: Counter = Counter()
    for pair, count in pairs.items():
        weights[pair] = 1 + math.log(count)
    for pair, weight in field_pairs.items():
        weights[pair] += weight
    ranked = sorted(weights, key=lambda p: (-(p in field_pairs), -weights[p], p))[:MAX_PAIRS_PER_DOC]
    return forms, Counter({p: weights[p] for p in ranked})


def _flat(postings: array, stride: int) -> list[int]:
    """Postings (records of ``stride`` numbers, a document number then its values, in document
    order) as the files hold them: document numbers as gaps, [d0, w0, ..., d1-d0, w1, ...]."""
    flat = postings.tolist()
    previous = 0
    for at in range(0, len(flat), stride):
        flat[at], previous = flat[at] - previous, flat[at]
    return flat


def _doc_postings(entry: SearchEntry, concept_names: dict[str, str]) -> tuple[dict, dict]:
    """What one page adds to the index: ``{(shard, stem, form): (weight, block)}`` and
    ``{(pair shard, "first second"): (weight,)}``, weights as the integers the files hold."""
    forms, doc_pairs = _doc_terms(entry, concept_names)
    terms = {(shard_key(stem_), stem_, form): (max(1, round(weight * 10)), block)
             for form, (stem_, weight, block) in forms.items()}
    pairs = {(pair_key(first, second), f"{first} {second}"): (max(1, round(weight * 10)),)
             for (first, second), weight in doc_pairs.items()}
    return terms, pairs


def _entry_digest(entry: SearchEntry) -> str:
    fields = (entry.url, entry.title, entry.summary, entry.kind, entry.concepts, entry.audiences, entry.blocks,
              entry.aliases)
    return hashlib.sha256(repr(fields).encode()).hexdigest()


@dataclass
class _Page:
    entry: SearchEntry
    digest: str
    terms: dict
    pairs: dict


class SearchIndex:
    """The files of the index, kept up to date page by page.

    A long-lived process (``kb serve``) keeps one across rebuilds: when a page's text
    changes, only that page's postings are taken out and put back, and :meth:`files`
    returns only the files whose text changed. A new page, a deleted one or a change to
    the concept or audience names renumbers or relabels everything, so the index is then
    made again from scratch. Either way the files are exactly those a fresh index of the
    same entries has.

    The postings of each word form and each pair are one array of machine integers in
    document order, a record per document (its number, then its weight, and for a form
    the block where it first appears): the layout the files hold, apart from the gaps.
    At 5,000 articles that is about 40 MB, where a dictionary of tuples per key took 180.
    """

    def __init__(self, incremental: bool = True) -> None:
        """``incremental=False``: for one update only (a one-off build), which then keeps no
        copy of each page's postings, only the index's own, and whose files are written from
        :meth:`texts`."""
        self._incremental = incremental
        self._header: tuple | None = None
        self._concept_names: dict[str, str] = {}
        self._concepts: dict[str, str] = {}
        self._audiences: dict[str, str] = {}
        self._pages: list[_Page] = []
        self._terms: dict[str, dict[str, dict[str, array]]] = {}   # shard -> stem -> form -> postings
        self._pairs: dict[str, dict[str, array]] = {}              # pair shard -> "first second" -> postings
        self._texts: dict[str, str] = {}   # file name -> the text last returned for it
        self._full = True                  # since the last files(): everything may have changed
        self._touched_terms: set[str] = set()
        self._touched_pairs: set[str] = set()
        self._touched_docs: set[int] = set()
        self._filters_changed = True

    def update(self, entries: list[SearchEntry], concepts: dict[str, str], audiences: dict[str, str],
               concept_names: dict[str, str] | None = None) -> None:
        """Take in the current entries.

        ``concepts`` maps concept ids to labels (shown in filters and results);
        ``concept_names`` to the text indexed on pages tagged with the concept (its label and
        aliases, one per line); it defaults to the labels.
        """
        entries = sorted(entries, key=lambda e: e.url)
        concept_names = concept_names or concepts
        header = (tuple(sorted(concepts.items())), tuple(sorted(audiences.items())),
                  tuple(sorted(concept_names.items())))
        self._concepts, self._audiences, self._concept_names = concepts, audiences, concept_names
        if (not self._incremental or header != self._header
                or [p.entry.url for p in self._pages] != [e.url for e in entries]):
            self._header = header
            self._pages, self._terms, self._pairs = [], {}, {}
            for number, entry in enumerate(entries):
                self._pages.append(self._add(number, entry))
            self._full = True
            return
        for number, entry in enumerate(entries):
            old = self._pages[number]
            if old.entry is entry or old.entry == entry:
                continue
            self._remove(number, old)
            new = self._pages[number] = self._add(number, entry)
            self._touched_terms.update(key[0] for key, _ in old.terms.items() ^ new.terms.items())
            self._touched_pairs.update(key[0] for key, _ in old.pairs.items() ^ new.pairs.items())
            self._touched_docs.add(number)
            if (old.entry.concepts, old.entry.audiences) != (entry.concepts, entry.audiences):
                self._filters_changed = True

    def digest(self, *inputs: str) -> str:
        """What the index is built from: the given inputs and every page's content."""
        parts = [*inputs, *(page.digest for page in self._pages)]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def files(self, source: str) -> tuple[dict[str, str], set[str]]:
        """(file name -> text) of the files whose text changed since the last call (all files the
        first time), meta.json last, and the names of files that no longer exist. ``source`` goes
        into ``meta.json``: the digest of what the index was built from."""
        changed, made = {}, set()
        for name, content in self._contents(source, self._full):
            made.add(name)
            text = dumps(content)
            if self._texts.get(name) != text:
                changed[name] = self._texts[name] = text
        removed = {name for name in self._texts if name not in made and (self._full or self._produced(name))}
        for name in removed:
            del self._texts[name]
        self._full, self._filters_changed = False, False
        self._touched_terms, self._touched_pairs, self._touched_docs = set(), set(), set()
        return changed, removed

    def texts(self, source: str) -> Iterator[tuple[str, str]]:
        """Every file of the index as (name, text), meta.json last, each made as it is asked for and
        kept nowhere: a one-off build writes them one by one, so the index's text (60 MB at 5,000
        articles) is never all in memory. ``source`` as for :meth:`files`."""
        for name, content in self._contents(source, full=True):
            yield name, dumps(content)

    def names(self) -> set[str]:
        """The names of all the index's files."""
        return ({_doc_file(number, block) for number, page in enumerate(self._pages)
                 for block in range(max(1, len(page.entry.blocks)))}
                | {f"terms-{key}.json" for key in self._terms} | {f"pairs-{key}.json" for key in self._pairs}
                | {f"filter-concept-{cid}.json" for cid in self._concepts}
                | {f"filter-audience-{aid}.json" for aid in self._audiences} | {"meta.json"})

    def _add(self, number: int, entry: SearchEntry) -> _Page:
        terms, pairs = _doc_postings(entry, self._concept_names)
        for key, values in terms.items():
            _insert(self._terms, key, number, values)
        for key, values in pairs.items():
            _insert(self._pairs, key, number, values)
        if not self._incremental:
            terms, pairs = {}, {}
        return _Page(entry, _entry_digest(entry), terms, pairs)

    def _remove(self, number: int, page: _Page) -> None:
        for key in page.terms:
            _discard(self._terms, key, number, TERM_RECORD)
        for key in page.pairs:
            _discard(self._pairs, key, number, PAIR_RECORD)

    def _produced(self, name: str) -> bool:
        """Would the last update have produced this file, had it still existed?"""
        if name.startswith("terms-"):
            return name[6:-5] in self._touched_terms
        if name.startswith("pairs-"):
            return name[6:-5] in self._touched_pairs
        return name.startswith("doc-") and int(name.split("-")[1]) in self._touched_docs

    def _contents(self, source: str, full: bool) -> Iterator[tuple[str, object]]:
        """(file name, data) of every file (``full``), or of those the updates since the last
        :meth:`files` touched; meta.json last."""
        concept_ids = sorted(self._concepts)
        audience_ids = sorted(self._audiences)
        concept_index = {c: i for i, c in enumerate(concept_ids)}
        audience_index = {a: i for i, a in enumerate(audience_ids)}
        for number in range(len(self._pages)) if full else sorted(self._touched_docs):
            entry = self._pages[number].entry
            meta = [entry.url, entry.title, entry.summary, entry.kind,
                    [concept_index[c] for c in entry.concepts if c in concept_index],
                    [audience_index[a] for a in entry.audiences if a in audience_index]]
            for block_number, block in enumerate(entry.blocks or ("",)):
                yield _doc_file(number, block_number), [*meta, block]
        for key in sorted(self._terms) if full else sorted(self._touched_terms & self._terms.keys()):
            yield f"terms-{key}.json", {s: {f: _flat(p, TERM_RECORD) for f, p in forms.items()}
                                        for s, forms in self._terms[key].items()}
        for key in sorted(self._pairs) if full else sorted(self._touched_pairs & self._pairs.keys()):
            yield f"pairs-{key}.json", {p: _flat(postings, PAIR_RECORD) for p, postings in self._pairs[key].items()}
        if full or self._filters_changed:
            # One pass over the pages, not one per concept: hundreds of concepts times thousands of pages.
            by_concept: dict[str, list[int]] = {cid: [] for cid in concept_ids}
            by_audience: dict[str, list[int]] = {aid: [] for aid in audience_ids}
            for number, page in enumerate(self._pages):
                for cid in dict.fromkeys(page.entry.concepts):
                    if cid in by_concept:
                        by_concept[cid].append(number)
                for aid in dict.fromkeys(page.entry.audiences):
                    if aid in by_audience:
                        by_audience[aid].append(number)
            for cid in concept_ids:
                yield f"filter-concept-{cid}.json", by_concept[cid]
            for aid in audience_ids:
                yield f"filter-audience-{aid}.json", by_audience[aid]
        yield "meta.json", {
            "version": INDEX_VERSION, "documents": len(self._pages), "source": source,
            "shards": sorted(self._terms), "pairShards": sorted(self._pairs),
            "concepts": [[c, self._concepts[c]] for c in concept_ids],
            "audiences": [[a, self._audiences[a]] for a in audience_ids],
            "stopWords": sorted(STOP_WORDS), "spelling": SPELLING, "caseFold": CASE_FOLD,
        }


def _doc_file(number: int, block: int) -> str:
    return f"doc-{number}-{block}.json"


def _insert(tree: dict, path: tuple[str, ...], number: int, values: tuple[int, ...]) -> None:
    """Add document ``number``'s record (its number, then ``values``) to the postings at
    ``tree[path[0]][path[1]]...``, in document order, making the dictionaries on the way."""
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    postings = tree.get(path[-1])
    if postings is None:
        tree[path[-1]] = array("i", (number, *values))
        return
    stride = 1 + len(values)
    if postings[-stride] < number:  # a whole index is made in document order: append
        postings.extend((number, *values))
    else:
        at = _position(postings, stride, number)
        postings[at:at] = array("i", (number, *values))


def _discard(tree: dict, path: tuple[str, ...], number: int, stride: int) -> None:
    """Take document ``number``'s record out of the postings at ``tree[path[0]]...``, then each
    dictionary on the way that it leaves empty (an empty shard must not be written, nor named
    in ``meta.json``)."""
    trail = [tree]
    for key in path[:-1]:
        trail.append(trail[-1][key])
    postings = trail[-1][path[-1]]
    at = _position(postings, stride, number)
    del postings[at:at + stride]
    if postings:
        return
    for parent, key in zip(reversed(trail), reversed(path)):
        del parent[key]
        if parent:
            break


def _position(postings: array, stride: int, number: int) -> int:
    """Where document ``number``'s record is, or would go, in postings kept in document order."""
    return stride * bisect_left(range(len(postings) // stride), number, key=lambda record: postings[record * stride])


def dumps(data: object) -> str:
    """Compact, deterministic JSON that is safe to serve (no raw ``<`` for HTML sniffers)."""
    return json.dumps(strip_forbidden_data(data), ensure_ascii=False, separators=(",", ":"),
                      sort_keys=True).replace("<", "\\u003c")
