/* kb-session.js: validation, limits, share links, participant copy, the draft in storage. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { STATIC, data, browser, memoryStorage, validSession } = require("./support.js");

const KBSession = require(path.join(STATIC, "kb-session.js"));

test("an empty session is valid and empty", () => {
  const session = KBSession.empty();
  assert.deepEqual(session, { v: 1, title: "", summary: "", audience: [], duration: 60, outcomes: [], steps: [] });
  assert.ok(KBSession.isEmpty(session));
  assert.deepEqual(KBSession.validate(session, data()), { session, errors: [] });
});

test("validate returns a clean copy of a sound session", () => {
  const site = data();
  const given = validSession(site);
  const { session, errors } = KBSession.validate(given, site);
  assert.deepEqual(errors, []);
  assert.deepEqual(session, given);
  assert.notEqual(session.steps, given.steps);
});

test("validate refuses what cannot be a session, with a message, and never throws", () => {
  const site = data();
  const step = validSession(site).steps[0];
  const refused = {
    "This is not a session.": [null, [], "s", 5, new Date()],
    "The session has a field it should not have.": [{ onload: "x" }, { __proto__: null, extra: 1 }],
    "This session was made by a different version of the builder.": [{ v: 2 }],
    "The session's title is not text.": [{ title: ["<script>"] }],
    "The session's length is not a number of minutes from 1 to 600.": [{ duration: 0 }, { duration: 1.5 }, { duration: "60" }],
    "The session's outcomes are not a list of up to 8.": [{ outcomes: "one" }],
    "An outcome is not text of a sensible length.": [{ outcomes: [3] }],
    "The session's audience is not a list.": [{ audience: "middle-leader" }],
    "An audience in the session is not a valid id.": [{ audience: ["Middle Leader"] }],
    "The session's steps are not a list.": [{ steps: {} }],
    "Step 1 is not a step.": [{ steps: [[]] }],
    "Step 1 has a field it should not have.": [{ steps: [Object.assign({ extra: 1 }, step)] }],
    "Step 1 does not name an article by its id.": [{ steps: [Object.assign({}, step, { article: "../../etc/passwd" })] }],
    "Step 1 does not have a number of minutes from 1 to 600.": [{ steps: [Object.assign({}, step, { minutes: 0 })] }],
    "Step 1 is not pre-reading, in-session or follow-up.": [{ steps: [Object.assign({}, step, { when: "later" })] }],
    "Step 1's prompt is not text.": [{ steps: [Object.assign({}, step, { prompt: null })] }],
    "This session could not be read.": [{ get title() { throw new Error("boom"); } }],
  };
  for (const [message, values] of Object.entries(refused)) {
    for (const value of values) {
      const result = KBSession.validate(value, site);
      assert.equal(result.session, null, message);
      assert.equal(result.errors[result.errors.length - 1], message);
    }
  }
});

test("articles and audiences the site lacks are dropped and reported, audiences kept once", () => {
  const site = data();
  const given = validSession(site);
  given.audience = [given.audience[0], "no-such-audience", given.audience[0]];
  given.steps.push(Object.assign({}, given.steps[0], { article: "no-such-article" }));
  const { session, errors } = KBSession.validate(given, site);
  assert.deepEqual(session.audience, [given.audience[0]]);
  assert.equal(session.steps.length, 1);
  assert.deepEqual(errors, ["Left out an audience this site does not have: no-such-audience.",
                            "Left out an article this site does not have: no-such-article."]);
});

test("a lone surrogate is replaced rather than refused", () => {
  const { session } = KBSession.validate({ title: "a\ud800b \ud83d\ude00", outcomes: ["\udc00"] }, data());
  assert.equal(session.title, "a\ufffdb \ud83d\ude00");
  assert.deepEqual(session.outcomes, ["\ufffd"]);
});

test("limits come from the data the site publishes, and without data there are none", () => {
  const site = data();
  const limits = KBSession.limits(site);
  const published = site.limits;
  assert.equal(limits.title, published.path.title.max_length);
  assert.equal(limits.summary, published.path.summary.max_length);
  assert.equal(limits.outcome, published.path.outcomes.max_length);
  assert.equal(limits.outcomes, published.path.outcomes.max_items);
  assert.equal(limits.prompt, published.step.prompt.max_length);
  assert.equal(limits.facilitator, published.step.facilitator.max_length);
  assert.equal(limits.duration_max, published.path.duration.maximum);
  assert.equal(limits.minutes_max, published.step.minutes.maximum);
  assert.equal(limits.steps, published.session.steps.max_items);
  assert.equal(limits.audience, published.session.audience.max_items);
  assert.ok(Object.values(KBSession.limits(undefined)).every((limit) => limit === null));
  // Changed in the data, changed in the builder: nothing is written twice.
  site.limits.path.title.max_length = 5;
  assert.equal(KBSession.validate({ title: "123456" }, site).session, null);
  assert.ok(KBSession.validate({ title: "12345" }, site).session);
  assert.ok(KBSession.validate({ title: "x".repeat(5000) }).session, "without data, only the form is checked");
});

test("every maximum is held at the limit and refused one over", () => {
  const site = data();
  const limits = KBSession.limits(site);
  const base = validSession(site);
  const step = (extra) => ({ steps: [Object.assign({}, base.steps[0], extra)] });
  const cases = {
    title: (n) => ({ title: "x".repeat(n) }),
    summary: (n) => ({ summary: "x".repeat(n) }),
    outcome: (n) => ({ outcomes: ["x".repeat(n)] }),
    outcomes: (n) => ({ outcomes: Array(n).fill("o") }),
    prompt: (n) => step({ prompt: "x".repeat(n) }),
    facilitator: (n) => step({ facilitator: "x".repeat(n) }),
    duration_max: (n) => ({ duration: n }),
    minutes_max: (n) => step({ minutes: n }),
    steps: (n) => ({ steps: Array(n).fill(base.steps[0]) }),
    audience: (n) => ({ audience: Array.from({ length: n }, (_, i) => "audience-" + i) }),
  };
  for (const [name, make] of Object.entries(cases)) {
    assert.equal(typeof limits[name], "number", name);
    assert.ok(KBSession.validate(Object.assign({}, base, make(limits[name])), site).session, name + " at its limit");
    assert.equal(KBSession.validate(Object.assign({}, base, make(limits[name] + 1)), site).session, null, name + " over");
  }
});

test("a share link encodes the session and decodes to the same, whatever its text", () => {
  const site = data();
  const session = validSession(site, { title: "Café — ✓ 😀 \"quoted\" <b>", summary: "a\nb" });
  session.steps[0].facilitator = "Notes & more";
  const text = KBSession.encode(session);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.equal(KBSession.encode(JSON.parse(JSON.stringify(session))), text);
  const json = Buffer.from(text, "base64url").toString("utf8");
  assert.deepEqual(Object.keys(JSON.parse(json)), ["v", "title", "summary", "audience", "duration", "outcomes", "steps"]);
  assert.deepEqual(KBSession.decode(text, site), { session, error: null, errors: [] });
});

test("a damaged or oversized link is refused before anything in it is used", () => {
  const site = data();
  const refusals = [
    [undefined, "The link holds no session."],
    ["A".repeat(KBSession.MAX_FRAGMENT + 1), "The link is too long to be a session from this site."],
    ["%%%not*base64!!", "The link is damaged: its session is not in the expected form."],
    ["AAAAA", "The link is damaged: its session is not in the expected form."],
    [Buffer.from([0xff, 0xfe, 0x7b, 0x7d]).toString("base64url"), "The link is damaged: its session is not readable text."],
    [Buffer.from('{"v": 1, "title": ').toString("base64url"), "The link is damaged: its session could not be read."],
  ];
  for (const [text, message] of refusals) {
    const decoded = KBSession.decode(text, site);
    assert.equal(decoded.session, null);
    assert.equal(decoded.error, message);
  }
  const tooMany = Buffer.from(JSON.stringify({ v: 1, steps: Array(61).fill(validSession(site).steps[0]) })).toString("base64url");
  assert.equal(KBSession.decode(tooMany, site).error, "This link's session cannot be opened. The session has more than 60 steps.");
});

test("fragment parameters are read as written, and an oversized fragment gives none", () => {
  assert.deepEqual({ ...KBSession.fragmentParams("#kind=handout&s=abc_-&=x&novalue") }, { kind: "handout", s: "abc_-" });
  assert.deepEqual({ ...KBSession.fragmentParams("#s=" + "A".repeat(KBSession.MAX_FRAGMENT + 1024)) }, {});
  assert.deepEqual({ ...KBSession.fragmentParams(null) }, {});
});

test("the participants' copy has every facilitator note emptied and leaves the session as it was", () => {
  const site = data();
  const session = validSession(site);
  session.steps = [Object.assign({}, session.steps[0], { prompt: "Ask this", facilitator: "Only for me" }),
                   Object.assign({}, session.steps[0], { facilitator: "Also mine" })];
  const copy = KBSession.participantCopy(session);
  assert.deepEqual(copy.steps.map((s) => s.facilitator), ["", ""]);
  assert.equal(copy.steps[0].prompt, "Ask this");
  assert.equal(session.steps[0].facilitator, "Only for me");
  assert.ok(!JSON.stringify(copy).includes("mine"));
  assert.ok(!KBSession.same(session, copy));
  assert.ok(KBSession.same(copy, KBSession.participantCopy(copy)));
});

test("the draft is kept in the browser's storage, validated when read back", () => {
  const storage = memoryStorage();
  const window = browser(["kb-session.js"], { localStorage: storage });
  const site = data();
  const session = validSession(site);
  assert.equal(window.KBSession.load(site), null);
  assert.ok(window.KBSession.save(session));
  assert.deepEqual(JSON.parse(JSON.stringify(window.KBSession.load(site))), session);
  storage.setItem(window.KBSession.STORAGE_KEY, JSON.stringify(Object.assign({}, session, { title: "x".repeat(500) })));
  assert.equal(window.KBSession.load(site), null, "a stored draft over the limits is not used");
  storage.setItem(window.KBSession.STORAGE_KEY, "{not json");
  assert.equal(window.KBSession.load(site), null);
  storage.full = true;
  assert.equal(window.KBSession.save(session), false);
  const blocked = browser(["kb-session.js"], {});
  assert.equal(blocked.KBSession.load(site), null);
  assert.equal(blocked.KBSession.save(session), false);
});
