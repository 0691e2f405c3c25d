"""Never a traceback: whatever a content file holds, loading and `kb check` return diagnostics.

Hypothesis generates front matter (mappings, lists and scalars dumped as YAML,
with keys from the schema mixed with junk), raw YAML text, and raw file bytes,
and writes them over or beside the files of the valid base corpus. The loader
must return a result whose every diagnostic is well formed, and `kb check`
must exit with 0, 1 or 2 - never raise.

One temporary folder is reused: each example clears it and writes the corpus again.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import tempfile
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml
from conftest import make_corpus
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledgebase.cli import main
from knowledgebase.diagnostics import CODES, Diagnostic
from knowledgebase.load import LoadResult, load
from knowledgebase.schema import SCHEMAS

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCHEMA_KEYS = sorted({f.name for schema in SCHEMAS.values() for f in schema.fields}
                     | {f.name for f in SCHEMAS["path"].item_schema.fields})
# Files of the base corpus a generated file may replace, and new names beside them.
TARGETS = [
    "articles/trust-before-tests.md", "articles/monitoring-as-a-process.md", "concepts/trust.md",
    "concepts/agency.md", "audiences/middle-leader.md", "paths/trust-for-inquiry.md",
    "articles/generated.md", "concepts/generated.md", "paths/generated.md", "audiences/generated.md",
]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.dates(min_value=dt.date(1, 1, 1)),
    st.sampled_from(["trust", "inquiry", "agency", "headteacher", "guide", "in-session", "pre-reading",
                     "trust-before-tests", "trust-report", "https://example.org", "javascript:alert(1)",
                     "TODO(author): fill in", "", " ", "~", "null", "2026-13-45", "Trust: the basics"]),
)
keys = st.one_of(st.sampled_from(SCHEMA_KEYS), st.text(max_size=12), st.integers(), st.booleans())
values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=6), st.dictionaries(keys, children, max_size=6)),
    max_leaves=25,
)
front_matters = st.one_of(
    st.dictionaries(st.sampled_from(SCHEMA_KEYS), values, max_size=10),   # mostly real keys
    st.dictionaries(keys, values, max_size=8),                            # junk keys too
    values,                                                               # not a mapping at all
)


def dump(data) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=None)


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="kb-properties-") as folder:
        yield Path(folder)


def fresh_corpus(scratch: Path, files: dict[str, str | bytes]) -> Path:
    """Clear the scratch folder and write the base corpus with ``files`` over it."""
    for child in scratch.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    return make_corpus(scratch, files)


def assert_well_formed(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    for d in result.diagnostics:
        assert isinstance(d, Diagnostic)
        assert d.code in CODES, d
        assert isinstance(d.line, int) and d.line >= 1, d
        assert isinstance(d.path, str) and d.path, d
        assert isinstance(d.message, str) and d.message, d
        d.format_text()


def check(content: Path, output_format: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        status = main(["check", "--content", str(content), "--format", output_format])
    return status, out.getvalue()


def assert_check_exits_cleanly(content: Path, output_format: str, result: LoadResult) -> None:
    status, out = check(content, output_format)
    assert status in (0, 1, 2)
    assert status == (1 if result.errors else 0)
    if output_format == "json":
        assert len(json.loads(out)["diagnostics"]) == len(result.diagnostics)


@SETTINGS
@given(front_matter=front_matters, target=st.sampled_from(TARGETS), body=st.text(max_size=200),
       output_format=st.sampled_from(["text", "json", "github"]))
def test_generated_front_matter_always_gives_diagnostics_never_an_exception(scratch, front_matter, target, body,
                                                                           output_format):
    content = fresh_corpus(scratch, {target: f"---\n{dump(front_matter)}---\n\n{body}\n"})
    result = load(content)
    assert_well_formed(result)
    assert_check_exits_cleanly(content, output_format, result)


@SETTINGS
@given(yaml_text=st.text(max_size=300), target=st.sampled_from(TARGETS))
def test_arbitrary_text_between_the_markers_always_gives_diagnostics(scratch, yaml_text, target):
    content = fresh_corpus(scratch, {target: f"---\n{yaml_text}\n---\nBody.\n"})
    result = load(content)
    assert_well_formed(result)
    assert_check_exits_cleanly(content, "text", result)


@SETTINGS
@given(data=st.binary(max_size=600), prefix=st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\r\n"]),
       target=st.sampled_from(TARGETS))
def test_random_file_bytes_always_give_diagnostics(scratch, data, prefix, target):
    content = fresh_corpus(scratch, {target: prefix + data})
    result = load(content)
    assert_well_formed(result)
    assert_check_exits_cleanly(content, "json", result)


@SETTINGS
@given(sources=st.one_of(st.dictionaries(st.text(max_size=12), values, max_size=5),
                         st.dictionaries(st.sampled_from(["trust-report", "stake-essay", "new-source"]),
                                         st.dictionaries(st.sampled_from(SCHEMA_KEYS), values, max_size=8),
                                         max_size=3),
                         values))
def test_generated_sources_files_always_give_diagnostics(scratch, sources):
    content = fresh_corpus(scratch, {"sources.yaml": dump(sources)})
    result = load(content)
    assert_well_formed(result)
    assert_check_exits_cleanly(content, "text", result)
