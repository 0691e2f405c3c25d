/* Leading Learning: a trainer's session, as the session builder, the "Add to
 * my session" buttons and the print pages all read and write it.
 *
 * A session is plain data:
 *   {v: 1, title, summary, audience: [ids], duration: minutes, outcomes: [text],
 *    steps: [{article: id, minutes, when: "pre-reading"|"in-session"|"follow-up",
 *             prompt, facilitator}]}
 * `facilitator` notes are for the trainer alone: participantCopy() leaves them out.
 * Everything in it may come from a stranger (a shared link) or from an old
 * draft, so every way in goes through validate(), which never throws: it
 * refuses what is malformed and drops (and reports) articles the site does not
 * have. Nothing here touches the page; callers show text with textContent.
 *
 * Its limits (lengths, counts, minutes) are never written here: limits(data)
 * reads them from the site's session data, which the build generates from the
 * front matter schema (knowledgebase/sessiondata.py). validate() holds a
 * session to every maximum; what a path file needs besides (a title, an
 * audience, the shortest session) is for the export to say (kb-path-file.js).
 *
 * Loadable in the browser (window.KBSession) and in Node (module.exports), so
 * the tests can run the same code outside a browser.
 */
(function (root) {
  "use strict";

  var VERSION = 1;
  var STORAGE_KEY = "kb-session-draft-v1";
  var MAX_FRAGMENT = 32 * 1024;   // characters of base64url; refused before decoding
  var WHEN = ["pre-reading", "in-session", "follow-up"];
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var KEYS = ["v", "title", "summary", "audience", "duration", "outcomes", "steps"];
  var STEP_KEYS = ["article", "minutes", "when", "prompt", "facilitator"];
  var DEFAULT_DURATION = 60;

  function empty() {
    return { v: VERSION, title: "", summary: "", audience: [], duration: DEFAULT_DURATION, outcomes: [], steps: [] };
  }

  function isPlainObject(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value) &&
      Object.prototype.toString.call(value) === "[object Object]";
  }

  function has(obj, key) {
    return Object.prototype.hasOwnProperty.call(obj, key);
  }

  // A lone surrogate cannot be written as UTF-8 or YAML; replace it rather than refuse the text.
  function wellFormed(text) {
    return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
      function (match, before) { return (before || "") + "\uFFFD"; });
  }

  // Hidden memo on the data object, so unpacking happens once per page.
  function memo(data, name, make) {
    if (has(data, name)) return data[name];
    var value = make();
    try {
      Object.defineProperty(data, name, { value: value, enumerable: false });
    } catch (e) { /* a frozen object: make it again next time */ }
    return value;
  }

  /* The site's articles as objects: {id, title, url, kind, reading_time,
   * concepts: [concept ids], audience: [audience ids], prerequisites: [article ids],
   * linked_from, question (or null)}. The data file holds them as compact rows. */
  function articles(data) {
    if (!data || !Array.isArray(data.articles)) return [];
    return memo(data, "_kbArticles", function () {
      var fields = data.article_fields;
      var rows = data.articles;
      return rows.map(function (row) {
        var a = {};
        fields.forEach(function (name, i) { a[name] = row[i]; });
        a.kind = data.kinds[a.kind];
        a.concepts = a.concepts.map(function (i) { return data.concepts[i].id; });
        a.audience = a.audience.map(function (i) { return data.audiences[i].id; });
        a.prerequisites = a.prerequisites.map(function (i) { return rows[i][0]; });
        a.url = data.article_url.split("{id}").join(a.id);
        return a;
      });
    });
  }

  /* One article by id, or null. */
  function article(data, id) {
    if (!data) return null;
    var byId = memo(data, "_kbArticleById", function () {
      var index = Object.create(null);
      articles(data).forEach(function (a) { index[a.id] = a; });
      return index;
    });
    return typeof id === "string" && id in byId ? byId[id] : null;
  }

  /* The limits a session is held to, from the data's `limits` (see sessiondata.py): the schema's
   * limits on a path's fields ("path") and its steps' fields ("step"), and the builder's own
   * ("session"). A limit the data does not give is null: none. Without data, every one is null. */
  function limits(data) {
    var given = data && data.limits;
    function get(scope, field, kind) {
      var limit = given && given[scope] && given[scope][field];
      return limit && typeof limit[kind] === "number" ? limit[kind] : null;
    }
    function tightest(scope, field, kind) {
      var a = get(scope, field, kind), b = get("session", field, kind);
      return a === null ? b : b === null ? a : Math.min(a, b);
    }
    return {
      title: get("path", "title", "max_length"), summary: get("path", "summary", "max_length"),
      audience: tightest("path", "audience", "max_items"), audience_min: get("path", "audience", "min_items"),
      duration_min: get("path", "duration", "minimum"), duration_max: get("path", "duration", "maximum"),
      outcome: get("path", "outcomes", "max_length"), outcomes: tightest("path", "outcomes", "max_items"),
      outcomes_min: get("path", "outcomes", "min_items"),
      steps: tightest("path", "steps", "max_items"),
      minutes_min: get("step", "minutes", "minimum"), minutes_max: get("step", "minutes", "maximum"),
      prompt: get("step", "prompt", "max_length"), facilitator: get("step", "facilitator", "max_length")
    };
  }

  // Over a limit; a limit of null is none.
  function over(count, limit) {
    return limit !== null && count > limit;
  }

  function audienceIds(data) {
    if (!data || !Array.isArray(data.audiences)) return null;
    var ids = Object.create(null);
    data.audiences.forEach(function (audience) { ids[audience.id] = true; });
    return ids;
  }

  /* Check `obj` as a session. Returns {session, errors}: `session` is null when
   * the object cannot be a session at all; otherwise it is a clean copy, and
   * `errors` lists what was dropped (articles or audiences the site does not
   * have). With `data` (window.KB_SESSION_DATA) article and audience ids are
   * checked against the site; without it only their form is. */
  function validate(obj, data) {
    var errors = [];
    var limit = limits(data);
    function refuse(message) { return { session: null, errors: errors.concat([message]) }; }
    try {
      if (!isPlainObject(obj)) return refuse("This is not a session.");
      for (var key in obj) {
        if (has(obj, key) && KEYS.indexOf(key) < 0) return refuse("The session has a field it should not have.");
      }
      if (has(obj, "v") && obj.v !== VERSION) return refuse("This session was made by a different version of the builder.");
      var session = empty();
      var texts = ["title", "summary"];
      for (var t = 0; t < texts.length; t++) {
        var name = texts[t];
        if (!has(obj, name)) continue;
        if (typeof obj[name] !== "string") return refuse("The session's " + name + " is not text.");
        if (over(obj[name].length, limit[name])) return refuse("The session's " + name + " is too long.");
        session[name] = wellFormed(obj[name]);
      }
      if (has(obj, "duration")) {
        if (!isCount(obj.duration, limit.duration_max)) {
          return refuse("The session's length is not a number of minutes" + range(limit.duration_max) + ".");
        }
        session.duration = obj.duration;
      }
      if (has(obj, "outcomes")) {
        if (!Array.isArray(obj.outcomes) || over(obj.outcomes.length, limit.outcomes)) {
          return refuse("The session's outcomes are not a list" + (limit.outcomes === null ? "" : " of up to " + limit.outcomes) + ".");
        }
        for (var o = 0; o < obj.outcomes.length; o++) {
          if (typeof obj.outcomes[o] !== "string" || over(obj.outcomes[o].length, limit.outcome)) return refuse("An outcome is not text of a sensible length.");
          session.outcomes.push(wellFormed(obj.outcomes[o]));
        }
      }
      var audiences = audienceIds(data);
      if (has(obj, "audience")) {
        if (!Array.isArray(obj.audience) || over(obj.audience.length, limit.audience)) return refuse("The session's audience is not a list.");
        for (var a = 0; a < obj.audience.length; a++) {
          var audience = obj.audience[a];
          if (typeof audience !== "string" || !SLUG.test(audience)) return refuse("An audience in the session is not a valid id.");
          if (audiences && !audiences[audience]) { errors.push("Left out an audience this site does not have: " + audience + "."); continue; }
          if (session.audience.indexOf(audience) < 0) session.audience.push(audience);
        }
      }
      var known = data && Array.isArray(data.articles);
      if (has(obj, "steps")) {
        if (!Array.isArray(obj.steps)) return refuse("The session's steps are not a list.");
        if (over(obj.steps.length, limit.steps)) return refuse("The session has more than " + limit.steps + " steps.");
        for (var s = 0; s < obj.steps.length; s++) {
          var step = obj.steps[s];
          var number = "Step " + (s + 1);
          if (!isPlainObject(step)) return refuse(number + " is not a step.");
          for (var k in step) {
            if (has(step, k) && STEP_KEYS.indexOf(k) < 0) return refuse(number + " has a field it should not have.");
          }
          if (typeof step.article !== "string" || !SLUG.test(step.article)) return refuse(number + " does not name an article by its id.");
          if (!isCount(step.minutes, limit.minutes_max)) {
            return refuse(number + " does not have a number of minutes" + range(limit.minutes_max) + ".");
          }
          if (WHEN.indexOf(step.when) < 0) return refuse(number + " is not pre-reading, in-session or follow-up.");
          var clean = { article: step.article, minutes: step.minutes, when: step.when, prompt: "", facilitator: "" };
          var fields = ["prompt", "facilitator"];
          for (var f = 0; f < fields.length; f++) {
            if (!has(step, fields[f])) continue;
            if (typeof step[fields[f]] !== "string") return refuse(number + "'s " + fields[f] + " is not text.");
            if (over(step[fields[f]].length, limit[fields[f]])) return refuse(number + "'s " + fields[f] + " is too long.");
            clean[fields[f]] = wellFormed(step[fields[f]]);
          }
          if (known && !article(data, step.article)) {
            errors.push("Left out an article this site does not have: " + step.article + ".");
            continue;
          }
          session.steps.push(clean);
        }
      }
      return { session: session, errors: errors };
    } catch (error) {
      return refuse("This session could not be read.");
    }
  }

  /* A whole number of minutes, at most `maximum` (null: no limit). A session may be shorter than
   * a path file allows, as it may lack a title: the export says so (kb-path-file.js). */
  function isCount(value, maximum) {
    return typeof value === "number" && Math.floor(value) === value && value >= 1 && (maximum === null || value <= maximum);
  }

  function range(maximum) {
    return maximum === null ? "" : " from 1 to " + maximum;
  }

  // The session with its keys in one fixed order, so the same session always encodes alike.
  function canonical(session) {
    return {
      v: VERSION, title: session.title, summary: session.summary, audience: session.audience.slice(),
      duration: session.duration, outcomes: session.outcomes.slice(),
      steps: session.steps.map(function (s) {
        return { article: s.article, minutes: s.minutes, when: s.when, prompt: s.prompt, facilitator: s.facilitator };
      })
    };
  }

  /* What participants may see of a session: a copy with every facilitator note emptied, the
   * one part of a session that is for the trainer alone. Handout and reading pack links carry
   * this copy, and their pages draw nothing else. */
  function participantCopy(session) {
    var copy = canonical(session);
    copy.steps.forEach(function (s) { s.facilitator = ""; });
    return copy;
  }

  function isEmpty(session) {
    return !session || (!session.steps.length && !session.title && !session.summary && !session.outcomes.length);
  }

  function same(a, b) {
    return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
  }

  // base64url of UTF-8, written out here so that browser and Node agree byte for byte.
  var ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

  function utf8Bytes(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.codePointAt(i);
      if (code > 0xffff) i++;
      if (code < 0x80) bytes.push(code);
      else if (code < 0x800) bytes.push(0xc0 | code >> 6, 0x80 | code & 63);
      else if (code < 0x10000) bytes.push(0xe0 | code >> 12, 0x80 | code >> 6 & 63, 0x80 | code & 63);
      else bytes.push(0xf0 | code >> 18, 0x80 | code >> 12 & 63, 0x80 | code >> 6 & 63, 0x80 | code & 63);
    }
    return bytes;
  }

  function base64url(bytes) {
    var out = "";
    for (var i = 0; i < bytes.length; i += 3) {
      var n = bytes[i] << 16 | (bytes[i + 1] || 0) << 8 | (bytes[i + 2] || 0);
      out += ALPHABET[n >> 18 & 63] + ALPHABET[n >> 12 & 63];
      if (i + 1 < bytes.length) out += ALPHABET[n >> 6 & 63];
      if (i + 2 < bytes.length) out += ALPHABET[n & 63];
    }
    return out;
  }

  function fromBase64url(text) {
    if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
    var bytes = [];
    var bits = 0, value = 0;
    for (var i = 0; i < text.length; i++) {
      value = value << 6 | ALPHABET.indexOf(text[i]);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        bytes.push(value >> bits & 255);
      }
    }
    return bytes;
  }

  function utf8Text(bytes) {
    // fatal: a malformed byte sequence is a malformed link, not text to guess at.
    if (typeof TextDecoder === "function") {
      try { return new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(bytes)); } catch (e) { return null; }
    }
    try { return decodeURIComponent(bytes.map(function (b) { return "%" + (b < 16 ? "0" : "") + b.toString(16); }).join("")); } catch (e) { return null; }
  }

  /* The text to put after `#s=` in a link: base64url (no padding) of the session's UTF-8 JSON. */
  function encode(session) {
    return base64url(utf8Bytes(JSON.stringify(canonical(session))));
  }

  /* The session a link's `s=` text holds. Returns {session, error, errors}: on
   * refusal `session` is null and `error` says why in one sentence for the
   * trainer; `errors` lists what validate() dropped or refused. */
  function decode(text, data) {
    function refuse(message, errors) { return { session: null, error: message, errors: errors || [message] }; }
    if (typeof text !== "string") return refuse("The link holds no session.");
    if (text.length > MAX_FRAGMENT) return refuse("The link is too long to be a session from this site.");
    var bytes = fromBase64url(text);
    if (bytes === null) return refuse("The link is damaged: its session is not in the expected form.");
    var json = utf8Text(bytes);
    if (json === null) return refuse("The link is damaged: its session is not readable text.");
    var parsed;
    try { parsed = JSON.parse(json); } catch (e) { return refuse("The link is damaged: its session could not be read."); }
    var checked = validate(parsed, data);
    if (!checked.session) return refuse("This link's session cannot be opened. " + checked.errors[checked.errors.length - 1], checked.errors);
    return { session: checked.session, error: null, errors: checked.errors };
  }

  /* `#kind=handout&s=...` -> {kind: "handout", s: "..."}. Keys and values are
   * kept as written (base64url needs no decoding); an oversized fragment gives {}. */
  function fragmentParams(hash) {
    var params = Object.create(null);
    if (typeof hash !== "string" || hash.length > MAX_FRAGMENT + 1024) return params;
    hash.replace(/^#/, "").split("&").forEach(function (part) {
      var at = part.indexOf("=");
      if (at > 0) params[part.slice(0, at)] = part.slice(at + 1);
    });
    return params;
  }

  function storage() {
    try {
      var store = root && root.localStorage;
      return store || null;
    } catch (e) {  // some browsers throw on access when storage is blocked
      return null;
    }
  }

  /* The draft kept in this browser, validated (articles the site no longer has are dropped), or null. */
  function load(data) {
    var store = storage();
    if (!store) return null;
    var text;
    try { text = store.getItem(STORAGE_KEY); } catch (e) { return null; }
    if (!text) return null;
    var parsed;
    try { parsed = JSON.parse(text); } catch (e) { return null; }
    return validate(parsed, data).session;
  }

  /* Keep the draft in this browser; false when storage is unavailable or full. */
  function save(session) {
    var store = storage();
    if (!store) return false;
    try {
      store.setItem(STORAGE_KEY, JSON.stringify(canonical(session)));
      return true;
    } catch (e) {
      return false;
    }
  }

  var KBSession = {
    VERSION: VERSION, STORAGE_KEY: STORAGE_KEY, MAX_FRAGMENT: MAX_FRAGMENT, WHEN: WHEN, limits: limits,
    empty: empty, articles: articles, article: article, validate: validate, encode: encode, decode: decode, fragmentParams: fragmentParams,
    load: load, save: save, isEmpty: isEmpty, same: same, canonical: canonical, participantCopy: participantCopy
  };
  if (typeof module === "object" && module.exports) module.exports = KBSession;
  else root.KBSession = KBSession;
})(typeof window !== "undefined" ? window : this);
