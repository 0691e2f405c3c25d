"""The front matter schema: the single source of truth for every field rule.

The validator (:mod:`knowledgebase.validate`), the JSON Schema files editors use
(:func:`json_schema`) and the documentation's field reference are all generated
from the declarations below. To add a field, add it here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_PATTERN = SLUG.pattern


def slugify(text: str) -> str:
    """The id a title or label gives: lower case, ASCII letters and digits, single hyphens."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def normalise_term(text: str) -> str:
    """How a concept id, label or alias is compared: case and spacing do not matter."""
    return slugify(text)

# The folder of the content folder that holds each kind of record page; the file stem is the id.
RECORD_FOLDERS = {"article": "articles", "concept": "concepts", "audience": "audiences", "path": "paths"}

ARTICLE_KINDS = ("guide", "explainer", "case-study", "research-summary", "reflection", "tool")
# What sort of work a source is, with how readers see one and several of it. A kind is what
# the work says of itself or what the source citing it says; a work known only from another
# source's citation, whose own kind that source does not give, is a "cited-work".
SOURCE_KIND_LABELS: dict[str, tuple[str, str]] = {
    "research-study": ("research study", "research studies"),
    "research-report": ("research report", "research reports"),
    "evidence-review": ("evidence review", "evidence reviews"),
    "report": ("report", "reports"),
    "seminar-series": ("seminar or lecture series", "seminar or lecture series"),
    "book": ("book", "books"),
    "article": ("article", "articles"),
    "practitioner-post": ("practitioner post", "practitioner posts"),
    "guide": ("guide", "guides"),
    "web-page": ("web page", "web pages"),
    "cited-work": ("work known from a citation", "works known from a citation"),
}
SOURCE_KINDS = tuple(SOURCE_KIND_LABELS)
# Kinds that report research: an article saying that research or evidence shows something
# should cite at least one of these (KB124).
RESEARCH_SOURCE_KINDS = ("research-study", "research-report", "evidence-review")
STEP_WHEN = ("pre-reading", "in-session", "follow-up")

# What a field holds. "ref:<kind>" values name an entry of another kind of record.
TEXT = "text"             # one line of plain text
SLUG_TEXT = "slug"        # one id
TEXT_LIST = "text-list"   # a list of plain texts
REF_LIST = "ref-list"     # a list of ids of another kind of record
INTEGER = "integer"
DATE = "date"
URL = "url"
CHOICE = "choice"
STEPS = "steps"           # a list of mappings with their own schema


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: str
    example: Any
    required: bool = False
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    refers_to: str | None = None   # "concept", "audience", "source", "article"
    accepts_aliases: bool = False  # concept references may use aliases


@dataclass(frozen=True)
class Schema:
    kind: str
    title: str
    description: str
    fields: tuple[Field, ...]
    item_schema: "Schema | None" = None   # for STEPS fields
    extra: dict = field(default_factory=dict)

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def step_schema(self) -> Schema:
        """The schema of each item of this schema's STEPS field."""
        if self.item_schema is None:
            raise ValueError(f"the {self.kind} schema has no STEPS field")
        return self.item_schema

    @cached_property  # asked for every key of every file
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


ARTICLE = Schema("article", "Article", "An article in `content/articles/<id>.md`; the file name is its id.", (
    Field("title", TEXT, "The article's title, in sentence case.", "Trust before tests",
          required=True, max_length=120),
    Field("summary", TEXT, "One or two plain sentences: shown on cards, in search results and previews.",
          "Why trust, not testing, is the ground improvement grows from.", required=True, max_length=300),
    Field("concepts", REF_LIST, "What the article is about: concept ids or aliases. The first is its primary concept.",
          ["trust", "design-vs-delivery"], required=True, min_items=1, max_items=6,
          refers_to="concept", accepts_aliases=True),
    Field("audience", REF_LIST, "Who the article is written for: audience ids.", ["headteacher", "middle-leader"],
          required=True, min_items=1, max_items=7, refers_to="audience"),
    Field("kind", CHOICE, "What sort of article it is.", "guide", required=True, choices=ARTICLE_KINDS),
    Field("sources", REF_LIST, "Works the article draws on: ids from `content/sources.yaml`. "
          "Required for a research summary.", ["greany-2015"], refers_to="source"),
    Field("prerequisites", REF_LIST, "Articles to read first: article ids. They must not form a cycle.",
          ["headteacher-as-lead-learner"], max_items=6, refers_to="article"),
    Field("questions", TEXT_LIST, "Reflection prompts for the reader, used by reading paths and handouts.",
          ["Where does monitoring in your school feel like an event rather than a process?"],
          max_items=6, max_length=300),
    Field("updated", DATE, "When the article last changed in substance (YYYY-MM-DD).", "2026-11-22"),
))

CONCEPT = Schema("concept", "Concept", "A concept page in `content/concepts/<id>.md`; the set of pages is the vocabulary.", (
    Field("label", TEXT, "The concept's name as readers see it.", "Skin in the game", required=True, max_length=60),
    Field("aliases", TEXT_LIST, "Other names a contributor may write in an article's `concepts:` list.",
          ["ownership of risk"], max_items=8, max_length=60),
    Field("definition", TEXT, "One plain sentence; the tooltip on every link to the concept and its glossary entry.",
          "Having a personal stake in the outcome of a change.", required=True, max_length=200),
    Field("broader", REF_LIST, "More general concepts: concept ids.", ["agency"], max_items=3,
          refers_to="concept", accepts_aliases=True),
    Field("related", REF_LIST, "Concepts readers of this one should know: concept ids.", ["trust"], max_items=8,
          refers_to="concept", accepts_aliases=True),
))

AUDIENCE = Schema("audience", "Audience", "An audience landing page in `content/audiences/<id>.md`; the set of pages is the list of audiences.", (
    Field("label", TEXT, "The audience's name as readers see it.", "Middle leaders", required=True, max_length=60),
    Field("description", TEXT, "Who this audience is, in one sentence.",
          "Heads of department, phase and year leaders who lead a team's teaching.", required=True, max_length=200),
))

STEP = Schema("step", "Step", "One reading in a path.", (
    Field("article", SLUG_TEXT, "The article to read: an article id.", "trust-and-respect-between-teachers-and-leaders",
          required=True, refers_to="article"),
    Field("minutes", INTEGER, "Time allowed for the step, in minutes.", 15, required=True, minimum=1, maximum=600),
    Field("when", CHOICE, "When participants do the step.", "in-session", required=True, choices=STEP_WHEN),
    Field("prompt", TEXT, "The discussion question for participants.", "What would you stop doing to make time?",
          max_length=400),
    Field("facilitator", TEXT, "Notes only the facilitator sees.", "Pair people from different teams.",
          max_length=1000),
))

PATH = Schema("path", "Reading path", "A curated reading path in `content/paths/<id>.md`.", (
    Field("title", TEXT, "The session's title.", "Building trust for collaborative inquiry", required=True, max_length=120),
    Field("summary", TEXT, "One or two sentences on what the session is for.",
          "A 90-minute session for middle leaders on the relationships inquiry needs.", required=True, max_length=300),
    Field("audience", REF_LIST, "Who the session is for: audience ids.", ["middle-leader"], required=True,
          min_items=1, refers_to="audience"),
    Field("duration", INTEGER, "Minutes for the whole session (in-session steps must fit).", 90, required=True,
          minimum=5, maximum=600),
    Field("outcomes", TEXT_LIST, "What participants can do afterwards.", ["Name two conditions trust needs."],
          required=True, min_items=1, max_items=8, max_length=300),
    Field("steps", STEPS, "The readings, in order.", [{"article": "trust-and-respect-between-teachers-and-leaders",
                                                      "minutes": 15, "when": "pre-reading"}], required=True),
), item_schema=STEP)

SOURCE = Schema("source", "Source", "A work in `content/sources.yaml`, keyed by its id. Leave out what is not known.", (
    Field("title", TEXT, "The work's title (or, where it has none, a plain description).",
          "A Self-Improving School System", required=True, max_length=200),
    Field("subtitle", TEXT, "The work's subtitle.", "Towards Maturity", max_length=200),
    Field("authors", TEXT_LIST, "Authors as the work names them.", ["David Hargreaves"], max_items=20, max_length=100),
    Field("year", INTEGER, "Year of publication.", 2012, minimum=1500, maximum=2100),
    Field("publisher", TEXT, "Publisher or organisation.", "National College", max_length=200),
    Field("published_in", TEXT, "Where the work appeared: the journal, series, site or book it is part of.",
          "A school leadership blog", max_length=200),
    Field("kind", CHOICE, "What sort of work it is; `cited-work` for a work known only from another "
          "source's citation that does not say what it is.", "report", required=True, choices=SOURCE_KINDS),
    Field("url", URL, "Where to read it: an http(s) address.", "https://example.org/report.pdf", max_length=500),
    Field("note", TEXT, "Anything a reader should know about the work or how we know of it.",
          "Cited in another source at page 6.", max_length=600),
))

SCHEMAS: dict[str, Schema] = {s.kind: s for s in (ARTICLE, CONCEPT, AUDIENCE, PATH, SOURCE)}


def json_schema(schema: Schema, vocabulary: dict[str, list[str]] | None = None) -> dict:
    """The JSON Schema (draft 2020-12) of a kind of front matter.

    With ``vocabulary`` (reference kind -> allowed ids and aliases), reference
    fields are restricted to the corpus's current values, as ``kb check`` does.
    """
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://leading-learning.example/schemas/{schema.kind}.schema.json",
        **_object_schema(schema, vocabulary),
    }


def _object_schema(schema: Schema, vocabulary: dict[str, list[str]] | None) -> dict:
    properties = {f.name: _field_schema(f, schema, vocabulary) for f in schema.fields}
    required = [f.name for f in schema.fields if f.required]
    result = {
        "title": schema.title,
        "description": schema.description,
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if required:
        result["required"] = required
    if schema is ARTICLE:
        result["if"] = {"properties": {"kind": {"const": "research-summary"}}, "required": ["kind"]}
        result["then"] = {"required": ["sources"], "properties": {"sources": {"minItems": 1}}}
    return result


def _field_schema(f: Field, parent: Schema, vocabulary: dict[str, list[str]] | None) -> dict:
    text: dict = {"type": "string", "minLength": 1, "pattern": r"\S"}
    if f.max_length:
        text["maxLength"] = f.max_length
    if f.type == TEXT:
        result = dict(text)
    elif f.type == SLUG_TEXT:
        result = _reference_item(f, vocabulary)
    elif f.type == TEXT_LIST:
        result = {"type": "array", "items": text}
    elif f.type == REF_LIST:
        result = {"type": "array", "items": _reference_item(f, vocabulary), "uniqueItems": True}
    elif f.type == INTEGER:
        result = {"type": "integer"}
        if f.minimum is not None:
            result["minimum"] = f.minimum
        if f.maximum is not None:
            result["maximum"] = f.maximum
    elif f.type == DATE:
        result = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
    elif f.type == URL:
        result = {"type": "string", "pattern": r"^https?://[^\s]+$"}
    elif f.type == CHOICE:
        result = {"type": "string", "enum": list(f.choices)}
    elif f.type == STEPS:
        result = {"type": "array", "minItems": 1, "items": _object_schema(parent.step_schema, vocabulary)}
    else:  # pragma: no cover - a schema declaration error
        raise ValueError(f"unknown field type {f.type}")
    if f.type in (TEXT_LIST, REF_LIST):
        if f.min_items is not None:
            result["minItems"] = f.min_items
        if f.max_items is not None:
            result["maxItems"] = f.max_items
    result["description"] = f.description
    return result


def _term_pattern(term: str) -> str:
    """A regular expression matching what :func:`normalise_term` maps to ``term``: any case, any separators."""
    words = [w for w in re.split(r"[^a-z0-9]+", normalise_term(term)) if w]
    return "[^A-Za-z0-9]*" + "[^A-Za-z0-9]+".join(
        "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word) for word in words) + "[^A-Za-z0-9]*"


def _reference_item(f: Field, vocabulary: dict[str, list[str]] | None) -> dict:
    if vocabulary is not None and f.refers_to in vocabulary:
        if f.accepts_aliases:  # the engine ignores case and spacing in concept terms; so must editors
            terms = sorted({normalise_term(t) for t in vocabulary[f.refers_to]} - {""})
            return {"type": "string", "pattern": "^(?:" + "|".join(_term_pattern(t) for t in terms) + ")$"}
        return {"type": "string", "enum": sorted(vocabulary[f.refers_to])}
    if f.accepts_aliases:  # an alias may be written with spaces: "ownership of risk"
        return {"type": "string", "minLength": 1}
    return {"type": "string", "pattern": SLUG_PATTERN}
