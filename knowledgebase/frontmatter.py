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

from .diagnostics import Diagnostic, make

try:  # libyaml is much faster; PyYAML's pure-Python parser behaves the same.
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

MAX_DEPTH = 20
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map",
}
_scalar_constructor = yaml.SafeLoader("")

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


class _Refused(Exception):
    def __init__(self, code: str, line: int, message: str, hint: str):
        super().__init__(message)
        self.code, self.line, self.message, self.hint = code, line, message, hint


def split(text: str, path: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Split ``text`` (already decoded, newlines normalised) into front matter and body."""
    if not text.strip():
        return None, [make("KB010", path, 1, "the file is empty",
                           "fill it in from the template: kb new article \"Title\"")]
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return None, [make("KB003", path, 1, "the file does not start with a front matter block",
                           "the first line must be `---`, followed by the fields and a closing `---`")]
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            break
    else:
        return None, [make("KB004", path, 1, "the front matter opened on line 1 is never closed",
                           "add a line with only `---` after the last field")]
    yaml_text = "\n".join(lines[1:index])
    body = "\n".join(lines[index + 1:])
    front_matter, diagnostics = parse_yaml(yaml_text, path, first_line=2)
    if front_matter is not None and not isinstance(front_matter.data, dict):
        return None, [make("KB009", path, 2, "the front matter is not a set of `key: value` fields",
                           "write one `key: value` field per line")]
    if front_matter is None and not diagnostics:
        front_matter = FrontMatter({}, {}, 2)
    return SplitFile(front_matter, body, index + 2), diagnostics


def parse_yaml(text: str, path: str, first_line: int = 1) -> tuple[FrontMatter | None, list[Diagnostic]]:
    """Parse a YAML document into a :class:`FrontMatter`; ``first_line`` is its line in the file."""
    offset = first_line - 1
    for number, text_line in enumerate(text.split("\n")):
        if text_line[: len(text_line) - len(text_line.lstrip(" \t"))].count("\t"):
            return None, [make("KB014", path, number + first_line, "a tab is used for indentation",
                               "YAML allows only spaces: replace the tab with two spaces")]
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = (mark.line + 1 + offset) if mark else first_line
        problem = error.problem or str(error)
        context = f" {error.context}" if error.context else ""
        return None, [make("KB005", path, line, f"YAML syntax error: {problem}{context}".strip(),
                           "check the line shown; text containing `: `, `#` or starting with a symbol needs quotes")]
    except yaml.YAMLError as error:
        return None, [make("KB005", path, first_line, f"YAML error: {error}", "check the YAML syntax")]
    except RecursionError:
        return None, [make("KB008", path, first_line, "the YAML is nested too deeply to read",
                           "use the flat structure shown in the front matter reference")]
    if node is None:
        return None, []
    lines: dict[Key, int] = {}
    diagnostics: list[Diagnostic] = []
    try:
        data = _build(node, (), lines, offset, 0, diagnostics, path, set())
    except _Refused as refused:
        return None, [make(refused.code, path, refused.line, refused.message, refused.hint)]
    return FrontMatter(data, lines, first_line), diagnostics


def _build(node: yaml.Node, key: Key, lines: dict, offset: int, depth: int,
           diagnostics: list[Diagnostic], path: str, seen: set[int]) -> Any:
    line = node.start_mark.line + 1 + offset
    if depth > MAX_DEPTH:
        raise _Refused("KB008", line, f"the YAML is nested more than {MAX_DEPTH} levels deep",
                       "use the flat structure shown in the front matter reference")
    # The composer resolves an alias to the very node its anchor names, so meeting
    # a node twice means an alias: refusing it rules out expansion bombs.
    if id(node) in seen:
        raise _Refused("KB007", lines.get(key, line), "YAML aliases (`*name`) are not allowed",
                       "write each value out in full")
    seen.add(id(node))
    if node.tag not in _PLAIN_TAGS:
        raise _Refused("KB007", line, f"the YAML tag `{node.tag}` is not allowed",
                       "remove the `!` tag and write a plain value")
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Refused("KB009", key_node.start_mark.line + 1 + offset,
                               "a key is itself a list or mapping", "keys are plain words such as `title`")
            name = _scalar(key_node, offset)
            name = name if isinstance(name, str) else str(name)
            key_line = key_node.start_mark.line + 1 + offset
            if name in result:
                diagnostics.append(make("KB006", path, key_line,
                                        f"`{name}` appears twice (first on line {lines[key + (name,)]})",
                                        "merge the two entries into one; YAML would keep only the last"))
                continue
            lines[key + (name,)] = key_line
            result[name] = _build(value_node, key + (name,), lines, offset, depth + 1, diagnostics, path, seen)
        return result
    if isinstance(node, yaml.SequenceNode):
        items = []
        for index, item in enumerate(node.value):
            lines[key + (index,)] = item.start_mark.line + 1 + offset
            items.append(_build(item, key + (index,), lines, offset, depth + 1, diagnostics, path, seen))
        return items
    return _scalar(node, offset)


def _scalar(node: yaml.Node, offset: int) -> Any:
    if node.tag not in _PLAIN_TAGS:
        raise _Refused("KB007", node.start_mark.line + 1 + offset,
                       f"the YAML tag `{node.tag}` is not allowed", "write a plain value")
    try:
        return _scalar_constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, OverflowError):
        # e.g. `updated: 2026-13-45` resolves as a timestamp but is no date; keep the text.
        return node.value
