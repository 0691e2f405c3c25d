"""The typed records of the knowledge base. All are frozen: the engine builds them once."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import NamedTuple

WORDS_PER_MINUTE = 200


def reading_minutes(word_count: int) -> int:
    """Minutes an adult reader needs for ``word_count`` words, rounded up, at least one."""
    return max(1, -(-word_count // WORDS_PER_MINUTE))


class Reference(NamedTuple):   # a tuple: every body of the corpus holds several, so they are made by the ten thousand
    """A reference written in an article's body: a role or a Markdown link."""

    kind: str     # "article", "concept", "source" or "path"
    target: str   # as written (concepts may use an alias)
    line: int


@dataclass(frozen=True)
class Article:
    id: str
    path: str                      # relative to the content folder, POSIX
    title: str
    summary: str
    concepts: tuple[str, ...]      # canonical concept ids; the first is primary
    audience: tuple[str, ...]
    kind: str
    sources: tuple[str, ...] = ()
    prerequisites: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    updated: _dt.date | None = None
    word_count: int = 0
    links: tuple[str, ...] = ()    # ids of other articles the body links to
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)

    @property
    def primary_concept(self) -> str:
        return self.concepts[0]

    @property
    def reading_time(self) -> int:
        return reading_minutes(self.word_count)


@dataclass(frozen=True)
class Concept:
    id: str
    path: str
    label: str
    definition: str
    aliases: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    references: tuple[Reference, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class Audience:
    id: str
    path: str
    label: str
    description: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    line: int
    subtitle: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    publisher: str | None = None
    published_in: str | None = None
    kind: str | None = None
    url: str | None = None
    note: str | None = None

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


@dataclass(frozen=True)
class Step:
    article: str
    minutes: int
    when: str
    prompt: str | None = None
    facilitator: str | None = None


@dataclass(frozen=True)
class ReadingPath:
    id: str
    path: str
    title: str
    summary: str
    audience: tuple[str, ...]
    duration: int
    outcomes: tuple[str, ...]
    steps: tuple[Step, ...]

    def steps_when(self, when: str) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.when == when)

    @property
    def in_session_minutes(self) -> int:
        return sum(s.minutes for s in self.steps_when("in-session"))


@dataclass(frozen=True)
class KnowledgeBase:
    """A loaded corpus. Every mapping is keyed by id and sorted by id."""

    root: str
    articles: dict[str, Article]
    concepts: dict[str, Concept]
    audiences: dict[str, Audience]
    sources: dict[str, Source]
    paths: dict[str, ReadingPath]
    aliases: dict[str, str]   # normalised alias or id -> concept id
