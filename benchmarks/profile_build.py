"""Profile a full serial ``kb build`` with cProfile; list where the extension spends its time.

    nice python benchmarks/profile_build.py --articles 1000

Writes the raw profile to ``<work>/profile-<N>.prof`` (open it with
``python -m pstats`` or snakeviz) and prints the top entries by cumulative
time, for the whole build and for functions defined in ``knowledgebase/``
only. Writes ``<results>/profile-<N>.json``. cProfile slows pure-Python code
more than C code, so compare entries with each other, not with the build
times of the other benchmarks.
"""

from __future__ import annotations

import argparse
import io
import pstats
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_WORK, REPO, RESULTS, log, run_timed, save_result  # noqa: E402
from generate_corpus import ensure_corpus  # noqa: E402

PACKAGE = REPO / "knowledgebase"


def top_entries(stats: pstats.Stats, only_package: bool, count: int) -> list[dict]:
    rows = []
    for (filename, line, function), (_, calls, own, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        # Compared as paths, not strings: a venv beside the clone (/tmp/kb-venv) is not inside it (/tmp/kb).
        path = Path(filename)
        if only_package and not path.is_relative_to(PACKAGE):
            continue
        where = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else filename
        rows.append({"function": f"{where}:{line}({function})", "calls": calls, "own_s": round(own, 3),
                     "cumulative_s": round(cumulative, 3)})
    rows.sort(key=lambda r: -r["cumulative_s"])
    return rows[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    content = args.work / f"corpus-{args.articles}" / "content"
    ensure_corpus(content, args.articles, args.seed)
    out = args.work / f"profile-{args.articles}" / "html"
    if out.parent.exists():
        shutil.rmtree(out.parent)
    out.parent.mkdir(parents=True)
    profile = args.work / f"profile-{args.articles}.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "knowledgebase", "build",
               "--content", str(content), "--conf", str(REPO), "--out", str(out), "-q"]
    run = run_timed("profiled kb build", command)
    if run.returncode != 0:
        raise SystemExit(run.output[-5000:])
    stats = pstats.Stats(str(profile), stream=io.StringIO())
    total = stats.total_tt  # type: ignore[attr-defined]
    overall = top_entries(stats, False, args.top)
    package = top_entries(stats, True, args.top)
    log(f"profiled build: {run.seconds:.1f} s wall (total profiled time {total:.1f} s)")
    log("top entries in knowledgebase/ by cumulative time:")
    for row in package:
        log(f"  {row['cumulative_s']:8.2f} s cum  {row['own_s']:7.2f} s own  {row['calls']:>8} calls  {row['function']}")
    result = {"articles": args.articles, "profiled_seconds": round(total, 2), "wall_seconds": run.seconds,
              "profile_file": str(profile), "top_overall": overall, "top_knowledgebase": package}
    path = save_result(f"profile-{args.articles}", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
