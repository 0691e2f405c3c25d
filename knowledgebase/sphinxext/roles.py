"""The cross-reference roles: {article}`id`, {concept}`id`, {path}`id`, {source}`id`.

Each may also be written ``{article}`shown text <id>```. The role records what
it points to (so a change to the target's title rewrites this page) and leaves
a placeholder that is resolved, with the current title, when the page is written.
"""

from __future__ import annotations

from ..reading.references import split_role_text
from .domain import page_data
from .nodes import kb_reference


def make_role(kind: str):
    def role(name, rawtext, text, lineno, inliner, options=None, content=None):
        env = inliner.document.settings.env
        explicit, target = split_role_text(text)
        node = kb_reference(rawtext, explicit or target, kind=kind, target=target, explicit=explicit)
        node.source, node.line = inliner.reporter.get_source_and_line(lineno)
        page_data(env).references.setdefault(env.docname, set()).add((kind, target))
        return [node], []

    role.__name__ = f"{kind}_role"
    return role
