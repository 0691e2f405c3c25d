"""Differential builds: after any sequence of edits, an incremental build equals a clean build, byte for byte.

Hypothesis drives a state machine over a small real-shaped corpus
(``tests/roots/differential``: four articles, three concepts, two audiences,
a reading path, sources, hand-made pages using every directive, and a page of
nothing but roles). Each step makes one edit of a kind a contributor makes -
an article's body, title, summary, concepts, audience, kind, sources or
prerequisites; a role or Markdown link added or removed; a concept's label,
definition, aliases or broader concepts; an audience's label; a directive's
options; a new article, a rename, a delete; an entry of ``sources.yaml``; a
reading path's steps or title. After every step the site is rebuilt
incrementally on three tracks that have followed the same history - one serial,
one with ``-j 2``, and one in a long-lived process that keeps Sphinx and the
extension's data warm between builds, as ``kb serve`` does - and each track's
output folder must be identical, file for file and byte for byte, to a clean
build of the same content. Two clean
builds of one corpus are byte-identical (``test_determinism.py``; this file
checks it again for its own corpus), so nothing is normalised.

Builds go through `kb build` with the project's ``conf.py``, in this process.
A failure shrinks to a minimal list of edits, printed as the steps Hypothesis
ran (each step also notes the edit in words) with the files that differ.

The default run is short (a few examples, seeded, so every run of the suite
tries the same edits). A nightly or pre-release run asks for more::

    KB_DIFFERENTIAL_EXAMPLES=200 KB_DIFFERENTIAL_STEPS=12 python -m pytest tests/test_differential_builds.py

``KB_DIFFERENTIAL_SEED`` picks another seed (``random`` for a fresh one each run).
"""

from __future__ import annotations

import contextlib
import difflib
import io
import os
import re
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, Phase, note, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from knowledgebase.cli import main as kb
from knowledgebase.cli.site import OWN_MARKER
from knowledgebase.sphinxext.rebuild import WarmBuilder
from sphinx_support import REPO, ROOTS

EXAMPLES = int(os.environ.get("KB_DIFFERENTIAL_EXAMPLES", "4"))
STEPS = int(os.environ.get("KB_DIFFERENTIAL_STEPS", "8"))
SEED = os.environ.get("KB_DIFFERENTIAL_SEED", "17")

TRACKS = {"serial": (), "parallel": ("-j", "2")}

# The universe every edit draws from: ids that exist at the start, ids a new or
# renamed article may take, and a misspelling that never resolves.
ORIGINAL_ARTICLES = ("asking-good-questions", "learning-walks", "quiet-reflection", "trust-first")
NEW_ARTICLES = ("coaching-conversations", "peer-observation")
CONCEPTS = ("inquiry", "learning", "trust")
CONCEPT_TERMS = (*CONCEPTS, "enquiry", "relational trust", "trsut")
AUDIENCES = ("headteacher", "teacher")
KINDS = ("guide", "explainer", "case-study", "reflection")
SOURCES = ("field-notes", "plain-guide", "new-source")
TARGETS = {
    "article": (*ORIGINAL_ARTICLES, *NEW_ARTICLES, "trust-frist"),
    "concept": CONCEPT_TERMS,
    "path": ("first-steps", "second-steps"),
    "source": (*SOURCES, "feild-notes"),
}
TITLES = ("Trust first, always", "Questions worth asking", "A short title", "Learning walks, revisited")
SENTENCES = ("Teams learn fastest when they ask.", "Write one question down and test it.",
             "Leaders listen before they decide, every single time.")
ROLE = re.compile(r"\{(article|concept|path|source)\}`([^`]*)`")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
DIRECTIVE = re.compile(r"```\{(kb-[a-z-]+)\}\n((?::[a-z-]+:.*\n)*)```")

ARTICLE_LIST_OPTIONS = st.fixed_dictionaries({}, optional={
    "concept": st.sampled_from(CONCEPT_TERMS), "audience": st.sampled_from(AUDIENCES),
    "kind": st.sampled_from(KINDS), "sort": st.sampled_from(("title", "updated", "reading-time")),
    "limit": st.integers(1, 3), "layout": st.sampled_from(("list", "cards"))})
PATH_LIST_OPTIONS = st.fixed_dictionaries({}, optional={"audience": st.sampled_from(AUDIENCES),
                                                        "limit": st.integers(1, 2)})


# Files ---------------------------------------------------------------------------------------

def read(path: Path) -> tuple[dict | None, str]:
    """Front matter (None for a page without) and body."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n"):
        return None, text
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def write(path: Path, meta: dict | None, body: str) -> None:
    front = "" if meta is None else "---\n" + yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=200) + "---\n"
    path.write_text(front + body, encoding="utf-8")


def update(path: Path, **fields) -> None:
    """Set (or, with None, remove) front matter fields."""
    meta, body = read(path)
    for name, value in fields.items():
        if value is None:
            meta.pop(name, None)
        else:
            meta[name] = value
    write(path, meta, body)


def build(content: Path, out: Path, *extra: str) -> None:
    messages = io.StringIO()
    with contextlib.redirect_stdout(messages), contextlib.redirect_stderr(messages):
        status = kb(["build", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(out), *extra])
    assert status == 0, messages.getvalue()


def snapshot(out: Path) -> dict[str, bytes]:
    """Every file of the site; not the mark of `kb build`'s own folder, which the warm track's builder, used
    without the command, does not write."""
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != OWN_MARKER}


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> str:
    """'' when equal; else which files are missing, extra or different, with a diff of the first."""
    missing, extra = sorted(expected.keys() - actual.keys()), sorted(actual.keys() - expected.keys())
    different = sorted(n for n in expected.keys() & actual.keys() if expected[n] != actual[n])
    if not (missing or extra or different):
        return ""
    report = [f"missing: {missing}", f"extra (stale): {extra}", f"different: {different}"]
    if different:
        first = different[0]
        diff = difflib.unified_diff(expected[first].decode("utf-8", "replace").splitlines(),
                                    actual[first].decode("utf-8", "replace").splitlines(),
                                    f"clean/{first}", f"incremental/{first}", lineterm="", n=1)
        report += [line[:300] for line in list(diff)[:40]]
    return "\n".join(report)


# The machine ---------------------------------------------------------------------------------

class IncrementalEqualsClean(RuleBasedStateMachine):
    """One corpus, edited step by step; three incremental tracks (serial, -j 2, warm) checked against clean builds."""

    def __init__(self):
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="kb-differential-"))
        self.src = self.root / "src"
        shutil.copytree(ROOTS / "differential", self.src)
        self.clean_builds = 0
        for track, extra in TRACKS.items():
            build(self.src, self.root / track, *extra)
        self.warnings = io.StringIO()
        self.warm = WarmBuilder(self.src, REPO, self.root / "warm", self.root / ".doctrees-warm",
                                status=None, warning=self.warnings)
        self.warm_build()

    def warm_build(self) -> None:
        assert self.warm.build() == 0, self.warnings.getvalue()

    def teardown(self):
        shutil.rmtree(self.root, ignore_errors=True)

    # What exists now
    def articles(self) -> list[str]:
        return sorted(p.stem for p in (self.src / "articles").glob("*.md"))

    def pages(self) -> list[str]:
        return sorted(p.relative_to(self.src).as_posix() for p in self.src.rglob("*.md"))

    def article(self, ident: str) -> Path:
        return self.src / "articles" / f"{ident}.md"

    def path_file(self) -> Path:
        return self.src / "paths" / "first-steps.md"

    def draw_article(self, data) -> str:
        return data.draw(st.sampled_from(self.articles()), label="article")

    # The check, after the first builds and after every edit
    @invariant()
    def incremental_builds_equal_a_clean_build(self):
        for track, extra in TRACKS.items():
            build(self.src, self.root / track, *extra)
        self.warm_build()
        self.clean_builds += 1
        clean = self.root / f"clean-{self.clean_builds}"
        build(self.src, clean)
        expected = snapshot(clean)
        shutil.rmtree(clean)
        shutil.rmtree(self.root / f".doctrees-{clean.name}")
        for track in (*TRACKS, "warm"):
            found = differences(expected, snapshot(self.root / track))
            assert not found, f"the {track} incremental build differs from a clean build:\n{found}"

    # Bodies, links and roles
    @rule(data=st.data(), sentence=st.sampled_from(SENTENCES))
    def edit_body_text(self, data, sentence):
        page = data.draw(st.sampled_from(self.pages()), label="page")
        meta, body = read(self.src / page)
        write(self.src / page, meta, body.rstrip("\n") + f"\n\n{sentence}\n")
        note(f"{page}: body gains {sentence!r}")

    @rule(data=st.data(), kind=st.sampled_from(sorted(TARGETS)), explicit=st.booleans())
    def add_role(self, data, kind, explicit):
        page = data.draw(st.sampled_from(self.pages()), label="page")
        target = data.draw(st.sampled_from(TARGETS[kind]), label="target")
        text = f"the {kind} <{target}>" if explicit else target
        meta, body = read(self.src / page)
        write(self.src / page, meta, body.rstrip("\n") + f"\n\nSee {{{kind}}}`{text}`.\n")
        note(f"{page}: body gains {{{kind}}}`{text}`")

    @rule(data=st.data())
    def add_markdown_link(self, data):
        source = self.draw_article(data)
        target = data.draw(st.sampled_from(TARGETS["article"]), label="target")
        meta, body = read(self.article(source))
        write(self.article(source), meta, body.rstrip("\n") + f"\n\nRead [this one]({target}.md) next.\n")
        note(f"articles/{source}.md: body gains a Markdown link to {target}.md")

    @rule(data=st.data())
    def remove_links_and_roles(self, data):
        page = data.draw(st.sampled_from(self.pages()), label="page")
        meta, body = read(self.src / page)
        body = MARKDOWN_LINK.sub(r"\1", ROLE.sub(lambda m: m.group(2).split("<")[0].strip() or "it", body))
        write(self.src / page, meta, body)
        note(f"{page}: every role and link becomes plain text")

    # Article front matter
    @rule(data=st.data(), title=st.sampled_from(TITLES))
    def retitle_article(self, data, title):
        ident = self.draw_article(data)
        update(self.article(ident), title=title)
        note(f"articles/{ident}.md: title {title!r}")

    @rule(data=st.data(), sentence=st.sampled_from(SENTENCES))
    def resummarise_article(self, data, sentence):
        ident = self.draw_article(data)
        update(self.article(ident), summary=sentence)
        note(f"articles/{ident}.md: summary {sentence!r}")

    @rule(data=st.data(), concepts=st.lists(st.sampled_from(CONCEPT_TERMS), min_size=1, max_size=3, unique=True))
    def retag_article(self, data, concepts):
        ident = self.draw_article(data)
        update(self.article(ident), concepts=concepts)
        note(f"articles/{ident}.md: concepts {concepts}")

    @rule(data=st.data(), audience=st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=2, unique=True))
    def change_audience(self, data, audience):
        ident = self.draw_article(data)
        update(self.article(ident), audience=audience)
        note(f"articles/{ident}.md: audience {audience}")

    @rule(data=st.data(), kind=st.sampled_from(KINDS), updated=st.sampled_from((None, "2026-03-01", "2025-12-24")))
    def change_kind_and_date(self, data, kind, updated):
        ident = self.draw_article(data)
        update(self.article(ident), kind=kind, updated=updated)
        note(f"articles/{ident}.md: kind {kind}, updated {updated}")

    @rule(data=st.data(), sources=st.lists(st.sampled_from(TARGETS["source"]), max_size=2, unique=True))
    def cite_sources(self, data, sources):
        ident = self.draw_article(data)
        update(self.article(ident), sources=sources or None)
        note(f"articles/{ident}.md: sources {sources}")

    @rule(data=st.data(), prerequisites=st.lists(st.sampled_from(TARGETS["article"]), max_size=2, unique=True))
    def set_prerequisites(self, data, prerequisites):
        ident = self.draw_article(data)
        update(self.article(ident), prerequisites=prerequisites or None)
        note(f"articles/{ident}.md: prerequisites {prerequisites}")

    # New, renamed and deleted articles
    @precondition(lambda self: set(NEW_ARTICLES) - set(self.articles()))
    @rule(data=st.data(), title=st.sampled_from(TITLES),
          concepts=st.lists(st.sampled_from(CONCEPTS), min_size=1, max_size=2, unique=True),
          audience=st.sampled_from(AUDIENCES), kind=st.sampled_from(KINDS), link=st.sampled_from(TARGETS["article"]))
    def new_article(self, data, title, concepts, audience, kind, link):
        ident = data.draw(st.sampled_from(sorted(set(NEW_ARTICLES) - set(self.articles()))), label="new id")
        meta = {"title": title, "summary": f"A new article: {title.lower()}.", "concepts": concepts,
                "audience": [audience], "kind": kind}
        write(self.article(ident), meta, f"\nA new page, building on {{article}}`{link}`.\n")
        note(f"articles/{ident}.md: new, {meta}, linking to {link}")

    @precondition(lambda self: set(NEW_ARTICLES) - set(self.articles()))
    @rule(data=st.data(), follow=st.booleans())
    def rename_article(self, data, follow):
        old = self.draw_article(data)
        new = data.draw(st.sampled_from(sorted(set(NEW_ARTICLES) - set(self.articles()))), label="new id")
        self.article(old).rename(self.article(new))
        if follow:  # the contributor also updates every reference to it
            pattern = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])")
            for page in self.pages():
                text = (self.src / page).read_text(encoding="utf-8")
                (self.src / page).write_text(pattern.sub(new, text), encoding="utf-8")
        note(f"articles/{old}.md renamed to {new}.md, references {'updated' if follow else 'left'}")

    @precondition(lambda self: len(self.articles()) > 1)
    @rule(data=st.data())
    def delete_article(self, data):
        ident = self.draw_article(data)
        self.article(ident).unlink()
        note(f"articles/{ident}.md deleted")

    # Concepts and audiences
    @rule(concept=st.sampled_from(CONCEPTS), label=st.sampled_from(("Trust", "Relational trust", "Inquiry", "Learning")))
    def relabel_concept(self, concept, label):
        update(self.src / "concepts" / f"{concept}.md", label=label)
        note(f"concepts/{concept}.md: label {label!r}")

    @rule(concept=st.sampled_from(CONCEPTS), sentence=st.sampled_from(SENTENCES))
    def redefine_concept(self, concept, sentence):
        update(self.src / "concepts" / f"{concept}.md", definition=sentence)
        note(f"concepts/{concept}.md: definition {sentence!r}")

    @rule(concept=st.sampled_from(CONCEPTS),
          aliases=st.lists(st.sampled_from(("enquiry", "relational trust", "questioning", "trust")), max_size=2,
                           unique=True))
    def change_aliases(self, concept, aliases):
        update(self.src / "concepts" / f"{concept}.md", aliases=aliases or None)
        note(f"concepts/{concept}.md: aliases {aliases}")

    @rule(concept=st.sampled_from(CONCEPTS), broader=st.lists(st.sampled_from(CONCEPTS), max_size=1),
          related=st.lists(st.sampled_from(CONCEPTS), max_size=2, unique=True))
    def change_broader_and_related(self, concept, broader, related):
        update(self.src / "concepts" / f"{concept}.md", broader=broader or None, related=related or None)
        note(f"concepts/{concept}.md: broader {broader}, related {related}")

    @rule(audience=st.sampled_from(AUDIENCES), label=st.sampled_from(("Heads", "Class teachers", "Leaders")))
    def relabel_audience(self, audience, label):
        update(self.src / "audiences" / f"{audience}.md", label=label)
        note(f"audiences/{audience}.md: label {label!r}")

    # Directive options
    @rule(data=st.data())
    def change_directive_options(self, data):
        uses = [(page, m) for page in self.pages() for m in DIRECTIVE.finditer((self.src / page).read_text("utf-8"))
                if m.group(1) in ("kb-articles", "kb-paths")]
        page, match = data.draw(st.sampled_from(uses), label="directive")
        options = data.draw(ARTICLE_LIST_OPTIONS if match.group(1) == "kb-articles" else PATH_LIST_OPTIONS,
                            label="options")
        text = (self.src / page).read_text(encoding="utf-8")
        block = f"```{{{match.group(1)}}}\n" + "".join(f":{k}: {v}\n" for k, v in options.items()) + "```"
        (self.src / page).write_text(text[:match.start()] + block + text[match.end():], encoding="utf-8")
        note(f"{page}: {match.group(1)} options {options}")

    @rule(data=st.data(), name=st.sampled_from(("kb-articles", "kb-paths", "kb-glossary", "kb-sources",
                                               "kb-audiences", "kb-concept-map")))
    def add_directive(self, data, name):
        page = data.draw(st.sampled_from(self.pages()), label="page")
        meta, body = read(self.src / page)
        write(self.src / page, meta, body.rstrip("\n") + f"\n\n```{{{name}}}\n```\n")
        note(f"{page}: gains a {name} directive")

    # Sources
    @rule(source=st.sampled_from(SOURCES), title=st.sampled_from(("Field notes, revised", "A plainer guide")),
          year=st.sampled_from((None, 2019, 2024)))
    def edit_source(self, source, title, year):
        sources = yaml.safe_load((self.src / "sources.yaml").read_text(encoding="utf-8"))
        entry = sources.setdefault(source, {"kind": "web"})
        entry["title"] = title
        if year is None:
            entry.pop("year", None)
        else:
            entry["year"] = year
        (self.src / "sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
        note(f"sources.yaml: {source} title {title!r}, year {year}")

    @precondition(lambda self: len(yaml.safe_load((self.src / "sources.yaml").read_text(encoding="utf-8"))) > 1)
    @rule(source=st.sampled_from(SOURCES))
    def remove_source(self, source):
        sources = yaml.safe_load((self.src / "sources.yaml").read_text(encoding="utf-8"))
        sources.pop(source, None)
        (self.src / "sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=False), encoding="utf-8")
        note(f"sources.yaml: {source} removed")

    # The reading path
    @rule(data=st.data(), minutes=st.integers(5, 20), when=st.sampled_from(("pre-reading", "in-session")))
    def add_path_step(self, data, minutes, when):
        ident = data.draw(st.sampled_from(TARGETS["article"]), label="article")
        meta, body = read(self.path_file())
        meta["steps"].append({"article": ident, "minutes": minutes, "when": when})
        write(self.path_file(), meta, body)
        note(f"paths/first-steps.md: step {ident} ({minutes} min, {when}) added")

    @precondition(lambda self: len(read(self.path_file())[0]["steps"]) > 1)
    @rule(data=st.data(), move=st.booleans())
    def remove_or_move_path_step(self, data, move):
        meta, body = read(self.path_file())
        index = data.draw(st.integers(0, len(meta["steps"]) - 1), label="step")
        step = meta["steps"].pop(index)
        if move:
            meta["steps"].insert(0, step)
        write(self.path_file(), meta, body)
        note(f"paths/first-steps.md: step {index} ({step['article']}) {'moved first' if move else 'removed'}")

    @rule(title=st.sampled_from(("First steps", "Trust, then inquiry")), duration=st.sampled_from((45, 60)),
          audience=st.lists(st.sampled_from(AUDIENCES), min_size=1, max_size=2, unique=True))
    def edit_path(self, title, duration, audience):
        update(self.path_file(), title=title, duration=duration, audience=audience)
        note(f"paths/first-steps.md: title {title!r}, duration {duration}, audience {audience}")


def test_incremental_and_parallel_builds_equal_clean_builds_after_any_edits():
    machine = IncrementalEqualsClean
    if SEED != "random":
        machine = seed(int(SEED))(machine)
    run_state_machine_as_test(machine, settings=settings(
        max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
        # every step costs three builds: shrink a failure, but skip the (slow) explain phase
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))


def test_two_clean_builds_of_the_corpus_are_byte_identical(tmp_path):
    """What the comparison rests on: nothing differs between clean builds, so nothing is normalised."""
    content = tmp_path / "src"
    shutil.copytree(ROOTS / "differential", content)
    build(content, tmp_path / "first")
    build(content, tmp_path / "second", "-j", "2")
    first, second = snapshot(tmp_path / "first"), snapshot(tmp_path / "second")
    assert any(name.endswith(".html") for name in first)
    assert differences(first, second) == ""
