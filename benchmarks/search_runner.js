/* Runs the site's own search script in Node against a built site: the ranking readers get.
 *
 *   node benchmarks/search_runner.js SITE_DIR < requests.json > answers.json
 *
 * Loads SITE/_kb/search/english-stemmer.js and SITE/_static/kb-search.js, exactly as the
 * search page does, with the index files read from disk instead of fetched. A request is
 * {"search": query, "filters": [file names], "top": n, "show": m} (answer: the first n ranked
 * pages' URLs, corrections, unknown words, the snippets of the first m results and every file
 * the page would download to show them), {"words": text} ([form, stem] pairs), {"split": text}
 * (the runs of letters and digits), {"normalise": text} or {"stem": [forms]} (stems).
 */
"use strict";
const fs = require("fs");
const path = require("path");
const vm = require("vm");

const site = process.argv[2];
const folder = path.join(site, "_kb", "search");
const context = vm.createContext({});
vm.runInContext(fs.readFileSync(path.join(folder, "english-stemmer.js"), "utf8"), context);
vm.runInContext(fs.readFileSync(path.join(site, "_static", "kb-search.js"), "utf8"), context);
const engine = context.KBSearch;

function reader(downloaded) {
  return function (name) {
    const file = path.join(folder, name);
    const text = fs.readFileSync(file, "utf8");
    downloaded.set(name, Buffer.byteLength(text));
    return Promise.resolve(JSON.parse(text));
  };
}

async function answer(meta, request) {
  if (request.words !== undefined) { return engine.words(request.words, meta); }
  if (request.split !== undefined) { return engine.split(request.split, meta); }
  if (request.normalise !== undefined) { return engine.normalise(request.normalise, meta); }
  if (request.stem !== undefined) { return request.stem.map(engine.stem); }
  const downloaded = new Map([["meta.json", fs.statSync(path.join(folder, "meta.json")).size]]);
  const load = reader(downloaded);
  const found = await engine.search(meta, load, request.search, request.filters || []);
  const top = found.ranked.slice(0, request.top === undefined ? 10 : request.top);
  const file = (d) => "doc-" + d + "-" + (found.blocks.get(d) || 0) + ".json";
  const wanted = new Set(found.terms.map((t) => t.matched));
  const shown = await Promise.all(found.ranked.slice(0, request.show || 0).map((d) => load(file(d))));
  const urls = await Promise.all(top.map((d) => load(file(d)).then((doc) => doc[0])));
  return {
    results: urls, total: found.ranked.length, corrections: found.corrections, unknown: found.unknown,
    partial: found.partial,
    snippets: shown.map((doc) => {
      const pieces = engine.highlight(doc[6] || "", wanted, meta, 220);
      return pieces && pieces.map((p) => (p[1] ? "[" + p[0] + "]" : p[0])).join("");
    }),
    downloaded: Object.fromEntries(downloaded),
  };
}

async function main() {
  const requests = JSON.parse(fs.readFileSync(0, "utf8"));
  const meta = JSON.parse(fs.readFileSync(path.join(folder, "meta.json"), "utf8"));
  const answers = [];
  for (const request of requests) { answers.push(await answer(meta, request)); }
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
