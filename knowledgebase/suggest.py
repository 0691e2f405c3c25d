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
