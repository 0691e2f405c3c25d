"""Reading ``sources.yaml``, the bibliography: every work an article cites, keyed by its id."""

from __future__ import annotations

import time
from pathlib import Path

from .. import schema as s
from ..diagnostics import Diagnostic, make
from .decode import decode, read_bytes
from .discover import displayed
from .frontmatter import FrontMatter, parse_yaml
from .stamps import ReadState, Stamp, content_hash, settled, stamp_of
from .validate import FieldChecker

SOURCES_FILE = "sources.yaml"


def load_sources(root: Path, diagnostics: list[Diagnostic]) -> tuple[dict[str, tuple[dict, FrontMatter, str]], ReadState]:
    """Every usable source of sources.yaml, by id, with its front matter and the file's name as shown; and the
    state of the bytes they were read from (None if there were none, or the file's stamp could not be had)."""
    file = root / SOURCES_FILE
    if not file.is_file():
        return {}, None
    shown = displayed(file, root)
    if not file.resolve().is_relative_to(root.resolve()):
        diagnostics.append(make("KB013", shown, 1, "sources.yaml is a link to a place outside the content folder",
                                "replace the link with a real file inside content/"))
        return {}, None
    try:
        stamp: Stamp | None = stamp_of(file.stat())
    except OSError:
        stamp = None
    read_at = time.time_ns()
    data = read_bytes(file, shown, diagnostics)
    if data is None:
        return {}, None
    read = None if stamp is None else (stamp, content_hash(data), settled(stamp, read_at))
    text = decode(data, shown, diagnostics)
    if text is None:
        return {}, read
    fm, problems = parse_yaml(text, shown)
    diagnostics.extend(problems)
    if fm is None:
        return {}, read
    if not isinstance(fm.data, dict):
        diagnostics.append(make("KB009", shown, 1, "sources.yaml should map each source id to its fields",
                                "write `my-source-id:` and indent the fields below it"))
        return {}, read
    sources = {}
    for source_id, fields in fm.data.items():
        source_id = str(source_id)
        if not s.SLUG.match(source_id):
            diagnostics.append(make("KB114", shown, fm.line(source_id), f"`{source_id}` is not a valid source id",
                                    f"use e.g. `{s.slugify(source_id) or 'author-year'}`"))
            continue
        if not isinstance(fields, dict):
            diagnostics.append(make("KB104", shown, fm.line(source_id), f"source `{source_id}` should be a mapping of fields",
                                    "indent `title:` and the other fields below the id"))
            continue
        checker = FieldChecker(shown, fm)
        values = checker.check(s.SOURCE, fields, prefix=(source_id,))
        diagnostics.extend(checker.diagnostics)
        if "title" in values:
            sources[source_id] = (values, fm, shown)
    return sources, read
