"""The JSON Schema editors use agrees with the engine: what one accepts the other accepts.

The schema is generated with the corpus's vocabulary (as ``kb schema --vocabulary``
does), so reference fields are checked against the same ids and aliases the
engine resolves.
"""

from __future__ import annotations

import datetime as dt
import json
import textwrap

import pytest
from conftest import BASE_FILES, make_corpus
from jsonschema import Draft202012Validator, FormatChecker

from knowledgebase.cli.inspect import vocabulary
from knowledgebase.load import load
from knowledgebase.reading.frontmatter import parse_yaml, split
from knowledgebase.schema import SCHEMAS, json_schema

KIND_OF_FOLDER = {"articles": "article", "concepts": "concept", "audiences": "audience", "paths": "path"}


def as_json(value):
    """YAML gives dates; JSON Schema sees them as ISO strings."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """The base corpus, loaded once, and validators built from its vocabulary."""
    content = make_corpus(tmp_path_factory.mktemp("jsonschema"))
    result = load(content)
    assert result.diagnostics == []
    vocab = vocabulary(result.kb)
    validators = {kind: Draft202012Validator(schema_for(kind, vocab), format_checker=FormatChecker())
                  for kind in SCHEMAS}
    return content, validators


def schema_for(kind, vocab):
    schema = json_schema(SCHEMAS[kind], vocab)
    Draft202012Validator.check_schema(schema)
    return schema


def front_matter(text: str) -> dict:
    parts, diagnostics = split(text, "file.md")
    assert diagnostics == [] and parts.front_matter is not None
    return as_json(parts.front_matter.data)


def schema_errors(validator, data) -> list[str]:
    return [error.message for error in validator.iter_errors(data)]


def engine_errors(tmp_path, monkeypatch, relative: str, text: str) -> list[str]:
    monkeypatch.chdir(tmp_path)
    result = load(make_corpus(tmp_path, {relative: text}))
    return [d.format_text() for d in result.errors if d.path == f"content/{relative}"]


# Valid files pass both ---------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(name for name in BASE_FILES if name.endswith(".md")))
def test_every_page_of_the_valid_corpus_passes_the_json_schema(base, relative):
    _, validators = base
    kind = KIND_OF_FOLDER[relative.split("/")[0]]
    assert schema_errors(validators[kind], front_matter(BASE_FILES[relative])) == []


def test_every_source_of_the_valid_corpus_passes_the_json_schema(base):
    _, validators = base
    fm, diagnostics = parse_yaml(BASE_FILES["sources.yaml"], "sources.yaml")
    assert diagnostics == []
    for source_id, fields in fm.data.items():
        assert schema_errors(validators["source"], as_json(fields)) == [], source_id


def test_a_date_passes_both_once_converted_to_iso_text(base):
    _, validators = base
    data = front_matter(BASE_FILES["articles/trust-before-tests.md"])
    assert data["updated"] == "2026-11-22"
    assert schema_errors(validators["article"], data) == []


# Invalid files fail both -------------------------------------------------------------------

VALID_ARTICLE = textwrap.dedent("""\
    ---
    title: Leading a staff meeting about trust
    summary: How to open a conversation about trust without making it feel like an inspection.
    concepts: [trust, teacher inquiry]
    audience: [headteacher, middle-leader]
    kind: guide
    sources: [trust-report]
    prerequisites: [trust-before-tests]
    updated: 2026-11-22
    ---

    Start with a story from your own teaching, not with the data.
    """)


def variant(old: str, new: str) -> str:
    assert old in VALID_ARTICLE
    return VALID_ARTICLE.replace(old, new)


INVALID_ARTICLES = {
    "unknown-key": variant("kind: guide", "kind: guide\nconcept: [agency]"),
    "wrong-type-text-for-list": variant("concepts: [trust, teacher inquiry]", "concepts: trust"),
    "wrong-type-number-for-text": variant("title: Leading a staff meeting about trust", "title: 2026"),
    "too-long": variant("summary: How", "summary: " + "Trust takes time to build. " * 12 + "How"),
    "unknown-concept": variant("[trust, teacher inquiry]", "[trust, trsut]"),
    "bad-kind": variant("kind: guide", "kind: tutorial"),
    "research-summary-without-sources": variant("kind: guide", "kind: research-summary").replace(
        "sources: [trust-report]\n", ""),
    "research-summary-with-empty-sources": variant("kind: guide", "kind: research-summary").replace(
        "sources: [trust-report]", "sources: []"),
    "too-many-concepts": variant("[trust, teacher inquiry]",
                                 "[trust, inquiry, agency, skin-in-the-game, evaluation-as-process, trust]"),
    "unknown-audience": variant("[headteacher, middle-leader]", "[headteacher, head-of-year]"),
    "unknown-source": variant("[trust-report]", "[trust-reprot]"),
    "bad-date": variant("2026-11-22", "22/11/2026"),
    "empty-title": variant("title: Leading a staff meeting about trust", 'title: "  "'),
    "missing-summary": variant(
        "summary: How to open a conversation about trust without making it feel like an inspection.\n", ""),
    "bad-prerequisite-id": variant("[trust-before-tests]", "[Trust_Before_Tests]"),
}


@pytest.mark.parametrize("text", INVALID_ARTICLES.values(), ids=INVALID_ARTICLES.keys())
def test_an_invalid_article_fails_both_the_engine_and_the_json_schema(base, tmp_path, monkeypatch, text):
    _, validators = base
    assert engine_errors(tmp_path, monkeypatch, "articles/staff-meeting.md", text) != []
    assert schema_errors(validators["article"], front_matter(text)) != []


def test_the_valid_article_the_invalid_ones_come_from_passes_both(base, tmp_path, monkeypatch):
    _, validators = base
    assert engine_errors(tmp_path, monkeypatch, "articles/staff-meeting.md", VALID_ARTICLE) == []
    assert schema_errors(validators["article"], front_matter(VALID_ARTICLE)) == []


@pytest.mark.parametrize("written", ["relational trust", "relational-trust", "Trust", "Relational trust",
                                     "TEACHER INQUIRY"])
def test_an_alias_or_label_the_engine_accepts_the_json_schema_accepts(base, tmp_path, monkeypatch, written):
    """The engine compares concept terms ignoring case and spacing; the schema must not be stricter."""
    _, validators = base
    text = variant("[trust, teacher inquiry]", f"[{written}]")
    assert engine_errors(tmp_path, monkeypatch, "articles/staff-meeting.md", text) == []
    assert schema_errors(validators["article"], front_matter(text)) == []


INVALID_PATH_STEPS = {
    "minutes-zero": ("minutes: 30", "minutes: 0"),
    "unknown-step-article": ("article: teacher-led-inquiry", "article: teacher-led-enquiry"),
    "bad-when": ("when: follow-up", "when: afterwards"),
    "unknown-step-key": ("    when: follow-up\n", "    when: follow-up\n    notes: Bring the handout.\n"),
}


@pytest.mark.parametrize("old, new", INVALID_PATH_STEPS.values(), ids=INVALID_PATH_STEPS.keys())
def test_an_invalid_path_step_fails_both(base, tmp_path, monkeypatch, old, new):
    _, validators = base
    original = BASE_FILES["paths/trust-for-inquiry.md"]
    assert old in original
    text = original.replace(old, new, 1)
    assert engine_errors(tmp_path, monkeypatch, "paths/trust-for-inquiry.md", text) != []
    assert schema_errors(validators["path"], front_matter(text)) != []


def test_a_source_with_a_javascript_url_fails_both(base, tmp_path, monkeypatch):
    _, validators = base
    text = BASE_FILES["sources.yaml"].replace("https://example.org/trust-in-schools.pdf", "'javascript:alert(1)'")
    assert engine_errors(tmp_path, monkeypatch, "sources.yaml", text) != []
    fm, _ = parse_yaml(text, "sources.yaml")
    assert schema_errors(validators["source"], as_json(fm.data["trust-report"])) != []


def test_the_schema_files_are_valid_draft_2020_12_schemas_without_vocabulary():
    for schema in SCHEMAS.values():
        Draft202012Validator.check_schema(json_schema(schema))


def test_without_vocabulary_any_slug_is_accepted_for_an_article_reference():
    validator = Draft202012Validator(json_schema(SCHEMAS["article"]), format_checker=FormatChecker())
    text = variant("[trust-before-tests]", "[some-future-article]")
    assert schema_errors(validator, front_matter(text)) == []
    assert schema_errors(validator, front_matter(variant("[trust-before-tests]", "[Not_A_Slug]"))) != []


def test_committed_schema_files_match_the_schema_in_code():
    """`kb schema --out schemas --force` regenerates them; editors point at these files."""
    from pathlib import Path

    from knowledgebase.schema import SCHEMAS, json_schema

    folder = Path(__file__).resolve().parent.parent / "schemas"
    for kind, schema in SCHEMAS.items():
        committed = json.loads((folder / f"{kind}.schema.json").read_text(encoding="utf-8"))
        assert committed == json_schema(schema), f"schemas/{kind}.schema.json is stale: run kb schema --out schemas --force"
