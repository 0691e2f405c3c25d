"""``kb build``: the site, built with the project's ``conf.py`` from any content folder."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .common import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    Verb,
    content_option,
    require_content,
    whole_number,
)

# `kb build` and `kb serve` write only into folders that are theirs: the output folder and Sphinx's doctree
# cache beside it must be new or empty, or carry this file, which they write into each before anything else.
OWN_MARKER = ".kb-build"
OWN_MARKER_TEXT = ("This folder was written by `kb build` or `kb serve` (Leading Learning), which may replace "
                   "anything in it.\nThey write only into a folder that is new, empty or holds this file.\n")

INCOMPLETE_MARKER = "BUILD-INCOMPLETE.txt"
INCOMPLETE_TEXT = ("This site is incomplete: a `kb build` into this folder failed or was interrupted.\n"
                   "Do not publish it. Run `kb build` again; it rebuilds every page.\n")

BUILD_EXAMPLES = """\
  kb build                           build ./content into build/html
  kb build --strict -j 2             fail on any warning; use two processes
  kb build --content my-fork/content --out /tmp/site
"""


def site_options(parser: argparse.ArgumentParser) -> None:
    """The options of every verb that builds the site: the content, conf.py and the output folder."""
    content_option(parser)
    parser.add_argument("--conf", metavar="DIR", type=Path, default=None,
                        help="folder holding conf.py (default: the current folder, else the content folder's parent)")
    parser.add_argument("--out", metavar="DIR", type=Path, default=Path("build/html"),
                        help="where to write the site: a new or empty folder, or one kb wrote before "
                             "(default: build/html)")


def find_conf(args) -> Path:
    candidates = [args.conf] if args.conf else [Path.cwd(), args.content.resolve().parent]
    for folder in candidates:
        if folder is not None and (folder / "conf.py").is_file():
            return folder
    where = args.conf or "the current folder or the content folder's parent"
    raise UsageError(f"no conf.py in {where}; run kb from the repository root or pass --conf DIR")


def prepare_folders(args) -> tuple[Path, Path, Path]:
    """The content folder, the output folder and Sphinx's doctree folder beside it, once the two to be written
    are known to be the build's own (see :func:`refuse_unless_own`) and apart from the content (see
    :func:`refuse_near_content`); they are made if need be and marked as the build's own."""
    require_content(args.content)
    where = Path(os.path.abspath(args.out))  # so that `--out .` has a name and a parent for the doctree folder
    out, doctrees = args.out, where.parent / f".doctrees-{where.name}"
    cache = f"Sphinx's cache for --out `{out}`, `{doctrees}`,"
    refuse_near_content(out, f"--out `{out}`", args.content, "choose a folder outside it")
    refuse_near_content(doctrees, cache, args.content, "choose another --out")
    refuse_unless_own(out, f"--out `{out}`", built_site, "choose a new or empty folder")
    refuse_unless_own(doctrees, cache, built_doctrees, "choose another --out")
    for folder in (out, doctrees):
        folder.mkdir(parents=True, exist_ok=True)
        marker = folder / OWN_MARKER
        if not marker.is_file():
            with marker.open("x", encoding="utf-8") as new:  # "x": never through a link someone left there
                new.write(OWN_MARKER_TEXT)
    return args.content, out, doctrees


def refuse_near_content(folder: Path, named: str, content: Path, remedy: str) -> None:
    """Refuse a folder to write into that is the content folder, is inside it or holds it (through symbolic
    links too): what the build writes there would be read as content, or the other way round."""
    real, real_content = folder.resolve(), content.resolve()
    if real == real_content:
        where = "is the content folder"
    elif real.is_relative_to(real_content):
        where = f"is inside the content folder `{content}`"
    elif real_content.is_relative_to(real):
        where = f"holds the content folder `{content}`"
    else:
        return
    raise UsageError(f"{named} {where}; {remedy} (nothing was written)")


def refuse_unless_own(folder: Path, named: str, built_before, remedy: str) -> None:
    """Refuse a folder to write into unless it is new, empty, carries :data:`OWN_MARKER` or is
    recognised by ``built_before`` as written by a `kb build` from before the marker."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise UsageError(f"{named} is a file, not a folder; {remedy} (nothing was written)")
    names = sorted(os.listdir(folder))
    if not names or (folder / OWN_MARKER).is_file() or built_before(folder):
        return
    raise UsageError(f"{named} already holds files that kb did not write (such as `{names[0]}`); "
                     f"{remedy}, or remove those files (nothing was written)")


def built_site(folder: Path) -> bool:
    """Whether ``folder`` is a site written by a `kb build` from before :data:`OWN_MARKER`: it holds
    Sphinx's record of the build (``.buildinfo``) and the site's own stylesheet, which every version wrote."""
    return (folder / ".buildinfo").is_file() and (folder / "_static" / "kb.css").is_file()


def built_doctrees(folder: Path) -> bool:
    """Whether ``folder`` is Sphinx's doctree cache from before :data:`OWN_MARKER` (it holds Sphinx's saved
    environment)."""
    return (folder / "environment.pickle").is_file()


def sphinx_arguments(conf: Path, content: Path, out: Path, doctrees: Path, jobs: int | str | None,
                     strict: bool) -> list[str]:
    arguments = ["-b", "html", "-c", str(conf), "-d", str(doctrees), str(content), str(out)]
    if jobs:
        arguments += ["-j", str(jobs)]
    if strict:
        arguments += ["-W", "--keep-going"]
    return arguments


def configure_build(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("-j", "--jobs", metavar="N", type=whole_number(1, also="auto"), default=None,
                        help="build in N processes (a number or `auto`)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and the result")
    parser.set_defaults(run=run_build)


VERBS = (Verb("build", "Build the website and say where it is.", BUILD_EXAMPLES, configure_build),)


def run_build(args) -> int:
    from sphinx.cmd.build import build_main

    conf = find_conf(args)  # before the folders are made: a missing conf.py leaves nothing behind
    arguments = sphinx_arguments(conf, *prepare_folders(args), args.jobs, args.strict)
    if args.quiet:
        arguments.append("-q")
    # Sphinx writes pages one by one into the output folder. While it does, and
    # if it stops part-way, the folder carries a marker saying it is incomplete;
    # the next build then rewrites every page instead of trusting what is there.
    marker = args.out / INCOMPLETE_MARKER
    if marker.exists():
        print(f"kb build: the last build into {args.out} did not finish; rebuilding every page", file=sys.stderr)
        arguments[:0] = ["-E", "-a"]
    marker.write_text(INCOMPLETE_TEXT, encoding="utf-8")
    status = build_main(arguments)
    index = args.out / "index.html"
    if status != 0:
        print(f"kb build: the build failed (see the messages above); {args.out} is marked incomplete "
              f"({INCOMPLETE_MARKER}) until a build succeeds", file=sys.stderr)
        return EXIT_CONTENT if status == 1 else EXIT_USAGE
    marker.unlink()
    print(f"The site is ready: {index}\nOpen it in a browser, e.g. file://{index.resolve()}")
    return EXIT_OK
