"""The hostile corpus: every kind of bad input a contributor (or an attacker) can put in content/.

``tests/roots/hostile/`` is a content folder of real files: a few sound records,
then one file per problem (``bad-references.md`` and ``sources.yaml`` hold
several, one per line). Cases that git cannot carry portably - bytes that are
not UTF-8, a file over the size limit, symbolic links, two names that differ
only in case - are generated into the temporary copy by :func:`add_generated_cases`.

``CASES`` is the specification: one row per case, naming the file and the
diagnostic (code, line) it must give, or no diagnostic at all where the input
is tolerated (a byte order mark, Windows line endings) and the record must load.
The whole corpus loads in one call and gives exactly these diagnostics.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import shown
from sphinx_support import ROOTS, build, copy_root

from knowledgebase.cli import main
from knowledgebase.diagnostics import CODES
from knowledgebase.load import LoadResult, load
from knowledgebase.reading.decode import MAX_FILE_BYTES

HOSTILE = ROOTS / "hostile"
# Files a YAML tag in the corpus would create if any loader ever honoured it.
TAG_MARKERS = ("yaml-tag-ran-os-system", "yaml-tag-ran-open", "yaml-tag-ran-popen")
SECRET = "SECRET-OUTSIDE-CONTENT-7f3a"


@dataclass(frozen=True)
class Case:
    file: str            # relative to the content folder
    code: str | None     # None: tolerated, no diagnostic, and the record loads
    line: int = 1


CASES = {
    # Tolerated -------------------------------------------------------------------------------
    "byte-order-mark": Case("articles/byte-order-mark.md", None),
    "crlf-line-endings": Case("articles/crlf-line-endings.md", None),
    # The front matter block ------------------------------------------------------------------
    "no-front-matter": Case("articles/no-front-matter.md", "KB003", 1),
    "unterminated-front-matter": Case("articles/unterminated-front-matter.md", "KB004", 1),
    "empty-file": Case("articles/empty.md", "KB010", 1),
    "whitespace-only-file": Case("articles/whitespace-only.md", "KB010", 1),
    # YAML syntax: the line to fix is where the problem starts ----------------------------------
    "yaml-syntax-error": Case("articles/yaml-syntax-error.md", "KB005", 3),
    "unclosed-flow-list-on-the-line-it-opens": Case("articles/unclosed-flow-list.md", "KB005", 4),
    "unclosed-quote-on-the-line-it-opens": Case("articles/unclosed-quote.md", "KB005", 2),
    "control-character-on-its-line": Case("articles/control-character.md", "KB005", 4),
    "tab-indentation": Case("articles/tab-indent.md", "KB014", 5),
    "duplicate-key-on-the-second-key": Case("articles/duplicate-key.md", "KB006", 7),
    # Wrong types -------------------------------------------------------------------------------
    "text-where-a-list-belongs": Case("articles/text-instead-of-list.md", "KB104", 4),
    "list-where-text-belongs": Case("articles/list-instead-of-text.md", "KB104", 2),
    "number-where-text-belongs": Case("articles/number-instead-of-text.md", "KB104", 2),
    "text-where-a-number-belongs": Case("paths/text-duration.md", "KB104", 5),
    "boolean-where-a-number-belongs": Case("paths/text-duration.md", "KB104", 10),
    "null-value": Case("articles/null-value.md", "KB115", 3),
    "null-list-item": Case("articles/null-list-item.md", "KB104", 7),
    "nested-mapping-where-text-belongs": Case("articles/nested-mapping.md", "KB104", 2),
    # Keys ----------------------------------------------------------------------------------------
    "unknown-key": Case("articles/unknown-key.md", "KB103", 7),
    "merge-key-is-just-an-unknown-key": Case("articles/merge-key.md", "KB103", 7),
    # Unsafe YAML: refused before anything is built ----------------------------------------------
    "deeply-nested": Case("articles/deeply-nested.md", "KB008", 3),
    "alias-bomb-refused-at-its-first-anchor": Case("articles/alias-bomb.md", "KB007", 3),
    "alias-without-anchor": Case("articles/alias-without-anchor.md", "KB007", 4),
    "python-object-apply-os-system": Case("articles/python-os-system.md", "KB007", 2),
    "python-object-apply-open": Case("articles/python-open.md", "KB007", 3),
    "python-name": Case("articles/python-name.md", "KB007", 6),
    "python-popen-in-a-list-item": Case("articles/python-popen.md", "KB007", 8),
    "local-include-tag": Case("articles/local-tag.md", "KB007", 2),
    # Encoding and size (generated) ---------------------------------------------------------------
    "windows-1252-byte-in-the-title": Case("articles/windows-1252.md", "KB001", 2),
    "latin-1-byte-in-the-body": Case("articles/bad-byte-in-body.md", "KB001", 9),
    "binary-file": Case("articles/binary.md", "KB001", 1),
    "file-over-the-size-limit": Case("articles/oversize.md", "KB002", 1),
    # Ids in file names ---------------------------------------------------------------------------
    "file-name-with-capitals": Case("articles/Capital-Letters.md", "KB011", 1),
    "file-name-with-a-space": Case("articles/with space.md", "KB011", 1),
    "file-name-with-a-dot": Case("articles/dotted.name.md", "KB011", 1),
    "file-name-with-two-dots": Case("articles/dot..dot.md", "KB011", 1),
    "file-names-differing-only-in-case": Case("articles/Trust-First.md", "KB012", 1),
    # Ids in reference fields ---------------------------------------------------------------------
    "reference-with-capitals": Case("articles/bad-references.md", "KB114", 8),
    "reference-with-a-space": Case("articles/bad-references.md", "KB114", 9),
    "reference-with-a-dot": Case("articles/bad-references.md", "KB114", 10),
    "reference-climbing-out-with-dot-dot": Case("articles/bad-references.md", "KB114", 11),
    "reference-with-a-slash": Case("articles/bad-references.md", "KB114", 12),
    "reference-that-is-an-absolute-path": Case("articles/bad-references.md", "KB114", 13),
    "source-reference-climbing-out": Case("articles/bad-references.md", "KB114", 15),
    "path-step-climbing-out": Case("paths/traversal-step.md", "KB114", 12),
    "source-id-with-capitals-and-underscore": Case("sources.yaml", "KB114", 18),
    # Links out of the content folder (generated) ---------------------------------------------------
    "relative-link-outside-content": Case("articles/link-outside.md", "KB013", 1),
    "absolute-link-to-etc-passwd": Case("articles/link-to-etc-passwd.md", "KB013", 1),
    # Between records -----------------------------------------------------------------------------
    "alias-equal-to-another-concepts-id": Case("concepts/alias-clash.md", "KB113", 5),
    "prerequisite-cycle": Case("articles/cycle-a.md", "KB111", 7),
    "path-step-naming-a-missing-article": Case("paths/missing-article-step.md", "KB110", 12),
    # Addresses -----------------------------------------------------------------------------------
    "javascript-url": Case("sources.yaml", "KB118", 8),
    "data-url": Case("sources.yaml", "KB118", 12),
    "url-breaking-out-of-its-attribute": Case("sources.yaml", "KB118", 16),
}

# Records that are sound (or only partly wrong) and must load despite everything around them.
SOUND_ARTICLES = {"trust-first", "inquiry-habits", "byte-order-mark", "crlf-line-endings", "cycle-a", "cycle-b",
                  "cycle-c", "bad-references"}


def add_generated_cases(content: Path, outside: Path) -> None:
    """Write the cases that cannot live in git: bad bytes, an oversize file, links, a case twin."""
    articles = content / "articles"
    front = ("---\ntitle: {title}\nsummary: A generated hostile file.\nconcepts: [trust]\n"
             "audience: [teacher]\nkind: guide\n---\n")
    (articles / "windows-1252.md").write_bytes(
        b"---\ntitle: \x93Smart quotes\x94 saved as Windows-1252\nsummary: Not UTF-8.\n---\n")
    (articles / "bad-byte-in-body.md").write_bytes(
        front.format(title="A bad byte in the body").encode() + b"\nA caf\xe9 saved as Latin-1.\n")
    (articles / "binary.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)))
    (articles / "control-character.md").write_bytes(
        b"---\ntitle: A control character\nsummary: The kind holds a NUL byte.\nkind: gu\x00ide\n"
        b"concepts: [trust]\naudience: [teacher]\n---\n")
    head = front.format(title="Over the size limit").encode()
    (articles / "oversize.md").write_bytes(head + b"x" * (MAX_FILE_BYTES + 1 - len(head)))
    shutil.copyfile(articles / "trust-first.md", articles / "Trust-First.md")
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.md").write_text(front.format(title="A secret") + f"\n{SECRET}\n", encoding="utf-8")
    os.symlink(os.path.relpath(outside / "secret.md", articles), articles / "link-outside.md")
    os.symlink("/etc/passwd", articles / "link-to-etc-passwd.md")


def make_hostile_corpus(folder: Path) -> Path:
    content = folder / "content"
    shutil.copytree(HOSTILE, content)
    add_generated_cases(content, folder / "outside")
    return content


@dataclass
class Loaded:
    folder: Path
    content: Path
    result: LoadResult


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Loaded:
    """The hostile corpus, loaded once from its parent folder (so files show as ``content/...``)."""
    folder = tmp_path_factory.mktemp("hostile")
    content = make_hostile_corpus(folder)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        result = load(Path("content"))
    return Loaded(folder, content, result)


def found(result: LoadResult) -> Counter:
    return Counter((d.code, d.path, d.line) for d in result.diagnostics)


def expected() -> Counter:
    return Counter((c.code, shown(c.file), c.line) for c in CASES.values() if c.code is not None)


# One row per case ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_hostile_case_gives_its_expected_diagnostic(hostile, case):
    diagnostics = hostile.result.diagnostics
    listing = "\n".join(d.format_text() for d in diagnostics if d.path == shown(case.file))
    if case.code is None:
        assert listing == "", f"{case.file} should be tolerated, got:\n{listing}"
        assert Path(case.file).stem in hostile.result.kb.articles
    else:
        reported = (case.code, shown(case.file), case.line) in found(hostile.result)
        assert reported, f"expected {case.code} at {shown(case.file)}:{case.line}, got:\n{listing or '(nothing)'}"


# The corpus as a whole -------------------------------------------------------------------------


def test_the_whole_hostile_corpus_loads_in_one_call_with_exactly_the_expected_diagnostics(tmp_path, monkeypatch):
    make_hostile_corpus(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = load(Path("content"))  # never raises: everything is a diagnostic
    actual, wanted = found(result), expected()
    assert actual == wanted, (
        "missing: " + repr(sorted((wanted - actual).elements()))
        + "\nunexpected: " + repr(sorted((actual - wanted).elements())))


def test_sound_records_of_the_hostile_corpus_still_load(hostile):
    kb = hostile.result.kb
    assert SOUND_ARTICLES <= set(kb.articles)
    assert {"trust", "inquiry", "agency", "alias-clash"} <= set(kb.concepts)
    assert {"good-source", "script-url"} <= set(kb.sources)
    assert {"missing-article-step", "traversal-step"} <= set(kb.paths)


def test_refused_addresses_never_reach_the_loaded_sources(hostile):
    urls = {s.id: s.url for s in hostile.result.kb.sources.values()}
    assert urls["good-source"] == "https://example.org/report"
    assert urls["script-url"] is None and urls["data-url"] is None and urls["quote-url"] is None


def test_refused_references_name_nothing_in_the_loaded_corpus(hostile):
    kb = hostile.result.kb
    assert kb.articles["bad-references"].prerequisites == ()
    assert kb.articles["bad-references"].sources == ()
    assert [s.article for s in kb.paths["traversal-step"].steps] == ["trust-first"]
    assert [s.article for s in kb.paths["missing-article-step"].steps] == ["trust-first"]


def test_a_file_that_links_outside_content_is_never_read_into_the_corpus(hostile):
    assert "link-outside" not in hostile.result.kb.articles
    assert "link-to-etc-passwd" not in hostile.result.kb.articles
    assert not any(SECRET in a.title or SECRET in a.summary for a in hostile.result.kb.articles.values())


def test_every_diagnostic_uses_a_documented_code_and_a_real_line(hostile):
    for d in hostile.result.diagnostics:
        assert d.code in CODES, d
        assert d.line >= 1, d


def test_every_diagnostic_message_fits_on_one_line(hostile):
    """`kb check` prints one `file:line: ...` line per problem; a newline in a message breaks that."""
    multi_line = [d for d in hostile.result.diagnostics if "\n" in d.message or "\n" in d.hint]
    assert multi_line == [], "\n".join(repr(d) for d in multi_line)


def test_kb_check_reports_every_hostile_case_and_exits_with_1(hostile, monkeypatch):
    monkeypatch.chdir(hostile.folder)
    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(io.StringIO()):
        status = main(["check", "--content", "content", "--format", "json"])
    assert status == 1
    reported = Counter((d["code"], d["path"], d["line"]) for d in json.loads(out.getvalue())["diagnostics"])
    assert reported == found(hostile.result)


def test_the_fixture_files_keep_their_hostile_bytes():
    """Guards the fixtures themselves: an editor or git must not have normalised them away."""
    articles = HOSTILE / "articles"
    assert (articles / "byte-order-mark.md").read_bytes().startswith(b"\xef\xbb\xbf---\n")
    crlf = (articles / "crlf-line-endings.md").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 5
    assert b"\n\t- trust" in (articles / "tab-indent.md").read_bytes()
    assert (articles / "empty.md").read_bytes() == b""
    assert (articles / "whitespace-only.md").read_bytes().strip() == b""


# YAML tags never run code ---------------------------------------------------------------------


def test_no_yaml_tag_in_the_hostile_corpus_ran_code(hostile):
    for marker in TAG_MARKERS:
        assert not (hostile.folder / marker).exists(), f"a YAML tag ran and created {marker}"
        assert not list(hostile.folder.rglob(marker)), f"a YAML tag ran and created {marker}"


def _front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n")[1]


@pytest.mark.parametrize("file, marker", [
    ("python-os-system.md", "yaml-tag-ran-os-system"),
    ("python-open.md", "yaml-tag-ran-open"),
    ("python-popen.md", "yaml-tag-ran-popen"),
])
def test_the_tag_payloads_are_live_so_their_refusal_means_something(tmp_path, monkeypatch, file, marker):
    """Control: PyYAML's unsafe loader, given the same front matter, does run the payload."""
    monkeypatch.chdir(tmp_path)
    loaded = yaml.unsafe_load(_front_matter(HOSTILE / "articles" / file))
    for value in (loaded or {}).values():  # a Popen object: wait so that `touch` has finished
        for item in value if isinstance(value, list) else [value]:
            if hasattr(item, "wait"):
                item.wait()
            if hasattr(item, "close"):
                item.close()
    assert (tmp_path / marker).exists()


# A sources file is a content file too -----------------------------------------------------------


def test_a_sources_file_that_links_outside_content_is_refused(corpus, workdir):
    content = corpus()
    outside = workdir / "outside.yaml"
    outside.write_text(f"leaked:\n  title: {SECRET}\n", encoding="utf-8")
    (content / "sources.yaml").unlink()
    os.symlink(os.path.relpath(outside, content), content / "sources.yaml")
    result = load(content)
    assert "leaked" not in result.kb.sources
    refused = ("KB013", shown("sources.yaml"), 1) in found(result)
    assert refused, "no KB013 for content/sources.yaml, got:\n" + "\n".join(d.format_text() for d in result.diagnostics)


# The site built from hostile files --------------------------------------------------------------


def _site_with(tmp_path: Path, extra) -> Path:
    srcdir = copy_root("site-basic", tmp_path)
    extra(srcdir)
    return srcdir


def test_the_site_build_reports_a_file_that_is_not_utf8_instead_of_crashing(tmp_path):
    def add(srcdir: Path) -> None:
        (srcdir / "articles" / "windows-1252.md").write_bytes(
            b"---\ntitle: \x93Smart quotes\x94\nsummary: Not UTF-8.\n---\n\nBody.\n")

    srcdir = _site_with(tmp_path, add)
    try:
        site = build(srcdir)
    except Exception as error:  # noqa: BLE001 - the behaviour under test is "no exception"
        pytest.fail(f"the build raised {type(error).__name__}: {error}")
    assert "KB001" in site.warnings
    assert (site.outdir / "articles" / "trust-first.html").is_file()


def test_the_site_never_publishes_a_file_linked_from_outside_content(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(
        "---\ntitle: Leaked\nsummary: Outside content.\nconcepts: [trust]\naudience: [teacher]\nkind: guide\n---\n\n"
        f"{SECRET}\n", encoding="utf-8")

    def add(srcdir: Path) -> None:
        os.symlink(os.path.relpath(outside / "secret.md", srcdir / "articles"), srcdir / "articles" / "leak.md")

    site = build(_site_with(tmp_path, add))
    assert "KB013" in site.warnings
    leaked = [p.relative_to(site.outdir).as_posix() for p in site.outdir.rglob("*")
              if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == [], f"text from outside content/ was published in: {leaked}"
