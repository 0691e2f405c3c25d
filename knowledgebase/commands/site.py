"""``kb build``: the site, built with the project's ``conf.py`` from any content folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, UsageError, content_option, verb, whole_number

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
                        help="where to write the site (default: build/html)")


def find_conf(args) -> Path:
    candidates = [args.conf] if args.conf else [Path.cwd(), args.content.resolve().parent]
    for folder in candidates:
        if folder is not None and (folder / "conf.py").is_file():
            return folder
    where = args.conf or "the current folder or the content folder's parent"
    raise UsageError(f"no conf.py in {where}; run kb from the repository root or pass --conf DIR")


def build_folders(args) -> tuple[Path, Path, Path]:
    """The content folder (which must exist), the output folder and Sphinx's doctree folder beside it."""
    if not args.content.is_dir():
        raise UsageError(f"no content folder at `{args.content}`; pass one with --content DIR")
    return args.content, args.out, args.out.parent / f".doctrees-{args.out.name}"


def sphinx_arguments(args, conf: Path, jobs: int | str | None, strict: bool) -> list[str]:
    content, out, doctrees = build_folders(args)
    arguments = ["-b", "html", "-c", str(conf), "-d", str(doctrees), str(content), str(out)]
    if jobs:
        arguments += ["-j", str(jobs)]
    if strict:
        arguments += ["-W", "--keep-going"]
    return arguments


@verb("build", "Build the website and say where it is.", BUILD_EXAMPLES)
def configure_build(parser):
    site_options(parser)
    parser.add_argument("-j", "--jobs", metavar="N", type=whole_number(1, also="auto"), default=None,
                        help="build in N processes (a number or `auto`)")
    parser.add_argument("--strict", action="store_true", help="treat every warning as an error")
    parser.add_argument("-q", "--quiet", action="store_true", help="print only warnings and the result")
    parser.set_defaults(run=run_build)


def run_build(args) -> int:
    from sphinx.cmd.build import build_main

    arguments = sphinx_arguments(args, find_conf(args), args.jobs, args.strict)
    if args.quiet:
        arguments.append("-q")
    # Sphinx writes pages one by one into the output folder. While it does, and
    # if it stops part-way, the folder carries a marker saying it is incomplete;
    # the next build then rewrites every page instead of trusting what is there.
    marker = args.out / INCOMPLETE_MARKER
    if marker.exists():
        print(f"kb build: the last build into {args.out} did not finish; rebuilding every page", file=sys.stderr)
        arguments[:0] = ["-E", "-a"]
    args.out.mkdir(parents=True, exist_ok=True)
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
