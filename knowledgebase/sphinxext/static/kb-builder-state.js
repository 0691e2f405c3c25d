/* Leading Learning, session builder: the session being edited, and what the site knows.
 *
 * create(data) holds the one session the page edits (`state.session`, from the
 * draft kept in this browser, else empty) with the planner's reasons for its
 * last draft, saves it in this browser after every change (KBSession.save), and
 * tells the parts of the page: `changed` after an edit, `replaced` when a whole
 * new session is shown. It also answers the questions every part asks of the
 * site's data: an article by id, a concept's or audience's label, the limits.
 *
 * Part of the builder's namespace (window.KBBuilder.state); loadable in Node.
 */
(function (root) {
  "use strict";

  var WHEN_LABEL = { "pre-reading": "Pre-reading", "in-session": "In the session", "follow-up": "Follow-up" };

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  function create(data) {
    var KBSession = lib("KBSession", "./kb-session.js");
    var audienceLabel = {};
    data.audiences.forEach(function (a) { audienceLabel[a.id] = a.label; });
    var conceptLabel = {};
    data.concepts.forEach(function (c) { conceptLabel[c.id] = c.label; });
    var listeners = { changed: [], replaced: [] };

    var state = {
      data: data,
      limits: KBSession.limits(data),
      articles: KBSession.articles(data),
      audienceLabel: audienceLabel,
      conceptLabel: conceptLabel,
      whenLabel: WHEN_LABEL,
      session: KBSession.load(data) || KBSession.empty(),
      reasons: {},   // article id -> why the planner chose it (for the last draft only)
      saved: null    // whether the last save worked
    };

    state.article = function (id) {
      return KBSession.article(data, id);
    };

    state.titleOf = function (id) {
      var a = state.article(id);
      return a ? a.title : id;
    };

    state.isEmpty = function () {
      return KBSession.isEmpty(state.session);
    };

    /* on("changed", f(message)) after every edit; on("replaced", f()) when a new session is shown. */
    state.on = function (event, listener) {
      listeners[event].push(listener);
    };

    function tell(event, value) {
      listeners[event].forEach(function (listener) { listener(value); });
    }

    /* After every edit: save, then let every part refresh what depends on the whole session. */
    state.changed = function (message) {
      state.saved = KBSession.save(state.session);
      tell("changed", message);
    };

    /* Show the whole session again (every part draws it afresh), without saving. */
    state.redraw = function () {
      tell("replaced");
    };

    /* A new session replaces the one shown: drawn afresh, then saved. */
    state.replace = function (session, message, reasons) {
      state.session = session;
      state.reasons = reasons || {};
      state.redraw();
      state.changed(message);
    };

    /* The draft kept in this browser changed elsewhere (another tab): take it if it differs. */
    state.takeStored = function () {
      var latest = KBSession.load(data);
      if (!latest || KBSession.same(latest, state.session)) return false;
      state.session = latest;
      state.redraw();
      return true;
    };

    return state;
  }

  var builderState = { create: create, WHEN_LABEL: WHEN_LABEL };
  if (typeof module === "object" && module.exports) module.exports = builderState;
  else (root.KBBuilder = root.KBBuilder || {}).state = builderState;
})(typeof window !== "undefined" ? window : this);
