"""'Did you mean' suggestions, shared by the engine, the CLI and the Sphinx roles."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(value: str, candidates: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(str(value).lower(), sorted(set(candidates)), n=1, cutoff=0.6)
    return matches[0] if matches else None


def did_you_mean(value: str, candidates: Iterable[str], fallback: str = "") -> str:
    match = closest(value, candidates)
    return f"did you mean `{match}`?" if match else fallback


class UnknownTerm(ValueError):
    """A concept or audience a command was asked for does not exist; the message says what might."""


def resolve_concept_terms(aliases: dict[str, str], terms: list[str]) -> list[str]:
    """Concept ids for ids, labels or aliases as a person typed them, without repeats, in order."""
    from .schema import normalise_term

    resolved: list[str] = []
    for term in terms:
        cid = aliases.get(normalise_term(term))
        if cid is None:
            raise UnknownTerm(f"unknown concept `{term}`; " + did_you_mean(normalise_term(term), aliases,
                                                                         "run `kb concepts` to list them"))
        if cid not in resolved:
            resolved.append(cid)
    return resolved


def check_audience(audiences, audience: str) -> str:
    if audience not in audiences:
        raise UnknownTerm(f"unknown audience `{audience}`; " + did_you_mean(audience, audiences, "see content/audiences/"))
    return audience
