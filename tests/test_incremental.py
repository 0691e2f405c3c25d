"""Incremental and parallel builds: every page showing changed data is rewritten, nothing stale remains."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_support import build, built_root, copy_root, edit


@pytest.fixture
def srcdir(tmp_path) -> Path:
    return built_root("site-basic", tmp_path)


def test_editing_only_a_body_rewrites_only_that_page(srcdir):
    edit(srcdir / "articles" / "learning-walks.md", "A learning walk is", "A good learning walk is")
    site = build(srcdir)
    assert site.written() == {"articles/learning-walks"}
    assert "A good learning walk is" in site.html("articles/learning-walks")


def test_a_second_build_with_no_change_writes_nothing(srcdir):
    assert build(srcdir).written() == set()


def test_changing_an_articles_concepts_updates_the_concept_pages_that_list_it(srcdir):
    edit(srcdir / "articles" / "quiet-reflection.md", "concepts: [learning]", "concepts: [trust]")
    site = build(srcdir)
    assert {"concepts/learning", "concepts/trust", "articles/quiet-reflection"} <= site.written()
    assert "A quiet reflection" in site.html("concepts/trust")
    assert "A quiet reflection" not in site.html("concepts/learning")


def test_changing_an_articles_concepts_leaves_pages_that_show_only_its_card_alone(srcdir):
    edit(srcdir / "articles" / "learning-walks.md", "concepts: [learning, inquiry]", "concepts: [learning, inquiry, trust]")
    site = build(srcdir)
    assert "concepts/trust" in site.written()
    assert "paths/first-steps" not in site.written()


def test_changing_a_title_updates_every_page_that_shows_it(srcdir):
    edit(srcdir / "articles" / "asking-good-questions.md", "title: Asking good questions", "title: Questions worth asking")
    site = build(srcdir)
    for page in ("articles/trust-first", "articles/learning-walks", "concepts/inquiry", "concepts/trust",
                 "paths/first-steps", "index"):
        assert "Questions worth asking" in site.html(page), page
        assert "Asking good questions" not in site.html(page), page


def test_changing_a_summary_updates_related_lists_and_cards(srcdir):
    edit(srcdir / "articles" / "trust-first.md", "comes before any improvement plan.", "is the ground improvement grows from.")
    site = build(srcdir)
    assert "is the ground improvement grows from." in site.html("articles/asking-good-questions")
    assert "is the ground improvement grows from." in site.html("concepts/trust")


def test_changing_a_source_updates_the_articles_that_cite_it(srcdir):
    edit(srcdir / "sources.yaml", "year: 2020", "year: 2021")
    site = build(srcdir)
    assert "A. Writer (2021)." in site.html("articles/trust-first")
    assert "articles/trust-first" in site.written()


def test_changing_a_concepts_aliases_updates_the_glossary(srcdir):
    edit(srcdir / "concepts" / "inquiry.md", "aliases: [enquiry]", "aliases: [enquiry, questioning]")
    site = build(srcdir)
    assert "glossary" in site.written()
    assert "Also called: enquiry, questioning" in site.html("glossary")


def test_a_role_removed_from_a_page_no_longer_ties_the_page_to_its_target(srcdir):
    edit(srcdir / "index.md", "Start with {article}`trust-first`, or read", "Start here, or read")
    build(srcdir)
    edit(srcdir / "articles" / "trust-first.md", "title: Trust comes first", "title: Trust before all else")
    site = build(srcdir)
    assert "articles/trust-first" in site.written()
    assert "index" not in site.written()


def search_documents(site) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted((site.outdir / "_kb" / "search").glob("doc-*.json")))


def test_changing_a_title_updates_the_search_index(srcdir):
    edit(srcdir / "articles" / "asking-good-questions.md", "title: Asking good questions", "title: Questions worth asking")
    documents = search_documents(build(srcdir))
    assert "Questions worth asking" in documents
    assert "Asking good questions" not in documents


def test_a_rebuild_that_changes_nothing_searchable_leaves_the_search_index_alone(srcdir):
    index = srcdir.parent / "build" / "html" / "_kb" / "search" / "meta.json"
    before = index.stat().st_mtime_ns
    build(srcdir)
    assert index.stat().st_mtime_ns == before


def test_deleting_an_article_leaves_nothing_stale(srcdir):
    (srcdir / "articles" / "learning-walks.md").unlink()
    site = build(srcdir)
    assert not (site.outdir / "articles" / "learning-walks.html").exists()
    for page in ("concepts/inquiry", "concepts/learning", "articles/asking-good-questions", "index", "paths/first-steps"):
        assert "Learning walks that help" not in site.html(page), page


def test_renaming_an_article_moves_its_page_and_updates_links(srcdir):
    old = srcdir / "articles" / "trust-first.md"
    text = old.read_text(encoding="utf-8")
    old.unlink()
    (srcdir / "articles" / "trust-before-everything.md").write_text(text, encoding="utf-8")
    for name in ("asking-good-questions.md",):
        edit(srcdir / "articles" / name, "prerequisites: [trust-first]", "prerequisites: [trust-before-everything]")
        edit(srcdir / "articles" / name, "(trust-first.md)", "(trust-before-everything.md)")
    edit(srcdir / "paths" / "first-steps.md", "article: trust-first", "article: trust-before-everything")
    site = build(srcdir)
    assert not (site.outdir / "articles" / "trust-first.html").exists()
    assert (site.outdir / "articles" / "trust-before-everything.html").exists()
    assert 'href="trust-before-everything.html"' in site.html("articles/asking-good-questions")
    assert "trust-first.html" not in site.html("concepts/trust")


def test_parallel_build_gives_the_same_html_as_a_serial_build(tmp_path):
    serial = build(copy_root("site-basic", tmp_path / "serial"))
    parallel = build(copy_root("site-basic", tmp_path / "parallel"), parallel=2)
    serial_pages = sorted(p.relative_to(serial.outdir) for p in serial.outdir.rglob("*.html"))
    parallel_pages = sorted(p.relative_to(parallel.outdir) for p in parallel.outdir.rglob("*.html"))
    assert serial_pages == parallel_pages
    for page in serial_pages:
        assert (serial.outdir / page).read_bytes() == (parallel.outdir / page).read_bytes(), page


def same_as_a_clean_build(site, tmp_path) -> None:
    """Every page of an incremental ``site`` is byte for byte the page a clean build of its sources gives."""
    import shutil

    clean = build(Path(shutil.copytree(site.srcdir, tmp_path / "clean" / "src")))
    pages = sorted(p.relative_to(clean.outdir) for p in clean.outdir.rglob("*.html"))
    assert pages == sorted(p.relative_to(site.outdir) for p in site.outdir.rglob("*.html"))
    for page in pages:
        assert (site.outdir / page).read_bytes() == (clean.outdir / page).read_bytes(), page


def test_deleting_an_article_a_markdown_link_names_rereads_the_page_that_links_to_it(srcdir, tmp_path):
    # MyST decides whether `[text](trust-first.md)` names a page when it reads the linking page.
    (srcdir / "articles" / "trust-first.md").unlink()
    site = build(srcdir)  # the linking page itself is unchanged
    assert "articles/asking-good-questions" in site.written()
    same_as_a_clean_build(site, tmp_path)


def test_an_article_that_stops_loading_without_a_change_of_its_own_is_read_again(srcdir, tmp_path):
    edit(srcdir / "articles" / "quiet-reflection.md", "concepts: [learning]", "concepts: [relational trust]")
    build(srcdir)
    edit(srcdir / "concepts" / "trust.md", "aliases: [relational trust]\n", "")  # the article now has no concept
    site = build(srcdir)
    assert "articles/quiet-reflection" in site.written()
    same_as_a_clean_build(site, tmp_path)


def test_naming_a_related_concept_updates_both_concept_maps_and_the_vocabulary_map(srcdir):
    edit(srcdir / "concepts" / "trust.md", "related: [inquiry]", "related: [inquiry, learning]")
    site = build(srcdir)
    assert {"concepts/trust", "concepts/learning", "index"} <= site.written()
    # Learning's page now lists Trust as related, and its map shows it under the same heading.
    learning = site.soup("concepts/learning").select_one("#kb-map svg.kb-map")
    rows = sorted([(float(h.tspan["y"]), h.get_text(" ")) for h in learning.select(".kb-map-heading")]
                  + [(float(a.circle["cy"]), a["aria-label"]) for a in learning.select("a.kb-map-node")])
    shown = [text for _, text in rows]
    assert shown[shown.index("Related") + 1] == "Trust"
    home = site.soup("index").select_one("svg.kb-map")
    label = {a["data-key"]: a["aria-label"] for a in home.select("a.kb-map-node")}
    weights = {frozenset(label[end] for end in p["data-ends"].split()): int(p["data-weight"])
               for p in home.select("path")}
    assert weights[frozenset(("Learning", "Trust"))] == 2  # one article tags both, and Trust names Learning
