"""What the environment keeps of each page between builds: the ``kb`` domain's data.

Like ``sphinx.ext.todo``'s todos, the data lives in ``env.domaindata`` (so it is
pickled with the environment and carried back from parallel readers), and
Sphinx itself clears it when a page is read again or deleted
(:meth:`KnowledgeBaseDomain.clear_doc`) and merges it from parallel readers
(:meth:`KnowledgeBaseDomain.merge_domaindata`). Every field is a mapping from a
document to what was noted of it, and both methods treat every field alike, so a
new field cannot be left out of either.

The domain declares no objects, roles or directives: authors write ``{article}``
and ``kb-articles``, registered on the application, not ``{kb:article}``.
"""

from __future__ import annotations

import posixpath
from collections.abc import Set
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain

from .nodes import kb_generated

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..search.words import PageText

NAME = "kb"


@dataclass(frozen=True)
class DirectiveUse:
    """One use of a directive on a page: its name and options, as its fingerprint needs them."""

    name: str
    options: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ReadAs:
    """What a page's saved doctree depends on beyond its own source: whether it was read as a
    record (an article, concept...), and the documents its Markdown links named, which MyST
    resolves when it reads the page."""

    record: bool
    page_links: frozenset[str]


# Each field: document -> what was noted of it.
FIELDS = ("read_as", "references", "directive_uses", "fingerprints", "search_terms")


class KnowledgeBaseDomain(Domain):
    """The extension's per-page data, kept in the pickled environment.

    * ``read_as``: :class:`ReadAs`, noted as the page is read (:meth:`process_doc`);
    * ``references``: the ``(kind, target)`` pairs its roles point to;
    * ``directive_uses``: the :class:`DirectiveUse` of each generated block it holds;
    * ``fingerprints``: the digest of the generated data it last displayed;
    * ``search_terms``: its text for the search index (:class:`knowledgebase.search.PageText`).
    """

    name = NAME
    label = "Leading Learning"
    data_version = 1
    initial_data = {field: {} for field in FIELDS}

    #: The application building with this environment, set once it has a builder, so that what
    #: sees only the environment (a transform) reaches the build's data (``state.build_data``).
    #: Not data: Sphinx pickles a domain's ``data``, never the domain.
    application: Sphinx | None = None

    @property
    def read_as(self) -> dict[str, ReadAs]:
        return self.data["read_as"]

    @property
    def references(self) -> dict[str, set[tuple[str, str]]]:
        return self.data["references"]

    @property
    def directive_uses(self) -> dict[str, list[DirectiveUse]]:
        return self.data["directive_uses"]

    @property
    def fingerprints(self) -> dict[str, str]:
        return self.data["fingerprints"]

    @property
    def search_terms(self) -> dict[str, PageText]:
        return self.data["search_terms"]

    def clear_doc(self, docname: str) -> None:
        for field in FIELDS:
            self.data[field].pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict[str, Any]) -> None:
        for field in FIELDS:
            ours, theirs = self.data[field], otherdata[field]
            for docname in docnames:
                if docname in theirs:
                    ours[docname] = theirs[docname]

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        """Note what the page was read against (:class:`ReadAs`): whether the page transform made it
        a record's page (its placeholders name the record), and the documents its Markdown links
        name, found or not."""
        record = any("record" in node for node in document.findall(kb_generated))
        self.read_as[docname] = ReadAs(record, frozenset(page_links(docname, document)))


def page_links(docname: str, document: nodes.document) -> set[str]:
    """The documents a page's Markdown links (``[text](other.md)``) name, whether MyST found them or not."""
    folder = posixpath.dirname(docname)
    links = set()
    for node in document.findall(addnodes.pending_xref):
        if node.get("reftype") != "myst":
            continue
        target = node.get("reftarget", "")
        if node.get("refdomain") == "doc":
            links.add(target)
            continue
        path = target.split("#", 1)[0]
        if path.endswith(".md"):  # MyST found no such file when it read the page
            joined = path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path)
            links.add(posixpath.normpath(joined)[:-3])
    return links


def page_data(env: BuildEnvironment) -> KnowledgeBaseDomain:
    """The ``kb`` domain of ``env``: every page's data."""
    return cast(KnowledgeBaseDomain, env.get_domain(NAME))
