"""Find what an article's body refers to: cross-reference roles and Markdown links.

The site renders these; the engine reads them to build backlinks and to report
unknown targets with a line number before Sphinx ever runs.
"""

from __future__ import annotations

import posixpath
import re

from .model import Reference

# {article}`slug` or {article}`Shown text <slug>`
_ROLE = re.compile(r"\{(article|concept|source|path)\}`([^`]*)`")
_EXPLICIT_TARGET = re.compile(r"<([^<>]+)>\s*$")
# [text](target) and ![alt](target); the target ends at a space or a closing bracket.
_LINK = re.compile(r"\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(?<![`{}])(`+)(?!\{)[^`]*?\1")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_FOLDER_KIND = {"articles": "article", "concepts": "concept", "paths": "path"}


def split_role_text(text: str) -> tuple[str, str]:
    """A role's content as (shown text, target): ``Text <target>``, or ``("", target)``."""
    match = _EXPLICIT_TARGET.search(text)
    if match:
        return text[: match.start()].strip(), match.group(1).strip()
    return "", text.strip()


def role_target(text: str) -> str:
    """The target of a role's content: ``Text <target>`` or just ``target``."""
    return split_role_text(text)[1]


def scan_body(body: str, first_line: int, document: str) -> tuple[list[Reference], int, list[int]]:
    """References in ``body`` (starting at file line ``first_line``), its word count, and the
    lines still holding a ``TODO(`` marker from a template.

    ``document`` is the file's path relative to the content folder, used to
    resolve relative Markdown links. Code blocks are skipped.
    """
    references: list[Reference] = []
    placeholders: list[int] = []
    words = 0
    fence: str | None = None
    folder = posixpath.dirname(document)
    for offset, line in enumerate(body.split("\n")):
        fence_match = _FENCE.match(line)
        if fence:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = None
            continue
        if fence_match:
            fence = fence_match.group(1)
            continue
        number = first_line + offset
        if "TODO(" in line:
            placeholders.append(number)
        for match in _ROLE.finditer(line):
            references.append(Reference(match.group(1), role_target(match.group(2)), number))
        for match in _LINK.finditer(line):
            reference = _link_reference(match.group(1), folder, number)
            if reference:
                references.append(reference)
        prose = _ROLE.sub(lambda m: split_role_text(m.group(2))[0] or m.group(2), line)
        words += len(_WORD.findall(_INLINE_CODE.sub(" ", prose)))
    return references, words, placeholders


def _link_reference(target: str, folder: str, line: int) -> Reference | None:
    if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith(("#", "/")):
        return None  # external, in-page or site-absolute: not a link between documents
    target = target.split("#", 1)[0]
    if not target.endswith(".md"):
        return None
    resolved = posixpath.normpath(posixpath.join(folder, target))
    parent, name = posixpath.split(resolved)
    kind = _FOLDER_KIND.get(parent)
    return Reference(kind, name[:-3], line) if kind else None
