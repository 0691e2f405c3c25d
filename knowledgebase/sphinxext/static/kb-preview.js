/* Leading Learning: previews of concept and article links.
 *
 * A concept link carries its definition, an article link its summary, in the
 * `title` attribute the build writes. Without JavaScript that is all there is,
 * and the link and the glossary still work. With it, the text moves into one
 * shared preview (role="tooltip", referenced by aria-describedby, so a screen
 * reader reads it with the link) that opens on hover, on keyboard focus, or on
 * a first tap on a touch screen (a second tap, or the preview's own link,
 * follows the link), and closes on Escape, on leaving, or on a tap elsewhere.
 * The preview sits beside the link, never over it. Text only, never HTML.
 */
(function () {
  "use strict";
  var KINDS = { concept: "Concept", article: "Article" };
  var links = document.querySelectorAll("a.kb-link-concept[title], a.kb-link-article[title]");
  if (!links.length) return;

  var preview = document.createElement("div");
  preview.id = "kb-preview";
  preview.className = "kb-preview";
  preview.setAttribute("role", "tooltip");
  preview.hidden = true;
  var kindEl = document.createElement("span");
  kindEl.className = "kb-preview-kind";
  var textEl = document.createElement("span");
  textEl.className = "kb-preview-text";
  var openEl = document.createElement("a");
  openEl.className = "kb-preview-open";
  openEl.href = links[0].href; // always a real link, even before the first preview
  preview.appendChild(kindEl);
  preview.appendChild(textEl);
  preview.appendChild(openEl);
  document.body.appendChild(preview);

  var status = document.createElement("div");
  status.className = "kb-visually-hidden";
  status.setAttribute("role", "status");
  document.body.appendChild(status);

  var current = null;
  var hideTimer = 0;
  var touch = null; // {link, wasOpen} for the tap in progress

  function kindOf(link) {
    return link.classList.contains("kb-link-concept") ? "concept" : "article";
  }

  function place(link) {
    var box = link.getBoundingClientRect();
    var width = Math.min(320, document.documentElement.clientWidth - 16);
    preview.style.maxWidth = width + "px";
    var left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    preview.style.left = (left + window.scrollX) + "px";
    preview.style.top = "0px";
    var height = preview.offsetHeight;
    var below = box.bottom + 6;
    var top = (below + height > window.innerHeight && box.top - height - 6 > 0) ? box.top - height - 6 : below;
    preview.style.top = (top + window.scrollY) + "px";
  }

  function show(link, announce) {
    window.clearTimeout(hideTimer);
    var text = link.getAttribute("data-kb-preview") || "";
    var label = link.textContent.trim();
    kindEl.textContent = KINDS[kindOf(link)] + ": " + label;
    textEl.textContent = text;
    openEl.textContent = "Open " + label;
    openEl.href = link.href;
    preview.hidden = false;
    current = link;
    link.setAttribute("aria-expanded", "true");
    place(link);
    if (announce) status.textContent = label + ". " + text;
  }

  function hide() {
    window.clearTimeout(hideTimer);
    if (current) current.removeAttribute("aria-expanded");
    preview.hidden = true;
    current = null;
  }

  function hideSoon() {
    window.clearTimeout(hideTimer);
    hideTimer = window.setTimeout(hide, 200);
  }

  Array.prototype.forEach.call(links, function (link) {
    link.setAttribute("data-kb-preview", link.getAttribute("title"));
    link.removeAttribute("title");
    link.setAttribute("aria-describedby", "kb-preview");
    link.addEventListener("mouseenter", function () { if (!touch) show(link, false); });
    link.addEventListener("mouseleave", function () { if (!touch) hideSoon(); });
    link.addEventListener("focus", function () { if (!touch) show(link, false); });
    link.addEventListener("blur", function () { if (!touch) hideSoon(); });
    link.addEventListener("pointerdown", function (event) {
      touch = event.pointerType === "touch" ? { link: link, wasOpen: current === link } : null;
    });
    link.addEventListener("click", function (event) {
      var tap = touch && touch.link === link;
      if (tap && !touch.wasOpen) {
        event.preventDefault(); // the first tap previews; the second follows the link
        show(link, true);
      }
      touch = null;
    });
  });

  preview.addEventListener("mouseenter", function () { window.clearTimeout(hideTimer); });
  preview.addEventListener("mouseleave", hideSoon);
  openEl.addEventListener("blur", hideSoon);
  openEl.addEventListener("focus", function () { window.clearTimeout(hideTimer); });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && current) hide();
  });
  document.addEventListener("pointerdown", function (event) {
    if (current && !preview.contains(event.target) && !(event.target.closest && event.target.closest("a.kb-link-concept, a.kb-link-article"))) {
      touch = null;
      hide();
    }
  });
  window.addEventListener("resize", function () { if (current) place(current); });
})();
