"""Article bodies are untrusted input: the body policy, from `kb check` to the published site.

The test root ``roots/hostile-bodies`` holds one page per family of hostile
constructs. Each refused construct is announced by a MyST comment on the line
above it, ``% expect: KB2xx`` (``+N`` when it sits N lines further down), so
the root itself says which diagnostic belongs on which line. A file outside
the content folder, ``secret.env``, holds a marker that must never appear in
the site, and symbolic links out of the content folder are made by the fixture.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx_support import REPO, ROOTS

from knowledgebase.bodypolicy import (
    DIRECTIVES,
    ROLES,
    check_page,
    link_scheme,
    needs_parse,
)
from knowledgebase.cli import main as kb
from knowledgebase.loader import load

ROOT = ROOTS / "hostile-bodies"
SECRET = "KB-SECRET-7f3a9c"
EXPECT = re.compile(r"^[\s>]*% expect: (KB\d{3})(?: \+(\d+))?")
EVENT_ATTRIBUTE = re.compile(r"^on", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")


def expectations() -> list[tuple[str, int, str]]:
    """(file, line, code) for every ``% expect`` comment of the test root."""
    found = []
    for file in sorted(ROOT.rglob("*.md")):
        for index, line in enumerate(file.read_text(encoding="utf-8").split("\n")):
            match = EXPECT.match(line)
            if match:
                found.append((file.relative_to(ROOT).as_posix(), index + 2 + int(match.group(2) or 0), match.group(1)))
    return found


def make_site(folder: Path) -> Path:
    """The hostile content folder in ``folder/content``, a secret beside it, and links out of it."""
    content = folder / "content"
    shutil.copytree(ROOT, content)
    (folder / "secret.env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    os.symlink("../../secret.env", content / "_assets" / "escape.png")
    os.symlink("../../secret.env", content / "articles" / "linked-notes.txt")
    return content


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("hostile"))


def found_diagnostics(content: Path) -> list[tuple[str, int, str]]:
    result = load(content)
    return sorted((Path(d.path).resolve().relative_to(content.resolve()).as_posix(), d.line, d.code)
                  for d in result.diagnostics)


# kb check ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file, line, code", expectations(), ids=lambda v: str(v))
def test_kb_check_reports_each_hostile_construct_with_its_code_on_its_line(content, file, line, code):
    assert (file, line, code) in found_diagnostics(content)


def test_kb_check_reports_nothing_but_the_expected_refusals(content):
    assert found_diagnostics(content) == sorted(expectations())


def test_the_test_root_covers_every_body_code_and_every_kind_of_page():
    cases = expectations()
    assert {code for _, _, code in cases} == {f"KB20{n}" for n in range(1, 9)}
    assert {file.split("/")[0] for file, _, _ in cases} >= {"articles", "concepts", "paths", "audiences", "index.md"}


def test_every_refusal_names_a_fix(content):
    for d in load(content).diagnostics:
        assert d.hint.strip(), d.format_text()


def test_kb_check_fails_on_a_hostile_body(content, capsys):
    assert kb(["check", "--content", str(content)]) == 1
    assert "KB202" in capsys.readouterr().out


def test_the_allowed_constructs_pass_kb_check_alone(tmp_path):
    content = make_site(tmp_path)
    page = content / "articles" / "allowed-constructs.md"
    assert check_page(page.read_text(encoding="utf-8"), page, content).findings == ()


# What the build publishes ------------------------------------------------------------------


def allowed_script_hashes(soup: BeautifulSoup) -> set[str]:
    meta = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})
    assert meta is not None, "every page carries the Content-Security-Policy"
    policy = meta["content"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    return set(re.findall(r"'sha256-([^']+)'", script_src))


def assert_nothing_hostile_published(outdir: Path) -> None:
    """No live script, no event handler, no refused URL, no foreign file, anywhere in ``outdir``."""
    pages = sorted(outdir.rglob("*.html"))
    assert pages
    for page in pages:
        text = page.read_text(encoding="utf-8")
        soup = BeautifulSoup(text, "html.parser")
        hashes = allowed_script_hashes(soup)
        for script in soup.find_all("script"):
            if script.get("src"):  # one of the site's own files, never a download or a file from content
                source = (page.parent / script["src"].split("?")[0]).resolve()
                assert link_scheme(script["src"]) is None and not script["src"].startswith("//"), (page, script)
                assert source.is_file() and source.is_relative_to(outdir.resolve()), (page, script)
                assert not source.relative_to(outdir.resolve()).as_posix().startswith(("_images", "_downloads"))
            else:
                digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
                assert digest in hashes, (page, script)
        for element in soup.find_all(True):
            handlers = [name for name in element.attrs if EVENT_ATTRIBUTE.match(name)]
            assert handlers == [], (page, element.name, handlers)
            for name in URL_ATTRIBUTES:
                if element.get(name):
                    scheme = link_scheme(str(element[name]))
                    assert scheme in (None, "http", "https", "mailto"), (page, element)
        for tag in ("iframe", "object", "embed", "base", "style"):
            assert soup.find(tag) is None or tag == "style" and soup.find(tag).parent.name == "head", (page, tag)
        assert all(form["action"] == "#" or form["action"].endswith("search.html") for form in soup.find_all("form")), page
        assert soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.IGNORECASE)}) is None, page
        assert "alert(" not in text, page
    for file in outdir.rglob("*"):
        if file.is_file():
            assert SECRET.encode() not in file.read_bytes(), file
    assert sorted(p.name for p in (outdir / "_images").iterdir()) == ["staffroom.png"]
    assert sorted(p.name for p in (outdir / "_downloads").rglob("*") if p.is_file()) == ["handout.pdf"]
    assert not (outdir / "_sources").exists() or not any((outdir / "_sources").iterdir())


@pytest.fixture(scope="module")
def kb_built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("kb-build")
    content = make_site(folder)
    out = folder / "html"
    code = kb(["build", "--strict", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(out)])
    return code, out


def test_kb_build_strict_fails_on_a_hostile_body(kb_built):
    code, _ = kb_built
    assert code != 0


def test_kb_build_publishes_no_script_handler_or_foreign_file(kb_built):
    assert_nothing_hostile_published(kb_built[1])


def test_plain_sphinx_build_with_the_project_conf_publishes_none_of_it_either(tmp_path, capfd):
    from sphinx.cmd.build import build_main

    content = make_site(tmp_path)
    out = tmp_path / "plain"
    code = build_main(["-q", "-b", "html", "-c", str(REPO), "-W", "--keep-going", str(content), str(out)])
    assert code != 0
    warnings = capfd.readouterr().err
    for file, line, code_ in expectations():
        assert f"{file}:{line}: WARNING: {code_}" in warnings, (file, line, code_)
    assert_nothing_hostile_published(out)


def test_the_build_reports_each_refusal_once(tmp_path, capfd):
    content = make_site(tmp_path)
    kb(["build", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(tmp_path / "html")])
    warnings = capfd.readouterr().err
    for file, line, code in expectations():
        assert warnings.count(f"{file}:{line}: WARNING: {code}") == 1, (file, line, code)


def test_allowed_constructs_are_published(kb_built):
    soup = BeautifulSoup((kb_built[1] / "articles" / "allowed-constructs.html").read_text(encoding="utf-8"),
                         "html.parser")
    assert soup.select_one(".admonition.note") is not None
    assert soup.find("img", src=re.compile(r"_images/staffroom\.png$")) is not None
    assert soup.find("a", href=re.compile(r"_downloads/.*/handout\.pdf$")) is not None
    assert soup.find("a", href=re.compile(r"^mailto:team")) is not None
    assert soup.select_one("details.sd-dropdown") is not None
    assert "<script>shown as code, never run</script>" in soup.find("pre").get_text()
    assert "A comment to other contributors" not in soup.get_text()


def test_the_site_carries_its_policy_as_headers_for_hosts_that_read_them(kb_built):
    headers = (kb_built[1] / "_headers").read_text(encoding="utf-8")
    assert "Content-Security-Policy: default-src 'self'" in headers
    assert "frame-ancestors 'none'" in headers


# The policy itself ------------------------------------------------------------------------


@pytest.mark.parametrize("url, scheme", [
    ("javascript:alert(1)", "javascript"),
    ("JaVaScRiPt:alert(1)", "javascript"),
    ("java%73cript:alert(1)", "javascript"),
    ("java%2573cript:alert(1)", "javascript"),
    ("javascript&#58;alert(1)", "javascript"),
    ("java\tscript:alert(1)", "javascript"),
    ("\u200bjavascript:alert(1)", "javascript"),
    (" data:text/html,x", "data"),
    ("https://example.org/a:b", "https"),
    ("../concepts/trust.md", None),
    ("#section", None),
])
def test_a_link_scheme_is_read_as_a_browser_reads_it(url, scheme):
    assert link_scheme(url) == scheme


def test_every_refused_rule_says_why_and_what_to_write_instead():
    for rule in [*DIRECTIVES.values(), *ROLES.values()]:
        assert rule.reason.strip()
        assert rule.allowed or rule.instead.strip(), rule.name


def test_the_site_extension_registers_exactly_the_project_directives_the_policy_allows():
    from knowledgebase.sphinxext.directives import DIRECTIVES as REGISTERED

    policy = {name for name, rule in DIRECTIVES.items() if name.startswith("kb-")}
    assert policy == set(REGISTERED)


_PIECES = list("ab \n`{}[]()!<>:#*-~%&;=\"'/.") + ["javascript:", "{raw}", "{note}", "{article}", "```", ":::",
                                                     "](", "x.md", "../", "md)", "](x.md)", "](../x.md)"]
_MARKDOWN = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@pytest.fixture(scope="module")
def link_targets(tmp_path_factory) -> Path:
    """A content folder whose links in the property below can name real files, inside it and outside it."""
    base = tmp_path_factory.mktemp("links")
    for page in ("x.md", "content/x.md", "content/articles/x.md"):
        (base / page).parent.mkdir(parents=True, exist_ok=True)
        (base / page).write_text("# A page\n", encoding="utf-8")
    return base / "content"


@settings(max_examples=300, deadline=None)
@given(text=_MARKDOWN, at_root=st.booleans())
def test_a_page_the_fast_path_skips_has_nothing_the_full_parse_would_refuse(link_targets, text, at_root):
    from knowledgebase.bodypolicy import _Checker

    if not needs_parse(text, at_root):
        findings: list = []
        page_dir = link_targets if at_root else link_targets / "articles"
        _Checker(page_dir, link_targets, findings).parse(text, 0)
        assert findings == []
