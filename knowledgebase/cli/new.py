"""``kb new``: scaffold an article, concept or reading path from a title."""

from __future__ import annotations

import argparse
import datetime as dt

from .. import scaffold
from ..files import FileExists, write_new
from ..schema import ARTICLE_KINDS
from .common import EXIT_OK, UsageError, Verb, content_option, load_or_fail

EXAMPLES = """\
  kb new article "Trust before tests" --concepts trust design-vs-delivery --audience headteacher
  kb new article "Learning walks that help" --kind case-study
  kb new article "A monitoring conversation" --kind tool
  kb new concept "Relational trust"
  kb new path "Trust for new middle leaders" --audience middle-leader
"""


def configure(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    parser.add_argument("what", choices=("article", "concept", "path"), help="what to create")
    parser.add_argument("title", help="the title (or a concept's label); the file name is made from it")
    parser.add_argument("--concepts", nargs="+", default=[], metavar="CONCEPT", help="article: concept ids or aliases")
    parser.add_argument("--audience", nargs="+", default=[], metavar="ID", help="article or path: audience ids")
    parser.add_argument("--kind", default="guide", help=f"article: {', '.join(ARTICLE_KINDS[:-1])} or {ARTICLE_KINDS[-1]}")
    parser.set_defaults(run=run)


VERBS = (Verb("new", "Start a new article, concept or reading path from a template (never overwrites).", EXAMPLES,
              configure),)


def run(args) -> int:
    kb = load_or_fail(args.content).kb
    try:
        slug = scaffold.slug_for(args.title)
        if args.what == "article":
            text = scaffold.article(kb, args.title, args.concepts, args.audience, args.kind, dt.date.today())
        elif args.what == "concept":
            text = scaffold.concept(kb, args.title)
        else:
            text = scaffold.path(kb, args.title, args.audience)
    except scaffold.ScaffoldError as error:
        raise UsageError(str(error)) from None
    target = args.content / scaffold.FOLDERS[args.what] / f"{slug}.md"
    try:
        write_new(target, text)
    except FileExists:
        raise UsageError(f"{target} already exists; choose another title or edit that file (nothing was written)") from None
    print(f"Created {target}")
    print("Next: replace every TODO(...) marker, then run `kb check` (it lists each one left) and `kb serve` to preview.")
    return EXIT_OK
