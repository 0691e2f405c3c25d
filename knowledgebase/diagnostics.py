"""Diagnostics: every problem the engine finds, as data, never as an exception.

Each code is stable: contributors search for it, ``suppress_warnings`` names it
(``kb.<name>``) and the documentation lists it with an example and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from .characters import shown


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """One kind of problem: its stable code, a short name, and how to explain it."""

    code: str
    name: str
    severity: Severity
    summary: str
    example: str
    fix: str


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    path: str
    line: int
    message: str
    hint: str = ""

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def format_text(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.path}:{self.line}: {self.severity.value} {self.code} {self.message}{hint}"

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "path": self.path,
            "line": self.line,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.code, self.message)


E, W = Severity.ERROR, Severity.WARNING

_ALL = [
    # Files and YAML
    Code("KB001", "bad-encoding", E, "The file is not valid UTF-8.",
         "A file saved as Windows-1252 with a curly quote in the title.",
         "Save the file as UTF-8 (every modern editor has this option)."),
    Code("KB002", "file-too-large", E, "The file is larger than the size an article may have.",
         "A 5 MB Markdown file with an embedded image as text.",
         "Split the text into several articles, and put images in a separate file."),
    Code("KB003", "no-front-matter", E, "The file does not start with a front matter block.",
         "An article that starts with `# Title` instead of `---`.",
         "Start the file with `---`, the front matter fields, then `---` (run `kb new article` for a template)."),
    Code("KB004", "unterminated-front-matter", E, "The front matter block is opened with `---` but never closed.",
         "`---` on line 1 and no second `---` line.",
         "Add a line with only `---` after the last front matter field."),
    Code("KB005", "yaml-syntax", E, "The front matter is not valid YAML.",
         "`title: Trust: the basics` (a second colon needs quotes).",
         "Fix the YAML at the line shown; put quotes around text containing `: ` or starting with a symbol."),
    Code("KB006", "duplicate-key", E, "The same key appears twice in one mapping; YAML would silently keep only the last.",
         "Two `concepts:` lines in one article.",
         "Merge the two entries into one."),
    Code("KB007", "unsafe-yaml", E, "The front matter uses a YAML feature that is not allowed (tags, anchors or aliases).",
         "`title: !!python/object:os.system x` or `concepts: *shared`.",
         "Write plain values: strings, numbers, lists and mappings only."),
    Code("KB008", "yaml-too-deep", E, "The front matter is nested far deeper than any field allows.",
         "A list nested a thousand levels deep.",
         "Use the flat structure shown in the front matter reference."),
    Code("KB009", "not-a-mapping", E, "The front matter is not a set of `key: value` fields.",
         "A front matter block containing only a list.",
         "Write one `key: value` field per line."),
    Code("KB010", "empty-file", E, "The file is empty or contains only white space.",
         "A new file saved before anything was written.",
         "Fill it in from the template (`kb new article \"Title\"`) or delete it."),
    Code("KB011", "bad-file-name", E, "A file name is not a valid id: ids are lower-case letters, digits and hyphens.",
         "`content/articles/Trust Before Tests.md`.",
         "Rename the file to its slug, e.g. `trust-before-tests.md`."),
    Code("KB012", "case-collision", E, "Two files have ids that differ only in letter case.",
         "`Trust.md` and `trust.md` in the same folder.",
         "Keep one of them; ids must be unique regardless of case."),
    Code("KB013", "outside-content", E, "A file is a link that points outside the content folder.",
         "`content/articles/x.md` is a symbolic link to `/etc/passwd`.",
         "Replace the link with a real file inside `content/`."),
    Code("KB014", "tab-indent", E, "The front matter is indented with a tab; YAML allows only spaces.",
         "A list item indented with a tab under `concepts:`.",
         "Replace the tab with spaces (two spaces per level)."),
    Code("KB015", "forbidden-character", E, "The file holds an invisible control character, a Unicode "
                                            "non-character or a bidirectional override (U+202A-U+202E, "
                                            "U+2066-U+2069); none is ever published.",
         "`title: \"Trust\\u202e first\"` (a right-to-left override reverses the title wherever it is shown).",
         "Delete the character (the message gives its code point); retype the text around it if your editor "
         "does not show it."),
    Code("KB016", "linked-folder", E, "A folder in the content folder is a symbolic link; the site never "
                                      "follows one, so nothing in it is checked or published.",
         "`content/extra -> /home/me/notes`, or a loop such as `content/again -> .`.",
         "Replace the link with a real folder holding the files."),
    Code("KB017", "reserved-name", E, "A page has the name of a page the site makes itself, which would "
                                      "replace it.",
         "A hand-made `content/search.md`: the site's search page is `search.html`.",
         "Rename the file; the message names the page it collides with."),
    Code("KB018", "page-configuration", E, "The front matter sets configuration (`myst`, `substitutions`, "
                                           "`html_meta`...) that belongs to the project, not to a page.",
         "`myst: {enable_extensions: [dollarmath]}` in a page's front matter.",
         "Remove the key; ask a maintainer if the site needs a new syntax or setting."),
    # Fields
    Code("KB101", "missing-field", E, "A required field is missing.",
         "An article without `summary:`.",
         "Add the field; the front matter reference lists what each kind of page needs."),
    Code("KB102", "unknown-concept", E, "A concept id or alias is not in the vocabulary.",
         "`concepts: [trsut]`.",
         "Use an id or alias from `kb concepts`, or add a concept page in `content/concepts/`."),
    Code("KB103", "unknown-key", E, "The front matter has a key the schema does not define.",
         "`concept: [trust]` instead of `concepts:`.",
         "Correct the spelling or remove the key."),
    Code("KB104", "wrong-type", E, "A field has the wrong type of value.",
         "`concepts: trust` (text) where a list is expected.",
         "Write the value in the form the front matter reference shows, e.g. `concepts: [trust]`."),
    Code("KB105", "too-long", E, "A text field is longer than its limit.",
         "A summary of 450 characters.",
         "Shorten it to the limit; move detail into the body."),
    Code("KB106", "item-count", E, "A list has too few or too many items.",
         "An article tagged with eight concepts.",
         "Keep the list within the limits; choose the concepts the article is really about."),
    Code("KB107", "unknown-audience", E, "An audience id is not defined in `content/audiences/`.",
         "`audience: [head-teacher]`.",
         "Use an audience id from `content/audiences/` (the hint suggests the nearest)."),
    Code("KB108", "invalid-choice", E, "A field's value is not one of the allowed choices.",
         "`kind: tutorial`.",
         "Use one of the values listed in the message."),
    Code("KB109", "unknown-source", E, "A source id is not in `content/sources.yaml`.",
         "`sources: [greany2015]`.",
         "Use an id from `content/sources.yaml`, or add the work there."),
    Code("KB110", "unknown-article", E, "A reference names an article that does not exist.",
         "`prerequisites: [lead-learner-intro]` with no such file.",
         "Use the file name (without `.md`) of an existing article."),
    Code("KB111", "prerequisite-cycle", E, "Prerequisites form a cycle, so no reading order exists.",
         "`a` requires `b` and `b` requires `a`.",
         "Remove one prerequisite from the cycle shown in the message."),
    Code("KB113", "alias-collision", E, "A concept alias is already another concept's id, label or alias.",
         "The concept `agency` lists `trust` as an alias.",
         "Remove the alias or make it specific to this concept."),
    Code("KB114", "bad-id", E, "An id is not a slug (lower-case letters, digits and single hyphens).",
         "`prerequisites: [Lead_Learner]`.",
         "Write the id in lower case with hyphens, e.g. `lead-learner`."),
    Code("KB115", "empty-value", E, "A field is present but empty.",
         "`title:` with nothing after it.",
         "Fill in the value or remove the optional field."),
    Code("KB116", "duplicate-item", E, "A list names the same item twice.",
         "`concepts: [trust, relational trust]` (an alias of the same concept).",
         "Keep one of them."),
    Code("KB117", "sources-required", E, "A research summary must cite at least one source.",
         "`kind: research-summary` with no `sources:`.",
         "Add the works it summarises to `sources:` (and to `content/sources.yaml`)."),
    Code("KB118", "bad-url", E, "A URL is not an http(s) address.",
         "`url: javascript:alert(1)`.",
         "Use a full `https://` address, or leave the field out."),
    Code("KB119", "unknown-path", E, "A reference names a reading path that does not exist.",
         "A `{path}` role naming `first-term` with no `content/paths/first-term.md`.",
         "Use the file name (without `.md`) of a path in `content/paths/`."),
    Code("KB120", "concept-cycle", E, "Broader concepts form a cycle.",
         "`trust` is broader than `agency` and `agency` broader than `trust`.",
         "Remove one `broader` entry from the cycle shown."),
    Code("KB121", "bad-date", E, "A date is not an ISO date.",
         "`updated: 22/11/2026`.",
         "Write the date as YYYY-MM-DD, e.g. `2026-11-22`."),
    Code("KB122", "self-reference", E, "An entry refers to itself.",
         "An article listing itself as a prerequisite.",
         "Remove the reference."),
    Code("KB123", "out-of-range", E, "A number is outside the range its field allows.",
         "`minutes: 0` in a reading path step.",
         "Use a number within the range given in the message."),
    # Bodies: the body policy (knowledgebase/bodypolicy.py)
    Code("KB201", "raw-html", E, "The page holds raw HTML (a block, an inline tag or an HTML comment); the site "
                                 "never publishes it.",
         "`<div onclick=\"...\">Note</div>` or `<!-- draft -->`.",
         "Write it in Markdown; use a `{note}` admonition for a box, and start a comment line with `%`."),
    Code("KB202", "refused-directive", E, "The page uses a directive that could publish script or another file "
                                          "(`raw`, `eval-rst`, `include`, `literalinclude`, `csv-table`, `meta`).",
         "```` ```{include} ../../.env ```` in an article.",
         "Write the content itself in Markdown; the message says what to use instead."),
    Code("KB203", "unknown-directive", E, "The page uses a directive the site does not allow.",
         "```` ```{notes} ```` (a typo for `{note}`), or a directive from another Sphinx extension.",
         "Use one of the directives in the contributor guide's list; the hint suggests the nearest."),
    Code("KB204", "refused-role", E, "The page uses a role the site does not allow, such as `{download}`.",
         "``{download}`../../conf.py` ``.",
         "Use a role from the contributor guide's list; link to files in `content/_assets/` with a Markdown link."),
    Code("KB205", "unsafe-link", E, "A link or image uses a scheme other than http, https or mailto "
                                    "(such as `javascript:` or `data:`, in any letter case or encoding).",
         "`[click](JavaScript:alert(1))` or `![x](data:image/svg+xml,...)`.",
         "Link to an `https://` address or to a page of the site."),
    Code("KB206", "file-outside-assets", E, "An image, figure or download names a file outside `content/_assets/` "
                                            "(through `..`, an absolute path, a wildcard or a symbolic link), "
                                            "or a file that does not exist.",
         "`![x](../../.env)` or a `{figure}` of `../../conf.py`.",
         "Put the file in `content/_assets/` and link to it there."),
    Code("KB207", "refused-file-type", E, "An image or download is of a type the site does not publish (SVG, HTML, "
                                          "script...).",
         "`![map](../_assets/map.svg)`: an SVG file can carry script.",
         "Export the picture as PNG or WebP; offer documents as PDF."),
    Code("KB208", "refused-attribute", E, "Inline attributes other than an id, classes and an image's size or "
                                          "alignment.",
         "`[text]{onclick=\"steal()\"}`.",
         "Use only `{#id .class}` (and `width`, `height` or `align` on an image)."),
    Code("KB209", "toctree-grows", W, "A visible toctree with a glob pattern lists every page it matches, so "
                                      "its page grows with every article added.",
         "```` ```{toctree} ```` with `:glob:` and `articles/*` on the home page, without `:hidden:`.",
         "Add `:hidden:`, or list section pages (`articles`, `concepts`) that list their own pages."),
    Code("KB210", "nested-too-deep", E, "Directives are nested deeper than the site allows.",
         "A `{note}` inside a `{note}` inside ... twenty-one levels deep.",
         "Flatten the structure: a box inside a box is rarely clearer than two boxes."),
    Code("KB211", "too-many-generated", E, "The page uses more of the site's generated blocks or record roles "
                                           "than a page may, which would make it huge.",
         "`{kb-glossary}` written a thousand times in one page.",
         "Use each generated block once; link to the page that shows it instead of repeating it."),
    Code("KB212", "page-too-large", E, "A page came out larger than the site publishes; its body was replaced "
                                       "by a short notice.",
         "A page whose body is hundreds of tables of generated links.",
         "Split the page, or use fewer generated blocks and roles."),
    Code("KB213", "unpublished-node", E, "The page holds something the site does not publish (maths, raw "
                                         "output, a link with a refused scheme), found in the page as written "
                                         "out; it was removed.",
         "A toctree entry `Read this <javascript:alert(1)>`.",
         "Write it as the contributor guide shows; `kb check` names the construct and its line."),
    # Paths
    Code("KB301", "path-over-time", E, "The in-session steps take longer than the path's duration.",
         "Three 40-minute in-session steps in a 90-minute path.",
         "Shorten the steps, move one to pre-reading or follow-up, or raise `duration`."),
    Code("KB302", "prerequisite-order", W, "A step comes before a step its article depends on.",
         "A path reads `b` before `a`, though `b` lists `a` as a prerequisite.",
         "Reorder the steps as the hint shows."),
    Code("KB303", "empty-path", E, "A reading path has no steps.",
         "`steps: []`.",
         "Add at least one step."),
    Code("KB304", "unfilled-placeholder", W, "A field still holds the marker a template or the planner left for you.",
         "`facilitator: TODO(trainer): ...` written by `kb path plan --write`.",
         "Replace the marked text with your own notes."),
    Code("KB305", "duplicate-step", W, "A path uses the same article in two steps.",
         "Two steps with `article: trust-and-respect-between-teachers-and-leaders`.",
         "Remove one step, or keep both deliberately and suppress this warning."),
    # Corpus-level advice
    Code("KB401", "orphan-concept", W, "A concept has no article.",
         "A concept page that no article lists in `concepts:`.",
         "Tag an article with it, merge it into another concept, or remove it."),
]

ALL_CODES: tuple[Code, ...] = tuple(_ALL)  # every code, in the order the documentation lists them
CODES: dict[str, Code] = {c.code: c for c in _ALL}
CODES_BY_NAME: dict[str, Code] = {c.name: c for c in _ALL}


def make(code: str, path: str, line: int, message: str, hint: str = "") -> Diagnostic:
    """Build a diagnostic with the severity its code defines.

    A message quotes what the file holds, and a terminal must not act on an escape or a control
    character a file smuggles in: any such character is written out as its code point.
    """
    return Diagnostic(code, CODES[code].severity, shown(path), line, shown(message), shown(hint))
