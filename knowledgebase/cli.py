"""The ``kb`` command: check, inspect, build and plan the knowledge base.

Exit codes: 0 success, 1 the content has errors, 2 the command was used
wrongly or the request cannot be met.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from . import __version__

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The request cannot be met; the message is one line for the user."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one clear line, exit 2
        self.exit(EXIT_USAGE, f"kb: error: {message} (see `{self.prog} --help`)\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


VERBS: dict[str, Callable] = {}


def verb(name: str, help_text: str, examples: str):
    """Register a verb: ``configure(parser)`` adds its arguments and returns its runner."""

    def register(configure: Callable):
        VERBS[name] = (help_text, examples, configure)
        return configure

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kb", formatter_class=_formatter,
                     description="Check, explore, build and plan the Leading Learning knowledge base.",
                     epilog="Run `kb VERB --help` for a verb's options and examples.")
    parser.add_argument("--version", action="version", version=f"kb {__version__}")
    subparsers = parser.add_subparsers(dest="verb", metavar="VERB", parser_class=_Parser)
    for name, (help_text, examples, configure) in VERBS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text, formatter_class=_formatter,
                                    epilog="examples:\n" + examples)
        configure(sub)
    return parser


def content_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", metavar="DIR", default="content", type=Path,
                        help="the content folder (default: ./content)")


def whole_number(least: int, most: int | None = None, also: str | None = None) -> Callable[[str], int | str]:
    """An argparse ``type=`` for a numeric option: a whole number from ``least`` (up to ``most``, if
    given), or the word ``also``; anything else is a one-line usage error naming the option."""
    wanted = f"a whole number from {least} to {most}" if most is not None else f"a whole number of {least} or more"
    if also:
        wanted += f", or `{also}`"

    def parse(text: str) -> int | str:
        if also and text == also:
            return text
        try:
            number = int(text)
        except ValueError:
            number = None
        if number is None or number < least or (most is not None and number > most):
            raise argparse.ArgumentTypeError(f"`{text}` is not {wanted}")
        return number

    return parse


def require_content(content: Path) -> None:
    """Say why ``content`` cannot be loaded, if it is not a folder."""
    if not content.is_dir():
        raise UsageError(f"no content folder at `{content}`; pass one with --content DIR")


def load_or_fail(content: Path, cache=None):
    """Load ``content`` (with a :class:`~knowledgebase.reuse.filecache.LoadCache`, if given), or say why it cannot be."""
    from .load import load

    require_content(content)
    return load(content, cache)


def main(argv: Sequence[str] | None = None) -> int:
    from . import commands  # noqa: F401  (registers the verbs)

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


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str))

