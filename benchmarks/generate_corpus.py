"""Generate a deterministic synthetic Leading Learning corpus for the benchmarks.

    python benchmarks/generate_corpus.py --articles 1000 --out /tmp/kb-bench/corpus-1000

writes a complete content folder (the thing ``kb check`` and ``kb build --content``
read) with:

* ``articles/*.md``  - N articles with full front matter: 1-6 concepts drawn from
  the vocabulary with a Zipf-like (skewed) distribution, 1-3 audiences, a kind,
  sources (always for research summaries), prerequisites (only earlier
  articles, so never a cycle), reflection questions, an ``updated`` date for
  most, and a prose-like body of realistic length (about 350-1,600 words,
  mean about 750, like the hand-written articles) with H2 sections, lists,
  ``{article}``/``{concept}``/``{source}`` roles and plain Markdown links to
  other articles (link targets are skewed too: some articles are "hubs");
* ``concepts/*.md``  - the vocabulary (28 + N/25 concepts by default), with
  labels, aliases, definitions, broader (acyclic) and related concepts;
* ``audiences/*.md`` - the seven audiences of the design;
* ``paths/*.md``     - a few reading paths (3 + N/500, at most 20);
* ``sources.yaml``   - max(12, N/20) synthetic sources;
* the hand-made pages (``index.md``, ``articles.md``, ...) copied from the
  project's own ``content/*.md``.

``--shape`` varies the toctrees an author may write, on the same articles:
``none`` (the home page's toctree lists only the section pages), ``glob-home``
(the home page also has the hidden glob toctree a Sphinx user naturally
writes over every concept, article and path) and ``page-toctrees`` (every
tenth article gathers the next nine in a toctree of its own).

All text is generated from the fixed word lists below with a seeded
``random.Random``: nothing is copied from any document, and the same
arguments always give byte-identical files. Every file is free of ``kb check``
diagnostics (``--check`` runs it to prove so).
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from a checkout, with or without the package installed

from knowledgebase.reading.references import RESEARCH_CLAIM  # noqa: E402
HAND_MADE = REPO / "content"

# ---------------------------------------------------------------------------------------------
# Word lists (written for this generator; plain, generic vocabulary)

NOUNS = """
school teacher leader pupil classroom lesson curriculum colleague department team governor parent
community practice evidence feedback assessment question inquiry habit routine meeting agenda policy
strategy priority budget timetable resource workload risk change improvement standard outcome progress
attainment behaviour relationship trust respect culture climate expectation value purpose vision
conversation dialogue observation coaching mentoring training session workshop network partnership
cluster trust-board review report audit inspection data measure target goal plan cycle stage phase
term year week morning afternoon decision judgement experience knowledge skill expertise craft method
approach model framework principle idea belief assumption story example case problem challenge barrier
pressure demand support capacity energy time pace rhythm reflection journal notebook study research
project pilot trial experiment result finding insight pattern theme difference gap need strength
weakness opportunity responsibility accountability autonomy ownership agency voice choice role
position structure system network region authority level layer boundary connection link bridge
""".split()

ADJECTIVES = """
careful shared honest open quiet steady patient practical clear simple deliberate gradual collective
local regional professional personal whole deep shallow strong weak new old familiar unfamiliar
different similar useful fair equal humble ambitious realistic specific general early late regular
informal formal daily weekly annual small large modest bold thoughtful curious confident cautious
visible hidden explicit implicit common rare lasting brief sustained careful reflective collaborative
independent joint mutual responsive adaptive flexible rigid stable uncertain complex ordinary
""".split()

VERBS = """
builds shapes supports changes reveals tests questions improves strengthens weakens protects frames
guides informs challenges explains reduces raises sustains connects invites rewards limits enables
encourages requires creates replaces follows precedes prepares shows measures records describes
""".split()

ADVERBS = """
slowly quietly steadily often rarely usually deliberately gradually openly carefully clearly
consistently sometimes seldom gently firmly patiently
""".split()

PREPOSITIONS = "in across within between through around beyond before after during for with".split()

OPENERS = """
In practice, | Over time, | For most schools, | In many cases, | At first, | Put simply, | Even so,
| In the best examples, | By contrast, | Across a partnership, | Within a single department,
| For a new leader, | Year after year, | In the first term, | Later on,
""".split("|")

CONNECTORS = ["and", "but", "so", "while", "because", "although", "until", "unless", "whereas"]

CONCEPT_WORDS = """
trust inquiry agency equity evidence feedback coaching mentoring collaboration curiosity purpose
pace capacity continuity challenge partnership stewardship ownership accountability autonomy
reflection expertise dialogue voice belonging wellbeing workload readiness design delivery
evaluation improvement research culture ethos energy moral-purpose talent succession networks
""".split()

CONCEPT_QUALIFIERS = """
adaptive shared collective professional relational distributed reflective deliberate sustained
systemic joint mutual local regional instructional curricular evaluative formative strategic
""".split()

AUDIENCES = [
    ("headteacher", "Headteachers"), ("senior-leader", "Senior leaders"), ("middle-leader", "Middle leaders"),
    ("teacher-leader", "Teacher leaders"), ("teacher", "Teachers"), ("system-leader", "System leaders"),
    ("cpd-facilitator", "CPD facilitators"),
]
AUDIENCE_WEIGHTS = [5, 4, 5, 3, 4, 2, 1]

KINDS = [("guide", 35), ("explainer", 25), ("case-study", 15), ("research-summary", 15), ("reflection", 10)]

SURNAMES = """
Ashdown Brennan Caldwell Dunmore Ellery Fairley Garrow Hallam Ingleby Jessop Kinsella Lowther Marlow
Norcott Orwin Pellow Quarry Rendell Selwood Thackeray Underhill Varley Wardle Yelland
""".split()
INITIALS = "ABCDEFGHJKLMNPRSTW"
PUBLISHERS = ["Example Institute", "Sample Press", "The Demo Foundation", "Placeholder University Press",
              "Synthetic Schools Network"]
# Five of the schema's source kinds (knowledgebase.schema.SOURCE_KINDS; kb check on a generated corpus holds them to it).
SOURCE_KINDS = ["report", "book", "article", "practitioner-post", "web-page"]


# ---------------------------------------------------------------------------------------------
# Helpers


class Zipf:
    """Draw indices 0..n-1 with probability proportional to 1 / (rank + 1) ** exponent."""

    def __init__(self, n: int, exponent: float):
        weights = [1 / (i + 1) ** exponent for i in range(n)]
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]

    def draw(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random() * self.total)

    def sample(self, rng: random.Random, k: int, exclude=()) -> list[int]:
        """``k`` distinct indices (fewer if there are not that many)."""
        chosen: list[int] = []
        excluded = set(exclude)
        limit = len(self.cumulative) - len(excluded)
        attempts = 0
        while len(chosen) < min(k, limit) and attempts < 50 * k + 50:
            attempts += 1
            index = self.draw(rng)
            if index not in excluded and index not in chosen:
                chosen.append(index)
        return chosen


def slug(text: str) -> str:
    out = []
    for ch in text.lower():
        out.append(ch if ch.isalnum() else "-")
    return "-".join(part for part in "".join(out).split("-") if part)


def flow(items) -> str:
    return "[" + ", ".join(items) + "]"


def quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


class Prose:
    """Sentences and paragraphs from the word lists."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def phrase(self) -> str:
        r = self.rng
        noun = r.choice(NOUNS)
        return f"{r.choice(ADJECTIVES)} {noun}" if r.random() < 0.5 else noun

    def clause(self) -> str:
        r = self.rng
        subject = self.phrase()
        determiner = r.choice(["the", "every", "each", "this", "that", "their", "our"])
        verb = r.choice(VERBS)
        if r.random() < 0.25:
            verb = f"{r.choice(ADVERBS)} {verb}"
        text = f"{determiner} {subject} {verb} the {self.phrase()}"
        if r.random() < 0.6:
            text += f" {r.choice(PREPOSITIONS)} the {self.phrase()}"
        return text

    def sentence(self) -> str:
        r = self.rng
        text = self.clause()
        if r.random() < 0.45:
            text += f" {r.choice(CONNECTORS)} {self.clause()}"
        if r.random() < 0.2:
            text = f"{r.choice(OPENERS).strip()} {text}"
        return text[0].upper() + text[1:] + "."

    def question(self) -> str:
        r = self.rng
        start = r.choice(["Where does", "How does", "When does", "Why does", "What would change if"])
        return f"{start} the {self.phrase()} in your {r.choice(NOUNS)} {r.choice(VERBS).removesuffix('s')} " \
               f"the {self.phrase()}?"

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def words(self, text: str) -> int:
        return len(text.split())


# ---------------------------------------------------------------------------------------------
# The corpus


class Corpus:
    def __init__(self, articles: int, seed: int, concepts: int | None, concept_skew: float, link_skew: float):
        self.n = articles
        self.rng = random.Random(seed)
        self.prose = Prose(self.rng)
        self.n_concepts = concepts or 28 + articles // 25
        self.n_sources = max(12, articles // 20)
        self.n_paths = min(20, 3 + articles // 500)
        self.concept_draw = Zipf(self.n_concepts, concept_skew)
        self.source_draw = Zipf(self.n_sources, 0.8)
        self.link_draw = Zipf(max(1, articles), link_skew)
        self.files: dict[str, str] = {}

    # Concepts --------------------------------------------------------------------------------

    def make_concepts(self) -> None:
        r = self.rng
        names: list[str] = []
        seen: set[str] = set()
        for word in CONCEPT_WORDS:
            names.append(word.replace("-", " "))
        for qualifier, word in itertools.product(CONCEPT_QUALIFIERS, CONCEPT_WORDS):
            names.append(f"{qualifier} {word.replace('-', ' ')}")
        # A fixed shuffle of the combined names, single words first so small corpora look natural.
        singles, pairs = names[: len(CONCEPT_WORDS)], names[len(CONCEPT_WORDS):]
        r.shuffle(pairs)
        names = singles + pairs
        if self.n_concepts > len(names):
            raise SystemExit(f"at most {len(names)} concepts can be generated")
        self.concepts: list[tuple[str, str]] = []   # (id, label)
        for name in names[: self.n_concepts]:
            cid = slug(name)
            seen.add(cid)
            self.concepts.append((cid, name[0].upper() + name[1:]))
        terms = set(seen)
        for index, (cid, label) in enumerate(self.concepts):
            aliases = []
            for candidate in (f"{label.lower()} practice", f"{label.lower()} in schools"):
                if r.random() < 0.6 and slug(candidate) not in terms:
                    terms.add(slug(candidate))
                    aliases.append(candidate)
            broader = []
            if index >= 8 and r.random() < 0.5:
                broader.append(self.concepts[r.randrange(0, min(index, 40))][0])
            related = sorted({self.concepts[i][0] for i in self.concept_draw.sample(r, r.randint(0, 4), [index])})
            definition = self.prose.sentence()[:195].rstrip(" .") + "."
            body = [f"{label} is one of the ideas this knowledge base keeps returning to. {self.prose.paragraph(3)}", ""]
            for _ in range(r.randint(2, 3)):
                body += [f"## {self.prose.phrase().capitalize()}", "", self.prose.paragraph(r.randint(3, 6)), ""]
            if related:
                body += [f"It sits close to {{concept}}`{related[0]}`. {self.prose.paragraph(2)}", ""]
            lines = ["---", f"label: {quoted(label)}"]
            if aliases:
                lines.append(f"aliases: {flow(quoted(a) for a in aliases)}")
            lines.append(f"definition: {quoted(definition)}")
            if broader:
                lines.append(f"broader: {flow(broader)}")
            if related:
                lines.append(f"related: {flow(related)}")
            lines += ["---", "", *body]
            self.files[f"concepts/{cid}.md"] = "\n".join(lines).rstrip() + "\n"

    # Audiences and sources -----------------------------------------------------------------

    def make_audiences(self) -> None:
        for aid, label in AUDIENCES:
            description = f"{label} who want {self.prose.phrase()} and {self.prose.phrase()} in their work."
            body = self.prose.paragraph(3)
            self.files[f"audiences/{aid}.md"] = (f"---\nlabel: {quoted(label)}\ndescription: {quoted(description)}\n"
                                                 f"---\n\n{body}\n")

    def make_sources(self) -> None:
        r = self.rng
        lines = ["# Synthetic bibliography generated for benchmarks; every entry is invented.", ""]
        self.sources: list[str] = []
        for index in range(self.n_sources):
            surname = SURNAMES[index % len(SURNAMES)]
            year = 1995 + r.randrange(0, 31)
            sid = f"{surname.lower()}-{year}-{index}"
            self.sources.append(sid)
            title = self.prose.phrase().capitalize() + " " + r.choice(PREPOSITIONS) + " the " + self.prose.phrase()
            lines += [f"{sid}:", f"  title: {quoted(title)}",
                      f"  authors: {flow(quoted(f'{r.choice(INITIALS)}. {surname}') for _ in range(1))}",
                      f"  year: {year}", f"  publisher: {quoted(r.choice(PUBLISHERS))}",
                      f"  kind: {r.choice(SOURCE_KINDS)}"]
            if r.random() < 0.5:
                lines.append(f"  url: https://example.org/sources/{sid}")
            lines.append("")
        self.files["sources.yaml"] = "\n".join(lines)

    # Articles --------------------------------------------------------------------------------

    def make_article_headers(self) -> None:
        r = self.rng
        self.articles: list[dict] = []
        used: set[str] = set()
        kinds, kind_weights = zip(*KINDS)
        audience_ids = [a for a, _ in AUDIENCES]
        start = dt.date(2024, 1, 1)
        for index in range(self.n):
            title = self.title()
            aid = slug(title)
            suffix = 2
            while aid in used:
                aid = f"{slug(title)}-{suffix}"
                suffix += 1
            used.add(aid)
            count = min(6, max(1, round(r.gauss(3.6, 1.2))))
            concepts = self.concept_draw.sample(r, count)
            if index < self.n_concepts:  # every concept is some article's primary concept
                concepts = [index] + [c for c in concepts if c != index][: count - 1]
            kind = r.choices(kinds, kind_weights)[0]
            sources = [self.sources[i] for i in self.source_draw.sample(r, r.choice([0, 1, 1, 2, 3]))]
            if kind == "research-summary" and not sources:
                sources = [self.sources[self.source_draw.draw(r)]]
            prerequisites = []
            if index > 10 and r.random() < 0.2:
                prerequisites = sorted({r.randrange(0, index) for _ in range(r.randint(1, 2))})
            audience = sorted(set(r.choices(range(len(audience_ids)), AUDIENCE_WEIGHTS, k=r.randint(1, 3))))
            self.articles.append({
                "id": aid, "title": title, "concepts": [self.concepts[c][0] for c in concepts],
                "audience": [audience_ids[a] for a in audience], "kind": kind, "sources": sources,
                "prerequisites": prerequisites,
                "questions": [self.prose.question() for _ in range(r.choice([0, 1, 2, 3]))],
                "updated": start + dt.timedelta(days=r.randrange(0, 1000)) if r.random() < 0.7 else None,
            })
        # Link targets: a fixed random order of "popularity", so hubs are spread over the corpus.
        self.popularity = list(range(self.n))
        r.shuffle(self.popularity)

    def title(self) -> str:
        r = self.rng
        templates = [
            lambda: f"{self.prose.phrase().capitalize()} {r.choice(PREPOSITIONS)} the {self.prose.phrase()}",
            lambda: f"Why {r.choice(NOUNS)} {r.choice(VERBS)} {r.choice(NOUNS)}",
            lambda: f"{r.choice(ADJECTIVES).capitalize()} {r.choice(NOUNS)} and {r.choice(ADJECTIVES)} {r.choice(NOUNS)}",
            lambda: f"How {r.choice(NOUNS)} leaders {r.choice(VERBS).removesuffix('s')} {r.choice(NOUNS)}",
            lambda: f"The {r.choice(NOUNS)} of {r.choice(ADJECTIVES)} {r.choice(NOUNS)}",
        ]
        return r.choice(templates)()

    def link_target(self, index: int) -> int | None:
        if self.n < 2:
            return None
        for _ in range(10):
            target = self.popularity[self.link_draw.draw(self.rng)]
            if target != index:
                return target
        return None

    def article_body(self, index: int) -> str:
        r = self.rng
        article = self.articles[index]
        target_words = min(1600, max(350, int(r.gauss(570, 220))))
        parts: list[str] = [self.prose.paragraph(r.randint(3, 5)), ""]
        words = sum(self.prose.words(p) for p in parts)
        links = r.choice([1, 2, 3, 4, 5, 6, 7, 8, 9])
        link_at = sorted(r.sample(range(10), min(links, 10)))
        paragraph_number = 0
        while words < target_words:
            parts += [f"## {self.prose.phrase().capitalize()} {r.choice(PREPOSITIONS)} the {r.choice(NOUNS)}", ""]
            for _ in range(r.randint(1, 4)):
                text = self.prose.paragraph(r.randint(3, 7))
                if paragraph_number in link_at:
                    target = self.link_target(index)
                    if target is not None:
                        other = self.articles[target]
                        if r.random() < 0.5:
                            text += f" See {{article}}`{other['id']}` for more."
                        else:
                            text += f" The article on [{other['title'].lower()}]({other['id']}.md) goes further."
                if r.random() < 0.35:
                    text += f" It matters for {{concept}}`{r.choice(article['concepts'])}`."
                if article["sources"] and r.random() < 0.2:
                    text += f" As {{source}}`{r.choice(article['sources'])}` puts it, {self.prose.clause()}."
                paragraph_number += 1
                parts += [text, ""]
                words += self.prose.words(text)
            if r.random() < 0.3:
                items = [f"- **{self.prose.phrase().capitalize()}.** {self.prose.sentence()}" for _ in range(r.randint(3, 5))]
                parts += [*items, ""]
                words += sum(self.prose.words(i) for i in items)
        return "\n".join(parts).rstrip() + "\n"

    def make_articles(self) -> None:
        for index, article in enumerate(self.articles):
            summary = self.prose.sentence()
            if len(summary) < 120:
                summary += " " + self.prose.sentence()
            summary = summary[:300]
            if not summary.endswith("."):
                summary = summary[:299].rsplit(" ", 1)[0] + "."
            lines = ["---", f"title: {quoted(article['title'])}", f"summary: {quoted(summary)}",
                     f"concepts: {flow(article['concepts'])}", f"audience: {flow(article['audience'])}",
                     f"kind: {article['kind']}"]
            if article["sources"]:
                lines.append(f"sources: {flow(article['sources'])}")
            if article["prerequisites"]:
                lines.append(f"prerequisites: {flow(self.articles[p]['id'] for p in article['prerequisites'])}")
            if article["questions"]:
                lines.append("questions:")
                lines += [f"  - {quoted(q)}" for q in article["questions"]]
            if article["updated"]:
                lines.append(f"updated: {article['updated'].isoformat()}")
            # Generated sources are of no research kind, so the text makes no claim that research shows
            # something (KB124): the engine's own pattern finds any the random sentences happened to make.
            body = RESEARCH_CLAIM.sub(lambda claim: re.sub(r"(?:\s+clearly)?\s+(?:has\s+|have\s+|is\s+)?\w+$",
                                                           " informs", claim.group(0)), self.article_body(index))
            lines += ["---", "", body]
            self.files[f"articles/{article['id']}.md"] = "\n".join(lines)

    # Paths -----------------------------------------------------------------------------------

    def make_paths(self) -> None:
        r = self.rng
        free = [i for i, a in enumerate(self.articles) if not a["prerequisites"]]
        audience_ids = [a for a, _ in AUDIENCES]
        used: set[str] = set()
        for number in range(self.n_paths):
            if len(free) < 3:
                break
            steps = r.sample(free, min(len(free), r.randint(3, 6)))
            title = f"{self.prose.phrase().capitalize()} for {r.choice(AUDIENCES)[1].lower()}"
            pid = slug(title)
            while pid in used:
                pid += "-2"
            used.add(pid)
            lines_steps = []
            in_session = 0
            for position, index in enumerate(steps):
                when = "pre-reading" if position == 0 else "follow-up" if position == len(steps) - 1 else "in-session"
                minutes = r.choice([5, 10, 15, 20])
                if when == "in-session":
                    in_session += minutes
                lines_steps += [f"  - article: {self.articles[index]['id']}", f"    minutes: {minutes}",
                                f"    when: {when}", f"    prompt: {quoted(self.prose.question())}",
                                f"    facilitator: {quoted(self.prose.sentence())}"]
            duration = max(30, -(-(in_session + 15) // 15) * 15)
            lines = ["---", f"title: {quoted(title)}", f"summary: {quoted(self.prose.sentence()[:290])}",
                     f"audience: {flow(sorted(r.sample(audience_ids, r.randint(1, 2))))}", f"duration: {duration}",
                     "outcomes:", *[f"  - {quoted(self.prose.sentence()[:290])}" for _ in range(r.randint(1, 3))],
                     "steps:", *lines_steps, "---", "", self.prose.paragraph(3), ""]
            self.files[f"paths/{pid}.md"] = "\n".join(lines)

    def generate(self) -> dict[str, str]:
        self.make_concepts()
        self.make_audiences()
        self.make_sources()
        self.make_article_headers()
        self.make_articles()
        self.make_paths()
        for page in sorted(HAND_MADE.glob("*.md")):
            self.files[page.name] = page.read_text(encoding="utf-8")
        return self.files


SHAPES = ("none", "glob-home", "page-toctrees")
GLOB_TOCTREE = "\n```{toctree}\n:hidden:\n:glob:\n\nconcepts/*\narticles/*\npaths/*\n```\n"


def shape_toctrees(files: dict[str, str], shape: str) -> None:
    """Give the corpus the toctrees of ``shape`` (see the module's docstring)."""
    if shape == "glob-home":
        files["index.md"] += GLOB_TOCTREE
    elif shape == "page-toctrees":
        ids = sorted(name[len("articles/"):-3] for name in files if name.startswith("articles/"))
        for start in range(0, len(ids), 10):
            series = ids[start + 1:start + 10]
            if series:
                files[f"articles/{ids[start]}.md"] += "\n```{toctree}\n:maxdepth: 1\n\n" + "\n".join(series) + "\n```\n"


def write_corpus(out: Path, articles: int, seed: int = 1, concepts: int | None = None,
                 concept_skew: float = 0.75, link_skew: float = 0.7, shape: str = "none") -> dict:
    """Write the corpus into ``out`` (emptied first) and return a summary of what it holds."""
    files = Corpus(articles, seed, concepts, concept_skew, link_skew).generate()
    shape_toctrees(files, shape)
    if out.exists():
        shutil.rmtree(out)
    for name, text in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    summary = {
        "articles": sum(name.startswith("articles/") for name in files),
        "concepts": sum(name.startswith("concepts/") for name in files),
        "paths": sum(name.startswith("paths/") for name in files),
        "audiences": sum(name.startswith("audiences/") for name in files),
        "words": sum(len(text.split()) for name, text in files.items() if name.startswith("articles/")),
        "seed": seed, "concept_skew": concept_skew, "link_skew": link_skew, "shape": shape,
    }
    (out.parent / f"{out.name}.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def ensure_corpus(out: Path, articles: int, seed: int = 1, shape: str = "none") -> dict:
    """Generate the corpus unless ``out`` already holds the one these arguments give."""
    stamp = out.parent / f"{out.name}.json"
    if out.is_dir() and stamp.is_file():
        summary = json.loads(stamp.read_text(encoding="utf-8"))
        if (summary.get("articles"), summary.get("seed"), summary.get("shape", "none")) == (articles, seed, shape):
            return summary
    return write_corpus(out, articles, seed, shape=shape)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, required=True, help="number of articles")
    parser.add_argument("--out", type=Path, required=True, help="content folder to write (replaced if it exists)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--concepts", type=int, default=None, help="vocabulary size (default 28 + articles/25)")
    parser.add_argument("--concept-skew", type=float, default=0.75, help="Zipf exponent of concept tags")
    parser.add_argument("--link-skew", type=float, default=0.7, help="Zipf exponent of link targets")
    parser.add_argument("--shape", choices=SHAPES, default="none", help="the toctrees the corpus has")
    parser.add_argument("--check", action="store_true", help="run `kb check` on the result; fail on any diagnostic")
    args = parser.parse_args(argv)
    if args.articles < 1:
        parser.error("--articles must be at least 1")
    summary = write_corpus(args.out, args.articles, args.seed, args.concepts, args.concept_skew, args.link_skew,
                           args.shape)
    print(f"wrote {args.out}: {summary['articles']} articles ({summary['words']} words), "
          f"{summary['concepts']} concepts, {summary['paths']} paths, {summary['audiences']} audiences")
    if args.check:
        completed = subprocess.run([sys.executable, "-m", "knowledgebase", "check", "--strict", "--content", str(args.out)],
                                   capture_output=True, text=True)
        print(completed.stdout.strip().splitlines()[-1] if completed.stdout.strip() else completed.stderr)
        if completed.returncode != 0:
            print(completed.stdout + completed.stderr, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
