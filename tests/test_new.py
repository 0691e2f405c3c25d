"""Scaffolding with `kb new`, and checking only what changed with `kb check --changed`."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from knowledgebase.cli import main as kb
from knowledgebase.load import load
from sphinx_support import ROOTS


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(ROOTS / "site-basic", target)
    return target


def new(content: Path, *args: str) -> int:
    return kb(["new", "--content", str(content), *args])


def fill(text: str, replacements: dict[str, str]) -> str:
    """Do what an author does: replace each marked line or value with real words."""
    lines = []
    for line in text.splitlines():
        if "TODO(" in line:
            for marker, value in replacements.items():
                if marker in line:
                    line = value
                    break
            else:
                line = re.sub(r"TODO\([a-z]+\): ?", "", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_new_article_is_named_after_its_title(content):
    assert new(content, "article", "Trust Before Tests: a Primer!", "--concepts", "trust", "--audience", "headteacher") == 0
    assert (content / "articles" / "trust-before-tests-a-primer.md").is_file()


def test_new_article_front_matter_holds_the_given_concepts_and_audience(content):
    new(content, "article", "Walking together", "--concepts", "enquiry", "trust", "--audience", "teacher", "--kind", "case-study")
    article = load(content).kb.articles["walking-together"]
    assert article.concepts == ("inquiry", "trust") and article.kind == "case-study"
    text = (content / "articles" / "walking-together.md").read_text(encoding="utf-8")
    assert "concepts:\n- inquiry\n- trust\n" in text and "audience:\n- teacher\n" in text and "kind: case-study" in text


def test_unfilled_template_gives_only_placeholder_warnings(content, capsys):
    new(content, "article", "Walking together", "--concepts", "trust", "--audience", "teacher")
    capsys.readouterr()
    assert kb(["check", "--content", str(content)]) == 0
    out = capsys.readouterr().out
    assert "KB304" in out and " error " not in out
    assert kb(["check", "--strict", "--content", str(content)]) == 1


def test_filled_article_template_passes_a_strict_check(content, capsys):
    new(content, "article", "Walking together", "--concepts", "trust", "--audience", "teacher")
    path = content / "articles" / "walking-together.md"
    path.write_text(fill(path.read_text(encoding="utf-8"), {
        "summary:": "summary: How two colleagues walk the school together to learn.",
        "sources": "- field-notes",
        "TODO(author): a question": "- What would you look for on a walk with a colleague?",
        "TODO(author): a second": "- Who would you walk with first?",
    }), encoding="utf-8")
    capsys.readouterr()
    assert kb(["check", "--strict", "--content", str(content)]) == 0, capsys.readouterr().out
    assert "walking-together" in load(content).kb.articles


@pytest.mark.parametrize("what", [["article"], ["article", "--kind", "tool"], ["concept"], ["path"]],
                         ids=["article", "tool", "concept", "path"])
def test_every_unfilled_template_gives_only_placeholder_warnings(content, capsys, what):
    assert new(content, what[0], "Something new", *what[1:]) == 0
    capsys.readouterr()
    assert kb(["check", "--content", str(content), "--format", "json"]) == 0
    import json

    codes = {d["code"] for d in json.loads(capsys.readouterr().out)["diagnostics"]}
    untagged = {"KB401"} if what == ["concept"] else set()  # a new concept has no article yet
    assert codes == {"KB304"} | untagged


def test_new_tool_has_the_sections_a_tool_needs_and_says_its_timings_are_a_suggestion(content):
    assert new(content, "article", "A monitoring conversation", "--concepts", "trust", "--kind", "tool") == 0
    text = (content / "articles" / "a-monitoring-conversation.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, flags=re.MULTILINE) == [
        "What this tool is for", "Where this comes from", "Before you start", "Steps", "Prompts",
        "After you have used it", "Related reading"]
    assert "kind: tool" in text and "| Step | Time | What to do |" in text
    assert "The timings are our suggestion" in text and "our own suggestion" in text


def test_other_kinds_keep_the_article_template(content):
    new(content, "article", "Asking why", "--kind", "explainer")
    text = (content / "articles" / "asking-why.md").read_text(encoding="utf-8")
    assert "## What the idea is" in text and "## Steps" not in text


def test_filled_tool_template_passes_a_strict_check(content, capsys):
    new(content, "article", "A monitoring conversation", "--concepts", "trust", "--audience", "headteacher",
        "--kind", "tool")
    path = content / "articles" / "a-monitoring-conversation.md"
    path.write_text(fill(path.read_text(encoding="utf-8"), {
        "summary:": "summary: A twenty-minute conversation that replaces a book look.",
        "sources": "- field-notes",
        "TODO(author): a question": "- What did the last book look change for pupils?",
        "TODO(author): a second": "- Who chooses the books next time?",
        "| 1 |": "| 1 | 5 minutes | The teacher chooses three books and says why. |",
        "| 2 |": "| 2 | 15 minutes | Look at the books together and agree one thing to try. |",
    }), encoding="utf-8")
    capsys.readouterr()
    assert kb(["check", "--strict", "--content", str(content)]) == 0, capsys.readouterr().out
    assert load(content).kb.articles["a-monitoring-conversation"].kind == "tool"


def test_filled_concept_template_passes_a_strict_check(content, capsys):
    assert new(content, "concept", "Relational warmth") == 0
    path = content / "concepts" / "relational-warmth.md"
    path.write_text(fill(path.read_text(encoding="utf-8"), {
        "another name": "- warmth",
        "definition:": "definition: The felt care that colleagues show one another.",
        "concept ids from": "- trust",
    }), encoding="utf-8")
    article = content / "articles" / "quiet-reflection.md"
    article.write_text(article.read_text(encoding="utf-8").replace("concepts: [learning]", "concepts: [learning, warmth]"),
                       encoding="utf-8")
    capsys.readouterr()
    assert kb(["check", "--strict", "--content", str(content)]) == 0, capsys.readouterr().out


def test_filled_path_template_passes_a_strict_check(content, capsys):
    assert new(content, "path", "A short session", "--audience", "headteacher") == 0
    path = content / "paths" / "a-short-session.md"
    path.write_text(fill(path.read_text(encoding="utf-8"), {
        "summary:": "summary: Thirty minutes on trust.",
        "outcomes": "- Say why trust comes first.",
        "article:": "- article: trust-first",
        "prompt:": "  prompt: Where is trust strongest here?",
        "facilitator:": "  facilitator: Start with a quick round.",
    }), encoding="utf-8")
    capsys.readouterr()
    assert kb(["check", "--strict", "--content", str(content)]) == 0, capsys.readouterr().out


def test_new_never_overwrites_an_existing_file(content, capsys):
    existing = content / "articles" / "trust-first.md"
    before = existing.read_bytes()
    assert new(content, "article", "Trust first") == 2
    assert existing.read_bytes() == before
    assert "already exists" in capsys.readouterr().err


def test_new_refuses_a_title_that_makes_no_file_name(content, capsys):
    assert new(content, "article", "?!") == 2
    assert "empty file name" in capsys.readouterr().err


def test_new_concept_refuses_a_label_the_vocabulary_already_has(content, capsys):
    assert new(content, "concept", "Relational trust") == 2
    assert "already the concept `trust`" in capsys.readouterr().err


def test_new_checks_concepts_and_audiences_with_suggestions(content, capsys):
    assert new(content, "article", "X marks", "--concepts", "trsut") == 2
    assert "did you mean `trust`?" in capsys.readouterr().err
    assert new(content, "article", "X marks", "--audience", "headteachers") == 2
    assert "did you mean `headteacher`?" in capsys.readouterr().err
    assert not (content / "articles" / "x-marks.md").exists()


# kb check --changed ------------------------------------------------------------------------------

def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
                               "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(repo), "PATH": "/usr/bin:/bin"}).stdout


@pytest.fixture
def repo(tmp_path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    shutil.copytree(ROOTS / "site-basic", tmp_path / "content")
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def break_concept(path: Path, old: str, new_text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new_text), encoding="utf-8")


def test_changed_reports_only_files_changed_since_the_base(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    base = git(repo, "rev-parse", "HEAD").strip()
    break_concept(repo / "content/articles/quiet-reflection.md", "concepts: [learning]", "concepts: [lerning]")
    git(repo, "commit", "-qam", "one bad change")
    break_concept(repo / "content/articles/learning-walks.md", "concepts: [learning, inquiry]", "concepts: [lerning, inquiry]")
    capsys.readouterr()
    assert kb(["check", "--content", "content", "--changed", "--base", base]) == 1
    out = capsys.readouterr().out
    assert "quiet-reflection.md:4" in out and "learning-walks.md:4" in out  # committed and uncommitted changes


def test_changed_ignores_problems_in_unchanged_files(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    break_concept(repo / "content/articles/quiet-reflection.md", "concepts: [learning]", "concepts: [lerning]")
    git(repo, "commit", "-qam", "an old problem")
    (repo / "content/articles/new-one.md").write_text(
        (repo / "content/articles/learning-walks.md").read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    assert kb(["check", "--content", "content", "--changed", "--base", "HEAD"]) == 0
    assert "quiet-reflection" not in capsys.readouterr().out


def test_changed_with_an_unknown_base_is_a_usage_error(repo, capsys, monkeypatch):
    monkeypatch.chdir(repo)
    assert kb(["check", "--content", "content", "--changed", "--base", "no-such-ref"]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
