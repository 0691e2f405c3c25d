"""``kb check`` on a large corpus: how long a contributor waits, and proof that Sphinx is not involved.

    nice python benchmarks/bench_check.py --articles 10000 --reps 3

Times the whole command as a contributor runs it (a fresh Python process:
start-up, imports, loading, validating and printing), median of ``--reps``
runs. A separate run checks that ``kb check`` never imports Sphinx. Writes
``<results>/check.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_WORK, RESULTS, log, median, run_timed, save_result  # noqa: E402
from generate_corpus import ensure_corpus  # noqa: E402

PROBE = """
import json, sys, time
start = time.perf_counter()
from knowledgebase.cli import main
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", "--content", sys.argv[1]])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "sphinx_imported": any(m == "sphinx" or m.startswith("sphinx.") for m in sys.modules)}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    content = args.work / f"corpus-{args.articles}" / "content"
    corpus = ensure_corpus(content, args.articles, args.seed)
    runs = []
    for rep in range(args.reps):
        run = run_timed("kb check", [sys.executable, "-m", "knowledgebase", "check", "--content", str(content)])
        if run.returncode != 0:
            raise SystemExit(f"kb check reported errors:\n{run.output[-3000:]}")
        runs.append(run.summary())
        log(f"  kb check, {args.articles} articles, rep {rep + 1}: {run.seconds:.2f} s wall, "
            f"{run.cpu_seconds:.2f} s cpu, {run.max_rss_mb:.0f} MB  | {run.output.strip().splitlines()[-1]}")
    probe = run_timed("probe", [sys.executable, "-c", PROBE, str(content)])
    details = json.loads(probe.output.strip().splitlines()[-1])
    result = {"articles": args.articles, "corpus": corpus, "runs": runs,
              "median_s": round(median([r["seconds"] for r in runs]), 2),
              "max_rss_mb": max(r["max_rss_mb"] for r in runs),
              "sphinx_imported": details["sphinx_imported"],
              "summary_line": run.output.strip().splitlines()[-1]}
    log(f"median {result['median_s']} s; Sphinx imported: {details['sphinx_imported']}")
    path = save_result("check", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0 if not details["sphinx_imported"] else 1


if __name__ == "__main__":
    sys.exit(main())
