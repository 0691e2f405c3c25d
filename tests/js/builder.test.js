/* The session builder's parts (kb-builder-*.js): what each holds that runs without a page, and the
 * rules every hand-written script keeps (one namespace, no module syntax, no HTML parsing). */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { STATIC, data, browser, memoryStorage, validSession } = require("./support.js");

const KBSession = require(path.join(STATIC, "kb-session.js"));
const KBPlanner = require(path.join(STATIC, "kb-planner.js"));
const builderState = require(path.join(STATIC, "kb-builder-state.js"));
const draft = require(path.join(STATIC, "kb-builder-draft.js"));
const details = require(path.join(STATIC, "kb-builder-details.js"));
const share = require(path.join(STATIC, "kb-builder-share.js"));
const open = require(path.join(STATIC, "kb-builder-open.js"));
const ui = require(path.join(STATIC, "kb-builder-ui.js"));

// The builder's scripts in the order session.py loads them (tests/test_session_data.py holds the page to it).
const PARTS = { "kb-builder-ui.js": "ui", "kb-builder-state.js": "state", "kb-builder-messages.js": "messages",
                "kb-path-file.js": "pathFile", "kb-builder-draft.js": "draft", "kb-builder-details.js": "details",
                "kb-builder-steps.js": "steps", "kb-builder-share.js": "share", "kb-builder-open.js": "open" };

test("the state saves after every change and tells the page, in order", () => {
  const storage = memoryStorage();
  const site = data();
  const window = browser(["kb-session.js", "kb-builder-state.js"], { localStorage: storage });
  const state = window.KBBuilder.state.create(site);
  assert.deepEqual(JSON.parse(JSON.stringify(state.session)), KBSession.empty());
  const heard = [];
  state.on("replaced", () => heard.push("replaced"));
  state.on("changed", (message) => heard.push("changed: " + message));
  state.session.title = "Edited";
  state.changed();
  assert.equal(state.saved, true);
  assert.equal(JSON.parse(storage.getItem(KBSession.STORAGE_KEY)).title, "Edited");
  state.replace(validSession(site), "Opened it.", { a: "why" });
  assert.deepEqual(heard, ["changed: undefined", "replaced", "changed: Opened it."]);
  assert.deepEqual(state.reasons, { a: "why" });
  assert.equal(state.takeStored(), false, "the stored draft is the one shown");
  storage.setItem(KBSession.STORAGE_KEY, JSON.stringify(validSession(site, { title: "From another tab" })));
  assert.equal(state.takeStored(), true);
  assert.equal(state.session.title, "From another tab");
  storage.full = true;
  state.changed("x");
  assert.equal(state.saved, false);
  assert.equal(state.titleOf("no-such-article"), "no-such-article");
  assert.equal(state.titleOf(site.articles[0][0]), site.articles[0][1]);
});

test("a state opens with the draft kept in this browser", () => {
  const storage = memoryStorage();
  const site = data();
  storage.setItem(KBSession.STORAGE_KEY, JSON.stringify(validSession(site, { title: "Kept" })));
  const window = browser(["kb-session.js", "kb-builder-state.js"], { localStorage: storage });
  assert.equal(window.KBBuilder.state.create(site).session.title, "Kept");
});

test("a drafted session keeps within the site's limits", () => {
  const site = data();
  const state = builderState.create(site);
  const plan = KBPlanner.plan(site, { concepts: ["trust", "inquiry"], minutes: 90, audience: site.audiences[0].id, pre_reading: 20 });
  const session = draft.sessionFromPlan(plan, state);
  assert.ok(KBSession.validate(session, site).session);
  assert.equal(session.title, "Trust and Inquiry: a session for " + site.audiences[0].label.toLowerCase());
  assert.deepEqual(session.steps.map((s) => [s.article, s.minutes, s.when]), plan.steps.map((s) => [s.article, s.minutes, s.when]));
  site.limits.path.title.max_length = 10;
  site.limits.path.duration.minimum = 120;
  const small = draft.sessionFromPlan(plan, builderState.create(site));
  assert.equal(small.title, "Trust and ");
  assert.equal(small.duration, 120);
});

test("outcomes are read one a line, within the limits", () => {
  const limits = KBSession.limits(data());
  const typed = Array.from({ length: limits.outcomes + 3 }, (_, i) => "  Outcome " + i + "  ").join("\n\n");
  const outcomes = details.outcomesFrom(typed + "\n" + "x".repeat(limits.outcome + 5), limits);
  assert.equal(outcomes.length, limits.outcomes);
  assert.equal(outcomes[0], "Outcome 0");
  assert.deepEqual(details.outcomesFrom("a\n" + "x".repeat(limits.outcome + 5), limits), ["a", "x".repeat(limits.outcome)]);
});

test("only the facilitator sheet's link carries the notes", () => {
  const site = data();
  const session = validSession(site);
  session.steps[0].facilitator = "For the trainer";
  for (const [kind] of share.PRINTS) {
    const href = share.printHref("session-print.html", kind, session);
    assert.ok(href.startsWith("session-print.html#kind=" + kind + "&s="));
    const carried = KBSession.decode(href.split("&s=")[1], site).session;
    assert.equal(carried.steps[0].facilitator, kind === "facilitator" ? "For the trainer" : "");
  }
});

test("Propose on GitHub opens a new file in the site's repository", () => {
  const href = share.proposeHref({ url: "https://github.com/o/r", branch: "release/2026", content: "site content" },
                                 { name: "a b.md", text: "---\ntitle: x & y\n" });
  assert.equal(href, "https://github.com/o/r/new/release/2026/site%20content/paths?filename=a%20b.md" +
                     "&value=---%0Atitle%3A%20x%20%26%20y%0A");
});

test("a curated path opens as a session, and an unknown one as none", () => {
  const site = data();
  const curated = site.paths[0];
  const found = open.pathSession(site, curated.id);
  assert.equal(found.path, curated);
  assert.equal(found.session.title, curated.title);
  assert.deepEqual(found.session.steps.map((s) => s.facilitator), curated.steps.map((s) => s.facilitator));
  assert.equal(open.pathSession(site, "no-such-path"), null);
});

test("a typed number is read within its bounds, and null bounds are none", () => {
  assert.equal(ui.readCount({ value: "700" }, 1, 600), 600);
  assert.equal(ui.readCount({ value: "0" }, 1, 600), 1);
  assert.equal(ui.readCount({ value: "12abc" }, 1, 600), 12);
  assert.equal(ui.readCount({ value: "" }, 1, 600), null);
  assert.equal(ui.readCount({ value: "5000" }, null, null), 5000);
});

test("the builder's parts load as classic scripts onto one namespace, in the page's order", () => {
  const window = browser(["kb-session.js", "kb-planner.js", ...Object.keys(PARTS)], {});
  assert.deepEqual(Object.keys(window.KBBuilder), Object.values(PARTS));
  for (const [file, name] of Object.entries(PARTS)) {
    assert.equal(typeof require(path.join(STATIC, file)), "object", file);
    assert.deepEqual(Object.keys(require(path.join(STATIC, file))), Object.keys(window.KBBuilder[name]), file);
  }
  assert.equal(typeof require(path.join(STATIC, "kb-session-builder.js")).start, "function");
});

test("every hand-written script is at most 500 lines, a classic script, and writes no text as HTML or code", () => {
  const scripts = fs.readdirSync(STATIC).filter((name) => name.endsWith(".js"));
  assert.ok(scripts.length >= 15);
  for (const name of scripts) {
    const text = fs.readFileSync(path.join(STATIC, name), "utf8");
    const lines = text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
    assert.ok(lines <= 500, name + " has " + lines + " lines");
    assert.doesNotMatch(text, /^\s*(import|export)\s/m, name + " uses module syntax, which fails from file://");
    assert.doesNotMatch(text, /\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(/,
                        name + " writes text as HTML or runs it as code");
  }
});
