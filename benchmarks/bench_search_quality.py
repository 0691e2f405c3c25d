"""How well the site's search answers everyday queries: precision@5, recall@10, empty results.

    python benchmarks/bench_search_quality.py            # builds content/ into a temporary folder
    python benchmarks/bench_search_quality.py --site build/html

Runs every query of ``tests/search_quality.yaml`` through the site's own search script
(``_static/kb-search.js`` with the stemmer Sphinx ships, in Node, reading the built index
from disk: ``benchmarks/search_runner.js``), so the ranking measured is the one readers get.

* precision@5: relevant pages among the first five results, divided by five or by the number
  of relevant pages when there are fewer (so a query with two right answers can score 1);
* recall@10: relevant pages among the first ten results, divided by the number of relevant pages;
* empty: queries that return nothing at all.

Prints the figures per query and per class, and writes ``<results>/search-quality.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
QUERIES = REPO / "tests" / "search_quality.yaml"
RUNNER = HERE / "search_runner.js"


def load_queries(path: Path = QUERIES) -> list[dict]:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def run_requests(site: Path, requests: list[dict]) -> list:
    """Answers of the site's search script, in Node, to ``requests`` (see search_runner.js)."""
    executable = node()
    if executable is None:
        raise RuntimeError("Node.js is needed to run the site's search script")
    done = subprocess.run([executable, str(RUNNER), str(site)], input=json.dumps(requests), capture_output=True,
                          text=True, encoding="utf-8", timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"search_runner.js failed:\n{done.stderr}")
    return json.loads(done.stdout)


def docname(url: str) -> str:
    return url.removesuffix(".html")


def judge(query: dict, answer: dict) -> dict:
    relevant = set(query["relevant"])
    ranked = [docname(u) for u in answer["results"]]
    top5, top10 = ranked[:5], ranked[:10]
    return {
        "query": query["query"], "class": query["class"],
        "precision_at_5": sum(d in relevant for d in top5) / min(5, len(relevant)),
        "recall_at_10": sum(d in relevant for d in top10) / len(relevant),
        "results": answer["total"], "top": top10,
        "missed": sorted(relevant - set(top10)),
        "corrections": answer["corrections"], "unknown": answer["unknown"],
    }


def evaluate(site: Path, queries: list[dict] | None = None) -> dict:
    """Per-query judgements and the means, overall and per class."""
    queries = queries if queries is not None else load_queries()
    answers = run_requests(site, [{"search": q["query"], "top": 10} for q in queries])
    judged = [judge(q, a) for q, a in zip(queries, answers)]

    def summary(rows: list[dict]) -> dict:
        return {
            "queries": len(rows),
            "precision_at_5": round(sum(r["precision_at_5"] for r in rows) / len(rows), 3),
            "recall_at_10": round(sum(r["recall_at_10"] for r in rows) / len(rows), 3),
            "empty": sum(r["results"] == 0 for r in rows),
        }

    classes = defaultdict(list)
    for row in judged:
        classes[row["class"]].append(row)
    return {"overall": summary(judged), "classes": {c: summary(rows) for c, rows in classes.items()},
            "queries": judged}


def build_site(out: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "knowledgebase", "build", "--content", str(REPO / "content"),
                           "--conf", str(REPO), "--out", str(out), "-q"], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stdout[-3000:] + done.stderr[-3000:])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=None, help="a built site (default: build content/ now)")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        site = args.site or build_site(Path(temporary) / "html")
        report = evaluate(site)
    for row in report["queries"]:
        flags = ""
        if row["corrections"]:
            flags += " corrected " + ", ".join(f"{a}->{b}" for a, b in row["corrections"])
        if row["missed"]:
            flags += " missed " + ", ".join(row["missed"])
        print(f"  P@5 {row['precision_at_5']:.2f}  R@10 {row['recall_at_10']:.2f}  {row['results']:3d} results"
              f"  [{row['class']}] {row['query']}{flags}")
    print()
    for name, figures in [*report["classes"].items(), ("overall", report["overall"])]:
        print(f"  {name:12s} {figures['queries']:2d} queries: precision@5 {figures['precision_at_5']:.2f}, "
              f"recall@10 {figures['recall_at_10']:.2f}, {figures['empty']} with no result")
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "search-quality.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
