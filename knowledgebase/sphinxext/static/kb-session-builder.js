/* Leading Learning: the session builder (session.html).
 *
 * Drafts a session with the planner of `kb path plan` (kb-planner.js), lets the
 * trainer edit it, keeps it in this browser (kb-session.js), shares it as a
 * link, opens the print pages, and exports it as a reading path file that
 * passes `kb check`. Every piece of the page is made with createElement and
 * textContent: nothing a trainer types, nothing in a shared link and nothing
 * from the content is ever parsed as HTML.
 */
(function () {
  // Started at DOMContentLoaded, after every deferred script (kb-session.js, the planner and
  // the data) has run, whichever order the theme puts them in.
  function start() {
    "use strict";
    var KBSession = window.KBSession;
    var KBPlanner = window.KBPlanner;
    var data = window.KB_SESSION_DATA;
    var mount = document.getElementById("kb-builder");
    if (!mount) return;
    if (!KBSession || !KBPlanner || !data) {
      mount.appendChild(el("p", { className: "kb-builder-error", role: "alert" },
        "The session builder could not start: part of it did not load. Reload the page to try again."));
      return;
    }

    var printPage = mount.getAttribute("data-print") || "session-print.html";
    var limits = data.limits;
    var articles = KBSession.articles(data);
    var audienceLabel = {};
    data.audiences.forEach(function (a) { audienceLabel[a.id] = a.label; });
    var conceptLabel = {};
    data.concepts.forEach(function (c) { conceptLabel[c.id] = c.label; });
    var WHEN_LABEL = { "pre-reading": "Pre-reading", "in-session": "In the session", "follow-up": "Follow-up" };

    var session = KBSession.load(data) || KBSession.empty();
    var reasons = {};        // article id -> why the planner chose it (for the last draft only)
    var draftConcepts = [];  // concept ids chosen for the next draft
    var uid = 0;

    // Small DOM helpers ------------------------------------------------------------------------

    function el(tag, props) {
      var node = document.createElement(tag);
      if (props) {
        Object.keys(props).forEach(function (key) {
          var value = props[key];
          if (value === undefined || value === null || value === false) return;
          if (key === "className" || key === "textContent" || key === "value" || key === "type" || key === "id" ||
              key === "hidden" || key === "disabled" || key === "checked" || key === "htmlFor" || key === "draggable") {
            node[key] = value;
          } else {
            node.setAttribute(key, String(value));
          }
        });
      }
      for (var i = 2; i < arguments.length; i++) {
        var child = arguments[i];
        if (child === null || child === undefined || child === false) continue;
        node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
      }
      return node;
    }

    function clear(node) {
      while (node.firstChild) node.removeChild(node.firstChild);
    }

    function nextId(prefix) {
      uid += 1;
      return prefix + "-" + uid;
    }

    function field(labelText, control, hint) {
      if (!control.id) control.id = nextId("kb-field");
      var wrap = el("p", { className: "kb-field" }, el("label", { htmlFor: control.id }, labelText));
      if (hint) {
        var hintId = control.id + "-hint";
        wrap.appendChild(el("span", { className: "kb-field-hint", id: hintId }, hint));
        control.setAttribute("aria-describedby", hintId);
      }
      wrap.appendChild(control);
      return wrap;
    }

    function button(text, onClick, props) {
      var b = el("button", Object.assign({ type: "button", className: "kb-button" }, props || {}), text);
      b.addEventListener("click", onClick);
      return b;
    }

    function number(value, min, max) {
      return el("input", { type: "number", value: String(value), min: String(min), max: String(max),
                           inputmode: "numeric", step: "1" });
    }

    function readCount(input, min, max) {
      var n = parseInt(input.value, 10);
      if (isNaN(n)) return null;
      return Math.min(max, Math.max(min, n));
    }

    function articleOf(id) {
      return KBSession.article(data, id);
    }

    function titleOf(id) {
      var a = articleOf(id);
      return a ? a.title : id;
    }

    // The page's frame ------------------------------------------------------------------------

    var statusLine = el("p", { className: "kb-builder-status", role: "status", "aria-live": "polite" });
    var alertBox = el("div", { className: "kb-builder-alert", role: "alert" });
    var noticeBox = el("div", { className: "kb-builder-notice", hidden: true, id: "kb-builder-notice" });

    function say(text) {
      statusLine.textContent = text;
    }

    function showAlert(title, lines) {
      clear(alertBox);
      var box = el("div", { className: "kb-builder-message" }, el("p", null, el("strong", null, title)));
      if (lines && lines.length) {
        var list = el("ul");
        lines.forEach(function (line) { list.appendChild(el("li", null, line)); });
        box.appendChild(list);
      }
      box.appendChild(button("Dismiss", function () { clear(alertBox); }));
      alertBox.appendChild(box);
    }

    // A dialog in the page (never window.confirm): resolves true for the first choice.
    var dialog = el("dialog", { className: "kb-dialog", "aria-labelledby": "kb-dialog-title" });
    var dialogTitle = el("h2", { id: "kb-dialog-title" });
    var dialogText = el("p", { id: "kb-dialog-text" });
    var dialogYes = button("", function () { closeDialog(true); }, { id: "kb-dialog-yes", className: "kb-button kb-button-primary" });
    var dialogNo = button("", function () { closeDialog(false); }, { id: "kb-dialog-no" });
    dialog.setAttribute("aria-describedby", "kb-dialog-text");
    dialog.appendChild(dialogTitle);
    dialog.appendChild(dialogText);
    dialog.appendChild(el("p", { className: "kb-dialog-actions" }, dialogYes, " ", dialogNo));
    var dialogAnswer = null;
    var dialogReturn = null;
    dialog.addEventListener("cancel", function (event) { event.preventDefault(); closeDialog(false); });

    function ask(title, text, yes, no) {
      return new Promise(function (resolve) {
        dialogTitle.textContent = title;
        dialogText.textContent = text;
        dialogYes.textContent = yes;
        dialogNo.textContent = no;
        dialogAnswer = resolve;
        dialogReturn = document.activeElement;
        dialog.showModal();
        dialogNo.focus();
      });
    }

    function closeDialog(answer) {
      dialog.close();
      var resolve = dialogAnswer;
      dialogAnswer = null;
      if (dialogReturn && dialogReturn.focus && document.contains(dialogReturn)) dialogReturn.focus();
      if (resolve) resolve(answer);
    }

    // Draft from a request ----------------------------------------------------------------------

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
    var minutesInput = number(90, 5, limits.duration_max);
    minutesInput.id = "kb-draft-minutes";
    var preInput = number(0, 0, 600);
    preInput.min = "0";
    preInput.id = "kb-draft-pre";
    var draftError = el("div", { id: "kb-draft-error", className: "kb-draft-error", role: "alert" });
    var draftNotes = el("div", { id: "kb-draft-notes", className: "kb-draft-notes" });

    function addConcept() {
      var typed = conceptInput.value.trim();
      if (!typed) return;
      var id = conceptNames[typed] || termToConcept(typed);
      clear(draftError);
      if (!id) {
        // The planner words the problem, with its suggestion, exactly as `kb path plan` would.
        try { KBPlanner.plan(data, { concepts: [typed], minutes: 600, audience: null, pre_reading: 0 }); } catch (error) {
          draftError.appendChild(el("p", null, "No concept matches \u201c" + typed + "\u201d: " + error.message + "."));
        }
        return;
      }
      if (draftConcepts.indexOf(id) < 0) draftConcepts.push(id);
      conceptInput.value = "";
      renderChosen();
      say("Added " + conceptLabel[id] + " to the draft's concepts.");
    }

    function termToConcept(term) {
      var normal = KBPlanner.normaliseTerm(term);
      for (var i = 0; i < data.concepts.length; i++) {
        if (data.concepts[i].terms.indexOf(normal) >= 0) return data.concepts[i].id;
      }
      return null;
    }

    function renderChosen() {
      clear(chosenList);
      draftConcepts.forEach(function (id) {
        chosenList.appendChild(el("li", { className: "kb-chosen" }, conceptLabel[id] + " ",
          button("Remove", function () {
            draftConcepts.splice(draftConcepts.indexOf(id), 1);
            renderChosen();
            conceptInput.focus();
            say("Removed " + conceptLabel[id] + ".");
          }, { "aria-label": "Remove " + conceptLabel[id], className: "kb-button kb-button-small" })));
      });
    }

    conceptInput.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        addConcept();
      }
    });

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
        var message = error.message === "name at least one concept with --concepts"
          ? "Choose at least one concept first." : "This session cannot be drafted: " + error.message + ".";
        draftError.appendChild(el("p", null, message));
        return;
      }
      var drafted = KBSession.empty();
      var labels = plan.concepts.map(function (c) { return conceptLabel[c]; });
      var topic = labels.length <= 2 ? labels.join(" and ") : labels.slice(0, -1).join(", ") + " and " + labels[labels.length - 1];
      drafted.title = (topic + ": a session for " + (plan.audience ? audienceLabel[plan.audience].toLowerCase() : "school leaders")).slice(0, limits.title);
      drafted.audience = plan.audience ? [plan.audience] : [];
      drafted.duration = Math.max(limits.duration_min, Math.min(limits.duration_max, plan.minutes));
      drafted.steps = plan.steps.map(function (s) {
        var a = articleOf(s.article);
        return { article: s.article, minutes: Math.min(s.minutes, limits.minutes_max), when: s.when,
                 prompt: a && a.question ? a.question : "", facilitator: "" };
      });
      var replace = KBSession.isEmpty(session) ? Promise.resolve(true)
        : ask("Replace your session?", "Drafting starts a new session. Your current session, \u201c" +
              (session.title || "Untitled session") + "\u201d, will be replaced.", "Replace it with the draft", "Keep my session");
      replace.then(function (yes) {
        if (!yes) { say("Kept your session; nothing was drafted."); return; }
        reasons = {};
        plan.steps.forEach(function (s) { reasons[s.article] = s.reason; });
        session = drafted;
        clear(draftNotes);
        if (plan.uncovered.length) {
          draftNotes.appendChild(el("p", null, "Not covered in the time available: " +
            plan.uncovered.map(function (c) { return conceptLabel[c]; }).join(", ") + "."));
        }
        if (plan.left_out_prerequisites.length) {
          draftNotes.appendChild(el("p", null, "Left out for lack of time, though a reading assumes them: " +
            plan.left_out_prerequisites.map(titleOf).join(", ") + "."));
        }
        renderAll();
        changed("Drafted a session of " + session.steps.length + " readings.");
        stepsHeading.focus();
      });
    }

    var draftForm = el("form", { id: "kb-draft-form", className: "kb-draft-form", novalidate: "novalidate" },
      el("p", { className: "kb-field" }, el("label", { htmlFor: "kb-draft-concept" }, "Concepts to cover"),
        el("span", { className: "kb-field-hint", id: "kb-draft-concept-hint" },
          "Type a concept or another name for it, then press Enter or Add."),
        el("span", { className: "kb-inline" }, conceptInput, " ", button("Add", addConcept, { id: "kb-draft-add" }))),
      conceptList, chosenList,
      field("Audience", audienceSelect),
      field("Minutes in the session", minutesInput),
      field("Minutes of pre-reading participants can do beforehand", preInput),
      el("p", null, el("button", { type: "submit", className: "kb-button kb-button-primary", id: "kb-draft-submit" }, "Draft a session")),
      draftError, draftNotes);
    conceptInput.setAttribute("aria-describedby", "kb-draft-concept-hint");
    draftForm.addEventListener("submit", draft);

    // The session's details -------------------------------------------------------------------

    var titleInput = el("input", { type: "text", id: "kb-title", maxlength: String(limits.title) });
    var summaryInput = el("textarea", { id: "kb-summary", rows: "2", maxlength: String(limits.summary) });
    var durationInput = number(session.duration, limits.duration_min, limits.duration_max);
    durationInput.id = "kb-duration";
    var outcomesInput = el("textarea", { id: "kb-outcomes", rows: "3" });
    var audienceBoxes = el("fieldset", { className: "kb-audience-choices", id: "kb-audience" }, el("legend", null, "Who it is for"));
    data.audiences.forEach(function (a) {
      var box = el("input", { type: "checkbox", value: a.id, id: "kb-audience-" + a.id });
      box.addEventListener("change", function () {
        session.audience = Array.prototype.filter.call(audienceBoxes.querySelectorAll("input"), function (b) { return b.checked; })
          .map(function (b) { return b.value; });
        changed();
      });
      audienceBoxes.appendChild(el("span", { className: "kb-check" }, box, " ", el("label", { htmlFor: box.id }, a.label)));
    });
    titleInput.addEventListener("input", function () { session.title = titleInput.value.slice(0, KBSession.LIMITS.title); changed(); });
    summaryInput.addEventListener("input", function () { session.summary = summaryInput.value.slice(0, KBSession.LIMITS.summary); changed(); });
    durationInput.addEventListener("input", function () {
      var n = readCount(durationInput, 1, KBSession.LIMITS.duration);
      if (n !== null) { session.duration = n; changed(); }
    });
    outcomesInput.addEventListener("input", function () {
      session.outcomes = outcomesInput.value.split("\n").map(function (line) { return line.trim(); })
        .filter(Boolean).slice(0, KBSession.LIMITS.outcomes).map(function (line) { return line.slice(0, KBSession.LIMITS.outcome); });
      changed();
    });

    function fillDetails() {
      titleInput.value = session.title;
      summaryInput.value = session.summary;
      durationInput.value = String(session.duration);
      outcomesInput.value = session.outcomes.join("\n");
      Array.prototype.forEach.call(audienceBoxes.querySelectorAll("input"), function (b) {
        b.checked = session.audience.indexOf(b.value) >= 0;
      });
    }

    var details = el("div", { className: "kb-details" },
      field("Title", titleInput),
      field("Summary", summaryInput, "One or two sentences on what the session is for."),
      audienceBoxes,
      field("Length of the session in minutes", durationInput),
      field("Outcomes", outcomesInput, "What participants can do afterwards: one per line."));

    // The timetable ---------------------------------------------------------------------------

    var stepsHeading = el("h2", { id: "kb-steps-title", tabindex: "-1" }, "Timetable");
    var timeSummary = el("p", { id: "kb-time-left", className: "kb-time-left", "aria-live": "polite" });
    var warningsBox = el("div", { id: "kb-warnings", className: "kb-warnings" });
    var stepsList = el("ol", { id: "kb-steps", className: "kb-step-list", "aria-labelledby": "kb-steps-title" });
    var dragFrom = null;

    function renderTimeline() {
      var inSession = 0, pre = 0, follow = 0;
      session.steps.forEach(function (s) {
        if (s.when === "in-session") inSession += s.minutes;
        else if (s.when === "pre-reading") pre += s.minutes;
        else follow += s.minutes;
      });
      var left = session.duration - inSession;
      timeSummary.className = "kb-time-left" + (left < 0 ? " kb-over" : "");
      timeSummary.textContent = "In the session: " + inSession + " of " + session.duration + " minutes; " +
        (left >= 0 ? left + " minutes left" : -left + " minutes over") + ". Pre-reading: " + pre +
        " minutes. Follow-up: " + follow + " minutes.";
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
        var time = item.querySelector(".kb-step-clock");
        if (!s || !time) return;
        if (s.when === "in-session") {
          time.textContent = KBPlanner.formatMinutes(clock) + "\u2013" + KBPlanner.formatMinutes(clock + s.minutes);
          clock += s.minutes;
        } else {
          time.textContent = WHEN_LABEL[s.when];
        }
      });
    }

    function moveStep(from, to, focusClass) {
      if (to < 0 || to >= session.steps.length || from === to) return;
      var moved = session.steps.splice(from, 1)[0];
      session.steps.splice(to, 0, moved);
      renderSteps();
      changed("Moved \u201c" + titleOf(moved.article) + "\u201d to step " + (to + 1) + ".");
      var item = stepsList.children[to];
      var target = item && (item.querySelector("." + focusClass + ":not([disabled])") || item.querySelector(".kb-step-title-link"));
      if (target) target.focus();
    }

    function stepItem(s, index) {
      var a = articleOf(s.article);
      var title = a ? a.title : s.article;
      var item = el("li", { className: "kb-step-item", draggable: true });
      item.setAttribute("data-article", s.article);
      var head = el("p", { className: "kb-step-head" },
        el("span", { className: "kb-drag-handle", "aria-hidden": "true", title: "Drag to reorder" }, "\u2630"), " ",
        el("span", { className: "kb-step-clock" }), " ",
        el("a", { className: "kb-step-title-link", href: a ? a.url : "#" }, title),
        a ? el("span", { className: "kb-step-meta" }, " \u00b7 " + a.reading_time + " min read") : null);
      item.appendChild(head);
      if (reasons[s.article]) item.appendChild(el("p", { className: "kb-step-reason" }, "Why: " + reasons[s.article]));

      var minutes = number(s.minutes, 1, limits.minutes_max);
      minutes.className = "kb-step-minutes";
      minutes.addEventListener("input", function () {
        var n = readCount(minutes, 1, KBSession.LIMITS.minutes);
        if (n !== null) { s.minutes = n; changed(); }
      });
      var when = el("select", { className: "kb-step-when" });
      KBSession.WHEN.forEach(function (w) { when.appendChild(el("option", { value: w }, WHEN_LABEL[w])); });
      when.value = s.when;
      when.addEventListener("change", function () { s.when = when.value; changed(); });
      var prompt = el("textarea", { className: "kb-step-prompt", rows: "2", maxlength: String(limits.prompt) });
      prompt.value = s.prompt;
      prompt.addEventListener("input", function () { s.prompt = prompt.value.slice(0, KBSession.LIMITS.prompt); changed(); });
      var note = el("textarea", { className: "kb-step-facilitator", rows: "2", maxlength: String(limits.facilitator) });
      note.value = s.facilitator;
      note.addEventListener("input", function () { s.facilitator = note.value.slice(0, KBSession.LIMITS.facilitator); changed(); });

      item.appendChild(el("div", { className: "kb-step-fields" },
        field("Minutes", minutes), field("When", when),
        field("Discussion prompt for participants", prompt),
        field("Facilitator notes (never on the handout)", note)));
      var up = button("Move up", function () { moveStep(index, index - 1, "kb-move-up"); },
        { className: "kb-button kb-button-small kb-move-up", "aria-label": "Move \u201c" + title + "\u201d up", disabled: index === 0 });
      var down = button("Move down", function () { moveStep(index, index + 1, "kb-move-down"); },
        { className: "kb-button kb-button-small kb-move-down", "aria-label": "Move \u201c" + title + "\u201d down",
          disabled: index === session.steps.length - 1 });
      var remove = button("Remove", function () {
        session.steps.splice(index, 1);
        renderSteps();
        changed("Removed \u201c" + title + "\u201d.");
        var next = stepsList.children[Math.min(index, session.steps.length - 1)];
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
      session.steps.forEach(function (s, index) { stepsList.appendChild(stepItem(s, index)); });
      emptySteps.hidden = session.steps.length > 0;
    }

    var emptySteps = el("p", { className: "kb-steps-empty" },
      "No readings yet. Draft a session above, add readings below, or use \u201cAdd to my session\u201d on any article.");

    // Adding readings -------------------------------------------------------------------------

    var addSearch = el("input", { type: "search", id: "kb-add-search", autocomplete: "off" });
    var addResults = el("ul", { id: "kb-add-results", className: "kb-add-results" });
    var addCount = el("p", { id: "kb-add-count", className: "kb-add-count", "aria-live": "polite" });
    var MAX_RESULTS = 20;

    function renderAddResults() {
      clear(addResults);
      var words = KBPlanner.normaliseTerm(addSearch.value).split("-").filter(Boolean);
      if (!words.length) { addCount.textContent = ""; return; }
      var found = articles.filter(function (a) {
        var text = KBPlanner.normaliseTerm(a.title + " " + a.concepts.map(function (c) { return conceptLabel[c]; }).join(" "));
        return words.every(function (w) { return text.indexOf(w) >= 0; });
      });
      addCount.textContent = found.length === 0 ? "No article matches." :
        found.length + (found.length === 1 ? " article matches." : " articles match.") +
        (found.length > MAX_RESULTS ? " Showing the first " + MAX_RESULTS + "; type more to narrow it." : "");
      found.slice(0, MAX_RESULTS).forEach(function (a) {
        var already = session.steps.some(function (s) { return s.article === a.id; });
        addResults.appendChild(el("li", null,
          el("a", { href: a.url }, a.title),
          el("span", { className: "kb-step-meta" }, " \u00b7 " + a.reading_time + " min read "),
          button(already ? "Add again" : "Add", function () { addArticle(a.id); },
            { className: "kb-button kb-button-small", "aria-label": (already ? "Add again: " : "Add: ") + a.title })));
      });
    }
    addSearch.addEventListener("input", renderAddResults);

    function addArticle(id) {
      var a = articleOf(id);
      if (!a) return;
      if (session.steps.length >= KBSession.LIMITS.steps) {
        say("A session holds at most " + KBSession.LIMITS.steps + " readings.");
        return;
      }
      session.steps.push({ article: id, minutes: Math.min(a.reading_time + data.discussion_minutes, limits.minutes_max),
                           when: "in-session", prompt: a.question || "", facilitator: "" });
      renderSteps();
      changed("Added \u201c" + a.title + "\u201d as step " + session.steps.length + ".");
      renderAddResults();
    }

    // Keep, share, print and propose -------------------------------------------------------------

    var saveState = el("p", { id: "kb-save-state", className: "kb-save-state" });
    var shareInput = el("input", { type: "text", id: "kb-share-link", readonly: "readonly", "aria-describedby": "kb-share-hint" });
    var shareNote = el("span", { className: "kb-share-note", role: "status" });
    var tooLong = el("p", { id: "kb-share-too-long", className: "kb-export-problems", hidden: true },
      "This session is now too long to share or print from a link: shorten some prompts or notes, " +
      "or download it as a path file.");
    var PRINTS = [["handout", "Print handout"], ["facilitator", "Print facilitator sheet"], ["pack", "Reading pack"]];
    var exportProblems = el("div", { id: "kb-export-problems", className: "kb-export-problems", role: "alert" });
    var proposeLink = el("a", { id: "kb-propose", className: "kb-button", hidden: true, target: "_blank", rel: "noopener" }, "Propose on GitHub");
    var proposeNote = el("p", { className: "kb-field-hint", id: "kb-propose-note", hidden: true },
      "Opens GitHub\u2019s page for a new file with your path in it; from there you can open a pull request.");

    function shareUrl(s) {
      return location.href.split("#")[0] + "#s=" + KBSession.encode(s);
    }

    // Only the facilitator sheet's link carries the notes; the others carry the participants' copy.
    function printHref(kind, s) {
      return printPage + "#kind=" + kind + "&s=" + KBSession.encode(kind === "facilitator" ? s : KBSession.participantCopy(s));
    }

    // The three print links for a session, each described by whom it may go to; `prefix` makes their ids.
    function printChoices(s, prefix) {
      var links = el("p", { className: "kb-print-links" });
      PRINTS.forEach(function (p) {
        links.appendChild(el("a", { className: "kb-button kb-print-" + p[0], id: prefix + p[0], href: printHref(p[0], s),
          "aria-describedby": prefix + (p[0] === "facilitator" ? "notes" : "safe") }, p[1]));
        links.appendChild(document.createTextNode(" "));
      });
      return el("div", { className: "kb-print-choices" }, links, el("p", { className: "kb-field-hint" },
        el("span", { id: prefix + "safe" }, "The handout and reading pack leave out the facilitator notes: " +
          "their links are safe to send to participants."), " ",
        el("strong", { id: prefix + "notes" }, "The facilitator sheet\u2019s link includes the facilitator notes: " +
          "send it only to a co-trainer.")));
    }
    var printLinks = printChoices(session, "kb-print-");

    function updateLinks() {
      shareInput.value = shareUrl(session);
      // Links are refused over this size (by this page and the print page), so say so here first.
      tooLong.hidden = KBSession.encode(session).length <= KBSession.MAX_FRAGMENT;
      PRINTS.forEach(function (p) { document.getElementById("kb-print-" + p[0]).href = printHref(p[0], session); });
      if (data.repository) {
        var file = pathFile();
        proposeLink.hidden = proposeNote.hidden = !!file.problems.length;
        if (!file.problems.length) {
          var r = data.repository;
          proposeLink.href = r.url + "/new/" + r.branch.split("/").map(encodeURIComponent).join("/") + "/" +
            r.content.split("/").map(encodeURIComponent).join("/") + "/paths?filename=" + encodeURIComponent(file.name) +
            "&value=" + encodeURIComponent(file.text);
        }
      }
    }

    var shareButton = button("Copy link", function () {
      shareInput.select();
      var done = function () { shareNote.textContent = " Copied. Anyone with the link can open this session, notes included."; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(shareInput.value).then(done, function () {
          shareNote.textContent = " Select the link and copy it.";
        });
      } else {
        shareNote.textContent = " Select the link and copy it.";
      }
    }, { id: "kb-share-copy" });

    // The path file: the shape `kb path plan --write` writes, which `kb check` reads.
    function yamlText(text) {
      // Plain when it cannot be mistaken for anything else (a number, a date, true or false);
      // otherwise double-quoted, where JSON's escapes are YAML's. Characters YAML refuses in a
      // file or reads as line breaks are escaped; everything else stays as typed (the file is UTF-8).
      if (/^[A-Za-z][A-Za-z0-9 ,.;()'\u2019?!\/-]*$/.test(text) && !/[ ]$/.test(text) &&
          !/^(?:true|false|yes|no|on|off|null|y|n)$/i.test(text)) {
        return text;
      }
      return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufffe\uffff]/g, function (c) {
        return "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
      });
    }

    function slug(text) {
      return KBPlanner.normaliseTerm(text).slice(0, 60).replace(/-+$/, "") || "my-session";
    }

    function pathFile() {
      var problems = [];
      var title = session.title.trim(), summary = session.summary.trim();
      var outcomes = session.outcomes.map(function (o) { return o.trim(); }).filter(Boolean);
      if (!title) problems.push("Give the session a title.");
      else if (title.length > limits.title) problems.push("Shorten the title to " + limits.title + " characters.");
      if (!summary) problems.push("Write a summary of what the session is for.");
      else if (summary.length > limits.summary) problems.push("Shorten the summary to " + limits.summary + " characters.");
      if (!session.audience.length) problems.push("Choose who the session is for.");
      if (!outcomes.length) problems.push("Add at least one outcome.");
      if (outcomes.length > limits.outcomes) problems.push("Keep to " + limits.outcomes + " outcomes.");
      outcomes.forEach(function (o, i) { if (o.length > limits.outcome) problems.push("Shorten outcome " + (i + 1) + " to " + limits.outcome + " characters."); });
      if (session.duration < limits.duration_min) problems.push("A session lasts at least " + limits.duration_min + " minutes.");
      if (!session.steps.length) problems.push("Add at least one reading.");
      session.steps.forEach(function (s, i) {
        if (s.prompt.trim().length > limits.prompt) problems.push("Shorten the prompt of step " + (i + 1) + " to " + limits.prompt + " characters.");
        if (s.facilitator.trim().length > limits.facilitator) problems.push("Shorten the facilitator notes of step " + (i + 1) + " to " + limits.facilitator + " characters.");
      });
      var lines = ["---", "title: " + yamlText(title), "summary: " + yamlText(summary), "audience:"];
      session.audience.forEach(function (a) { lines.push("- " + a); });
      lines.push("duration: " + session.duration, "outcomes:");
      outcomes.forEach(function (o) { lines.push("- " + yamlText(o)); });
      lines.push("steps:");
      session.steps.forEach(function (s) {
        lines.push("- article: " + s.article, "  minutes: " + s.minutes, "  when: " + s.when);
        // Empty prompts and notes are left out: both fields are optional, and an empty one is an error.
        if (s.prompt.trim()) lines.push("  prompt: " + yamlText(s.prompt.trim()));
        if (s.facilitator.trim()) lines.push("  facilitator: " + yamlText(s.facilitator.trim()));
      });
      lines.push("---", "", "Made with the session builder on the Leading Learning site.", "");
      var name = slug(title);
      var taken = data.paths.map(function (p) { return p.id; });
      for (var n = 2; taken.indexOf(name) >= 0; n++) name = slug(title) + "-" + n;
      return { name: name + ".md", text: lines.join("\n"), problems: problems };
    }

    var downloadButton = button("Download path file", function () {
      clear(exportProblems);
      var file = pathFile();
      if (file.problems.length) {
        exportProblems.appendChild(el("p", null, "Before the file can pass the site\u2019s checks:"));
        var list = el("ul");
        file.problems.forEach(function (p) { list.appendChild(el("li", null, p)); });
        exportProblems.appendChild(list);
        return;
      }
      var blob = new Blob([file.text], { type: "text/markdown;charset=utf-8" });
      var link = el("a", { href: URL.createObjectURL(blob), download: file.name, hidden: true });
      document.body.appendChild(link);
      link.click();
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      say("Downloaded " + file.name + ". Put it in the content/paths folder of the site\u2019s repository.");
    }, { id: "kb-download" });

    var startAgain = button("Start again", function () {
      ask("Start again?", "This clears your session from this browser. Share or download it first if you want to keep it.",
          "Clear my session", "Keep it").then(function (yes) {
        if (!yes) return;
        session = KBSession.empty();
        reasons = {};
        clear(draftNotes);
        renderAll();
        changed("Your session is cleared.");
      });
    }, { id: "kb-start-again" });

    // Every change: save, then refresh what depends on the whole session.
    function changed(message) {
      var saved = KBSession.save(session);
      saveState.textContent = saved ? "Saved in this browser." :
        "This browser is not keeping your session (its storage is off or full): copy the link below to keep it.";
      renderTimeline();
      updateLinks();
      clear(exportProblems);
      if (message) say(message);
    }

    function renderAll() {
      fillDetails();
      renderSteps();
      renderTimeline();
      updateLinks();
    }

    // Opening a shared link or a curated path: never over the trainer's draft without asking.
    function offer(incoming, what) {
      if (KBSession.isEmpty(session) || KBSession.same(session, incoming)) {
        session = incoming;
        reasons = {};
        renderAll();
        changed("Opened " + what + ".");
        return;
      }
      ask("Replace your draft?", "You opened " + what + ", but this browser already holds your own draft, \u201c" +
          (session.title || "Untitled session") + "\u201d. Replace your draft with it?", "Replace my draft", "Keep my draft")
        .then(function (yes) {
          if (yes) {
            session = incoming;
            reasons = {};
            renderAll();
            changed("Opened " + what + ".");
            return;
          }
          clear(noticeBox);
          noticeBox.hidden = false;
          noticeBox.appendChild(el("p", null, "You kept your draft. You can still print the session you opened, \u201c" +
            (incoming.title || "Untitled session") + "\u201d:"));
          noticeBox.appendChild(printChoices(incoming, "kb-notice-print-"));
          noticeBox.appendChild(el("p", null, button("Replace my draft with it after all", function () {
            noticeBox.hidden = true;
            session = incoming;
            reasons = {};
            renderAll();
            changed("Opened " + what + ".");
          }, { id: "kb-notice-replace" })));
          say("Kept your draft.");
        });
    }

    function openFromLocation() {
      var params = KBSession.fragmentParams(location.hash);
      if (!("s" in params) && !("path" in params)) {
        if (location.hash.length > KBSession.MAX_FRAGMENT) {
          showAlert("This link could not be opened.", ["The link is too long to be a session from this site."]);
        }
        return;
      }
      history.replaceState(null, "", location.href.split("#")[0]);
      if ("path" in params) {
        var id = decodeURIComponentSafe(params.path);
        var path = data.paths.filter(function (p) { return p.id === id; })[0];
        if (!path) {
          showAlert("This link could not be opened.", ["The site has no reading path with that name."]);
          return;
        }
        var checked = KBSession.validate({ v: 1, title: path.title, summary: path.summary, audience: path.audience,
          duration: path.duration, outcomes: path.outcomes, steps: path.steps }, data);
        if (checked.session) offer(checked.session, "the reading path \u201c" + path.title + "\u201d");
        return;
      }
      var decoded = KBSession.decode(params.s, data);
      if (!decoded.session) {
        showAlert("This shared link could not be opened, and nothing in it was used.", [decoded.error]);
        return;
      }
      if (decoded.errors.length) showAlert("The shared session was opened without some of its parts.", decoded.errors);
      offer(decoded.session, "a shared session");
    }

    function decodeURIComponentSafe(text) {
      try { return decodeURIComponent(text); } catch (e) { return ""; }
    }

    window.addEventListener("hashchange", openFromLocation);

    // "Add to my session" in another tab changes the draft: show it here, so that the next
    // edit on this page does not save over it.
    window.addEventListener("storage", function (event) {
      if (event.key !== KBSession.STORAGE_KEY) return;
      var latest = KBSession.load(data);
      if (latest && !KBSession.same(latest, session)) {
        session = latest;
        renderAll();
        say("Your session was changed in another tab or window; this page now shows it.");
      }
    });

    // Curated paths on the page: a "Start from this path" button each.
    Array.prototype.forEach.call(document.querySelectorAll(".kb-builder-path"), function (item) {
      var id = item.getAttribute("data-path");
      item.appendChild(document.createTextNode(" "));
      item.appendChild(button("Start from this path", function () {
        location.hash = "path=" + encodeURIComponent(id);
      }, { className: "kb-button kb-button-small kb-start-path", "aria-label": "Start from the path: " + item.querySelector("a").textContent }));
    });

    // Assemble --------------------------------------------------------------------------------

    function section(id, title) {
      var heading = el("h2", { id: id + "-title" }, title);
      var box = el("section", { id: id, className: "kb-builder-section", "aria-labelledby": id + "-title" }, heading);
      for (var i = 2; i < arguments.length; i++) box.appendChild(arguments[i]);
      return box;
    }

    var timetable = el("section", { id: "kb-builder-steps", className: "kb-builder-section", "aria-labelledby": "kb-steps-title" },
      stepsHeading, timeSummary, warningsBox, emptySteps, stepsList);

    mount.appendChild(alertBox);
    mount.appendChild(noticeBox);
    mount.appendChild(section("kb-builder-draft", "Draft from the ideas you want to cover",
      el("p", null, "The builder picks readings that cover your concepts in the time you have, puts anything they " +
        "assume first, and says why it chose each one, just as the planner of the kb command does."), draftForm));
    mount.appendChild(section("kb-builder-details", "Your session", details));
    mount.appendChild(timetable);
    mount.appendChild(section("kb-builder-add", "Add readings",
      field("Find an article by title or concept", addSearch), addCount, addResults));
    mount.appendChild(section("kb-builder-keep", "Keep, share and print",
      saveState,
      el("p", { className: "kb-field" }, el("label", { htmlFor: "kb-share-link" }, "Link to this session"),
        el("span", { className: "kb-field-hint", id: "kb-share-hint" },
          "Opens the same session in any browser. It does not change your own copy. ",
          el("strong", null, "This link includes your facilitator notes: send it only to a co-trainer.")),
        el("span", { className: "kb-inline" }, shareInput, " ", shareButton), shareNote),
      tooLong,
      printLinks,
      el("p", null, downloadButton, " ", proposeLink, " ", startAgain), proposeNote, exportProblems));
    mount.appendChild(statusLine);
    document.body.appendChild(dialog);

    renderAll();
    saveState.textContent = KBSession.isEmpty(session) ? "" : "Saved in this browser.";
    openFromLocation();
    mount.setAttribute("data-ready", "true");
  }
  // A deferred script runs while readyState is already "interactive", before the deferred
  // scripts after it, so wait for the event rather than trust readyState; "load" covers a
  // page where DOMContentLoaded has already fired.
  var started = false;
  function startOnce() {
    if (started) return;
    started = true;
    start();
  }
  if (document.readyState === "complete") startOnce();
  else {
    document.addEventListener("DOMContentLoaded", startOnce);
    window.addEventListener("load", startOnce);
  }
})();
