/* "Cite this page": a button under each citation format that downloads it as a file (.bib, .ris).
 * The formats are in the page as text, so without JavaScript they can still be copied. */
(function () {
  "use strict";
  var TYPES = { bib: "application/x-bibtex", ris: "application/x-research-info-systems" };

  function addDownload(pre) {
    var name = pre.getAttribute("data-kb-cite-file") || "";
    var extension = name.split(".").pop();
    if (!TYPES[extension]) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "kb-cite-download";
    button.textContent = "Download " + (extension === "bib" ? "BibTeX" : "RIS") + " file";
    button.addEventListener("click", function () {
      var url = URL.createObjectURL(new Blob([pre.textContent], { type: TYPES[extension] }));
      var link = document.createElement("a");
      link.href = url;
      link.download = name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
    });
    pre.insertAdjacentElement("afterend", button);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".kb-cite pre[data-kb-cite-file]"), addDownload);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
