"""Shared fixtures: a small, valid Leading Learning corpus written into a temporary folder.

The base corpus has three audiences, five concepts (with aliases, broader and
related concepts), six articles, three sources and one reading path. It is
free of diagnostics (``test_diagnostics.py`` asserts that), so a test adds or
overrides only the file that shows the behaviour it specifies::

    result = load_corpus({"articles/bad.md": "..."})      # add a file
    result = load_corpus({"paths/trust-for-inquiry.md": None})  # remove one

Diagnostics name files relative to the working directory, so the fixtures run
each test from its temporary folder and files appear as ``content/...``.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import pytest

from knowledgebase.diagnostics import Diagnostic
from knowledgebase.load import LoadResult, load

CONTENT = "content"


def _text(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


BASE_FILES: dict[str, str] = {
    # Audiences -------------------------------------------------------------------------
    "audiences/headteacher.md": _text("""
        ---
        label: Headteachers
        description: Heads of school who set the conditions in which staff learn and improve.
        ---

        Headteachers set the weather of a school. Start with {article}`trust-before-tests`,
        then read {article}`leading-as-lead-learner`.
        """),
    "audiences/middle-leader.md": _text("""
        ---
        label: Middle leaders
        description: Heads of department, phase and year leaders who lead a team's teaching.
        ---

        Middle leaders turn a school's intentions into the daily work of a team.
        """),
    "audiences/teacher.md": _text("""
        ---
        label: Teachers
        description: Classroom teachers who want to lead change in their own practice.
        ---

        Teachers have the most at stake in any change, and know most about how it lands.
        """),
    # Concepts --------------------------------------------------------------------------
    "concepts/trust.md": _text("""
        ---
        label: Trust
        aliases: [relational trust]
        definition: Confidence that colleagues act in good faith, which lets people take risks and admit mistakes.
        related: [inquiry, agency]
        ---

        Trust is the ground improvement grows from. Where staff trust their leaders,
        they say what is not working; where they do not, problems stay hidden.
        """),
    "concepts/inquiry.md": _text("""
        ---
        label: Collaborative inquiry
        aliases: [teacher inquiry, practitioner inquiry]
        definition: Teachers investigating a question about their own practice together, using evidence from their classrooms.
        related: [trust]
        ---

        Inquiry turns professional development from something done to teachers into
        something teachers do. It depends on {concept}`trust`.
        """),
    "concepts/evaluation-as-process.md": _text("""
        ---
        label: Evaluation as a process
        aliases: [process not event]
        definition: Judging how well things are going through steady, everyday attention rather than one-off inspections.
        broader: [inquiry]
        related: [trust]
        ---

        A school that evaluates as a process looks at learning every week, not once a term.
        """),
    "concepts/agency.md": _text("""
        ---
        label: Agency
        aliases: [teacher agency]
        definition: The capacity and permission of staff to act on their own judgement and shape change.
        related: [skin-in-the-game]
        ---

        Agency is the opposite of compliance: people notice problems and act on them.
        """),
    "concepts/skin-in-the-game.md": _text("""
        ---
        label: Skin in the game
        aliases: [ownership of risk]
        definition: Having a personal stake in the outcome of a change, so that you live with its consequences.
        broader: [agency]
        related: [trust]
        ---

        Whoever lives with the consequences of a decision knows most about whether it works.
        """),
    # Sources ---------------------------------------------------------------------------
    "sources.yaml": _text("""
        # Bibliography of the test corpus.
        trust-report:
          title: Trust in schools
          subtitle: How relationships carry improvement
          kind: report
          year: 2015
          publisher: A national leadership college
          url: https://example.org/trust-in-schools.pdf
        inquiry-case-study:
          title: Teachers leading their own self-evaluation
          kind: web-page
          note: A case study from a partnership of primary schools.
        stake-essay:
          title: Who bears the risk of a school initiative?
          authors: [A. Practitioner]
          kind: practitioner-post
        """),
    # Articles --------------------------------------------------------------------------
    "articles/trust-before-tests.md": _text("""
        ---
        title: Trust before tests
        summary: Why trust, not testing, is the ground that school improvement grows from.
        concepts: [trust, evaluation-as-process]
        audience: [headteacher, middle-leader]
        kind: guide
        sources: [trust-report]
        questions:
          - Where does monitoring in your school feel like an event rather than a process?
        updated: 2026-11-22
        ---

        A school can test its way to compliance, but not to improvement. Teachers who
        fear judgement hide what is not working; teachers who trust their leaders bring
        problems into the open, where they can be solved together.

        {concept}`Relational trust <relational trust>` is built slowly, through many small
        acts of good faith. Read {article}`monitoring-as-a-process` for what this means
        for the way a school watches its own work.
        """),
    "articles/monitoring-as-a-process.md": _text("""
        ---
        title: Monitoring as a process, not an event
        summary: How middle leaders can replace one-off book scrutinies with steady, shared attention to learning.
        concepts: [process not event, teacher inquiry]
        audience: [middle-leader]
        kind: explainer
        prerequisites: [trust-before-tests]
        ---

        A book scrutiny once a term tells a team little it did not know. Looking at a
        few books together every week, and talking about what the pupils understood,
        tells it a great deal.

        The primary partnership in [teachers leading inquiry](teacher-led-inquiry.md)
        made exactly this change.
        """),
    "articles/teacher-led-inquiry.md": _text("""
        ---
        title: Teachers leading inquiry
        summary: A primary partnership handed self-evaluation to its teachers; this is what changed.
        concepts: [inquiry, agency, trust]
        audience: [teacher, middle-leader]
        kind: case-study
        sources: [inquiry-case-study]
        ---

        When the partnership asked teachers to lead self-evaluation, the questions
        changed. Instead of asking whether a policy was followed, teachers asked
        whether pupils had learned, and what they would try next.
        """),
    "articles/skin-in-the-game-explained.md": _text("""
        ---
        title: Skin in the game, explained
        summary: Teachers live with the consequences of change, which makes them its most knowledgeable agents.
        concepts: [skin-in-the-game, teacher agency]
        audience: [headteacher, teacher]
        kind: explainer
        sources: [stake-essay]
        ---

        Having skin in the game means living with the consequences of a decision. The
        teacher who tries a new approach faces the class the next morning.
        """),
    "articles/research-on-trust.md": _text("""
        ---
        title: What research says about trust
        summary: A short summary of what studies of school improvement report about trust between staff and leaders.
        concepts: [trust]
        audience: [headteacher]
        kind: research-summary
        sources: [trust-report, inquiry-case-study]
        ---

        Studies of improving schools return to the same finding: relationships of trust
        come before lasting change in teaching.
        """),
    "articles/leading-as-lead-learner.md": _text("""
        ---
        title: The headteacher as lead learner
        summary: A reflection on what it means for a head to learn in public alongside staff.
        concepts: [agency, inquiry]
        audience: [headteacher]
        kind: reflection
        ---

        A head who learns in public gives everyone else permission to do the same. The
        session {path}`trust-for-inquiry` starts from this idea, and the essay
        {source}`stake-essay` asks who carries the risk when a head tries something new.
        """),
    # Reading path ----------------------------------------------------------------------
    "paths/trust-for-inquiry.md": _text("""
        ---
        title: Building trust for collaborative inquiry
        summary: A 90-minute session for middle leaders on the relationships that inquiry needs.
        audience: [middle-leader]
        duration: 90
        outcomes:
          - Name two conditions that trust between colleagues depends on.
          - Plan a first inquiry question with a colleague.
        steps:
          - article: trust-before-tests
            minutes: 15
            when: pre-reading
            prompt: Which of the examples felt closest to your own school?
          - article: monitoring-as-a-process
            minutes: 30
            when: in-session
            prompt: What would change if monitoring were something done with teachers?
            facilitator: Pair people from different departments.
          - article: teacher-led-inquiry
            minutes: 35
            when: in-session
          - article: research-on-trust
            minutes: 20
            when: follow-up
        ---

        This session suits a department or phase team early in the school year.
        """),
}


def make_corpus(root: Path, files: Mapping[str, str | bytes | None] | None = None,
                folder: str = CONTENT, **more: str | bytes | None) -> Path:
    """Write the base corpus into ``root/folder`` and return that folder.

    ``files`` (and ``**more``, for names that are identifiers) maps a path
    relative to the content folder to its new text: ``str`` is written as
    UTF-8 exactly as given, ``bytes`` as they are, and ``None`` removes the
    base file of that name.
    """
    content = Path(root) / folder
    overrides = {**(files or {}), **more}
    for relative, text in {**BASE_FILES, **overrides}.items():
        if text is None:
            continue
        target = content / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            target.write_bytes(text)
        else:
            target.write_text(text, encoding="utf-8", newline="")
    return content


def article(title: str, concepts: Iterable[str], *, audience: Iterable[str] = ("headteacher",),
            kind: str = "guide", body: str = "", **fields: object) -> str:
    """The text of a valid article with the given fields, for tests that need many of them."""
    lines = ["---", f"title: {title}", f"summary: A short guide about {title.lower()}.",
             f"concepts: [{', '.join(concepts)}]", f"audience: [{', '.join(audience)}]", f"kind: {kind}"]
    for name, value in fields.items():
        if isinstance(value, (list, tuple)):
            value = "[" + ", ".join(str(v) for v in value) + "]"
        lines.append(f"{name}: {value}")
    lines += ["---", "", body or f"Some thoughts about {title.lower()} for school leaders.", ""]
    return "\n".join(lines)


def only(result: LoadResult, code: str) -> Diagnostic:
    """The one diagnostic with ``code``; fails with the full list when there is not exactly one."""
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, f"expected one {code}, got: " + "\n".join(d.format_text() for d in result.diagnostics)
    return found[0]


def codes(result: LoadResult) -> list[str]:
    return [d.code for d in result.diagnostics]


def shown(relative: str, folder: str = CONTENT) -> str:
    """How diagnostics name a content file when the test runs from its temporary folder."""
    return f"{folder}/{relative}"


@pytest.fixture(autouse=True, scope="session")
def cache_outside_home(tmp_path_factory) -> Path:
    """`kb check` keeps a cache in the user's cache folder; the tests keep theirs in a temporary one."""
    folder = tmp_path_factory.mktemp("kb-cache")
    os.environ["KB_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from its own temporary folder."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def corpus(workdir: Path) -> Callable[..., Path]:
    """Factory: write the base corpus with overrides; returns the content folder."""

    def build(files: Mapping[str, str | bytes | None] | None = None, folder: str = CONTENT) -> Path:
        return make_corpus(workdir, files, folder=folder)

    return build


@pytest.fixture
def load_corpus(corpus: Callable[..., Path]) -> Callable[..., LoadResult]:
    """Factory: write the base corpus with overrides and load it."""

    def build(files: Mapping[str, str | bytes | None] | None = None) -> LoadResult:
        return load(corpus(files))

    return build


# Browser tests ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory):
    """The real content, built once with the project's conf.py."""
    from browser_support import REPO

    from knowledgebase.cli import main as kb

    out = tmp_path_factory.mktemp("browser-site") / "html"
    assert kb(["build", "--content", str(REPO / "content"), "--conf", str(REPO), "--out", str(out), "-q"]) == 0
    return out


@pytest.fixture(scope="session")
def site_url(site_dir):
    """The built site served on 127.0.0.1."""
    from browser_support import StaticServer

    with StaticServer(site_dir) as server:
        yield server.url


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test."""
    from browser_support import CHROMIUM_ARGS, chromium_path

    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def reads_spied(monkeypatch) -> list[str]:
    """The names of the files a load reads from disk, in order, from now on."""
    from knowledgebase.reading import decode, facts, sources

    read: list[str] = []
    original = decode.read_bytes

    def spy(file, *rest):
        read.append(file.name)
        return original(file, *rest)

    for module in (decode, facts, sources):
        monkeypatch.setattr(module, "read_bytes", spy)
    return read
