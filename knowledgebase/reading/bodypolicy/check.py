"""``kb check``'s reading of a page under the body policy (:mod:`.rules`), as MyST reads it.

:func:`check_page` parses a page with MyST's own Markdown parser, configured
as the site configures it, divides each directive with MyST's own directive
parser and reads its title, options and body as MyST does, and returns every
refusal with its line and the block of lines the build drops (``sphinxext/
safety.py`` blanks them before MyST reads the page).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote

from ...characters import describe, first_forbidden
from ...diagnostics import CodeId
from ...schema import RECORD_FOLDERS
from ...suggest import closest
from .addresses import asset_problem, link_scheme, scheme_problem, shorten
from .rules import (
    ATTRIBUTES,
    DIRECTIVES,
    DOWNLOAD_TYPES,
    GENERATED_BLOCKS,
    IMAGE_OPTIONS,
    IMAGE_TYPES,
    LINK_SCHEMES,
    MAX_GENERATED_BLOCKS,
    MAX_NESTING,
    MAX_RECORD_ROLES,
    MYST_EXTENSIONS,
    MYST_FILE_SCHEMES,
    PAGE_CONFIGURATION_KEYS,
    PLAIN_OPTIONS,
    RECORD_ROLES,
    ROLES,
    SYNTAX,
    URL_OPTIONS,
    Rule,
)


@dataclass(frozen=True)
class Finding:
    """One place where a page breaks the policy, and the lines the build drops because of it (none for advice)."""

    code: CodeId
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
_DEFINITION = re.compile(r"^[ >]*\[([^\]]+)\]:\s*<?([^\s>]+)")
_TOCTREE_ENTRY = re.compile(r"^(.*\S)\s*<(.+)>$")   # `Title <target>`, as Sphinx reads a toctree entry


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
    # A record's front matter values are checked field by field (``validate.py``); the rest of the
    # file, and every line of any other page, is checked here.
    record = page_dir.name in RECORD_FOLDERS.values() and page_dir.parent == root
    findings = _forbidden_characters(text, _front_matter_end(text) if record else 0)
    findings += _page_configuration(text)
    reads_files = False
    if needs_parse(text, page_dir == root):
        checker = _Checker(page_dir, root, findings)
        checker.parse(text, 0, 0)
        reads_files = checker.reads_files
    findings.sort(key=lambda r: (r.line, r.code))
    return PageCheck(digest(text), tuple(findings), reads_files)


def needs_parse(text: str, at_root: bool = False) -> bool:
    """Could ``text`` hold anything the policy looks at? (A page in the content folder's root may not link up.)"""
    # Counting characters is far faster than searching for pairs of them: every `{` must open an allowed role,
    # and every `](` a plain link to a page (no match holds a second `{` or `]`, so the counts can agree).
    if "<" in text or ("!" in text and "![" in text):
        return True
    roles = len(_ALLOWED_ROLE.findall(text)) if "{" in text else 0
    if text.count("{") != roles or roles > MAX_RECORD_ROLES:
        return True
    links = _PAGE_LINK.findall(text)
    if text.count("]") != len(links) and ("]:" in text or text.count("](") != len(links)):
        return True
    return at_root and "../" in links


def _front_matter_end(text: str) -> int:
    """The 0-based line after a front matter block that opens on line 1 (its closing `---` or `...` line
    included), as ``frontmatter.split`` reads it; 0 when there is none."""
    lines = text.split("\n", 1)
    if lines[0].rstrip() != "---":
        return 0
    for index, line in enumerate(text.split("\n")[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return index + 1
    return 0


def _forbidden_characters(text: str, first_line: int) -> list[Finding]:
    """KB015 once per line that holds a control, non-character or bidirectional override, from ``first_line``.

    The build removes the characters from the page before MyST reads it, so nothing is dropped."""
    if first_forbidden(text) is None:
        return []
    findings: list[Finding] = []
    for index, line in enumerate(text.split("\n")):
        found = first_forbidden(line) if index >= first_line else None
        if found is not None:
            findings.append(Finding("KB015", index + 1, f"this line holds {describe(found.group())}, which is "
                                    "never published", "delete the character (the site removes it anyway)",
                                    (index, index)))
    return findings


def _page_configuration(text: str) -> list[Finding]:
    """KB018 for each key of the front matter that MyST would take as configuration for this page.

    The front matter is read with MyST's own reader, which ends it at the first line starting with `---`
    or `...`, since that is what decides what MyST configures; the build drops the whole block."""
    from myst_parser.config.main import TopmatterReadError, read_topmatter

    if not text.startswith("---"):
        return []
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].startswith(("---", "..."))), len(lines) - 1)
    block = "\n".join(lines[1:end])
    # A key can only be spelt with its own letters, or with escapes inside quotes.
    if "\\" not in block and not any(key in block for key in PAGE_CONFIGURATION_KEYS):
        return []
    try:
        data = read_topmatter(text)
    except TopmatterReadError:
        return []  # MyST configures nothing from front matter it cannot read
    findings = []
    for key in PAGE_CONFIGURATION_KEYS:
        if isinstance(data, dict) and key in data:
            # The key's own line; the first line of the block when it is spelt with escapes.
            line = next((i for i in range(1, end) if re.match(rf"""\s*['"]?{key}['"]?\s*:""", lines[i])), 1)
            findings.append(Finding("KB018", line + 1, f"`{key}` in the front matter would configure MyST for this "
                                    "page; configuration belongs to the project, not to a page",
                                    "remove it; if the site needs a new syntax or setting, ask a maintainer",
                                    (0, end + 1)))
    return findings


class _Checker:
    def __init__(self, page_dir: Path, root: Path, findings: list[Finding]):
        self.page_dir = page_dir
        self.root = root
        self.findings = findings
        self.reads_files = False
        self.generated_blocks = 0
        self.record_roles = 0

    def refuse(self, code: CodeId, line: int, message: str, hint: str, drop: tuple[int, int]) -> None:
        self.findings.append(Finding(code, line + 1, message, hint, drop))

    def parse(self, text: str, offset: int, depth: int) -> None:
        """Check ``text``, which starts at 0-based file line ``offset`` inside ``depth`` directives."""
        env: dict = {}
        self.walk(_parser().parse(text, env), offset, depth)
        self.definitions(env.get("references", {}), text.split("\n"), offset)

    def definitions(self, references: dict, lines: list[str], offset: int) -> None:
        """Link reference definitions (``[label]: url``) have no token of their own: find their lines."""
        refused = {label for label, ref in references.items()
                   if (scheme := link_scheme(str(ref.get("href", "")))) is not None and scheme not in LINK_SCHEMES}
        for index, line in enumerate(lines):
            match = _DEFINITION.match(line) if refused else None
            if match and " ".join(match.group(1).split()).upper() in refused:
                self.url(match.group(2), offset + index, (offset + index, offset + index + 1))

    def walk(self, tokens, offset: int, depth: int) -> None:
        """Check block tokens parsed from text that starts at 0-based file line ``offset``."""
        for token in tokens:
            if token.map is None:
                continue
            drop = (offset + token.map[0], offset + token.map[1])
            if token.type == "html_block":
                self.refuse("KB201", drop[0], f"the HTML block `{shorten(token.content)}` is not allowed",
                            SYNTAX["raw HTML"].instead, drop)
            elif token.type in ("fence", "colon_fence"):
                self.fence(token, offset, drop, depth)
            elif token.type == "inline":
                self.inline(token, drop[0], drop)

    def fence(self, token, offset: int, drop: tuple[int, int], depth: int) -> None:
        parts = (token.info or "").strip().split(maxsplit=1)
        name = parts[0] if parts else ""
        if not (name.startswith("{") and name.endswith("}")):
            return  # a code block: shown as text
        name = name[1:-1].lower()
        argument = parts[1] if len(parts) > 1 else ""
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
        level = depth + token.level + 1
        if level > MAX_NESTING:
            self.refuse("KB210", drop[0], f"this `{{{name}}}` is nested {level} deep; the limit is {MAX_NESTING}",
                        "take it out of the boxes around it", drop)
            return
        if name in GENERATED_BLOCKS:
            self.generated_blocks += 1
            if self.generated_blocks > MAX_GENERATED_BLOCKS:
                self.refuse("KB211", drop[0], f"this is generated block number {self.generated_blocks} on the page; "
                            f"the limit is {MAX_GENERATED_BLOCKS}", "use each generated block once", drop)
                return
        directive = _read_directive(token, rule, argument)
        if name == "toctree":
            self.toctree(directive, drop)
        if rule.argument == "image" and directive.argument:
            self.file(directive.argument, IMAGE_TYPES, drop[0], drop)
        elif rule.argument == "url" and directive.argument:
            self.url(directive.argument, drop[0], drop)
        elif rule.argument == "title" and directive.argument:
            self.inline_text(directive.argument, drop[0], drop)
        for key, value in directive.options.items():
            line = offset + token.map[0] + 1 + directive.option_lines.get(key, -1)
            if key in IMAGE_OPTIONS and value:
                self.file(value, IMAGE_TYPES, line, drop)
            elif key in URL_OPTIONS and value:
                self.url(value, line, drop)
            elif key not in PLAIN_OPTIONS and value:
                self.inline_text(value, line, drop)
        if rule.body == "markdown":
            for body, body_offset in directive.body:
                if needs_parse(body, self.page_dir == self.root):
                    self.parse(body, offset + token.map[0] + 1 + body_offset, level)

    def toctree(self, directive: "_Directive", drop: tuple[int, int]) -> None:
        """Entries that are addresses become links; a visible glob toctree makes its page grow with the corpus."""
        entries = []
        for body, body_offset in directive.body:
            for index, entry in enumerate(body.split("\n")):
                entries.append(entry)
                entry = entry.strip()
                match = _TOCTREE_ENTRY.match(entry)
                target = match.group(2) if match else entry
                if target and link_scheme(target) is not None:
                    self.url(target, drop[0] + 1 + body_offset + index, drop)
        patterns = [e.strip() for e in entries if any(c in e for c in "*?[")]
        if "glob" in directive.options and "hidden" not in directive.options and patterns:
            self.findings.append(Finding(
                "KB209", drop[0] + 1, f"this toctree lists every page that `{patterns[0]}` matches, so the page "
                "grows with the corpus", "add `:hidden:` (the sidebar stays bounded either way), or list the "
                "section pages such as `articles` and let them list their pages", (drop[0], drop[0])))

    def inline_text(self, text: str, line: int, drop: tuple[int, int]) -> None:
        """Text that a directive reads as inline Markdown: a title, a caption, a label, an option."""
        if needs_parse(text) or "{" in text:
            for token in _parser().parseInline(text, {}):
                self.inline(token, line, drop)

    def inline(self, token, line: int, drop: tuple[int, int]) -> None:
        html_lines = set()  # one report per line: an element's opening and closing tags are one problem
        for child in token.children or ():
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "html_inline" and line not in html_lines:
                html_lines.add(line)
                self.refuse("KB201", line, f"the HTML `{shorten(child.content)}` is not allowed",
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
        elif name.lower() in RECORD_ROLES:
            self.record_roles += 1
            if self.record_roles > MAX_RECORD_ROLES:
                self.refuse("KB211", line, f"this is link number {self.record_roles} to a record on the page; the "
                            f"limit is {MAX_RECORD_ROLES}", "link each record once or twice, not every time", drop)

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


@dataclass(frozen=True)
class _Directive:
    """A directive's text as MyST divides it: argument, options (values as MyST reads them), body."""

    argument: str
    options: dict[str, str]
    option_lines: dict[str, int]   # 0-based line of each option within the directive's content
    # The body as pieces of text, each with its first line counted from the line after the opening one.
    body: tuple[tuple[str, int], ...]


@lru_cache(maxsize=1)
def _directive_shapes() -> dict[str, type]:
    """Stand-ins for directive classes, one per kind of argument, that MyST's own directive parser accepts
    with every option as text (docutils' ``TestDirective`` is the class it lets through unvalidated)."""
    from docutils.parsers.rst.directives.misc import TestDirective

    return {kind: type(f"_{kind.title()}Directive", (TestDirective,), {
                "has_content": True, "required_arguments": 0,
                "optional_arguments": 0 if kind == "none" else 1, "final_argument_whitespace": True})
            for kind in ("none", "title", "image", "url")}


_OPTION_KEY = re.compile(r"^\s*:?([\w-]+):")


def _read_directive(token, rule: Rule, argument: str) -> _Directive:
    """Divide a directive as MyST does (``parse_directive_text``), so option values lose their quotes
    and a directive without arguments takes the rest of its first line as body."""
    from myst_parser.parsers.directives import parse_directive_text

    content, added = token.content, 0
    if token.type == "colon_fence" and content.startswith(":::"):
        content, added = "\n" + content, 1  # as MyST does, so a nested fence is not read as an option
    parsed = parse_directive_text(_directive_shapes()[rule.argument], argument, content)
    lines = content.split("\n")
    option_lines: dict[str, int] = {}
    body: tuple[tuple[str, int], ...]
    for index, text in enumerate(lines[:max(parsed.body_offset, 0)]):
        match = _OPTION_KEY.match(text)
        if match and match.group(1) in parsed.options:
            option_lines.setdefault(match.group(1), index - added)
    if added and parsed.body_offset == -1:
        # The first line's text, then the line MyST added, which is in no file: the rest starts a line on.
        body = (("\n".join(parsed.body[:1]), -1), ("\n".join(parsed.body[2:]), 0))
    else:
        body = (("\n".join(parsed.body), parsed.body_offset - added),)
    return _Directive(parsed.arguments[0] if parsed.arguments else "",
                      {str(k): "" if v is None else str(v) for k, v in parsed.options.items()},
                      option_lines, body)
