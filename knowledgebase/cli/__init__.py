"""The ``kb`` command: check, inspect, build and plan the knowledge base.

Exit codes: 0 success, 1 the content has errors, 2 the command was used
wrongly or the request cannot be met.

This package imports the verb modules listed in :data:`VERB_MODULES` and builds the parser from
the :class:`~knowledgebase.cli.common.Verb` tuple each one exposes as ``VERBS``. A verb module
imports :mod:`knowledgebase.cli.common` (and may import another verb module), never this package,
so that there is no import cycle.
"""

from __future__ import annotations

import argparse
from typing import NoReturn
import sys
from collections.abc import Sequence

from .. import __version__
from . import check, inspect, new, path, serve, site
from .common import EXIT_OK, EXIT_USAGE, UsageError, Verb

# The verbs, in the order `kb --help` lists them.
VERB_MODULES = (check, inspect, new, path, site, serve)
VERBS: tuple[Verb, ...] = tuple(verb for module in VERB_MODULES for verb in module.VERBS)


class KbParser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one clear line, with exit status 2 (every parser of
    ``kb``: a verb adds sub-parsers of ``type(parser)``)."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"kb: error: {message} (see `{self.prog} --help`)\n")


def formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def build_parser(parser_class: type[KbParser] = KbParser) -> argparse.ArgumentParser:
    """The ``kb`` argument parser: one sub-parser per verb of :data:`VERBS`, with its examples as its epilog.

    Every parser and sub-parser is a ``parser_class``; the documentation's reference is generated from
    one of a subclass that writes the texts as reStructuredText
    (:class:`knowledgebase.sphinxext.reference.ReferenceParser`).
    """
    parser = parser_class(prog="kb", formatter_class=formatter,
                          description="Check, explore, build and plan the Leading Learning knowledge base.",
                          epilog="Run `kb VERB --help` for a verb's options and examples.")
    parser.add_argument("--version", action="version", version=f"kb {__version__}")
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=parser_class)
    for verb in VERBS:
        sub = subparsers.add_parser(verb.name, help=verb.help, description=verb.help, formatter_class=formatter,
                                    epilog="examples:\n" + verb.examples)
        verb.configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.verb:
        parser.print_help()
        return EXIT_USAGE
    try:
        return args.run(args)
    except UsageError as error:
        print(f"kb {args.verb}: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        print("kb: interrupted", file=sys.stderr)
        return 130
    except OSError as error:  # a disk, permission or file system problem: say which file, no traceback
        where = f"{error.filename}: " if error.filename else ""
        print(f"kb {args.verb}: {where}{error.strerror or error}", file=sys.stderr)
        return EXIT_USAGE
