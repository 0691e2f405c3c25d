/* Tries the session builder's checks at each limit and one past it, for tests/test_session_limits.py.
 * argv[2]: the published data script (_kb/session-data.js), run as a browser runs it.
 * stdin: {"cases": [{"scope": "path"|"step"|"session", "field", "type", "kind", "limit"}]}
 * stdout: {"base": problems of the sound session every case starts from, "messages": planner codes worded,
 *          "results": [{"at": outcome, "past": outcome}], an outcome being
 *          {"accepted": validate() kept a session, "problems": what the export reports}} */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const STATIC = path.join(__dirname, "..", "knowledgebase", "sphinxext", "static");
const KBSession = require(path.join(STATIC, "kb-session.js"));
const pathFile = require(path.join(STATIC, "kb-path-file.js"));
const messages = require(path.join(STATIC, "kb-builder-messages.js"));

const context = { window: {} };
vm.runInNewContext(fs.readFileSync(process.argv[2], "utf8"), context);
const data = context.window.KB_SESSION_DATA;

function base() {
  return {
    v: 1, title: "Trust first", summary: "Why trust comes first.", audience: [data.audiences[0].id], duration: 60,
    outcomes: ["Name two conditions trust needs."],
    steps: [{ article: data.articles[0][0], minutes: 10, when: "in-session", prompt: "", facilitator: "" }],
  };
}

// A value of `n` for a field of each type the schema has; null for a type/kind it cannot be.
function value(type, kind, n, session) {
  if (type === "text") return kind === "max_length" ? "x".repeat(n) : null;
  if (type === "integer") return kind === "minimum" || kind === "maximum" ? n : null;
  if (type === "text-list") return kind === "max_length" ? ["x".repeat(n)] : Array.from({ length: n }, (_, i) => "Outcome " + i);
  if (type === "ref-list") {
    if (kind === "max_length") return null;
    const ids = data.audiences.map((a) => a.id);
    // Past the site's own audiences, ids of the right form: counted before they are looked up.
    return Array.from({ length: n }, (_, i) => ids[i] || "audience-" + i);
  }
  if (type === "steps") return Array.from({ length: n }, () => Object.assign({}, session.steps[0]));
  return null;
}

function outcome(scope, field, type, kind, n) {
  const session = base();
  const v = value(type, kind, n, session);
  if (v === null || n < 0) return null;
  if (scope === "step") session.steps[0][field] = v;
  else session[field] = v;
  return { accepted: KBSession.validate(session, data).session !== null, problems: pathFile.problems(session, data) };
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { cases, codes } = JSON.parse(input);
  const results = cases.map(({ scope, field, type, kind, limit }) => {
    const past = kind.startsWith("max") ? limit + 1 : limit - 1;
    return { at: outcome(scope, field, type, kind, limit), past: outcome(scope, field, type, kind, past) };
  });
  const worded = {};
  codes.forEach((code) => { worded[code] = code in messages.PLAN_ERRORS; });
  process.stdout.write(JSON.stringify({ base: pathFile.problems(base(), data), results, worded }));
});
