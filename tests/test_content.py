"""The real knowledge base in content/: valid, warning-free, and in our own words."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from knowledgebase.cli import main as kb
from knowledgebase.load import load
from sphinx_support import REPO

CONTENT = REPO / "content"
OVERLAP_TOOL = REPO.parent / "shared" / "tools" / "seed_overlap.py"
PARAPHRASE_TOOL = REPO.parent / "shared" / "tools" / "seed_paraphrase.py"


def test_content_passes_a_strict_check(capsys):
    assert kb(["check", "--strict", "--content", str(CONTENT)]) == 0, capsys.readouterr().out


def test_content_builds_strictly_without_a_single_warning(tmp_path, capfd):
    code = kb(["build", "--strict", "-q", "--content", str(CONTENT), "--conf", str(REPO), "--out", str(tmp_path / "html")])
    captured = capfd.readouterr()
    assert code == 0, captured.err
    assert "WARNING" not in captured.err


def test_every_concept_in_the_starting_vocabulary_has_a_page():
    starting = """trust inquiry skin-in-the-game design-vs-delivery lead-learner instructional-leadership
    professional-learning-community collaboration evaluation-as-process proving-vs-improving agency
    adaptive-expertise culture-and-ethos time-and-pace evidence-and-research self-improving-system
    deep-partnership joint-practice-development collective-moral-purpose peer-challenge leadership-support
    learning-stance equity leadership-continuity talent-development systemic-perspective organisational-energy
    system-improvement-journey""".split()
    assert set(starting) <= set(load(CONTENT).kb.concepts)


def test_every_article_cites_a_source_and_asks_questions():
    articles = load(CONTENT).kb.articles.values()
    assert [a.id for a in articles if not a.sources or not 2 <= len(a.questions) <= 4] == []


def test_there_are_at_least_eight_tools_of_300_to_900_words_each_linked_from_an_article_that_is_not_a_tool():
    articles = load(CONTENT).kb.articles
    tools = {a.id: a for a in articles.values() if a.kind == "tool"}
    assert len(tools) >= 8
    assert {t.id: t.word_count for t in tools.values() if not 300 <= t.word_count <= 900} == {}
    linked_from_ideas = {link for a in articles.values() if a.kind != "tool" for link in a.links}
    assert sorted(set(tools) - linked_from_ideas) == []


def test_every_tool_says_where_it_comes_from_and_that_its_steps_are_our_suggestion():
    for tool in (a for a in load(CONTENT).kb.articles.values() if a.kind == "tool"):
        body = (CONTENT / tool.path).read_text(encoding="utf-8").split("\n---\n", 1)[1]
        where_from = body.split("## Where this comes from\n", 1)[1].split("\n## ", 1)[0]
        assert "{source}`" in where_from and re.search(r"\bour (own )?suggestions?\b", where_from), tool.id
        assert "## Steps\n" in body and "## Prompts\n" in body and "| Time |" in body, tool.id
        assert "The timings are our suggestion" in body, tool.id


def test_content_shares_no_run_of_ten_words_with_the_seed_documents():
    if not OVERLAP_TOOL.is_file():
        pytest.skip("the shared seed documents are not beside this clone")
    result = subprocess.run([sys.executable, str(OVERLAP_TOOL), str(CONTENT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_content_follows_no_seed_sentence_clause_by_clause():
    if not PARAPHRASE_TOOL.is_file():
        pytest.skip("the shared seed documents are not beside this clone")
    result = subprocess.run([sys.executable, str(PARAPHRASE_TOOL), str(CONTENT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout
