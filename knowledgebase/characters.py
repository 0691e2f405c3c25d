"""Characters the site never publishes: controls, non-characters and bidirectional overrides.

A title can carry them through YAML's escapes (``"\\0"``, ``"\\x1b"``,
``"\\u202e"``) or a body can hold them as bytes. They are invisible where they
do harm: a NUL or an escape makes ``feed.xml`` unreadable XML and a terminal
print garbage, and a right-to-left override reverses a title wherever it is
shown. ``kb check`` refuses them (KB015) with the line they are on, and every
writer of the site (HTML, the feed, data files) removes them again with
:func:`strip_forbidden`, so that the rule holds on what is published.
"""

from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL and the C1 controls; lone surrogates (YAML's "\ud800");
# the Unicode non-characters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF of every plane; and the bidirectional
# embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which reorder the text around them.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\u202a-\u202e\u2066-\u2069"
    + "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17))
    + "]"
)


def first_forbidden(text: str) -> re.Match[str] | None:
    return FORBIDDEN.search(text)


def strip_forbidden(text: str) -> str:
    """``text`` without any forbidden character (the same string when it holds none)."""
    return FORBIDDEN.sub("", text) if FORBIDDEN.search(text) else text


def shown(text: str) -> str:
    """``text`` with each forbidden character written as an escape, for messages a terminal prints."""
    return FORBIDDEN.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if FORBIDDEN.search(text) else text


def describe(character: str) -> str:
    """A forbidden character as a contributor can find it in an editor: its code point and kind."""
    point = ord(character)
    if 0x202A <= point <= 0x202E or 0x2066 <= point <= 0x2069:
        kind = "a bidirectional override"
    elif 0xD800 <= point <= 0xDFFF:
        kind = "half of a surrogate pair"
    elif point < 0xA0:
        kind = "a control character"
    else:
        kind = "a Unicode non-character"
    return f"U+{point:04X} ({kind})"


def strip_forbidden_data(value):
    """``value`` (JSON-like data) with :func:`strip_forbidden` applied to every string in it, keys included."""
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, dict):
        return {strip_forbidden_data(k): strip_forbidden_data(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strip_forbidden_data(item) for item in value]
    return value
