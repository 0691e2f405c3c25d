"""Templates for new articles, concepts and reading paths (used by ``kb new``).

Every template is valid front matter: ``kb check`` reports each ``TODO(...)``
marker as a warning (KB304) until the author replaces it, and passes with
``--strict`` once they have. Values come from the schema's own examples and
the corpus, so templates never drift from the rules.
"""

from __future__ import annotations

import datetime as dt

import yaml

from .model import KnowledgeBase
from .schema import ARTICLE_KINDS, normalise_term, slugify
from .suggest import UnknownTerm, check_audience, resolve_concept_terms

FOLDERS = {"article": "articles", "concept": "concepts", "path": "paths"}


class ScaffoldError(ValueError):
    """The request cannot be met; the message is one line for the contributor."""


def _dump(front_matter: dict) -> str:
    return yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=100)


def slug_for(title: str) -> str:
    slug = slugify(title)
    if not slug:
        raise ScaffoldError(f"`{title}` gives an empty file name; use a title with letters or digits")
    return slug


def resolve_concepts(kb: KnowledgeBase, terms: list[str]) -> list[str]:
    try:
        resolved = resolve_concept_terms(kb.aliases, terms)
        if len(resolved) > 6:
            raise ScaffoldError("an article takes at most 6 concepts; choose the ones it is really about")
        return resolved
    except UnknownTerm as error:
        raise ScaffoldError(str(error)) from None


def check_audiences(kb: KnowledgeBase, audiences: list[str]) -> list[str]:
    try:
        return [check_audience(kb.audiences, a) for a in dict.fromkeys(audiences)]
    except UnknownTerm as error:
        raise ScaffoldError(str(error)) from None


ARTICLE_BODY = """TODO(author): an opening paragraph: the idea in a sentence or two, and why it matters to the reader.

## What the idea is

TODO(author): explain the idea plainly, in your own words, and say where it comes from,
citing the work with the {source} role and its id from content/sources.yaml.

## Why it matters for school leaders

TODO(author): what changes for pupils, teachers and leaders when this is done well.

## What this looks like in practice

- TODO(author): concrete actions a leader could take next week.

## Related reading

- TODO(author): links to related articles and concepts, written with the {article} and {concept} roles.
"""

# A tool is a practical instrument: readers print it and use it in a meeting, so its sections are the
# ones a meeting needs, and it says plainly which parts come from a source and which are our suggestion.
TOOL_BODY = """TODO(author): an opening paragraph: what the tool helps a leader or team do, who uses it and when.

## What this tool is for

TODO(author): the problem it helps with, and what the people using it will have at the end.

## Where this comes from

TODO(author): which ideas come from which work, cited with the {source} role and its id from
content/sources.yaml; then say plainly that the steps, timings and prompts are our own suggestion.

## Before you start

- TODO(author): who takes part, what to bring and how long to set aside.

## Steps

The timings are our suggestion; adjust them to your group.

| Step | Time | What to do |
|---|---|---|
| 1 | TODO(author): minutes | TODO(author): what happens in this step. |
| 2 | TODO(author): minutes | TODO(author): what happens next. |

## Prompts

- TODO(author): a question to ask in the room, in plain words.

## After you have used it

TODO(author): what to do with what you found, and when to come back to the tool.

## Related reading

- TODO(author): the articles this tool puts into practice and the concepts it relies on ({article}, {concept} roles).
"""


def article(kb: KnowledgeBase, title: str, concepts: list[str], audiences: list[str], kind: str,
            today: dt.date) -> str:
    if kind not in ARTICLE_KINDS:
        raise ScaffoldError(f"unknown kind `{kind}`; use one of: {', '.join(ARTICLE_KINDS)}")
    front_matter = {
        "title": title,
        "summary": "TODO(author): one or two plain sentences saying what the reader will get.",
        "concepts": resolve_concepts(kb, concepts) or ["TODO(author): concept ids from `kb concepts`; the first is the main one"],
        "audience": check_audiences(kb, audiences) or ["TODO(author): audience ids from content/audiences/"],
        "kind": kind,
        "sources": ["TODO(author): ids from content/sources.yaml of the works this draws on"],
        "questions": ["TODO(author): a question that helps the reader apply the idea to their own school.",
                      "TODO(author): a second question."],
        "updated": today,
    }
    body = TOOL_BODY if kind == "tool" else ARTICLE_BODY
    return f"---\n{_dump(front_matter)}---\n\n{body}"


def concept(kb: KnowledgeBase, label: str) -> str:
    if normalise_term(label) in kb.aliases:
        raise ScaffoldError(f"`{label}` is already the concept `{kb.aliases[normalise_term(label)]}` (or one of its aliases)")
    front_matter = {
        "label": label,
        "aliases": ["TODO(author): another name, or delete"],
        "definition": "TODO(author): one plain sentence, used as the tooltip and in the glossary.",
        "related": ["TODO(author): two to five concept ids from kb concepts"],
    }
    body = """TODO(author): 150 to 400 words: what the idea is, why it matters to a school leader, and how it shows
up in practice. The site adds the list of articles, related concepts and a map.
"""
    return f"---\n{_dump(front_matter)}---\n\n{body}"


def path(kb: KnowledgeBase, title: str, audiences: list[str]) -> str:
    front_matter = {
        "title": title,
        "summary": "TODO(trainer): one or two sentences on what the session is for.",
        "audience": check_audiences(kb, audiences) or ["TODO(trainer): audience ids from content/audiences/"],
        "duration": 60,
        "outcomes": ["TODO(trainer): what participants can do afterwards."],
        "steps": [{"article": "TODO(trainer): an article id; or draft the whole path with `kb path plan`",
                   "minutes": 15, "when": "in-session",
                   "prompt": "TODO(trainer): the discussion question for participants.",
                   "facilitator": "TODO(trainer): notes only the facilitator sees."}],
    }
    body = "TODO(trainer): a short introduction for participants: who the session is for and what it covers.\n"
    return f"---\n{_dump(front_matter)}---\n\n{body}"
