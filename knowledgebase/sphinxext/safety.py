"""The body policy inside Sphinx: nothing it refuses reaches the site, even through a plain ``sphinx-build``.

Three layers, each enough on its own for the gravest cases:

* docutils' own switches turn off raw output and file insertion for every
  document (``env-before-read-docs``);
* before MyST parses a page, the lines of every block the policy refuses are
  blanked, using the same check as ``kb check`` (``source-read``);
* after parsing, the document is searched once more for anything that could
  still carry script or a file from elsewhere: raw nodes, images and downloads
  outside ``content/_assets/``, links with a refused scheme, ``<meta>`` tags.
  They are removed, and reported unless the first check already reported
  their page (a transform that runs before Sphinx collects images and
  downloads).
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

from ..characters import strip_forbidden
from ..diagnostics import CODES, CodeId
from ..reading.bodypolicy.addresses import asset_problem, scheme_problem
from ..reading.bodypolicy.check import check_page, digest
from ..reading.bodypolicy.rules import (
    ASSETS,
    DOWNLOAD_TYPES,
    IMAGE_TYPES,
    MYST_EXTENSIONS,
    SYNTAX,
)
from .state import build_data

logger = logging.getLogger(__name__)


def use_policy_syntax(app, config) -> None:
    """MyST reads exactly the syntax the policy checks (``config-inited``); the asset folder holds no pages."""
    config.myst_enable_extensions = list(MYST_EXTENSIONS)
    if ASSETS not in config.exclude_patterns:
        config.exclude_patterns.append(ASSETS)


def disable_raw_and_file_insertion(app, env, docnames) -> None:
    """docutils' switches for the ``raw`` directive and file insertion (``include``, ``csv-table :file:``...)."""
    env.settings["raw_enabled"] = False
    env.settings["file_insertion_enabled"] = False


def _warn(code: CodeId, message: str, hint: str, location) -> None:
    logger.warning(f"{code} {message} ({hint})", type="kb", subtype=CODES[code].name, location=location)


def drop_refused_blocks(app, docname: str, source: list[str]) -> None:
    """Blank every line the body policy refuses before MyST reads the page (``source-read``)."""
    srcdir = Path(app.srcdir)
    path = Path(app.env.doc2path(docname))
    text = source[0]
    check = build_data(app).result.pages.get(path.relative_to(srcdir).as_posix())
    if check is None or check.digest != digest(text):
        # Not the text the engine checked (it changed since, or the engine never saw it): check it here.
        check = check_page(text, path, srcdir)
        for finding in check.findings:
            _warn(finding.code, finding.message, finding.hint, (docname, finding.line))
    if check.findings:
        lines = text.split("\n")
        for number in check.dropped_lines:
            if number < len(lines):
                lines[number] = ""
        # Characters the site never publishes are removed, not the lines that hold them.
        source[0] = strip_forbidden("\n".join(lines))


class RemoveUnsafeNodes(SphinxTransform):
    """Whatever got past the source check and could carry script or a foreign file is removed here."""

    default_priority = 850  # after docutils resolves link targets, before Sphinx collects images (880)

    def apply(self, **kwargs) -> None:
        docname = self.env.docname
        srcdir = Path(self.env.srcdir)
        page_dir = Path(self.env.doc2path(docname)).parent

        # What the source check refused is gone already, so whatever is found here is something it missed.
        def remove(node: nodes.Element, code: CodeId, message: str, hint: str, keep_text: bool = False) -> None:
            _warn(code, message, hint, node)
            replacement = [nodes.inline(text=node.astext())] if keep_text and node.astext() else []
            node.replace_self(replacement)

        for raw in list(self.document.findall(nodes.raw)):
            remove(raw, "KB201", "raw HTML was removed", SYNTAX["raw HTML"].instead)
        for meta in list(self.document.findall(nodes.meta)):
            remove(meta, "KB202", "a `<meta>` tag was removed", "leave it out")
        for maths in list(self.document.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
            # Maths would have the page load MathJax from another site.
            remove(cast(nodes.Element, maths), "KB213", "maths was removed",
                   "write it in words, or as an image in content/_assets/")
        for toctree in self.document.findall(addnodes.toctree):
            refused = [(title, ref, problem) for title, ref in toctree["entries"] if (problem := scheme_problem(ref))]
            for _title, _ref, (code, message, hint) in refused:
                _warn(code, message, hint, toctree)
            refused_entries = {(title, ref) for title, ref, _ in refused}
            toctree["entries"] = [entry for entry in toctree["entries"] if tuple(entry) not in refused_entries]
        for image in list(self.document.findall(nodes.image)):
            problem = asset_problem(image.get("uri", ""), page_dir, srcdir, IMAGE_TYPES)
            if problem:
                remove(image, *problem)
        for download in list(self.document.findall(addnodes.download_reference)):
            problem = asset_problem(download.get("reftarget", ""), page_dir, srcdir, DOWNLOAD_TYPES)
            if problem:
                remove(download, *problem, keep_text=True)
        for link in list(self.document.findall(lambda n: isinstance(n, nodes.Element) and "refuri" in n)):
            element = cast(nodes.Element, link)
            problem = scheme_problem(element["refuri"])
            if problem:
                remove(element, *problem, keep_text=True)
