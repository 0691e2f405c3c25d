/* Runs the builder's path file writer (kb-path-file.js) in Node for tests/test_path_file.py.
 * stdin: {"data": <session data>, "files": [[fields, note], ...], "sessions": [session, ...]}
 * stdout: {"note": the builder's note, "texts": [text per file],
 *          "exports": [{"fields", "name", "text", "problems"} per session]} */
"use strict";
const path = require("path");
const pathFile = require(path.join(__dirname, "..", "knowledgebase", "sphinxext", "static", "kb-path-file.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { data, files, sessions } = JSON.parse(input);
  const texts = files.map(([fields, note]) => pathFile.text(fields, note));
  const exports = sessions.map((session) => Object.assign({ fields: pathFile.fields(session) }, pathFile.file(session, data)));
  process.stdout.write(JSON.stringify({ note: pathFile.NOTE, texts, exports }));
});
