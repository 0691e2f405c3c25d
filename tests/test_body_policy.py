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
import subprocess
import sys
import xml.dom.minidom
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from sphinx_support import REPO, ROOTS

from knowledgebase.reading.bodypolicy.addresses import link_scheme
from knowledgebase.reading.bodypolicy.check import check_page, needs_parse
from knowledgebase.reading.bodypolicy.rules import DIRECTIVES, ROLES
from knowledgebase.characters import FORBIDDEN
from knowledgebase.cli import main as kb
from knowledgebase.load import load
from knowledgebase.sphinxext import safety
from knowledgebase.sphinxext.html import published
from knowledgebase.sphinxext.html.published import MAX_PAGE_BYTES

ROOT = ROOTS / "hostile-bodies"
SECRET = "KB-SECRET-7f3a9c"
# `% expect: KB2xx` names the line below; `+N` the line N further down; `@N` line N of the file.
EXPECT = re.compile(r"^[\s>]*% expect: (KB\d{3})(?: \+(\d+)| @(\d+))?")
# Made by the fixture, being too large or too odd to keep in the repository: (file, line, code).
DEEP, REPEATED = "articles/very-deep-nesting.md", "articles/a-thousand-glossaries.md"
MADE_BY_FIXTURE = [(DEEP, 9 + 20, "KB210"), *((REPEATED, 9 + 3 * n, "KB211") for n in range(8, 1000)),
                   ("extra", 1, "KB016"), ("loop-a", 1, "KB016"), ("loop-b", 1, "KB016")]
EVENT_ATTRIBUTE = re.compile(r"^on", re.IGNORECASE)
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "poster", "srcset")


def expectations() -> list[tuple[str, int, str]]:
    """(file, line, code) for every ``% expect`` comment of the test root."""
    found = []
    for file in sorted(ROOT.rglob("*.md")):
        for index, line in enumerate(file.read_text(encoding="utf-8").split("\n")):
            match = EXPECT.match(line)
            if match:
                at = int(match.group(3)) if match.group(3) else index + 2 + int(match.group(2) or 0)
                found.append((file.relative_to(ROOT).as_posix(), at, match.group(1)))
    return found


ARTICLE_HEAD = ("---\ntitle: {title}\nsummary: A page that tries one family of hostile constructs.\n"
                "concepts: [trust]\naudience: [headteacher]\nkind: guide\n---\n\n")


def make_site(folder: Path) -> Path:
    """The hostile content folder in ``folder/content``, a secret beside it, links out of it and around it,
    and the pages too large for the repository (see MADE_BY_FIXTURE)."""
    content = folder / "content"
    shutil.copytree(ROOT, content)
    (folder / "secret.env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    (folder / "elsewhere").mkdir()
    (folder / "elsewhere" / "notes.md").write_text(f"# Notes from elsewhere\n\n{SECRET}\n", encoding="utf-8")
    os.symlink("../../secret.env", content / "_assets" / "escape.png")
    os.symlink("../../secret.env", content / "articles" / "linked-notes.txt")
    os.symlink("../elsewhere", content / "extra")
    os.symlink(".", content / "loop-a")
    os.symlink(".", content / "loop-b")
    depth = 360  # 138 KB of fences: past Python's recursion limit if anything followed them all
    (content / DEEP).write_text(ARTICLE_HEAD.format(title="Very deep nesting")
                                + "".join(f"{':' * (3 + depth - i)}{{note}}\n" for i in range(depth)) + "Deep.\n"
                                + "".join(f"{':' * (4 + i)}\n" for i in range(depth)), encoding="utf-8")
    (content / REPEATED).write_text(ARTICLE_HEAD.format(title="A thousand glossaries")
                                    + "```{kb-glossary}\n```\n\n" * 1000, encoding="utf-8")
    return content


@pytest.fixture(scope="module")
def content(tmp_path_factory) -> Path:
    return make_site(tmp_path_factory.mktemp("hostile"))


def found_diagnostics(content: Path) -> list[tuple[str, int, str]]:
    result = load(content)
    return sorted((Path(os.path.relpath(os.path.abspath(d.path), os.path.abspath(content))).as_posix(), d.line, d.code)
                  for d in result.diagnostics)


# kb check ----------------------------------------------------------------------------------


@pytest.mark.parametrize("file, line, code", expectations(), ids=lambda v: str(v))
def test_kb_check_reports_each_hostile_construct_with_its_code_on_its_line(content, file, line, code):
    assert (file, line, code) in found_diagnostics(content)


def test_kb_check_reports_nothing_but_the_expected_refusals(content):
    assert found_diagnostics(content) == sorted(expectations() + MADE_BY_FIXTURE)


def test_the_test_root_covers_every_refusal_code_and_every_kind_of_page():
    cases = expectations() + MADE_BY_FIXTURE
    refusals = {"KB015", "KB016", "KB017", "KB018", *(f"KB20{n}" for n in range(1, 9)), "KB210", "KB211"}
    assert {code for _, _, code in cases} == refusals
    assert {file.split("/")[0] for file, _, _ in cases} >= {"articles", "concepts", "paths", "audiences", "index.md"}


def test_kb_check_names_every_case_without_a_traceback(content):
    result = subprocess.run([sys.executable, "-m", "knowledgebase", "check", "--content", str(content)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and result.stderr.strip() == "", result.stderr[-2000:]


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
    assert_published_output_is_safe(outdir)
    assert not any(part.startswith(("extra", "loop-")) for p in outdir.rglob("*") for part in p.parts[-1:])
    assert sorted(p.name for p in (outdir / "_images").iterdir()) == ["staffroom.png"]
    assert sorted(p.name for p in (outdir / "_downloads").rglob("*") if p.is_file()) == ["handout.pdf"]
    assert not (outdir / "_sources").exists() or not any((outdir / "_sources").iterdir())


def assert_published_output_is_safe(outdir: Path) -> None:
    """What holds of any site the build publishes, whatever its content: no script but the site's own and
    the theme's hashed snippets, no event handler, no refused address, no secret, no forbidden character,
    no page over the size limit, and a feed that parses."""
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
            # A payload may be published as words on the page, never inside markup (addresses are held
            # to the scheme rule below: `#javascript:alert(1)` is only an anchor on the same page).
            assert not any("alert(" in str(value) for name, value in element.attrs.items()
                           if name not in URL_ATTRIBUTES), (page, element)
            for name in URL_ATTRIBUTES:
                if element.get(name):
                    scheme = link_scheme(str(element[name]))
                    assert scheme in (None, "http", "https", "mailto"), (page, element)
        for tag in ("iframe", "object", "embed", "base", "style"):
            assert soup.find(tag) is None or tag == "style" and soup.find(tag).parent.name == "head", (page, tag)
        assert all(form["action"] == "#" or form["action"].endswith("search.html") for form in soup.find_all("form")), page
        assert soup.find("meta", attrs={"http-equiv": re.compile("refresh", re.IGNORECASE)}) is None, page
    for file in outdir.rglob("*"):
        if file.is_file():
            data = file.read_bytes()
            assert SECRET.encode() not in data, file
            if file.suffix in (".html", ".js", ".json", ".xml", ".txt"):
                assert FORBIDDEN.search(data.decode("utf-8")) is None, file
            if file.suffix == ".html":
                assert len(data) <= MAX_PAGE_BYTES, (file, len(data))
    xml.dom.minidom.parse(str(outdir / "feed.xml"))  # the feed is readable XML


def kb_build(folder: Path, *options: str) -> tuple[int, Path]:
    """``kb build`` as a user runs it, in a process of its own that must finish within a bound."""
    content = make_site(folder)
    out = folder / "html"
    result = subprocess.run([sys.executable, "-m", "knowledgebase", "build", "-q", *options, "--content", str(content),
                             "--conf", str(REPO), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return result.returncode, out


@pytest.fixture(scope="module")
def kb_built(tmp_path_factory):
    return kb_build(tmp_path_factory.mktemp("kb-build"), "--strict")


def test_kb_build_strict_fails_on_a_hostile_body(kb_built):
    code, _ = kb_built
    assert code == 1


def test_kb_build_publishes_no_script_handler_or_foreign_file(kb_built):
    assert_nothing_hostile_published(kb_built[1])


def test_kb_build_without_strict_finishes_and_publishes_none_of_it(tmp_path):
    code, out = kb_build(tmp_path)
    assert code == 0
    assert_nothing_hostile_published(out)


def test_plain_sphinx_build_with_the_project_conf_publishes_none_of_it_either(tmp_path, capfd):
    from sphinx.cmd.build import build_main

    content = make_site(tmp_path)
    out = tmp_path / "plain"
    code = build_main(["-q", "-b", "html", "-c", str(REPO), "-W", "--keep-going", str(content), str(out)])
    assert code != 0
    warnings = capfd.readouterr().err
    for file, line, code_ in expectations() + MADE_BY_FIXTURE:
        assert f"{file}:{line}: WARNING: {code_}" in warnings, (file, line, code_)
    assert_nothing_hostile_published(out)


def test_the_build_reports_each_refusal_once(tmp_path, capfd):
    content = make_site(tmp_path)
    kb(["build", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(tmp_path / "html")])
    warnings = capfd.readouterr().err
    for file, line, code in expectations() + MADE_BY_FIXTURE:
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
    from knowledgebase.reading.bodypolicy.check import _Checker

    if not needs_parse(text, at_root):
        findings: list = []
        page_dir = link_targets if at_root else link_targets / "articles"
        _Checker(page_dir, link_targets, findings).parse(text, 0, 0)
        assert findings == []


# Build-only codes: what only the output layers can see ------------------------------------


def test_kb212_a_page_that_comes_out_too_large_is_replaced_by_a_notice(tmp_path):
    content = make_site(tmp_path)
    row = "|" + "|".join(["x"] * 100) + "|\n"
    table = row + "|" + "|".join(["-"] * 100) + "|\n" + row * 900
    (content / "articles" / "huge-table.md").write_text(ARTICLE_HEAD.format(title="A huge table") + table,
                                                         encoding="utf-8")
    assert check_page((content / "articles" / "huge-table.md").read_text(encoding="utf-8"),
                      content / "articles" / "huge-table.md", content).findings == ()
    code, out = kb_build_existing(content, tmp_path / "html")
    page = (out / "articles" / "huge-table.html").read_text(encoding="utf-8")
    assert len(page.encode()) <= MAX_PAGE_BYTES and "This page is too large to publish" in page
    assert "KB212" in code[1]


def kb_build_existing(content: Path, out: Path, *options: str) -> tuple[tuple[int, str], Path]:
    result = subprocess.run([sys.executable, "-m", "knowledgebase", "build", "-q", *options, "--content", str(content),
                             "--conf", str(REPO), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    return (result.returncode, result.stderr), out


# One verdict, and every layer enough on its own: generated hostile bodies ----------------------
#
# The policy is held in three layers, each built to stop everything by itself: the source check (kb check's
# findings, blanked before MyST reads the page), the read-time transform (safety.RemoveUnsafeNodes) and the
# output guard (html/published.py). Each construct below carries a marker word. With every layer on, the build
# must drop exactly what kb check reported, on the lines it reported, and nothing later may find more; with
# only one layer on, what is published must still be safe. Removing any layer fails one of these builds.

_HOSTILE_INLINE = [("[{m}](javascript:alert(1))", "KB205"), ("[{m}](JaVaScRiPt:alert(1))", "KB205"),
                   ("[{m}](java%73cript:alert(1))", "KB205"), ("[{m}](data:text/html,alert(1))", "KB205"),
                   ("{m} ![x](../../secret.env)", "KB206"), ("{m} ![x](https://example.org/pixel.png)", "KB206"),
                   ("{m} {{math}}`x^2`", "KB204"), ("{m} {{raw}}`<script>alert(1)</script>`", "KB204"),
                   ("{m} <script>alert(1)</script>", "KB201"), ("{m} {{download}}`../../secret.env`", "KB204")]
_BENIGN_INLINE = ["[{m}](https://example.org/)", "{m} {{concept}}`trust`", "**{m}**", "{m}",
                  "{m} ![a staff room](../_assets/staffroom.png)", "[{m}](mailto:team@example.org)"]


class _Body:
    """A generated body: its lines, the (line, code) kb check must report, and each marker's fate."""

    def __init__(self, random):
        self.random = random
        self.lines: list[str] = []
        self.expected: list[tuple[int, str]] = []
        self.markers: dict[str, bool] = {}   # marker -> published
        self.count = 0

    def marker(self) -> str:
        self.count += 1
        return f"zqm{self.random.randrange(10 ** 6):06d}x{self.count}"

    def inline(self, hostile: bool, visible: bool) -> tuple[str, str | None]:
        """Inline text; the code kb check must give it, or None."""
        m = self.marker()
        self.markers[m] = visible and not hostile
        if hostile:
            text, code = self.random.choice(_HOSTILE_INLINE)
            return text.format(m=m), code
        return self.random.choice(_BENIGN_INLINE).format(m=m), None

    def add(self, line: str, code: str | None = None) -> None:
        if code:
            self.expected.append((len(self.lines), code))
        self.lines.append(line)

    def blocks(self, depth: int, visible: bool) -> None:
        for _ in range(self.random.randint(1, 3)):
            self.block(depth, visible)
            self.add("")

    def block(self, depth: int, visible: bool) -> None:
        r = self.random
        hostile = r.random() < 0.3
        kind = r.choice(["paragraph", "paragraph", "html", "refused", "unknown", "titled", "titled", "caption",
                         "card", "toctree"] if depth < 3 else ["paragraph", "html", "toctree"])
        fence = ":" * (3 + 3 - depth)
        if kind == "paragraph":
            text, code = self.inline(hostile, visible)
            self.add(text, code)
        elif kind in ("html", "refused", "unknown"):
            m = self.marker()
            self.markers[m] = False
            if kind == "html":
                self.add(f"<div>{m}<script>alert(1)</script></div>", "KB201")
            elif kind == "refused":
                self.add("```{raw} html", "KB202")
                self.add(f"<p>{m}</p><script>alert(1)</script>")
                self.add("```")
            else:
                self.add(f"{fence}{{math}}", "KB203")
                self.add(f"x^2 {m}")
                self.add(fence)
        elif kind == "titled":
            name = r.choice(["admonition", "dropdown", "topic"] if depth == 0 else ["admonition", "dropdown"])
            title, code = self.inline(hostile, visible)
            self.add(f"{fence}{{{name}}} {title}", code)
            self.blocks(depth + 1, visible and not hostile)
            self.add(fence)
        elif kind == "caption":
            m = self.marker()
            caption, code = self.inline(hostile, visible)
            self.add("```{code-block} text")
            self.add(f":caption: {caption}", code)
            self.add(f"code {m}")
            self.add("```")
            self.markers[m] = visible and not hostile
        elif kind == "card":
            quote = r.choice(['"', "'", ""])
            link = "javascript:alert(1)" if hostile else "https://example.org/"
            self.add(f"{fence}{{card}} A card")
            self.add(f":link: {quote}{link}{quote}", "KB205" if hostile else None)
            self.add("")
            self.blocks(depth + 1, visible and not hostile)
            self.add(fence)
        else:
            m = self.marker()
            target = "javascript:alert(1)//://" if hostile else "https://example.org/guide"
            self.add("```{toctree}")
            self.add(f"{m} <{target}>", "KB205" if hostile else None)
            self.add("```")
            self.markers[m] = visible and not hostile


PROPERTY_PAGES = 300
PROPERTY_SEED = 20261207


@pytest.fixture(scope="module")
def generated_corpus(tmp_path_factory) -> tuple[Path, dict[str, _Body]]:
    import random

    content = tmp_path_factory.mktemp("generated") / "content"
    for name in ("index.md", "sources.yaml", "concepts/trust.md", "audiences/headteacher.md",
                 "_assets/staffroom.png"):
        (content / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, content / name)
    (content / "concepts" / "trust.md").write_text("---\nlabel: Trust\ndefinition: Confidence that colleagues will "
                                                   "act well.\n---\n\nTrust lets people take risks together.\n",
                                                   encoding="utf-8")
    (content / "audiences" / "headteacher.md").write_text("---\nlabel: Headteachers\ndescription: Those who lead "
                                                          "a school.\n---\n\nWhere to start.\n", encoding="utf-8")
    (content / "index.md").write_text("# Generated bodies\n\n```{toctree}\n:hidden:\n:glob:\n\narticles/*\n```\n",
                                      encoding="utf-8")
    (content.parent / "secret.env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")
    random_bodies = random.Random(PROPERTY_SEED)
    bodies = {}
    for number in range(PROPERTY_PAGES):
        body = _Body(random_bodies)
        body.blocks(0, True)
        head = ARTICLE_HEAD.format(title=f"Generated body {number}")
        offset = head.count("\n") + 1
        body.expected = [(line + offset, code) for line, code in body.expected]
        (content / "articles").mkdir(exist_ok=True)
        (content / "articles" / f"body-{number:03d}.md").write_text(head + "\n".join(body.lines), encoding="utf-8")
        bodies[f"body-{number:03d}"] = body
    return content, bodies


def build_in_process(content: Path, out: Path, capfd) -> str:
    """Build with the project's conf.py in this process (so a test can take layers out); the warnings."""
    from sphinx.cmd.build import build_main

    capfd.readouterr()
    assert build_main(["-q", "-b", "html", "-c", str(REPO), "-d", str(out.parent / f".doctrees-{out.name}"),
                       str(content), str(out)]) == 0
    return capfd.readouterr().err


def test_generated_bodies_hold_every_kind_of_construct(generated_corpus):
    _, bodies = generated_corpus
    codes = {code for body in bodies.values() for _, code in body.expected}
    assert codes == {"KB201", "KB202", "KB203", "KB204", "KB205", "KB206"}
    assert sum(len(body.markers) for body in bodies.values()) > 1000


def test_kb_check_reports_exactly_the_hostile_constructs_of_generated_bodies(generated_corpus):
    content, bodies = generated_corpus
    reported = {(Path(d.path).stem, d.line, d.code) for d in load(content).diagnostics}
    expected = {(page, line, code) for page, body in bodies.items() for line, code in body.expected}
    assert reported == expected


def test_the_build_drops_exactly_what_kb_check_reported_and_finds_nothing_more(generated_corpus, tmp_path, capfd):
    content, bodies = generated_corpus
    warnings = build_in_process(content, tmp_path / "html", capfd)
    engine = {d.format_text().split(": error ", 1)[1].split(" (")[0] for d in load(content).diagnostics}
    for line in (line for line in warnings.splitlines() if "[kb." in line):
        assert line.split("WARNING: ", 1)[1].split(" (")[0].split(" [kb.")[0] in engine, line
    for page, body in bodies.items():
        text = BeautifulSoup((tmp_path / "html" / "articles" / f"{page}.html").read_text(encoding="utf-8"),
                             "html.parser").get_text()
        wrong = [marker for marker, published in body.markers.items() if (marker in text) != published]
        assert wrong == [], (page, {marker: body.markers[marker] for marker in wrong})
    assert_published_output_is_safe(tmp_path / "html")


def _without_source_check(monkeypatch):
    monkeypatch.setattr(safety, "drop_refused_blocks", lambda app, docname, source: None)


def _without_read_time_transform(monkeypatch):
    monkeypatch.setattr(safety.RemoveUnsafeNodes, "apply", lambda self, **kwargs: None)


def _without_output_guard(monkeypatch):
    for name in ("guard_translator", "use_published_page_templates", "same_origin_assets", "remove_foreign_files"):
        monkeypatch.setattr(published, name, lambda *args, **kwargs: None)


@pytest.mark.parametrize("only", ["source check", "read-time transform", "output guard"])
def test_each_layer_alone_keeps_the_generated_bodies_out_of_the_site(generated_corpus, tmp_path, capfd,
                                                                      monkeypatch, only):
    content, _ = generated_corpus
    if only != "source check":
        _without_source_check(monkeypatch)
    if only != "read-time transform":
        _without_read_time_transform(monkeypatch)
    if only != "output guard":
        _without_output_guard(monkeypatch)
    warnings = build_in_process(content, tmp_path / "html", capfd)
    assert_published_output_is_safe(tmp_path / "html")
    if only == "output guard":  # what it leaves out, it reports: maths and raw output as such
        assert "KB213" in warnings
        assert "KB213 maths was left out of the page" in warnings
        assert "KB213 raw output was left out of the page" in warnings
