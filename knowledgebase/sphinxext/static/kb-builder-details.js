/* Leading Learning, session builder: the session's details.
 *
 * The "Your session" form: title, summary, who it is for, its length and its
 * outcomes (one per line). Every edit goes into the session at once, cut to
 * the site's limits (from its data, as kb-session.js reads them), and is saved.
 *
 * Part of the builder's namespace (window.KBBuilder.details); loadable in Node.
 */
(function (root) {
  "use strict";

  function part(name, file) {
    return (root.KBBuilder && root.KBBuilder[name]) || (typeof require === "function" ? require(file) : null);
  }

  // `text` cut to `limit` characters; a limit of null is none.
  function cut(text, limit) {
    return limit === null ? text : text.slice(0, limit);
  }

  function attribute(limit) {
    return limit === null ? null : String(limit);
  }

  /* The outcomes typed in the box, one a line, blank lines left out, within the limits. */
  function outcomesFrom(text, limits) {
    var lines = text.split("\n").map(function (line) { return line.trim(); }).filter(Boolean);
    return cut(lines, limits.outcomes).map(function (line) { return cut(line, limits.outcome); });
  }

  function create(ctx) {
    var ui = ctx.ui, el = ui.el, state = ctx.state, data = state.data, limits = state.limits;
    var readCount = part("ui", "./kb-builder-ui.js").readCount;

    var titleInput = el("input", { type: "text", id: "kb-title", maxlength: attribute(limits.title) });
    var summaryInput = el("textarea", { id: "kb-summary", rows: "2", maxlength: attribute(limits.summary) });
    var durationInput = ui.number(state.session.duration, limits.duration_min, limits.duration_max);
    durationInput.id = "kb-duration";
    var outcomesInput = el("textarea", { id: "kb-outcomes", rows: "3" });
    var audienceBoxes = el("fieldset", { className: "kb-audience-choices", id: "kb-audience" }, el("legend", null, "Who it is for"));
    data.audiences.forEach(function (a) {
      var box = el("input", { type: "checkbox", value: a.id, id: "kb-audience-" + a.id });
      box.addEventListener("change", function () {
        state.session.audience = Array.prototype.filter.call(audienceBoxes.querySelectorAll("input"), function (b) { return b.checked; })
          .map(function (b) { return b.value; });
        state.changed();
      });
      audienceBoxes.appendChild(el("span", { className: "kb-check" }, box, " ", el("label", { htmlFor: box.id }, a.label)));
    });
    titleInput.addEventListener("input", function () { state.session.title = cut(titleInput.value, limits.title); state.changed(); });
    summaryInput.addEventListener("input", function () { state.session.summary = cut(summaryInput.value, limits.summary); state.changed(); });
    durationInput.addEventListener("input", function () {
      // Shorter than a path allows is kept, as an empty title is: the export says what to change.
      var n = readCount(durationInput, 1, limits.duration_max);
      if (n !== null) { state.session.duration = n; state.changed(); }
    });
    outcomesInput.addEventListener("input", function () {
      state.session.outcomes = outcomesFrom(outcomesInput.value, limits);
      state.changed();
    });

    function fill() {
      var session = state.session;
      titleInput.value = session.title;
      summaryInput.value = session.summary;
      durationInput.value = String(session.duration);
      outcomesInput.value = session.outcomes.join("\n");
      Array.prototype.forEach.call(audienceBoxes.querySelectorAll("input"), function (b) {
        b.checked = session.audience.indexOf(b.value) >= 0;
      });
    }
    state.on("replaced", fill);

    return {
      section: ui.section("kb-builder-details", "Your session", el("div", { className: "kb-details" },
        ui.field("Title", titleInput),
        ui.field("Summary", summaryInput, "One or two sentences on what the session is for."),
        audienceBoxes,
        ui.field("Length of the session in minutes", durationInput),
        ui.field("Outcomes", outcomesInput, "What participants can do afterwards: one per line.")))
    };
  }

  var details = { create: create, outcomesFrom: outcomesFrom };
  if (typeof module === "object" && module.exports) module.exports = details;
  else (root.KBBuilder = root.KBBuilder || {}).details = details;
})(typeof window !== "undefined" ? window : this);
