"""The published page is the boundary: the body policy enforced on what the site writes out.

``kb check`` and the read-time layers (:mod:`.safety`) read the source and the
parsed page. Sphinx makes some of a page later still (toctree links are made
when a page is written, after every transform), so the rules are held once
more on the output itself:

* **The resolved doctree.** The HTML translator is wrapped (:func:`guard_translator`):
  every node it is about to write must be of a kind on :data:`PUBLISHABLE`, and
  every address it carries must pass the body policy's scheme rule; an image must
  be a file Sphinx copies from ``content/_assets/``. Anything else is left out,
  with a warning at its location. Every text and attribute value it writes has the
  characters of :mod:`knowledgebase.characters` removed.
* **The written page.** Every page goes through :class:`PublishedPageTemplates`:
  forbidden characters are removed from the whole page, and a page larger than
  :data:`MAX_PAGE_BYTES` has its body replaced by a notice.
* **Scripts and styles** come from the site itself (:func:`same_origin_assets`),
  so a page that turned on MathJax could not load it from a CDN.
* **Copied files**: at the end, anything Sphinx copied into ``_images/`` or
  ``_downloads/`` from outside ``content/_assets/`` is deleted (:func:`remove_foreign_files`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, cast

from docutils import nodes
from sphinx import addnodes
from sphinx.jinja2glue import BuiltinTemplateLoader
from sphinx.util import logging

from ...characters import strip_forbidden
from ...diagnostics import CODES, CodeId
from ...reading.bodypolicy.addresses import asset_problem, link_scheme, scheme_problem
from ...reading.bodypolicy.rules import ASSETS, DOWNLOAD_TYPES
from ..nodes import kb_html, kb_search_box

logger = logging.getLogger(__name__)

# The only raw HTML a page may hold: a sphinx-design icon (a dropdown's chevron), an SVG of paths whose
# attributes hold nothing but numbers, names and path commands.
ICON = re.compile(r'<svg version="1\.1" width="[0-9.]+(?:px|em|rem)" height="[0-9.]+(?:px|em|rem)" '
                  r'class="sd-octicon sd-octicon-[a-z0-9-]+(?: [a-z0-9_ -]+)?" viewBox="[0-9 ]+" '
                  r'aria-hidden="true">(?:<path(?: fill-rule="evenodd")? d="[MmLlHhVvCcSsQqTtAaZz0-9., -]+">'
                  r"</path>)+</svg>")
# PublishedPageTemplates by the name it has in every site's .buildinfo (sphinxext/published.py).
TEMPLATE_BRIDGE = "knowledgebase.sphinxext.published.PublishedPageTemplates"
# A page of the site stays far below this; only a page built to amplify reaches it.
MAX_PAGE_BYTES = 1_000_000
TOO_LARGE_NOTICE = ('<section id="page-too-large"><h1>This page is too large to publish</h1>'
                    "<p>Its body came out larger than the site allows, so it is not shown. "
                    "Whoever maintains this page can split it, or use fewer generated lists and links.</p>"
                    "</section>")


def _design_nodes() -> tuple[type, ...]:
    from sphinx_design.badges_buttons import sd_badge, sd_line_break
    from sphinx_design.dropdown import dropdown_main, dropdown_title
    from sphinx_design.shared import PassthroughTextElement
    from sphinx_design.tabs import sd_tab_input, sd_tab_label

    return (sd_badge, sd_line_break, dropdown_main, dropdown_title, PassthroughTextElement, sd_tab_input,
            sd_tab_label)


# Every kind of node a page of the site may be written from: docutils' document structure, text and
# tables, the admonitions and figures the policy allows, Sphinx's and sphinx-design's nodes for what it
# allows, and the extension's own. Raw output, <meta> and maths are not here.
PUBLISHABLE: frozenset[type] = frozenset({
    nodes.document, nodes.section, nodes.title, nodes.subtitle, nodes.transition, nodes.rubric, nodes.topic,
    nodes.container, nodes.compound, nodes.paragraph, nodes.Text, nodes.emphasis, nodes.strong, nodes.literal,
    nodes.subscript, nodes.superscript, nodes.abbreviation, nodes.inline, nodes.reference, nodes.target,
    nodes.footnote, nodes.footnote_reference, nodes.citation, nodes.citation_reference, nodes.label,
    nodes.bullet_list, nodes.enumerated_list, nodes.list_item, nodes.definition_list, nodes.definition_list_item,
    nodes.term, nodes.classifier, nodes.definition, nodes.field_list, nodes.field, nodes.field_name,
    nodes.field_body, nodes.literal_block, nodes.line_block, nodes.line, nodes.block_quote, nodes.attribution,
    nodes.table, nodes.tgroup, nodes.colspec, nodes.thead, nodes.tbody, nodes.row, nodes.entry, nodes.figure,
    nodes.caption, nodes.legend, nodes.image, nodes.admonition, nodes.note, nodes.tip, nodes.hint,
    nodes.important, nodes.attention, nodes.caution, nodes.warning, nodes.danger, nodes.error, nodes.comment,
    nodes.system_message, nodes.problematic, nodes.generated, nodes.substitution_definition, nodes.docinfo,
    nodes.title_reference,
    addnodes.compact_paragraph, addnodes.seealso, addnodes.glossary, addnodes.index, addnodes.toctree,
    addnodes.only, addnodes.pending_xref, addnodes.number_reference, addnodes.download_reference,
    addnodes.literal_emphasis, addnodes.literal_strong, addnodes.tabular_col_spec, addnodes.start_of_file,
    kb_html, kb_search_box,
    *_design_nodes(),
})


if TYPE_CHECKING:
    from sphinx.writers.html5 import HTML5Translator as _Translator
else:
    _Translator = object  # a mixin: the translator it joins comes from the builder (see guard_translator)


class PublishedOutput(_Translator):
    """Mixed into the HTML translator: what is not publishable is left out before it is written."""

    def dispatch_visit(self, node: nodes.Node) -> None:
        kind = type(node)
        if kind is nodes.Text:
            return super().dispatch_visit(node)
        node = cast(nodes.Element, node)  # every other node is an element
        if kind is nodes.raw and node.get("format") == "html" and ICON.fullmatch(node.astext()):
            return super().dispatch_visit(node)
        if kind not in PUBLISHABLE:
            _warn("KB213", f"{_kind_name(kind)} was left out of the page", node)
            raise nodes.SkipNode
        if kind is nodes.reference and "refuri" in node and (problem := scheme_problem(node["refuri"])):
            _warn(problem[0], f"{problem[1]}; it was published as plain text", node)
            self.body.append(self.encode(node.astext()))
            raise nodes.SkipNode
        if kind is nodes.image and (foreign := self._foreign_image(cast(nodes.image, node))):
            _warn(foreign[0], f"{foreign[1]}; the image was left out", node)
            raise nodes.SkipNode
        if kind is addnodes.download_reference and (
                problem := self._foreign_download(cast(addnodes.download_reference, node))):
            _warn(problem[0], f"{problem[1]}; it was published as plain text", node)
            self.body.append(self.encode(node.astext()))
            raise nodes.SkipNode
        return super().dispatch_visit(node)

    def encode(self, text: object) -> str:
        return super().encode(strip_forbidden(str(text)))

    def _foreign_image(self, node: nodes.image) -> tuple[CodeId, str] | None:
        """Why an image may not be shown: it is not a file Sphinx copies from ``content/_assets/``."""
        uri = node.get("uri", "")
        if uri not in self.builder.images:
            return "KB206", f"the image `{uri}` is not a file in content/{ASSETS}/"
        source = (Path(self.builder.srcdir) / uri).resolve()
        if link_scheme(uri) is not None or not source.is_relative_to((Path(self.builder.srcdir) / ASSETS).resolve()):
            del self.builder.images[uri]  # and it is not copied either
            return "KB206", f"the image `{uri}` is not a file in content/{ASSETS}/"
        return None

    def _foreign_download(self, node: addnodes.download_reference) -> tuple[CodeId, str, str] | None:
        docname = self.builder.current_docname
        page_dir = Path(self.builder.env.doc2path(docname)).parent
        return asset_problem(node.get("reftarget", ""), page_dir, Path(self.builder.srcdir), DOWNLOAD_TYPES)


def _kind_name(kind: type) -> str:
    names = {nodes.raw: "raw output", nodes.meta: "a <meta> tag", nodes.math: "maths",
             nodes.math_block: "maths"}
    return names.get(kind, f"a `{kind.__name__}` element")


def _warn(code: CodeId, message: str, location) -> None:
    logger.warning(f"{code} {message}", type="kb", subtype=CODES[code].name, location=location)


def guard_translator(app) -> None:
    """Wrap whichever HTML translator the build uses in :class:`PublishedOutput` (``builder-inited``)."""
    if app.builder.format != "html":
        return
    base = app.builder.get_translator_class()
    if not issubclass(base, PublishedOutput):
        app.set_translator(app.builder.name, type(f"Published{base.__name__}", (PublishedOutput, base), {}),
                           override=True)


class PublishedPageTemplates(BuiltinTemplateLoader):
    """Sphinx's own template loader; each page it renders is held to the site's limits before it is written."""

    def render(self, template: str, context: dict) -> str:  # type: ignore[override]  # as Sphinx's own loader
        output = strip_forbidden(super().render(template, context))
        if len(output.encode("utf-8")) > MAX_PAGE_BYTES and "body" in context:
            _warn("KB212", f"the page came out at {len(output.encode('utf-8')) // 1024} KB, over the "
                  f"{MAX_PAGE_BYTES // 1000} KB a page may have; its body was replaced by a notice",
                  context.get("pagename"))
            output = strip_forbidden(super().render(template, {**context, "body": TOO_LARGE_NOTICE, "toc": ""}))
        return output


def use_published_page_templates(app, config) -> None:
    """Render every page through :class:`PublishedPageTemplates`, unless the project names its own (``config-inited``)."""
    if not config.template_bridge:
        config.template_bridge = TEMPLATE_BRIDGE


def same_origin_assets(app, pagename, templatename, context, doctree) -> None:
    """A script or stylesheet from another origin is never put on a page (``html-page-context``)."""
    for key in ("script_files", "css_files"):
        kept = []
        for asset in context.get(key, ()):
            address = str(getattr(asset, "filename", asset) or "")
            if link_scheme(address) is not None or address.startswith("//"):
                _warn("KB213", f"the page asked for `{address}`, which is not one of the site's own files; "
                      "it was left out", pagename)
            else:
                kept.append(asset)
        context[key] = kept


def remove_foreign_files(app, exception) -> None:
    """Delete anything copied into ``_images`` or ``_downloads`` from outside ``content/_assets/`` (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    srcdir = Path(app.srcdir)
    assets = (srcdir / ASSETS).resolve()
    outdir = Path(app.outdir)
    copied = [(source, outdir / "_images" / name) for source, name in getattr(app.builder, "images", {}).items()]
    copied += [(source, outdir / "_downloads" / target) for source, (_, target) in app.env.dlfiles.items()]
    for source, published in copied:
        source = str(source)
        if link_scheme(source) is None and (srcdir / source).resolve().is_relative_to(assets):
            continue
        if published.is_file():
            published.unlink()
            _warn("KB206", f"`{source}` is not a file in content/{ASSETS}/; it was not published", None)
