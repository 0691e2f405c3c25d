"""Reference pages for the project's own documentation, generated from the code itself.

``kb-field-reference`` renders the front matter schema, ``kb-body-policy``
what a page body may contain, ``kb-diagnostics`` every diagnostic code.
The ``kb`` command is documented by sphinx-argparse's ``argparse`` directive,
from the real argument parser, which :func:`cli_parser` returns. The
documentation therefore cannot drift from the rules it describes.
Register with ``extensions = ["knowledgebase.sphinxext.reference"]``.
"""

from __future__ import annotations

import argparse
import re

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import __version__
from ..cli import KbParser, build_parser
from ..reading.bodypolicy.rules import DIRECTIVES, ROLES, SYNTAX
from ..diagnostics import ALL_CODES
from ..schema import CHOICE, INTEGER, REF_LIST, SCHEMAS, SLUG_TEXT, STEPS, TEXT, TEXT_LIST, URL, DATE, Field

TYPE_NAMES = {TEXT: "text", SLUG_TEXT: "id", TEXT_LIST: "list of texts", REF_LIST: "list of ids", INTEGER: "whole number",
              DATE: "date (YYYY-MM-DD)", URL: "http(s) address", CHOICE: "one of a set", STEPS: "list of steps"}


def _inline(text: str) -> list[nodes.Node]:
    """Text whose `backticked` parts are code, as the diagnostics and schema write them."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: keep the text as it is
        return [nodes.Text(text)]
    return [nodes.literal(part, part) if i % 2 else nodes.Text(part) for i, part in enumerate(parts) if part]


def _para(text: str, literal: bool = False) -> nodes.paragraph:
    if literal:
        return nodes.paragraph("", "", nodes.literal(text, text))
    return nodes.paragraph("", "", *_inline(text))


def _table(headers: list[str], rows: list[list[nodes.Node]], widths: list[int]) -> nodes.table:
    table = nodes.table()
    group = nodes.tgroup(cols=len(headers))
    table += group
    group.extend(nodes.colspec(colwidth=w) for w in widths)
    head = nodes.thead()
    head += nodes.row("", *[nodes.entry("", _para(h)) for h in headers])
    body = nodes.tbody()
    for row in rows:
        body += nodes.row("", *[nodes.entry("", cell) for cell in row])
    group += head
    group += body
    return table


def field_rules(f: Field) -> str:
    rules = []
    if f.max_length:
        rules.append(f"at most {f.max_length} characters" + (" each" if f.type == TEXT_LIST else ""))
    if f.min_items or f.max_items:
        rules.append(f"{f.min_items or 0} to {f.max_items} items" if f.max_items else f"at least {f.min_items} item(s)")
    if f.minimum is not None:
        rules.append(f"from {f.minimum} to {f.maximum}")
    if f.choices:
        rules.append("one of: " + ", ".join(f.choices))
    if f.refers_to:
        rules.append(f"{f.refers_to} ids" + (" or aliases" if f.accepts_aliases else ""))
    return "; ".join(rules)


def _example(f: Field) -> str:
    if f.type == STEPS:
        return "see the example below"
    if isinstance(f.example, list):
        return f"{f.name}: [" + ", ".join(str(x) for x in f.example) + "]"
    return f"{f.name}: {f.example}"


class FieldReference(SphinxDirective):
    """``kb-field-reference KIND``: the fields of one kind of front matter."""

    required_arguments = 1
    option_spec = {"class": directives.class_option}

    def run(self):
        schema = SCHEMAS.get(self.arguments[0]) or (SCHEMAS["path"].item_schema if self.arguments[0] == "step" else None)
        if schema is None:
            raise self.error(f"unknown kind {self.arguments[0]!r}; use one of {', '.join([*SCHEMAS, 'step'])}")
        rows = [[_para(f.name, literal=True), _para("required" if f.required else "optional"),
                 _para(TYPE_NAMES[f.type]), _para(field_rules(f) or "-"),
                 nodes.container("", _para(f.description), _para(_example(f), literal=True))]
                for f in schema.fields]
        return [_para(schema.description), _table(["Field", "", "Type", "Rules", "Meaning and example"], rows,
                                                  [12, 8, 12, 20, 48])]


class BodyPolicyReference(SphinxDirective):
    """``kb-body-policy syntax|directives|roles``: one table of the body policy, with the reason for each entry."""

    required_arguments = 1
    TABLES = {"syntax": (SYNTAX, "{}"), "directives": (DIRECTIVES, "{{{}}}"), "roles": (ROLES, "{{{}}}")}

    def run(self):
        if self.arguments[0] not in self.TABLES:
            raise self.error(f"unknown table {self.arguments[0]!r}; use one of {', '.join(self.TABLES)}")
        rules, shown = self.TABLES[self.arguments[0]]
        ordered = sorted(rules.values(), key=lambda r: (not r.allowed, r.name))
        rows = [[_para(shown.format(r.name), literal=shown != "{}"), _para("allowed" if r.allowed else "refused"),
                 _para(r.reason), _para(r.instead or "-")] for r in ordered]
        return [_table(["Construct", "", "Why", "Write instead"], rows, [18, 10, 42, 30])]


class DiagnosticReference(SphinxDirective):
    """``kb-diagnostics``: every diagnostic code, with an example and the fix."""

    def run(self):
        out = []
        for code in ALL_CODES:
            section = nodes.section(ids=[code.code.lower(), code.name])
            title = f"{code.code} {code.name}"
            section += nodes.title(title, title)
            severity = code.severity.value.capitalize() + ". "
            section += nodes.paragraph("", "", nodes.strong(severity, severity), *_inline(code.summary))
            section += nodes.paragraph("", "", nodes.emphasis("Example: ", "Example: "), *_inline(code.example))
            section += nodes.paragraph("", "", nodes.emphasis("Fix: ", "Fix: "), *_inline(code.fix))
            section += nodes.paragraph("", "", nodes.Text("Silence it in a Sphinx build with "),
                                       nodes.literal(f"kb.{code.name}", f"suppress_warnings = [\"kb.{code.name}\"]"),
                                       nodes.Text("."))
            out.append(section)
        return out


# ASCII punctuation, which reStructuredText and Markdown may read as markup, but for quotes.
MARKUP = re.compile(r"""([!#-&(-/:-@\[-`{-~])""")
EXAMPLES = "examples:\n"


def rst_text(text: str) -> str:
    """Plain help text as reStructuredText that shows it as it is: a `backticked` part is code, as
    the help texts mean it, and every other punctuation mark is escaped, so that nothing else is
    read as markup (``file:line`` as a link, ``--changed`` as a dash)."""
    parts = text.split("`")
    if len(parts) % 2 == 0:  # an unmatched backtick: all plain text
        parts = [text]
    return "".join(f"``{part}``" if i % 2 else MARKUP.sub(r"\\\1", part) for i, part in enumerate(parts))


class ReferenceParser(KbParser):
    """A ``kb`` parser whose texts are reStructuredText, which is how sphinx-argparse reads them:
    descriptions and help as :func:`rst_text`, and a verb's examples (the epilog) as a literal block."""

    def __init__(self, *, description: str | None = None, epilog: str | None = None, **kwargs) -> None:
        if description:
            description = rst_text(description)
        if epilog:
            epilog = ("Examples::\n\n" + epilog.removeprefix(EXAMPLES) if epilog.startswith(EXAMPLES)
                      else rst_text(epilog))
        super().__init__(description=description, epilog=epilog, **kwargs)

    def add_argument(self, *args, **kwargs):
        if kwargs.get("help"):
            kwargs["help"] = rst_text(kwargs["help"])
        return super().add_argument(*args, **kwargs)


def cli_parser() -> argparse.ArgumentParser:
    """The ``kb`` parser, for the ``argparse`` directive of sphinx-argparse, which calls it with no arguments."""
    return build_parser(ReferenceParser)


def setup(app):
    app.add_directive("kb-field-reference", FieldReference)
    app.add_directive("kb-body-policy", BodyPolicyReference)
    app.add_directive("kb-diagnostics", DiagnosticReference)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
