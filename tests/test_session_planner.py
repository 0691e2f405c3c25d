"""The site's session builder plans and warns exactly as `kb path plan` and `kb check` do.

The planner exists twice: ``plan_path`` in Python for the CLI and ``kb-planner.js``
for the static site. Both run here over hundreds of requests (every concept alone,
pairs, triples, labels and aliases, every audience and none, minutes from too
few to plenty, pre-reading from 0 to 60, unknown and misspelt terms) against the
real content and a generated corpus, in one Node process per corpus, fed the
session data the site publishes. Answers must be identical, errors included: the same
code with the same parameters, which each front end words for itself.
"""

from __future__ import annotations

import itertools
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from browser_support import REPO, require
from knowledgebase.load import load
from knowledgebase.model import ReadingPath, Step
from knowledgebase.paths import PlanError, check_paths, plan_path
from knowledgebase.sessiondata import session_data

sys.path.insert(0, str(REPO / "benchmarks"))
import bench_search_quality as quality  # noqa: E402
import generate_corpus  # noqa: E402

RUNNER = Path(__file__).with_name("session_planner_runner.js")


def run_in_node(data: dict, requests: list[dict], sessions: list[dict] = ()) -> dict:
    executable = quality.node()
    require(executable is not None, "Node.js (Debian package `nodejs`)")
    done = subprocess.run([executable, str(RUNNER)], input=json.dumps({"data": data, "requests": requests,
                                                                       "sessions": list(sessions)}),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def python_answer(kb, request: dict) -> dict:
    try:
        plan = plan_path(kb, request["concepts"], request["minutes"], request["audience"], request["pre_reading"])
    except PlanError as error:
        return {"error": {"code": error.code, **error.params}}
    return {"steps": [{"article": s.article, "minutes": s.minutes, "when": s.when, "reason": s.reason,
                       "covers": list(s.covers)} for s in plan.steps],
            "uncovered": list(plan.uncovered), "left_out_prerequisites": list(plan.left_out_prerequisites)}


def node_answer(answer: dict) -> dict:
    if "error" in answer:
        return {"error": answer["error"]}
    return {key: answer[key] for key in ("steps", "uncovered", "left_out_prerequisites")}


def requests_for(kb, seed: int, sample: int) -> list[dict]:
    """Every concept alone, then sampled pairs and triples written as ids, labels and aliases."""
    rng = random.Random(seed)
    concepts = sorted(kb.concepts)
    audiences = [None, *sorted(kb.audiences)]
    minutes = [1, 8, 15, 25, 45, 60, 90, 150, 400]
    requests = []

    def written(cid: str) -> str:
        concept = kb.concepts[cid]
        return rng.choice([cid, concept.label, concept.label.upper(), *concept.aliases])

    for cid in concepts:
        for audience in (None, rng.choice(audiences)):
            requests.append({"concepts": [written(cid)], "minutes": rng.choice(minutes), "audience": audience,
                             "pre_reading": rng.choice([0, 5, 20, 60])})
    for size in (2, 3):
        groups = list(itertools.combinations(concepts, size))
        for group in rng.sample(groups, min(sample, len(groups))):
            requests.append({"concepts": [written(c) for c in group], "minutes": rng.choice(minutes),
                             "audience": rng.choice(audiences), "pre_reading": rng.choice(range(0, 61, 5))})
    for audience in audiences:
        for budget in minutes:
            requests.append({"concepts": rng.sample(concepts, 2), "minutes": budget, "audience": audience,
                             "pre_reading": rng.choice([0, 30, 60])})
    # Requests that cannot be met: the errors must be the same code with the same parameters.
    misspelt = concepts[0][:-1] + "x"
    requests += [
        {"concepts": [], "minutes": 60, "audience": None, "pre_reading": 0},
        {"concepts": [misspelt], "minutes": 60, "audience": None, "pre_reading": 0},
        {"concepts": ["nothing like any concept at all"], "minutes": 60, "audience": None, "pre_reading": 0},
        {"concepts": [concepts[0], "Zzz"], "minutes": 60, "audience": None, "pre_reading": 0},
        {"concepts": [concepts[1]], "minutes": 60, "audience": sorted(kb.audiences)[0][:-2], "pre_reading": 0},
        {"concepts": [concepts[1]], "minutes": 60, "audience": "nobody-at-all", "pre_reading": 0},
        {"concepts": [concepts[2], concepts[2], kb.concepts[concepts[2]].label], "minutes": 2, "audience": None,
         "pre_reading": 0},
    ]
    return requests


@pytest.fixture(scope="module")
def generated_kb(tmp_path_factory):
    out = tmp_path_factory.mktemp("planner-corpus") / "content"
    generate_corpus.write_corpus(out, 300, seed=7)
    return load(out).kb


def _assert_same_plans(kb, requests):
    answers = run_in_node(session_data(kb), requests)["plans"]
    assert len(answers) == len(requests)
    differences = [(request, python_answer(kb, request), node_answer(answer))
                   for request, answer in zip(requests, answers) if python_answer(kb, request) != node_answer(answer)]
    assert not differences, differences[:3]
    return answers


def test_the_browser_planner_drafts_the_same_sessions_as_kb_path_plan_on_the_real_content():
    kb = load(REPO / "content").kb
    requests = requests_for(kb, seed=1, sample=120)
    assert len(requests) >= 300
    answers = _assert_same_plans(kb, requests)
    assert sum("steps" in a and len(a["steps"]) > 1 for a in answers) >= 100, "too few requests drafted a session"
    assert any(a.get("left_out_prerequisites") for a in answers) or any(
        "prerequisite of" in s["reason"] for a in answers for s in a.get("steps", ()))
    assert sum("error" in a for a in answers) >= 7
    codes = {a["error"]["code"] for a in answers if "error" in a}
    assert codes >= {"no-concepts", "unknown-concept", "unknown-audience", "too-short"}
    suggestions = [a["error"]["suggestion"] for a in answers if a.get("error", {}).get("code", "").startswith("unknown")]
    assert None in suggestions and any(suggestions), "want an unknown term with a suggestion and one without"


def test_the_browser_planner_drafts_the_same_sessions_as_kb_path_plan_on_a_generated_corpus(generated_kb):
    requests = requests_for(generated_kb, seed=2, sample=150)
    assert len(requests) >= 300
    answers = _assert_same_plans(generated_kb, requests)
    assert any("prerequisite of" in s["reason"] for a in answers for s in a.get("steps", ()))
    assert any(a.get("left_out_prerequisites") for a in answers)


# The path rules: the builder's warnings are kb check's messages -------------------------------


def _path(steps, duration) -> ReadingPath:
    return ReadingPath("trial", "paths/trial.md", "Trial", "A trial path.", ("headteacher",), duration,
                       ("Something.",), tuple(Step(a, m, w) for a, m, w in steps))


class _NoLines:
    """Front matter without lines: the builder's warnings name steps, not lines."""

    def line(self, *keys):
        return None


def _sessions(kb, rng, count):
    with_prerequisites = sorted(a.id for a in kb.articles.values() if a.prerequisites)
    ids = sorted(kb.articles)
    sessions = []
    for _ in range(count):
        chosen = rng.sample(with_prerequisites, min(2, len(with_prerequisites))) + rng.sample(ids, 3)
        for a in list(chosen):
            chosen += list(kb.articles[a].prerequisites)[:rng.randint(0, 1)]
        rng.shuffle(chosen)
        chosen.append(rng.choice(chosen))  # the same article twice
        steps = [(a, rng.randint(1, 30), rng.choice(["pre-reading", "in-session", "follow-up"])) for a in chosen]
        sessions.append({"v": 1, "title": "", "summary": "", "audience": [], "duration": rng.randint(5, 90),
                         "outcomes": [], "steps": [{"article": a, "minutes": m, "when": w, "prompt": "",
                                                    "facilitator": ""} for a, m, w in steps]})
    return sessions


@pytest.mark.parametrize("corpus", ["real", "generated"])
def test_the_builders_warnings_are_the_messages_of_kb_check_for_the_same_path(corpus, request):
    kb = load(REPO / "content").kb if corpus == "real" else request.getfixturevalue("generated_kb")
    sessions = _sessions(kb, random.Random(3), 40)
    warnings = run_in_node(session_data(kb), [], sessions)["warnings"]
    rules_seen = set()
    for session, found in zip(sessions, warnings):
        path = _path([(s["article"], s["minutes"], s["when"]) for s in session["steps"]], session["duration"])
        expected = [(d.code, d.message, d.hint) for d in check_paths(kb, path, "paths/trial.md", _NoLines())]
        assert [(w["code"], w["message"], w["hint"]) for w in found] == expected
        rules_seen.update(w["rule"] for w in found)
    assert rules_seen == {"over-time", "duplicate-step", "missing-prerequisite", "prerequisite-after"}

