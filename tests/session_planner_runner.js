/* Runs the site's planner (kb-planner.js) in Node for tests/test_session_planner.py.
 * stdin: {"data": <session data>, "requests": [...], "sessions": [...]}
 * stdout: {"plans": [plan or {"error": {"code": ..., ...params}}], "warnings": [[warning, ...] per session]} */
"use strict";
const path = require("path");
const static_ = path.join(__dirname, "..", "knowledgebase", "sphinxext", "static");
const KBPlanner = require(path.join(static_, "kb-planner.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { data, requests, sessions } = JSON.parse(input);
  const plans = requests.map((request) => {
    try {
      return KBPlanner.plan(data, request);
    } catch (error) {
      if (error instanceof KBPlanner.PlanError) return { error: Object.assign({ code: error.code }, error.params) };
      throw error;
    }
  });
  const warnings = (sessions || []).map((session) => KBPlanner.checkSession(data, session));
  process.stdout.write(JSON.stringify({ plans, warnings }));
});
