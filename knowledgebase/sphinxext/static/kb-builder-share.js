/* Leading Learning, session builder: keeping, sharing, printing and exporting.
 *
 * The "Keep, share and print" section: whether the browser keeps the session,
 * the link that opens it anywhere (with the facilitator notes, and says so),
 * the print-outs (the handout and reading pack carry the participants' copy,
 * without notes; only the facilitator sheet's link carries them), the path file
 * download (kb-path-file.js), "Propose on GitHub" when the site names its
 * repository, and "Start again".
 *
 * Part of the builder's namespace (window.KBBuilder.share); loadable in Node.
 */
(function (root) {
  "use strict";

  var PRINTS = [["handout", "Print handout"], ["facilitator", "Print facilitator sheet"], ["pack", "Reading pack"]];

  function lib(name, file) {
    return root[name] || (typeof require === "function" ? require(file) : null);
  }

  function part(name, file) {
    return (root.KBBuilder && root.KBBuilder[name]) || (typeof require === "function" ? require(file) : null);
  }

  /* The print page's address for one print-out of `session`: only the facilitator sheet's link
   * carries the notes; the others carry the participants' copy. */
  function printHref(printPage, kind, session) {
    var KBSession = lib("KBSession", "./kb-session.js");
    return printPage + "#kind=" + kind + "&s=" + KBSession.encode(kind === "facilitator" ? session : KBSession.participantCopy(session));
  }

  /* GitHub's page for a new file in the site's repository, holding `file` ({name, text}). */
  function proposeHref(repository, file) {
    function path(text) { return text.split("/").map(encodeURIComponent).join("/"); }
    return repository.url + "/new/" + path(repository.branch) + "/" + path(repository.content) +
      "/paths?filename=" + encodeURIComponent(file.name) + "&value=" + encodeURIComponent(file.text);
  }

  function create(ctx) {
    var KBSession = lib("KBSession", "./kb-session.js");
    var pathFile = part("pathFile", "./kb-path-file.js");
    var ui = ctx.ui, el = ui.el, clear = ui.clear, state = ctx.state, data = state.data;
    var doc = ctx.document, win = ctx.window;

    var saveState = el("p", { id: "kb-save-state", className: "kb-save-state" });
    var shareInput = el("input", { type: "text", id: "kb-share-link", readonly: "readonly", "aria-describedby": "kb-share-hint" });
    var shareNote = el("span", { className: "kb-share-note", role: "status" });
    var tooLong = el("p", { id: "kb-share-too-long", className: "kb-export-problems", hidden: true },
      "This session is now too long to share or print from a link: shorten some prompts or notes, " +
      "or download it as a path file.");
    var exportProblems = el("div", { id: "kb-export-problems", className: "kb-export-problems", role: "alert" });
    var proposeLink = el("a", { id: "kb-propose", className: "kb-button", hidden: true, target: "_blank", rel: "noopener" }, "Propose on GitHub");
    var proposeNote = el("p", { className: "kb-field-hint", id: "kb-propose-note", hidden: true },
      "Opens GitHub\u2019s page for a new file with your path in it; from there you can open a pull request.");

    function shareUrl(session) {
      return win.location.href.split("#")[0] + "#s=" + KBSession.encode(session);
    }

    // The three print links for a session, each described by whom it may go to; `prefix` makes their ids.
    function printChoices(session, prefix) {
      var links = el("p", { className: "kb-print-links" });
      PRINTS.forEach(function (p) {
        links.appendChild(el("a", { className: "kb-button kb-print-" + p[0], id: prefix + p[0], href: printHref(ctx.printPage, p[0], session),
          "aria-describedby": prefix + (p[0] === "facilitator" ? "notes" : "safe") }, p[1]));
        links.appendChild(doc.createTextNode(" "));
      });
      return el("div", { className: "kb-print-choices" }, links, el("p", { className: "kb-field-hint" },
        el("span", { id: prefix + "safe" }, "The handout and reading pack leave out the facilitator notes: " +
          "their links are safe to send to participants."), " ",
        el("strong", { id: prefix + "notes" }, "The facilitator sheet\u2019s link includes the facilitator notes: " +
          "send it only to a co-trainer.")));
    }
    var printLinks = printChoices(state.session, "kb-print-");

    function updateLinks() {
      var session = state.session;
      shareInput.value = shareUrl(session);
      // Links are refused over this size (by this page and the print page), so say so here first.
      tooLong.hidden = KBSession.encode(session).length <= KBSession.MAX_FRAGMENT;
      PRINTS.forEach(function (p) { doc.getElementById("kb-print-" + p[0]).href = printHref(ctx.printPage, p[0], session); });
      if (data.repository) {
        var file = pathFile.file(session, data);
        proposeLink.hidden = proposeNote.hidden = !!file.problems.length;
        if (!file.problems.length) proposeLink.href = proposeHref(data.repository, file);
      }
    }

    var shareButton = ui.button("Copy link", function () {
      shareInput.select();
      var done = function () { shareNote.textContent = " Copied. Anyone with the link can open this session, notes included."; };
      var clipboard = win.navigator.clipboard;
      if (clipboard && clipboard.writeText) {
        clipboard.writeText(shareInput.value).then(done, function () {
          shareNote.textContent = " Select the link and copy it.";
        });
      } else {
        shareNote.textContent = " Select the link and copy it.";
      }
    }, { id: "kb-share-copy" });

    var downloadButton = ui.button("Download path file", function () {
      clear(exportProblems);
      var file = pathFile.file(state.session, data);
      if (file.problems.length) {
        exportProblems.appendChild(el("p", null, "Before the file can pass the site\u2019s checks:"));
        var list = el("ul");
        file.problems.forEach(function (p) { list.appendChild(el("li", null, p)); });
        exportProblems.appendChild(list);
        return;
      }
      var blob = new win.Blob([file.text], { type: "text/markdown;charset=utf-8" });
      var link = el("a", { href: win.URL.createObjectURL(blob), download: file.name, hidden: true });
      doc.body.appendChild(link);
      link.click();
      win.setTimeout(function () { win.URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      ui.say("Downloaded " + file.name + ". Put it in the content/paths folder of the site\u2019s repository.");
    }, { id: "kb-download" });

    var startAgain = ui.button("Start again", function () {
      ui.ask("Start again?", "This clears your session from this browser. Share or download it first if you want to keep it.",
             "Clear my session", "Keep it").then(function (yes) {
        if (!yes) return;
        ctx.parts.draft.clearNotes();
        state.replace(KBSession.empty(), "Your session is cleared.");
      });
    }, { id: "kb-start-again" });

    state.on("replaced", updateLinks);
    state.on("changed", function () {
      saveState.textContent = state.saved ? "Saved in this browser." :
        "This browser is not keeping your session (its storage is off or full): copy the link below to keep it.";
      updateLinks();
      clear(exportProblems);
    });

    return {
      printChoices: printChoices,
      /* What the page says at first about the session it opened with. */
      showSaved: function () { saveState.textContent = state.isEmpty() ? "" : "Saved in this browser."; },
      section: ui.section("kb-builder-keep", "Keep, share and print",
        saveState,
        el("p", { className: "kb-field" }, el("label", { htmlFor: "kb-share-link" }, "Link to this session"),
          el("span", { className: "kb-field-hint", id: "kb-share-hint" },
            "Opens the same session in any browser. It does not change your own copy. ",
            el("strong", null, "This link includes your facilitator notes: send it only to a co-trainer.")),
          el("span", { className: "kb-inline" }, shareInput, " ", shareButton), shareNote),
        tooLong,
        printLinks,
        el("p", null, downloadButton, " ", proposeLink, " ", startAgain), proposeNote, exportProblems)
    };
  }

  var share = { create: create, printHref: printHref, proposeHref: proposeHref, PRINTS: PRINTS };
  if (typeof module === "object" && module.exports) module.exports = share;
  else (root.KBBuilder = root.KBBuilder || {}).share = share;
})(typeof window !== "undefined" ? window : this);
