/* Leading Learning, session builder: drafting a session from a request.
 *
 * The "Draft from the ideas you want to cover" form: the concepts to cover (by
 * label or any other name), the audience, the minutes in the session and of
 * pre-reading. It asks the planner of `kb path plan` (kb-planner.js) for a
 * plan, words its refusals from the builder's message table
 * (kb-builder-messages.js), and turns the plan into a session, asking before
 * it replaces the trainer's own.
 *
 * Part of the builder's namespace (window.KBBuilder.draft); loadable in Node.
 */
(function (root) {
  "use strict";

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  function part(name, file) {
    return (root.KBBuilder && root.KBBuilder[name]) || (typeof require === "function" ? require(file) : null);
  }

  /* The session a plan drafts: its title from the concepts and audience, each step with the
   * article's first question as its prompt, every number within the site's limits. */
  function sessionFromPlan(plan, state) {
    var KBSession = lib("KBSession", "./kb-session.js");
    var limits = state.limits;
    var drafted = KBSession.empty();
    var labels = plan.concepts.map(function (c) { return state.conceptLabel[c]; });
    var topic = labels.length <= 2 ? labels.join(" and ") : labels.slice(0, -1).join(", ") + " and " + labels[labels.length - 1];
    var title = topic + ": a session for " + (plan.audience ? state.audienceLabel[plan.audience].toLowerCase() : "school leaders");
    drafted.title = limits.title === null ? title : title.slice(0, limits.title);
    drafted.audience = plan.audience ? [plan.audience] : [];
    drafted.duration = clamp(plan.minutes, limits.duration_min, limits.duration_max);
    drafted.steps = plan.steps.map(function (s) {
      var a = state.article(s.article);
      return { article: s.article, minutes: clamp(s.minutes, null, limits.minutes_max), when: s.when,
               prompt: a && a.question ? a.question : "", facilitator: "" };
    });
    return drafted;
  }

  function clamp(n, min, max) {
    if (min !== null) n = Math.max(min, n);
    if (max !== null) n = Math.min(max, n);
    return n;
  }

  function create(ctx) {
    var KBPlanner = lib("KBPlanner", "./kb-planner.js");
    var messages = part("messages", "./kb-builder-messages.js");
    var ui = ctx.ui, el = ui.el, clear = ui.clear, state = ctx.state, data = state.data, limits = state.limits;
    var readCount = part("ui", "./kb-builder-ui.js").readCount;
    var draftConcepts = [];  // concept ids chosen for the next draft

    var conceptInput = el("input", { type: "text", id: "kb-draft-concept", autocomplete: "off", list: "kb-concept-names" });
    var conceptList = el("datalist", { id: "kb-concept-names" });
    var conceptNames = {};  // what a trainer may type -> concept id, for the suggestions
    data.concepts.forEach(function (c) {
      [c.label].concat(c.aliases).forEach(function (name) {
        if (!(name in conceptNames)) {
          conceptNames[name] = c.id;
          conceptList.appendChild(el("option", { value: name }, name === c.label ? null : "(" + c.label + ")"));
        }
      });
    });
    var chosenList = el("ul", { className: "kb-chosen-concepts", id: "kb-draft-chosen", "aria-label": "Concepts for the draft" });
    var audienceSelect = el("select", { id: "kb-draft-audience" }, el("option", { value: "" }, "Anyone"));
    data.audiences.forEach(function (a) { audienceSelect.appendChild(el("option", { value: a.id }, a.label)); });
    var minutesInput = ui.number(90, limits.duration_min, limits.duration_max);
    minutesInput.id = "kb-draft-minutes";
    var preInput = ui.number(0, 0, limits.duration_max);  // pre-reading: up to a session's length
    preInput.min = "0";
    preInput.id = "kb-draft-pre";
    var draftError = el("div", { id: "kb-draft-error", className: "kb-draft-error", role: "alert" });
    var draftNotes = el("div", { id: "kb-draft-notes", className: "kb-draft-notes" });

    function termToConcept(term) {
      var normal = KBPlanner.normaliseTerm(term);
      for (var i = 0; i < data.concepts.length; i++) {
        if (data.concepts[i].terms.indexOf(normal) >= 0) return data.concepts[i].id;
      }
      return null;
    }

    function addConcept() {
      var typed = conceptInput.value.trim();
      if (!typed) return;
      var id = conceptNames[typed] || termToConcept(typed);
      clear(draftError);
      if (!id) {
        // The planner finds the suggestion exactly as `kb path plan` would.
        try { KBPlanner.plan(data, { concepts: [typed], minutes: 600, audience: null, pre_reading: 0 }); } catch (error) {
          if (!(error instanceof KBPlanner.PlanError)) throw error;
          draftError.appendChild(el("p", null, messages.unknownConcept(typed, error)));
        }
        return;
      }
      if (draftConcepts.indexOf(id) < 0) draftConcepts.push(id);
      conceptInput.value = "";
      renderChosen();
      ui.say("Added " + state.conceptLabel[id] + " to the draft's concepts.");
    }

    function renderChosen() {
      clear(chosenList);
      draftConcepts.forEach(function (id) {
        var label = state.conceptLabel[id];
        chosenList.appendChild(el("li", { className: "kb-chosen" }, label + " ",
          ui.button("Remove", function () {
            draftConcepts.splice(draftConcepts.indexOf(id), 1);
            renderChosen();
            conceptInput.focus();
            ui.say("Removed " + label + ".");
          }, { "aria-label": "Remove " + label, className: "kb-button kb-button-small" })));
      });
    }

    conceptInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        addConcept();
      }
    });

    function showNotes(plan) {
      clear(draftNotes);
      if (plan.uncovered.length) {
        draftNotes.appendChild(el("p", null, "Not covered in the time available: " +
          plan.uncovered.map(function (c) { return state.conceptLabel[c]; }).join(", ") + "."));
      }
      if (plan.left_out_prerequisites.length) {
        draftNotes.appendChild(el("p", null, "Left out for lack of time, though a reading assumes them: " +
          plan.left_out_prerequisites.map(state.titleOf).join(", ") + "."));
      }
    }

    function draft(event) {
      if (event) event.preventDefault();
      clear(draftError);
      if (conceptInput.value.trim()) addConcept();
      if (draftError.firstChild) return;
      var request = {
        concepts: draftConcepts.slice(),
        minutes: readCount(minutesInput, 1, 100000) || 0,
        audience: audienceSelect.value || null,
        pre_reading: readCount(preInput, 0, 100000) || 0
      };
      var plan;
      try {
        plan = KBPlanner.plan(data, request);
      } catch (error) {
        if (!(error instanceof KBPlanner.PlanError)) throw error;
        draftError.appendChild(el("p", null, messages.draftError(error)));
        return;
      }
      var drafted = sessionFromPlan(plan, state);
      var replace = state.isEmpty() ? Promise.resolve(true)
        : ui.ask("Replace your session?", "Drafting starts a new session. Your current session, \u201c" +
                 (state.session.title || "Untitled session") + "\u201d, will be replaced.", "Replace it with the draft", "Keep my session");
      replace.then(function (yes) {
        if (!yes) { ui.say("Kept your session; nothing was drafted."); return; }
        var reasons = {};
        plan.steps.forEach(function (s) { reasons[s.article] = s.reason; });
        showNotes(plan);
        state.replace(drafted, "Drafted a session of " + drafted.steps.length + " readings.", reasons);
        ctx.parts.steps.heading.focus();
      });
    }

    var form = el("form", { id: "kb-draft-form", className: "kb-draft-form", novalidate: "novalidate" },
      el("p", { className: "kb-field" }, el("label", { htmlFor: "kb-draft-concept" }, "Concepts to cover"),
        el("span", { className: "kb-field-hint", id: "kb-draft-concept-hint" },
          "Type a concept or another name for it, then press Enter or Add."),
        el("span", { className: "kb-inline" }, conceptInput, " ", ui.button("Add", addConcept, { id: "kb-draft-add" }))),
      conceptList, chosenList,
      ui.field("Audience", audienceSelect),
      ui.field("Minutes in the session", minutesInput),
      ui.field("Minutes of pre-reading participants can do beforehand", preInput),
      el("p", null, el("button", { type: "submit", className: "kb-button kb-button-primary", id: "kb-draft-submit" }, "Draft a session")),
      draftError, draftNotes);
    conceptInput.setAttribute("aria-describedby", "kb-draft-concept-hint");
    form.addEventListener("submit", draft);

    return {
      section: ui.section("kb-builder-draft", "Draft from the ideas you want to cover",
        el("p", null, "The builder picks readings that cover your concepts in the time you have, puts anything they " +
          "assume first, and says why it chose each one, just as the planner of the kb command does."), form),
      clearNotes: function () { clear(draftNotes); }
    };
  }

  var draftPart = { create: create, sessionFromPlan: sessionFromPlan };
  if (typeof module === "object" && module.exports) module.exports = draftPart;
  else (root.KBBuilder = root.KBBuilder || {}).draft = draftPart;
})(typeof window !== "undefined" ? window : this);
