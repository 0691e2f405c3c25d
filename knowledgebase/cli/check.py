"""``kb check``: validate the corpus and report every problem with file and line."""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
from pathlib import Path

from ..collector import cycle_collection_paused
from ..diagnostics import Diagnostic
from ..linking import counts as corpus_counts
from .common import (
    EXIT_CONTENT,
    EXIT_OK,
    UsageError,
    Verb,
    content_option,
    load_or_fail,
    require_content,
)

EXAMPLES = """\
  kb check                                 check everything in ./content
  kb check content/articles/new-idea.md    report only on that file (checked against the whole corpus)
  kb check --changed --base origin/main    report on files changed since a git ref
  kb check --format github                 annotations for a GitHub pull request
  kb check --strict --format json          warnings fail too; output for machines
"""


def configure(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                        help="report only on these files or folders (references still resolve against the whole corpus)")
    parser.add_argument("--format", choices=("text", "json", "github"), default="text",
                        help="text for people (default), json for programs, github for workflow annotations")
    parser.add_argument("--strict", action="store_true", help="fail on warnings as well as errors")
    parser.add_argument("--changed", action="store_true",
                        help="report only on content files changed against a git base (and uncommitted changes)")
    parser.add_argument("--base", metavar="REF", default=None,
                        help="the git base for --changed (default: the merge base with origin/main, or HEAD)")
    parser.add_argument("--no-cache", action="store_true",
                        help="read every file afresh and keep no cache (by default what each file says, and what "
                             "checking other files needs of it, is kept in your cache folder, so unchanged files are "
                             "not read again; see KB_CACHE_DIR)")
    parser.set_defaults(run=run)


VERBS = (Verb("check", "Validate the content and report problems as file:line diagnostics.", EXAMPLES, configure),)


def run(args: argparse.Namespace) -> int:
    if args.base and not args.changed:
        raise UsageError("--base goes with --changed")
    require_content(args.content)
    selection = None
    if args.changed:
        selection = changed_files(args.content, args.base)
    if args.paths:
        missing = [str(p) for p in args.paths if not p.exists()]
        if missing:
            raise UsageError(f"no such file or folder: {', '.join(missing)}")
        selection = (selection or set()) | {p.resolve() for p in args.paths}
    with cycle_collection_paused():
        if args.no_cache:
            result = load_or_fail(args.content)
            diagnostics, counts = result.diagnostics, corpus_counts(result.kb)
        else:
            diagnostics, counts = _load_cached(args.content, selection)
        # The command ends soon after: what it loaded is set aside from the cycle collector, which would
        # otherwise walk all of it again, once or twice before the end and once more as the program exits.
        gc.freeze()
    if selection is not None:
        diagnostics = [d for d in diagnostics if is_selected(d, selection)]
    errors = sum(d.severity.value == "error" for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.format == "json":
        print(json.dumps({
            "diagnostics": [d.as_dict() for d in diagnostics],
            "errors": errors, "warnings": warnings, "counts": counts,
        }, indent=2, ensure_ascii=False))
    elif args.format == "github":
        for d in diagnostics:
            print(github_annotation(d))
    else:
        for d in diagnostics:
            print(d.format_text())
        scope = "" if selection is None else f" (in {len(selection)} selected file(s) or folder(s))"
        print(f"{errors} error(s), {warnings} warning(s){scope}; checked {counts['articles']} articles, "
              f"{counts['concepts']} concepts, {counts['paths']} paths, {counts['sources']} sources.")
    failed = errors or (args.strict and warnings)
    return EXIT_CONTENT if failed else EXIT_OK


def _load_cached(content: Path, selection: set[Path] | None) -> tuple[list[Diagnostic], dict[str, int]]:
    """Diagnostics and counts through what earlier checks kept, which is kept up to date for the next one.

    With a selection, only the selected files are read, and the link index stands in for the others;
    otherwise (or if the index is missing or unusable, or that would not pay) the whole folder is loaded
    through the load cache, and the index is written for next time.
    """
    from ..reuse.cachefile import read_cache_file, write_cache_file
    from ..reuse.filecache import LoadCache
    from ..reuse.linkindex import (
        INDEX_FILE,
        INDEX_FORMAT,
        read_index_file,
        write_index_file,
    )
    from ..reuse.selected import load_and_index, load_selected
    from ..reuse.store import Invalid, cache_file, code_fingerprint, stored_for

    real_root = content.resolve()
    index_path = cache_file(content, INDEX_FILE)
    if index_path is None:
        index_usable = False
    elif selection is None:
        index_usable = stored_for(index_path, INDEX_FORMAT, code_fingerprint(), real_root)
    else:
        index = read_index_file(index_path, real_root)
        selected = None
        try:
            selected = load_selected(content, index, selection) if index is not None else None
            index_usable = index is not None
        except Invalid:
            index_usable = False
        if index is not None and selected is not None:
            # Rewriting the index costs about as much as reading a hundredth of the files again.
            if index.changes >= max(1, len(index) // 100):
                write_index_file(index, index_path)
            return selected.diagnostics, selected.counts
    path = cache_file(content)
    cache = read_cache_file(path, real_root) if path else LoadCache()
    result, make_index = load_and_index(content, cache)
    # Rewriting the whole cache costs about as much as parsing a fifth of the corpus again: after only a
    # few edits (under a fiftieth of the files) it is left as it is, and those files are parsed again next time.
    # The index is written with it, so that neither falls far behind (a folder that cannot be written just
    # means no cache next time).
    if path and cache.changes >= max(1, len(cache) // 50):
        write_cache_file(cache, path)
        index_usable = False
    if index_path and not index_usable:
        write_index_file(make_index(), index_path)
    return result.diagnostics, corpus_counts(result.kb)


def is_selected(diagnostic: Diagnostic, selection: set[Path]) -> bool:
    path = Path(diagnostic.path).resolve()
    return any(path == chosen or chosen in path.parents for chosen in selection)


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the diagnostic's line in the pull request."""
    level = "error" if d.severity.value == "error" else "warning"
    title = _escape(f"{d.code} {d.name}", True)
    message = d.message + (f" ({d.hint})" if d.hint else "")
    return f"::{level} file={_escape(d.path, True)},line={d.line},title={title}::{_escape(message)}"


def changed_files(content: Path, base: str | None) -> set[Path]:
    """Files under ``content`` that differ from ``base`` (committed, staged, unstaged or untracked)."""
    def git(*arguments: str) -> str:
        try:
            completed = subprocess.run(["git", *arguments], cwd=content, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise UsageError("--changed needs git, which is not installed") from None
        if completed.returncode != 0:
            raise UsageError(f"git {' '.join(arguments)} failed: {completed.stderr.strip().splitlines()[-1] if completed.stderr.strip() else 'no output'}")
        return completed.stdout

    top = Path(git("rev-parse", "--show-toplevel").strip())
    if base is None:
        base = "HEAD"
        for candidate in ("origin/main", "main"):
            probe = subprocess.run(["git", "merge-base", "HEAD", candidate], cwd=content, capture_output=True, text=True)
            if probe.returncode == 0 and probe.stdout.strip():
                base = probe.stdout.strip()
                break
    else:
        git("rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    names = set(git("diff", "--name-only", "--no-renames", base, "--", ".").splitlines())
    names |= set(git("ls-files", "--others", "--exclude-standard", "--full-name", ".").splitlines())
    content_root = content.resolve()
    changed = set()
    for name in names:
        path = (top / name).resolve()
        if path.is_relative_to(content_root):
            changed.add(path)
    return changed
