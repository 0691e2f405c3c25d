/* Leading Learning search: downloads only the index shards a query needs. Renders with text nodes only.
 *
 * Two parts. KBSearch, the engine, is plain functions over the index files (no DOM), so the
 * tests run this very file in Node against a built index. The page part below it reads the
 * form, asks the engine and shows the results. Words are matched as knowledgebase/search.py
 * indexes them: normalised, stop words dropped, spellings folded (rules from meta.json),
 * stemmed with Snowball's English stemmer (english-stemmer.js, loaded before this file).
 */
(function (root) {
  "use strict";

  var FORM_FACTOR = 0.6;     // another form of the word typed (trusted for trusting) counts for less
  var FAR_FORM_FACTOR = 0.2; // and a word much longer or shorter (account for accountability) for much less
  var PREFIX_FACTOR = 0.5;   // a word the query word begins (a word typed in part)
  var PAIR_BOOST = 0.75;     // per pair of query words found side by side
  var WORD = /[\p{L}\p{N}]+/gu;
  var WORD_WITH_MARKS = /[\p{L}\p{N}\p{M}]+/gu;
  var MARKS = /\p{Mn}/gu;

  var stemmer = null;
  var stems = new Map();

  function stem(form) {
    var found = stems.get(form);
    if (found === undefined) {
      if (!stemmer) { stemmer = new root.EnglishStemmer(); }
      found = stemmer.stemWord(form);
      stems.set(form, found);
    }
    return found;
  }

  function normalise(text, meta) {
    var folded = text.normalize("NFKD").replace(MARKS, "").toLowerCase();
    var table = meta.caseFold;
    if (!/[^\x00-\x7f]/.test(folded)) { return folded; }
    return Array.from(folded).map(function (c) { return Object.prototype.hasOwnProperty.call(table, c) ? table[c] : c; }).join("");
  }

  function foldSpelling(word, meta) {
    var rules = meta.spelling;
    if (Object.prototype.hasOwnProperty.call(rules.words, word)) { return rules.words[word]; }
    var i;
    for (i = 0; i < rules.prefixes.length; i++) {
      var p = rules.prefixes[i];
      if (word.indexOf(p[0]) === 0) { word = p[1] + word.slice(p[0].length); break; }
    }
    for (i = 0; i < rules.suffixes.length; i++) {
      var s = rules.suffixes[i];
      if (word.length - s[0].length >= s[2] && word.slice(-s[0].length) === s[0]) {
        return word.slice(0, -s[0].length) + s[1];
      }
    }
    return word;
  }

  function stopSet(meta) {
    if (!meta._stop) { meta._stop = new Set(meta.stopWords); }
    return meta._stop;
  }

  /* The runs of letters and digits of the normalised text (before stop words and stemming). */
  function split(text, meta) {
    return normalise(text, meta).match(WORD) || [];
  }

  /* [form, stem] of each searchable word, in order: knowledgebase.search.words() in Python. */
  function words(text, meta) {
    var stop = stopSet(meta);
    return split(text, meta).filter(function (raw) {
      return raw.length > 1 && !stop.has(raw);
    }).map(function (raw) {
      var form = foldSpelling(raw, meta);
      return [form, stem(form)];
    });
  }

  function shardKey(term) {
    var head = Array.from(term).slice(0, 2).join("");
    if (/^[a-z0-9]+$/.test(head)) { return head; }
    return "x" + Array.from(head).map(function (c) { return c.codePointAt(0).toString(16); }).join("-");
  }

  function pairKey(first, second) {
    return shardKey(Array.from(first)[0]) + shardKey(Array.from(second)[0]);
  }

  /* The query's words, in order; words inside "double quotes" form a phrase. */
  function parseQuery(query, meta) {
    var terms = [];
    var group = 0;
    query.split(/["\u201c\u201d]/).forEach(function (segment, i) {
      var quoted = i % 2 === 1;
      if (quoted) { group += 1; }
      words(segment, meta).forEach(function (w) {
        terms.push({form: w[0], stem: w[1], phrase: quoted ? group : 0, segment: i});
      });
    });
    return terms;
  }

  /* Edit distance with adjacent transpositions, or limit + 1 once it must exceed limit. */
  function distance(a, b, limit) {
    if (Math.abs(a.length - b.length) > limit) { return limit + 1; }
    var previous2 = null;
    var previous = [];
    var i, j;
    for (j = 0; j <= b.length; j++) { previous.push(j); }
    for (i = 1; i <= a.length; i++) {
      var current = [i];
      var best = i;
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        var value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
        if (previous2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          value = Math.min(value, previous2[j - 2] + 1);
        }
        current.push(value);
        best = Math.min(best, value);
      }
      if (best > limit) { return limit + 1; }
      previous2 = previous;
      previous = current;
    }
    return previous[b.length];
  }

  function documentCount(entry) {
    var docs = new Set();
    Object.keys(entry).forEach(function (form) {
      var flat = entry[form];
      var doc = 0;
      for (var k = 0; k < flat.length; k += 3) { doc += flat[k]; docs.add(doc); }
    });
    return docs.size;
  }

  /* The index entry for one query word: its stem; or the words it begins; or a close spelling. */
  function lookUp(term, shard) {
    if (shard && Object.prototype.hasOwnProperty.call(shard, term.stem)) {
      return {entry: shard[term.stem], form: term.form, how: "exact"};
    }
    if (!shard) { return null; }
    var keys = Object.keys(shard);
    if (term.form.length >= 3) {
      var merged = {};
      var found = false;
      keys.forEach(function (s) {
        if (s.indexOf(term.stem) !== 0) { return; }
        Object.keys(shard[s]).forEach(function (form) { merged[form] = shard[s][form]; found = true; });
      });
      if (found) { return {entry: merged, form: null, how: "prefix", factor: PREFIX_FACTOR}; }
    }
    if (Array.from(term.form).length >= 5) {
      var limit = Array.from(term.form).length >= 8 ? 2 : 1;
      var best = null;
      keys.forEach(function (s) {
        Object.keys(shard[s]).forEach(function (form) {
          var d = distance(term.form, form, limit);
          if (d > limit) { return; }
          var docs = shard[s][form].length / 3;
          if (!best || d < best.d || (d === best.d && (docs > best.docs || (docs === best.docs && form < best.form)))) {
            best = {d: d, docs: docs, form: form, stem: s};
          }
        });
      });
      if (best) { return {entry: shard[best.stem], form: best.form, how: "corrected", stem: best.stem}; }
    }
    return null;
  }

  /* doc -> {value, block}: how much one query word counts in each page. */
  function termScores(found) {
    var scores = new Map();
    Object.keys(found.entry).forEach(function (form) {
      var factor = found.how === "prefix" ? found.factor : form === found.form ? 1
        : Math.abs(form.length - found.form.length) <= 3 ? FORM_FACTOR : FAR_FORM_FACTOR;
      var flat = found.entry[form];
      var doc = 0;
      for (var k = 0; k < flat.length; k += 3) {
        doc += flat[k];
        var value = flat[k + 1] / 10 * factor;
        var current = scores.get(doc);
        if (!current) { scores.set(doc, {value: value, block: flat[k + 2], best: value}); continue; }
        current.value += value;
        if (value > current.best) { current.best = value; current.block = flat[k + 2]; }
      }
    });
    return scores;
  }

  /* Rank the pages for a query. load(name) -> Promise of a parsed index file.
   * Resolves to {ranked: [doc numbers], blocks: Map doc -> snippet block, terms, corrections,
   * unknown: [words matching nothing], partial: true when no page has every word}. */
  function search(meta, load, query, filters) {
    var terms = parseQuery(query || "", meta);
    filters = filters || [];
    var byStem = new Map();
    terms.forEach(function (t) { if (!byStem.has(t.stem)) { byStem.set(t.stem, t); } });
    var distinct = Array.from(byStem.values());
    var keys = Array.from(new Set(distinct.map(function (t) { return shardKey(t.stem); })))
      .filter(function (k) { return meta.shards.indexOf(k) >= 0; });
    var pairs = [];
    for (var i = 1; i < terms.length; i++) {
      var a = terms[i - 1], b = terms[i];
      if (a.stem === b.stem) { continue; }
      if (a.phrase !== b.phrase || (a.phrase === 0 && a.segment !== b.segment)) { continue; }
      pairs.push({first: a, second: b, phrase: a.phrase});
    }
    var shardsLoaded = Promise.all(keys.map(function (k) {
      return load("terms-" + k + ".json").then(function (d) { return [k, d]; });
    }));
    var filtersLoaded = Promise.all(filters.map(load));
    return Promise.all([shardsLoaded, filtersLoaded]).then(function (parts) {
      var shards = {};
      parts[0].forEach(function (pair) { shards[pair[0]] = pair[1]; });
      var allowed = parts[1].map(function (list) { return new Set(list); });
      var corrections = [];
      var unknown = [];
      var scored = [];
      distinct.forEach(function (t) {
        var found = lookUp(t, shards[shardKey(t.stem)]);
        if (!found) { unknown.push(t.form); return; }
        if (found.how === "corrected") {
          corrections.push([t.form, found.form]);
          terms.forEach(function (other) { if (other.stem === t.stem) { other.matched = found.stem; } });
        }
        var scores = termScores(found);
        scored.push({term: t, scores: scores, idf: Math.log(1 + meta.documents / scores.size)});
      });
      terms.forEach(function (t) { if (!t.matched) { t.matched = t.stem; } });
      var wanted = pairs.filter(function (p) { return p.first.matched !== p.second.matched; });
      var pairKeys = Array.from(new Set(wanted.map(function (p) { return pairKey(p.first.matched, p.second.matched); })))
        .filter(function (k) { return (meta.pairShards || []).indexOf(k) >= 0; });
      return Promise.all(pairKeys.map(function (k) {
        return load("pairs-" + k + ".json").then(function (d) { return [k, d]; });
      })).then(function (loaded) {
        var pairShards = {};
        loaded.forEach(function (pair) { pairShards[pair[0]] = pair[1]; });
        var total = new Map();
        var matched = new Map();
        var blocks = new Map();
        var bestPart = new Map();
        scored.forEach(function (s) {
          s.scores.forEach(function (v, doc) {
            if (!allowed.every(function (set) { return set.has(doc); })) { return; }
            var part = v.value * s.idf;
            total.set(doc, (total.get(doc) || 0) + part);
            matched.set(doc, (matched.get(doc) || 0) + 1);
            if (!bestPart.has(doc) || part > bestPart.get(doc)) { bestPart.set(doc, part); blocks.set(doc, v.block); }
          });
        });
        var adjacent = new Map();
        var phraseHits = new Map();
        var phrasePairs = wanted.filter(function (p) { return p.phrase > 0; }).length;
        wanted.forEach(function (p) {
          var shard = pairShards[pairKey(p.first.matched, p.second.matched)] || {};
          var flat = shard[p.first.matched + " " + p.second.matched] || [];
          var doc = 0;
          for (var k = 0; k < flat.length; k += 2) {
            doc += flat[k];
            if (!total.has(doc)) { continue; }
            adjacent.set(doc, (adjacent.get(doc) || 0) + 1);
            if (p.phrase > 0) { phraseHits.set(doc, (phraseHits.get(doc) || 0) + 1); }
          }
        });
        var candidates = Array.from(total.keys());
        var everyWord = candidates.filter(function (d) { return matched.get(d) === scored.length; });
        var partial = scored.length > 1 && !everyWord.length;
        if (!partial) { candidates = everyWord; }
        if (!scored.length) {
          candidates = allowed.length && !terms.length ? Array.from(allowed[0]).filter(function (d) {
            return allowed.every(function (set) { return set.has(d); });
          }) : [];
        }
        var score = new Map();
        candidates.forEach(function (d) {
          score.set(d, (total.get(d) || 0) * (1 + PAIR_BOOST * (adjacent.get(d) || 0)));
        });
        candidates.sort(function (x, y) {
          if (phrasePairs) {
            var px = (phraseHits.get(x) || 0) === phrasePairs ? 1 : 0;
            var py = (phraseHits.get(y) || 0) === phrasePairs ? 1 : 0;
            if (px !== py) { return py - px; }
          }
          if (partial && matched.get(x) !== matched.get(y)) { return matched.get(y) - matched.get(x); }
          return (score.get(y) - score.get(x)) || (x - y);
        });
        return {ranked: candidates, blocks: blocks, terms: terms, corrections: corrections, unknown: unknown,
                partial: partial, score: score};
      });
    });
  }

  /* Text cut into [text, marked] pieces: the words whose stem is one of `wanted` are marked.
   * With `width`, only a window of about that many characters around the first mark. */
  function highlight(text, wanted, meta, width) {
    var pieces = [];
    var marks = [];
    var match;
    WORD_WITH_MARKS.lastIndex = 0;
    while ((match = WORD_WITH_MARKS.exec(text)) !== null) {
      var hit = words(match[0], meta).some(function (w) { return wanted.has(w[1]); });
      if (hit) { marks.push([match.index, match.index + match[0].length]); }
    }
    var start = 0, end = text.length;
    if (width) {
      if (!marks.length) { return null; }
      start = Math.max(0, marks[0][0] - Math.floor(width / 3));
      if (start > 0) {
        var space = text.indexOf(" ", start);
        start = space >= 0 && space < marks[0][0] ? space + 1 : start;
      }
      end = Math.min(text.length, start + width);
      if (end < text.length) {
        var back = text.lastIndexOf(" ", end);
        end = back > marks[0][1] ? back : end;
      }
    }
    var at = start;
    if (start > 0) { pieces.push(["… ", false]); }
    marks.forEach(function (m) {
      if (m[1] <= start || m[0] >= end) { return; }
      if (m[0] > at) { pieces.push([text.slice(at, m[0]), false]); }
      pieces.push([text.slice(Math.max(m[0], at), Math.min(m[1], end)), true]);
      at = Math.min(m[1], end);
    });
    if (at < end) { pieces.push([text.slice(at, end), false]); }
    if (end < text.length) { pieces.push([" …", false]); }
    return pieces;
  }

  var KBSearch = {normalise: normalise, split: split, foldSpelling: foldSpelling, words: words, stem: stem, shardKey: shardKey,
                  pairKey: pairKey, parseQuery: parseQuery, distance: distance, search: search, highlight: highlight,
                  documentCount: documentCount};
  root.KBSearch = KBSearch;

  // The page ------------------------------------------------------------------------------------

  if (typeof document === "undefined") { return; }
  var results = document.getElementById("kb-search-results");
  if (!results) { return; }
  var base = results.getAttribute("data-index");
  var rootUrl = results.getAttribute("data-root");
  var status = document.getElementById("kb-search-status");
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  var concept = params.get("concept") || "";
  var audience = params.get("audience") || "";
  var cache = {};
  var SNIPPET = 220;

  function load(name) {
    if (!cache[name]) {
      cache[name] = fetch(base + name).then(function (r) {
        if (!r.ok) { throw new Error(name + ": " + r.status); }
        return r.json();
      });
    }
    return cache[name];
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

  function marked(element, pieces) {
    pieces.forEach(function (piece) {
      if (piece[1]) {
        var mark = document.createElement("mark");
        mark.textContent = piece[0];
        element.appendChild(mark);
      } else {
        element.appendChild(document.createTextNode(piece[0]));
      }
    });
    return element;
  }

  function render(meta, found, docs) {
    var wanted = new Set(found.terms.map(function (t) { return t.matched; }));
    return Promise.all(docs.map(function (d) {
      return load("doc-" + d + "-" + (found.blocks.get(d) || 0) + ".json");
    })).then(function (loaded) {
      loaded.forEach(function (doc) {
        var item = document.createElement("li");
        item.className = "kb-search-result";
        var link = document.createElement("a");
        link.href = rootUrl + doc[0];
        link.textContent = doc[1];
        var heading = document.createElement("p");
        heading.className = "kb-card-title";
        heading.appendChild(link);
        var summary = marked(document.createElement("p"), highlight(doc[2], wanted, meta, 0));
        summary.className = "kb-card-summary";
        item.appendChild(heading);
        item.appendChild(summary);
        var pieces = wanted.size ? highlight(doc[6] || "", wanted, meta, SNIPPET) : null;
        if (pieces) {
          var snippet = marked(document.createElement("p"), pieces);
          snippet.className = "kb-search-snippet";
          item.appendChild(snippet);
        }
        var kind = document.createElement("p");
        kind.className = "kb-card-meta";
        kind.textContent = doc[3].replace("-", " ") + " · " + doc[4].map(function (c) { return meta.concepts[c][1]; }).join(", ");
        item.appendChild(kind);
        results.appendChild(item);
      });
    });
  }

  // Results arrive a page at a time, so a filter matching hundreds of articles downloads only what is shown.
  var PAGE = 50;
  var more = document.getElementById("kb-search-more");

  function showNext(meta, found, from) {
    var candidates = found.ranked;
    var upto = Math.min(from + PAGE, candidates.length);
    more.hidden = true;
    return render(meta, found, candidates.slice(from, upto)).then(function () {
      if (upto < candidates.length) {
        more.textContent = "Show more results (" + (candidates.length - upto) + " left)";
        more.hidden = false;
        more.onclick = function () { showNext(meta, found, upto); };
      }
    });
  }

  function describe(found) {
    var count = found.ranked.length + (found.ranked.length === 1 ? " result" : " results");
    var notes = [];
    if (found.corrections.length) {
      var shown = found.terms.map(function (t) {
        var fixed = found.corrections.filter(function (c) { return c[0] === t.form; })[0];
        return fixed ? fixed[1] : t.form;
      });
      notes.push("Showing results for “" + Array.from(new Set(shown)).join(" ") + "”");
    }
    if (found.unknown.length) {
      notes.push("no page mentions " + found.unknown.map(function (w) { return "“" + w + "”"; }).join(" or "));
    }
    if (found.partial) { notes.push("no page has every word, so pages with most of them come first"); }
    return count + (notes.length ? ". " + notes.join("; ") + "." : "");
  }

  load("meta.json").then(function (meta) {
    document.getElementById("kb-q").value = query;
    fillSelect(document.getElementById("kb-concept"), meta.concepts, concept);
    fillSelect(document.getElementById("kb-audience"), meta.audiences, audience);
    var terms = parseQuery(query, meta);
    var knownConcept = meta.concepts.some(function (c) { return c[0] === concept; });
    var knownAudience = meta.audiences.some(function (a) { return a[0] === audience; });
    if (!terms.length && !knownConcept && !knownAudience) {
      say(query ? "Those words are too common to search for; try a more specific word." : "Type a word, or choose a concept or audience.");
      return;
    }
    say("Searching…");
    var filters = [];
    if (knownConcept) { filters.push("filter-concept-" + concept + ".json"); }
    if (knownAudience) { filters.push("filter-audience-" + audience + ".json"); }
    return search(meta, load, query, filters).then(function (found) {
      if (!found.ranked.length) {
        say("Nothing matched. Try fewer or different words, or remove a filter.");
        return;
      }
      say(describe(found));
      return showNext(meta, found, 0);
    });
  }).catch(function (error) {
    say("Search is not available: " + error.message);
  });
})(typeof window !== "undefined" ? window : globalThis);
