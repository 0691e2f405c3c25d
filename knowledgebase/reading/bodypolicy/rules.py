"""The body policy's rules: what a page under ``content/`` may contain besides its front matter.

Every byte of an article, concept, path or audience page comes from a pull
request by someone the project does not know, so a body is untrusted input.
This module is the one place that says, construct by construct, what a body
may use, why, and what to write instead of what it may not. ``kb check``
(:mod:`.check`), the build (``sphinxext/safety.py`` and
``sphinxext/html/published.py``) and the contributor reference in the docs all
read these tables and limits.
"""

from __future__ import annotations

from dataclasses import dataclass

ASSETS = "_assets"                                   # the content folder's own asset folder
MYST_EXTENSIONS = ("colon_fence", "deflist", "attrs_inline")  # the MyST syntax the site enables
LINK_SCHEMES = ("http", "https", "mailto")
MYST_FILE_SCHEMES = ("path", "project")               # MyST's own: a file to download, a page of the project
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
DOWNLOAD_TYPES = IMAGE_TYPES + (".pdf", ".csv", ".txt", ".docx", ".pptx", ".xlsx", ".odt", ".odp", ".ods")
IMAGE_OPTIONS = ("img-top", "img-bottom", "img-background")   # sphinx-design card images
URL_OPTIONS = ("target", "link")
# Options whose value is attribute text, escaped as it is; every other option value is read as inline Markdown,
# as the directives that take titles, captions, headers and footers do.
PLAIN_OPTIONS = ("alt", "img-alt", "link-alt", "tooltip", "class", "name", "width", "height", "align", "scale")
GENERATED_BLOCKS = ("kb-articles", "kb-concept-map", "kb-glossary", "kb-paths", "kb-audiences", "kb-sources",
                    "kb-search-box")
RECORD_ROLES = ("article", "concept", "path", "source")
# Bounds on what one page may ask of the build: nesting deep enough for any layout but far from Python's
# recursion limit, and enough generated blocks and record links for a home page, not a thousand copies.
MAX_NESTING = 20
MAX_GENERATED_BLOCKS = 8
MAX_RECORD_ROLES = 300
# Front matter keys that MyST reads as configuration for the page (myst_parser's topmatter merge).
PAGE_CONFIGURATION_KEYS = ("myst", "mystnb", "substitutions", "html_meta")
ATTRIBUTES = ("id", "class", "title", "alt", "href", "src", "width", "height", "align", "w", "h", "a")


@dataclass(frozen=True)
class Rule:
    """One construct of the body policy, as the contributor reference shows it."""

    name: str
    allowed: bool
    reason: str
    instead: str = ""          # what to write instead, when it is refused
    body: str = "markdown"     # directives: their content is "markdown", "literal" text or "none"
    # directives: what the text after the name is. "title": inline Markdown (a title, a caption, a label or
    # a plain word such as a code block's language, which parses as itself); "image": a file to show; "url":
    # a link; "none": the directive takes no argument, so MyST reads that text as the body's first line.
    argument: str = "title"


def _table(*rules: Rule) -> dict[str, Rule]:
    return {rule.name: rule for rule in rules}


_ADMONITION = "A boxed note that readers recognise; its content is Markdown, checked like the rest of the page."
_DESIGN = "A sphinx-design layout component; its content is Markdown, checked like the rest of the page."
_GENERATED = "One of the site's own directives: it lists data from the corpus, escaped by the extension."

DIRECTIVES: dict[str, Rule] = _table(
    *(Rule(name, True, _GENERATED, body="none", argument="none") for name in GENERATED_BLOCKS[:-1]),
    Rule("kb-search-box", True, "A search form leading to the search page; it shows no data.", body="none",
         argument="none"),
    Rule("toctree", True, "Lists pages of the site for navigation; it names documents, never files. A visible "
                          "toctree with a glob pattern lists every page it matches, so `kb check` warns that the "
                          "page grows with the corpus (KB209).", body="literal", argument="none"),
    *(Rule(name, True, _ADMONITION, argument="none")
      for name in ("note", "tip", "hint", "important", "attention", "caution", "warning", "danger", "error")),
    Rule("seealso", True, _ADMONITION),
    Rule("admonition", True, _ADMONITION),
    Rule("figure", True, "An image with a caption; the image must be a file in `content/_assets/`.",
         argument="image"),
    Rule("image", True, "An image; it must be a file in `content/_assets/`.", body="none", argument="image"),
    Rule("code-block", True, "Shows text as code; nothing in it is interpreted.", body="literal"),
    Rule("code", True, "Shows text as code; nothing in it is interpreted.", body="literal"),
    Rule("list-table", True, "A table written as a Markdown list, for cells that hold more than a line."),
    Rule("table", True, "Gives a Markdown table a caption."),
    Rule("epigraph", True, "A quotation set apart at the start of a section.", argument="none"),
    Rule("pull-quote", True, "A short quotation set apart from the text.", argument="none"),
    Rule("rubric", True, "A heading that does not appear in the page's contents.", body="none"),
    Rule("topic", True, "A titled block set apart from the text."),
    *(Rule(name, True, _DESIGN) for name in ("grid", "grid-item-card", "card", "tab-item", "dropdown")),
    *(Rule(name, True, _DESIGN, argument="none") for name in ("grid-item", "tab-set")),
    Rule("button-ref", True, "A button linking to a page of the site; its text is Markdown."),
    Rule("button-link", True, "A button linking to an http, https or mailto address; its text is Markdown.",
         argument="url"),
    Rule("raw", False, "It publishes its content as HTML, unescaped: a way to put script on every reader's screen.",
         "write the content in Markdown; for a box use a `{note}` admonition, for a layout a `{grid}` or `{card}`"),
    Rule("eval-rst", False, "It reads reStructuredText, which has its own raw, include and file options that "
                            "Markdown pages have no use for.",
         "write the content in MyST Markdown: every construct the site allows has a Markdown form"),
    Rule("include", False, "It copies another file into the page: any file the build machine can read.",
         "copy the text into this page, or link to the other page with {article}`its-id`"),
    Rule("literalinclude", False, "It copies another file into the page as code: any file the build machine can read.",
         "paste the lines into a fenced code block"),
    Rule("csv-table", False, "It can read its rows from a file or a URL.",
         "write a Markdown table, or a `{list-table}`"),
    Rule("meta", False, "It writes HTML `<meta>` tags, which can redirect the page.",
         "leave it out: the site writes each page's metadata from its front matter"),
)

ROLES: dict[str, Rule] = _table(
    *(Rule(name, True, "A link to a record of the knowledge base, checked by `kb check` and titled from its "
                       "front matter.") for name in ("article", "concept", "path", "source")),
    Rule("doc", True, "A link to another page of the site, by its path without `.md`."),
    Rule("ref", True, "A link to a labelled section of the site."),
    Rule("term", True, "A link to a glossary term."),
    Rule("abbr", True, "An abbreviation with its expansion."),
    Rule("sub", True, "Subscript text."),
    Rule("sup", True, "Superscript text."),
    Rule("kbd", True, "A key to press."),
    Rule("download", False, "It copies a file into the site; the file may come from anywhere the build can read.",
         "link to a file in `content/_assets/` with an ordinary link: `[the handout](../_assets/handout.pdf)`"),
    Rule("raw", False, "It publishes its content as HTML, unescaped.", "write the text in Markdown"),
)

SYNTAX: dict[str, Rule] = _table(
    Rule("raw HTML", False, "HTML blocks, inline tags and HTML comments are published as they are, so they could "
                            "carry script or event handlers.",
         "write it in Markdown: `**bold**`, or a `{note}` admonition for a box; start a comment to other "
         "contributors with `%`"),
    Rule("links", True, "Links to pages of the site, and to http, https and mailto addresses."),
    Rule("other link schemes", False, "`javascript:`, `data:`, `vbscript:`, `file:` and any other scheme (in any "
                                      "letter case or encoding) can run script or reach the reader's files.",
         "link to an `https://` address, or to a page of the site"),
    Rule("images", True, "Images in `content/_assets/` (PNG, JPEG, GIF or WebP), so the site works offline and "
                         "tells no third party who reads it."),
    Rule("SVG and other image types", False, "An SVG file can carry script, which runs when a reader opens the "
                                             "image on its own.",
         "export the picture as PNG or WebP and put it in `content/_assets/`"),
    Rule("files outside content/_assets/", False, "An image or download path that leaves the asset folder (with "
                                                  "`..`, an absolute path, a wildcard or a symbolic link) could "
                                                  "publish any file the build machine can read.",
         "put the file in `content/_assets/` and link to it there"),
    Rule("downloads", True, "Links to files in `content/_assets/` of these types: "
                            + ", ".join(t.lstrip(".").upper() for t in DOWNLOAD_TYPES) + "."),
    Rule("inline attributes", True, "`{#id .class}` after a span, link, image or code; images may also set "
                                    "`width`, `height` and `align`."),
    Rule("other attributes", False, "Attributes such as `onclick` or `style` are event handlers or styles "
                                    "that do not belong in content.",
         "use only `#id` and `.class`, and `width`, `height` or `align` on an image"),
)
