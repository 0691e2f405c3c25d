/* kb-path-file.js: the path file the builder exports, and what would fail `kb check`.
 * tests/test_path_file.py holds its text to Python's paths.path_file byte for byte. */
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const { STATIC, data, validSession } = require("./support.js");

const pathFile = require(path.join(STATIC, "kb-path-file.js"));
const KBSession = require(path.join(STATIC, "kb-session.js"));

test("text YAML cannot misread is written plainly", () => {
  for (const text of ["Trust first", "What's next? Ask, then listen (twice).", "A-level results; year 11/12",
                      "Leaders\u2019 time", "Yesterday", "Nothing"]) {
    assert.equal(pathFile.yamlText(text), text);
  }
});

test("anything else is double-quoted, with YAML's escapes, and non-ASCII kept as typed", () => {
  const quoted = {
    "key: value": "\"key: value\"", "# not a comment": "\"# not a comment\"", "- a dash": "\"- a dash\"",
    "123": "\"123\"", "2026-01-01": "\"2026-01-01\"", "yes": "\"yes\"", "No": "\"No\"", "ON": "\"ON\"", "null": "\"null\"",
    "y": "\"y\"", "trailing ": "\"trailing \"", " leading": "\" leading\"", "": "\"\"",
    "say \"hi\"": "\"say \\\"hi\\\"\"", "back\\slash": "\"back\\\\slash\"", "two\nlines": "\"two\\nlines\"",
    "tab\there": "\"tab\\there\"", "Café ✓ 😀": "\"Café ✓ 😀\"", "line\u2028separator": "\"line\\u2028separator\"",
    "next\u0085line": "\"next\\u0085line\"", "del\u007f": "\"del\\u007f\"", "\u0001": "\"\\u0001\"",
    "[bracket] {brace}": "\"[bracket] {brace}\"", "a | b > c": "\"a | b > c\"", "*star &amp @at `tick` %": "\"*star &amp @at `tick` %\"",
  };
  for (const [text, written] of Object.entries(quoted)) assert.equal(pathFile.yamlText(text), written, text);
});

test("the file has the shape kb path plan writes: front matter, then the note", () => {
  const fields = {
    title: "Trust: a first look", summary: "Why trust comes first.", audience: ["middle-leader"], duration: 90,
    outcomes: ["Name two conditions.", "yes"],
    steps: [{ article: "trust-first", minutes: 15, when: "pre-reading", prompt: "What is trust?", facilitator: "" },
            { article: "2024-review", minutes: 20, when: "in-session", prompt: "", facilitator: "Pair people up." }],
  };
  assert.equal(pathFile.text(fields, "A note."), [
    "---",
    "title: \"Trust: a first look\"",
    "summary: Why trust comes first.",
    "audience:",
    "- middle-leader",
    "duration: 90",
    "outcomes:",
    "- Name two conditions.",
    "- \"yes\"",
    "steps:",
    "- article: trust-first",
    "  minutes: 15",
    "  when: pre-reading",
    "  prompt: What is trust?",
    "- article: \"2024-review\"",
    "  minutes: 20",
    "  when: in-session",
    "  facilitator: Pair people up.",
    "---",
    "",
    "A note.",
    "",
  ].join("\n"));
});

test("the export trims text, leaves out empty outcomes and names the file after the title", () => {
  const site = data();
  const session = validSession(site, { title: "  Trust: the first twilight ", outcomes: [" One. ", "  ", "Two."] });
  session.steps[0].prompt = "  Ask.  ";
  const file = pathFile.file(session, site);
  assert.deepEqual(file.problems, []);
  assert.equal(file.name, "trust-the-first-twilight.md");
  assert.ok(file.text.includes("title: \"Trust: the first twilight\"\n"));
  assert.ok(file.text.includes("outcomes:\n- One.\n- Two.\nsteps:"));
  assert.ok(file.text.includes("  prompt: Ask.\n"));
  assert.ok(file.text.endsWith("---\n\n" + pathFile.NOTE + "\n"));
});

test("a file name never takes a curated path's and falls back to my-session", () => {
  const site = data();
  const taken = site.paths[0];
  assert.equal(pathFile.fileName(taken.id.replace(/-/g, " "), site), taken.id + "-2.md");
  site.paths.push(Object.assign({}, taken, { id: taken.id + "-2" }));
  assert.equal(pathFile.fileName(taken.id, site), taken.id + "-3.md");
  assert.equal(pathFile.fileName("?!", site), "my-session.md");
  assert.equal(pathFile.fileName("x".repeat(59) + " y z", site), "x".repeat(59) + ".md");
});

test("the problems say what kb check would refuse, with the site's limits", () => {
  const site = data();
  const limits = KBSession.limits(site);
  const empty = KBSession.empty();
  empty.duration = limits.duration_min - 1;
  assert.deepEqual(pathFile.problems(empty, site), [
    "Give the session a title.", "Write a summary of what the session is for.", "Choose who the session is for.",
    "Add at least one outcome.", "A session lasts at least " + limits.duration_min + " minutes.", "Add at least one reading.",
  ]);
  const long = validSession(site, {
    title: "x".repeat(limits.title + 1), summary: "x".repeat(limits.summary + 1),
    outcomes: Array(limits.outcomes + 1).fill("x".repeat(limits.outcome + 1)), duration: limits.duration_max + 1,
  });
  long.steps[0] = Object.assign({}, long.steps[0], { minutes: limits.minutes_max + 1, prompt: "x".repeat(limits.prompt + 1),
                                                     facilitator: "x".repeat(limits.facilitator + 1) });
  const found = pathFile.problems(long, site);
  assert.deepEqual(found.slice(0, 3), ["Shorten the title to " + limits.title + " characters.",
    "Shorten the summary to " + limits.summary + " characters.", "Keep to " + limits.outcomes + " outcomes."]);
  assert.ok(found.includes("Shorten outcome 1 to " + limits.outcome + " characters."));
  assert.ok(found.includes("A session lasts at most " + limits.duration_max + " minutes."));
  assert.ok(found.includes("Lower the minutes of step 1 to " + limits.minutes_max + "."));
  assert.ok(found.includes("Shorten the prompt of step 1 to " + limits.prompt + " characters."));
  assert.ok(found.includes("Shorten the facilitator notes of step 1 to " + limits.facilitator + " characters."));
});
