"""What the site's session builder needs to know about the corpus, as one compact dict.

The builder (``sphinxext/static/kb-session-builder.js`` and its parts) drafts
sessions with the same planner as ``kb path plan`` (ported in ``kb-planner.js``),
warns in the words of ``kb check`` and holds a session to the schema's limits, so
this carries exactly the planner's inputs, the path rules' wording, the limits
and the curated paths, and nothing a page already shows.
To keep it small, articles are rows rather than objects, and concepts,
audiences, kinds and prerequisites are referred to by their index in their
list; ``kb-session.js`` (``KBSession.articles``) turns rows back into objects.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .characters import strip_forbidden_data
from .model import KnowledgeBase
from .paths import DISCUSSION_MINUTES, PATH_RULES, link_counts
from .schema import PATH, STEP, STEP_WHEN

VERSION = 1
ARTICLE_FIELDS = ("id", "title", "kind", "reading_time", "concepts", "audience", "prerequisites", "linked_from",
                  "question")
ID_MARK = "{id}"   # where an article's id goes in ``article_url``


LIMIT_KINDS = ("max_length", "min_items", "max_items", "minimum", "maximum")
# What the builder allows a session to hold that a path file's schema does not limit: steps and
# audiences, so that a shared link stays a sensible size.
SESSION_LIMITS = {"steps": {"max_items": 60}, "audience": {"max_items": 20}}


def _limits() -> dict[str, dict[str, dict[str, int]]]:
    """Every limit the schema sets on a path's fields and on its steps' fields, by field name
    (``{"path": {"title": {"max_length": 120}, ...}, "step": {"minutes": {"minimum": 1, ...}}}``),
    and the builder's own limits (``"session"``). The builder reads its limits from here only,
    so it refuses what ``kb check`` would refuse before the file is written."""
    def of(schema) -> dict[str, dict[str, int]]:
        found = {f.name: {kind: getattr(f, kind) for kind in LIMIT_KINDS if getattr(f, kind) is not None}
                 for f in schema.fields}
        return {name: limits for name, limits in found.items() if limits}

    return {"path": of(PATH), "step": of(STEP), "session": SESSION_LIMITS}


def session_data(kb: KnowledgeBase, url: Callable[[str], str] | None = None,
                 repository: dict | None = None) -> dict:
    """The builder's data. ``url`` maps a document name (``articles/<id>``) to its address
    relative to the site root; by default ``<docname>.html``."""
    url = url or (lambda docname: f"{docname}.html")
    concept_index = {cid: i for i, cid in enumerate(kb.concepts)}
    audience_index = {aid: i for i, aid in enumerate(kb.audiences)}
    article_index = {aid: i for i, aid in enumerate(kb.articles)}
    kinds = sorted({a.kind for a in kb.articles.values()})
    terms: dict[str, list[str]] = {cid: [] for cid in kb.concepts}
    for term, cid in kb.aliases.items():
        terms[cid].append(term)
    linked = link_counts(kb)
    # One row per article, in ARTICLE_FIELDS order: at 5,000 articles, keys repeated
    # in every record would be a third of the file.
    articles = [[a.id, a.title, kinds.index(a.kind), a.reading_time, [concept_index[c] for c in a.concepts],
                 [audience_index[x] for x in a.audience], [article_index[p] for p in a.prerequisites],
                 linked[a.id], a.questions[0] if a.questions else None] for a in kb.articles.values()]
    paths = [{
        "id": p.id, "title": p.title, "summary": p.summary, "url": url(f"paths/{p.id}"),
        "facilitator_url": url(f"paths/facilitator/{p.id}"), "audience": list(p.audience),
        "duration": p.duration, "outcomes": list(p.outcomes),
        "steps": [{"article": s.article, "minutes": s.minutes, "when": s.when, "prompt": s.prompt or "",
                   "facilitator": s.facilitator or ""} for s in p.steps],
    } for p in kb.paths.values()]
    return {
        "v": VERSION,
        "discussion_minutes": DISCUSSION_MINUTES,
        "when": list(STEP_WHEN),
        "kinds": kinds,
        "concepts": [{"id": c.id, "label": c.label, "aliases": list(c.aliases), "terms": sorted(terms[c.id])}
                     for c in kb.concepts.values()],
        "audiences": [{"id": a.id, "label": a.label} for a in kb.audiences.values()],
        "article_fields": list(ARTICLE_FIELDS),
        "article_url": url("articles/" + ID_MARK),
        "articles": articles,
        "paths": paths,
        "rules": {name: {"code": code, "message": message, "hint": hint}
                  for name, (code, message, hint) in PATH_RULES.items()},
        "limits": _limits(),
        "repository": repository,
    }


_REPOSITORY_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9._~-]+)+$")
_REPOSITORY_PATH = re.compile(r"^[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*$")


def check_repository(value) -> tuple[dict | None, str | None]:
    """The ``kb_repository`` setting as the builder uses it, or ``(None, problem)``.

    ``{"url": "https://github.com/owner/repo", "branch": "main", "content": "content"}``;
    ``branch`` and ``content`` may be left out. The builder's "Propose on GitHub" link is
    ``<url>/new/<branch>/<content>/paths?filename=...``, so each part must be a plain address
    or path that cannot break out of it.
    """
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"url", "branch", "content"}:
        return None, "expected a dict with `url` and optionally `branch` and `content`"
    url = value.get("url")
    branch = value.get("branch", "main")
    content = value.get("content", "content")
    if not isinstance(url, str) or not _REPOSITORY_URL.match(url.rstrip("/")):
        return None, "`url` must be the repository's https:// address, such as https://github.com/owner/repo"
    for name, part in (("branch", branch), ("content", content)):
        if not isinstance(part, str) or not _REPOSITORY_PATH.match(part) or ".." in part.split("/"):
            return None, f"`{name}` must be a plain name or folder path"
    return {"url": url.rstrip("/"), "branch": branch, "content": content}, None


def dumps(data: dict) -> str:
    """The data as compact ASCII JSON; the same data always gives the same bytes."""
    return json.dumps(strip_forbidden_data(data), ensure_ascii=True, sort_keys=True, separators=(",", ":"))


def script(data: dict) -> str:
    """A script that sets ``window.KB_SESSION_DATA``: a script, not a JSON file, because a
    page opened from a local folder (file://) may load scripts but not fetch() files.
    JSON is valid JavaScript, and ensure_ascii plus escaping ``<`` keep ``</script>``
    and the line separators U+2028/9 out of it."""
    return "window.KB_SESSION_DATA = " + dumps(data).replace("<", "\\u003c") + ";\n"
