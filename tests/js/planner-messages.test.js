/* kb-planner.js refuses with codes and parameters; kb-builder-messages.js words them as the builder
 * always has. tests/test_session_planner.py holds the codes and parameters to Python's planner. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { STATIC, data } = require("./support.js");

const KBPlanner = require(path.join(STATIC, "kb-planner.js"));
const messages = require(path.join(STATIC, "kb-builder-messages.js"));

function refusal(site, request) {
  try {
    KBPlanner.plan(site, Object.assign({ concepts: [], minutes: 60, audience: null, pre_reading: 0 }, request));
  } catch (error) {
    assert.ok(error instanceof KBPlanner.PlanError);
    assert.ok(error instanceof Error);
    return { code: error.code, params: error.params };
  }
  assert.fail("the planner drafted a plan");
}

test("each refusal is a code with its parameters", () => {
  const site = data();
  const concept = site.concepts.find((c) => c.id === "trust");
  const audience = site.audiences[0].id;
  assert.deepEqual(refusal(site, {}), { code: "no-concepts", params: {} });
  assert.deepEqual(refusal(site, { concepts: ["trsut"] }),
                   { code: "unknown-concept", params: { term: "trsut", suggestion: "trust" } });
  assert.deepEqual(refusal(site, { concepts: ["zzzzzz"] }),
                   { code: "unknown-concept", params: { term: "zzzzzz", suggestion: null } });
  assert.deepEqual(refusal(site, { concepts: [concept.label], audience: audience.slice(0, -1) }),
                   { code: "unknown-audience", params: { audience: audience.slice(0, -1), suggestion: audience } });
  const short = refusal(site, { concepts: ["trust"], minutes: 1 });
  assert.equal(short.code, "too-short");
  assert.equal(short.params.minutes, 1);
  assert.ok(short.params.shortest > 1);
  const orphan = JSON.parse(JSON.stringify(site));
  orphan.concepts.push({ id: "nobody-writes-this", label: "Nobody writes this", aliases: [], terms: ["nobody-writes-this"] });
  assert.deepEqual(refusal(orphan, { concepts: ["nobody writes this"] }),
                   { code: "no-articles", params: { concepts: ["nobody-writes-this"] } });
});

test("the builder words every code as before", () => {
  const error = (code, params) => new KBPlanner.PlanError(code, params);
  assert.equal(messages.unknownConcept("trsut", error("unknown-concept", { term: "trsut", suggestion: "trust" })),
               "No concept matches \u201ctrsut\u201d: unknown concept `trsut`; did you mean `trust`?.");
  assert.equal(messages.unknownConcept("zz", error("unknown-concept", { term: "zz", suggestion: null })),
               "No concept matches \u201czz\u201d: unknown concept `zz`; run `kb concepts` to list them.");
  assert.equal(messages.draftError(error("no-concepts", {})), "Choose at least one concept first.");
  assert.equal(messages.draftError(error("too-short", { minutes: 5, shortest: 11 })),
               "This session cannot be drafted: 5 minutes is shorter than the shortest useful reading on these " +
               "concepts (11 minutes with discussion); allow at least 11.");
  assert.equal(messages.draftError(error("no-articles", { concepts: ["trust", "inquiry"] })),
               "This session cannot be drafted: no article is tagged with trust, inquiry.");
  assert.equal(messages.draftError(error("unknown-audience", { audience: "x", suggestion: null })),
               "This session cannot be drafted: unknown audience `x`; see content/audiences/.");
  assert.equal(messages.planError(error("unknown-audience", { audience: "headteachr", suggestion: "headteacher" })),
               "unknown audience `headteachr`; did you mean `headteacher`?");
});

test("a term is text, never a template", () => {
  const worded = messages.planError(new KBPlanner.PlanError("unknown-concept", { term: "{hint} {term} $&", suggestion: null }));
  assert.equal(worded, "unknown concept `{hint} {term} $&`; run `kb concepts` to list them");
});
