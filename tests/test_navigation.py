"""The sidebar is bounded by the code, whatever toctrees authors write.

The test root ``roots/glob-toctree`` has the home page a Sphinx user naturally
writes (a hidden glob toctree over every concept, article and path), a second
toctree with a caption, and an article whose own toctree gathers a series of
pages. Tests add generated articles to it to show what grows and what does not.
"""

from __future__ import annotations

import re

import pytest
from sphinx_support import build, copy_root

from knowledgebase.sphinxext.navigation import LIMIT


def add_articles(srcdir, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        (srcdir / "articles" / f"generated-{n:04d}.md").write_text(
            "---\n"
            f"title: Generated article {n:04d}\n"
            "summary: One of many articles, to show what grows with the corpus.\n"
            "concepts: [inquiry]\n"
            "audience: [headteacher]\n"
            "kind: guide\n"
            "---\n\n"
            "A paragraph of prose.\n", encoding="utf-8")


def sidebar(site, page: str):
    return site.soup(page).select_one(".sidebar-tree")


def site_with(tmp_path, articles: int):
    srcdir = copy_root("glob-toctree", tmp_path)
    add_articles(srcdir, articles)
    return build(srcdir)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return site_with(tmp_path_factory.mktemp("nav"), 40)


def test_the_sidebar_lists_the_sites_sections_with_their_captions(site):
    tree = sidebar(site, "index")
    top = [a.get_text() for a in tree.select("li.toctree-l1 > a")]
    assert top[:2] == ["Concepts", "Articles"]
    assert "About this site" in top
    assert [c.get_text() for c in tree.select(".caption-text")] == ["About"]


def test_a_section_lists_at_most_the_limit_then_links_to_the_rest(site):
    articles = sidebar(site, "index").select_one("li.toctree-l1:has(> a[href='articles.html'])")
    listed = articles.select("li.toctree-l2:not(.kb-nav-more)")
    assert len(listed) == LIMIT
    more = articles.select_one("li.kb-nav-more a")
    assert more.get_text() == "See all 41" and more["href"] == "articles.html"


def test_the_sidebar_costs_the_same_at_twice_the_articles(site, tmp_path):
    bigger = site_with(tmp_path, 80)
    for page in ("index", "articles/generated-0003", "articles/a-series-on-trust", "concepts/trust"):
        assert len(sidebar(bigger, page).find_all("a")) == len(sidebar(site, page).find_all("a")), page
    assert len(sidebar(site, "articles/generated-0003").find_all("a")) <= 4 * (LIMIT + 2)


def test_an_article_page_marks_itself_within_its_section(site):
    tree = sidebar(site, "articles/generated-0003")
    current = tree.select_one("li.current-page > a")
    assert current.get_text() == "Generated article 0003" and current["href"] == "#"
    assert current.find_parent("li", class_="toctree-l1").a.get_text() == "Articles"


def test_an_article_beyond_the_limit_still_appears_as_the_current_page(site):
    tree = sidebar(site, "articles/generated-0039")
    assert tree.select_one("li.current-page > a").get_text() == "Generated article 0039"


def test_a_toctree_inside_an_article_places_its_pages_under_that_article(site):
    tree = sidebar(site, "articles/series/part-two")
    chain = [li.a.get_text() for li in tree.select("li.current")]
    assert chain == ["Articles", "A series on trust", "Trust, part two"]


def test_sections_keep_previous_and_next_links(site):
    page = site.soup("about")
    assert page.select_one("a.prev-page") is not None


def test_no_article_page_grows_with_the_corpus(site, tmp_path):
    bigger = site_with(tmp_path, 80)
    small = (site.outdir / "articles" / "generated-0003.html").stat().st_size
    large = (bigger.outdir / "articles" / "generated-0003.html").stat().st_size
    assert abs(large - small) < 200, (small, large)


def test_a_renamed_section_is_renamed_in_every_sidebar_of_an_incremental_build(tmp_path):
    srcdir = copy_root("glob-toctree", tmp_path)
    add_articles(srcdir, 20)
    build(srcdir)
    about = srcdir / "about.md"
    about.write_text(about.read_text(encoding="utf-8").replace("# About this site", "# Who we are"), encoding="utf-8")
    site = build(srcdir)
    for page in ("index", "articles/generated-0004", "concepts/trust", "articles/series/part-one"):
        assert "Who we are" in sidebar(site, page).get_text(), page
        assert "About this site" not in sidebar(site, page).get_text(), page


def test_a_new_article_in_a_capped_list_appears_in_every_sidebar_that_shows_the_list(tmp_path):
    srcdir = copy_root("glob-toctree", tmp_path)
    add_articles(srcdir, 20, start=10)
    build(srcdir)
    add_articles(srcdir, 1, start=0)  # sorts first, so it enters the first twelve
    site = build(srcdir)
    for page in ("index", "articles/generated-0015", "concepts/inquiry"):
        assert "Generated article 0000" in sidebar(site, page).get_text(), page


def test_kb_check_and_the_build_warn_once_about_a_visible_glob_toctree(tmp_path):
    srcdir = copy_root("glob-toctree", tmp_path)
    add_articles(srcdir, 20)
    index = srcdir / "index.md"
    index.write_text(index.read_text(encoding="utf-8").replace(":hidden:\n:glob:", ":glob:", 1), encoding="utf-8")
    site = build(srcdir)
    assert len(re.findall(r"KB209", site.warnings)) == 1
    assert "index.md:5" in site.warnings


def test_a_retitled_article_in_a_capped_list_is_retitled_in_every_sidebar_that_shows_it(tmp_path):
    srcdir = copy_root("glob-toctree", tmp_path)
    add_articles(srcdir, 20)
    build(srcdir)
    page = srcdir / "articles" / "generated-0002.md"
    page.write_text(page.read_text(encoding="utf-8").replace("Generated article 0002", "Renamed article"),
                    encoding="utf-8")
    site = build(srcdir)
    for shown_on in ("index", "articles/generated-0015", "concepts/inquiry", "about"):
        assert "Renamed article" in sidebar(site, shown_on).get_text(), shown_on


def test_pages_gathered_by_an_article_outside_every_toctree_sit_under_that_article(tmp_path):
    srcdir = copy_root("glob-toctree", tmp_path)
    index = srcdir / "index.md"
    text = index.read_text(encoding="utf-8")
    index.write_text(text.replace("concepts/*\narticles/*\npaths/*\n", "concepts/*\n"), encoding="utf-8")
    site = build(srcdir)
    chain = [li.a.get_text() for li in sidebar(site, "articles/series/part-one").select("li.current")]
    assert chain == ["Articles", "A series on trust", "Trust, part one"]


class _Builder:
    @staticmethod
    def get_relative_uri(source: str, target: str) -> str:
        return f"{target}.html"


def _shape(html: str):
    """A tag tree as comparable data: names, attributes (order-free, empty values as True) and text."""
    from bs4 import BeautifulSoup, NavigableString

    def node(element):
        if isinstance(element, NavigableString):
            return element.strip() or None
        attrs = {k: (" ".join(v) if isinstance(v, list) else v) or True for k, v in element.attrs.items()}
        return (element.name, tuple(sorted(attrs.items())),
                tuple(c for c in (node(child) for child in element.children) if c is not None))

    return node(BeautifulSoup(html, "html.parser"))


@pytest.mark.parametrize("page", ["index", "articles", "articles/a", "articles/a/part", "articles/n"])
def test_the_sidebar_made_for_furo_is_what_furo_makes_of_the_sphinx_shaped_one(page):
    from furo.navigation import get_navigation_tree

    from knowledgebase.sphinxext.html.sidebar import render
    from knowledgebase.sphinxext.navigation import Navigation

    many = [f"articles/n{i:02d}" for i in range(LIMIT + 3)]
    navigation = Navigation(
        groups=[("", ["concepts", "articles"]), ("About", ["about"])],
        children={"concepts": ["concepts/trust"], "articles": ["articles/a", *many, "articles/n"],
                  "articles/a": ["articles/a/part"]},
        parent={"concepts/trust": "concepts", "articles/a": "articles", "articles/a/part": "articles/a",
                "articles/n": "articles", **{m: "articles" for m in many}},
        titles={"index": "Home", "concepts": "Concepts", "articles": "Articles", "about": "About <us>",
                "concepts/trust": "Trust", "articles/a": "A & B", "articles/a/part": "Part",
                "articles/n": "Last", **{m: m for m in many}})
    sphinx_shaped = render(navigation, _Builder(), page)
    assert _shape(render(navigation, _Builder(), page, furo=True)) == _shape(get_navigation_tree(sphinx_shaped))
