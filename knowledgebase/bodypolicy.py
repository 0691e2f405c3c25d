"""The body policy: what a page under ``content/`` may contain besides its front matter.

Every byte of an article, concept, path or audience page comes from a pull
request by someone the project does not know, so a body is untrusted input.
This module is the one place that says, construct by construct, what a body
may use, why, and what to write instead of what it may not:

* :func:`check_page` applies the policy to one file's text for ``kb check``
  (no Sphinx involved) and says which lines the build must drop;
* the build (``sphinxext/safety.py``) drops those lines before MyST parses the
  page, and checks the parsed document once more for anything that could
  still carry script or a file from elsewhere;
* the contributor reference in the docs is generated from the tables below.

The page is parsed with MyST's own Markdown parser, configured as the site
configures it, so ``kb check`` sees exactly the syntax the build sees.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

import yaml

from .suggest import closest

ASSETS = "_assets"                                   # the content folder's own asset folder
MYST_EXTENSIONS = ("colon_fence", "deflist", "attrs_inline")  # the MyST syntax the site enables
LINK_SCHEMES = ("http", "https", "mailto")
MYST_FILE_SCHEMES = ("path", "project")               # MyST's own: a file to download, a page of the project
IMAGE_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")
DOWNLOAD_TYPES = IMAGE_TYPES + (".pdf", ".csv", ".txt", ".docx", ".pptx", ".xlsx", ".odt", ".odp", ".ods")
IMAGE_OPTIONS = ("img-top", "img-bottom", "img-background")   # sphinx-design card images
URL_OPTIONS = ("target", "link")
ATTRIBUTES = ("id", "class", "title", "alt", "href", "src", "width", "height", "align", "w", "h", "a")


@dataclass(frozen=True)
class Rule:
    """One construct of the body policy, as the contributor reference shows it."""

    name: str
    allowed: bool
    reason: str
    instead: str = ""          # what to write instead, when it is refused
    body: str = "markdown"     # directives: their content is "markdown", "literal" text or "none"
    argument: str = ""         # directives: "image" when the argument names an image, "url" when it is a link


def _table(*rules: Rule) -> dict[str, Rule]:
    return {rule.name: rule for rule in rules}


_ADMONITION = "A boxed note that readers recognise; its content is Markdown, checked like the rest of the page."
_DESIGN = "A sphinx-design layout component; its content is Markdown, checked like the rest of the page."
_GENERATED = "One of the site's own directives: it lists data from the corpus, escaped by the extension."

DIRECTIVES: dict[str, Rule] = _table(
    *(Rule(name, True, _GENERATED, body="none")
      for name in ("kb-articles", "kb-concept-map", "kb-glossary", "kb-paths", "kb-audiences", "kb-sources")),
    Rule("kb-search-box", True, "A search form leading to the search page; it shows no data.", body="none"),
    Rule("toctree", True, "Lists pages of the site for navigation; it names documents, never files. A visible "
                          "toctree with a glob pattern lists every page it matches, so `kb check` warns that the "
                          "page grows with the corpus (KB209).", body="literal"),
    *(Rule(name, True, _ADMONITION)
      for name in ("note", "tip", "hint", "important", "attention", "caution", "warning", "danger", "error",
                   "seealso", "admonition")),
    Rule("figure", True, "An image with a caption; the image must be a file in `content/_assets/`.",
         argument="image"),
    Rule("image", True, "An image; it must be a file in `content/_assets/`.", body="none", argument="image"),
    Rule("code-block", True, "Shows text as code; nothing in it is interpreted.", body="literal"),
    Rule("code", True, "Shows text as code; nothing in it is interpreted.", body="literal"),
    Rule("list-table", True, "A table written as a Markdown list, for cells that hold more than a line."),
    Rule("table", True, "Gives a Markdown table a caption."),
    Rule("epigraph", True, "A quotation set apart at the start of a section."),
    Rule("pull-quote", True, "A short quotation set apart from the text."),
    Rule("rubric", True, "A heading that does not appear in the page's contents.", body="none"),
    Rule("topic", True, "A titled block set apart from the text."),
    *(Rule(name, True, _DESIGN)
      for name in ("grid", "grid-item", "grid-item-card", "card", "tab-set", "tab-item", "dropdown")),
    Rule("button-ref", True, "A button linking to a page of the site.", body="none"),
    Rule("button-link", True, "A button linking to an http, https or mailto address.", body="none", argument="url"),
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


@dataclass(frozen=True)
class Finding:
    """One place where a page breaks the policy, and the lines the build drops because of it (none for advice)."""

    code: str
    line: int                    # 1-based line in the file
    message: str
    hint: str
    drop: tuple[int, int]        # 0-based [first, last) lines of the block that holds it


@dataclass(frozen=True)
class PageCheck:
    """What the policy found in one file's text; ``digest`` names the text that was checked."""

    digest: str
    findings: tuple[Finding, ...]
    # The check looked at other files (whether a link's target or an image exists), so it holds only
    # while they do not change; otherwise it depends on the text alone.
    reads_files: bool = False

    @property
    def dropped_lines(self) -> frozenset[int]:
        return frozenset(n for r in self.findings for n in range(*r.drop))


def digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


# A page whose text holds none of `<`, `](`, `]:`, `![` or a `{` that does not open an allowed role cannot hold
# any construct the policy looks at (HTML, links, images, directives, attributes or a role it does not know),
# so it is not parsed: this keeps `kb check` fast on a large corpus.
_ALLOWED_ROLE = re.compile(r"\{(?:" + "|".join(sorted(map(re.escape, (n for n, r in ROLES.items() if r.allowed))))
                           + r")\}`")
# ...nor is one whose only links are plain links to pages of the site, `[text](other-article.md)`
# or `[text](../concepts/trust.md#a-section)`, the commonest link there is.
_PAGE_LINK = re.compile(r"\]\((\.\./)?(?:[a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*\.md(?:#[a-z0-9-]*)?\)")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_DEFINITION = re.compile(r"^[ >]*\[([^\]]+)\]:\s*<?([^\s>]+)")
_OPTION = re.compile(r"^\s*:([\w-]+):(?:\s+(.*))?$")


@lru_cache(maxsize=1)
def _parser():
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    md = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
    # markdown-it leaves `javascript:` links as plain text; see them as links, so they are reported.
    md.validateLink = lambda url: True
    return md


def check_page(text: str, file: Path, root: Path) -> PageCheck:
    """Apply the body policy to ``text``, the contents of ``file`` in the content folder ``root``."""
    page_dir = file.parent
    if not needs_parse(text, page_dir == root):
        return PageCheck(digest(text), ())
    findings: list[Finding] = []
    checker = _Checker(page_dir, root, findings)
    checker.parse(text, 0)
    findings.sort(key=lambda r: (r.line, r.code))
    return PageCheck(digest(text), tuple(findings), checker.reads_files)


def needs_parse(text: str, at_root: bool = False) -> bool:
    """Could ``text`` hold anything the policy looks at? (A page in the content folder's root may not link up.)"""
    # Counting characters is far faster than searching for pairs of them: every `{` must open an allowed role,
    # and every `](` a plain link to a page (no match holds a second `{` or `]`, so the counts can agree).
    if "<" in text or ("!" in text and "![" in text) or text.count("{") != len(_ALLOWED_ROLE.findall(text)):
        return True
    links = _PAGE_LINK.findall(text)
    if text.count("]") != len(links) and ("]:" in text or text.count("](") != len(links)):
        return True
    return at_root and "../" in links


def link_scheme(url: str) -> str | None:
    """The scheme a browser would see in ``url`` (decoded, without hidden characters, lower case), or None."""
    decoded = url
    for _ in range(3):  # double encoding is a classic way past a filter
        decoded = html.unescape(unquote(decoded))
    decoded = unicodedata.normalize("NFKC", _INVISIBLE.sub("", decoded)).lower()
    match = _SCHEME.match(decoded)
    return match.group(1) if match else None


def scheme_problem(url: str) -> tuple[str, str, str] | None:
    """Why a link to ``url`` may not be published (a scheme other than http, https or mailto), or None."""
    scheme = link_scheme(url)
    if scheme is not None and scheme not in LINK_SCHEMES:
        return "KB205", f"the link `{_short(url)}` uses the `{scheme}:` scheme", SYNTAX["other link schemes"].instead
    return None


def asset_problem(target: str, page_dir: Path, root: Path, types: tuple[str, ...]) -> tuple[str, str, str] | None:
    """Why the file ``target`` (as written on a page in ``page_dir``) may not be published, or None.

    Returns (code, message, hint). The file must be inside ``root/_assets`` once
    every symbolic link is followed, exist, and have one of ``types``; an address
    with a scheme is never such a file. ``kb check`` and the build both ask this.
    """
    assets_rule = SYNTAX["files outside content/_assets/"]
    refused = scheme_problem(target)
    if refused is not None:
        return refused
    if link_scheme(target) is not None:
        return "KB206", f"`{_short(target)}` is not a file in content/{ASSETS}/", assets_rule.instead
    path = unquote(target.split("#", 1)[0].split("?", 1)[0])
    if "*" in path or "?" in target.split("#", 1)[0]:
        return "KB206", f"`{target}` is not a plain file name", assets_rule.instead
    candidate = (root / path.lstrip("/")) if path.startswith("/") else (page_dir / path)
    assets = (root / ASSETS).resolve()
    resolved = candidate.resolve()
    if not assets.is_relative_to(root.resolve()) or not resolved.is_relative_to(assets):
        return "KB206", f"`{target}` is not a file in content/{ASSETS}/", assets_rule.instead
    if not resolved.is_file():
        return "KB206", f"there is no file `{target}` in content/{ASSETS}/", assets_rule.instead
    if resolved.suffix.lower() not in types:
        kinds = ", ".join(t.lstrip(".") for t in types)
        return "KB207", f"`{resolved.name}` is a file type the site does not publish here (allowed: {kinds})", \
            SYNTAX["SVG and other image types"].instead
    return None


class _Checker:
    def __init__(self, page_dir: Path, root: Path, findings: list[Finding]):
        self.page_dir = page_dir
        self.root = root
        self.findings = findings
        self.reads_files = False

    def refuse(self, code: str, line: int, message: str, hint: str, drop: tuple[int, int]) -> None:
        self.findings.append(Finding(code, line + 1, message, hint, drop))

    def parse(self, text: str, offset: int) -> None:
        """Check ``text``, which starts at 0-based file line ``offset``."""
        env: dict = {}
        self.walk(_parser().parse(text, env), offset)
        self.definitions(env.get("references", {}), text.split("\n"), offset)

    def definitions(self, references: dict, lines: list[str], offset: int) -> None:
        """Link reference definitions (``[label]: url``) have no token of their own: find their lines."""
        refused = {label for label, ref in references.items()
                   if (scheme := link_scheme(str(ref.get("href", "")))) is not None and scheme not in LINK_SCHEMES}
        for index, line in enumerate(lines):
            match = _DEFINITION.match(line) if refused else None
            if match and " ".join(match.group(1).split()).upper() in refused:
                self.url(match.group(2), offset + index, (offset + index, offset + index + 1))

    def walk(self, tokens, offset: int) -> None:
        """Check block tokens parsed from text that starts at 0-based file line ``offset``."""
        for token in tokens:
            if token.map is None:
                continue
            drop = (offset + token.map[0], offset + token.map[1])
            if token.type == "html_block":
                self.refuse("KB201", drop[0], f"the HTML block `{_short(token.content)}` is not allowed",
                            SYNTAX["raw HTML"].instead, drop)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, offset, drop)
            elif token.type == "inline":
                self.inline(token, drop)

    def fence(self, token, offset: int, drop: tuple[int, int]) -> None:
        parts = (token.info or "").strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        if not (name.startswith("{") and name.endswith("}")):
            return  # a code block: shown as text
        name = name[1:-1].lower()
        argument = parts[1].strip() if len(parts) > 1 else ""
        rule = DIRECTIVES.get(name)
        if rule is None:
            known = [n for n, r in DIRECTIVES.items() if r.allowed]
            match = closest(name, known)
            hint = f"did you mean `{match}`?" if match else "see the list of directives in the contributor guide"
            self.refuse("KB203", drop[0], f"`{{{name}}}` is not a directive the site allows", hint, drop)
            return
        if not rule.allowed:
            self.refuse("KB202", drop[0], f"the `{{{name}}}` directive is not allowed: {rule.reason}", rule.instead, drop)
            return
        lines = token.content.split("\n")
        options, skipped = _split_options(lines)
        if name == "toctree":
            self.toctree(options, lines[skipped:], drop[0])
        if rule.argument == "image" and argument:
            self.file(argument, IMAGE_TYPES, drop[0], drop)
        if rule.argument == "url" and argument:
            self.url(argument, drop[0], drop)
        for key, value in options.items():
            if key in IMAGE_OPTIONS and value:
                self.file(value, IMAGE_TYPES, drop[0], drop)
            elif key in URL_OPTIONS and value:
                self.url(value, drop[0], drop)
        if rule.body == "markdown":
            content = "\n".join(lines[skipped:])
            first = offset + token.map[0] + 1 + skipped
            if needs_parse(content, self.page_dir == self.root):
                self.parse(content, first)

    def toctree(self, options: dict[str, str], entries: list[str], line: int) -> None:
        """A visible toctree whose glob pattern lists pages as they are added makes its page grow with the corpus."""
        patterns = [e.strip() for e in entries if any(c in e for c in "*?[")]
        if "glob" in options and "hidden" not in options and patterns:
            self.findings.append(Finding(
                "KB209", line + 1, f"this toctree lists every page that `{patterns[0]}` matches, so the page "
                "grows with the corpus", "add `:hidden:` (the sidebar stays bounded either way), or list the "
                "section pages such as `articles` and let them list their pages", (line, line)))

    def inline(self, token, drop: tuple[int, int]) -> None:
        line = drop[0]
        html_lines = set()  # one report per line: an element's opening and closing tags are one problem
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline" and line not in html_lines:
                html_lines.add(line)
                self.refuse("KB201", line, f"the HTML `{_short(child.content)}` is not allowed",
                            SYNTAX["raw HTML"].instead, drop)
            elif child.type == "myst_role":
                self.role(child.meta.get("name", ""), line, drop)
            elif child.type == "link_open":
                self.link(str(child.attrs.get("href", "")), line, drop)
            elif child.type == "image":
                self.image(str(child.attrs.get("src", "")), line, drop)
            self.attributes(child, line, drop)

    def role(self, name: str, line: int, drop: tuple[int, int]) -> None:
        rule = ROLES.get(name.lower())
        if rule is None:
            match = closest(name, [n for n, r in ROLES.items() if r.allowed])
            hint = f"did you mean `{match}`?" if match else "see the list of roles in the contributor guide"
            self.refuse("KB204", line, f"`{{{name}}}` is not a role the site allows", hint, drop)
        elif not rule.allowed:
            self.refuse("KB204", line, f"the `{{{name}}}` role is not allowed: {rule.reason}", rule.instead, drop)

    def url(self, url: str, line: int, drop: tuple[int, int]) -> None:
        problem = scheme_problem(url)
        if problem:
            code, message, hint = problem
            self.refuse(code, line, message, hint, drop)

    def link(self, href: str, line: int, drop: tuple[int, int]) -> None:
        scheme = link_scheme(href)
        if scheme in MYST_FILE_SCHEMES:
            target, is_file = href.split(":", 1)[1], scheme == "path"
        elif scheme is not None or href.startswith("#"):
            self.url(href, line, drop)
            return
        else:
            target, is_file = href, False
        path = unquote(target.split("#", 1)[0])
        if not path:
            return
        self.reads_files = True
        candidate = (self.root / path.lstrip("/")) if path.startswith("/") else (self.page_dir / path)
        if not is_file and not candidate.exists():
            return  # not a file: a link to a page or a label, which Sphinx resolves or reports
        if candidate.suffix == ".md" and candidate.resolve().is_relative_to(self.root.resolve()):
            return  # a page of the site
        self.file(target, DOWNLOAD_TYPES, line, drop)

    def image(self, src: str, line: int, drop: tuple[int, int]) -> None:
        self.file(src, IMAGE_TYPES, line, drop)

    def file(self, target: str, types: tuple[str, ...], line: int, drop: tuple[int, int]) -> None:
        self.reads_files = True
        problem = asset_problem(target, self.page_dir, self.root, types)
        if problem:
            code, message, hint = problem
            self.refuse(code, line, message, hint, drop)

    def attributes(self, child, line: int, drop: tuple[int, int]) -> None:
        names = [k for k in child.attrs if k not in ATTRIBUTES]
        names += list((child.meta or {}).get("insecure_attrs", {}))
        if names:
            shown = ", ".join(f"`{n}`" for n in sorted(set(map(str, names))))
            self.refuse("KB208", line, f"the attribute {shown} is not allowed", SYNTAX["other attributes"].instead,
                        drop)


def _split_options(lines: list[str]) -> tuple[dict[str, str], int]:
    """A directive's options (``:key: value`` lines or a ``---`` YAML block) and how many lines they take."""
    if lines and lines[0].strip() == "---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "---":
                try:
                    data = yaml.safe_load("\n".join(lines[1:end]))
                except yaml.YAMLError:
                    data = None
                options = {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
                return options, end + 1
        return {}, 0
    options: dict[str, str] = {}
    count = 0
    for line in lines:
        match = _OPTION.match(line)
        if not match:
            break
        options[match.group(1)] = (match.group(2) or "").strip()
        count += 1
    return options, count


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
