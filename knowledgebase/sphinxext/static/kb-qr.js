/* Leading Learning: QR codes for printed handouts, drawn in the browser.
 *
 * A printed reading needs a code that opens it, but the site's address is
 * known only when it is opened (GitHub Pages, a school's intranet, a local
 * folder), so codes are made here from the page's own address. Written for
 * this project from ISO/IEC 18004: byte mode, error correction level M
 * (about 15% of a code may be damaged), versions 1 to 40, all eight masks
 * scored by the standard penalty rules. The tests compare every module with
 * the independent Python library segno.
 *
 * In a page, every element with `data-kb-qr-href` gets an inline SVG code for
 * that (relative) address made absolute, and its `.kb-qr-address` child the
 * short address to type. Loadable in Node (module.exports) for the tests.
 */
(function (root) {
  "use strict";

  // Error correction level M: codewords per block and number of blocks, versions 1..40.
  var ECC_PER_BLOCK = [10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28];
  var BLOCKS = [1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49];
  var LEVEL_M_BITS = 0; // the two format bits of level M

  // GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1.
  var EXP = new Array(512), LOG = new Array(256);
  (function () {
    var x = 1;
    for (var i = 0; i < 255; i++) {
      EXP[i] = x;
      LOG[x] = i;
      x <<= 1;
      if (x & 0x100) x ^= 0x11d;
    }
    for (i = 255; i < 512; i++) EXP[i] = EXP[i - 255];
  })();

  function gfMul(a, b) {
    return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  // Generator polynomial (x - a^0)(x - a^1)...(x - a^(n-1)), highest power first, leading 1 dropped.
  function generator(degree) {
    var poly = [1];
    for (var i = 0; i < degree; i++) {
      var next = new Array(poly.length + 1).fill(0);
      for (var j = 0; j < poly.length; j++) {
        next[j] ^= poly[j];
        next[j + 1] ^= gfMul(poly[j], EXP[i]);
      }
      poly = next;
    }
    return poly.slice(1);
  }

  function eccFor(data, degree) {
    var gen = generator(degree);
    var rem = new Array(degree).fill(0);
    for (var i = 0; i < data.length; i++) {
      var factor = data[i] ^ rem[0];
      rem.shift();
      rem.push(0);
      for (var j = 0; j < degree; j++) rem[j] ^= gfMul(gen[j], factor);
    }
    return rem;
  }

  function sizeOf(version) {
    return version * 4 + 17;
  }

  // Modules left for data and error correction once the function patterns are placed.
  function rawDataModules(version) {
    var n = (16 * version + 128) * version + 64;
    if (version >= 2) {
      var align = Math.floor(version / 7) + 2;
      n -= (25 * align - 10) * align - 55;
      if (version >= 7) n -= 36;
    }
    return n;
  }

  function dataCodewords(version) {
    return Math.floor(rawDataModules(version) / 8) - ECC_PER_BLOCK[version - 1] * BLOCKS[version - 1];
  }

  function countBits(version) {
    return version <= 9 ? 8 : 16;
  }

  function alignmentCentres(version) {
    if (version === 1) return [];
    var count = Math.floor(version / 7) + 2;
    var last = sizeOf(version) - 7;
    var step = version === 32 ? 26 : Math.ceil((last - 6) / (count - 1) / 2) * 2;
    var centres = [];
    for (var i = 0; i < count - 1; i++) centres.unshift(last - i * step);
    centres.unshift(6);
    return centres;
  }

  function utf8(text) {
    if (typeof TextEncoder !== "undefined") return Array.from(new TextEncoder().encode(text));
    return Array.from(Buffer.from(text, "utf8"));
  }

  // Bit stream: byte mode, count, bytes, terminator, padding, pad codewords.
  function dataBytes(bytes, version) {
    var bits = [];
    function put(value, length) {
      for (var i = length - 1; i >= 0; i--) bits.push((value >>> i) & 1);
    }
    var capacity = dataCodewords(version) * 8;
    put(4, 4);
    put(bytes.length, countBits(version));
    bytes.forEach(function (b) { put(b, 8); });
    put(0, Math.min(4, capacity - bits.length));
    put(0, (8 - bits.length % 8) % 8);
    for (var pad = 0xec; bits.length < capacity; pad ^= 0xec ^ 0x11) put(pad, 8);
    var out = [];
    for (var i = 0; i < bits.length; i += 8) {
      var byte = 0;
      for (var j = 0; j < 8; j++) byte = (byte << 1) | bits[i + j];
      out.push(byte);
    }
    return out;
  }

  // Split into blocks, add error correction to each, interleave.
  function finalCodewords(data, version) {
    var blocks = BLOCKS[version - 1], ecc = ECC_PER_BLOCK[version - 1];
    var total = Math.floor(rawDataModules(version) / 8);
    var shortBlocks = blocks - total % blocks;
    var shortData = Math.floor(total / blocks) - ecc;
    var dataBlocks = [], eccBlocks = [], at = 0;
    for (var b = 0; b < blocks; b++) {
      var length = shortData + (b < shortBlocks ? 0 : 1);
      var block = data.slice(at, at + length);
      at += length;
      dataBlocks.push(block);
      eccBlocks.push(eccFor(block, ecc));
    }
    var out = [];
    for (var i = 0; i <= shortData; i++) {
      for (b = 0; b < blocks; b++) if (i < dataBlocks[b].length) out.push(dataBlocks[b][i]);
    }
    for (i = 0; i < ecc; i++) {
      for (b = 0; b < blocks; b++) out.push(eccBlocks[b][i]);
    }
    return out;
  }

  function grid(size, value) {
    var rows = [];
    for (var i = 0; i < size; i++) rows.push(new Array(size).fill(value));
    return rows;
  }

  // Function patterns; `reserved` marks every module that is not data (format and version areas included).
  function functionPatterns(version) {
    var size = sizeOf(version);
    var modules = grid(size, false), reserved = grid(size, false);
    function set(row, col, dark) {
      modules[row][col] = dark;
      reserved[row][col] = true;
    }
    [[0, 0], [0, size - 7], [size - 7, 0]].forEach(function (corner) {
      for (var r = -1; r <= 7; r++) {
        for (var c = -1; c <= 7; c++) {
          var row = corner[0] + r, col = corner[1] + c;
          if (row < 0 || col < 0 || row >= size || col >= size) continue;
          var ring = Math.max(Math.abs(r - 3), Math.abs(c - 3));
          set(row, col, ring !== 2 && ring !== 4);
        }
      }
    });
    for (var i = 8; i < size - 8; i++) {
      set(6, i, i % 2 === 0);
      set(i, 6, i % 2 === 0);
    }
    var centres = alignmentCentres(version);
    var last = centres.length - 1;
    centres.forEach(function (row, i) {
      centres.forEach(function (col, j) {
        if ((i === 0 && (j === 0 || j === last)) || (i === last && j === 0)) return; // the finder corners
        for (var r = -2; r <= 2; r++) {
          for (var c = -2; c <= 2; c++) set(row + r, col + c, Math.max(Math.abs(r), Math.abs(c)) !== 1);
        }
      });
    });
    for (i = 0; i < 9; i++) {
      reserved[8][i] = reserved[i][8] = true;
      if (i < 8) reserved[8][size - 1 - i] = reserved[size - 1 - i][8] = true;
    }
    if (version >= 7) {
      for (i = 0; i < 6; i++) {
        for (var j = 0; j < 3; j++) reserved[i][size - 11 + j] = reserved[size - 11 + j][i] = true;
      }
    }
    return { modules: modules, reserved: reserved, size: size };
  }

  // Codewords in the two-column zigzag from the bottom right, skipping the vertical timing column.
  function placeCodewords(base, codewords) {
    var size = base.size, bit = 0, total = codewords.length * 8;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      var upward = ((right + 1) & 2) === 0;
      for (var step = 0; step < size; step++) {
        var row = upward ? size - 1 - step : step;
        for (var k = 0; k < 2; k++) {
          var col = right - k;
          if (base.reserved[row][col]) continue;
          if (bit < total) base.modules[row][col] = ((codewords[bit >>> 3] >>> (7 - (bit & 7))) & 1) === 1;
          bit++;
        }
      }
    }
  }

  var MASKS = [
    function (r, c) { return (r + c) % 2 === 0; },
    function (r) { return r % 2 === 0; },
    function (r, c) { return c % 3 === 0; },
    function (r, c) { return (r + c) % 3 === 0; },
    function (r, c) { return (Math.floor(r / 2) + Math.floor(c / 3)) % 2 === 0; },
    function (r, c) { return (r * c) % 2 + (r * c) % 3 === 0; },
    function (r, c) { return ((r * c) % 2 + (r * c) % 3) % 2 === 0; },
    function (r, c) { return ((r + c) % 2 + (r * c) % 3) % 2 === 0; }
  ];

  function masked(base, mask) {
    var test = MASKS[mask];
    return base.modules.map(function (line, r) {
      return line.map(function (dark, c) { return base.reserved[r][c] ? dark : dark !== test(r, c); });
    });
  }

  // A 1:1:3:1:1 finder-like run with four light modules (or the edge) on either side.
  function finderLike(line) {
    var score = 0, n = line.length;
    var pattern = [true, false, true, true, true, false, true];
    function lightBetween(from, to) {
      for (var i = Math.max(from, 0); i < Math.min(to, n); i++) if (line[i]) return false;
      return true;
    }
    for (var i = 0; i + 7 <= n; i++) {
      var match = true;
      for (var k = 0; k < 7 && match; k++) match = line[i + k] === pattern[k];
      if (match && (lightBetween(i - 4, i) || lightBetween(i + 7, i + 11))) {
        score += 40;
        i += 6;
      }
    }
    return score;
  }

  function runs(line) {
    var score = 0, length = 1;
    for (var i = 1; i <= line.length; i++) {
      if (i < line.length && line[i] === line[i - 1]) {
        length++;
      } else {
        if (length >= 5) score += length - 2;
        length = 1;
      }
    }
    return score;
  }

  // Penalty of ISO/IEC 18004 7.8.3, scored before format and version information are drawn (those areas light).
  function penalty(modules) {
    var size = modules.length, score = 0, dark = 0;
    for (var i = 0; i < size; i++) {
      var column = modules.map(function (line) { return line[i]; });
      score += runs(modules[i]) + runs(column) + finderLike(modules[i]) + finderLike(column);
      for (var j = 0; j < size; j++) {
        if (modules[i][j]) dark++;
        if (i && j && modules[i][j] === modules[i][j - 1] && modules[i][j] === modules[i - 1][j] &&
            modules[i][j] === modules[i - 1][j - 1]) score += 3;
      }
    }
    return score + 10 * Math.floor(Math.abs(dark * 100 - 50 * size * size) / (5 * size * size));
  }

  function bch(value, poly, degree) {
    var rem = value << degree;
    var top = 31 - Math.clz32(poly);
    for (var bit = 31 - Math.clz32(rem); bit >= top; bit--) {
      if ((rem >>> bit) & 1) rem ^= poly << (bit - top);
    }
    return (value << degree) | rem;
  }

  function drawFormatAndVersion(modules, version, mask) {
    var size = modules.length;
    var format = bch((LEVEL_M_BITS << 3) | mask, 0x537, 10) ^ 0x5412;
    function bit(value, i) { return ((value >>> i) & 1) === 1; }
    // Around the top-left finder (bits 0..14), then split between the other two.
    for (var i = 0; i < 15; i++) {
      var dark = bit(format, i);
      if (i < 6) modules[i][8] = dark;
      else if (i < 8) modules[i + 1][8] = dark;
      else if (i === 8) modules[8][7] = dark;
      else modules[8][14 - i] = dark;
      if (i < 8) modules[8][size - 1 - i] = dark;
      else modules[size - 15 + i][8] = dark;
    }
    modules[size - 8][8] = true; // the module that is always dark
    if (version >= 7) {
      var info = bch(version, 0x1f25, 12);
      for (i = 0; i < 18; i++) {
        var a = size - 11 + i % 3, b = Math.floor(i / 3);
        modules[b][a] = modules[a][b] = bit(info, i);
      }
    }
  }

  /* Encode `text` (UTF-8) at level M. Options: `version` (the smallest that fits if absent)
   * and `mask` (the lowest penalty if absent). Returns {version, mask, size, modules}, where
   * modules[row][col] is true for dark, or null if the text does not fit in version 40. */
  function encode(text, options) {
    options = options || {};
    var bytes = utf8(String(text));
    var version = options.version;
    if (!version) {
      for (version = 1; version <= 40; version++) {
        if (4 + countBits(version) + bytes.length * 8 <= dataCodewords(version) * 8) break;
      }
      if (version > 40) return null;
    } else if (4 + countBits(version) + bytes.length * 8 > dataCodewords(version) * 8) {
      return null;
    }
    var base = functionPatterns(version);
    placeCodewords(base, finalCodewords(dataBytes(bytes, version), version));
    var mask = options.mask, modules;
    if (mask === undefined || mask === null) {
      var best = Infinity;
      for (var m = 0; m < 8; m++) {
        var candidate = masked(base, m), score = penalty(candidate);
        if (score < best) {
          best = score;
          mask = m;
          modules = candidate;
        }
      }
    } else {
      modules = masked(base, mask);
    }
    drawFormatAndVersion(modules, version, mask);
    return { version: version, mask: mask, size: base.size, modules: modules };
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
