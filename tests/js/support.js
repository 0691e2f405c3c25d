/* Shared by the Node tests of the site's scripts (tests/js/*.test.js), run by tests/test_js_units.py.
 *
 * data(): the session data the site publishes (_kb/session-data.js), read as a browser reads it,
 * by running the script. tests/test_js_units.py writes it for the real content and names it in
 * KB_SESSION_DATA_FILE; run by hand (`node --test tests/js/*.test.js`), the tests ask Python to
 * write it (KB_PYTHON, else python3, with the project importable).
 * browser(files, window): the named static scripts run as classic scripts in one fresh context
 * with a `window`, as a page loads them; returns that window.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");
const { execFileSync } = require("node:child_process");

const REPO = path.join(__dirname, "..", "..");
const STATIC = path.join(REPO, "knowledgebase", "sphinxext", "static");

const WRITE_DATA = [
  "import sys",
  "from pathlib import Path",
  "try:",
  "    from knowledgebase.load import load",
  "except ImportError:  # before the engine's loading moved to knowledgebase.load",
  "    from knowledgebase.loader import load",
  "from knowledgebase.sessiondata import script, session_data",
  "sys.stdout.write(script(session_data(load(Path(sys.argv[1])).kb)))",
].join("\n");

let cached = null;

function dataScript() {
  const file = process.env.KB_SESSION_DATA_FILE;
  if (file) return fs.readFileSync(file, "utf8");
  return execFileSync(process.env.KB_PYTHON || "python3", ["-c", WRITE_DATA, path.join(REPO, "content")],
                      { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

/* A fresh copy of the published data (tests may change it). */
function data() {
  if (cached === null) {
    const context = { window: {} };
    vm.runInNewContext(dataScript(), context);
    cached = JSON.stringify(context.window.KB_SESSION_DATA);
  }
  return JSON.parse(cached);
}

function browser(files, window) {
  const context = vm.createContext({ TextDecoder, URL, console });
  context.window = Object.assign(context, window || {});
  for (const file of files) {
    vm.runInContext(fs.readFileSync(path.join(STATIC, file), "utf8"), context, { filename: file });
  }
  return context;
}

/* A localStorage that keeps strings, and can be made to refuse every write. */
function memoryStorage() {
  const items = new Map();
  return {
    full: false,
    getItem(key) { return items.has(key) ? items.get(key) : null; },
    setItem(key, value) {
      if (this.full) throw new Error("QuotaExceededError");
      items.set(key, String(value));
    },
    removeItem(key) { items.delete(key); },
  };
}

/* A session that passes every check: the first article and audience of the data. */
function validSession(data, extra) {
  const article = data.articles[0][0];
  return Object.assign({
    v: 1, title: "Trust first", summary: "Why trust comes first.", audience: [data.audiences[0].id], duration: 60,
    outcomes: ["Name two conditions trust needs."],
    steps: [{ article, minutes: 10, when: "in-session", prompt: "", facilitator: "" }],
  }, extra || {});
}

module.exports = { REPO, STATIC, data, browser, memoryStorage, validSession };
