/* Leading Learning: "what is this connected to?" on a concept map.
 *
 * The build writes each node's key (`data-key`) and the two ends of each curve
 * (`data-ends`). Hovering over a node, giving it keyboard focus or tapping it
 * picks it out: its curves are drawn strong, its neighbours stay as they are and
 * everything else fades. Only classes change; kb.css draws them. On a touch
 * screen the first tap picks a node out and a second tap follows its link; a
 * tap elsewhere, Escape, or the pointer or focus leaving puts the map back.
 *
 * Without this script every node is still a link, and the list after the map
 * says what each is linked to; with it, that list starts closed.
 */
(function () {
  "use strict";
  var STATES = ["kb-map-picked", "kb-map-near", "kb-map-on"];

  function each(list, callback) {
    Array.prototype.forEach.call(list, callback);
  }

  function ends(path) {
    return path.getAttribute("data-ends").split(" ");
  }

  function setUp(svg) {
    var edges = svg.querySelector(".kb-map-edges");
    var nodes = svg.querySelectorAll("a.kb-map-node[data-key]");
    if (!edges || !nodes.length) return;
    var byKey = {};
    var curvesOf = {};
    each(nodes, function (node) {
      byKey[node.getAttribute("data-key")] = node;
      curvesOf[node.getAttribute("data-key")] = [];
    });
    each(edges.querySelectorAll("path[data-ends]"), function (path) {
      ends(path).forEach(function (key) {
        if (curvesOf[key]) curvesOf[key].push(path);
      });
    });

    var picked = null;
    var touch = null; // {node, wasPicked} for the tap in progress

    function clear() {
      if (!picked) return;
      picked = null;
      svg.classList.remove("kb-map-picking");
      each(svg.querySelectorAll("." + STATES.join(", .")), function (element) {
        STATES.forEach(function (state) { element.classList.remove(state); });
      });
    }

    function pick(node) {
      if (picked === node) return;
      clear();
      picked = node;
      var key = node.getAttribute("data-key");
      svg.classList.add("kb-map-picking");
      node.classList.add("kb-map-picked");
      curvesOf[key].forEach(function (path) {
        path.classList.add("kb-map-on");
        edges.appendChild(path); // drawn last, over the faded curves
        ends(path).forEach(function (end) {
          if (end !== key) byKey[end].classList.add("kb-map-near");
        });
      });
    }

    function focusedNode() {
      var active = document.activeElement;
      return active && active.getAttribute && byKey[active.getAttribute("data-key")] === active ? active : null;
    }

    each(nodes, function (node) {
      node.addEventListener("mouseenter", function () { pick(node); });
      node.addEventListener("mouseleave", function () {
        if (touch) return;
        var focused = focusedNode();
        if (focused) pick(focused);
        else clear();
      });
      node.addEventListener("focus", function () { pick(node); });
      node.addEventListener("blur", function (event) {
        if (!event.relatedTarget || !svg.contains(event.relatedTarget)) clear();
      });
      node.addEventListener("pointerdown", function (event) {
        touch = event.pointerType === "touch" ? { node: node, wasPicked: picked === node } : null;
      });
      node.addEventListener("click", function (event) {
        if (touch && touch.node === node && !touch.wasPicked) {
          event.preventDefault(); // the first tap picks the node out; the second follows its link
          pick(node);
        }
        touch = null;
      });
    });

    document.addEventListener("pointerdown", function (event) {
      if (picked && !(event.target.closest && svg.contains(event.target) && event.target.closest("a.kb-map-node"))) {
        touch = null;
        clear();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") clear();
    });

    var figure = svg.parentNode;
    var list = figure && figure.querySelector("details.kb-map-list");
    if (list) list.removeAttribute("open");
  }

  each(document.querySelectorAll("svg.kb-map"), setUp);
})();
