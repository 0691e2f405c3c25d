"""``kb build -j 2`` against ``-j 1``: faster, and byte-identical output.

    nice python benchmarks/bench_parallel.py --articles 1000 --reps 2

Full builds into fresh folders, alternating ``-j 1`` and ``-j 2``. The output
trees of the first pair are compared file by file (every file of the site,
``.buildinfo`` aside). Writes ``<results>/parallel.json``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (DEFAULT_WORK, RESULTS, kb_build_command, log, median, run_timed, save_result,  # noqa: E402
                    tree_digest)
from generate_corpus import ensure_corpus  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    content = args.work / f"corpus-{args.articles}" / "content"
    corpus = ensure_corpus(content, args.articles, args.seed)
    runs: dict[str, list[dict]] = {"j1": [], "j2": []}
    digests = {}
    for rep in range(args.reps):
        for arm in (["j1", "j2"] if rep % 2 == 0 else ["j2", "j1"]):
            out = args.work / "runs" / f"parallel-{args.articles}" / f"{arm}-{rep}" / "html"
            if out.parent.exists():
                shutil.rmtree(out.parent)
            out.parent.mkdir(parents=True)
            run = run_timed(arm, kb_build_command(content, out, jobs=int(arm[1:])))
            if run.returncode != 0:
                raise SystemExit(run.output[-5000:])
            runs[arm].append(run.summary() | {"rep": rep})
            log(f"  {args.articles} articles rep {rep + 1}/{args.reps} -{arm[0]} {arm[1:]}: {run.seconds:.1f} s wall, "
                f"{run.cpu_seconds:.1f} s cpu, {run.max_rss_mb:.0f} MB")
            if rep == 0:
                digests[arm] = tree_digest(out)
            shutil.rmtree(out.parent)
    one, two = digests["j1"], digests["j2"]
    differing = sorted(p for p in set(one) | set(two) if one.get(p) != two.get(p))
    j1, j2 = median([r["seconds"] for r in runs["j1"]]), median([r["seconds"] for r in runs["j2"]])
    result = {"articles": args.articles, "corpus": corpus, "runs": runs, "j1_median_s": round(j1, 2),
              "j2_median_s": round(j2, 2), "speedup": round(j1 / j2, 2), "files_compared": len(one),
              "identical": not differing, "differing": differing[:60], "differing_count": len(differing)}
    log(f"median -j 1 {j1:.1f} s, -j 2 {j2:.1f} s: speed-up {j1 / j2:.2f}x; "
        f"output {'identical' if not differing else f'differs in {len(differing)} file(s)'} ({len(one)} files)")
    path = save_result("parallel", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
