/* Leading Learning, session builder: the timetable and its readings.
 *
 * The "Timetable" section: each step with its clock, minutes, when, prompt and
 * facilitator notes, moved by buttons, keyboard or drag and drop, removed; the
 * time left; and the warnings `kb check` would give the path (worded from the
 * rules the engine publishes, by kb-planner.js). Then "Add readings": a search
 * of the site's articles by title and concept, each with an Add button.
 *
 * Part of the builder's namespace (window.KBBuilder.steps); loadable in Node.
 */
(function (root) {
  "use strict";

  var MAX_RESULTS = 20;

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  function part(name, file) {
    return (root.KBBuilder && root.KBBuilder[name]) || (typeof require === "function" ? require(file) : null);
  }

  function cut(text, limit) {
    return limit === null ? text : text.slice(0, limit);
  }

  function attribute(limit) {
    return limit === null ? null : String(limit);
  }

  /* Minutes in the session, of pre-reading and of follow-up. */
  function totals(session) {
    var time = { "in-session": 0, "pre-reading": 0, "follow-up": 0 };
    session.steps.forEach(function (s) { time[s.when] += s.minutes; });
    return time;
  }

  function create(ctx) {
    var KBPlanner = lib("KBPlanner", "./kb-planner.js");
    var KBSession = lib("KBSession", "./kb-session.js");
    var readCount = part("ui", "./kb-builder-ui.js").readCount;
    var ui = ctx.ui, el = ui.el, clear = ui.clear, state = ctx.state, data = state.data, limits = state.limits;

    var stepsHeading = el("h2", { id: "kb-steps-title", tabindex: "-1" }, "Timetable");
    var timeSummary = el("p", { id: "kb-time-left", className: "kb-time-left", "aria-live": "polite" });
    var warningsBox = el("div", { id: "kb-warnings", className: "kb-warnings" });
    var stepsList = el("ol", { id: "kb-steps", className: "kb-step-list", "aria-labelledby": "kb-steps-title" });
    var emptySteps = el("p", { className: "kb-steps-empty" },
      "No readings yet. Draft a session above, add readings below, or use \u201cAdd to my session\u201d on any article.");
    var dragFrom = null;

    function renderTimeline() {
      var session = state.session;
      var time = totals(session);
      var left = session.duration - time["in-session"];
      timeSummary.className = "kb-time-left" + (left < 0 ? " kb-over" : "");
      timeSummary.textContent = "In the session: " + time["in-session"] + " of " + session.duration + " minutes; " +
        (left >= 0 ? left + " minutes left" : -left + " minutes over") + ". Pre-reading: " + time["pre-reading"] +
        " minutes. Follow-up: " + time["follow-up"] + " minutes.";
      clear(warningsBox);
      var warnings = KBPlanner.checkSession(data, session);
      if (warnings.length) {
        var list = el("ul", { className: "kb-warning-list" });
        warnings.forEach(function (w) {
          list.appendChild(el("li", null, el("strong", null, w.code + " "), w.message, el("span", { className: "kb-warning-hint" }, " (" + w.hint + ")")));
        });
        warningsBox.appendChild(el("p", { className: "kb-warnings-title" }, el("strong", null, warnings.length === 1 ? "1 thing to check" : warnings.length + " things to check"),
          " (the same checks as kb check):"));
        warningsBox.appendChild(list);
      }
      // Clocks from the start of the session, as on the facilitator pages.
      var clock = 0;
      Array.prototype.forEach.call(stepsList.children, function (item, index) {
        var s = session.steps[index];
        var place = item.querySelector(".kb-step-clock");
        if (!s || !place) return;
        if (s.when === "in-session") {
          place.textContent = KBPlanner.formatMinutes(clock) + "\u2013" + KBPlanner.formatMinutes(clock + s.minutes);
          clock += s.minutes;
        } else {
          place.textContent = state.whenLabel[s.when];
        }
      });
    }

    function moveStep(from, to, focusClass) {
      var steps = state.session.steps;
      if (to < 0 || to >= steps.length || from === to) return;
      var moved = steps.splice(from, 1)[0];
      steps.splice(to, 0, moved);
      renderSteps();
      state.changed("Moved \u201c" + state.titleOf(moved.article) + "\u201d to step " + (to + 1) + ".");
      var item = stepsList.children[to];
      var target = item && (item.querySelector("." + focusClass + ":not([disabled])") || item.querySelector(".kb-step-title-link"));
      if (target) target.focus();
    }

    function textBox(className, limit, value, onInput) {
      var box = el("textarea", { className: className, rows: "2", maxlength: attribute(limit) });
      box.value = value;
      box.addEventListener("input", function () { onInput(cut(box.value, limit)); state.changed(); });
      return box;
    }

    function stepItem(s, index) {
      var a = state.article(s.article);
      var title = a ? a.title : s.article;
      var item = el("li", { className: "kb-step-item", draggable: true });
      item.setAttribute("data-article", s.article);
      item.appendChild(el("p", { className: "kb-step-head" },
        el("span", { className: "kb-drag-handle", "aria-hidden": "true", title: "Drag to reorder" }, "\u2630"), " ",
        el("span", { className: "kb-step-clock" }), " ",
        el("a", { className: "kb-step-title-link", href: a ? a.url : "#" }, title),
        a ? el("span", { className: "kb-step-meta" }, " \u00b7 " + a.reading_time + " min read") : null));
      if (state.reasons[s.article]) item.appendChild(el("p", { className: "kb-step-reason" }, "Why: " + state.reasons[s.article]));

      var minutes = ui.number(s.minutes, 1, limits.minutes_max);
      minutes.className = "kb-step-minutes";
      minutes.addEventListener("input", function () {
        // Fewer than a path allows is kept for the export to report, as the session's own length is.
        var n = readCount(minutes, 1, limits.minutes_max);
        if (n !== null) { s.minutes = n; state.changed(); }
      });
      var when = el("select", { className: "kb-step-when" });
      KBSession.WHEN.forEach(function (w) { when.appendChild(el("option", { value: w }, state.whenLabel[w])); });
      when.value = s.when;
      when.addEventListener("change", function () { s.when = when.value; state.changed(); });
      var prompt = textBox("kb-step-prompt", limits.prompt, s.prompt, function (text) { s.prompt = text; });
      var note = textBox("kb-step-facilitator", limits.facilitator, s.facilitator, function (text) { s.facilitator = text; });

      item.appendChild(el("div", { className: "kb-step-fields" },
        ui.field("Minutes", minutes), ui.field("When", when),
        ui.field("Discussion prompt for participants", prompt),
        ui.field("Facilitator notes (never on the handout)", note)));
      var last = state.session.steps.length - 1;
      var up = ui.button("Move up", function () { moveStep(index, index - 1, "kb-move-up"); },
        { className: "kb-button kb-button-small kb-move-up", "aria-label": "Move \u201c" + title + "\u201d up", disabled: index === 0 });
      var down = ui.button("Move down", function () { moveStep(index, index + 1, "kb-move-down"); },
        { className: "kb-button kb-button-small kb-move-down", "aria-label": "Move \u201c" + title + "\u201d down",
          disabled: index === last });
      var remove = ui.button("Remove", function () {
        var steps = state.session.steps;
        steps.splice(index, 1);
        renderSteps();
        state.changed("Removed \u201c" + title + "\u201d.");
        var next = stepsList.children[Math.min(index, steps.length - 1)];
        (next ? next.querySelector(".kb-step-title-link") : stepsHeading).focus();
        renderAddResults();
      }, { className: "kb-button kb-button-small kb-remove", "aria-label": "Remove \u201c" + title + "\u201d" });
      item.appendChild(el("p", { className: "kb-step-actions" }, up, " ", down, " ", remove));

      item.addEventListener("dragstart", function (event) {
        dragFrom = index;
        item.classList.add("kb-dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", String(index));
      });
      item.addEventListener("dragend", function () { item.classList.remove("kb-dragging"); dragFrom = null; });
      item.addEventListener("dragover", function (event) {
        if (dragFrom === null) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = "move";
      });
      item.addEventListener("drop", function (event) {
        if (dragFrom === null) return;
        event.preventDefault();
        var from = dragFrom;
        dragFrom = null;
        moveStep(from, index, "kb-move-up");
      });
      return item;
    }

    function renderSteps() {
      clear(stepsList);
      state.session.steps.forEach(function (s, index) { stepsList.appendChild(stepItem(s, index)); });
      emptySteps.hidden = state.session.steps.length > 0;
    }

    // Adding readings -------------------------------------------------------------------------

    var addSearch = el("input", { type: "search", id: "kb-add-search", autocomplete: "off" });
    var addResults = el("ul", { id: "kb-add-results", className: "kb-add-results" });
    var addCount = el("p", { id: "kb-add-count", className: "kb-add-count", "aria-live": "polite" });

    function renderAddResults() {
      clear(addResults);
      var words = KBPlanner.normaliseTerm(addSearch.value).split("-").filter(Boolean);
      if (!words.length) { addCount.textContent = ""; return; }
      var found = state.articles.filter(function (a) {
        var text = KBPlanner.normaliseTerm(a.title + " " + a.concepts.map(function (c) { return state.conceptLabel[c]; }).join(" "));
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      addCount.textContent = found.length === 0 ? "No article matches." :
        found.length + (found.length === 1 ? " article matches." : " articles match.") +
        (found.length > MAX_RESULTS ? " Showing the first " + MAX_RESULTS + "; type more to narrow it." : "");
      found.slice(0, MAX_RESULTS).forEach(function (a) {
        var already = state.session.steps.some(function (s) { return s.article === a.id; });
        addResults.appendChild(el("li", null,
          el("a", { href: a.url }, a.title),
          el("span", { className: "kb-step-meta" }, " \u00b7 " + a.reading_time + " min read "),
          ui.button(already ? "Add again" : "Add", function () { addArticle(a.id); },
            { className: "kb-button kb-button-small", "aria-label": (already ? "Add again: " : "Add: ") + a.title })));
      });
    }
    addSearch.addEventListener("input", renderAddResults);

    function addArticle(id) {
      var a = state.article(id);
      if (!a) return;
      var steps = state.session.steps;
      if (limits.steps !== null && steps.length >= limits.steps) {
        ui.say("A session holds at most " + limits.steps + " readings.");
        return;
      }
      var minutes = a.reading_time + data.discussion_minutes;
      steps.push({ article: id, minutes: limits.minutes_max === null ? minutes : Math.min(minutes, limits.minutes_max),
                   when: "in-session", prompt: a.question || "", facilitator: "" });
      renderSteps();
      state.changed("Added \u201c" + a.title + "\u201d as step " + steps.length + ".");
      renderAddResults();
    }

    state.on("replaced", function () { renderSteps(); renderTimeline(); });
    state.on("changed", renderTimeline);

    return {
      heading: stepsHeading,
      timetable: el("section", { id: "kb-builder-steps", className: "kb-builder-section", "aria-labelledby": "kb-steps-title" },
        stepsHeading, timeSummary, warningsBox, emptySteps, stepsList),
      adding: ui.section("kb-builder-add", "Add readings",
        ui.field("Find an article by title or concept", addSearch), addCount, addResults)
    };
  }

  var stepsPart = { create: create, totals: totals };
  if (typeof module === "object" && module.exports) module.exports = stepsPart;
  else (root.KBBuilder = root.KBBuilder || {}).steps = stepsPart;
})(typeof window !== "undefined" ? window : this);
