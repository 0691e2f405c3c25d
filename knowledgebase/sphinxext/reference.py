"""Reference pages for the project's own documentation, generated from the code itself.

``kb-field-reference`` renders the front matter schema, ``kb-body-policy``
what a page body may contain, ``kb-diagnostics`` every diagnostic code,
``kb-cli-reference`` the real argument parser. The
documentation therefore cannot drift from the rules it describes.
Register with ``extensions = ["knowledgebase.sphinxext.reference"]``.
"""

from __future__ import annotations

import argparse

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .. import __version__
from ..bodypolicy import DIRECTIVES, ROLES, SYNTAX
from ..diagnostics import CODES
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
        for code in CODES.values():
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


class CliReference(SphinxDirective):
    """``kb-cli-reference``: every verb of the real ``kb`` parser, with its usage, options and examples."""

    def run(self):
        from .. import commands  # noqa: F401  (registers the verbs)
        from ..cli import build_parser

        parser = build_parser()
        out = [_para(f"This reference is generated from kb {__version__}'s own argument parser.")]
        subparsers = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        for name, sub in subparsers.choices.items():
            out.append(self._verb(name, sub))
        return out

    def _verb(self, name: str, parser: argparse.ArgumentParser) -> nodes.section:
        section = nodes.section(ids=[f"kb-{name}"])
        title = f"kb {name}"
        section += nodes.title(title, title)
        section += _para(parser.description or "")
        usage = parser.format_usage().replace("usage: ", "").strip()
        section += nodes.literal_block(usage, usage)
        items = nodes.definition_list()
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                for sub_name, sub in action.choices.items():
                    section += self._verb(f"{name} {sub_name}", sub)
                continue
            term = ", ".join(action.option_strings) or action.metavar or action.dest
            if action.option_strings and action.nargs != 0:
                term += f" {action.metavar or action.dest.upper()}"
            items += nodes.definition_list_item("", nodes.term("", "", nodes.literal(term, term)),
                                                nodes.definition("", _para(action.help or "")))
        section += items
        if parser.epilog:
            section += nodes.literal_block(parser.epilog, parser.epilog)
        return section


def setup(app):
    app.add_directive("kb-field-reference", FieldReference)
    app.add_directive("kb-body-policy", BodyPolicyReference)
    app.add_directive("kb-diagnostics", DiagnosticReference)
    app.add_directive("kb-cli-reference", CliReference)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
