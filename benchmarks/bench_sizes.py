"""What readers download, and what one big build needs: page sizes, search download, peak memory.

    nice python benchmarks/bench_sizes.py --articles 5000

Builds the corpus once with ``kb build`` (serially; peak memory of the build
process tree read with ``os.wait4``), then measures:

* the HTML size of article pages (median, 90th percentile, largest) and of
  concept pages (median, largest), raw and gzip-compressed (as a server sends
  them), plus the listing pages (home, all articles, concepts);
* what a first search query downloads, as the search page's own script asks for it (run in
  Node): ``meta.json``, the term and pair shards of a two-word query and one small file for
  each of the first 50 results, from ``_kb/search/``.

``--site DIR`` measures an existing build instead of building. Writes
``<results>/sizes-<N>.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_WORK, RESULTS, kb_build_command, log, median, run_timed, save_result  # noqa: E402
from generate_corpus import SHAPES, ensure_corpus  # noqa: E402

QUERY = ("trust", "feedback")   # two words the generated prose uses often (and concept names)


def sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def page_stats(pages: list[Path], root: Path) -> dict:
    measured = sorted((sizes(p) + (p.relative_to(root).as_posix(),) for p in pages), key=lambda x: x[0])
    if not measured:
        return {}
    raw = [m[0] for m in measured]
    return {
        "count": len(measured),
        "median_kb": round(median(raw) / 1024, 1),
        "p90_kb": round(raw[int(0.9 * (len(raw) - 1))] / 1024, 1),
        "max_kb": round(measured[-1][0] / 1024, 1), "max_page": measured[-1][2],
        "max_gzip_kb": round(measured[-1][1] / 1024, 1),
        "median_gzip_kb": round(median([m[1] for m in measured]) / 1024, 1),
        "min_kb": round(measured[0][0] / 1024, 1),
    }


def search_download(site: Path, words=QUERY) -> dict:
    """What the search page downloads for a first query: every file, as the page's own script asks for it.

    The script runs in Node against the built index (``search_runner.js``): ``meta.json``, the
    term shards of the query's words, the pair shard for their adjacency, and one small file per
    result shown on the first page (its title, summary and the block of text for its snippet).
    """
    from bench_search_quality import run_requests

    folder = site / "_kb" / "search"
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    answer = run_requests(site, [{"search": " ".join(words), "top": 0, "show": 50}])[0]
    detail = {}
    for name in answer["downloaded"]:
        raw, packed = sizes(folder / name)
        detail[name] = {"kb": round(raw / 1024, 1), "gzip_kb": round(packed / 1024, 1)}
    results = [n for n in detail if n.startswith("doc-")]
    total_files = list(folder.glob("*.json"))
    return {
        "query": " ".join(words), "results": answer["total"], "results_shown": len(results),
        "files": {n: d for n, d in detail.items() if not n.startswith("doc-")},
        "result_files": {"count": len(results), "kb": round(sum(detail[n]["kb"] for n in results), 1),
                         "gzip_kb": round(sum(detail[n]["gzip_kb"] for n in results), 1)},
        "total_kb": round(sum(d["kb"] for d in detail.values()), 1),
        "total_gzip_kb": round(sum(d["gzip_kb"] for d in detail.values()), 1),
        "index_files": len(total_files),
        "index_total_kb": round(sum(p.stat().st_size for p in total_files) / 1024, 1),
        "documents": meta.get("documents"), "shards": len(meta.get("shards", ())),
    }


def measure(site: Path) -> dict:
    articles = sorted((site / "articles").glob("*.html"))
    concepts = sorted((site / "concepts").glob("*.html"))
    listing = {}
    for name in ("index.html", "articles.html", "concepts.html", "glossary.html", "search.html"):
        if (site / name).is_file():
            raw, packed = sizes(site / name)
            listing[name] = {"kb": round(raw / 1024, 1), "gzip_kb": round(packed / 1024, 1)}
    all_files = [p for p in site.rglob("*") if p.is_file()]
    return {
        "article_pages": page_stats(articles, site),
        "concept_pages": page_stats(concepts, site),
        "listing_pages": listing,
        "search": search_download(site),
        "site_files": len(all_files),
        "site_mb": round(sum(p.stat().st_size for p in all_files) / 1024 / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=5000)
    parser.add_argument("--site", type=Path, default=None, help="measure this built site instead of building")
    parser.add_argument("--jobs", "-j", type=int, default=None)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="none", help="the toctrees the corpus has")
    args = parser.parse_args(argv)
    result: dict = {"articles": args.articles, "shape": args.shape}
    suffix = "" if args.shape == "none" else f"-{args.shape}"
    if args.site is None:
        content = args.work / f"corpus-{args.articles}{suffix}" / "content"
        result["corpus"] = ensure_corpus(content, args.articles, args.seed, args.shape)
        site = args.work / f"sizes-{args.articles}{suffix}" / "html"
        if site.parent.exists():
            shutil.rmtree(site.parent)
        site.parent.mkdir(parents=True)
        run = run_timed("kb build", kb_build_command(content, site, args.jobs))
        if run.returncode != 0:
            raise SystemExit(run.output[-5000:])
        result["build"] = run.summary() | {"jobs": args.jobs}
        log(f"  build: {run.seconds:.1f} s wall, {run.cpu_seconds:.1f} s cpu, peak memory {run.max_rss_mb:.0f} MB")
    else:
        site = args.site
    result.update(measure(site))
    a, c, s = result["article_pages"], result["concept_pages"], result["search"]
    log(f"  article pages: median {a['median_kb']} KB, p90 {a['p90_kb']} KB, max {a['max_kb']} KB ({a['max_page']})")
    log(f"  concept pages: median {c['median_kb']} KB, max {c['max_kb']} KB ({c['max_page']})")
    log(f"  first search for '{s['query']}': {s['total_kb']} KB ({s['total_gzip_kb']} KB gzip): "
        f"{len(s['files'])} index files and {s['result_files']['count']} result files of {s['results']} results")
    path = save_result(f"sizes-{args.articles}{suffix}", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
