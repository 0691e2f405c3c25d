"""Splitting a file into front matter and body, and parsing the front matter safely with line numbers."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledgebase.reading import frontmatter
from knowledgebase.reading.decode import read_text
from knowledgebase.reading.frontmatter import MAX_DEPTH, FrontMatter, parse_yaml, split


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def split_ok(text: str):
    parts, diagnostics = split(text, "articles/example.md")
    assert diagnostics == [], [d.format_text() for d in diagnostics]
    assert parts is not None and parts.front_matter is not None
    return parts


def split_fails(text: str):
    """The one diagnostic of ``text``, and the front matter it still gave (None when refused)."""
    parts, diagnostics = split(text, "articles/example.md")
    assert len(diagnostics) == 1, [d.format_text() for d in diagnostics]
    return (parts.front_matter if parts else None), diagnostics[0]


# Splitting ---------------------------------------------------------------------------------


def test_front_matter_and_body_are_separated_and_the_body_starts_after_the_closing_marker():
    parts = split_ok(doc("""
        ---
        title: Trust before tests
        kind: guide
        ---
        # Trust before tests

        Teachers who trust their leaders bring problems into the open.
        """))
    assert parts.front_matter.data == {"title": "Trust before tests", "kind": "guide"}
    assert parts.body.startswith("# Trust before tests\n")
    assert parts.body_line == 5


def test_three_dots_also_close_the_front_matter():
    parts = split_ok("---\ntitle: Trust before tests\n...\nThe body.\n")
    assert parts.front_matter.data == {"title": "Trust before tests"}
    assert parts.body == "The body.\n"
    assert parts.body_line == 4


def test_a_front_matter_block_with_nothing_in_it_gives_an_empty_mapping():
    parts = split_ok("---\n# fields to come\n---\nThe body.\n")
    assert parts.front_matter.data == {}
    assert parts.front_matter.start_line == 2


# Line numbers ------------------------------------------------------------------------------


def test_every_key_and_list_item_records_its_file_line():
    parts = split_ok(doc("""
        ---
        title: Trust before tests
        concepts:
          - trust
          - evaluation-as-process
        audience: [headteacher, middle-leader]
        questions:

          - Where does monitoring feel like an event?
        ---
        """))
    fm = parts.front_matter
    assert fm.lines[("title",)] == 2
    assert fm.lines[("concepts",)] == 3
    assert fm.lines[("concepts", 0)] == 4
    assert fm.lines[("concepts", 1)] == 5
    assert fm.lines[("audience",)] == 6
    assert fm.lines[("audience", 1)] == 6
    assert fm.lines[("questions", 0)] == 9


def test_steps_nested_in_a_path_record_the_line_of_each_step_and_of_each_of_its_keys():
    parts = split_ok(doc("""
        ---
        title: Building trust
        steps:
          - article: trust-before-tests
            minutes: 15
            when: pre-reading
          - article: monitoring-as-a-process
            minutes: 30
            when: in-session
        ---
        """))
    fm = parts.front_matter
    assert fm.lines[("steps", 0)] == 4
    assert fm.lines[("steps", 0, "article")] == 4
    assert fm.lines[("steps", 1)] == 7
    assert fm.lines[("steps", 1, "minutes")] == 8
    assert fm.lines[("steps", 1, "when")] == 9
    assert fm.data["steps"][1] == {"article": "monitoring-as-a-process", "minutes": 30, "when": "in-session"}


def test_the_line_of_a_key_without_its_own_entry_is_that_of_its_nearest_parent():
    fm = FrontMatter({"steps": [{"minutes": 0}]}, {("steps",): 3, ("steps", 0): 4}, start_line=2)
    assert fm.line("steps", 0, "minutes") == 4
    assert fm.line("summary") == 2


def test_parse_yaml_counts_lines_from_the_first_line_it_is_given():
    fm, diagnostics = parse_yaml("trust-report:\n  title: Trust in schools\n", "sources.yaml", first_line=10)
    assert diagnostics == []
    assert fm.line("trust-report") == 10
    assert fm.line("trust-report", "title") == 11


def test_a_date_is_read_as_a_date_and_an_impossible_date_is_kept_as_text():
    parts = split_ok("---\nupdated: 2026-11-22\nreviewed: 2026-13-45\n---\n")
    assert parts.front_matter.data == {"updated": dt.date(2026, 11, 22), "reviewed": "2026-13-45"}


# Encoding ----------------------------------------------------------------------------------


def test_a_byte_order_mark_and_windows_line_endings_are_tolerated(tmp_path):
    file = tmp_path / "trust-before-tests.md"
    file.write_bytes(b"\xef\xbb\xbf---\r\ntitle: Trust before tests\r\nconcepts:\r\n  - trust\r\n---\r\nBody.\r\n")
    diagnostics = []
    text = read_text(file, "articles/trust-before-tests.md", diagnostics)
    assert diagnostics == []
    assert text == "---\ntitle: Trust before tests\nconcepts:\n  - trust\n---\nBody.\n"
    parts = split_ok(text)
    assert parts.front_matter.data == {"title": "Trust before tests", "concepts": ["trust"]}
    assert parts.front_matter.lines[("concepts", 0)] == 4


def test_old_mac_line_endings_are_normalised_too(tmp_path):
    file = tmp_path / "a.md"
    file.write_bytes(b"---\rtitle: Trust\r---\rBody.\r")
    text = read_text(file, "a.md", [])
    assert text == "---\ntitle: Trust\n---\nBody.\n"


# Files that are not front matter -----------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\n\t\n"], ids=["empty", "only-white-space"])
def test_an_empty_file_is_reported_on_line_1(text):
    front_matter, diagnostic = split_fails(text)
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB010", 1)


def test_a_file_without_front_matter_is_reported_on_line_1():
    front_matter, diagnostic = split_fails("# Trust before tests\n\nTeachers who trust their leaders...\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB003", 1)
    assert "---" in diagnostic.hint


def test_front_matter_that_is_never_closed_is_reported_on_its_opening_line():
    front_matter, diagnostic = split_fails("---\ntitle: Trust before tests\nkind: guide\n\nThe body, with no closing marker.\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB004", 1)


@pytest.mark.parametrize("yaml_text", ["- trust\n- inquiry\n", "Just a sentence about trust\n", "42\n"],
                         ids=["list", "text", "number"])
def test_front_matter_that_is_not_a_mapping_is_refused(yaml_text):
    front_matter, diagnostic = split_fails(f"---\n{yaml_text}---\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB009", 2)


def test_a_key_that_is_itself_a_list_is_refused_on_its_line():
    _, diagnostic = split_fails("---\ntitle: Trust\n[trust, inquiry]: both\n---\n")
    assert (diagnostic.code, diagnostic.line) == ("KB009", 3)


# YAML errors -------------------------------------------------------------------------------


def test_a_yaml_syntax_error_is_reported_on_the_line_where_it_is():
    front_matter, diagnostic = split_fails(doc("""
        ---
        title: Trust before tests
        summary: Trust: the basics of improvement
        kind: guide
        ---
        """))
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB005", 3)
    assert "quotes" in diagnostic.hint


def test_an_unclosed_flow_list_is_a_syntax_error_not_an_exception():
    _, diagnostic = split_fails("---\ntitle: Trust\nconcepts: [trust, inquiry\n---\n")
    assert diagnostic.code == "KB005"


def test_a_tab_used_for_indentation_is_reported_on_its_line():
    front_matter, diagnostic = split_fails("---\ntitle: Trust\nconcepts:\n  - trust\n\t- inquiry\n---\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB014", 5)


def test_a_tab_inside_a_value_is_not_indentation():
    parts = split_ok("---\ntitle: Trust\tbefore tests\n---\n")
    assert parts.front_matter.data["title"] == "Trust\tbefore tests"


def test_a_duplicate_key_is_reported_with_both_lines_and_the_first_value_is_kept():
    parts, diagnostics = split(doc("""
        ---
        title: Trust before tests
        concepts: [trust]
        kind: guide
        concepts: [inquiry]
        ---
        """), "articles/example.md")
    assert [d.code for d in diagnostics] == ["KB006"]
    assert diagnostics[0].line == 5
    assert "first on line 3" in diagnostics[0].message
    assert parts.front_matter.data["concepts"] == ["trust"]


def test_a_duplicate_key_inside_a_step_is_reported_on_its_line():
    _, diagnostics = split(doc("""
        ---
        steps:
          - article: trust-before-tests
            minutes: 15
            minutes: 20
        ---
        """), "paths/example.md")
    assert [(d.code, d.line) for d in diagnostics] == [("KB006", 5)]
    assert "first on line 4" in diagnostics[0].message


# Unsafe YAML -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [
    "!!python/object:os.system x",
    "!!python/object/apply:os.system ['echo owned']",
    "!!python/name:os.system",
    "!custom Trust",
    "!!set {trust: null}",
    "!!binary aGVsbG8=",
], ids=["python-object", "python-apply", "python-name", "local-tag", "set", "binary"])
def test_yaml_tags_are_refused(value):
    front_matter, diagnostic = split_fails(f"---\nkind: guide\ntitle: {value}\n---\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB007", 3)


def test_a_tag_on_a_list_item_is_refused_on_the_item_line():
    _, diagnostic = split_fails("---\nconcepts:\n  - trust\n  - !!python/object:os.system x\n---\n")
    assert (diagnostic.code, diagnostic.line) == ("KB007", 4)


def test_an_alias_is_refused():
    front_matter, diagnostic = split_fails(doc("""
        ---
        title: Trust
        related: *shared
        ---
        """))
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB007", 3)


def test_an_anchor_is_refused_even_when_no_alias_uses_it():
    """KB007 and the module docstring say anchors are refused, not only aliases."""
    _, diagnostics = split("---\ntitle: &name Trust before tests\n---\n", "articles/example.md")
    assert [(d.code, d.line) for d in diagnostics] == [("KB007", 2)]


def test_a_billion_laughs_expansion_bomb_is_refused_without_expanding_it():
    lines = ["---", 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    previous = "a"
    for name in "bcdefghij":
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
        previous = name
    lines.append("title: *j")
    lines.append("---")
    front_matter, diagnostic = split_fails("\n".join(lines) + "\n")
    assert front_matter is None
    assert diagnostic.code == "KB007"


def test_an_alias_used_as_a_list_item_is_reported_on_the_line_of_the_alias():
    _, diagnostic = split_fails(doc("""
        ---
        summary: Trust and inquiry
        related:
          - agency
          - *shared
        ---
        """))
    assert (diagnostic.code, diagnostic.line) == ("KB007", 5)


def test_an_anchor_for_an_alias_is_reported_on_the_anchor_line_first():
    _, diagnostic = split_fails(doc("""
        ---
        summary: Trust and inquiry
        concepts: &shared [trust, inquiry]
        related: *shared
        ---
        """))
    assert (diagnostic.code, diagnostic.line) == ("KB007", 3)


# Nesting -----------------------------------------------------------------------------------


def test_nesting_deeper_than_the_limit_is_refused():
    depth = MAX_DEPTH + 5
    front_matter, diagnostic = split_fails("---\ntitle: Trust\nconcepts: " + "[" * depth + "]" * depth + "\n---\n")
    assert front_matter is None
    assert (diagnostic.code, diagnostic.line) == ("KB008", 3)


def test_nesting_within_the_limit_is_accepted():
    depth = MAX_DEPTH - 2
    parts = split_ok("---\nconcepts: " + "[" * depth + "]" * depth + "\n---\n")
    assert "concepts" in parts.front_matter.data


def test_nesting_a_few_thousand_levels_deep_is_a_diagnostic_not_a_crash():
    depth = 5_000
    _, diagnostic = split_fails("---\ntitle: " + "[" * depth + "]" * depth + "\n---\n")
    assert diagnostic.code == "KB008"


def test_nesting_a_hundred_thousand_levels_deep_does_not_crash_the_process(tmp_path):
    """A 200 KB file (well under the size limit) of nested brackets must give KB008.

    Run in a child process: if the YAML composer overflows the C stack, the
    interpreter dies with a segmentation fault instead of raising.
    """
    depth = 100_000
    file = tmp_path / "deep.md"
    file.write_text("---\ntitle: " + "[" * depth + "]" * depth + "\n---\n", encoding="utf-8")
    program = ("import sys\n"
               "from knowledgebase.reading.frontmatter import split\n"
               "_, diagnostics = split(open(sys.argv[1], encoding='utf-8').read(), 'deep.md')\n"
               "print(' '.join(d.code for d in diagnostics))\n")
    completed = subprocess.run([sys.executable, "-c", program, str(file)], capture_output=True, text=True,
                               timeout=60)
    assert completed.returncode == 0, f"the process died with exit status {completed.returncode}"
    assert completed.stdout.split() == ["KB008"]


# Values ------------------------------------------------------------------------------------


def test_plain_scalars_keep_their_yaml_types():
    parts = split_ok("---\nduration: 90\nfeatured: true\nnote: ~\ntitle: 'Trust: the basics'\n---\n")
    assert parts.front_matter.data == {"duration": 90, "featured": True, "note": None,
                                       "title": "Trust: the basics"}


def test_a_mapping_key_that_is_a_number_becomes_text():
    fm, diagnostics = parse_yaml("2015: a report\n", "sources.yaml")
    assert diagnostics == []
    assert fm.data == {"2015": "a report"}


def test_parse_yaml_of_an_empty_document_gives_nothing_and_no_diagnostic():
    assert parse_yaml("", "sources.yaml") == (None, [])



# One YAML reader, with libyaml or without it ------------------------------------------------------

KEYS = st.sampled_from(["title", "concepts", "kind", "n", "a-b", "x_y", "e", "updated", "aliases", "steps"] * 3
                       + ["title", "yes", "on", "null", "Title", "1"])
WORDS = st.text(alphabet=st.sampled_from("abcXY 019-./()é’"), min_size=1, max_size=10)
ODD = st.sampled_from(["2024-08-01", "2026-13-45", "2024-08-01 10:00:00", "5", "-5", "0x1F", "1_000", "1:20", ".inf",
                       ".nan", "~", "null", "yes", "No", "=", "<<", "3.5", "1e3", "", "-", "- x", "[x]", "{a: b}",
                       "'it''s'", '"tab\\there"', "&anchor x", "*alias", "!tag x", "|", ">", "%x", "@x", "`x`",
                       "x\u2028y", "x\x85y", "\ufeffx", "x\ty", "x\ry", "\xa0", "\xa0x\xa0"])
MARKS = st.sampled_from([":", ": ", " :", "#", " #", " # ", ",", "[", "]", "{", "}", "'", '"', "\\", "-", " - ", "?",
                         "&", "*", "!", "|", ">", "%", "@", "`", "  ", "\xa0", "\t"])
SCALARS = st.one_of(WORDS, WORDS, WORDS, WORDS, WORDS, st.builds(lambda a, mark, b: a + mark + b, WORDS | st.just(""), MARKS,
                                                   WORDS | st.just("")), ODD)
QUOTED = st.one_of(SCALARS, SCALARS, st.builds(lambda text, quote: quote + text + quote, SCALARS, st.sampled_from("'\"")))


@st.composite
def front_matter_texts(draw) -> str:
    """Front matter mostly of the plain shape, with characters, values and lines that YAML reads specially."""
    lines = []
    keys = draw(st.lists(KEYS, min_size=1, max_size=5, unique=True))
    for key in keys + draw(st.lists(st.sampled_from(keys), max_size=1)):   # now and then a key again
        shape = draw(st.sampled_from(["scalar"] * 4 + ["flow"] * 2 + ["block"] * 2 + ["empty", "odd"]))
        separator = draw(st.sampled_from([": "] * 6 + [":  ", ":", " :"]))
        if shape == "scalar":
            lines.append(f"{key}{separator}{draw(QUOTED)}{draw(st.sampled_from(['', '', ' ']))}")
        elif shape == "flow":
            items = draw(st.lists(QUOTED, max_size=4))
            lines.append(f"{key}{separator}[{draw(st.sampled_from([', ', ', ', ',', ' , '])).join(items)}]")
        elif shape == "block":
            lines.append(f"{key}:")
            indent = draw(st.sampled_from(["", "  ", "  ", "    "]))
            for item in draw(st.lists(QUOTED, max_size=3)):
                lines.append(f"{draw(st.sampled_from([indent, indent, indent, ' ']))}"
                             f"{draw(st.sampled_from(['- ', '- ', '- ', '-  ', '-']))}{item}")
        elif shape == "empty":
            lines.append(f"{key}:")
        else:
            lines.append(draw(st.sampled_from(["", "# a comment", "  indented: x", "  continued", "---", "...",
                                               "- item", "? key", "key: [a,", "  - a: b"])))
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=front_matter_texts(), first_line=st.integers(1, 3))
def test_libyaml_and_the_python_parser_read_front_matter_alike(monkeypatch, text, first_line):
    """The same values, lines and diagnostics (codes and lines; only a syntax error's wording is a parser's own)."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml")
    fast, fast_problems = parse_yaml(text, "x.md", first_line)
    monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    slow, slow_problems = parse_yaml(text, "x.md", first_line)
    assert [(d.code, d.line) for d in fast_problems] == [(d.code, d.line) for d in slow_problems]
    if slow is None:
        assert fast is None
    else:  # repr: a NaN is not equal to itself
        assert (repr(fast.data), fast.lines, fast.start_line) == (repr(slow.data), slow.lines, slow.start_line)


def split_line_by_line(text: str):
    """What `split` finds, read the plain way: the front matter's YAML text, the body and the body's first line,
    or None when the first line is not `---` or no later line is `---` or `...` but for trailing white space."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return None


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["-", "---", ".", "...", "\n", " ", "a", "\t", "\xa0", "x: 1", "\u2028"]),
                max_size=30).map("".join))
def test_split_finds_the_closing_marker_a_line_by_line_reading_finds(text):
    parts, diagnostics = split(text, "x.md")
    expected = split_line_by_line(text)
    if not text.strip():
        assert [d.code for d in diagnostics] == ["KB010"]
    elif expected is None:
        assert parts is None and [d.code for d in diagnostics] in (["KB003"], ["KB004"])
    else:
        yaml_text, body, body_line = expected
        front_matter, problems = parse_yaml(yaml_text, "x.md", first_line=2)
        if front_matter is not None and not isinstance(front_matter.data, dict):
            assert parts is None and [d.code for d in diagnostics] == ["KB009"]
        else:
            if front_matter is None and not problems:
                front_matter = FrontMatter({}, {}, 2)
            assert (parts.front_matter, parts.body, parts.body_line, diagnostics) == (front_matter, body, body_line,
                                                                                       problems)
