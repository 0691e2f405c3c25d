"""No front matter value becomes markup: HTML, inline SVG, search JSON and the Atom feed.

``tests/roots/injection/`` is a small site whose every front matter string that
reaches output - titles, summaries, concept labels, definitions, aliases,
questions, path prompts, facilitator notes and outcomes, source titles,
subtitles, authors, publishers, notes and URLs, audience labels and
descriptions - is full of payloads. The site is built once and every output
file is parsed: payloads must appear as text (so the test cannot pass because
they went missing) and never as elements, attributes, scripts or links.

Sphinx's smart quotes turn ``"`` and ``'`` into curly quotes in page text, so
text is compared after folding them back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from bs4 import BeautifulSoup
from sphinx_support import ROOTS, Site, build, copy_root

from knowledgebase.load import load

PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</script>",
    "]]>",
    "{{7*7}}",
    "javascript:alert(1)",
    "</title><svg onload=alert(1)>",
    "x' onmouseover='alert(1)",
    "&amp;",
)
# What a payload that became markup leaves in the raw file (an escaped payload never contains these).
RAW_MARKUP = ("<script>alert", "<img src=x", "<svg onload", "onerror=alert(1)>")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "cite", "srcset"}
ATOM = "{http://www.w3.org/2005/Atom}"
SVG = "{http://www.w3.org/2000/svg}"
SVG_ELEMENTS = {f"{SVG}{name}" for name in ("svg", "title", "desc", "g", "path", "a", "rect", "circle",
                                                         "text", "tspan")}
# The only plain strings: a control http address, and the title of the source whose address is the payload.
PLAIN_ON_PURPOSE = ("source plain-guide url", "source script-link title")
_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'"})


def fold(text: str) -> str:
    """Page text as written: smart quotes folded back, white space collapsed."""
    return " ".join(text.translate(_QUOTES).split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    return build(copy_root("injection", tmp_path_factory.mktemp("injection")))


@pytest.fixture(scope="module")
def kb():
    return load(ROOTS / "injection").kb


def html_pages(site: Site) -> dict[str, str]:
    return {p.relative_to(site.outdir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(site.outdir.rglob("*.html"))}


def front_matter_strings(kb) -> list[tuple[str, str]]:
    """Every front matter string the site shows, as (where it comes from, text)."""
    found: list[tuple[str, str]] = []

    def add(where: str, *texts) -> None:
        found.extend((where, t) for t in texts if t)

    for a in kb.articles.values():
        add(f"article {a.id} title", a.title)
        add(f"article {a.id} summary", a.summary)
        add(f"article {a.id} question", *a.questions)
    for c in kb.concepts.values():
        add(f"concept {c.id} label", c.label)
        add(f"concept {c.id} definition", c.definition)
        add(f"concept {c.id} alias", *c.aliases)
    for a in kb.audiences.values():
        add(f"audience {a.id} label", a.label)
        add(f"audience {a.id} description", a.description)
    for p in kb.paths.values():
        add(f"path {p.id} title", p.title)
        add(f"path {p.id} summary", p.summary)
        add(f"path {p.id} outcome", *p.outcomes)
        add(f"path {p.id} prompt", *(s.prompt for s in p.steps))
        add(f"path {p.id} facilitator note", *(s.facilitator for s in p.steps))
    for s in kb.sources.values():
        add(f"source {s.id} title", s.title)
        add(f"source {s.id} subtitle", s.subtitle)
        add(f"source {s.id} author", *s.authors)
        add(f"source {s.id} publisher", s.publisher)
        add(f"source {s.id} note", s.note)
        add(f"source {s.id} url", s.url)
    return found


# The fixture is what it claims to be -----------------------------------------------------------


def test_the_injection_content_loads_with_only_the_script_url_refused():
    result = load(ROOTS / "injection")
    assert [(d.code, Path(d.path).name, d.line) for d in result.diagnostics] == [("KB118", "sources.yaml", 20)]
    kb = result.kb
    assert (len(kb.articles), len(kb.concepts), len(kb.audiences), len(kb.paths), len(kb.sources)) == (3, 3, 2, 1, 3)


def test_every_front_matter_string_of_the_fixture_carries_a_payload(kb):
    strings = front_matter_strings(kb)
    assert len(strings) > 40
    harmless = [where for where, text in strings if not any(p in text for p in PAYLOADS)]
    assert harmless == list(PLAIN_ON_PURPOSE)


def test_the_script_url_never_reaches_the_loaded_source(kb):
    assert kb.sources["script-link"].url is None


# HTML --------------------------------------------------------------------------------------------


def markup_problems(pages: dict[str, str]) -> list[str]:
    """Every sign, in every page, that a payload became markup."""
    problems = []
    for name, raw in pages.items():
        lowered = raw.lower()
        problems += [f"{name}: raw `{m}`" for m in RAW_MARKUP if m.lower() in lowered]
        soup = BeautifulSoup(raw, "html.parser")
        for script in soup.find_all("script"):
            text = script.get_text()
            if "alert(" in text or "{{7*7}}" in text or "onerror" in text:
                problems.append(f"{name}: <script> holding a payload: {text[:80]!r}")
        for element in soup.find_all(True):
            for attribute, value in element.attrs.items():
                value = " ".join(value) if isinstance(value, list) else str(value)
                if attribute.lower().startswith("on"):
                    problems.append(f"{name}: <{element.name} {attribute}=...>")
                if attribute.lower() in URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                    problems.append(f"{name}: <{element.name} {attribute}={value!r}>")
            if element.name == "img" and element.get("src", "").strip() == "x":
                problems.append(f"{name}: <img src=x>")
    return problems


@pytest.mark.parametrize("markup", [
    "<p>Trust <script>alert(1)</script></p>",
    '<a title=""><img src=x onerror=alert(1)>">x</a>',
    "<a href=\"javascript:alert(1)\">x</a>",
    "<svg onload=alert(1)></svg>",
    "<p title='x' onmouseover='alert(1)'>x</p>",
])
def test_the_markup_check_finds_a_payload_that_became_markup(markup):
    """Control: the checker used below is not blind."""
    assert markup_problems({"page.html": f"<html><body>{markup}</body></html>"}) != []


def test_the_markup_check_accepts_escaped_payloads():
    escaped = "<p>&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>"
    assert markup_problems({"page.html": f"<html><body>{escaped}</body></html>"}) == []


def test_no_html_page_has_a_script_element_carrying_a_payload(site):
    problems = [p for p in markup_problems(html_pages(site)) if "<script>" in p]
    assert problems == []


def test_no_html_element_has_an_event_handler_attribute(site):
    problems = [p for p in markup_problems(html_pages(site)) if " on" in p and "=...>" in p]
    assert problems == []


def test_no_link_or_image_address_starts_with_javascript(site):
    problems = [p for p in markup_problems(html_pages(site)) if "javascript:" in p.lower() and "raw" not in p]
    assert problems == []


def test_no_payload_became_markup_on_any_html_page(site):
    pages = html_pages(site)
    assert len(pages) >= 12
    assert markup_problems(pages) == []


def test_every_front_matter_string_appears_as_text_on_the_site(site, kb):
    text = {name: fold(BeautifulSoup(raw, "html.parser").get_text(" ")) for name, raw in html_pages(site).items()}
    everything = "\n".join(text.values())
    missing = [f"{where}: {value!r}" for where, value in front_matter_strings(kb) if fold(value) not in everything]
    assert missing == []


def test_every_payload_appears_escaped_as_text(site):
    pages = html_pages(site)
    everything = "\n".join(fold(BeautifulSoup(raw, "html.parser").get_text(" ")) for raw in pages.values())
    assert [p for p in PAYLOADS if p not in everything] == []
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in raw for raw in pages.values())


def test_the_facilitator_notes_appear_as_text_on_the_facilitator_page_only(site, kb):
    notes = [s.facilitator for s in kb.paths["first-steps"].steps if s.facilitator]
    facilitator = fold(site.soup("paths/facilitator/first-steps").get_text(" "))
    participant = fold(site.soup("paths/first-steps").get_text(" "))
    assert all(fold(n) in facilitator for n in notes)
    assert not any(fold(n) in participant for n in notes)


def test_every_record_page_title_shows_the_record_title_as_text(site, kb):
    expected = {f"articles/{a.id}.html": a.title for a in kb.articles.values()}
    expected |= {f"concepts/{c.id}.html": c.label for c in kb.concepts.values()}
    expected |= {f"audiences/{a.id}.html": a.label for a in kb.audiences.values()}
    expected |= {f"paths/{p.id}.html": p.title for p in kb.paths.values()}
    expected |= {f"paths/facilitator/{p.id}.html": f"Facilitator notes: {p.title}" for p in kb.paths.values()}
    pages = html_pages(site)
    wrong = {}
    for page, title in expected.items():
        shown = fold(BeautifulSoup(pages[page], "html.parser").title.get_text())
        if not shown.startswith(fold(title)):
            wrong[page] = shown
    assert wrong == {}


def test_the_meta_description_holds_the_summary_as_text(site, kb):
    for article in kb.articles.values():
        meta = site.soup(f"articles/{article.id}").find("meta", attrs={"name": "description"})
        assert meta["content"] == article.summary


def test_source_addresses_are_links_only_when_they_are_http(site, kb):
    links = [a["href"] for a in site.soup("sources").select("a.kb-source-url")]
    assert sorted(links) == sorted(s.url for s in kb.sources.values() if s.url)
    assert all(link.startswith(("https://", "http://")) for link in links)


# Inline SVG maps ---------------------------------------------------------------------------------


def svg_maps(site: Site) -> list[tuple[str, str]]:
    maps = []
    for name, raw in html_pages(site).items():
        maps += [(name, m.group(0)) for m in re.finditer(r'<svg class="kb-map".*?</svg>', raw, re.DOTALL)]
    return maps


def test_every_concept_map_is_well_formed_svg_made_only_of_map_elements(site):
    maps = svg_maps(site)
    assert len(maps) >= 7  # three articles, three concepts, the home page
    for name, svg in maps:
        root = ET.fromstring(svg)  # raises on any unescaped payload
        strangers = {e.tag for e in root.iter()} - SVG_ELEMENTS
        assert strangers == set(), f"{name}: {strangers}"
        for element in root.iter():
            assert not [a for a in element.attrib if a.lower().startswith("on")], f"{name}: {element.attrib}"
            assert not element.get("href", "").strip().lower().startswith("javascript:"), name


def test_concept_map_tooltips_keep_payloads_as_text(site, kb):
    titles = " ".join(t.text or "" for _, svg in svg_maps(site) for t in ET.fromstring(svg).iter(f"{SVG}title"))
    for concept in kb.concepts.values():
        assert f"{concept.label}: {concept.definition}" in titles


# Search index JSON -----------------------------------------------------------------------------


def search_files(site: Site) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((site.outdir / "_kb" / "search").glob("*.json"))}


def test_every_search_index_file_is_json_without_a_raw_angle_bracket(site):
    files = search_files(site)
    assert "meta.json" in files and "doc-0-0.json" in files
    for name, text in files.items():
        json.loads(text)
        assert "<" not in text, f"{name} holds a raw `<` that an HTML sniffer could read as markup"


def test_the_search_index_keeps_titles_and_summaries_as_exact_data(site, kb):
    files = search_files(site)
    docs = [json.loads(text) for name, text in files.items() if re.fullmatch(r"doc-\d+-0\.json", name)]
    titles = {doc[1] for doc in docs}
    summaries = {doc[2] for doc in docs}
    assert titles == {a.title for a in kb.articles.values()} | {c.label for c in kb.concepts.values()} | {
        p.title for p in kb.paths.values()}
    assert {a.summary for a in kb.articles.values()} <= summaries
    meta = json.loads(files["meta.json"])
    assert {label for _, label in meta["concepts"]} == {c.label for c in kb.concepts.values()}
    assert {label for _, label in meta["audiences"]} == {a.label for a in kb.audiences.values()}


# Atom feed -------------------------------------------------------------------------------------


def test_the_feed_is_well_formed_atom_with_no_element_from_a_payload(site):
    root = ET.parse(site.outdir / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    assert {e.tag for e in root.iter() if not e.tag.startswith(ATOM)} == set()


def test_the_feed_keeps_titles_summaries_and_labels_as_exact_text(site, kb):
    root = ET.parse(site.outdir / "feed.xml").getroot()
    entries = root.findall(f"{ATOM}entry")
    assert {e.findtext(f"{ATOM}title") for e in entries} == {a.title for a in kb.articles.values()}
    assert {e.findtext(f"{ATOM}summary") for e in entries} == {a.summary for a in kb.articles.values()}
    labels = {c.get("label") for e in entries for c in e.findall(f"{ATOM}category")}
    assert labels == {c.label for c in kb.concepts.values()}


# Nothing escapes the checks above ----------------------------------------------------------------


def test_every_output_file_is_of_a_kind_these_checks_parse(site):
    """A new kind of output (a sitemap, a JSON file elsewhere) must get its own check here."""
    unchecked = []
    for path in site.outdir.rglob("*"):
        name = path.relative_to(site.outdir).as_posix()
        if not path.is_file() or name.startswith("_static/") or name in (".buildinfo", "objects.inv"):
            continue
        if not (name.endswith(".html") or name in ("feed.xml", "_headers")
                or re.fullmatch(r"_kb/search/[^/]+\.json", name)
                or name == "_kb/search/english-stemmer.js"  # Sphinx's stemmer, no content (test_search.py)
                or re.fullmatch(r"_kb/pack/[a-z0-9-]+\.js", name)  # reading pack fragments, checked below
                or name == "_kb/session-data.js"):  # the session builder's data, checked below
            unchecked.append(name)
    assert unchecked == []


def test_the_session_builders_data_is_one_assignment_of_data_whose_text_stays_text(site, kb):
    """The data file is a script: no title, question or outcome may end the JSON or the script element."""
    script = (site.outdir / "_kb" / "session-data.js").read_text(encoding="ascii")
    prefix = "window.KB_SESSION_DATA = "
    assert script.startswith(prefix) and script.endswith(";\n")
    assert "<" not in script and "\u2028" not in script
    data = json.loads(script[len(prefix):-2])
    rows = {row[0]: dict(zip(data["article_fields"], row)) for row in data["articles"]}
    for article in kb.articles.values():
        assert rows[article.id]["title"] == article.title
        assert rows[article.id]["question"] == (article.questions[0] if article.questions else None)
    for path, published in zip(kb.paths.values(), data["paths"]):
        assert (published["title"], published["summary"], published["outcomes"]) == (
            path.title, path.summary, list(path.outcomes))


def test_reading_pack_fragments_are_one_assignment_of_data_whose_text_stays_text(site, kb):
    """A fragment is a script: a payload must not end the JSON, and its HTML is checked like a page's."""
    from knowledgebase.sphinxext.html.printing import read_fragment

    for article in kb.articles.values():
        script = (site.outdir / "_kb" / "pack" / f"{article.id}.js").read_text(encoding="utf-8")
        prefix = f'(window.KB_PACK = window.KB_PACK || {{}})["{article.id}"] = '
        assert script.startswith(prefix) and script.endswith(";\n")
        assert json.loads(script[len(prefix):-2]) == read_fragment(site.outdir, article.id)
        fragment = read_fragment(site.outdir, article.id)
        assert fragment["title"] == article.title
        assert markup_problems({f"{article.id}.js": f"<html><body>{fragment['html']}</body></html>"}) == []
        assert fold(article.title) in fold(BeautifulSoup(fragment["html"], "html.parser").get_text(" "))


def test_the_headers_file_holds_only_the_sites_own_security_headers(site):
    lines = (site.outdir / "_headers").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "/*"
    assert [line.split(":", 1)[0].strip() for line in lines[1:]] == [
        "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]


def test_no_static_file_carries_front_matter_text(site):
    carriers = [p.relative_to(site.outdir).as_posix() for p in (site.outdir / "_static").rglob("*")
                if p.is_file() and (b"alert(1)" in p.read_bytes() or b"{{7*7}}" in p.read_bytes())]
    assert carriers == []


# Under any theme ---------------------------------------------------------------------------------


def test_no_payload_becomes_markup_under_sphinx_basic_theme(tmp_path):
    """Sphinx treats the `title` of a page as HTML: the basic theme prints it unescaped in its nav bar."""
    site = build(copy_root("injection", tmp_path), confoverrides={"html_theme": "basic"})
    assert markup_problems(html_pages(site)) == []
