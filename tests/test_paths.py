"""Reading paths: the planner, both rendered views, and the printable handout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sphinx_support import ROOTS, build, copy_root

from knowledgebase.cli import main as kb
from knowledgebase.cli.path import PLAN_ERRORS, plan_error_message
from knowledgebase.load import load
from knowledgebase.paths import DISCUSSION_MINUTES, PlanError, path_file_text, plan_path

CORPUS = ROOTS / "site-basic"


@pytest.fixture(scope="module")
def corpus_kb():
    return load(CORPUS).kb


# The planner -----------------------------------------------------------------------------------

def test_planner_covers_every_requested_concept_when_time_allows(corpus_kb):
    plan = plan_path(corpus_kb, ["trust", "inquiry"], 60)
    covered = {c for s in plan.steps for c in s.covers}
    assert covered == {"trust", "inquiry"} and plan.uncovered == ()


def test_planner_prefers_an_article_whose_primary_concept_is_requested(corpus_kb):
    plan = plan_path(corpus_kb, ["inquiry"], 11)
    assert [s.article for s in plan.steps] == ["asking-good-questions"]  # primary inquiry, not learning-walks


def test_planner_never_exceeds_the_session_time(corpus_kb):
    for minutes in (11, 20, 25, 40, 90):
        assert plan_path(corpus_kb, ["trust", "inquiry", "learning"], minutes).in_session_minutes <= minutes


def test_planner_reports_concepts_it_could_not_fit(corpus_kb):
    plan = plan_path(corpus_kb, ["trust", "inquiry", "learning"], 11)  # room for one reading; none covers all three
    assert len(plan.steps) == 1 and len(plan.uncovered) == 1


def test_planner_adds_prerequisites_as_pre_reading_and_puts_them_first(corpus_kb):
    plan = plan_path(corpus_kb, ["inquiry"], 11, pre_reading=5)
    assert [(s.article, s.when) for s in plan.steps] == [("trust-first", "pre-reading"),
                                                         ("asking-good-questions", "in-session")]
    assert plan.steps[0].reason == "prerequisite of asking-good-questions"


def test_planner_lists_prerequisites_it_had_no_time_for(corpus_kb):
    plan = plan_path(corpus_kb, ["inquiry"], 11)
    assert plan.left_out_prerequisites == ("trust-first",)


def test_planner_gives_more_weight_to_the_requested_audience(corpus_kb):
    for_teachers = plan_path(corpus_kb, ["learning"], 11, audience="teacher")
    assert [s.article for s in for_teachers.steps] == ["quiet-reflection"]


def test_planner_is_deterministic(corpus_kb):
    assert plan_path(corpus_kb, ["trust", "inquiry"], 45, "headteacher", 10) == \
        plan_path(corpus_kb, ["trust", "inquiry"], 45, "headteacher", 10)


def test_planner_step_time_is_reading_plus_discussion(corpus_kb):
    step = plan_path(corpus_kb, ["learning"], 11).steps[0]
    assert step.minutes == corpus_kb.articles[step.article].reading_time + DISCUSSION_MINUTES


def test_planner_refuses_an_unknown_concept_with_a_suggestion(corpus_kb):
    with pytest.raises(PlanError) as refused:
        plan_path(corpus_kb, ["trsut"], 60)
    assert (refused.value.code, refused.value.params) == ("unknown-concept", {"term": "trsut", "suggestion": "trust"})
    assert plan_error_message(refused.value) == "unknown concept `trsut`; did you mean `trust`?"


def test_planner_refuses_a_budget_shorter_than_any_reading(corpus_kb):
    with pytest.raises(PlanError) as refused:
        plan_path(corpus_kb, ["trust"], 5)
    assert (refused.value.code, refused.value.params) == ("too-short", {"minutes": 5, "shortest": 11})
    assert plan_error_message(refused.value).endswith("allow at least 11")


@pytest.mark.parametrize("concepts, audience, code, params, message", [
    ([], None, "no-concepts", {}, "name at least one concept with --concepts"),
    (["zzzzzz"], None, "unknown-concept", {"term": "zzzzzz", "suggestion": None},
     "unknown concept `zzzzzz`; run `kb concepts` to list them"),
    (["trust"], "headteachr", "unknown-audience", {"audience": "headteachr", "suggestion": "headteacher"},
     "unknown audience `headteachr`; did you mean `headteacher`?"),
    (["trust"], "nobody-at-all", "unknown-audience", {"audience": "nobody-at-all", "suggestion": None},
     "unknown audience `nobody-at-all`; see content/audiences/"),
])
def test_planner_errors_are_codes_the_command_words(corpus_kb, concepts, audience, code, params, message):
    with pytest.raises(PlanError) as refused:
        plan_path(corpus_kb, concepts, 60, audience)
    assert (refused.value.code, refused.value.params) == (code, params)
    assert plan_error_message(refused.value) == message


def test_every_planner_error_code_has_words_on_the_command_line():
    assert set(PLAN_ERRORS) == {"no-concepts", "unknown-concept", "unknown-audience", "no-articles", "too-short"}
    assert plan_error_message(PlanError("no-articles", concepts=["trust", "inquiry"])) == \
        "no article is tagged with trust, inquiry"


def test_written_path_passes_check_with_only_placeholder_warnings(tmp_path, corpus_kb):
    content = copy_root("site-basic", tmp_path)
    target = content / "paths" / "drafted.md"
    plan = plan_path(corpus_kb, ["trust", "inquiry"], 45, "headteacher", 10)
    target.write_text(path_file_text(corpus_kb, plan), encoding="utf-8")
    result = load(content)
    mine = [d for d in result.diagnostics if d.path.endswith("drafted.md")]
    assert mine and {d.code for d in mine} == {"KB304"}
    assert "drafted" in result.kb.paths


def test_plan_command_prints_reasons_and_total_time(capsys):
    assert kb(["path", "plan", "--content", str(CORPUS), "--concepts", "trust", "enquiry", "--minutes", "40",
               "--pre-reading", "5"]) == 0
    out = capsys.readouterr().out
    assert "Draft path on Trust, Inquiry" in out and "why: covers" in out and "minutes in the session" in out


def test_plan_command_json_is_machine_readable(capsys):
    kb(["path", "plan", "--content", str(CORPUS), "--concepts", "trust", "--minutes", "30", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["concepts"] == ["trust"] and data["steps"]


def test_plan_command_impossible_request_is_one_line_and_exit_2(capsys):
    assert kb(["path", "plan", "--content", str(CORPUS), "--concepts", "trust", "--minutes", "3"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "shorter than the shortest useful reading" in err


def test_plan_command_write_never_overwrites(tmp_path, capsys):
    target = tmp_path / "existing.md"
    target.write_text("mine", encoding="utf-8")
    code = kb(["path", "plan", "--content", str(CORPUS), "--concepts", "trust", "--minutes", "30",
               "--write", str(target)])
    assert code == 2 and target.read_text(encoding="utf-8") == "mine"
    assert "already exists" in capsys.readouterr().err


def test_plan_command_writes_a_new_path_file(tmp_path):
    target = tmp_path / "new-session.md"
    assert kb(["path", "plan", "--content", str(CORPUS), "--concepts", "trust", "--minutes", "30",
               "--write", str(target)]) == 0
    assert "TODO(trainer)" in target.read_text(encoding="utf-8")


# Rendering ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(copy_root("site-basic", tmp_path_factory.mktemp("paths")))


def test_participant_view_shows_outcomes_pre_reading_steps_and_prompts(site):
    soup = site.soup("paths/first-steps")
    assert "Explain why trust comes before inquiry." in soup.select_one(".kb-outcomes").get_text()
    assert [a.get_text() for a in soup.select("#kb-pre-reading .kb-card-title")] == ["Trust comes first"]
    assert [a.get_text() for a in soup.select("#kb-in-session .kb-card-title")] == [
        "Asking good questions", "Learning walks that help"]
    assert "Which question will your team test first?" in soup.select_one("#kb-in-session").get_text()


def test_participant_view_has_no_facilitator_notes_and_no_link_to_them(site):
    html = site.html("paths/first-steps")
    assert "Ask each pair to name one question" not in html
    assert "facilitator/" not in html


def test_facilitator_view_has_notes_and_a_running_timetable(site):
    soup = site.soup("paths/facilitator/first-steps")
    assert "Ask each pair to name one question before they read." in soup.get_text()
    rows = [[td.get_text(strip=True) for td in tr.select("td")] for tr in soup.select(".kb-timetable tbody tr")]
    assert rows == [["0:00", "0:20", "Asking good questions", "20 min"],
                    ["0:20", "0:35", "Learning walks that help", "15 min"],
                    ["0:35", "0:45", "Unallocated: introductions, breaks, close", "10 min"]]
    assert soup.find("meta", attrs={"name": "robots"})["content"] == "noindex"
