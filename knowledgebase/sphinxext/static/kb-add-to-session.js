/* Leading Learning: "Add to my session" on article pages and article cards, and
 * "Start from this path" on reading path pages.
 *
 * The buttons are made here, not in the HTML, so that without JavaScript no
 * page shows a button that does nothing. Adding an article loads the site's
 * session data (once, on the first click) for its reading time and first
 * question, and saves the draft the session builder (session.html) opens.
 */
(function () {
  "use strict";
  var KBSession = window.KBSession;
  var script = document.currentScript;
  if (!KBSession || !script) return;
  // The site root, from this script's own address (…/_static/kb-add-to-session.js).
  var root = script.src.replace(/_static\/kb-add-to-session\.js(\?.*)?$/, "");
  var builder = root + "session.html";
  var ARTICLE = /^articles\/([a-z0-9]+(?:-[a-z0-9]+)*)\.html$/;
  var PATH = /^paths\/(?:facilitator\/)?([a-z0-9]+(?:-[a-z0-9]+)*)\.html$/;

  function relative(href) {
    var url;
    try { url = new URL(href, document.baseURI); } catch (e) { return null; }
    var here = url.href.split("#")[0].split("?")[0];
    return here.indexOf(root) === 0 ? here.slice(root.length) : null;
  }

  var status = document.createElement("div");
  status.className = "kb-visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  var dataRequest = null;
  function loadData() {
    if (window.KB_SESSION_DATA) return Promise.resolve(window.KB_SESSION_DATA);
    if (!dataRequest) {
      dataRequest = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = root + "_kb/session-data.js";
        tag.onload = function () { window.KB_SESSION_DATA ? resolve(window.KB_SESSION_DATA) : reject(); };
        tag.onerror = function () { dataRequest = null; reject(); };
        document.head.appendChild(tag);
      });
    }
    return dataRequest;
  }

  function inDraft(id) {
    var draft = KBSession.load();
    return !!draft && draft.steps.some(function (s) { return s.article === id; });
  }

  var controls = [];  // {id, box}

  function render(control) {
    var box = control.box;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (inDraft(control.id)) {
      var link = document.createElement("a");
      link.className = "kb-session-added";
      link.href = builder;
      link.textContent = "Added \u2014 open my session";
      box.appendChild(link);
      return link;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-add-session";
    button.textContent = "Add to my session";
    if (control.title) button.setAttribute("aria-label", "Add \u201c" + control.title + "\u201d to my session");
    button.addEventListener("click", function () { add(control, button); });
    box.appendChild(button);
    return button;
  }

  function add(control, button) {
    button.disabled = true;
    button.textContent = "Adding\u2026";
    loadData().then(function (data) {
      var article = KBSession.article(data, control.id);
      var draft = KBSession.load(data) || KBSession.empty();
      if (!article) throw new Error("unknown article");
      var limits = KBSession.limits(data);
      if (limits.steps !== null && draft.steps.length >= limits.steps) {
        status.textContent = "Your session already has " + limits.steps + " readings, the most it can hold.";
        render(control);
        return;
      }
      if (!draft.steps.some(function (s) { return s.article === control.id; })) {
        var minutes = article.reading_time + data.discussion_minutes;
        if (limits.minutes_max !== null) minutes = Math.min(minutes, limits.minutes_max);
        draft.steps.push({ article: article.id, minutes: minutes,
                           when: "in-session", prompt: article.question || "", facilitator: "" });
      }
      if (!KBSession.save(draft)) {
        status.textContent = "This browser is not keeping sessions (its storage is off or full).";
        render(control);
        return;
      }
      controls.forEach(function (other) {
        var made = render(other);
        if (other === control) made.focus();
      });
      status.textContent = "Added to your session.";
    }).catch(function () {
      status.textContent = "The article could not be added: the site's session data did not load.";
      render(control);
    });
  }

  function place(id, title, container, before) {
    var box = document.createElement("p");
    box.className = "kb-session-control";
    container.insertBefore(box, before || null);
    var control = { id: id, title: title, box: box };
    controls.push(control);
    render(control);
  }

  var page = relative(location.href) || "";
  var header = document.querySelector(".kb-article-header");
  var match = ARTICLE.exec(page);
  if (match && header) {
    var h1 = document.querySelector("h1");
    var heading = h1 ? h1.cloneNode(true) : null;
    if (heading) Array.prototype.forEach.call(heading.querySelectorAll(".headerlink"), function (link) { link.remove(); });
    place(match[1], heading ? heading.textContent.trim() : "", header);
  }
  Array.prototype.forEach.call(document.querySelectorAll("a.kb-card-title"), function (link) {
    var found = ARTICLE.exec(relative(link.href) || "");
    var card = link.closest(".kb-card, .sd-card-body");
    if (found && card) place(found[1], link.textContent.trim(), card);
  });

  var pathHeader = document.querySelector(".kb-path-header");
  var pathMatch = PATH.exec(page);
  if (pathMatch && pathHeader) {
    var box = document.createElement("p");
    box.className = "kb-session-control";
    var start = document.createElement("a");
    start.className = "kb-start-path";
    start.href = builder + "#path=" + encodeURIComponent(pathMatch[1]);
    start.textContent = "Start from this path";
    box.appendChild(start);
    pathHeader.appendChild(box);
  }

  // Another tab may change the draft: keep the buttons true to it.
  window.addEventListener("storage", function (event) {
    if (event.key === KBSession.STORAGE_KEY) controls.forEach(render);
  });
})();
