/* Leading Learning: the reading-path planner of `kb path plan`, for the browser.
 *
 * A port of plan_path() and its helpers in knowledgebase/paths.py, and of the
 * "did you mean" suggestions in knowledgebase/suggest.py (difflib's
 * get_close_matches), working on the site's session data (_kb/session-data.js).
 * tests/test_session_planner.py runs both planners over hundreds of requests on
 * the real content and a generated corpus and requires identical answers (errors
 * by code and parameters), so a change to the rules in one must be made in the other.
 *
 * Also the path rules of `kb check` (KB301, KB302, KB305) for a session being
 * edited, worded from the table the engine publishes in the data.
 *
 * Loadable in the browser (window.KBPlanner) and in Node (module.exports).
 */
(function (root) {
  "use strict";

  var WHEN_ORDER = { "pre-reading": 0, "in-session": 1, "follow-up": 2 };
  var PRIMARY_WEIGHT = 2.0;
  var SECONDARY_WEIGHT = 1.0;
  var AUDIENCE_BONUS = 0.5;
  var DEPTH_WEIGHT = 0.25;

  /* The request cannot be met: `code` says why and `params` hold the details, exactly as
   * paths.PlanError's (no-concepts; unknown-concept {term, suggestion}; unknown-audience
   * {audience, suggestion}; no-articles {concepts}; too-short {minutes, shortest}). Each front end
   * words them: the builder from its message table (kb-builder-messages.js). */
  function PlanError(code, params) {
    this.name = "PlanError";
    this.code = code;
    this.params = params || {};
    this.message = code;
  }
  PlanError.prototype = Object.create(Error.prototype);
  PlanError.prototype.constructor = PlanError;

  function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
  }

  // Tuples compared as Python compares them: item by item.
  function compareKeys(a, b) {
    for (var i = 0; i < a.length; i++) {
      var c = compare(a[i], b[i]);
      if (c) return c;
    }
    return 0;
  }

  /* schema.normalise_term: lower case ASCII letters and digits, single hyphens. */
  function normaliseTerm(text) {
    return String(text).normalize("NFKD").replace(/[^\x00-\x7f]/g, "").toLowerCase()
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  }

  // difflib.SequenceMatcher(None, a, b).ratio(), with its automatic junk heuristic.
  function matchingBlocksTotal(a, b) {
    var b2j = Object.create(null);
    for (var j = 0; j < b.length; j++) (b2j[b[j]] = b2j[b[j]] || []).push(j);
    if (b.length >= 200) {
      var ntest = Math.floor(b.length / 100) + 1;
      Object.keys(b2j).forEach(function (ch) { if (b2j[ch].length > ntest) delete b2j[ch]; });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0;
      var j2len = Object.create(null);
      for (var i = alo; i < ahi; i++) {
        var newj2len = Object.create(null);
        var positions = b2j[a[i]] || [];
        for (var k = 0; k < positions.length; k++) {
          var jj = positions[k];
          if (jj < blo) continue;
          if (jj >= bhi) break;
          var size = newj2len[jj] = (j2len[jj - 1] || 0) + 1;
          if (size > bestsize) {
            besti = i - size + 1; bestj = jj - size + 1; bestsize = size;
          }
        }
        j2len = newj2len;
      }
      // No junk function is given, so any equal neighbours (such as "popular" characters left
      // out of b2j) extend the match, as in difflib's first pair of loops.
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
        besti--; bestj--; bestsize++;
      }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
        bestsize++;
      }
      return [besti, bestj, bestsize];
    }
    var total = 0;
    var queue = [[0, a.length, 0, b.length]];
    while (queue.length) {
      var q = queue.pop();
      var m = longest(q[0], q[1], q[2], q[3]);
      if (m[2]) {
        total += m[2];
        if (q[0] < m[0] && q[2] < m[1]) queue.push([q[0], m[0], q[2], m[1]]);
        if (m[0] + m[2] < q[1] && m[1] + m[2] < q[3]) queue.push([m[0] + m[2], q[1], m[1] + m[2], q[3]]);
      }
    }
    return total;
  }

  function ratio(a, b) {
    var length = a.length + b.length;
    return length ? 2.0 * matchingBlocksTotal(a, b) / length : 1.0;
  }

  /* suggest.closest: difflib.get_close_matches(value.lower(), sorted(set(candidates)), n=1, cutoff=0.6). */
  function closest(value, candidates) {
    var word = String(value).toLowerCase();
    var unique = Array.from(new Set(candidates)).sort(compare);
    var best = null;
    unique.forEach(function (candidate) {
      var score = ratio(word, candidate);
      // heapq.nlargest over (score, candidate): on equal scores the larger candidate wins.
      if (score >= 0.6 && (best === null || score > best[0] || (score === best[0] && candidate > best[1]))) {
        best = [score, candidate];
      }
    });
    return best ? best[1] : null;
  }

  // Data unpacked once per data object: articles by id, concepts and audiences by id, the alias index.
  function corpus(data) {
    if (data._kbCorpus) return data._kbCorpus;
    var KBSession = root.KBSession || (typeof require === "function" ? require("./kb-session.js") : null);
    var articles = Object.create(null);
    KBSession.articles(data).forEach(function (a) { articles[a.id] = a; });
    var concepts = Object.create(null);
    var aliases = Object.create(null);
    data.concepts.forEach(function (c) {
      concepts[c.id] = c;
      c.terms.forEach(function (term) { aliases[term] = c.id; });
    });
    var audiences = Object.create(null);
    data.audiences.forEach(function (a) { audiences[a.id] = a; });
    var built = { articles: articles, ids: Object.keys(articles).sort(compare), concepts: concepts,
                  aliases: aliases, audiences: audiences };
    try {
      Object.defineProperty(data, "_kbCorpus", { value: built, enumerable: false });
    } catch (e) { /* frozen data: unpack again next time */ }
    return built;
  }

  /* paths.reading_order: `ids` reordered so every prerequisite comes first, otherwise keeping
   * their order (Kahn's algorithm, always taking the earliest ready article). */
  function readingOrder(data, ids) {
    var kb = corpus(data);
    var position = Object.create(null);
    ids.forEach(function (id, i) { position[id] = i; });
    var indegree = Object.create(null);
    var children = Object.create(null);
    ids.forEach(function (id) { indegree[id] = 0; children[id] = []; });
    ids.forEach(function (id) {
      var article = kb.articles[id];
      (article ? article.prerequisites : []).forEach(function (prerequisite) {
        if (prerequisite in position && children[prerequisite].indexOf(id) < 0) {
          children[prerequisite].push(id);
          indegree[id] += 1;
        }
      });
    });
    var ready = ids.filter(function (id) { return indegree[id] === 0; });
    var order = [];
    while (ready.length) {
      ready.sort(function (a, b) { return position[a] - position[b]; });
      var node = ready.shift();
      order.push(node);
      children[node].forEach(function (child) {
        indegree[child] -= 1;
        if (indegree[child] === 0) ready.push(child);
      });
    }
    return order.length === ids.length ? order : ids.slice();  // a cycle is reported elsewhere
  }

  function resolveConceptTerms(kb, terms) {
    var resolved = [];
    terms.forEach(function (term) {
      var normal = normaliseTerm(term);
      var cid = normal in kb.aliases ? kb.aliases[normal] : null;
      if (cid === null) {
        throw new PlanError("unknown-concept", { term: term, suggestion: closest(normal, Object.keys(kb.aliases)) });
      }
      if (resolved.indexOf(cid) < 0) resolved.push(cid);
    });
    return resolved;
  }

  function sessionMinutes(data, kb, id) {
    return kb.articles[id].reading_time + data.discussion_minutes;
  }

  function gainOf(article, requested, covered, audience) {
    var covers = requested.filter(function (c) { return article.concepts.indexOf(c) >= 0; });
    var gain = 0.0;
    covers.forEach(function (concept) {
      if (covered.has(concept)) gain += DEPTH_WEIGHT;
      else gain += concept === article.concepts[0] ? PRIMARY_WEIGHT : SECONDARY_WEIGHT;
    });
    if (gain && audience && article.audience.indexOf(audience) >= 0) gain += AUDIENCE_BONUS;
    return [gain, covers];
  }

  function reasonFor(kb, article, covers, fresh, audience) {
    function labels(ids) { return ids.map(function (c) { return kb.concepts[c].label; }).join(", "); }
    var parts = [];
    if (fresh.length) parts.push("covers " + labels(fresh));
    var deeper = covers.filter(function (c) { return fresh.indexOf(c) < 0; });
    if (deeper.length) parts.push("goes deeper into " + labels(deeper));
    if (covers.indexOf(article.concepts[0]) >= 0) parts.push(kb.concepts[article.concepts[0]].label + " is its main subject");
    if (audience && article.audience.indexOf(audience) >= 0) parts.push("written for " + kb.audiences[audience].label.toLowerCase());
    return parts.join("; ");
  }

  function missingPrerequisites(kb, chosen) {
    var missing = [];
    var frontier = chosen.slice();
    while (frontier.length) {
      var next = [];
      frontier.forEach(function (id) {
        kb.articles[id].prerequisites.forEach(function (prerequisite) {
          if (chosen.indexOf(prerequisite) < 0 && missing.indexOf(prerequisite) < 0) {
            missing.push(prerequisite);
            next.push(prerequisite);
          }
        });
      });
      frontier = next;
    }
    return missing;
  }

  /* paths.plan_path. `request`: {concepts: [terms], minutes, audience (id or null), pre_reading}.
   * Returns {concepts, audience, minutes, pre_reading_minutes, steps: [{article, minutes, when,
   * reason, covers}], uncovered, left_out_prerequisites}; throws PlanError when it cannot be met. */
  function plan(data, request) {
    var kb = corpus(data);
    var concepts = request.concepts || [];
    var minutes = request.minutes;
    var audience = request.audience === undefined ? null : request.audience;
    var preReading = request.pre_reading || 0;
    if (!concepts.length) throw new PlanError("no-concepts");
    var requested = resolveConceptTerms(kb, concepts);
    if (audience !== null && !(audience in kb.audiences)) {
      throw new PlanError("unknown-audience", { audience: audience, suggestion: closest(audience, Object.keys(kb.audiences)) });
    }
    var candidates = kb.ids.map(function (id) { return kb.articles[id]; }).filter(function (a) {
      return a.concepts.some(function (c) { return requested.indexOf(c) >= 0; });
    });
    if (!candidates.length) throw new PlanError("no-articles", { concepts: requested });
    var shortest = Math.min.apply(null, candidates.map(function (a) { return sessionMinutes(data, kb, a.id); }));
    if (minutes < shortest) {
      throw new PlanError("too-short", { minutes: minutes, shortest: shortest });
    }

    var covered = new Set();
    var chosen = [];
    var reasons = Object.create(null);
    var budget = { "in-session": minutes, "pre-reading": preReading };

    function pick(newCoverageOnly) {
      for (;;) {
        var best = null;
        candidates.forEach(function (article) {
          var cost = sessionMinutes(data, kb, article.id);
          if (chosen.indexOf(article.id) >= 0 || cost > budget["in-session"]) return;
          var found = gainOf(article, requested, covered, audience);
          var gain = found[0], covers = found[1];
          if (gain <= 0 || (newCoverageOnly && !covers.some(function (c) { return !covered.has(c); }))) return;
          var key = [-gain / cost, -gain, -article.linked_from, article.id];
          if (best === null || compareKeys(key, best[0]) < 0) best = [key, article, covers];
        });
        if (best === null) return;
        var article = best[1], covers = best[2];
        var fresh = covers.filter(function (c) { return !covered.has(c); });
        reasons[article.id] = [reasonFor(kb, article, covers, fresh, audience), covers.slice()];
        covers.forEach(function (c) { covered.add(c); });
        chosen.push(article.id);
        budget["in-session"] -= sessionMinutes(data, kb, article.id);
      }
    }

    var steps = new Map();
    var leftOut = [];

    function step(article, minutes, when, reason, covers) {
      return { article: article, minutes: minutes, when: when, reason: reason, covers: covers };
    }

    function addPrerequisites() {
      missingPrerequisites(kb, chosen).forEach(function (id) {
        if (steps.has(id) || leftOut.indexOf(id) >= 0) return;
        var article = kb.articles[id];
        var neededBy = chosen.concat(Array.from(steps.keys())).filter(function (x) {
          return kb.articles[x].prerequisites.indexOf(id) >= 0;
        }).sort(compare);
        var reason = "prerequisite of " + neededBy.join(", ");
        if (article.reading_time <= budget["pre-reading"]) {
          steps.set(id, step(id, article.reading_time, "pre-reading", reason, []));
          budget["pre-reading"] -= article.reading_time;
        } else if (sessionMinutes(data, kb, id) <= budget["in-session"]) {
          steps.set(id, step(id, sessionMinutes(data, kb, id), "in-session", reason, []));
          budget["in-session"] -= sessionMinutes(data, kb, id);
        } else {
          leftOut.push(id);
        }
      });
    }

    pick(true);
    addPrerequisites();
    pick(false);
    addPrerequisites();
    chosen.forEach(function (id) {
      steps.set(id, step(id, sessionMinutes(data, kb, id), "in-session", reasons[id][0], reasons[id][1]));
    });
    var sorted = Array.from(steps.keys()).sort(function (a, b) {
      return compareKeys([WHEN_ORDER[steps.get(a).when], chosen.indexOf(a), a],
                         [WHEN_ORDER[steps.get(b).when], chosen.indexOf(b), b]);
    });
    var ordered = readingOrder(data, sorted);
    // Stable: keeps the prerequisite order within each part.
    ordered.sort(function (a, b) { return WHEN_ORDER[steps.get(a).when] - WHEN_ORDER[steps.get(b).when]; });
    return {
      concepts: requested, audience: audience, minutes: minutes, pre_reading_minutes: preReading,
      steps: ordered.map(function (id) { return steps.get(id); }),
      uncovered: requested.filter(function (c) { return !covered.has(c); }),
      left_out_prerequisites: leftOut
    };
  }

  function fill(template, values) {
    return template.replace(/\{([a-z_]+)\}/g, function (whole, name) {
      return name in values ? String(values[name]) : whole;
    });
  }

  function rule(data, name, values, step) {
    var r = data.rules[name];
    return { code: r.code, rule: name, step: step, message: fill(r.message, values), hint: fill(r.hint, values) };
  }

  /* paths.check_paths for a session: over time (KB301), the same article twice (KB305), a
   * prerequisite missing or after the step that needs it (KB302), in that order, each
   * {code, rule, step (index or null), message, hint} in the words of `kb check`. */
  function checkSession(data, session) {
    var kb = corpus(data);
    var warnings = [];
    var used = 0;
    session.steps.forEach(function (s) { if (s.when === "in-session") used += s.minutes; });
    if (used > session.duration) warnings.push(rule(data, "over-time", { used: used, duration: session.duration }, null));
    var seen = Object.create(null);
    session.steps.forEach(function (s, index) {
      if (s.article in seen) warnings.push(rule(data, "duplicate-step", { article: s.article, first: seen[s.article] + 1 }, index));
      else seen[s.article] = index;
    });
    var unique = [];
    session.steps.forEach(function (s) { if (unique.indexOf(s.article) < 0) unique.push(s.article); });
    var suggested = readingOrder(data, unique);
    session.steps.forEach(function (s, index) {
      var article = kb.articles[s.article];
      if (!article) return;
      article.prerequisites.forEach(function (prerequisite) {
        if (!(prerequisite in seen)) {
          warnings.push(rule(data, "missing-prerequisite", { article: s.article, prerequisite: prerequisite }, index));
        } else if (seen[prerequisite] > index) {
          warnings.push(rule(data, "prerequisite-after", {
            step: index + 1, article: s.article, prerequisite: prerequisite,
            prerequisite_step: seen[prerequisite] + 1, order: suggested.join(", ")
          }, index));
        }
      });
    });
    return warnings;
  }

  /* paths.format_minutes: 95 -> "1:35", a clock from the start of the session. */
  function formatMinutes(minutes) {
    var rest = minutes % 60;
    return Math.floor(minutes / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  var KBPlanner = {
    PlanError: PlanError, plan: plan, readingOrder: readingOrder, checkSession: checkSession,
    normaliseTerm: normaliseTerm, formatMinutes: formatMinutes
  };
  if (typeof module === "object" && module.exports) module.exports = KBPlanner;
  else root.KBPlanner = KBPlanner;
})(typeof window !== "undefined" ? window : this);
