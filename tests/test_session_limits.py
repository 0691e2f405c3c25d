"""The session builder enforces every limit the schema sets on a path and its steps, and no other.

The builder types no limit in: it reads them from the session data the build publishes
(``sessiondata._limits``, from ``schema.PATH`` and ``schema.STEP``). For every limit a path or
step field declares (``max_length``, ``max_items``, ``minimum``, ``maximum``, ``min_items``), the
builder's checks run in Node on the published data at the limit and one past it:

- a maximum holds a session (``KBSession.validate``: shared links, the stored draft, the print
  page) and a path file (the export's problems): at the limit both accept, one over both refuse;
- a minimum, like a required field, is what a finished path file needs and a draft may lack: at
  the limit the export reports nothing, one under it reports a problem.

A schema limit the builder does not know how to enforce fails here too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import REPO, require

from knowledgebase.cli.path import PLAN_ERRORS
from knowledgebase.load import load
from knowledgebase.schema import PATH, STEP
from knowledgebase.sessiondata import LIMIT_KINDS, SESSION_LIMITS, script, session_data

RUNNER = Path(__file__).with_name("session_limits_runner.js")


def schema_limits() -> list[dict]:
    return [{"scope": scope, "field": f.name, "type": f.type, "kind": kind, "limit": getattr(f, kind)}
            for scope, schema in (("path", PATH), ("step", STEP)) for f in schema.fields
            for kind in LIMIT_KINDS if getattr(f, kind) is not None]


@pytest.fixture(scope="module")
def probed(tmp_path_factory):
    node = shutil.which("node") or shutil.which("nodejs")
    require(node is not None, "Node.js (Debian package `nodejs`)")
    published = tmp_path_factory.mktemp("limits") / "session-data.js"
    published.write_text(script(session_data(load(REPO / "content").kb)), encoding="ascii")
    cases = schema_limits() + [{"scope": "session", "field": field, "type": "steps" if field == "steps" else "ref-list",
                                "kind": kind, "limit": limit}
                               for field, limits in SESSION_LIMITS.items() for kind, limit in limits.items()]
    done = subprocess.run([node, str(RUNNER), str(published)], input=json.dumps({"cases": cases, "codes": list(PLAN_ERRORS)}),
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["base"] == [], "the session every case starts from must pass every check"
    return cases, answer


def test_the_schema_declares_the_limits_this_test_covers():
    found = {(c["scope"], c["field"], c["kind"]): c["limit"] for c in schema_limits()}
    assert found[("path", "title", "max_length")] == 120  # the builder held titles to 200 before
    assert {kind for _, _, kind in found} == set(LIMIT_KINDS)
    assert len(found) >= 10


def test_every_schema_limit_on_a_path_or_step_is_what_the_builder_enforces(probed):
    cases, answer = probed
    wrong = []
    for case, result in zip(cases, answer["results"]):
        name = f"{case['scope']}.{case['field']} {case['kind']} {case['limit']}"
        at, past = result["at"], result["past"]
        if at is None or (past is None and case["limit"] > 0):
            wrong.append(f"{name}: the builder has no way to hold this field to it")
            continue
        if case["scope"] == "session":  # the builder's own caps on what a session (a link) holds
            if not at["accepted"] or past["accepted"]:
                wrong.append(f"{name}: validate() accepts {at['accepted']} at the limit, {past['accepted']} past it")
            continue
        if at["problems"]:
            wrong.append(f"{name}: the export reports {at['problems']} at the limit")
        if past is not None and not past["problems"]:
            wrong.append(f"{name}: the export reports nothing past the limit")
        if case["kind"].startswith("max") and (not at["accepted"] or past["accepted"]):
            wrong.append(f"{name}: validate() accepts {at['accepted']} at the limit, {past['accepted']} past it")
    assert wrong == []


def test_the_published_limits_are_the_schemas():
    data = session_data(load(REPO / "content").kb)
    published = {(scope, field, kind): value for scope in ("path", "step")
                 for field, kinds in data["limits"][scope].items() for kind, value in kinds.items()}
    assert published == {(c["scope"], c["field"], c["kind"]): c["limit"] for c in schema_limits()}
    assert data["limits"]["session"] == SESSION_LIMITS


def test_the_builder_words_every_code_the_planner_refuses_with(probed):
    _, answer = probed
    assert answer["worded"] == dict.fromkeys(PLAN_ERRORS, True)
