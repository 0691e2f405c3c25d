"""How to cite a page of the knowledge base: one reference style, BibTeX and RIS, from what the page says of itself.

Nothing is invented: the author is the project's (its contributors), the year
is the page's ``updated`` date where it has one and "n.d." otherwise, and the
address is given only when the site's address is configured.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .characters import strip_forbidden


@dataclass(frozen=True)
class Citation:
    """A page of the site as a work to cite."""

    title: str
    site: str                        # the site's title, which publishes the page
    author: str                      # as the project names itself, e.g. "Leading Learning contributors"
    key: str                         # a citation key: the page's kind and id, e.g. "article:trust-before-tests"
    updated: dt.date | None = None   # when the page last changed in substance
    url: str | None = None           # the page's full address, when the site's address is known
    kind: str = "web page"           # what the page is, for readers

    def text(self) -> str:
        """The reference as readers see it: Author (year). *Title*. Site. URL"""
        year = str(self.updated.year) if self.updated else "n.d."
        parts = [f"{self.author} ({year}).", _sentence(self.title), _sentence(self.site)]
        if self.url:
            parts.append(self.url)
        return " ".join(parts)

    def bibtex(self) -> str:
        fields = [("title", self.title), ("author", f"{{{self.author}}}"), ("organization", self.site),
                  ("howpublished", self.kind)]
        if self.updated:
            fields += [("year", str(self.updated.year)), ("note", f"Last updated {self.updated.isoformat()}")]
        if self.url:
            fields.append(("url", self.url))
        body = ",\n".join(f"  {name} = {{{_bibtex_text(value) if name != 'author' else value}}}"
                          for name, value in fields)
        return f"@misc{{{_bibtex_key(self.key)},\n{body}\n}}\n"

    def ris(self) -> str:
        lines = [("TY", "ELEC"), ("TI", self.title), ("AU", self.author), ("PB", self.site)]
        if self.updated:
            lines += [("PY", str(self.updated.year)), ("DA", self.updated.strftime("%Y/%m/%d"))]
        if self.url:
            lines.append(("UR", self.url))
        lines.append(("ER", ""))
        return "".join(f"{tag}  - {_one_line(value)}\n" for tag, value in lines)


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def _one_line(text: str) -> str:
    return " ".join(strip_forbidden(text).split())


def _bibtex_text(text: str) -> str:
    """Text inside a BibTeX field: braces and TeX's special characters escaped, one line."""
    text = _one_line(text)
    return re.sub(r"([\\{}%&$#_^~])", lambda m: {"\\": r"\textbackslash{}", "^": r"\^{}", "~": r"\~{}"}.get(
        m.group(1), "\\" + m.group(1)), text)


def _bibtex_key(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9:_-]", "-", key)
