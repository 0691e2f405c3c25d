/* Leading Learning, session builder: the page's building blocks.
 *
 * create(document) gives the small DOM helpers every part of the builder uses
 * (el, field, button, number inputs), the status line, the alert and notice
 * boxes, and the dialog that asks before anything is replaced (never
 * window.confirm). Everything is made with createElement and textContent:
 * nothing a trainer types, nothing in a shared link and nothing from the
 * content is ever parsed as HTML.
 *
 * Part of the builder's namespace (window.KBBuilder.ui); loadable in Node.
 */
(function (root) {
  "use strict";

  // Properties set on the element itself; every other key is an attribute.
  var PROPERTIES = ["className", "textContent", "value", "type", "id", "hidden", "disabled", "checked", "htmlFor",
                    "draggable"];

  function create(doc) {
    var uid = 0;

    /* el("p", {className: "x", role: "status"}, "text", child, ...): an element; null, undefined
     * and false props and children are left out, strings become text nodes. */
    function el(tag, props) {
      var node = doc.createElement(tag);
      if (props) {
        Object.keys(props).forEach(function (key) {
          var value = props[key];
          if (value === undefined || value === null || value === false) return;
          if (PROPERTIES.indexOf(key) >= 0) node[key] = value;
          else node.setAttribute(key, String(value));
        });
      }
      for (var i = 2; i < arguments.length; i++) {
        var child = arguments[i];
        if (child === null || child === undefined || child === false) continue;
        node.appendChild(typeof child === "string" ? doc.createTextNode(child) : child);
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

    // A labelled control, with an optional hint it is described by.
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

    // A number input; a bound of null is none.
    function number(value, min, max) {
      return el("input", { type: "number", value: String(value), min: bound(min), max: bound(max),
                           inputmode: "numeric", step: "1" });
    }

    // A section of the builder: a heading and what follows it.
    function section(id, title) {
      var heading = el("h2", { id: id + "-title" }, title);
      var box = el("section", { id: id, className: "kb-builder-section", "aria-labelledby": id + "-title" }, heading);
      for (var i = 2; i < arguments.length; i++) box.appendChild(arguments[i]);
      return box;
    }

    // The page's frame: a status line read out politely, an alert box, a notice box.
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

    // A dialog in the page: ask() resolves true for the first choice.
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
        dialogReturn = doc.activeElement;
        dialog.showModal();
        dialogNo.focus();
      });
    }

    function closeDialog(answer) {
      dialog.close();
      var resolve = dialogAnswer;
      dialogAnswer = null;
      if (dialogReturn && dialogReturn.focus && doc.contains(dialogReturn)) dialogReturn.focus();
      if (resolve) resolve(answer);
    }

    return {
      el: el, clear: clear, nextId: nextId, field: field, button: button, number: number, section: section,
      statusLine: statusLine, alertBox: alertBox, noticeBox: noticeBox, dialog: dialog,
      say: say, showAlert: showAlert, ask: ask
    };
  }

  function bound(limit) {
    return limit === null || limit === undefined ? null : String(limit);
  }

  /* A whole number typed in `input`, brought within [min, max] (a bound of null is none); null
   * when nothing numeric is typed. */
  function readCount(input, min, max) {
    var n = parseInt(input.value, 10);
    if (isNaN(n)) return null;
    if (min !== null && min !== undefined) n = Math.max(min, n);
    if (max !== null && max !== undefined) n = Math.min(max, n);
    return n;
  }

  var ui = { create: create, readCount: readCount };
  if (typeof module === "object" && module.exports) module.exports = ui;
  else (root.KBBuilder = root.KBBuilder || {}).ui = ui;
})(typeof window !== "undefined" ? window : this);
