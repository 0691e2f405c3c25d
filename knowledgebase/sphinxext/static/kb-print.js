/* Leading Learning: print pages.
 *
 * On every print page, the Print buttons (hidden without JavaScript) open the
 * browser's print dialogue. On session-print.html, the trainer's session, from
 * the address (`#kind=handout|facilitator|pack&s=...`) or else from the draft
 * kept in this browser, is drawn as one of three documents:
 *   handout      for participants: never a facilitator note, not even hidden;
 *   facilitator  the same, with the timetable and the notes;
 *   pack         every article of the session in full, each on a new page.
 * The handout and the pack draw the participants' copy of the session (its notes
 * left out, whatever the address holds), and link only to each other, with that
 * copy: nothing on them leads to the notes.
 * Everything from the session or the site's data goes in as text
 * (textContent, createElement). The only markup inserted is an article's own
 * text from its pack fragment (_kb/pack/<id>.js), which the build wrote from
 * the article page.
 */
(function () {
  "use strict";

  var KINDS = { handout: "Handout", facilitator: "Facilitator sheet", pack: "Reading pack" };
  var WHEN_TITLES = { "pre-reading": "Before the session", "in-session": "In the session", "follow-up": "After the session" };

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }

  function clock(minutes) {
    var m = minutes % 60;
    return Math.floor(minutes / 60) + ":" + (m < 10 ? "0" : "") + m;
  }

  function enablePrintButtons() {
    var buttons = document.querySelectorAll(".kb-print-button");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].hidden = false;
      buttons[i].addEventListener("click", function () { window.print(); });
    }
  }

  // The site's articles by id, from the session data's rows (one per article, in `article_fields` order);
  // each address is `article_url` with the id in place of {id} (percent-encoded by the build).
  function articleTable(data) {
    var table = Object.create(null);
    var fields = data.article_fields || [];
    (data.articles || []).forEach(function (row) {
      var article = {};
      fields.forEach(function (name, i) { article[name] = row[i]; });
      if (typeof article.id !== "string") return;
      article.url = String(data.article_url).replace(/\{id\}|%7Bid%7D/i, article.id);
      table[article.id] = article;
    });
    return table;
  }

  function labelFor(list, id) {
    for (var i = 0; i < (list || []).length; i++) if (list[i].id === id) return list[i].label;
    return id;
  }

  function qrPlace(url) {
    var place = el("p", "kb-qr");
    place.setAttribute("data-kb-qr-href", url);
    place.appendChild(el("span", "kb-qr-address", url));
    return place;
  }

  function header(container, session, kind, data) {
    var title = session.title || "Untitled session";
    document.title = KINDS[kind] + ": " + title;
    var h1 = document.getElementById("kb-print-title");
    h1.textContent = title;
    container.appendChild(el("p", "kb-print-kind", KINDS[kind]));
    if (session.summary) container.appendChild(el("p", "kb-lead", session.summary));
    var outside = 0;
    session.steps.forEach(function (s) { if (s.when !== "in-session") outside += s.minutes; });
    var meta = "Session: " + session.duration + " minutes";
    if (outside) meta += " · Reading outside the session: " + outside + " minutes";
    if (session.audience.length) {
      meta += " · For " + session.audience.map(function (a) { return labelFor(data.audiences, a); }).join(", ");
    }
    container.appendChild(el("p", "kb-meta", meta));
    if (session.outcomes.length) {
      container.appendChild(el("p", "kb-outcomes-intro", "By the end you will be able to:"));
      var list = el("ul", "kb-outcomes");
      session.outcomes.forEach(function (o) { list.appendChild(el("li", null, o)); });
      container.appendChild(list);
    }
  }

  // Start of each in-session step from 0:00, in session order.
  function starts(session) {
    var at = 0, result = [];
    session.steps.forEach(function (s, i) {
      if (s.when === "in-session") {
        result[i] = at;
        at += s.minutes;
      }
    });
    return { starts: result, used: at };
  }

  function timetable(container, session, articles) {
    var timing = starts(session);
    var section = el("section", "kb-section");
    section.appendChild(el("h2", null, "Timetable"));
    var table = el("table", "kb-timetable");
    var head = el("thead"), row = el("tr");
    ["Start", "End", "Step", "Time"].forEach(function (h) {
      var th = el("th", null, h);
      th.setAttribute("scope", "col");
      row.appendChild(th);
    });
    head.appendChild(row);
    table.appendChild(head);
    var body = el("tbody");
    function add(start, end, label, minutes) {
      var tr = el("tr");
      [clock(start), clock(end), label, minutes + " min"].forEach(function (cell) { tr.appendChild(el("td", null, cell)); });
      body.appendChild(tr);
    }
    session.steps.forEach(function (s, i) {
      if (s.when === "in-session") add(timing.starts[i], timing.starts[i] + s.minutes, articles[s.article].title, s.minutes);
    });
    if (session.duration > timing.used) {
      add(timing.used, session.duration, "Unallocated: introductions, breaks, close", session.duration - timing.used);
    }
    table.appendChild(body);
    section.appendChild(table);
    container.appendChild(section);
  }

  function steps(container, session, articles, facilitator) {
    var timing = starts(session);
    Object.keys(WHEN_TITLES).forEach(function (when) {
      var chosen = [];
      session.steps.forEach(function (s, i) { if (s.when === when) chosen.push(i); });
      if (!chosen.length) return;
      var section = el("section", "kb-section");
      section.appendChild(el("h2", null, WHEN_TITLES[when]));
      chosen.forEach(function (i) {
        var step = session.steps[i], article = articles[step.article];
        var box = el("div", "kb-step");
        var time = step.minutes + " min";
        if (when === "in-session") time = clock(timing.starts[i]) + " – " + clock(timing.starts[i] + step.minutes) + " · " + time;
        box.appendChild(el("p", "kb-step-time", time));
        var title = el("h3", "kb-step-title");
        var link = el("a", null, article.title);
        link.href = article.url;
        title.appendChild(link);
        box.appendChild(title);
        box.appendChild(qrPlace(article.url));
        if (step.prompt) {
          var prompt = el("div", "kb-prompt");
          var p = el("p");
          p.appendChild(el("strong", null, "Discuss: "));
          p.appendChild(document.createTextNode(step.prompt));
          prompt.appendChild(p);
          prompt.appendChild(el("div", "kb-write-space"));
          box.appendChild(prompt);
        }
        if (facilitator && step.facilitator) {
          var note = el("p", "kb-facilitator-note");
          note.appendChild(el("strong", null, "Facilitator: "));
          note.appendChild(document.createTextNode(step.facilitator));
          box.appendChild(note);
        }
        section.appendChild(box);
      });
      container.appendChild(section);
    });
  }

  // An article's text for the pack: parsed as an inert document (nothing in it runs),
  // with its ids made unique in this page.
  function packArticle(fragment, prefix) {
    var parsed = new DOMParser().parseFromString("<!DOCTYPE html><body>" + fragment.html, "text/html");
    var nodes = parsed.body.querySelectorAll("[id]");
    for (var i = 0; i < nodes.length; i++) nodes[i].id = prefix + nodes[i].id;
    var links = parsed.body.querySelectorAll('a[href^="#"]');
    for (i = 0; i < links.length; i++) links[i].setAttribute("href", "#" + prefix + links[i].getAttribute("href").slice(1));
    var out = document.createDocumentFragment();
    while (parsed.body.firstChild) out.appendChild(document.adoptNode(parsed.body.firstChild));
    return out;
  }

  function pack(container, session, articles, done) {
    container.appendChild(el("p", null, "Every article of the session, in order, each starting on a new page with its questions to reflect on."));
    container.appendChild(el("h2", null, "Contents"));
    var contents = el("ol", "kb-pack-contents");
    var boxes = [];
    session.steps.forEach(function (step, i) {
      var article = articles[step.article], n = i + 1;
      // Plain text: a link to #step-n would replace the address that holds the session.
      var item = el("li", null, article.title + " ");
      item.appendChild(el("span", "kb-pack-when", "(" + WHEN_TITLES[step.when] + " · " + step.minutes + " min)"));
      contents.appendChild(item);
      var box = el("article", "kb-pack-article");
      box.id = "step-" + n;
      box.setAttribute("aria-labelledby", "step-" + n + "-title");
      var when = el("p", "kb-pack-when", "Reading " + n + " of " + session.steps.length + ": " + WHEN_TITLES[step.when] + " · " + step.minutes + " min");
      when.id = "step-" + n + "-title";
      box.appendChild(when);
      boxes.push(box);
    });
    container.appendChild(contents);
    boxes.forEach(function (box) { container.appendChild(box); });

    // Each article's text is a script (a local folder allows scripts, not fetch()); ids are checked slugs.
    var pending = 0, missing = [];
    var wanted = Object.create(null);
    session.steps.forEach(function (s) { wanted[s.article] = true; });
    function fill() {
      session.steps.forEach(function (step, i) {
        var fragment = window.KB_PACK && window.KB_PACK[step.article];
        var box = boxes[i];
        if (fragment) {
          box.appendChild(packArticle(fragment, "step-" + (i + 1) + "-"));
        } else {
          var p = el("p", null, "This article's text could not be loaded; read it at ");
          var link = el("a", null, articles[step.article].title);
          link.href = articles[step.article].url;
          p.appendChild(link);
          box.appendChild(p);
        }
        if (step.prompt) {
          var prompt = el("div", "kb-prompt");
          var para = el("p");
          para.appendChild(el("strong", null, "Discuss: "));
          para.appendChild(document.createTextNode(step.prompt));
          prompt.appendChild(para);
          box.appendChild(prompt);
        }
      });
      done(missing);
    }
    Object.keys(wanted).forEach(function (id) {
      if (window.KB_PACK && window.KB_PACK[id]) return;
      pending++;
      var script = document.createElement("script");
      script.src = "_kb/pack/" + id + ".js";
      script.onload = script.onerror = function (event) {
        if (event.type === "error") missing.push(id);
        if (--pending === 0) fill();
      };
      document.head.appendChild(script);
    });
    if (!pending) fill();
  }

  // Links to the participants' print-outs this page is not; `shared` is the participants' copy to carry, or null.
  function otherOutputs(actions, kind, shared) {
    ["handout", "pack"].forEach(function (other) {
      if (other === kind) return;
      var link = el("a", "kb-print-other", KINDS[other]);
      link.href = "#kind=" + other + (shared ? "&s=" + window.KBSession.encode(shared) : "");
      actions.insertBefore(link, actions.querySelector(".kb-print-button"));
    });
  }

  function refuse(status, message) {
    status.textContent = message;
    status.className = "kb-print-status kb-print-refused";
    status.setAttribute("role", "alert");
  }

  function drawSession() {
    var container = document.getElementById("kb-session-print");
    if (!container) return;
    var status = document.getElementById("kb-print-status");
    var actions = document.getElementById("kb-print-actions");
    var back = document.getElementById("kb-print-back");
    actions.hidden = false;
    var data = window.KB_SESSION_DATA;
    if (!window.KBSession || !data) {
      refuse(status, "The site's session data did not load, so there is nothing to print. Rebuild the site, or open it again.");
      return;
    }
    var params = window.KBSession.fragmentParams(window.location.hash);
    if (params.s === undefined && /(^#|&)s=/.test(window.location.hash)) {  // refused unread: far too long
      refuse(status, "The link is too long to be a session from this site. Nothing from it has been shown.");
      return;
    }
    var kind = params.kind || "handout";
    if (!Object.prototype.hasOwnProperty.call(KINDS, kind)) {
      refuse(status, "This link asks for a print-out this page does not make. It makes a handout, a facilitator sheet or a reading pack.");
      return;
    }
    var session, encoded = params.s;
    if (encoded !== undefined) {
      var decoded = window.KBSession.decode(encoded, data);
      if (!decoded.session) {
        refuse(status, decoded.error + " Nothing from it has been shown. Ask for a fresh link, or draft the session again in the builder.");
        return;
      }
      session = decoded.session;
      if (decoded.errors && decoded.errors.length) status.textContent = decoded.errors.join(" ");
      // Only the trainer's sheet leads back to the session in the builder: from a participant's
      // print-out, the builder opens the reader's own draft.
      if (kind === "facilitator") back.href = back.getAttribute("href") + "#s=" + encoded;
    } else {
      session = window.KBSession.load(data);
      if (!session) {
        refuse(status, "There is no session to print yet: draft one in the session builder first, or print one of the curated reading paths.");
        return;
      }
    }
    if (kind !== "facilitator") session = window.KBSession.participantCopy(session);
    var articles = articleTable(data);
    session.steps = session.steps.filter(function (s) { return articles[s.article]; });
    if (!session.steps.length) {
      refuse(status, "This session has no readings yet, so there is nothing to print. Add some in the session builder.");
      return;
    }
    otherOutputs(actions, kind, encoded === undefined ? null : window.KBSession.participantCopy(session));
    container.className = "kb-print-session kb-print-" + kind;
    header(container, session, kind, data);
    if (kind === "pack") {
      container.setAttribute("aria-busy", "true");
      pack(container, session, articles, function (missing) {
        container.removeAttribute("aria-busy");
        if (missing.length) status.textContent = "Some articles' text could not be loaded; their links are shown instead.";
      });
      return;
    }
    if (kind === "facilitator") {
      container.appendChild(el("p", "kb-facilitator-only", "For the facilitator only. Participants get the handout, which has no facilitator notes."));
      if (!session.steps.some(function (s) { return s.facilitator; })) {
        container.appendChild(el("p", null, "This sheet has no facilitator notes. Either none were written, " +
          "or this link was made for participants: their links leave the notes out."));
      }
      timetable(container, session, articles);
    }
    steps(container, session, articles, kind === "facilitator");
    if (window.KBQR) window.KBQR.drawAll(container);
  }

  function start() {
    enablePrintButtons();
    drawSession();
    // The links between a session's three print-outs change only the address's fragment.
    if (document.getElementById("kb-session-print")) {
      window.addEventListener("hashchange", function () {
        if (/(^#|&)kind=/.test(window.location.hash)) window.location.reload();
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
