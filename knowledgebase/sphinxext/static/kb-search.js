/* Leading Learning search: downloads only the index shards a query needs. Renders with textContent only. */
(function () {
  "use strict";
  var results = document.getElementById("kb-search-results");
  if (!results) { return; }
  var base = results.getAttribute("data-index");
  var root = results.getAttribute("data-root");
  var status = document.getElementById("kb-search-status");
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  var concept = params.get("concept") || "";
  var audience = params.get("audience") || "";
  var cache = {};

  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) { throw new Error(name + ": " + r.status); }
        return r.json();
      });
    }
    return cache[name];
  }

  function tokens(text, stop) {
    var folded = text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    return (folded.match(/[a-z0-9]+/g) || []).filter(function (t) { return t.length > 1 && !stop.has(t); });
  }

  function fillSelect(select, pairs, chosen) {
    pairs.forEach(function (pair) {
      var option = document.createElement("option");
      option.value = pair[0];
      option.textContent = pair[1];
      if (pair[0] === chosen) { option.selected = true; }
      select.appendChild(option);
    });
  }

  function say(text) { status.textContent = text; }

  function scoreTerms(meta, terms) {
    var stop = null;
    var keys = Array.from(new Set(terms.map(function (t) { return t.slice(0, 2); })))
      .filter(function (k) { return meta.shards.indexOf(k) >= 0; });
    return Promise.all(keys.map(function (k) { return load("terms-" + k + ".json").then(function (d) { return [k, d]; }); }))
      .then(function (shards) {
        var byKey = {};
        shards.forEach(function (pair) { byKey[pair[0]] = pair[1]; });
        var total = new Map();
        var matched = new Map();
        terms.forEach(function (term) {
          var shard = byKey[term.slice(0, 2)] || {};
          var seen = new Map();
          Object.keys(shard).forEach(function (candidate) {
            if (candidate.indexOf(term) !== 0) { return; }
            var factor = candidate === term ? 1 : 0.5;
            var postings = shard[candidate];
            var idf = Math.log(1 + meta.documents / postings.length);
            postings.forEach(function (p) {
              var value = p[1] * idf * factor;
              seen.set(p[0], Math.max(seen.get(p[0]) || 0, value));
            });
          });
          seen.forEach(function (value, doc) {
            total.set(doc, (total.get(doc) || 0) + value);
            matched.set(doc, (matched.get(doc) || 0) + 1);
          });
        });
        var scores = new Map();
        total.forEach(function (value, doc) { if (matched.get(doc) === terms.length) { scores.set(doc, value); } });
        return scores;
      });
  }

  function render(meta, ranked) {
    var chunks = Array.from(new Set(ranked.map(function (d) { return Math.floor(d / meta.chunk); })));
    return Promise.all(chunks.map(function (c) { return load("docs-" + c + ".json").then(function (d) { return [c, d]; }); }))
      .then(function (loaded) {
        var docs = {};
        loaded.forEach(function (pair) { docs[pair[0]] = pair[1]; });
        ranked.forEach(function (d) {
          var doc = docs[Math.floor(d / meta.chunk)][d % meta.chunk];
          var item = document.createElement("li");
          item.className = "kb-search-result";
          var link = document.createElement("a");
          link.href = root + doc[0];
          link.textContent = doc[1];
          var heading = document.createElement("p");
          heading.className = "kb-card-title";
          heading.appendChild(link);
          var summary = document.createElement("p");
          summary.textContent = doc[2];
          var kind = document.createElement("p");
          kind.className = "kb-card-meta";
          kind.textContent = doc[3].replace("-", " ") + " · " + doc[4].map(function (c) { return meta.concepts[c][1]; }).join(", ");
          item.appendChild(heading);
          item.appendChild(summary);
          item.appendChild(kind);
          results.appendChild(item);
        });
      });
  }

  // Results arrive a page at a time, so a filter matching hundreds of articles downloads only what is shown.
  var PAGE = 50;
  var more = document.getElementById("kb-search-more");

  function showNext(meta, candidates, from) {
    var upto = Math.min(from + PAGE, candidates.length);
    more.hidden = true;
    return render(meta, candidates.slice(from, upto)).then(function () {
      if (upto < candidates.length) {
        more.textContent = "Show more results (" + (candidates.length - upto) + " left)";
        more.hidden = false;
        more.onclick = function () { showNext(meta, candidates, upto); };
      }
    });
  }

  load("meta.json").then(function (meta) {
    var stop = new Set(meta.stopWords);
    document.getElementById("kb-q").value = query;
    fillSelect(document.getElementById("kb-concept"), meta.concepts, concept);
    fillSelect(document.getElementById("kb-audience"), meta.audiences, audience);
    var terms = tokens(query, stop);
    var knownConcept = meta.concepts.some(function (c) { return c[0] === concept; });
    var knownAudience = meta.audiences.some(function (a) { return a[0] === audience; });
    if (!terms.length && !knownConcept && !knownAudience) {
      say(query ? "Those words are too common to search for; try a more specific word." : "Type a word, or choose a concept or audience.");
      return;
    }
    say("Searching…");
    var filters = [];
    if (knownConcept) { filters.push(load("filter-concept-" + concept + ".json")); }
    if (knownAudience) { filters.push(load("filter-audience-" + audience + ".json")); }
    var scoring = terms.length ? scoreTerms(meta, terms) : Promise.resolve(null);
    return Promise.all([scoring, Promise.all(filters)]).then(function (parts) {
      var scores = parts[0];
      var allowed = parts[1].map(function (list) { return new Set(list); });
      var candidates = scores ? Array.from(scores.keys()) : Array.from(allowed[0]);
      candidates = candidates.filter(function (d) { return allowed.every(function (s) { return s.has(d); }); });
      candidates.sort(function (a, b) { return scores ? (scores.get(b) - scores.get(a)) || (a - b) : a - b; });
      if (!candidates.length) {
        say("Nothing matched. Try fewer or different words, or remove a filter.");
        return;
      }
      say(candidates.length + (candidates.length === 1 ? " result" : " results"));
      return showNext(meta, candidates, 0);
    });
  }).catch(function (error) {
    say("Search is not available: " + error.message);
  });
})();
