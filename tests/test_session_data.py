"""The session builder's data (engine) and its file and page in the site (Sphinx glue)."""

from __future__ import annotations

import hashlib
import json
import os

import pytest

from knowledgebase.paths import DISCUSSION_MINUTES, link_counts
from knowledgebase.sessiondata import ARTICLE_FIELDS, check_repository, script, session_data
from knowledgebase.sphinxext.html.session import BUILDER_SCRIPTS
from sphinx_support import build, copy_root


def _rows(data):
    return {row[0]: dict(zip(data["article_fields"], row)) for row in data["articles"]}


# The engine ----------------------------------------------------------------------------------


@pytest.fixture
def kb_base(load_corpus):
    return load_corpus().kb


def test_the_data_carries_what_the_planner_reads_for_every_article(kb_base):
    data = session_data(kb_base)
    rows = _rows(data)
    assert data["article_fields"] == list(ARTICLE_FIELDS)
    assert list(rows) == sorted(kb_base.articles)
    concepts = [c["id"] for c in data["concepts"]]
    audiences = [a["id"] for a in data["audiences"]]
    ids = [row[0] for row in data["articles"]]
    links = link_counts(kb_base)
    for article in kb_base.articles.values():
        row = rows[article.id]
        assert row["title"] == article.title
        assert data["kinds"][row["kind"]] == article.kind
        assert row["reading_time"] == article.reading_time
        assert [concepts[i] for i in row["concepts"]] == list(article.concepts)
        assert [audiences[i] for i in row["audience"]] == list(article.audience)
        assert [ids[i] for i in row["prerequisites"]] == list(article.prerequisites)
        assert row["linked_from"] == links[article.id]
        assert row["question"] == (article.questions[0] if article.questions else None)
    assert any(row["prerequisites"] for row in rows.values())
    assert any(row["linked_from"] for row in rows.values())
    assert data["discussion_minutes"] == DISCUSSION_MINUTES
    assert data["article_url"] == "articles/{id}.html"
    trust = next(c for c in data["concepts"] if c["id"] == "trust")
    assert trust["label"] == "Trust" and trust["aliases"] == ["relational trust"]
    assert set(trust["terms"]) == {"trust", "relational-trust"}


def test_curated_paths_are_published_with_their_steps_and_notes(kb_base):
    data = session_data(kb_base, url=lambda docname: f"{docname}/")
    (path,) = data["paths"]
    source = next(iter(kb_base.paths.values()))
    assert path["id"] == source.id and path["title"] == source.title
    assert path["url"] == f"paths/{source.id}/"
    assert path["facilitator_url"] == f"paths/facilitator/{source.id}/"
    assert [s["article"] for s in path["steps"]] == [s.article for s in source.steps]
    assert all(isinstance(s["prompt"], str) and isinstance(s["facilitator"], str) for s in path["steps"])
    assert data["article_url"] == "articles/{id}/"


def test_the_script_is_ascii_deterministic_and_cannot_close_a_script_element(kb_base, load_corpus):
    hostile = load_corpus({"articles/closing-tags.md": """---
title: "Ends </script><script>alert(1)</script> \u2028 here"
summary: A summary.
concepts: [trust]
audience: [headteacher]
kind: guide
questions: ["What about </script>?"]
---

Body.
"""}).kb
    text = script(session_data(hostile))
    assert text.isascii()
    assert "</" not in text and "\u2028" not in text
    assert text.startswith("window.KB_SESSION_DATA = ") and text.endswith(";\n")
    assert json.loads(text[len("window.KB_SESSION_DATA = "):-2]) == session_data(hostile)
    assert script(session_data(kb_base)) == script(session_data(kb_base))


@pytest.mark.parametrize("value, expected", [
    (None, None),
    ({"url": "https://github.com/leading-learning/kb/"},
     {"url": "https://github.com/leading-learning/kb", "branch": "main", "content": "content"}),
    ({"url": "https://github.com/o/r", "branch": "release/2027", "content": "site/content"},
     {"url": "https://github.com/o/r", "branch": "release/2027", "content": "site/content"}),
])
def test_a_repository_setting_is_accepted(value, expected):
    assert check_repository(value) == (expected, None)


@pytest.mark.parametrize("value", [
    "https://github.com/o/r", {"url": "javascript:alert(1)"}, {"url": "http://github.com/o/r"},
    {"url": "https://github.com/o/r\"><script>"}, {"url": "https://github.com/o/r", "branch": "../x"},
    {"url": "https://github.com/o/r", "content": "a b"}, {"url": "https://github.com/o/r", "extra": 1},
])
def test_a_repository_setting_that_could_break_the_link_is_refused(value):
    repository, problem = check_repository(value)
    assert repository is None and problem


# The Sphinx glue -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(copy_root("site-basic", tmp_path_factory.mktemp("session")))


def _data(site):
    text = (site.outdir / "_kb" / "session-data.js").read_text(encoding="ascii")
    return json.loads(text[len("window.KB_SESSION_DATA = "):-2])


def test_the_site_publishes_the_data_and_the_builder_page(site):
    data = _data(site)
    assert {row[0] for row in data["articles"]} == {"asking-good-questions", "learning-walks", "quiet-reflection",
                                                    "trust-first"}
    assert data["repository"] is None
    page = site.soup("session")
    assert page.find("h1").get_text(strip=True).startswith("Build a session")
    scripts = page.select("script[src]")
    names = [s["src"].split("?")[0] for s in scripts]
    assert "_static/kb-session.js" in names
    builder = ["_kb/session-data.js", *(f"_static/{name}" for name in BUILDER_SCRIPTS)]
    assert names[names.index("_kb/session-data.js"):][:len(builder)] == builder
    assert builder[1] == "_static/kb-planner.js" and builder[-1] == "_static/kb-session-builder.js"
    assert all(s.has_attr("defer") for s in scripts if s["src"].split("?")[0] in builder + ["_static/kb-session.js"])
    noscript = page.find("noscript").get_text(" ", strip=True)
    assert "needs JavaScript" in noscript
    curated = page.select(".kb-builder-path")
    assert [li["data-path"] for li in curated] == ["first-steps"]
    assert [a["href"] for a in curated[0].select("a")] == ["paths/first-steps.html",
                                                            "paths/facilitator/first-steps.html",
                                                            "paths/pack/first-steps.html"]


def test_only_the_builder_page_loads_the_data_and_every_page_loads_the_add_button_script(site):
    article = site.soup("articles/trust-first")
    sources = [s["src"].split("?")[0] for s in article.select("script[src]")]
    assert "../_static/kb-add-to-session.js" in sources and "../_static/kb-session.js" in sources
    assert not any("session-data" in s or "kb-session-builder" in s for s in sources)
    # The buttons are made by the script: without JavaScript there is no dead button.
    assert not article.select("button.kb-add-session, .kb-session-control, a.kb-start-path")


def test_the_data_file_is_rewritten_only_when_its_bytes_change_and_follows_edits(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    first = build(srcdir)
    target = first.outdir / "_kb" / "session-data.js"
    before = target.read_bytes()
    os.utime(target, (1_000_000_000, 1_000_000_000))
    article = srcdir / "articles" / "quiet-reflection.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nAnother paragraph of body text.\n", encoding="utf-8")
    build(srcdir)
    assert target.stat().st_mtime == 1_000_000_000, "a body edit that changes no data rewrote the file"
    assert target.read_bytes() == before
    article.write_text(article.read_text(encoding="utf-8").replace("title: ", "title: Renamed, ", 1), encoding="utf-8")
    renamed = build(srcdir)
    rows = _rows(_data(first))
    assert rows["quiet-reflection"]["title"].startswith("Renamed, ")
    # The page names the data file by its current bytes, so no browser keeps running the old one.
    digest = hashlib.sha256(target.read_bytes()).hexdigest()[:10]
    assert renamed.soup("session").select_one('script[src^="_kb/session-data.js"]')["src"].endswith(f"?v={digest}")


def test_a_configured_repository_reaches_the_data_and_a_bad_one_is_a_warning(tmp_path):
    srcdir = copy_root("site-basic", tmp_path / "good")
    good = build(srcdir, confoverrides={"kb_repository": {"url": "https://github.com/example/leading-learning"}})
    assert _data(good)["repository"] == {"url": "https://github.com/example/leading-learning", "branch": "main",
                                         "content": "content"}
    bad = build(copy_root("site-basic", tmp_path / "bad"), confoverrides={"kb_repository": {"url": "javascript:x"}})
    assert _data(bad)["repository"] is None
    assert "kb_repository in conf.py" in bad.warnings


def test_every_list_of_all_paths_leads_to_the_builder(site):
    link = site.soup("index").select_one(".kb-builder-link a")
    assert link["href"] == "session.html" and link.get_text() == "session builder"
    assert site.soup("lists").select_one(".kb-builder-link a")["href"] == "session.html"
