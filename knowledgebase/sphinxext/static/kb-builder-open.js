/* Leading Learning, session builder: opening a session from elsewhere.
 *
 * A shared link (`#s=...`), a curated path (`#path=<id>`, from "Start from this
 * path"), or the draft changed in another tab. What a link holds is decoded and
 * validated by kb-session.js and never used in part without saying so, and it
 * never replaces the trainer's own draft without asking: kept, the session
 * opened can still be printed.
 *
 * Part of the builder's namespace (window.KBBuilder.open); loadable in Node.
 */
(function (root) {
  "use strict";

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  function decodeURIComponentSafe(text) {
    try { return decodeURIComponent(text); } catch (e) { return ""; }
  }

  /* A curated path from the site's data as a session, or null. */
  function pathSession(data, id) {
    var KBSession = lib("KBSession", "./kb-session.js");
    var path = data.paths.filter(function (p) { return p.id === id; })[0];
    if (!path) return null;
    var checked = KBSession.validate({ v: 1, title: path.title, summary: path.summary, audience: path.audience,
      duration: path.duration, outcomes: path.outcomes, steps: path.steps }, data);
    return { path: path, session: checked.session };
  }

  function create(ctx) {
    var KBSession = lib("KBSession", "./kb-session.js");
    var ui = ctx.ui, el = ui.el, clear = ui.clear, state = ctx.state, data = state.data;
    var doc = ctx.document, win = ctx.window;

    // Opening a shared link or a curated path: never over the trainer's draft without asking.
    function offer(incoming, what) {
      var opened = "Opened " + what + ".";
      if (state.isEmpty() || KBSession.same(state.session, incoming)) {
        state.replace(incoming, opened);
        return;
      }
      ui.ask("Replace your draft?", "You opened " + what + ", but this browser already holds your own draft, \u201c" +
             (state.session.title || "Untitled session") + "\u201d. Replace your draft with it?", "Replace my draft", "Keep my draft")
        .then(function (yes) {
          if (yes) {
            state.replace(incoming, opened);
            return;
          }
          var notice = ui.noticeBox;
          clear(notice);
          notice.hidden = false;
          notice.appendChild(el("p", null, "You kept your draft. You can still print the session you opened, \u201c" +
            (incoming.title || "Untitled session") + "\u201d:"));
          notice.appendChild(ctx.parts.share.printChoices(incoming, "kb-notice-print-"));
          notice.appendChild(el("p", null, ui.button("Replace my draft with it after all", function () {
            notice.hidden = true;
            state.replace(incoming, opened);
          }, { id: "kb-notice-replace" })));
          ui.say("Kept your draft.");
        });
    }

    function openFromLocation() {
      var location = win.location;
      var params = KBSession.fragmentParams(location.hash);
      if (!("s" in params) && !("path" in params)) {
        if (location.hash.length > KBSession.MAX_FRAGMENT) {
          ui.showAlert("This link could not be opened.", ["The link is too long to be a session from this site."]);
        }
        return;
      }
      win.history.replaceState(null, "", location.href.split("#")[0]);
      if ("path" in params) {
        var found = pathSession(data, decodeURIComponentSafe(params.path));
        if (!found) {
          ui.showAlert("This link could not be opened.", ["The site has no reading path with that name."]);
          return;
        }
        if (found.session) offer(found.session, "the reading path \u201c" + found.path.title + "\u201d");
        return;
      }
      var decoded = KBSession.decode(params.s, data);
      if (!decoded.session) {
        ui.showAlert("This shared link could not be opened, and nothing in it was used.", [decoded.error]);
        return;
      }
      if (decoded.errors.length) ui.showAlert("The shared session was opened without some of its parts.", decoded.errors);
      offer(decoded.session, "a shared session");
    }

    /* Listen for links opened in this page and for the draft changed in another tab, and give each
     * curated path on the page its "Start from this path" button. */
    function listen() {
      win.addEventListener("hashchange", openFromLocation);
      // "Add to my session" in another tab changes the draft: show it here, so that the next
      // edit on this page does not save over it.
      win.addEventListener("storage", function (event) {
        if (event.key !== KBSession.STORAGE_KEY) return;
        if (state.takeStored()) ui.say("Your session was changed in another tab or window; this page now shows it.");
      });
      Array.prototype.forEach.call(doc.querySelectorAll(".kb-builder-path"), function (item) {
        var id = item.getAttribute("data-path");
        item.appendChild(doc.createTextNode(" "));
        item.appendChild(ui.button("Start from this path", function () {
          win.location.hash = "path=" + encodeURIComponent(id);
        }, { className: "kb-button kb-button-small kb-start-path", "aria-label": "Start from the path: " + item.querySelector("a").textContent }));
      });
    }

    return { openFromLocation: openFromLocation, listen: listen, offer: offer };
  }

  var open = { create: create, pathSession: pathSession };
  if (typeof module === "object" && module.exports) module.exports = open;
  else (root.KBBuilder = root.KBBuilder || {}).open = open;
})(typeof window !== "undefined" ? window : this);
