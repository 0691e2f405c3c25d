"""An article page's body made into a reading pack's text, and that text placed in a pack.

Both read the HTML the writer made with the standard library's parser
(:class:`html.parser.HTMLParser`): it finds the tags, their attributes and
where each element ends, and the edits are made to the original text at those
places, so that everything not edited keeps its bytes (the writer's escapes,
spacing and quotes). An attribute's value is taken as written, between the
quotes the writer always puts around it, and changed as written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from html.parser import HTMLParser

# The sections of an article page that belong to browsing, not reading: the pack leaves them
# out. They are the extension's own (class kb-section), so an author's heading cannot match.
BROWSING_SECTIONS = frozenset({"kb-related", "kb-linked-from", "kb-paths", "kb-map", "kb-cite"})
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
URL_ATTRIBUTES = ("href", "src")

# An edit of the original text: (start, end, replacement).
Edit = tuple[int, int, str]


def is_external(value: str) -> bool:
    """An address the pack leaves as it is: with a scheme, from the root, a fragment, or empty."""
    if not value or value[0] in "/#":
        return True
    scheme, colon, _ = value.partition(":")
    return bool(colon) and scheme[:1].isascii() and scheme[:1].isalpha() and all(
        c.isascii() and (c.isalnum() or c in "+.-") for c in scheme)


class _Tags(HTMLParser):
    """Every start and end tag of a piece of HTML, with where it is in the text.

    The content of an element for which ``skip`` is true is read as the parser reads a script's,
    as text up to its end tag, and so costs one search: the pack leaves out such an element (a
    browsing section holds a concept map and lists of cards, most of a page's tags) and needs
    only where it ends. It must not hold an element of its own name."""

    def __init__(self, text: str, skip=lambda tag, attrs: False) -> None:
        super().__init__(convert_charrefs=False)
        self.text = text
        self.skip = skip
        self.line_starts = [0]
        while (newline := text.find("\n", self.line_starts[-1])) >= 0:
            self.line_starts.append(newline + 1)
        # (start, end, tag, attributes, or None for an end tag)
        self.tags: list[tuple[int, int, str, list[tuple[str, str | None]] | None]] = []
        self.feed(text)
        self.close()

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        self.tags.append((start, start + len(self.get_starttag_text()), tag, attrs))
        if self.skip(tag, attrs):
            self.set_cdata_mode(tag)

    def handle_startendtag(self, tag, attrs):
        start = self._offset()
        self.tags.append((start, start + len(self.get_starttag_text()), tag, attrs))

    def handle_endtag(self, tag):
        start = self._offset()
        self.tags.append((start, self.text.index(">", start) + 1, tag, None))


def _attribute_values(text: str, start: int, end: int, names: tuple[str, ...]) -> list[tuple[str, int, int]]:
    """Where the values of the attributes ``names`` are in the start tag ``text[start:end]``, as written:
    (name, start, end) of what is between the quotes. The writer quotes every value with ``"`` and
    writes a ``"`` inside one as ``&quot;``, so the next ``"`` closes it."""
    found = []
    tag = text[start:end]
    for name in names:
        position = 0
        while (position := tag.find(f'{name}="', position)) > 0:
            if tag[position - 1].isspace():
                value_start = position + len(name) + 2
                value_end = tag.index('"', value_start)
                found.append((name, start + value_start, start + value_end))
                break
            position += 1
    return found


def _apply(text: str, edits: list[Edit]) -> str:
    out, done = [], 0
    for start, end, replacement in sorted(edits):
        if start < done:  # inside something already removed
            continue
        out.append(text[done:start])
        out.append(replacement)
        done = end
    out.append(text[done:])
    return "".join(out)


def _dropped(text: str, tags: list, index: int, newline: bool) -> Edit:
    """The element whose start tag is ``tags[index]``, to its matching end tag (and the line break
    after it, with ``newline``), as an edit that removes it."""
    start, _, name, _ = tags[index]
    depth = 0
    for offset, end, tag, attrs in tags[index:]:
        if tag != name:
            continue
        depth += 1 if attrs is not None else -1
        if depth == 0:
            if newline and text.startswith("\n", end):
                end += 1
            return start, end, ""
    return start, len(text), ""


def _is_browsing_section(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    if tag != "section":
        return False
    values = dict(attrs)
    return values.get("id") in BROWSING_SECTIONS and (values.get("class") or "").startswith("kb-section")


def pack_html(body: str, docname: str) -> str:
    """An article page's body as it reads in a pack: browsing sections, headerlinks and the
    print hint left out, headings one level down (the pack has its own h1), and relative
    addresses made relative to the site's root."""
    tags = _Tags(body, _is_browsing_section).tags
    folder = posixpath.dirname(docname)
    rewritten: dict[str, str] = {}  # a page names the same few addresses many times
    edits: list[Edit] = []
    for index, (start, end, tag, attrs) in enumerate(tags):
        if tag in HEADINGS:  # "<h2" for "<h1", "</h2" for "</h1"
            digit = start + (2 if attrs is not None else 3)
            edits.append((digit, digit + 1, str(min(int(tag[1]) + 1, 6))))
        if attrs is None:
            continue
        if _is_browsing_section(tag, attrs):
            edits.append(_dropped(body, tags, index, newline=True))
        elif tag == "p" and attrs == [("class", "kb-print-hint")]:
            edits.append(_dropped(body, tags, index, newline=True))
        elif tag == "a" and len(attrs) > 1 and attrs[0] == ("class", "headerlink"):
            edits.append(_dropped(body, tags, index, newline=False))
        for _, value_start, value_end in _attribute_values(body, start, end, URL_ATTRIBUTES):
            value = body[value_start:value_end]
            if is_external(value):
                continue
            path = rewritten.get(value)
            if path is None:
                path = rewritten[value] = posixpath.normpath(posixpath.join(folder, value))
            if not path.startswith(".."):
                edits.append((value_start, value_end, path))
    return _apply(body, edits)


def placed_html(html: str, root: str, id_prefix: str) -> str:
    """A fragment placed in a page: root-relative addresses prefixed with the page's way to the
    root, and ids (and links to them) prefixed so that two articles in one page never share one."""
    def url(value: str) -> str | None:
        if value.startswith("#"):
            return f"#{id_prefix}{value[1:]}"
        return None if is_external(value) else f"{root}{value}"

    rules: dict[str, Callable[[str], str | None]] = {"href": url, "src": url, "id": lambda value: id_prefix + value}
    edits: list[Edit] = []
    for start, end, _, attrs in _Tags(html).tags:
        if attrs is None:
            continue
        for name, value_start, value_end in _attribute_values(html, start, end, ("href", "src", "id")):
            replacement = rules[name](html[value_start:value_end])
            if replacement is not None:
                edits.append((value_start, value_end, replacement))
    return _apply(html, edits)
