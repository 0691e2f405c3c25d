"""The ``kb`` domain keeps every page's data: cleared and merged by Sphinx, every field alike.

Quick on purpose (seconds): the differential builds (``test_differential_builds.py``)
hold incremental and parallel builds to clean ones through every kind of edit, but
take minutes; these fail at once when a field is left out of the merge or the clear.
"""

from __future__ import annotations

import io
from types import SimpleNamespace

from sphinx.testing.util import SphinxTestApp

from knowledgebase.sphinxext.domain import FIELDS, NAME, DirectiveUse, KnowledgeBaseDomain, ReadAs
from sphinx_support import copy_root


def domain(data: dict | None = None) -> KnowledgeBaseDomain:
    """A domain on an environment that holds ``data`` (or none yet): Domain needs only ``domaindata``."""
    return KnowledgeBaseDomain(SimpleNamespace(domaindata={NAME: data} if data is not None else {}))


def one_of_each(docname: str, field: str):
    """A value of the field's own kind, different for each page."""
    return {"read_as": ReadAs(True, frozenset({f"{docname}-link"})),
            "references": {("article", f"{docname}-target")},
            "directive_uses": [DirectiveUse("kb-articles", (("limit", docname),))],
            "fingerprints": f"{docname}-digest",
            "search_terms": f"{docname}-text"}[field]


def test_every_field_is_in_the_initial_data_and_nothing_else():
    assert set(domain().data) == {*FIELDS, "version"}


def test_merging_brings_every_field_of_every_page_read_elsewhere_and_nothing_else():
    ours = domain()
    for field in FIELDS:
        ours.data[field]["kept"] = one_of_each("kept", field)
    other = domain().data
    for field in FIELDS:
        for docname in ("a", "b", "not-merged"):
            other[field][docname] = one_of_each(docname, field)
    ours.merge_domaindata({"a", "b"}, other)
    for field in FIELDS:
        assert ours.data[field] == {name: one_of_each(name, field) for name in ("kept", "a", "b")}, field


def test_clearing_a_page_clears_every_field_of_it_and_no_other_page():
    ours = domain()
    for field in FIELDS:
        for docname in ("a", "b"):
            ours.data[field][docname] = one_of_each(docname, field)
    ours.clear_doc("a")
    for field in FIELDS:
        assert ours.data[field] == {"b": one_of_each("b", field)}, field


def _page_data(srcdir, parallel: int) -> dict:
    app = SphinxTestApp("html", srcdir=srcdir, builddir=srcdir.parent / "build", parallel=parallel,
                        status=io.StringIO(), warning=io.StringIO())
    try:
        app.build()
        return {field: dict(app.env.domaindata[NAME][field]) for field in FIELDS}
    finally:
        app.cleanup()


def test_a_parallel_build_keeps_the_same_data_of_every_page_as_a_serial_one(tmp_path):
    """With -j 2 every page is read in a forked worker, so all of it arrives through the merge."""
    serial = _page_data(copy_root("site-basic", tmp_path / "serial"), parallel=0)
    parallel = _page_data(copy_root("site-basic", tmp_path / "parallel"), parallel=2)
    for field in FIELDS:
        assert serial[field], field  # the root exercises every field
        assert parallel[field].keys() == serial[field].keys(), field
        if field == "search_terms":  # compressed text: compare what it holds
            assert {d: (t.blocks, t.references) for d, t in parallel[field].items()} == {
                d: (t.blocks, t.references) for d, t in serial[field].items()}
        else:
            assert parallel[field] == serial[field], field
