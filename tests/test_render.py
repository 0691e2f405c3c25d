"""Lists of article cards are written as HTML directly: exactly what docutils' writer makes of them as nodes."""

from __future__ import annotations

import io

import pytest
from docutils.utils import new_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.testing.util import SphinxTestApp

from knowledgebase import views as v
from knowledgebase.schema import ARTICLE_KINDS
from knowledgebase.sphinxext.render import Renderer
from sphinx_support import copy_root

# Any text an author may write, with what HTML must escape made likely.
TEXT = st.text(st.one_of(st.sampled_from('<>&"\'@\n\t\r\x0b\x0c ·é'), st.characters(blacklist_categories=("Cs",))),
               max_size=30)
IDS = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
LINKS = st.builds(v.Link, kind=st.sampled_from(["article", "concept"]), id=IDS, label=TEXT, tooltip=TEXT)
CARDS = st.builds(v.ArticleCard, link=LINKS, summary=TEXT, kind=st.sampled_from(ARTICLE_KINDS),
                  reading_time=st.integers(1, 90), concepts=st.lists(LINKS, max_size=4).map(tuple))


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    srcdir = copy_root("site-basic", tmp_path_factory.mktemp("render"))
    app = SphinxTestApp("html", srcdir=srcdir, builddir=srcdir.parent / "build", status=io.StringIO(),
                        warning=io.StringIO())
    app.build()
    yield app
    app.cleanup()


def translated(app, docname: str, node) -> str:
    """``node`` as Sphinx's HTML writer writes it on the page ``docname``."""
    document = new_document(docname, app.builder.docsettings)
    document += node
    app.builder.current_docname = docname
    visitor = app.builder.create_translator(document, app.builder)
    document.walkabout(visitor)
    return "".join(visitor.fragment)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cards=st.lists(CARDS, max_size=4), docname=st.sampled_from(["articles", "concepts/trust", "index"]))
def test_card_list_html_is_what_the_writer_makes_of_the_nodes(app, cards, docname):
    renderer = Renderer(app, docname)
    assert renderer.card_list_html(cards) == translated(app, docname, renderer.card_list_nodes(cards))

