"""Every diagnostic code, produced by a real mistake in a real file, on the right line.

Each test loads the base corpus with one file added or changed and checks the
code, the file, the exact line of the offending YAML node (or body line), the
message and that a hint tells the contributor what to do.
"""

from __future__ import annotations

import os
import re
import textwrap
from itertools import pairwise
from pathlib import Path

import pytest

from conftest import BASE_FILES, article, codes, make_corpus, only, shown
from knowledgebase.diagnostics import CODES, Severity
from knowledgebase.reading.decode import MAX_FILE_BYTES
from knowledgebase.reading.frontmatter import MAX_DEPTH
from knowledgebase.load import load


def doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def expect(result, code: str, relative: str, line: int, *in_message: str, alone: bool = True):
    """The one diagnostic ``code`` of ``result``: in ``relative`` at ``line``, with a hint."""
    diagnostic = only(result, code)
    if alone:
        assert codes(result) == [code], "\n".join(d.format_text() for d in result.diagnostics)
    assert diagnostic.path == shown(relative)
    assert diagnostic.line == line, diagnostic.format_text()
    for fragment in in_message:
        assert fragment in diagnostic.message, diagnostic.format_text()
    assert diagnostic.hint.strip(), f"{code} has no hint: {diagnostic.format_text()}"
    assert diagnostic.severity == CODES[code].severity
    return diagnostic


NEW = "articles/staff-meeting.md"

# Lines: 1 ---, 2 title, 3 summary, 4 concepts, 5 audience, 6 kind, then extra fields, then ---.
_FIELDS = {
    "title": "Leading a staff meeting about trust",
    "summary": "How to open a conversation about trust without making it feel like an inspection.",
    "concepts": "[trust, inquiry]",
    "audience": "[headteacher, middle-leader]",
    "kind": "guide",
}


def staff_meeting(body: str = "Start with a story from your own teaching, not with the data.\n", **fields: str | None) -> str:
    """A valid article whose fields can be replaced (``None`` removes one; new names are appended)."""
    values = {**_FIELDS, **fields}
    lines = ["---"]
    for name, value in values.items():
        if value is None:
            continue
        separator = " " if value and not value.startswith("\n") else ""  # a block value starts on the next line
        lines.append(f"{name}:{separator}{value}")
    lines += ["---", "", body]
    return "\n".join(lines)


def path_file(steps: str, duration: int | str = 90) -> str:
    """A reading path whose ``steps:`` key is on line 7 and its first step on line 8."""
    head = doc(f"""
        ---
        title: Welcoming new staff
        summary: A session for new staff on how the school learns together.
        audience: [teacher]
        duration: {duration}
        outcomes: [Describe how monitoring works here.]
        steps:
        """)
    return head + textwrap.indent(textwrap.dedent(steps).strip("\n"), "  ") + "\n---\n\nRun this in the first week.\n"


NEW_PATH = "paths/new-staff.md"


# The base corpus ---------------------------------------------------------------------------


def test_the_base_corpus_loads_without_any_diagnostic(load_corpus):
    result = load_corpus()
    assert result.diagnostics == []
    kb = result.kb
    assert (len(kb.articles), len(kb.concepts), len(kb.audiences), len(kb.sources), len(kb.paths)) == (6, 5, 3, 3, 1)


# Codes only the build reports, on what it writes out: their tests build a site, in test_body_policy.py.
BUILD_ONLY = ("KB212", "KB213")


def test_every_code_has_a_test_here():
    source = Path(__file__).read_text(encoding="utf-8")
    build_tests = (Path(__file__).parent / "test_body_policy.py").read_text(encoding="utf-8")
    untested = [code for code in CODES if f'"{code}"' not in (build_tests if code in BUILD_ONLY else source)]
    assert untested == []


# Files and YAML: KB001-KB014 ---------------------------------------------------------------

WINDOWS_1252 = (b"---\ntitle: Staffroom culture\nsummary: Why the staffroom matters.\n"
                b"concepts: [trust]\naudience: [teacher]\nkind: reflection\n---\n\n"
                b"\x93Nobody talks about teaching in here,\x94 a new teacher told me.\n")


def test_kb001_an_invalid_utf8_byte_is_reported_on_its_line(load_corpus):
    result = load_corpus({"articles/staffroom.md": WINDOWS_1252})
    expect(result, "KB001", "articles/staffroom.md", 9, "0x93")


def test_kb001_the_line_of_a_bad_byte_is_right_in_a_file_with_a_byte_order_mark(load_corpus):
    result = load_corpus({"articles/staffroom.md": b"\xef\xbb\xbf" + WINDOWS_1252})
    expect(result, "KB001", "articles/staffroom.md", 9, "0x93")


def test_kb002_a_file_over_the_size_limit_is_not_read(load_corpus):
    head = staff_meeting(body="")
    padding = "Trust grows slowly. " * (MAX_FILE_BYTES // 20 + 1)
    result = load_corpus({NEW: head + padding})
    assert (Path("content") / NEW).stat().st_size > MAX_FILE_BYTES
    expect(result, "KB002", NEW, 1, f"{MAX_FILE_BYTES // 1024} KB")
    assert "staff-meeting" not in result.kb.articles


def test_kb002_a_file_exactly_at_the_size_limit_is_read(load_corpus):
    head = staff_meeting(body="")
    text = head + "x" * (MAX_FILE_BYTES - len(head.encode("utf-8")))
    result = load_corpus({NEW: text})
    assert len(text.encode("utf-8")) == MAX_FILE_BYTES
    assert result.diagnostics == []


def test_kb003_a_file_without_front_matter(load_corpus):
    result = load_corpus({NEW: "# Leading a staff meeting\n\nStart with a story.\n"})
    expect(result, "KB003", NEW, 1)


def test_kb004_front_matter_never_closed(load_corpus):
    result = load_corpus({NEW: "---\ntitle: Leading a staff meeting\n\nStart with a story.\n"})
    expect(result, "KB004", NEW, 1)


def test_kb005_yaml_syntax_error_on_its_line(load_corpus):
    result = load_corpus({NEW: staff_meeting(summary="Trust: the basics of a good staff meeting")})
    expect(result, "KB005", NEW, 3)


def test_kb006_duplicate_key_with_both_lines(load_corpus):
    # keyword arguments cannot repeat `concepts`, so write a placeholder field and rename it
    text = staff_meeting(updated="2026-11-22", second="[agency]").replace("second:", "concepts:")
    result = load_corpus({NEW: text})
    expect(result, "KB006", NEW, 8, "`concepts` appears twice", "first on line 4")


def test_kb006_a_source_id_written_twice_in_sources_yaml_is_a_duplicate_key_and_the_first_entry_wins(load_corpus):
    """What happens to a duplicated source id: the YAML layer reports KB006 (not KB112) and
    keeps the first entry, so articles citing the id still resolve against it."""
    sources = BASE_FILES["sources.yaml"] + "trust-report:\n  title: A second report about trust\n  kind: report\n"
    result = load_corpus({"sources.yaml": sources})
    diagnostic = expect(result, "KB006", "sources.yaml", 17, "`trust-report` appears twice", "first on line 2")
    assert result.kb.sources["trust-report"].title == "Trust in schools"
    assert diagnostic.severity is Severity.ERROR


def test_kb007_a_yaml_tag_is_refused(load_corpus):
    result = load_corpus({NEW: staff_meeting(title="!!python/object/apply:os.system ['echo owned']")})
    expect(result, "KB007", NEW, 2, "tag")
    assert "staff-meeting" not in result.kb.articles


def test_kb007_an_alias_is_refused(load_corpus):
    result = load_corpus({NEW: staff_meeting(concepts="[trust, inquiry]", related_reading="*both")})
    expect(result, "KB007", NEW, 7, "alias")


def test_kb007_an_anchor_is_refused_on_its_own_line(load_corpus):
    result = load_corpus({NEW: staff_meeting(concepts="&both [trust, inquiry]", related_reading="*both")})
    expect(result, "KB007", NEW, 4, "anchor")


def test_kb008_front_matter_nested_too_deeply(load_corpus):
    depth = MAX_DEPTH + 10
    result = load_corpus({NEW: staff_meeting(concepts="[trust]", questions="[" * depth + "]" * depth)})
    expect(result, "KB008", NEW, 7)


def test_kb009_front_matter_that_is_a_list(load_corpus):
    result = load_corpus({NEW: "---\n- Leading a staff meeting\n- trust\n---\n\nBody.\n"})
    expect(result, "KB009", NEW, 2)


def test_kb009_sources_yaml_that_is_a_list(load_corpus):
    result = load_corpus({"sources.yaml": "- trust-report\n- stake-essay\n"})
    expect(result, "KB009", "sources.yaml", 1, alone=False)
    assert result.kb.sources == {}


def test_kb010_an_empty_file(load_corpus):
    result = load_corpus({NEW: "\n  \n"})
    expect(result, "KB010", NEW, 1)


@pytest.mark.parametrize("name, suggestion", [
    ("Staff Meeting.md", "staff-meeting.md"),
    ("staff_meeting.md", "staff-meeting.md"),
    ("staff--meeting.md", "staff-meeting.md"),
])
def test_kb011_a_file_name_that_is_not_an_id(load_corpus, name, suggestion):
    result = load_corpus({f"articles/{name}": staff_meeting()})
    diagnostic = expect(result, "KB011", f"articles/{name}", 1)
    assert suggestion in diagnostic.hint


def _case_insensitive(folder: Path) -> bool:
    probe = folder / "CaseProbe"
    probe.write_text("x")
    try:
        return (folder / "caseprobe").exists()
    finally:
        probe.unlink()


def test_kb012_two_files_whose_ids_differ_only_in_case(workdir):
    if _case_insensitive(workdir):
        pytest.skip("the file system does not distinguish letter case")
    content = make_corpus(workdir, {"articles/Trust-Before-Tests.md": article("Trust before tests, again", ["trust"])})
    result = load(content)
    expect(result, "KB012", "articles/Trust-Before-Tests.md", 1, "trust-before-tests.md", alone=False)


def test_kb013_a_link_to_a_file_outside_the_content_folder(corpus, workdir):
    outside = workdir / "elsewhere" / "secret.md"
    outside.parent.mkdir()
    outside.write_text(staff_meeting(), encoding="utf-8")
    content = corpus()
    try:
        os.symlink(outside, content / "articles" / "secret.md")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    result = load(content)
    expect(result, "KB013", "articles/secret.md", 1)
    assert "secret" not in result.kb.articles


def test_kb013_is_not_raised_for_a_link_to_another_file_inside_the_content_folder(corpus):
    content = corpus()
    try:
        os.symlink(content / "articles" / "teacher-led-inquiry.md", content / "articles" / "inquiry-case.md")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    result = load(content)
    assert "KB013" not in codes(result)
    assert "inquiry-case" in result.kb.articles


def test_kb014_a_tab_used_for_indentation(load_corpus):
    result = load_corpus({NEW: staff_meeting(concepts="\n  - trust\n\t- inquiry")})
    expect(result, "KB014", NEW, 6)


def test_kb015_a_control_character_written_as_a_yaml_escape_in_a_title(load_corpus):
    result = load_corpus({NEW: staff_meeting(title='"Leading a staff meeting \\x1b[31m about trust"')})
    diagnostic = expect(result, "KB015", NEW, 2, "U+001B")
    assert "\x1b" not in diagnostic.format_text()  # a terminal printing the message is not given the escape
    assert result.kb.articles["staff-meeting"].title == "Leading a staff meeting [31m about trust"


def test_kb015_a_right_to_left_override_in_a_body_line(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="Start with a story.\n\nTrust \u202eesrever first.\n")})
    expect(result, "KB015", NEW, 11, "U+202E")


def test_kb016_a_linked_folder_is_reported_and_never_followed(corpus, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "notes.md").write_text("# Notes from elsewhere\n", encoding="utf-8")
    content = corpus()
    try:
        os.symlink(outside, content / "extra")
        os.symlink(".", content / "again")
    except (OSError, NotImplementedError):
        pytest.skip("symbolic links are not available here")
    result = load(content)
    assert sorted((d.code, d.path) for d in result.diagnostics) == [("KB016", shown("again")),
                                                                   ("KB016", shown("extra"))]
    assert not any("notes.md" in page for page in result.pages)


def test_kb017_a_hand_made_page_named_like_the_search_page(load_corpus):
    result = load_corpus({"search.md": "# Search\n\nMy own words about searching.\n"})
    expect(result, "KB017", "search.md", 1, "search.html")


def test_kb017_a_page_in_the_folder_of_the_reading_packs(load_corpus):
    result = load_corpus({"paths/pack/welcome.md": "# Welcome pack\n"})
    expect(result, "KB017", "paths/pack/welcome.md", 1, "paths/pack/")


def test_kb018_myst_configuration_in_an_article_front_matter(load_corpus):
    result = load_corpus({NEW: staff_meeting(myst="\n  enable_extensions: [dollarmath]")})
    expect(result, "KB018", NEW, 7, "`myst`")


def test_kb018_substitutions_in_a_hand_made_page(load_corpus):
    page = "---\nsubstitutions:\n  who: the head\n---\n# About\n\nWritten by {{ who }}.\n"
    expect(load_corpus({"about.md": page}), "KB018", "about.md", 2, "`substitutions`")


def test_kb124_research_shows_without_a_source_that_reports_research(load_corpus):
    body = "Start with a story.\n\nResearch shows that trust comes before tests.\n"
    result = load_corpus({NEW: staff_meeting(body=body, sources="[stake-essay]")})
    expect(result, "KB124", NEW, 12, "research or evidence shows")


def test_kb124_is_not_raised_when_the_article_cites_a_research_report(load_corpus):
    sources = BASE_FILES["sources.yaml"] + "trust-study:\n  title: A study of trust\n  kind: research-report\n"
    body = "Start with a story.\n\nResearch shows that trust comes before tests.\n"
    result = load_corpus({NEW: staff_meeting(body=body, sources="[trust-study]"), "sources.yaml": sources})
    assert "KB124" not in codes(result)


# Bodies: KB201-KB211 (the body policy; every construct is in test_body_policy.py) ------------


def test_kb201_raw_html_in_a_body(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="<div onclick=\"steal()\">Read me</div>\n")})
    expect(result, "KB201", NEW, 9, "HTML")


def test_kb202_a_directive_that_inserts_another_file(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="```{include} ../../.env\n```\n")})
    expect(result, "KB202", NEW, 9, "`{include}`")


def test_kb203_a_directive_the_site_does_not_allow_suggests_the_nearest(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="```{notes}\nA typo.\n```\n")})
    diagnostic = expect(result, "KB203", NEW, 9, "`{notes}`")
    assert "`note`" in diagnostic.hint


def test_kb204_the_download_role(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="Take {download}`../../conf.py` home.\n")})
    expect(result, "KB204", NEW, 9, "`{download}`")


def test_kb205_a_javascript_link_in_mixed_case(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="[Open](JavaScript:alert(1))\n")})
    expect(result, "KB205", NEW, 9, "`javascript:`")


def test_kb206_an_image_from_outside_the_asset_folder(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="![A secret](../../.env)\n")})
    expect(result, "KB206", NEW, 9, "content/_assets/")


def test_kb207_an_svg_image(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="![A map](../_assets/map.svg)\n"),
                          "_assets/map.svg": "<svg xmlns=\"http://www.w3.org/2000/svg\"/>\n"})
    expect(result, "KB207", NEW, 9, "map.svg")


def test_kb208_an_event_handler_as_an_inline_attribute(load_corpus):
    result = load_corpus({NEW: staff_meeting(body="A [span]{onclick=\"steal()\"} of text.\n")})
    expect(result, "KB208", NEW, 9, "`onclick`")


def test_kb209_a_visible_glob_toctree_on_the_home_page(load_corpus):
    home = "# Home\n\n```{toctree}\n:glob:\n\narticles/*\n```\n"
    result = load_corpus({"index.md": home})
    expect(result, "KB209", "index.md", 3, "`articles/*`")


def test_kb210_directives_nested_past_the_limit(load_corpus):
    depth = 25
    body = "".join(f"{':' * (3 + depth - i)}{{note}}\n" for i in range(depth)) + "Inside.\n"
    body += "".join(f"{':' * (4 + i)}\n" for i in range(depth))
    result = load_corpus({NEW: staff_meeting(body=body)})
    expect(result, "KB210", NEW, 9 + 20, "21 deep")


def test_kb210_is_reported_without_a_traceback_however_deep(load_corpus):
    depth = 400
    body = "".join(f"{':' * (3 + depth - i)}{{note}}\n" for i in range(depth)) + "Inside.\n"
    body += "".join(f"{':' * (4 + i)}\n" for i in range(depth))
    expect(load_corpus({NEW: staff_meeting(body=body)}), "KB210", NEW, 9 + 20)


def test_kb211_a_generated_block_repeated_past_the_limit(load_corpus):
    body = "```{kb-glossary}\n```\n\n" * 9
    expect(load_corpus({NEW: staff_meeting(body=body)}), "KB211", NEW, 9 + 3 * 8, "number 9")


def test_kb211_record_roles_past_the_limit(load_corpus):
    body = "Trust: " + " ".join(["{concept}`trust`"] * 300) + "\n\nAnd again, {concept}`trust`.\n"
    expect(load_corpus({NEW: staff_meeting(body=body)}), "KB211", NEW, 11, "number 301")


def test_kb209_is_not_raised_for_a_hidden_glob_toctree(load_corpus):
    home = "# Home\n\n```{toctree}\n:hidden:\n:glob:\n\narticles/*\n```\n"
    assert "KB209" not in codes(load_corpus({"index.md": home}))


# Fields: KB101-KB123 -----------------------------------------------------------------------


def test_kb101_a_missing_required_field_points_at_the_front_matter(load_corpus):
    result = load_corpus({NEW: staff_meeting(summary=None)})
    expect(result, "KB101", NEW, 2, "`summary`")
    assert "staff-meeting" not in result.kb.articles


def test_kb101_a_missing_field_in_a_step_points_at_the_step(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 15
          when: pre-reading
        - article: monitoring-as-a-process
          when: in-session
        """)})
    expect(result, "KB101", NEW_PATH, 11, "`minutes`", "step 2")


def test_kb102_an_unknown_concept_suggests_the_nearest(load_corpus):
    result = load_corpus({NEW: staff_meeting(concepts="\n  - inquiry\n  - trsut")})
    diagnostic = expect(result, "KB102", NEW, 6, "`trsut`")
    assert diagnostic.hint == "did you mean `trust`?"


def test_kb102_an_unknown_concept_in_a_body_role_is_reported_on_its_body_line(load_corpus):
    body = "Open with a question.\n\nThen talk about {concept}`psychological safety` and listen.\n"
    result = load_corpus({NEW: staff_meeting(body=body)})
    expect(result, "KB102", NEW, 11, "`psychological safety`")


def test_kb103_an_unknown_key_suggests_the_right_one(load_corpus):
    result = load_corpus({NEW: staff_meeting(concept="[agency]")})
    diagnostic = expect(result, "KB103", NEW, 7, "`concept`")
    assert diagnostic.hint == "did you mean `concepts`?"


def test_kb103_an_unknown_key_in_a_step_names_the_step(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 15
          when: pre-reading
          prompts: What felt familiar?
        """)})
    diagnostic = expect(result, "KB103", NEW_PATH, 11, "`prompts`", "step 1")
    assert "`prompt`" in diagnostic.hint


WRONG_TYPES = [
    # (case, file, text, line, words in the message, words in the hint)
    ("text-for-list", NEW, staff_meeting(concepts="trust"), 4,
     ("`concepts` should be a list, not text",), "`concepts: [trust]`"),
    ("list-for-text", NEW, staff_meeting(title="[Trust, staff meetings]"), 2,
     ("`title` should be text, not a list",), "title"),
    ("number-for-text", NEW, staff_meeting(title="2026"), 2,
     ("`title` should be text, not a number",), "quotes"),
    ("boolean-for-choice", NEW, staff_meeting(kind="yes"), 6,
     ("`kind` should be one of guide", "not true/false"), "kind"),
    ("null-list-item", NEW, staff_meeting(concepts="\n  - trust\n  - ~"), 6,
     ("each entry of `concepts` should be an id, not nothing",), "concepts"),
    ("number-list-item", NEW, staff_meeting(audience="[headteacher, 2015]"), 5,
     ("each entry of `audience` should be an id, not a number",), "audience"),
    ("mapping-for-text", NEW, staff_meeting(summary="\n  Trust: the basics"), 3,
     ("`summary` should be text, not a mapping",), "quotes"),
    ("mapping-in-text-list", NEW, staff_meeting(questions="\n  - What is trust?\n  - Trust: who earns it first?"), 9,
     ("`questions` should be text, not a mapping",), "quotes"),
    ("text-for-text-list", NEW, staff_meeting(questions="What would you stop doing?"), 7,
     ("`questions` should be a list, not text",), "make it a list"),
    ("text-for-number", NEW_PATH, path_file("- article: trust-before-tests\n  minutes: 15\n  when: pre-reading",
                                            duration="ninety"), 5,
     ("`duration` should be a whole number, not text",), "duration"),
    ("fraction-for-number", NEW_PATH, path_file("- article: trust-before-tests\n  minutes: 12.5\n  when: pre-reading"),
     9, ("`minutes` should be a whole number",), "minutes"),
    ("text-for-step", NEW_PATH, path_file("- trust-before-tests"), 8,
     ("step 1 should be a mapping",), "template"),
    ("text-for-steps", NEW_PATH, path_file("").replace("steps:\n", "steps: trust-before-tests\n"), 7,
     ("`steps` should be a list of steps, not text",), "steps"),
    ("text-for-source", "sources.yaml", BASE_FILES["sources.yaml"] + "new-report: Who bears the risk?\n", 17,
     ("source `new-report` should be a mapping",), "title"),
]


@pytest.mark.parametrize("relative, text, line, in_message, in_hint",
                         [case[1:] for case in WRONG_TYPES], ids=[case[0] for case in WRONG_TYPES])
def test_kb104_a_value_of_the_wrong_type(load_corpus, relative, text, line, in_message, in_hint):
    result = load_corpus({relative: text})
    diagnostic = expect(result, "KB104", relative, line, *in_message, alone=False)
    assert in_hint in diagnostic.hint
    assert set(codes(result)) <= {"KB104", "KB101", "KB303"}


def test_kb104_the_hint_for_steps_written_as_text_does_not_suggest_an_empty_list(load_corpus):
    """`steps: []` is itself an error (KB303), so the fix a hint shows must not be it."""
    result = load_corpus({NEW_PATH: path_file("").replace("steps:\n", "steps: trust-before-tests\n")})
    hint = only(result, "KB104").hint
    assert "steps: []" not in hint


def test_kb105_a_summary_over_the_limit(load_corpus):
    summary = " ".join(("Trust between teachers and leaders grows when leaders listen before they judge. " * 4).split())
    summary = summary[:300] + "s"
    assert len(summary) == 301 and summary == " ".join(summary.split())
    result = load_corpus({NEW: staff_meeting(summary=summary)})
    expect(result, "KB105", NEW, 3, "301 characters", "300")


def test_kb105_white_space_does_not_count_towards_the_limit(load_corpus):
    summary = "Trust grows when leaders listen.    " + "x" * 267  # 303 characters, 300 once spaces collapse
    result = load_corpus({NEW: staff_meeting(summary=summary)})
    assert result.diagnostics == []


EXTRA_CONCEPTS = {
    "concepts/collaboration.md": "---\nlabel: Collaboration\ndefinition: Working on shared problems with colleagues.\n---\n",
    "concepts/equity.md": "---\nlabel: Equity\ndefinition: Giving every pupil what they need to learn well.\n---\n",
}


def test_kb106_seven_concepts_is_one_too_many(load_corpus):
    seven = "[trust, inquiry, agency, skin-in-the-game, evaluation-as-process, collaboration, equity]"
    result = load_corpus({**EXTRA_CONCEPTS, NEW: staff_meeting(concepts=seven)})
    expect(result, "KB106", NEW, 4, "7 items", "6")


def test_kb106_six_concepts_are_allowed(load_corpus):
    six = "[trust, inquiry, agency, skin-in-the-game, evaluation-as-process, collaboration]"
    result = load_corpus({**EXTRA_CONCEPTS, NEW: staff_meeting(concepts=six)})
    assert result.errors == []
    assert len(result.kb.articles["staff-meeting"].concepts) == 6


def test_kb106_seven_prerequisites_is_one_too_many(load_corpus):
    seven = ("[trust-before-tests, monitoring-as-a-process, teacher-led-inquiry, skin-in-the-game-explained, "
             "research-on-trust, leading-as-lead-learner, trust-before-tests]")
    result = load_corpus({NEW: staff_meeting(prerequisites=seven)})
    expect(result, "KB106", NEW, 7, "7 items", alone=False)


def test_kb106_zero_concepts_is_reported_once_as_an_empty_value(load_corpus):
    """`concepts: []` breaks the 1..6 rule; the engine words it as an empty field (KB115), once."""
    result = load_corpus({NEW: staff_meeting(concepts="[]")})
    expect(result, "KB115", NEW, 4, "`concepts` is empty")


def test_kb107_an_unknown_audience_suggests_the_nearest(load_corpus):
    result = load_corpus({NEW: staff_meeting(audience="[middle-leader, head-teacher]")})
    diagnostic = expect(result, "KB107", NEW, 5, "`head-teacher`")
    assert diagnostic.hint == "did you mean `headteacher`?"


@pytest.mark.parametrize("value, hint", [("guid", "did you mean `guide`?"), ("tutorial", "")],
                         ids=["near-miss", "documented-example"])
def test_kb108_a_kind_that_is_not_one_of_the_choices(load_corpus, value, hint):
    result = load_corpus({NEW: staff_meeting(kind=value)})
    diagnostic = expect(result, "KB108", NEW, 6, f"`{value}`", "guide, explainer, case-study, research-summary, reflection")
    if hint:
        assert diagnostic.hint == hint


def test_kb108_a_step_when_that_is_not_one_of_the_choices(load_corpus):
    result = load_corpus({NEW_PATH: path_file("- article: trust-before-tests\n  minutes: 15\n  when: pre-read")})
    diagnostic = expect(result, "KB108", NEW_PATH, 10, "`pre-read`", alone=False)
    assert diagnostic.hint == "did you mean `pre-reading`?"


def test_kb109_an_unknown_source_suggests_the_nearest(load_corpus):
    result = load_corpus({NEW: staff_meeting(sources="\n  - stake-essay\n  - trust-reprot")})
    diagnostic = expect(result, "KB109", NEW, 9, "`trust-reprot`")
    assert diagnostic.hint == "did you mean `trust-report`?"


def test_kb110_an_unknown_prerequisite(load_corpus):
    result = load_corpus({NEW: staff_meeting(prerequisites="[trust-before-test]")})
    diagnostic = expect(result, "KB110", NEW, 7, "`trust-before-test`")
    assert diagnostic.hint == "did you mean `trust-before-tests`?"


@pytest.mark.parametrize("body, target", [
    ("First read {article}`the trust guide <trust-before-test>`.", "trust-before-test"),
    ("First read [the trust guide](trust-before-test.md).", "trust-before-test"),
    ("First read [the trust guide](../articles/no-such-guide.md#why).", "no-such-guide"),
], ids=["role", "markdown-link", "relative-link-with-anchor"])
def test_kb110_an_unknown_article_in_the_body(load_corpus, body, target):
    result = load_corpus({NEW: staff_meeting(body="Some context.\n\n" + body + "\n")})
    expect(result, "KB110", NEW, 11, f"`{target}`")


def test_kb110_an_unknown_article_in_a_path_step(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 15
          when: pre-reading
        - article: monitoring-as-an-event
          minutes: 20
          when: in-session
        """)})
    diagnostic = expect(result, "KB110", NEW_PATH, 11, "`monitoring-as-an-event`")
    assert diagnostic.hint == "did you mean `monitoring-as-a-process`?"


def test_kb111_a_prerequisite_cycle_is_spelled_out(load_corpus):
    trust = BASE_FILES["articles/trust-before-tests.md"].replace(
        "updated: 2026-11-22\n", "updated: 2026-11-22\nprerequisites: [teacher-led-inquiry]\n")
    inquiry = BASE_FILES["articles/teacher-led-inquiry.md"].replace(
        "kind: case-study\n", "kind: case-study\nprerequisites: [monitoring-as-a-process]\n")
    result = load_corpus({"articles/trust-before-tests.md": trust, "articles/teacher-led-inquiry.md": inquiry})
    diagnostic = expect(result, "KB111", "articles/monitoring-as-a-process.md", 7,
                        "`monitoring-as-a-process` requires `trust-before-tests` requires `teacher-led-inquiry` "
                        "requires `monitoring-as-a-process`", alone=False)
    assert "remove" in diagnostic.hint
    # the path reads the three in order, which the cycle now makes impossible; that is a warning of its own
    assert set(codes(result)) == {"KB111", "KB302"}


def test_kb111_two_articles_requiring_each_other(load_corpus):
    trust = BASE_FILES["articles/trust-before-tests.md"].replace(
        "updated: 2026-11-22\n", "updated: 2026-11-22\nprerequisites: [monitoring-as-a-process]\n")
    result = load_corpus({"articles/trust-before-tests.md": trust})
    expect(result, "KB111", "articles/monitoring-as-a-process.md", 7,
           "`monitoring-as-a-process` requires `trust-before-tests` requires `monitoring-as-a-process`", alone=False)
    assert set(codes(result)) == {"KB111", "KB302"}


def test_kb111_every_independent_prerequisite_cycle_is_reported_with_its_own_members(load_corpus):
    result = load_corpus({
        # coaching-one also requires the other cycle: its own cycle must still be the one reported
        "articles/coaching-one.md": article("Coaching one", ["trust"], prerequisites=["observing-one", "coaching-two"]),
        "articles/coaching-two.md": article("Coaching two", ["trust"], prerequisites=["coaching-one"]),
        "articles/observing-one.md": article("Observing one", ["inquiry"], prerequisites=["observing-two"]),
        "articles/observing-two.md": article("Observing two", ["inquiry"], prerequisites=["observing-three"]),
        "articles/observing-three.md": article("Observing three", ["inquiry"], prerequisites=["observing-one"]),
    })
    assert codes(result) == ["KB111", "KB111"]
    found = sorted((d.path, d.line, d.message) for d in result.diagnostics)
    assert found == [
        (shown("articles/coaching-one.md"), 7,
         "prerequisites form a cycle: `coaching-one` requires `coaching-two` requires `coaching-one`"),
        (shown("articles/observing-one.md"), 7,
         "prerequisites form a cycle: `observing-one` requires `observing-two` requires `observing-three` "
         "requires `observing-one`"),
    ]


def test_kb113_an_alias_that_is_another_concepts_id(load_corpus):
    agency = BASE_FILES["concepts/agency.md"].replace("aliases: [teacher agency]",
                                                      "aliases:\n  - teacher agency\n  - trust")
    result = load_corpus({"concepts/agency.md": agency})
    expect(result, "KB113", "concepts/agency.md", 5, "`trust`", "`trust`")


def test_kb113_an_alias_that_is_another_concepts_alias_in_other_words(load_corpus):
    stake = BASE_FILES["concepts/skin-in-the-game.md"].replace("aliases: [ownership of risk]",
                                                               "aliases: [ownership of risk, Teacher  Agency]")
    result = load_corpus({"concepts/skin-in-the-game.md": stake})
    expect(result, "KB113", "concepts/skin-in-the-game.md", 3, "`Teacher Agency`", "`agency`")
    assert result.kb.aliases["teacher-agency"] == "agency"


@pytest.mark.parametrize("relative, text, line, bad, suggestion", [
    (NEW, staff_meeting(prerequisites="\n  - trust-before-tests\n  - Lead_Learner"), 9, "Lead_Learner",
     "lead-learner"),
    ("sources.yaml", BASE_FILES["sources.yaml"] + "Trust Report 2016:\n  title: Trust, a year later\n", 17,
     "Trust Report 2016", "trust-report-2016"),
    (NEW_PATH, path_file("- article: Trust-Before-Tests\n  minutes: 15\n  when: pre-reading"), 8,
     "Trust-Before-Tests", "trust-before-tests"),
], ids=["prerequisite", "source-key", "step-article"])
def test_kb114_an_id_that_is_not_a_slug(load_corpus, relative, text, line, bad, suggestion):
    result = load_corpus({relative: text})
    diagnostic = expect(result, "KB114", relative, line, f"`{bad}`", alone=False)
    assert f"`{suggestion}`" in diagnostic.hint
    assert set(codes(result)) <= {"KB114", "KB101"}


@pytest.mark.parametrize("field, value, line", [
    ("title", "", 2),
    ("summary", '"   "', 3),
    ("kind", "~", 6),
    ("audience", "[]", 5),
], ids=["title-blank", "summary-spaces", "kind-null", "audience-empty-list"])
def test_kb115_a_field_that_is_present_but_empty(load_corpus, field, value, line):
    result = load_corpus({NEW: staff_meeting(**{field: value})})
    expect(result, "KB115", NEW, line, f"`{field}` is empty")


@pytest.mark.parametrize("concepts, line, in_message", [
    ("\n  - trust\n  - inquiry\n  - trust", 7, "`trust` is listed twice"),
    ("\n  - trust\n  - inquiry\n  - relational trust", 7, "`relational trust` names `trust`"),
    ("\n  - relational trust\n  - Trust", 6, "`Trust` names `trust`"),
], ids=["same-id", "alias-after-id", "label-after-alias"])
def test_kb116_a_list_naming_one_item_twice(load_corpus, concepts, line, in_message):
    result = load_corpus({NEW: staff_meeting(concepts=concepts)})
    expect(result, "KB116", NEW, line, in_message)


def test_kb117_a_research_summary_without_sources(load_corpus):
    result = load_corpus({NEW: staff_meeting(kind="research-summary")})
    expect(result, "KB117", NEW, 6, "research summary")


def test_kb117_is_not_raised_for_a_guide_without_sources(load_corpus):
    assert load_corpus({NEW: staff_meeting(kind="guide")}).diagnostics == []


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JavaScript:alert(document.cookie)",
                                 "data:text/html,<script>alert(1)</script>", "//example.org/report.pdf",
                                 'https://example.org/"onmouseover="alert(1)'],
                         ids=["javascript", "javascript-mixed-case", "data", "protocol-relative", "quote"])
def test_kb118_a_url_that_is_not_a_plain_http_address(load_corpus, url):
    sources = BASE_FILES["sources.yaml"].replace("https://example.org/trust-in-schools.pdf", f"'{url}'")
    result = load_corpus({"sources.yaml": sources})
    expect(result, "KB118", "sources.yaml", 8, "`url`")
    assert result.kb.sources["trust-report"].url is None


def test_kb119_an_unknown_path_role_in_a_body(load_corpus):
    body = "This guide is part of a longer session.\n\nSee {path}`trust-for-enquiry` for the plan.\n"
    result = load_corpus({NEW: staff_meeting(body=body)})
    diagnostic = expect(result, "KB119", NEW, 11, "`trust-for-enquiry`")
    assert diagnostic.hint == "did you mean `trust-for-inquiry`?"


BROADER_CYCLE = {
    "concepts/agency.md": BASE_FILES["concepts/agency.md"].replace(
        "related: [skin-in-the-game]", "broader: [trust]\nrelated: [skin-in-the-game]"),
    "concepts/trust.md": BASE_FILES["concepts/trust.md"].replace(
        "related: [inquiry, agency]", "broader: [skin-in-the-game]\nrelated: [inquiry, agency]"),
}


def test_kb120_a_broader_cycle_is_spelled_out(load_corpus):
    result = load_corpus(BROADER_CYCLE)
    diagnostic = expect(result, "KB120", "concepts/agency.md", 5)
    for concept in ("`agency`", "`trust`", "`skin-in-the-game`"):
        assert concept in diagnostic.message


def test_kb120_the_cycle_message_states_each_broader_relation_the_right_way_round(load_corpus):
    """agency lists trust as broader, so trust is broader than agency, not the reverse."""
    result = load_corpus(BROADER_CYCLE)
    message = only(result, "KB120").message
    chain = re.findall(r"`([a-z-]+)`", message)
    assert len(chain) == 4 and chain[0] == chain[-1]
    broader = {cid: set(c.broader) for cid, c in result.kb.concepts.items()}
    if "is broader than" in message:
        assert all(first in broader[second] for first, second in pairwise(chain)), message
    else:
        assert all(second in broader[first] for first, second in pairwise(chain)), message


@pytest.mark.parametrize("value", ["22/11/2026", "2026-13-45", "next term", "2026"])
def test_kb121_a_date_that_is_not_an_iso_date(load_corpus, value):
    result = load_corpus({NEW: staff_meeting(updated=value)})
    expect(result, "KB121", NEW, 7, "`updated`")


def test_kb122_an_article_that_is_its_own_prerequisite(load_corpus):
    result = load_corpus({NEW: staff_meeting(prerequisites="[trust-before-tests, staff-meeting]")})
    expect(result, "KB122", NEW, 7, "`staff-meeting` lists itself in `prerequisites`")
    assert result.kb.articles["staff-meeting"].prerequisites == ("trust-before-tests",)


def test_kb122_a_concept_related_to_itself_by_an_alias(load_corpus):
    trust = BASE_FILES["concepts/trust.md"].replace("related: [inquiry, agency]",
                                                    "related:\n  - inquiry\n  - relational trust")
    result = load_corpus({"concepts/trust.md": trust})
    expect(result, "KB122", "concepts/trust.md", 7, "`trust` lists itself in `related`")


@pytest.mark.parametrize("minutes", ["0", "601"])
def test_kb123_step_minutes_out_of_range(load_corpus, minutes):
    result = load_corpus({NEW_PATH: path_file(f"- article: trust-before-tests\n  minutes: {minutes}\n  when: pre-reading")})
    expect(result, "KB123", NEW_PATH, 9, f"is {minutes}", "between 1 and 600", alone=False)


def test_kb123_a_path_duration_below_the_minimum(load_corpus):
    result = load_corpus({NEW_PATH: path_file("- article: trust-before-tests\n  minutes: 15\n  when: pre-reading",
                                              duration=2)})
    expect(result, "KB123", NEW_PATH, 5, "`duration` is 2", alone=False)


# Reading paths: KB301-KB305 ----------------------------------------------------------------


def test_kb301_in_session_steps_longer_than_the_session(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 40
          when: pre-reading
        - article: teacher-led-inquiry
          minutes: 25
          when: in-session
        - article: research-on-trust
          minutes: 20
          when: in-session
        """, duration=30)})
    expect(result, "KB301", NEW_PATH, 5, "45 minutes", "30")


def test_kb301_is_not_raised_when_in_session_steps_fill_the_session_exactly(load_corpus):
    result = load_corpus({NEW_PATH: path_file("- article: teacher-led-inquiry\n  minutes: 30\n  when: in-session",
                                              duration=30)})
    assert result.diagnostics == []


def test_kb302_a_step_before_its_prerequisite_gives_the_fixed_order(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: teacher-led-inquiry
          minutes: 20
          when: pre-reading
        - article: monitoring-as-a-process
          minutes: 20
          when: in-session
        - article: trust-before-tests
          minutes: 20
          when: in-session
        """)})
    diagnostic = expect(result, "KB302", NEW_PATH, 11, "step 2 (`monitoring-as-a-process`)",
                        "`trust-before-tests` (step 3)")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.hint == "reorder the steps: teacher-led-inquiry, trust-before-tests, monitoring-as-a-process"


def test_kb302_a_step_whose_prerequisite_the_path_leaves_out(load_corpus):
    result = load_corpus({NEW_PATH: path_file("- article: monitoring-as-a-process\n  minutes: 20\n  when: in-session")})
    diagnostic = expect(result, "KB302", NEW_PATH, 8, "`trust-before-tests`")
    assert "article: trust-before-tests" in diagnostic.hint


def test_kb303_a_path_without_steps(load_corpus):
    result = load_corpus({NEW_PATH: path_file("").replace("steps:\n", "steps: []\n")})
    expect(result, "KB303", NEW_PATH, 7)
    assert "new-staff" not in result.kb.paths


def test_kb304_a_placeholder_left_for_the_facilitator(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 15
          when: pre-reading
          facilitator: TODO(trainer) say how to pair people
        """)})
    diagnostic = expect(result, "KB304", NEW_PATH, 11, "`facilitator`", "TODO(")
    assert diagnostic.severity is Severity.WARNING
    assert result.kb.paths["new-staff"].steps[0].facilitator.startswith("TODO(")


def test_kb304_the_word_todo_without_the_marker_is_not_a_placeholder(load_corpus):
    result = load_corpus({NEW: staff_meeting(summary="A todo list for the first staff meeting (TODO lists help).")})
    assert result.diagnostics == []


def test_kb305_a_path_using_one_article_twice(load_corpus):
    result = load_corpus({NEW_PATH: path_file("""
        - article: trust-before-tests
          minutes: 15
          when: pre-reading
        - article: teacher-led-inquiry
          minutes: 20
          when: in-session
        - article: trust-before-tests
          minutes: 10
          when: follow-up
        """)})
    diagnostic = expect(result, "KB305", NEW_PATH, 14, "step 1")
    assert diagnostic.severity is Severity.WARNING


# Corpus-level advice: KB401 ----------------------------------------------------------------


def test_kb401_a_concept_no_article_uses(load_corpus):
    page = doc("""
        ---
        label: Peer challenge
        definition: Colleagues from other schools questioning a school's view of itself.
        ---

        Peer challenge works when it is invited and reciprocal.
        """)
    result = load_corpus({"concepts/peer-challenge.md": page})
    diagnostic = expect(result, "KB401", "concepts/peer-challenge.md", 1)
    assert diagnostic.severity is Severity.WARNING


# Many mistakes at once ---------------------------------------------------------------------

MANY_MISTAKES = {
    "articles/typo-concept.md": staff_meeting(concepts="\n  - inquiry\n  - trsut"),              # KB102 line 6
    "articles/typo-key.md": staff_meeting(concept="[agency]"),                                    # KB103 line 7
    "articles/no-summary.md": staff_meeting(summary=None),                                        # KB101 line 2
    "articles/bad-yaml.md": staff_meeting(summary="Trust: the basics"),                           # KB005 line 3
    "articles/latin1.md": WINDOWS_1252,                                                           # KB001 line 9
    "articles/bad-kind.md": staff_meeting(kind="guid"),                                           # KB108 line 6
    "articles/bad-date.md": staff_meeting(updated="22/11/2026"),                                  # KB121 line 7
    "articles/wrong-type.md": staff_meeting(concepts="trust"),                                    # KB104 line 4
    "articles/no-sources.md": staff_meeting(kind="research-summary"),                             # KB117 line 6
    "articles/bad-audience.md": staff_meeting(audience="[head-teacher]"),                         # KB107 line 5
    "articles/tabbed.md": staff_meeting(concepts="\n  - trust\n\t- inquiry"),                     # KB014 line 6
    "articles/Bad Name.md": staff_meeting(),                                                      # KB011 line 1
    "articles/empty.md": "",                                                                      # KB010 line 1
    "articles/self.md": staff_meeting(prerequisites="[self]"),                                    # KB122 line 7
    NEW_PATH: path_file("- article: trust-before-tests\n  minutes: 0\n  when: pre-reading"),      # KB123 line 9
}

EXPECTED_MISTAKES = {
    ("articles/typo-concept.md", 6, "KB102"), ("articles/typo-key.md", 7, "KB103"),
    ("articles/no-summary.md", 2, "KB101"), ("articles/bad-yaml.md", 3, "KB005"),
    ("articles/latin1.md", 9, "KB001"), ("articles/bad-kind.md", 6, "KB108"),
    ("articles/bad-date.md", 7, "KB121"), ("articles/wrong-type.md", 4, "KB104"),
    ("articles/no-sources.md", 6, "KB117"), ("articles/bad-audience.md", 5, "KB107"),
    ("articles/tabbed.md", 6, "KB014"), ("articles/Bad Name.md", 1, "KB011"),
    ("articles/empty.md", 1, "KB010"), ("articles/self.md", 7, "KB122"),
    (NEW_PATH, 9, "KB123"),
}


def test_a_corpus_with_many_mistakes_reports_every_one_in_a_single_load(load_corpus):
    result = load_corpus(MANY_MISTAKES)
    found = {(d.path, d.line, d.code) for d in result.diagnostics}
    assert found == {(shown(relative), line, code) for relative, line, code in EXPECTED_MISTAKES}
    assert all(d.hint for d in result.diagnostics)
    # whatever is sound is still loaded
    assert "trust-before-tests" in result.kb.articles
    assert "self" in result.kb.articles
    assert "bad-date" in result.kb.articles and result.kb.articles["bad-date"].updated is None


def test_diagnostics_come_sorted_by_file_then_line(load_corpus):
    result = load_corpus(MANY_MISTAKES)
    keys = [d.sort_key() for d in result.diagnostics]
    assert keys == sorted(keys)


def test_a_missing_content_folder_is_a_diagnostic_not_an_exception(workdir):
    result = load(workdir / "no-such-folder")
    assert codes(result) == ["KB101"]
    assert result.kb.articles == {}


def test_the_type_of_a_code_names_exactly_the_codes_there_are():
    from typing import get_args

    from knowledgebase.diagnostics import ALL_CODES, CodeId

    assert list(get_args(CodeId)) == [code.code for code in ALL_CODES]
