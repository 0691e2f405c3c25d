"""Split a Markdown file into front matter and body, and parse the front matter safely.

PyYAML's loaders lose line numbers and silently keep the last of two duplicate
keys. We compose the YAML into nodes (which keep their marks) and build plain
Python values ourselves, recording the line of every key and list item. Tags,
anchors and aliases are refused: front matter never needs them, and refusing
them rules out object construction and expansion bombs in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..diagnostics import CodeId, Diagnostic, make

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:  # libyaml is much faster; PyYAML's pure-Python parser behaves the same.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 20
_TOO_DEEP = f"the YAML is nested more than {MAX_DEPTH} levels deep"
_FLAT = "use the flat structure shown in the front matter reference"
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}
_scalar_constructor = yaml.SafeLoader("")


def yaml_implementation() -> str:
    """Which YAML parser reads front matter: "libyaml" (C) or "python" (the fallback). Both find the same
    problems on the same lines; only a syntax error's wording is the parser's own."""
    return "libyaml" if _Loader is not yaml.SafeLoader else "python"

Key = tuple  # a path into the front matter: ("steps", 2, "minutes")


@dataclass
class FrontMatter:
    """Parsed front matter: plain values, and the 1-based file line of every key and item."""

    data: dict[str, Any]
    lines: dict[Key, int] = field(default_factory=dict)
    start_line: int = 1

    def line(self, *key: Any) -> int:
        """The line of ``key`` or, when it has none, of its nearest parent."""
        key = tuple(key)
        while key:
            if key in self.lines:
                return self.lines[key]
            key = key[:-1]
        return self.start_line


@dataclass
class SplitFile:
    front_matter: FrontMatter | None
    body: str
    body_line: int  # 1-based line where the body starts


class _Refused(Exception):  # noqa: N818 - internal control flow, not an error type
    def __init__(self, code: CodeId, line: int, message: str, hint: str):
        super().__init__(message)
        self.code, self.line, self.message, self.hint = code, line, message, hint


def split(text: str, path: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Split ``text`` (already decoded, newlines normalised) into front matter and body."""
    if not text or text.isspace():
        return None, [make("KB010", path, 1, "the file is empty",
                           "fill it in from the template: kb new article \"Title\"")]
    first_end = text.find("\n")
    if (text[:first_end] if first_end != -1 else text).rstrip() != "---":
        return None, [make("KB003", path, 1, "the file does not start with a front matter block",
                           "the first line must be `---`, followed by the fields and a closing `---`")]
    start = _closing_marker(text, first_end) if first_end != -1 else -1
    if start == -1:
        return None, [make("KB004", path, 1, "the front matter opened on line 1 is never closed",
                           "add a line with only `---` after the last field")]
    end = text.find("\n", start)
    index = text.count("\n", 0, start)
    yaml_text = text[first_end + 1:start - 1]
    body = text[end + 1:] if end != -1 else ""
    front_matter, diagnostics = parse_yaml(yaml_text, path, first_line=2)
    if front_matter is not None and not isinstance(front_matter.data, dict):
        return None, [make("KB009", path, 2, "the front matter is not a set of `key: value` fields",
                           "write one `key: value` field per line")]
    if front_matter is None and not diagnostics:
        front_matter = FrontMatter({}, {}, 2)
    return SplitFile(front_matter, body, index + 2), diagnostics


def _closing_marker(text: str, after: int) -> int:
    """Where the first line after position ``after`` that is `---` or `...` (but for trailing space) starts, or
    -1. Only lines starting so are looked at: the body is neither split into lines nor joined again."""
    start = after
    while True:
        found = [at for at in (text.find("\n---", start), text.find("\n...", start)) if at != -1]
        if not found:
            return -1
        start = min(found) + 1
        end = text.find("\n", start)
        if (text[start:end] if end != -1 else text[start:]).rstrip() in ("---", "..."):
            return start


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Parse a YAML document into a :class:`FrontMatter`; ``first_line`` is its line in the file."""
    offset = first_line - 1
    for number, text_line in enumerate(text.split("\n") if "\t" in text else ()):
        if "\t" in text_line[: len(text_line) - len(text_line.lstrip(" \t"))]:
            return None, [make("KB014", path, number + first_line, "a tab is used for indentation",
                               "YAML allows only spaces: replace the tab with two spaces")]
    builder = _Builder(path, offset)
    try:
        parser = _Loader(text)   # what yaml.parse does, without a generator between parser and builder
        try:
            while parser.check_event():
                builder.feed(parser.get_event())
        finally:
            parser.dispose()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        # For something never closed (a quote, a [list] or {mapping}) the useful line is where it opened.
        if error.context_mark and (error.context or "").startswith(("while scanning a quoted", "while parsing a flow")):
            mark = error.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        problem = error.problem or str(error)
        if "maximum nesting depth" in problem:  # newer libyaml stops very deep nesting itself, before our limit
            return None, [make("KB008", path, line, _TOO_DEEP, _FLAT)]
        context = f" {error.context}" if error.context else ""
        return None, [make("KB005", path, line, f"YAML syntax error: {problem}{context}".strip(),
                           "check the line shown; text containing `: `, `#` or starting with a symbol needs quotes")]
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + first_line
        character = chr(error.character) if isinstance(error.character, int) else str(error.character)
        return None, [make("KB005", path, line, f"the character U+{ord(character[:1] or ' '):04X} is not allowed in YAML",
                           "delete it; it is usually pasted in by accident and invisible in most editors")]
    except yaml.YAMLError as error:
        return None, [make("KB005", path, first_line, "YAML error: " + " ".join(str(error).split()),
                           "check the YAML syntax")]
    except _Refused as refused:
        return None, [make(refused.code, path, refused.line, refused.message, refused.hint)]
    if builder.root is _NOTHING:
        return None, []
    return FrontMatter(builder.root, builder.lines, first_line), builder.diagnostics


_NOTHING = object()
_NODE_EVENTS = frozenset((yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent))
_resolver = yaml.resolver.Resolver()


class _Builder:
    """Builds plain values from YAML parser events, without recursion.

    Working from events rather than composed nodes means depth is checked
    before anything deep is built (libyaml's composer recurses in C and can
    crash on absurd nesting), and anchors and aliases are seen where written.
    """

    def __init__(self, path: str, offset: int):
        self.path, self.offset = path, offset
        self.root: Any = _NOTHING
        self.lines: dict[Key, int] = {}
        self.diagnostics: list[Diagnostic] = []
        # Each open collection: [container, key path, pending mapping key or None, key line]
        self.stack: list[list] = []

    def line(self, event) -> int:
        return event.start_mark.line + 1 + self.offset

    def feed(self, event) -> None:
        kind = type(event)  # the parsers make exactly these classes; this runs for every event of the corpus
        if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self.stack.pop()
            return
        if kind is yaml.AliasEvent:
            raise _Refused("KB007", self.line(event), "YAML aliases (`*name`) are not allowed",
                           "write each value out in full")
        if kind not in _NODE_EVENTS:  # stream and document start and end
            return
        if event.anchor:
            raise _Refused("KB007", self.line(event), f"YAML anchors (`&{event.anchor}`) are not allowed",
                           "write each value out in full")
        tag = event.tag
        if tag is not None and tag != "!" and tag not in _PLAIN_TAGS:
            raise _Refused("KB007", self.line(event), f"the YAML tag `{tag}` is not allowed",
                           "remove the `!` tag and write a plain value")
        if kind is yaml.ScalarEvent:
            self.place(event, self.scalar(event))
            return
        value: Any = {} if kind is yaml.MappingStartEvent else []
        self.place(event, value)
        if len(self.stack) >= MAX_DEPTH:
            raise _Refused("KB008", self.line(event), _TOO_DEEP, _FLAT)
        self.stack.append([value, self.current_key, None, 0])

    def scalar(self, event) -> Any:
        if event.tag not in (None, "!"):
            tag = event.tag
        elif event.style:  # quoted or a block scalar: always text
            return event.value
        else:
            tag = _resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        return _constructed(tag, event.value)

    def place(self, event, value: Any) -> None:
        line = event.start_mark.line + 1 + self.offset  # self.line(event), without a call for every event
        if not self.stack:
            self.root = value
            self.current_key = ()
            return
        frame = self.stack[-1]
        container, key = frame[0], frame[1]
        if isinstance(container, list):
            self.current_key = key + (len(container),)
            self.lines[self.current_key] = line
            container.append(value)
            return
        if frame[2] is None:  # this event is a mapping key
            if not isinstance(event, yaml.ScalarEvent):
                raise _Refused("KB009", line, "a key is itself a list or mapping",
                               "keys are plain words such as `title`")
            frame[2], frame[3] = (value if isinstance(value, str) else str(value)), line
            self.current_key = ()
            return
        name, key_line = frame[2], frame[3]
        frame[2] = None
        self.current_key = key + (name,)
        if name in container:
            self.diagnostics.append(make("KB006", self.path, key_line,
                                         f"`{name}` appears twice (first on line {self.lines[self.current_key]})",
                                         "merge the two entries into one; YAML would keep only the last"))
            self.current_key = key + (f"\0duplicate-{key_line}",)  # keep building, but apart
            return
        self.lines[self.current_key] = key_line
        container[name] = value


def _constructed(tag: str, text: str) -> Any:
    """The value of a scalar written ``text`` with ``tag``."""
    if tag == "tag:yaml.org,2002:str":
        return text
    try:
        return _scalar_constructor.construct_object(yaml.ScalarNode(tag, text), deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        # e.g. `updated: 2026-13-45` resolves as a timestamp but is no date; keep the text.
        return text
