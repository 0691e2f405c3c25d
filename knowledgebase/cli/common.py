"""What every ``kb`` verb shares: exit codes, the usage error, common options and helpers, and
:class:`Verb`, the description of a verb that its module hands to the package.

The verb modules import this module; this module imports no verb and not the package
(:mod:`knowledgebase.cli`), which imports the verbs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """The request cannot be met; the message is one line for the user."""


class Verb(NamedTuple):
    """One ``kb`` verb, as its module lists it in its ``VERBS`` tuple.

    ``configure(parser)`` adds the verb's arguments to its parser and sets ``run``, the function
    that runs it (``parser.set_defaults(run=...)``); ``help`` is the line ``kb --help`` shows and the
    verb's description, and ``examples`` the command lines shown after its options.
    """

    name: str
    help: str
    examples: str
    configure: Callable[[argparse.ArgumentParser], None]


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
    from ..load import load

    require_content(content)
    return load(content, cache)


def print_json(data) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=False, default=str))
