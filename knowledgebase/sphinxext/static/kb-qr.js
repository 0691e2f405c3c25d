/* Leading Learning: QR codes for printed handouts, drawn in the browser.
 *
 * A printed reading needs a code that opens it, but the site's address is
 * known only when it is opened (GitHub Pages, a school's intranet, a local
 * folder), so codes are made here from the page's own address. The encoding is
 * qrcode-generator's (vendor/qrcode-generator.js, a pinned copy of the npm
 * package; see vendor/README.md): byte mode, UTF-8, error correction level M
 * (about 15% of a code may be damaged), the smallest version that fits. This
 * file only adapts it: the matrix it makes becomes an SVG built with
 * createElementNS, black on white with the four-module quiet zone.
 *
 * In a page, every element with `data-kb-qr-href` gets an inline SVG code for
 * that (relative) address made absolute, and its `.kb-qr-address` child the
 * short address to type. Loadable in Node (module.exports) for the tests.
 */
(function (root) {
  "use strict";

  function library() {
    return root.qrcode || (typeof require === "function" ? require("./vendor/qrcode-generator.js") : null);
  }

  // The format information's mask pattern, read from its copy in row 8 (ISO/IEC 18004 7.9.1):
  // bit i is at column size-1-i for i < 8, column 7 for i = 8 and column 14-i after that.
  function maskOf(modules) {
    var size = modules.length, bits = 0;
    for (var i = 0; i < 15; i++) {
      var col = i < 8 ? size - 1 - i : i === 8 ? 7 : 14 - i;
      if (modules[8][col]) bits |= 1 << i;
    }
    return ((bits ^ 0x5412) >> 10) & 7;
  }

  /* `text` as a level-M code in byte mode (UTF-8): {version, mask, size, modules}, where
   * modules[row][col] is true for dark, or null if the text does not fit in version 40. */
  function encode(text) {
    var qrcode = library();
    var bytes = qrcode.stringToBytesFuncs["UTF-8"](String(text));
    var code = qrcode(0, "M");
    // The library's default reading of text takes each character as one byte: give it the bytes.
    code.addData(bytes.map(function (b) { return String.fromCharCode(b); }).join(""), "Byte");
    try {
      code.make();
    } catch (error) {  // too long for any version
      return null;
    }
    var size = code.getModuleCount();
    var modules = [];
    for (var r = 0; r < size; r++) {
      var row = [];
      for (var c = 0; c < size; c++) row.push(code.isDark(r, c));
      modules.push(row);
    }
    return { version: (size - 17) / 4, mask: maskOf(modules), size: size, modules: modules };
  }

  var SVG = "http://www.w3.org/2000/svg";

  /* An SVG image of a code: black on white with the four-module quiet zone, whatever the colour scheme. */
  function toSvg(doc, code, label) {
    var side = code.size + 8;
    var svg = doc.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + side + " " + side);
    svg.setAttribute("class", "kb-qr-code");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", label);
    svg.setAttribute("shape-rendering", "crispEdges");
    svg.setAttribute("data-qr-version", String(code.version));
    svg.setAttribute("data-qr-mask", String(code.mask));
    var background = doc.createElementNS(SVG, "rect");
    background.setAttribute("width", String(side));
    background.setAttribute("height", String(side));
    background.setAttribute("fill", "#fff");
    svg.appendChild(background);
    var d = [];
    code.modules.forEach(function (line, r) {
      line.forEach(function (dark, c) { if (dark) d.push("M" + (c + 4) + " " + (r + 4) + "h1v1h-1z"); });
    });
    var path = doc.createElementNS(SVG, "path");
    path.setAttribute("d", d.join(""));
    path.setAttribute("fill", "#000");
    svg.appendChild(path);
    return svg;
  }

  /* What a reader can type: the address without its scheme, or, for a site opened from a
   * folder, the path inside the site's folder (`siteRoot` is the site's root address). */
  function shortAddress(absolute, siteRoot) {
    var url = new URL(absolute);
    if (url.protocol === "file:") {
      var rootPath = new URL(siteRoot).pathname;
      var path = url.pathname.indexOf(rootPath) === 0 ? url.pathname.slice(rootPath.length) : url.pathname;
      return decodeURIComponent(path) + url.hash;
    }
    return url.host + decodeURIComponent(url.pathname).replace(/\/index\.html$/, "/") + url.search + url.hash;
  }

  /* Draw a code in every `[data-kb-qr-href]` element inside `container`. The site's root is
   * given by `data-kb-root` on the element or the container (relative to the page). */
  function drawAll(container, doc, here) {
    doc = doc || root.document;
    here = here || root.location.href;
    var places = container.querySelectorAll("[data-kb-qr-href]");
    for (var i = 0; i < places.length; i++) {
      var place = places[i];
      if (place.querySelector("svg.kb-qr-code")) continue;
      var absolute = new URL(place.getAttribute("data-kb-qr-href"), here).href;
      var rootHolder = place.closest("[data-kb-root]");
      var siteRoot = new URL((rootHolder && rootHolder.getAttribute("data-kb-root")) || "./", here).href;
      var short = shortAddress(absolute, siteRoot);
      var code = encode(absolute);
      var text = place.querySelector(".kb-qr-address");
      if (text) text.textContent = short;
      if (code) place.insertBefore(toSvg(doc, code, "QR code for " + short), place.firstChild);
    }
  }

  var api = { encode: encode, toSvg: toSvg, shortAddress: shortAddress, drawAll: drawAll };
  if (typeof module !== "undefined" && module.exports) {
    module.exports = api;
  } else {
    root.KBQR = api;
    var start = function () { drawAll(root.document); };
    if (root.document.readyState === "loading") root.document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})(typeof window !== "undefined" ? window : globalThis);
