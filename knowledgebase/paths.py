"""Reading paths: the checks a curated path must pass, and the planner that drafts one."""

from __future__ import annotations

import heapq
import json
import re
from dataclasses import dataclass

from .diagnostics import CodeId, Diagnostic, make
from .reading.frontmatter import FrontMatter
from .model import KnowledgeBase, ReadingPath
from .schema import normalise_term
from .suggest import closest

WHEN_ORDER = {"pre-reading": 0, "in-session": 1, "follow-up": 2}


def format_minutes(minutes: int) -> str:
    """``95`` -> ``1:35``: a timetable clock from the start of the session."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def reading_order(kb: KnowledgeBase, article_ids: list[str]) -> list[str]:
    """``article_ids`` reordered so that every prerequisite comes first, otherwise keeping their order.

    Kahn's algorithm, always taking the earliest ready article; with a prerequisite cycle (reported
    elsewhere) the order is left as it is.
    """
    position = {aid: i for i, aid in enumerate(article_ids)}
    followers: dict[str, set[str]] = {aid: set() for aid in position}
    for aid in position:
        for prerequisite in kb.articles[aid].prerequisites if aid in kb.articles else ():
            if prerequisite in position:
                followers[prerequisite].add(aid)
    waiting = dict.fromkeys(position, 0)
    for targets in followers.values():
        for aid in targets:
            waiting[aid] += 1
    ready = [(position[aid], aid) for aid, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order = []
    while ready:
        _, aid = heapq.heappop(ready)
        order.append(aid)
        for follower in followers[aid]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                heapq.heappush(ready, (position[follower], follower))
    return order if len(order) == len(position) else list(article_ids)


# The wording of the path rules, in one place: `kb check` fills these in, and so
# does the session builder (the table is published in the site's session data).
PATH_RULES: dict[str, tuple[CodeId, str, str]] = {
    "over-time": ("KB301", "the in-session steps take {used} minutes; the session lasts {duration}",
                  "shorten steps, move one to pre-reading or follow-up, or raise `duration`"),
    "duplicate-step": ("KB305", "`{article}` is already step {first}", "remove one of the two steps"),
    "missing-prerequisite": ("KB302", "`{article}` assumes `{prerequisite}`, which the path does not include",
                             "add a pre-reading step with `article: {prerequisite}`"),
    "prerequisite-after": ("KB302", "step {step} (`{article}`) comes before its prerequisite `{prerequisite}` "
                                    "(step {prerequisite_step})", "reorder the steps: {order}"),
}


def path_rule(rule: str, shown: str, line: int, **values) -> Diagnostic:
    code, message, hint = PATH_RULES[rule]
    return make(code, shown, line, message.format(**values), hint.format(**values))


def check_paths(kb: KnowledgeBase, path: ReadingPath, shown: str, fm: FrontMatter) -> list[Diagnostic]:
    """Rules a path must follow beyond its fields: time, order and repetition."""
    diagnostics = []
    if path.in_session_minutes > path.duration:
        diagnostics.append(path_rule("over-time", shown, fm.line("duration"),
                                     used=path.in_session_minutes, duration=path.duration))
    seen: dict[str, int] = {}
    for index, step in enumerate(path.steps):
        if step.article in seen:
            diagnostics.append(path_rule("duplicate-step", shown, fm.line("steps", index),
                                         article=step.article, first=seen[step.article] + 1))
        seen.setdefault(step.article, index)
    order = [s.article for s in path.steps]
    suggested = reading_order(kb, list(dict.fromkeys(order)))
    for index, step in enumerate(path.steps):
        article = kb.articles.get(step.article)
        if article is None:
            continue
        for prerequisite in article.prerequisites:
            if prerequisite not in seen:
                diagnostics.append(path_rule("missing-prerequisite", shown, fm.line("steps", index),
                                             article=step.article, prerequisite=prerequisite))
            elif seen[prerequisite] > index:
                diagnostics.append(path_rule("prerequisite-after", shown, fm.line("steps", index),
                                             step=index + 1, article=step.article, prerequisite=prerequisite,
                                             prerequisite_step=seen[prerequisite] + 1,
                                             order=", ".join(suggested)))
    return diagnostics


# The planner -----------------------------------------------------------------------------------

DISCUSSION_MINUTES = 10     # added to an in-session reading for the group's discussion
PRIMARY_WEIGHT = 2.0        # covering a requested concept that is the article's primary concept
SECONDARY_WEIGHT = 1.0      # covering it as one of the article's other concepts
AUDIENCE_BONUS = 0.5        # the article is written for the requested audience
DEPTH_WEIGHT = 0.25         # a concept already covered, seen again from another angle
PLACEHOLDER_NOTE = "TODO(trainer): write your facilitation notes for this step."


class PlanError(ValueError):
    """The request cannot be met. ``code`` says why and ``params`` hold the details; the
    planner of the session builder (``kb-planner.js``) reports the same codes and parameters,
    and each front end words them itself (``kb path plan`` from ``commands/path.py``'s table):

    ``no-concepts``       no concept was named
    ``unknown-concept``   ``term`` (as typed) names no concept; ``suggestion``: the closest name, or None
    ``unknown-audience``  ``audience`` is not an audience id; ``suggestion``: the closest id, or None
    ``no-articles``       no article is tagged with any of ``concepts`` (concept ids)
    ``too-short``         ``minutes`` is less than ``shortest``, the shortest reading with discussion
    """

    def __init__(self, code: str, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params

    def __str__(self) -> str:
        return f"{self.code} {self.params}"


@dataclass(frozen=True)
class PlannedStep:
    article: str
    minutes: int
    when: str
    reason: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    concepts: tuple[str, ...]
    audience: str | None
    minutes: int
    pre_reading_minutes: int
    steps: tuple[PlannedStep, ...]
    uncovered: tuple[str, ...]
    left_out_prerequisites: tuple[str, ...]

    @property
    def in_session_minutes(self) -> int:
        return sum(s.minutes for s in self.steps if s.when == "in-session")

    @property
    def pre_reading_total(self) -> int:
        return sum(s.minutes for s in self.steps if s.when == "pre-reading")


def link_counts(kb: KnowledgeBase) -> dict[str, int]:
    """For each article, how many links from other articles' bodies point to it (the planner's tie-break)."""
    counts = dict.fromkeys(kb.articles, 0)
    for other in kb.articles.values():
        for target in other.links:
            if target in counts:
                counts[target] += 1
    return counts


def session_minutes(kb: KnowledgeBase, article_id: str) -> int:
    """Time an article takes in a session: reading it, then discussing it."""
    return kb.articles[article_id].reading_time + DISCUSSION_MINUTES


def plan_path(kb: KnowledgeBase, concepts: list[str], minutes: int, audience: str | None = None,
              pre_reading: int = 0) -> Plan:
    """Draft a reading path covering ``concepts`` in a session of ``minutes``.

    Greedy and deterministic: each round takes the article that adds most
    coverage (a requested concept as the article's primary concept counts
    double; the requested audience adds a bonus; concepts already covered add
    a little depth) per minute of session time, ties broken by id. Then
    prerequisites of the chosen articles are added, as pre-reading where that
    budget allows, else in the session where time remains, and the steps are
    ordered so that prerequisites come first.
    """
    if not concepts:
        raise PlanError("no-concepts")
    requested: list[str] = []
    for term in concepts:
        cid = kb.aliases.get(normalise_term(term))
        if cid is None:
            raise PlanError("unknown-concept", term=term, suggestion=closest(normalise_term(term), kb.aliases))
        if cid not in requested:
            requested.append(cid)
    if audience is not None and audience not in kb.audiences:
        raise PlanError("unknown-audience", audience=audience, suggestion=closest(audience, kb.audiences))
    candidates = sorted({a for a in kb.articles.values() if set(a.concepts) & set(requested)}, key=lambda a: a.id)
    if not candidates:
        raise PlanError("no-articles", concepts=requested)
    shortest = min(session_minutes(kb, a.id) for a in candidates)
    if minutes < shortest:
        raise PlanError("too-short", minutes=minutes, shortest=shortest)

    # Among equally good readings, prefer the ones other articles point readers to.
    linked_to = link_counts(kb)
    covered: set[str] = set()
    chosen: list[str] = []
    reasons: dict[str, tuple[str, tuple[str, ...]]] = {}
    budget = {"in-session": minutes, "pre-reading": pre_reading}

    def pick(new_coverage_only: bool) -> None:
        while True:
            best = None
            for article in candidates:
                cost = session_minutes(kb, article.id)
                if article.id in chosen or cost > budget["in-session"]:
                    continue
                gain, covers = _gain(article, requested, covered, audience)
                if gain <= 0 or (new_coverage_only and not set(covers) - covered):
                    continue
                key = (-gain / cost, -gain, -linked_to[article.id], article.id)
                if best is None or key < best[0]:
                    best = (key, article, covers)
            if best is None:
                return
            _, article, covers = best
            new = [c for c in covers if c not in covered]
            reasons[article.id] = (_reason(kb, article, covers, new, audience), tuple(covers))
            covered.update(covers)
            chosen.append(article.id)
            budget["in-session"] -= session_minutes(kb, article.id)

    steps: dict[str, PlannedStep] = {}
    left_out: list[str] = []

    def add_prerequisites() -> None:
        for aid in _missing_prerequisites(kb, chosen):
            if aid in steps or aid in left_out:
                continue
            article = kb.articles[aid]
            needed_by = sorted(x for x in chosen + list(steps) if aid in kb.articles[x].prerequisites)
            reason = "prerequisite of " + ", ".join(needed_by)
            if article.reading_time <= budget["pre-reading"]:
                steps[aid] = PlannedStep(aid, article.reading_time, "pre-reading", reason, ())
                budget["pre-reading"] -= article.reading_time
            elif session_minutes(kb, aid) <= budget["in-session"]:
                steps[aid] = PlannedStep(aid, session_minutes(kb, aid), "in-session", reason, ())
                budget["in-session"] -= session_minutes(kb, aid)
            else:
                left_out.append(aid)

    # First cover every concept the time allows, then give the prerequisites of
    # those readings their place, and only then use what is left for depth.
    pick(new_coverage_only=True)
    add_prerequisites()
    pick(new_coverage_only=False)
    add_prerequisites()
    for aid in chosen:
        steps[aid] = PlannedStep(aid, session_minutes(kb, aid), "in-session", *reasons[aid])
    ordered = reading_order(kb, sorted(steps, key=lambda a: (WHEN_ORDER[steps[a].when], chosen.index(a) if a in chosen else -1, a)))
    ordered.sort(key=lambda a: WHEN_ORDER[steps[a].when])  # stable: keeps the prerequisite order within each part
    return Plan(tuple(requested), audience, minutes, pre_reading, tuple(steps[a] for a in ordered),
                tuple(c for c in requested if c not in covered), tuple(left_out))


def _gain(article, requested: list[str], covered: set[str], audience: str | None) -> tuple[float, list[str]]:
    covers = [c for c in requested if c in article.concepts]
    gain = 0.0
    for concept in covers:
        if concept in covered:
            gain += DEPTH_WEIGHT
        else:
            gain += PRIMARY_WEIGHT if concept == article.primary_concept else SECONDARY_WEIGHT
    if gain and audience and audience in article.audience:
        gain += AUDIENCE_BONUS
    return gain, covers


def _reason(kb: KnowledgeBase, article, covers: list[str], new: list[str], audience: str | None) -> str:
    labels = lambda ids: ", ".join(kb.concepts[c].label for c in ids)  # noqa: E731
    parts = []
    if new:
        parts.append("covers " + labels(new))
    deeper = [c for c in covers if c not in new]
    if deeper:
        parts.append("goes deeper into " + labels(deeper))
    if article.primary_concept in covers:
        parts.append(f"{kb.concepts[article.primary_concept].label} is its main subject")
    if audience and audience in article.audience:
        parts.append(f"written for {kb.audiences[audience].label.lower()}")
    return "; ".join(parts)


def _missing_prerequisites(kb: KnowledgeBase, chosen: list[str]) -> list[str]:
    """Prerequisites (transitively) of the chosen articles that are not chosen, nearest first."""
    missing: list[str] = []
    frontier = list(chosen)
    while frontier:
        next_frontier = []
        for aid in frontier:
            for prerequisite in kb.articles[aid].prerequisites:
                if prerequisite not in chosen and prerequisite not in missing:
                    missing.append(prerequisite)
                    next_frontier.append(prerequisite)
        frontier = next_frontier
    return missing


# Text YAML reads as the text itself when written plainly: a letter first, then letters, digits,
# spaces and safe punctuation, no trailing space, and not a word YAML 1.1 reads as true, false or null.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.;()'\u2019?!/-]*")
_NOT_PLAIN = re.compile(r"(?:true|false|yes|no|on|off|null|y|n)", re.IGNORECASE)
# Escaped inside double quotes besides JSON's own escapes: what YAML refuses in a file or reads as a line
# break, and a lone surrogate (a Python string holds no other; JSON.stringify escapes it alike).
_ESCAPED = re.compile("[\u007f-\u009f\u2028\u2029\ufffe\uffff\ud800-\udfff]")


def yaml_text(text: str) -> str:
    """``text`` as one YAML scalar that reads back as exactly ``text``: plain when nothing could
    misread it, otherwise double-quoted with JSON's escapes (which are YAML's). The site's
    session builder quotes alike (``kb-path-file.js``; a test holds the two to the same bytes)."""
    if _PLAIN.fullmatch(text) and not text.endswith(" ") and not _NOT_PLAIN.fullmatch(text):
        return text
    return _ESCAPED.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def path_file(fields: dict, note: str) -> str:
    """A reading path file: front matter with ``fields`` (title, summary, audience, duration,
    outcomes, steps of article, minutes, when and optional prompt and facilitator; an empty
    prompt or note is left out), then ``note`` as its body. The one shape every writer of path
    files uses: ``kb path plan --write`` here, the session builder's download in the browser
    (``kb-path-file.js``), held to the same bytes by ``tests/test_path_file.py``."""
    lines = ["---", "title: " + yaml_text(fields["title"]), "summary: " + yaml_text(fields["summary"]), "audience:"]
    lines += ["- " + yaml_text(a) for a in fields["audience"]]
    lines += [f"duration: {fields['duration']}", "outcomes:"]
    lines += ["- " + yaml_text(o) for o in fields["outcomes"]]
    lines.append("steps:")
    for step in fields["steps"]:
        lines += ["- article: " + yaml_text(step["article"]), f"  minutes: {step['minutes']}",
                  "  when: " + yaml_text(step["when"])]
        for name in ("prompt", "facilitator"):
            if step.get(name):
                lines.append(f"  {name}: " + yaml_text(step[name]))
    lines += ["---", "", note, ""]
    return "\n".join(lines)


PLAN_NOTE = ("Drafted by `kb path plan`. Replace every `TODO(trainer)` marker with your own words;\n"
             "`kb check` warns about each one until you do.")


def plan_fields(kb: KnowledgeBase, plan: Plan, title: str | None = None) -> dict:
    """The front matter ``kb path plan --write`` gives a plan: prompts from each article's first
    question, and ``TODO(trainer)`` markers where only the trainer can write."""
    labels = [kb.concepts[c].label for c in plan.concepts]
    topic = " and ".join(labels) if len(labels) <= 2 else ", ".join(labels[:-1]) + " and " + labels[-1]
    audience_label = kb.audiences[plan.audience].label.lower() if plan.audience else "school leaders"
    steps = []
    for step in plan.steps:
        article = kb.articles[step.article]
        steps.append({"article": step.article, "minutes": step.minutes, "when": step.when,
                      "prompt": article.questions[0] if article.questions else "", "facilitator": PLACEHOLDER_NOTE})
    return {
        "title": title or f"{topic}: a session for {audience_label}",
        "summary": f"A {plan.minutes}-minute session on {topic.lower() if all(l[1:].islower() for l in labels) else topic}, "
                   f"drafted by the planner from the knowledge base.",
        "audience": [plan.audience] if plan.audience else sorted({a for s in plan.steps for a in kb.articles[s.article].audience})[:1],
        "duration": plan.minutes,
        "outcomes": [f"TODO(trainer): what participants can do afterwards about {label.lower()}." for label in labels],
        "steps": steps,
    }


def path_file_text(kb: KnowledgeBase, plan: Plan, title: str | None = None) -> str:
    """A reading path file for the plan, valid for ``kb check`` once the trainer fills in the marked notes."""
    return path_file(plan_fields(kb, plan, title), PLAN_NOTE)
