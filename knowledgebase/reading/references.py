"""Find what an article's body refers to: cross-reference roles and Markdown links.

The site renders these; the engine reads them to build backlinks and to report
unknown targets with a line number before Sphinx ever runs.
"""

from __future__ import annotations

import posixpath
import re
from bisect import bisect_right
from typing import NamedTuple

from ..model import Reference

# {article}`slug` or {article}`Shown text <slug>`
_ROLE = re.compile(r"\{(article|concept|source|path)\}`([^`]*)`")
_EXPLICIT_TARGET = re.compile(r"<([^<>]+)>\s*$")
# [text](target) and ![alt](target); the target ends at a space or a closing bracket.
_LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
# Inline code: a run of backticks not preceded by `, { or }, up to the same run. (The look-behind comes
# after the first backtick so that the search can jump from backtick to backtick.)
_INLINE_CODE = re.compile(r"(`(?<![`{}]`)`*)(?!\{)[^`\n]*?\1")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_FOLDER_KIND = {"articles": "article", "concepts": "concept", "paths": "path"}
# Saying that research or evidence shows something: an article that does should cite research (KB124).
RESEARCH_CLAIM = re.compile(r"\b(?:the\s+)?(?:research|studies|evidence)\s+(?:clearly\s+)?"
                            r"(?:shows?|suggests?|proves?|demonstrates?|confirms?|finds|found|has\s+shown|"
                            r"have\s+shown|is\s+clear)\b", re.IGNORECASE)


class BodyScan(NamedTuple):
    """What an article's body says that the engine reads, found in one pass over the prose."""

    references: list[Reference]
    words: int
    placeholders: list[int]       # lines still holding a ``TODO(`` marker from a template
    research_claims: list[int]    # lines that say research or evidence shows something


def split_role_text(text: str) -> tuple[str, str]:
    """A role's content as (shown text, target): ``Text <target>``, or ``("", target)``."""
    match = _EXPLICIT_TARGET.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1).strip()
    return "", text.strip()


def scan_body(body: str, first_line: int, document: str) -> BodyScan:
    """References in ``body`` (starting at file line ``first_line``), its word count, the lines
    still holding a ``TODO(`` marker from a template, and the lines that claim research shows something.

    ``document`` is the file's path relative to the content folder, used to
    resolve relative Markdown links. Code blocks are skipped. The prose is
    scanned in one pass per pattern (not line by line): this runs on every
    file of the corpus.
    """
    if "```" not in body and ("~" not in body or "~~~" not in body):  # no code block: the prose is the body
        prose = body
        counted = [0, first_line]   # a position and its line: matches come in order, so count on from there

        def line_of(position: int) -> int:
            start, line = counted if position >= counted[0] else (0, first_line)
            counted[:] = position, line + prose.count("\n", start, position)
            return counted[1]
    else:
        prose, line_of = _without_code_blocks(body, first_line)
    folder = posixpath.dirname(document)
    references: list[Reference] = []
    shown = prose   # the prose as a reader sees it: each role replaced by its text
    if "{" in prose:
        pieces: list[str] = []
        end = 0
        for match in _ROLE.finditer(prose):
            text, target = split_role_text(match.group(2))
            references.append(Reference(match.group(1), target, line_of(match.start())))
            pieces += (prose[end:match.start()], text or match.group(2))
            end = match.end()
        if pieces:
            pieces.append(prose[end:])
            shown = "".join(pieces)
    if "](" in prose:
        for match in _LINK.finditer(prose):
            reference = _link_reference(match.group(1), folder, line_of(match.start()))
            if reference:
                references.append(reference)
    references.sort(key=lambda r: r.line)
    placeholders = []
    position = prose.find("TODO(")
    while position != -1:
        placeholders.append(line_of(position))
        position = prose.find("TODO(", position + 1)
    words = count_words(_INLINE_CODE.sub(" ", shown) if "`" in shown else shown)
    claims = [line_of(match.start()) for match in RESEARCH_CLAIM.finditer(prose)]
    return BodyScan(references, words, sorted(set(placeholders)), sorted(set(claims)))


# For counting words, each byte becomes "a" if it is part of a letter or digit (ASCII ones, and every byte of
# a multi-byte UTF-8 character: the only such characters left by then are letters or digits), "'" if it
# is an apostrophe, and a space otherwise.
_WORD_CLASSES = bytes(ord("a") if (b < 128 and chr(b).isalnum()) or b >= 128 else b if b == ord("'") else ord(" ")
                      for b in range(256))


def count_words(text: str) -> int:
    """``len(_WORD.findall(text))``, computed with string operations that run far faster on long text.

    A word is a run of letters and digits, or several joined by single apostrophes (``don't``). Once
    every other character is a space, each word begins either with a letter or digit after a space,
    or with an apostrophe and a letter or digit after a space (a lone apostrophe is no word). Text
    holding two apostrophes in a row is counted by the pattern.
    """
    if not text.isascii():
        others = {c for c in set(text) if not c.isascii() and not c.isalnum()}
        for character in others:
            text = text.replace(character, "'" if character == "’" else " ")
    apostrophes = "'" in text
    if apostrophes and "''" in text:
        return len(_WORD.findall(text))
    classes = b" " + text.encode("utf-8").translate(_WORD_CLASSES)
    return classes.count(b" a") + (classes.count(b" 'a") if apostrophes else 0)


def _without_code_blocks(body: str, first_line: int):
    """The body without its fenced code blocks, and a function giving the file line of a position in it."""
    prose_lines: list[str] = []
    numbers: list[int] = []          # file line of each prose line
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        stripped = line.lstrip()
        if stripped[:3] in ("```", "~~~"):
            opening = _FENCE.match(line)
            marker = opening.group(1) if opening else stripped[:3]
            if fence is None:
                fence = marker
                continue
            if marker[0] == fence[0] and len(marker) >= len(fence):
                fence = None
                continue
        if fence is None:
            prose_lines.append(line)
            numbers.append(first_line + offset)
    starts = [0]
    for line in prose_lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def line_of(position: int) -> int:
        return numbers[bisect_right(starts, position) - 1]

    return "\n".join(prose_lines), line_of


_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*:", re.I)


def _link_reference(target: str, folder: str, line: int) -> Reference | None:
    if target.endswith(".md") and "/" not in target and ":" not in target and "#" not in target:
        kind = _FOLDER_KIND.get(folder)   # the commonest link: to a page beside this one
        return Reference(kind, target[:-3], line) if kind else None
    if _SCHEME.match(target) or target.startswith(("#", "/")):
        return None  # external, in-page or site-absolute: not a link between documents
    target = target.split("#", 1)[0]
    if not target.endswith(".md"):
        return None
    resolved = posixpath.normpath(posixpath.join(folder, target))
    parent, name = posixpath.split(resolved)
    kind = _FOLDER_KIND.get(parent)
    return Reference(kind, name[:-3], line) if kind else None
