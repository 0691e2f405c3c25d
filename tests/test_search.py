"""What the site's search understands, specified on the real content and on small sites.

The ranking is the browser's: every query here runs through the site's own
``kb-search.js`` (with the stemmer Sphinx ships) in Node, against an index built
by ``kb build`` (``benchmarks/search_runner.js``). The Python side is held to the
same rules: for every word the index holds, Python and the browser must agree.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

import pytest
from browser_support import REPO, require
from bs4 import BeautifulSoup
from sphinx_support import build, copy_root

from knowledgebase.cli import main as kb
from knowledgebase.search import words as search

sys.path.insert(0, str(REPO / "benchmarks"))
import bench_search_quality as quality  # noqa: E402

require(quality.node() is not None, "Node.js (Debian package `nodejs`)")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("search") / "html"
    assert kb(["build", "--content", str(REPO / "content"), "--conf", str(REPO), "--out", str(out), "-q"]) == 0
    return out


def ask(site: Path, query: str, **options) -> dict:
    return quality.run_requests(site, [{"search": query, **options}])[0]


def pages(answer: dict) -> list[str]:
    return [quality.docname(u) for u in answer["results"]]


def index_files(site: Path, pattern: str) -> dict[str, object]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted((site / "_kb" / "search").glob(pattern))}


# Quality on everyday queries ---------------------------------------------------------------


def test_everyday_queries_find_the_pages_a_reader_judged_relevant(site):
    report = quality.evaluate(site)
    overall = report["overall"]
    assert overall["queries"] >= 25
    assert overall["precision_at_5"] >= 0.8, report["queries"]
    assert overall["recall_at_10"] >= 0.8, report["queries"]
    assert overall["empty"] <= 1
    for name, figures in report["classes"].items():
        assert figures["recall_at_10"] >= 0.75, (name, figures)
        assert figures["precision_at_5"] >= 0.7, (name, figures)


def test_the_judged_query_set_covers_every_class_with_pages_that_exist():
    queries = quality.load_queries()
    classes = {q["class"] for q in queries}
    assert {"word forms", "aliases", "spelling", "noise", "phrases", "languages"} <= classes
    assert all(sum(q["class"] == c for q in queries) >= 2 for c in classes)
    for q in queries:
        for page in q["relevant"]:
            assert (REPO / "content" / f"{page}.md").is_file(), (q["query"], page)


# Word forms ---------------------------------------------------------------------------------


def test_a_word_finds_its_other_forms(site):
    assert "articles/mandating-versus-enabling" in pages(ask(site, "mandates"))[:1]
    assert "articles/leader-as-designer-not-industrialist" in pages(ask(site, "designers"))[:3]


def test_the_exact_word_ranks_above_an_other_word_with_the_same_stem(site):
    assert search.stem("accountability") == search.stem("account")
    top = pages(ask(site, "accountability", top=4))
    texts = [(REPO / "content" / f"{p}.md").read_text(encoding="utf-8").lower() for p in top]
    assert all("accountability" in t for t in texts), top


def test_python_and_the_browser_stem_every_indexed_word_alike(site):
    shards = index_files(site, "terms-*.json")
    forms = sorted({form for shard in shards.values() for entry in shard.values() for form in entry})
    stems = {form: s for shard in shards.values() for s, entry in shard.items() for form in entry}
    assert len(forms) > 2000
    browser = quality.run_requests(site, [{"stem": forms}])[0]
    assert [f for f, s in zip(forms, browser) if s != stems[f]] == []
    assert [f for f in forms if search.stem(f) != stems[f]] == []


def test_python_and_the_browser_read_the_content_into_the_same_words(site):
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "content").rglob("*.md"))]
    texts += ["Ærøskøbing Straße naïve Œuvre ﬁnal ＴＲＵＳＴ Σίσυφος ΟΔΟΣ Москва İstanbul 東京 ١٢٣ organisational "
              "Behaviours CENTRED programmes enquiries analysing modelling catalogue learnt"]
    browser = quality.run_requests(site, [{"words": t} for t in texts])
    assert [list(map(list, search.words(t))) for t in texts] == browser


def test_python_and_the_browser_normalise_and_split_every_character_alike(site):
    # Every character assigned in Python's Unicode database (Node's may be newer).
    characters = "".join(chr(c) for c in range(0x20, 0x10000) if unicodedata.category(chr(c)) not in ("Cn", "Cs"))
    chunks = [characters[i:i + 4096] for i in range(0, len(characters), 4096)]
    browser = quality.run_requests(site, [{"normalise": c} for c in chunks] + [{"split": c} for c in chunks])
    assert [search.normalise(c) for c in chunks] == browser[:len(chunks)]
    assert [search._WORD.findall(search.normalise(c)) for c in chunks] == browser[len(chunks):]


# Languages ----------------------------------------------------------------------------------


def test_letters_beyond_ascii_are_normalised_not_dropped():
    assert search.tokens("Søren Ærøskøbing") == [search.stem("søren"), search.stem("ærøskøbing")]
    assert [f for f, _ in search.words("Straße NAÏVE Москва Σίσυφος ＴＲＵＳＴ")] == [
        "strasse", "naive", "москва", "σισυφοσ", "trust"]
    assert search.shard_key("москва") == "x43c-43e"


def test_accents_and_compatibility_characters_in_a_query_match_plain_text(site):
    assert pages(ask(site, "peer évaluation"))[:1] == ["articles/peer-evaluation-and-challenge"]
    assert "articles/self-improving-school-systems" in pages(ask(site, "Self\u2011Improving SYSTEMS"))[:3]


# Concept aliases ----------------------------------------------------------------------------


def test_an_acronym_finds_the_concept_page_and_the_articles_tagged_with_it(site):
    found = pages(ask(site, "JPD"))
    assert found[0] == "concepts/joint-practice-development"
    assert {"articles/joint-practice-development", "articles/feedback-stickers-case-study"} <= set(found)


def test_an_alias_phrase_finds_its_concept_first(site):
    assert pages(ask(site, "succession planning"))[0] == "concepts/talent-development"
    assert pages(ask(site, "critical friendship"))[0] == "concepts/peer-challenge"


# Spelling -----------------------------------------------------------------------------------


@pytest.mark.parametrize("british, american", [
    ("organisational", "organizational"), ("enquiry", "inquiry"), ("enquiries", "inquiries"),
    ("prioritise", "prioritize"), ("behaviour", "behavior"), ("colourful", "colorful"), ("programme", "program"),
    ("centre", "center"), ("analysed", "analyzed"), ("modelling", "modeling"), ("catalogue", "catalog"),
    ("judgement", "judgment"), ("practise", "practice"), ("learnt", "learned"), ("maths", "math"),
])
def test_british_and_american_spellings_are_one_word(british, american):
    assert search.fold_spelling(british) == search.fold_spelling(american)


@pytest.mark.parametrize("word", ["hour", "four", "rise", "raise", "telling", "spelled", "genre", "vogue", "our"])
def test_short_words_that_only_look_like_a_variant_are_left_alone(word):
    assert search.fold_spelling(word) == word


def test_an_american_spelling_finds_the_british_pages(site):
    found = pages(ask(site, "organizational energy"))
    assert {"concepts/organisational-energy", "articles/leaders-as-stewards-of-organisational-energy"} <= set(found[:3])


def test_a_misspelt_word_is_corrected_from_the_shard_already_downloaded(site):
    answer = ask(site, "sucession planning")
    assert answer["corrections"] == [["sucession", "succession"]]
    assert pages(answer)[0] == "concepts/talent-development"
    assert set(answer["downloaded"]) >= {"meta.json", "terms-su.json", "terms-pl.json"}


def test_short_words_are_not_corrected(site):
    answer = ask(site, "tust")  # four letters: too short to guess at
    assert answer["corrections"] == [] and answer["total"] == 0


# Noise: the text the reader sees --------------------------------------------------------------


def body(page: str) -> str:
    """A content page's text after its front matter."""
    return (REPO / "content" / f"{page}.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]


def test_front_matter_ids_and_facilitator_notes_are_not_indexed(site):
    forms = {form for shard in index_files(site, "terms-*.json").values() for entry in shard.values() for form in entry}
    assert "sticky" not in forms            # only in a facilitator note of the first-term path
    cited = [p for p in ("articles/joint-practice-development", "articles/deep-versus-shallow-partnerships")
             if "hargreaves-2012" in (REPO / "content" / f"{p}.md").read_text(encoding="utf-8")]
    assert cited, "the content no longer cites hargreaves-2012 in front matter"
    found = pages(ask(site, "2012", top=50))
    assert all("2012" in body(p) for p in found), found   # the year of a source id is not a word of the page


def test_a_path_is_found_by_its_step_prompts(site):
    assert pages(ask(site, "inherited initiatives"))[:1] == ["paths/first-term-as-lead-learner"]


def test_cross_references_are_indexed_by_the_title_the_reader_sees(tmp_path):
    srcdir = copy_root("site-basic", tmp_path)
    first = build(srcdir)
    citing = [t for t in documents(first.outdir, "articles/trust-first.html")]
    assert any("Asking good questions" in t for t in citing)
    assert not any("asking-good-questions" in t for t in citing)
    path = srcdir / "articles" / "asking-good-questions.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Asking good questions",
                                                             "title: Questions worth asking"), encoding="utf-8")
    second = build(srcdir)
    citing = documents(second.outdir, "articles/trust-first.html")
    assert any("Questions worth asking" in t for t in citing)
    assert not any("Asking good questions" in t for t in citing)


def documents(outdir: Path, url: str) -> list[str]:
    """The text blocks of one page in the index."""
    found = index_files(outdir, "doc-*.json")
    return [doc[6] for doc in found.values() if doc[0] == url]


# Phrases ------------------------------------------------------------------------------------


def test_a_quoted_phrase_ranks_pages_with_the_words_side_by_side_first(site):
    found = pages(ask(site, '"book looks"', top=4))
    for page in found:  # the text a reader sees, where a link shows its target's title
        text = " ".join(BeautifulSoup((site / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
                        .select_one("article").get_text().lower().split())
        assert "book look" in text, page


def test_words_side_by_side_rank_above_the_same_words_apart(site):
    assert pages(ask(site, "quick wins"))[0] == "articles/leader-as-designer-not-industrialist"
    assert pages(ask(site, "skin in the game"))[:2] == ["concepts/skin-in-the-game", "articles/skin-in-the-game"] or \
        set(pages(ask(site, "skin in the game"))[:2]) == {"concepts/skin-in-the-game", "articles/skin-in-the-game"}


# Snippets -----------------------------------------------------------------------------------


def test_results_carry_a_snippet_with_the_query_words_marked(site):
    answer = ask(site, "sucession planning", show=2)
    snippet = answer["snippets"][0]
    assert "[succession]" in snippet and len(snippet) < 300


def test_a_missing_word_is_reported_and_the_others_still_search(site):
    answer = ask(site, "staff zzyzzx")
    assert answer["unknown"] == ["zzyzzx"] and answer["total"] > 0


def test_blocks_are_short_and_break_at_sentences():
    text = " ".join(f"Sentence number {i} is about trust." for i in range(60))
    blocks = search.split_blocks(["Heading", text])
    assert all(len(b) <= search.BLOCK_CHARS for b in blocks)
    assert all(re.search(r"trust\.$", b) for b in blocks[1:-1])
    assert blocks[0].startswith("Heading\nSentence number 0")


def test_a_pages_text_kept_compressed_comes_back_as_it_was_collected():
    blocks = ("Trust \ue000 before tests", "Ærøskøbing Straße, \u201cquoted\u201d\nand a second line", "")
    text = search.PageText.of(blocks, (("article", "trust-before-tests"),))
    assert text.blocks == blocks
    assert text.resolved(lambda kind, target: target.upper())[0] == "Trust TRUST-BEFORE-TESTS before tests"
    assert search.PageText.of(()).blocks == ()


def test_the_stemmer_script_is_sphinxs_own_files_unchanged(site):
    from sphinx.search import en

    from knowledgebase.sphinxext.html.search import stemmer_script

    shipped = (site / "_kb" / "search" / "english-stemmer.js").read_text(encoding="utf-8")
    assert shipped == stemmer_script()
    sphinx_js = Path(en.__file__).parent / "minified-js"
    assert shipped == "\n".join((sphinx_js / name).read_text(encoding="utf-8")
                                for name in ("base-stemmer.js", en.SearchEnglish.js_stemmer_rawcode))


def test_the_python_stemmer_is_the_snowball_release_of_the_browsers():
    from knowledgebase.sphinxext.html.search import stemmer_release

    browser, python = stemmer_release()
    assert browser == python, "pin snowballstemmer to the release Sphinx's JavaScript stemmer was made with"
