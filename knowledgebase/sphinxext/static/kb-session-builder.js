/* Leading Learning: the session builder (session.html), put together.
 *
 * Drafts a session with the planner of `kb path plan` (kb-planner.js), lets the
 * trainer edit it, keeps it in this browser (kb-session.js), shares it as a
 * link, opens the print pages, and exports it as a reading path file that
 * passes `kb check`. Each part is a script of its own, attached to
 * window.KBBuilder and loaded before this one (sphinxext/session.py lists them):
 *
 *   kb-builder-ui.js        DOM helpers, status line, alerts, the dialog
 *   kb-builder-state.js     the session being edited, saving, the site's data
 *   kb-builder-messages.js  the planner's refusals in the builder's words
 *   kb-path-file.js         the path file and what would fail `kb check`
 *   kb-builder-draft.js     "Draft from the ideas you want to cover"
 *   kb-builder-details.js   "Your session"
 *   kb-builder-steps.js     "Timetable" and "Add readings"
 *   kb-builder-share.js     "Keep, share and print"
 *   kb-builder-open.js      shared links, curated paths, other tabs
 *
 * This script only wires them into the page.
 */
(function () {
  // Started at DOMContentLoaded, after every deferred script (kb-session.js, the planner, the
  // builder's parts and the data) has run, whichever order the theme puts them in.
  function start() {
    "use strict";
    var mount = document.getElementById("kb-builder");
    if (!mount) return;
    var parts = window.KBBuilder || {};
    var names = ["ui", "state", "messages", "pathFile", "draft", "details", "steps", "share", "open"];
    var data = window.KB_SESSION_DATA;
    if (!window.KBSession || !window.KBPlanner || !data || names.some(function (name) { return !parts[name]; })) {
      var error = document.createElement("p");
      error.className = "kb-builder-error";
      error.setAttribute("role", "alert");
      error.textContent = "The session builder could not start: part of it did not load. Reload the page to try again.";
      mount.appendChild(error);
      return;
    }

    var ui = parts.ui.create(document);
    var ctx = {
      ui: ui, state: parts.state.create(data), document: document, window: window,
      printPage: mount.getAttribute("data-print") || "session-print.html", parts: {}
    };
    // Each part adds its listeners to the state as it is made: the order of "replaced" is the
    // order a whole session is drawn in (details, steps, links).
    ctx.parts.draft = parts.draft.create(ctx);
    ctx.parts.details = parts.details.create(ctx);
    ctx.parts.steps = parts.steps.create(ctx);
    ctx.parts.share = parts.share.create(ctx);
    ctx.parts.open = parts.open.create(ctx);
    ctx.state.on("changed", function (message) { if (message) ui.say(message); });
    ctx.parts.open.listen();

    mount.appendChild(ui.alertBox);
    mount.appendChild(ui.noticeBox);
    mount.appendChild(ctx.parts.draft.section);
    mount.appendChild(ctx.parts.details.section);
    mount.appendChild(ctx.parts.steps.timetable);
    mount.appendChild(ctx.parts.steps.adding);
    mount.appendChild(ctx.parts.share.section);
    mount.appendChild(ui.statusLine);
    document.body.appendChild(ui.dialog);

    ctx.state.redraw();
    ctx.parts.share.showSaved();
    ctx.parts.open.openFromLocation();
    mount.setAttribute("data-ready", "true");
  }
  // A deferred script runs while readyState is already "interactive", before the deferred
  // scripts after it, so wait for the event rather than trust readyState; "load" covers a
  // page where DOMContentLoaded has already fired.
  if (typeof module === "object" && module.exports) {  // in Node, for the tests: nothing to start
    module.exports = { start: start };
    return;
  }
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
