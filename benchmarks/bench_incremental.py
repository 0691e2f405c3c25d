"""Incremental builds: what one edit costs, and how many pages it re-writes.

    nice python benchmarks/bench_incremental.py --articles 1000 --verify

Builds a copy of the generated corpus once (serially, so Sphinx names every
page it writes), then applies one edit at a time and rebuilds into the same
folder:

1. ``no-edit``     - nothing changed: the floor of an incremental build;
2. ``body-word``   - one word of one article's body replaced by another (the word
   count, hence the reading time, is unchanged): only that page should change;
3. ``body-grow``   - a paragraph of about 220 words added to the same article: its
   reading time changes, which every card of the article shows;
4. ``concepts``    - the article's last concept replaced by another: the concept
   pages, lists and maps showing that data change.

For each: wall time, the documents Sphinx reports writing (``writing output...``
lines, ANSI colour stripped), the HTML files whose modification time changed,
and how many of those actually changed content. With ``--verify`` the edited
corpus is then built from scratch and every HTML file compared with the
incremental result: a difference is a stale page. Writes ``<results>/incremental.json``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (DEFAULT_WORK, RESULTS, html_state, kb_build_command, log, run_timed, save_result,  # noqa: E402
                    written_pages)
from generate_corpus import NOUNS, ensure_corpus  # noqa: E402

LIST_LIMIT = 60   # names of pages kept in the results per scenario
EDIT_WORD = "benchmarkedit"


def split_article(text: str) -> tuple[str, str]:
    end = text.index("\n---\n", 4)
    return text[: end + 5], text[end + 5:]


def pick_article(content: Path) -> str:
    """A typical article, chosen deterministically: one third of the way through the id order."""
    articles = sorted(p.stem for p in (content / "articles").glob("*.md"))
    return articles[len(articles) // 3]


def edit_body_word(file: Path) -> str:
    head, body = split_article(file.read_text(encoding="utf-8"))
    lines = body.split("\n")
    nouns = set(NOUNS)
    for i, line in enumerate(lines):
        if not line or line.startswith(("#", "-", "```")):
            continue
        words = line.split(" ")
        for j, word in enumerate(words):
            if word in nouns:
                words[j] = EDIT_WORD
                lines[i] = " ".join(words)
                file.write_text(head + "\n".join(lines), encoding="utf-8")
                return f"replaced `{word}` with `{EDIT_WORD}` on a body line"
    raise SystemExit(f"no word to replace in {file}")


def edit_body_grow(file: Path) -> str:
    text = file.read_text(encoding="utf-8")
    words = " ".join(["Every benchmark paragraph adds plain words to the article and nothing else."] * 17)
    file.write_text(text.rstrip("\n") + "\n\n## An added section\n\n" + words + "\n", encoding="utf-8")
    return f"appended a section of {len(words.split()) + 3} words"


def edit_concepts(file: Path, content: Path) -> str:
    text = file.read_text(encoding="utf-8")
    match = re.search(r"^concepts: \[(.*)\]$", text, re.M)
    assert match, file
    concepts = [c.strip() for c in match.group(1).split(",")]
    vocabulary = sorted(p.stem for p in (content / "concepts").glob("*.md"))
    replacement = next(c for c in vocabulary[len(vocabulary) // 2:] + vocabulary if c not in concepts)
    old = concepts[-1] if len(concepts) > 1 else None
    new = concepts[:-1] + [replacement] if len(concepts) > 1 else concepts + [replacement]
    file.write_text(text[: match.start()] + f"concepts: [{', '.join(new)}]" + text[match.end():], encoding="utf-8")
    return f"concepts [{', '.join(concepts)}] -> [{', '.join(new)}]" + (f" (removed `{old}`)" if old else "")


def rebuild(label: str, content: Path, out: Path, jobs: int | None) -> dict:
    before = html_state(out)
    run = run_timed(label, kb_build_command(content, out, jobs, quiet=False))
    if run.returncode != 0:
        raise SystemExit(f"{label}: the build failed\n{run.output[-5000:]}")
    after = html_state(out)
    written = written_pages(run.output)
    touched = sorted(p for p in after if p not in before or after[p][0] != before[p][0])
    changed = sorted(p for p in after if p not in before or after[p][1] != before[p][1])
    unchanged_rewrites = sorted(set(touched) - set(changed))
    # Documents Sphinx wrote although their page came out byte-identical: rewritten for nothing.
    written_unchanged = sorted(d for d in written if f"{d}.html" in after and f"{d}.html" not in changed)
    reread = re.search(r"(\d+) added, (\d+) changed, (\d+) removed", run.output)
    record = {
        "seconds": run.seconds, "cpu_seconds": run.cpu_seconds, "max_rss_mb": run.max_rss_mb,
        "docs_reread": int(reread.group(2)) + int(reread.group(1)) if reread else None,
        "written_count": len(written), "written": written[:LIST_LIMIT],
        "html_touched_count": len(touched), "html_touched": touched[:LIST_LIMIT],
        "html_changed_count": len(changed), "html_changed": changed[:LIST_LIMIT],
        "rewritten_unchanged_count": len(unchanged_rewrites), "rewritten_unchanged": unchanged_rewrites[:LIST_LIMIT],
        "written_unchanged_count": len(written_unchanged), "written_unchanged": written_unchanged[:LIST_LIMIT],
        "warnings": sum("WARNING" in line for line in run.output.splitlines()),
    }
    log(f"  {label:<10} {run.seconds:7.1f} s  docs written {len(written):>5}  html touched {len(touched):>5}  "
        f"html changed {len(changed):>5}  written but unchanged {len(written_unchanged):>5}")
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--jobs", "-j", type=int, default=None,
                        help="pass -j N (Sphinx then names chunks, not pages, in its log; the HTML counts still hold)")
    parser.add_argument("--verify", action="store_true",
                        help="finally build the edited corpus from scratch and compare every HTML file")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    source = ensure_corpus(args.work / f"corpus-{args.articles}" / "content", args.articles, args.seed)
    del source
    root = args.work / f"incremental-{args.articles}"
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    shutil.copytree(args.work / f"corpus-{args.articles}" / "content", content)
    out = root / "html"
    article = pick_article(content)
    file = content / "articles" / f"{article}.md"
    log(f"{args.articles} articles; editing articles/{article}")
    full = run_timed("full", kb_build_command(content, out, args.jobs, quiet=False))
    if full.returncode != 0:
        raise SystemExit(full.output[-5000:])
    log(f"  full build {full.seconds:7.1f} s  docs written {len(written_pages(full.output))}")
    scenarios = {"full": {"seconds": full.seconds, "cpu_seconds": full.cpu_seconds, "max_rss_mb": full.max_rss_mb,
                          "written_count": len(written_pages(full.output))}}
    edits = [("no-edit", lambda: "nothing changed"), ("body-word", lambda: edit_body_word(file)),
             ("body-grow", lambda: edit_body_grow(file)), ("concepts", lambda: edit_concepts(file, content))]
    for label, edit in edits:
        description = edit()
        scenarios[label] = {"edit": description, **rebuild(label, content, out, args.jobs)}
    result = {"articles": args.articles, "jobs": args.jobs, "article": f"articles/{article}", "scenarios": scenarios}
    if args.verify:
        fresh = root / "fresh" / "html"
        run = run_timed("fresh", kb_build_command(content, fresh, args.jobs))
        if run.returncode != 0:
            raise SystemExit(run.output[-5000:])
        incremental, scratch = html_state(out), html_state(fresh)
        stale = sorted(p for p in scratch if incremental.get(p, (0, None))[1] != scratch[p][1])
        extra = sorted(set(incremental) - set(scratch))
        result["verify"] = {"stale_count": len(stale), "stale": stale[:LIST_LIMIT], "extra_pages": extra[:LIST_LIMIT]}
        log(f"  verify: {len(stale)} page(s) differ from a fresh build, {len(extra)} extra page(s)")
    path = save_result(f"incremental-{args.articles}", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
