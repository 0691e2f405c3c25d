"""Check one record's front matter against its schema, field by field.

Only what one file can tell is checked here; references between files are
resolved by :mod:`knowledgebase.linking` once every file is read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import schema as s
from ..characters import describe, first_forbidden, strip_forbidden
from ..diagnostics import CodeId, Diagnostic, make
from ..suggest import did_you_mean
from .bodypolicy.rules import PAGE_CONFIGURATION_KEYS
from .frontmatter import FrontMatter

PLACEHOLDER = "TODO("  # the marker templates and the planner leave for a person to fill in


def _type_name(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return type(value).__name__


class FieldChecker:
    """Validates a mapping against a :class:`~knowledgebase.schema.Schema`, collecting diagnostics."""

    def __init__(self, path: str, front_matter: FrontMatter):
        self.path = path
        self.fm = front_matter
        self.diagnostics: list[Diagnostic] = []

    def report(self, code: CodeId, key: tuple, message: str, hint: str = "") -> None:
        self.diagnostics.append(make(code, self.path, self.fm.line(*key), message, hint))

    def check(self, schema: s.Schema, data: dict, prefix: tuple = ()) -> dict[str, Any]:
        """Return the valid, normalised values of ``data``; report every problem."""
        where = f" in {schema.title.lower()} {prefix[-1] + 1}" if prefix and isinstance(prefix[-1], int) else ""
        for key in data:
            if not prefix and key in PAGE_CONFIGURATION_KEYS:
                continue  # the body policy refuses it on every page (KB018)
            if key not in schema.names:
                self.report("KB103", prefix + (key,), f"unknown key `{key}`{where}",
                            did_you_mean(str(key), schema.names, f"allowed keys: {', '.join(schema.names)}"))
        clean: dict[str, Any] = {}
        for f in schema.fields:
            if f.name not in data:
                if f.required:
                    self.report("KB101", prefix, f"missing required field `{f.name}`{where}",
                                f"add e.g. `{f.name}: {_example(f.example)}`")
                continue
            value = self._field(f, data[f.name], prefix + (f.name,), schema)
            if value is not None:
                clean[f.name] = value
        return clean

    def _field(self, f: s.Field, value: Any, key: tuple, parent: s.Schema) -> Any:
        if value is None or (isinstance(value, str) and (not value or value.isspace())) or value == []:
            if f.type == s.STEPS and value == []:
                self.report("KB303", key, "the path has no steps", "add at least one step with `article:`")
            elif value == [] and not f.min_items:
                return ()
            else:
                self.report("KB115", key, f"`{f.name}` is empty",
                            f"fill it in, e.g. `{f.name}: {_example(f.example)}`" if f.required
                            else "fill it in or remove the line")
            return None
        return getattr(self, _HANDLERS[f.type])(f, value, key, parent)

    def _wrong_type(self, f: s.Field, value: Any, key: tuple, expected: str) -> None:
        hint = f"write e.g. `{f.name}: {_example(f.example)}`"
        if f.type == s.STEPS:
            hint = "write a list of steps, each with `article:`, `minutes:` and `when:` (see the reading path template)"
        elif f.type in (s.TEXT_LIST, s.REF_LIST) and isinstance(value, str):
            hint = f"make it a list: `{f.name}: [{value}]`"
        elif expected == "text" and isinstance(value, dict):
            hint = "the text contains `: `, so YAML read it as a key and value; put the whole text in quotes"
        elif expected == "text" and not isinstance(value, list):
            hint = f"put the value in quotes: `{f.name}: \"{value}\"`"
        self.report("KB104", key, f"`{f.name}` should be {expected}, not {_type_name(value)}", hint)

    def _text_value(self, f: s.Field, value: Any, key: tuple) -> str | None:
        if not isinstance(value, str):
            self._wrong_type(f, value, key, "text")
            return None
        if (bad := first_forbidden(value)) is not None:
            self.report("KB015", key, f"`{f.name}` holds {describe(bad.group())}, which is never published",
                        "delete the character; the rest of the text is kept")
            value = strip_forbidden(value)
        text = " ".join(value.split())
        if not text:
            self.report("KB115", key, f"`{f.name}` is empty", "fill it in or remove it")
            return None
        if f.max_length and len(text) > f.max_length:
            self.report("KB105", key, f"`{f.name}` is {len(text)} characters long; the limit is {f.max_length}",
                        "shorten it; detail belongs in the body")
        if PLACEHOLDER in text:
            self.report("KB304", key, f"`{f.name}` still holds a `{PLACEHOLDER}...)` marker",
                        "replace the marked text with your own")
        return text

    def _text(self, f, value, key, parent):
        return self._text_value(f, value, key)

    def _placeholder(self, f: s.Field, value: str, key: tuple) -> bool:
        """Report a template marker left in an id field; the entry is then skipped, not an error."""
        if PLACEHOLDER not in value:
            return False
        self.report("KB304", key, f"`{f.name}` still holds a `{PLACEHOLDER}...)` marker",
                    f"replace it with a real id ({_id_hint(f)})")
        return True

    def _slug(self, f, value, key, parent):
        if not isinstance(value, str):
            self._wrong_type(f, value, key, "an id")
            return None
        if self._placeholder(f, value, key):
            return None
        if not s.SLUG.match(value):
            self.report("KB114", key, f"`{value}` is not a valid id",
                        f"ids are lower-case words joined by hyphens, e.g. `{_slugish(value)}`")
            return None
        return value

    def _list(self, f: s.Field, value: Any, key: tuple) -> list | None:
        if not isinstance(value, list):
            self._wrong_type(f, value, key, "a list")
            return None
        if f.min_items and len(value) < f.min_items:
            self.report("KB106", key, f"`{f.name}` needs at least {f.min_items} item(s)", "add more")
        if f.max_items and len(value) > f.max_items:
            self.report("KB106", key, f"`{f.name}` has {len(value)} items; the most allowed is {f.max_items}",
                        "keep the ones that matter most")
        return value

    def _text_list(self, f, value, key, parent):
        items = self._list(f, value, key)
        if items is None:
            return None
        texts = (self._text_value(f, item, key + (i,)) for i, item in enumerate(items))
        return tuple(t for t in texts if t is not None)

    def _ref_list(self, f, value, key, parent):
        items = self._list(f, value, key)
        if items is None:
            return None
        result: list[tuple[str, tuple]] = []
        seen: set[str] = set()
        for index, item in enumerate(items):
            item_key = key + (index,)
            if not isinstance(item, str) or not item.strip():
                self.report("KB104", item_key, f"each entry of `{f.name}` should be an id, not {_type_name(item)}",
                            f"write e.g. `{f.name}: {_example(f.example)}`")
                continue
            item = item.strip()
            if self._placeholder(f, item, item_key):
                continue
            if not f.accepts_aliases and not s.SLUG.match(item):
                self.report("KB114", item_key, f"`{item}` in `{f.name}` is not a valid id",
                            f"ids are lower-case words joined by hyphens, e.g. `{_slugish(item)}`")
                continue
            if item in seen:
                self.report("KB116", item_key, f"`{item}` is listed twice in `{f.name}`", "keep one of them")
                continue
            seen.add(item)
            result.append((item, item_key))
        # References are resolved later, so keep each with its location.
        return tuple(result)

    def _integer(self, f, value, key, parent):
        if isinstance(value, bool) or not isinstance(value, int):
            self._wrong_type(f, value, key, "a whole number")
            return None
        if (f.minimum is not None and value < f.minimum) or (f.maximum is not None and value > f.maximum):
            self.report("KB123", key, f"`{f.name}` is {value}; it must be between {f.minimum} and {f.maximum}",
                        "use a number within that range")
            return None
        return value

    def _date(self, f, value, key, parent):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        self.report("KB121", key, f"`{f.name}` is not a date: `{value}`", "write it as YYYY-MM-DD, e.g. `2026-11-22`")
        return None

    def _url(self, f, value, key, parent):
        text = self._text_value(f, value, key)
        if text is None:
            return None
        if not text.lower().startswith(("https://", "http://")) or any(c in text for c in " <>\"'`"):
            self.report("KB118", key, f"`{f.name}` must be an http(s) address", "use a full `https://...` address or leave it out")
            return None
        return text

    def _choice(self, f, value, key, parent):
        if not isinstance(value, str):
            self._wrong_type(f, value, key, "one of " + ", ".join(f.choices))
            return None
        if value not in f.choices:
            self.report("KB108", key, f"`{f.name}` cannot be `{value}`; use one of: {', '.join(f.choices)}",
                        did_you_mean(value, f.choices, f"write e.g. `{f.name}: {f.choices[0]}`"))
            return None
        return value

    def _steps(self, f, value, key, parent):
        if not isinstance(value, list):
            self._wrong_type(f, value, key, "a list of steps")
            return None
        steps = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                self.report("KB104", key + (index,), f"step {index + 1} should be a mapping with `article:`, "
                            f"`minutes:` and `when:`, not {_type_name(item)}", "see the reading path template")
                continue
            steps.append((self.check(parent.step_schema, item, key + (index,)), key + (index,)))
        return tuple(steps)


# The method that checks each type of field: `_ref_list` for "ref-list", and so on.
_HANDLERS = {kind: "_" + kind.replace("-", "_") for kind in (s.TEXT, s.SLUG_TEXT, s.TEXT_LIST, s.REF_LIST, s.INTEGER,
                                                             s.DATE, s.URL, s.CHOICE, s.STEPS)}


def _id_hint(f: s.Field) -> str:
    return {"concept": "see `kb concepts`", "audience": "see content/audiences/",
            "source": "see content/sources.yaml", "article": "an article's file name without .md"}.get(f.refers_to or "", "")


def _example(example: Any) -> str:
    if isinstance(example, list):
        return "[" + ", ".join(str(e) for e in example if not isinstance(e, dict)) + "]"
    return str(example)


def _slugish(value: str) -> str:
    return s.slugify(str(value)) or "my-id"
