"""A sidebar that costs the same at 50 or 5,000 articles, whatever toctrees authors write.

Furo draws its sidebar from ``context["toctree"]()``: Sphinx resolves the whole
global toctree for every page, and Furo parses the result, so a home page
with ``:glob: articles/*`` makes every page list every article and the build
quadratic. The extension gives Furo a bounded tree instead, made once per
build from what the toctrees include:

* the site's sections: the root document's toctree entries, where a record
  page (an article, concept, path or audience) listed there is folded into its
  folder's list page (``articles``, ``concepts``...) when that page exists;
* under each section, at most :data:`LIMIT` of its pages, then a link to the
  section for the rest;
* the current page's place: its chain of parents from its section down, each
  shown with a capped list of its own pages, the current page always among them.

Each page's tree is also part of its fingerprint (``incremental.py``), so a
renamed section or a new page in a capped list rewrites exactly the pages
whose sidebar shows it. The HTML builder draws it (:mod:`.html.sidebar`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sphinx import addnodes

from ..reading.bodypolicy.addresses import link_scheme
from .pages import PAGE_BLOCKS

LIMIT = 12   # pages listed under one entry before "See all N"
DEPTH = 6    # levels of the current page's chain shown below its section


@dataclass(eq=False)
class Navigation:
    """The navigation of one build: sections, the pages under each entry, and each page's parent.
    Two are compared with :meth:`same_tree`; as objects, each is itself (so it can key a cache)."""

    groups: list[tuple[str, list[str]]]           # (caption, entries): docnames or external URLs
    children: dict[str, list[str]]
    parent: dict[str, str]
    titles: dict[str, str]
    digest: str = ""                              # of everything every page shows

    def chain(self, docname: str) -> list[str]:
        """The current page and its parents up to its section, section first."""
        chain = [docname]
        while chain[-1] in self.parent and len(chain) <= DEPTH and self.parent[chain[-1]] not in chain:
            chain.append(self.parent[chain[-1]])
        return chain[::-1]

    def same_tree(self, other: "Navigation") -> bool:
        """Does every page's sidebar show the same in both? (Then their digests are equal too.)"""
        return (self.groups, self.children, self.parent, self.titles) == (
            other.groups, other.children, other.parent, other.titles)

    def page_digest(self, docname: str) -> str:
        """What this page's sidebar shows beyond the shared part, as a digest (for fingerprints)."""
        parts = []
        for node in self.chain(docname):
            parts.append(node + "=" + self.titles.get(node, ""))
            parts.extend(f"{c}={self.titles.get(c, '')}" for c in self.children.get(node, ())[:LIMIT])
            parts.append(str(len(self.children.get(node, ()))))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def build_navigation(env) -> Navigation:
    root = env.config.root_doc
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    children: dict[str, list[str]] = {doc: list(included) for doc, included in env.toctree_includes.items()}
    sections_by_folder = {folder: folder for folder in PAGE_BLOCKS if folder in env.all_docs}
    groups: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    if root in env.all_docs:
        for toctree in env.get_doctree(root).findall(addnodes.toctree):
            entries: list[str] = []
            for _, ref in toctree["entries"]:
                if ref not in env.all_docs:
                    if link_scheme(ref) in ("http", "https"):
                        entries.append(ref)
                    continue
                section = sections_by_folder.get(ref.partition("/")[0]) if "/" in ref else None
                if section is not None and section != ref:
                    folded = children.setdefault(section, [])
                    if ref not in folded:
                        folded.append(ref)
                    ref = section
                if ref not in seen and ref != root:
                    seen.add(ref)
                    entries.append(ref)
            groups.append((toctree.get("caption") or "", entries))
    parent: dict[str, str] = {}
    queue = [entry for _, entries in groups for entry in entries if entry in env.all_docs]
    for doc in queue:  # breadth first, so each page's parent is the nearest section's
        for child in children.get(doc, ()):
            if child not in parent and child not in seen and child != root:
                parent[child] = doc
                queue.append(child)
    for includer in sorted(children):  # pages that only pages outside the sections include
        for child in children[includer]:
            if child not in parent and child not in seen and child != root and child != includer:
                parent[child] = includer
    for doc in env.all_docs:  # record pages no toctree reaches belong to their folder's list page
        folder = doc.partition("/")[0]
        if doc not in parent and doc not in seen and "/" in doc and folder in sections_by_folder:
            parent[doc] = sections_by_folder[folder]
    navigation = Navigation(groups, children, parent, titles)
    shared = [f"{caption}:" + ",".join(f"{e}={titles.get(e, '')}" for e in entries) for caption, entries in groups]
    shared += [f"{e}>" + ",".join(f"{c}={titles.get(c, '')}" for c in children.get(e, ())[:LIMIT])
               + f"#{len(children.get(e, ()))}" for _, entries in groups for e in entries]
    navigation.digest = hashlib.sha256("\n".join(shared).encode()).hexdigest()[:16]
    return navigation
