"""Print outputs built with the site: pack fragments, each curated path's reading pack, QR code
places on path and facilitator pages, and the session print page's page without JavaScript."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx_support import build, built_root, copy_root, edit

from knowledgebase.sphinxext.html.packs import pack_html, placed_html
from knowledgebase.sphinxext.html.printing import read_fragment

PATH = "first-steps"
STEPS = ["trust-first", "asking-good-questions", "learning-walks"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(copy_root("site-basic", tmp_path_factory.mktemp("printing")))


@pytest.fixture
def srcdir(tmp_path) -> Path:
    return built_root("site-basic", tmp_path)


# The body transformations ------------------------------------------------------------------

ARTICLE_BODY = """<section id="trust-first">
<h1>Trust first<a class="headerlink" href="#trust-first" title="Link to this heading">¶</a></h1>
<div class="kb-page-header kb-article-header"><p class="kb-lead">Summary.</p>
<p class="kb-print-hint">To take this tool into a meeting, print this page.</p></div>
<p>See <a class="reference internal" href="../concepts/trust.html">trust</a>, <a href="learning-walks.html#why">walks</a>,
<a href="https://example.org/x">a report</a>, <a href="#detail">below</a> and <img alt="A chart" src="../_images/chart.png">.</p>
<p>Text that mentions href=&quot;../x.html&quot; stays text.</p>
<section id="detail"><h2>Detail</h2><p>More.</p></section>
<section class="kb-section" id="kb-questions"><h2>Questions to reflect on</h2><ol><li><p>Why?</p></li></ol></section>
<section class="kb-section" id="kb-related"><h2>Related articles</h2><p><a href="other.html">Other</a></p></section>
<section class="kb-section" id="kb-linked-from"><h2>Linked from</h2></section>
<section class="kb-section" id="kb-paths"><h2>Reading paths with this article</h2></section>
<section class="kb-section" id="kb-sources"><h2>Sources</h2><ul><li id="source-x"><p>A source.</p></li></ul></section>
<section class="kb-section kb-local-map" id="kb-map"><h2>Concept map</h2><svg></svg></section>
</section>
"""


def test_the_pack_keeps_the_text_questions_and_sources_and_leaves_out_browsing_sections():
    html = pack_html(ARTICLE_BODY, "articles/trust-first")
    for kept in ("Summary.", "More.", 'id="kb-questions"', "Why?", 'id="kb-sources"', "A source."):
        assert kept in html
    for dropped in ("kb-related", "kb-linked-from", "kb-paths", "kb-map", "Concept map", "headerlink",
                    "print this page", "<h1"):
        assert dropped not in html


def test_the_pack_moves_headings_down_a_level_and_addresses_to_the_site_root():
    html = pack_html(ARTICLE_BODY, "articles/trust-first")
    assert "<h2>Trust first</h2>" in html and "<h3>Detail</h3>" in html
    assert 'href="concepts/trust.html"' in html
    assert 'href="articles/learning-walks.html#why"' in html
    assert 'src="_images/chart.png"' in html
    assert 'href="https://example.org/x"' in html and 'href="#detail"' in html
    assert "href=&quot;../x.html&quot;" in html  # text, not an attribute


def test_a_placed_fragment_reaches_the_root_from_its_page_and_has_ids_of_its_own():
    html = placed_html(pack_html(ARTICLE_BODY, "articles/trust-first"), "../../", "step-2-")
    assert 'href="../../concepts/trust.html"' in html and 'src="../../_images/chart.png"' in html
    assert 'href="#step-2-detail"' in html and 'id="step-2-detail"' in html and 'id="step-2-kb-questions"' in html
    assert 'href="https://example.org/x"' in html
    assert ' id="detail"' not in html


def test_the_pack_changes_only_what_it_must_and_keeps_every_other_byte_as_written():
    """The parser finds the tags; the text is edited where they are, so the writer's escapes and
    spacing stay, and what only looks like a tag (in a comment, in text) is left alone."""
    body = ('<p class="x" title="a&#64;b &amp; c">Mail a&#64;b.</p>\n<!-- <h1 href="../x.html"> -->\n'
            '<a class="reference external" href="mailto:a&#64;b">a</a><br/>\n'
            '<img alt="" src="../_images/a%20b.png"/><h6>Deep</h6>\n')
    assert pack_html(body, "articles/a") == (
        '<p class="x" title="a&#64;b &amp; c">Mail a&#64;b.</p>\n<!-- <h1 href="../x.html"> -->\n'
        '<a class="reference external" href="mailto:a&#64;b">a</a><br/>\n'
        '<img alt="" src="_images/a%20b.png"/><h6>Deep</h6>\n')
    assert placed_html('<p id="a"><a data-href="x" href="b.html#c">b</a></p>', "../", "s-") == (
        '<p id="s-a"><a data-href="x" href="../b.html#c">b</a></p>')


# The built site ------------------------------------------------------------------------------

def test_every_article_has_a_pack_fragment_with_its_title_address_and_text(site):
    for article in ("trust-first", "asking-good-questions", "learning-walks", "quiet-reflection"):
        fragment = read_fragment(site.outdir, article)
        assert fragment["url"] == f"articles/{article}.html"
        assert fragment["title"] in fragment["html"]
        assert "kb-related" not in fragment["html"]
    script = (site.outdir / "_kb" / "pack" / "trust-first.js").read_text(encoding="utf-8")
    assert script.startswith('(window.KB_PACK = window.KB_PACK || {})["trust-first"] = {')
    assert script.isascii()


def test_a_paths_reading_pack_has_every_article_in_order_with_a_page_each_and_its_questions(site):
    soup = site.soup(f"paths/pack/{PATH}")
    pack = soup.find(id="reading-pack")
    articles = pack.find_all("article", class_="kb-pack-article")
    assert len(articles) == len(STEPS)
    for article, article_id in zip(articles, STEPS):
        fragment = read_fragment(site.outdir, article_id)
        assert fragment["title"] in article.get_text()
    questions = articles[1].find(id="step-2-kb-questions")
    assert questions is not None and questions.find("li")
    assert "Which question will your team test first?" in articles[1].get_text()
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert pack["data-kb-root"] == "../../"
    for link in pack.select("article.kb-pack-article a[href]"):
        href = link["href"]
        assert href.startswith(("../../", "#step-", "http")), href
    assert 'name="robots" content="noindex"' in site.html(f"paths/pack/{PATH}")


def test_a_reading_pack_never_shows_facilitator_notes(site):
    assert "Ask each pair to name one question" not in site.html(f"paths/pack/{PATH}")


def test_path_and_facilitator_pages_place_a_qr_code_and_short_address_for_each_reading(site):
    for page in (f"paths/{PATH}", f"paths/facilitator/{PATH}"):
        soup = site.soup(page)
        places = soup.select(".kb-step .kb-qr")
        depth = "../" * page.count("/")
        assert [p["data-kb-qr-href"] for p in places] == [f"{depth}articles/{a}.html" for a in STEPS]
        assert [p.get_text() for p in places] == [f"articles/{a}.html" for a in STEPS]
        assert all(p["data-kb-root"] == depth for p in places)
        pack = soup.select_one(".kb-pack-link a")
        assert (site.outdir / Path(page).parent / pack["href"]).resolve() == (site.outdir / f"paths/pack/{PATH}.html").resolve()
        scripts = [s["src"] for s in soup.find_all("script", src=True)]
        assert any(s.endswith("_static/kb-qr.js") for s in scripts)


def test_short_addresses_use_the_sites_address_when_it_is_configured(tmp_path):
    site = build(copy_root("site-basic", tmp_path), confoverrides={"html_baseurl": "https://school.example.org/kb/"})
    places = site.soup(f"paths/{PATH}").select(".kb-step .kb-qr-address")
    assert places[0].get_text() == "school.example.org/kb/articles/trust-first.html"


def test_the_session_print_page_says_what_it_needs_and_links_every_paths_outputs_without_javascript(site):
    soup = site.soup("session-print")
    fallback = soup.find("noscript")
    assert "needs JavaScript" in fallback.get_text()
    hrefs = [a["href"] for a in fallback.find_all("a")]
    assert hrefs == [f"paths/{PATH}.html", f"paths/facilitator/{PATH}.html", f"paths/pack/{PATH}.html"]
    scripts = [s["src"].split("?")[0] for s in soup.find_all("script", src=True)]
    # kb-session.js may come earlier, deferred (the builder's buttons load it on every page): it runs
    # before DOMContentLoaded, when kb-print.js starts.
    assert sum(s.endswith("kb-session.js") for s in scripts) == 1
    order = [next(i for i, s in enumerate(scripts) if s.endswith(name))
             for name in ("_kb/session-data.js", "kb-qr.js", "kb-print.js")]
    assert order == sorted(order)
    assert soup.find(id="kb-session-print") is not None


# Incremental builds -------------------------------------------------------------------------

def test_editing_an_article_in_a_path_updates_its_fragment_and_the_paths_reading_pack(srcdir):
    edit(srcdir / "articles" / "learning-walks.md", "A learning walk is", "A carefully planned learning walk is")
    site = build(srcdir)
    assert site.written() == {"articles/learning-walks"}
    assert "A carefully planned learning walk is" in read_fragment(site.outdir, "learning-walks")["html"]
    assert "A carefully planned learning walk is" in site.html(f"paths/pack/{PATH}")


def test_a_deleted_articles_fragment_is_removed(srcdir):
    (srcdir / "articles" / "quiet-reflection.md").unlink()
    site = build(srcdir)
    assert not (site.outdir / "_kb" / "pack" / "quiet-reflection.js").exists()
    assert (site.outdir / "_kb" / "pack" / "trust-first.js").exists()


def test_a_missing_fragment_has_its_article_page_written_again(srcdir):
    site = build(srcdir)
    (site.outdir / "_kb" / "pack" / "trust-first.js").unlink()
    site = build(srcdir)
    assert site.written() == {"articles/trust-first"}
    assert json.dumps(read_fragment(site.outdir, "trust-first"))


def test_parallel_and_serial_builds_write_the_same_print_outputs(tmp_path):
    serial = build(copy_root("site-basic", tmp_path / "serial"))
    parallel = build(copy_root("site-basic", tmp_path / "parallel"), parallel=2)
    for name in ("_kb/pack/trust-first.js", "_kb/pack/learning-walks.js", f"paths/pack/{PATH}.html",
                 "session-print.html"):
        assert (serial.outdir / name).read_bytes() == (parallel.outdir / name).read_bytes(), name


def test_a_pack_page_links_to_an_article_whose_fragment_is_missing(tmp_path):
    import io

    from sphinx.testing.util import SphinxTestApp

    from knowledgebase.sphinxext.html.printing import fragment_path, path_pack_body

    srcdir = copy_root("site-basic", tmp_path)
    app = SphinxTestApp("html", srcdir=srcdir, builddir=tmp_path / "build", status=io.StringIO(), warning=io.StringIO())
    try:
        app.build()
        fragment_path(app.outdir, "asking-good-questions").unlink()
        body = path_pack_body(app, PATH)
    finally:
        app.cleanup()
    assert "not in this copy of the site" in body
    assert 'href="../../articles/asking-good-questions.html"' in body
    assert "learning walk" in body  # the other articles are there
