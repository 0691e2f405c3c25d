"""Full builds: ``kb build`` against plain Sphinx + MyST on the same files, at several corpus sizes.

    nice python benchmarks/bench_build.py --sizes 1000 2000 5000 --reps 3

For each size the corpus is generated (once, into ``--work``), then the two
builds alternate (kb, plain, plain, kb, ...) so that drift in the machine's load
hits both alike. Every run is a full build into a fresh output folder. The
plain build uses the project's ``conf.py`` minus ``knowledgebase.sphinxext``,
with no-op stand-ins for the extension's roles and directives (see
``common.BASELINE_CONF``); it keeps Sphinx's own search index, which the
extension replaces with its sharded one.

Reports, per size: the median wall time of each, the median of the per-pair
ratios kb/plain, CPU time, and peak memory with its ratio kb/plain (each arm's
largest peak). Writes ``<results>/build.json``.
Sizes after one whose build pair took longer than ``--max-pair-seconds`` are
skipped (and reported as skipped).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (DEFAULT_WORK, RESULTS, kb_build_command, log, median, run_timed, save_result,  # noqa: E402
                    sphinx_build_command, write_baseline_conf)
from generate_corpus import SHAPES, ensure_corpus  # noqa: E402


BASELINES = ("plain", "plain-nosearch", "plain-alabaster")


def warnings_in(output: str) -> int:
    return sum("WARNING" in line or "ERROR" in line for line in output.splitlines())


def bench_size(size: int, reps: int, work: Path, jobs: int | None, arms: list[str], keep: bool, seed: int,
               shape: str = "none") -> dict:
    content = work / (f"corpus-{size}" if shape == "none" else f"corpus-{size}-{shape}") / "content"
    corpus = ensure_corpus(content, size, seed, shape)
    confs = {"plain": write_baseline_conf(work / "baseline-conf"),
             "plain-nosearch": write_baseline_conf(work / "baseline-conf-nosearch", search=False),
             "plain-alabaster": write_baseline_conf(work / "baseline-conf-alabaster", alabaster=True)}
    check = run_timed("kb check", [sys.executable, "-m", "knowledgebase", "check", "--content", str(content)])
    if check.returncode != 0:
        raise SystemExit(f"the generated corpus does not pass kb check:\n{check.output[-3000:]}")
    runs: dict[str, list[dict]] = {arm: [] for arm in arms}
    for rep in range(reps):
        order = arms if rep % 2 == 0 else list(reversed(arms))
        for arm in order:
            out = work / "runs" / f"{size}-{shape}" / f"{arm}-{rep}" / "html"
            if out.parent.exists():
                shutil.rmtree(out.parent)
            out.parent.mkdir(parents=True)
            if arm == "kb":
                command = kb_build_command(content, out, jobs)
            else:
                command = sphinx_build_command(content, confs[arm], out, jobs)
            run = run_timed(arm, command)
            if run.returncode != 0 or not (out / "index.html").is_file():
                raise SystemExit(f"{arm} build failed at {size} articles:\n{run.output[-5000:]}")
            record = run.summary() | {"rep": rep, "warnings": warnings_in(run.output),
                                      "load_1min_after": round(os.getloadavg()[0], 2)}
            runs[arm].append(record)
            log(f"  {size:>6} articles  rep {rep + 1}/{reps}  {arm:<15} {run.seconds:8.1f} s wall "
                f"{run.cpu_seconds:8.1f} s cpu  {run.max_rss_mb:7.0f} MB  {record['warnings']} warning line(s)")
            if not keep:
                shutil.rmtree(out.parent)
    result = {"articles": size, "shape": shape, "corpus": corpus, "kb_check_seconds": check.seconds, "runs": runs}
    for arm in arms:
        result[f"{arm}_median_s"] = round(median([r["seconds"] for r in runs[arm]]), 2)
        result[f"{arm}_median_cpu_s"] = round(median([r["cpu_seconds"] for r in runs[arm]]), 2)
        result[f"{arm}_max_rss_mb"] = max(r["max_rss_mb"] for r in runs[arm])
    for arm in arms:
        if arm == "kb":
            continue
        ratios = [k["seconds"] / p["seconds"] for k, p in zip(runs["kb"], runs[arm])]
        cpu_ratios = [k["cpu_seconds"] / p["cpu_seconds"] for k, p in zip(runs["kb"], runs[arm])]
        result[f"ratio_vs_{arm}"] = round(median(ratios), 3)
        result[f"ratios_vs_{arm}"] = [round(r, 3) for r in ratios]
        result[f"cpu_ratio_vs_{arm}"] = round(median(cpu_ratios), 3)
        result[f"memory_ratio_vs_{arm}"] = round(result["kb_max_rss_mb"] / result[f"{arm}_max_rss_mb"], 3)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000], help="numbers of articles")
    parser.add_argument("--reps", type=int, default=3, help="build pairs per size")
    parser.add_argument("--jobs", "-j", type=int, default=None, help="pass -j N to both builds")
    parser.add_argument("--baselines", nargs="+", choices=BASELINES, default=["plain"],
                        help="what kb build is compared with: plain (the project's conf.py and theme without the "
                             "extension), plain-nosearch (the same without Sphinx's search index), plain-alabaster "
                             "(plain Sphinx + MyST, default theme, no sidebars)")
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=["none"],
                        help="the toctrees the corpus has (generate_corpus.py --shape); each size is built per shape")
    parser.add_argument("--max-pair-seconds", type=float, default=360,
                        help="skip the larger sizes once a build pair takes longer than this")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="where corpora and builds go")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for build.json")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the built sites")
    parser.add_argument("--name", default="build", help="results file name (default build: build.json)")
    args = parser.parse_args(argv)
    arms = ["kb", *args.baselines]
    baseline = args.baselines[0]
    sizes, skipped = [], []
    for shape in args.shapes:
        done: list[dict] = []
        for size in args.sizes:
            if done and (done[-1]["kb_median_s"] + done[-1][f"{baseline}_median_s"]) > args.max_pair_seconds:
                skipped.append({"articles": size, "shape": shape})
                log(f"skipping {size} articles ({shape}): the previous build pair took over "
                    f"{args.max_pair_seconds:.0f} s")
                continue
            log(f"{size} articles, toctrees: {shape}")
            done.append(bench_size(size, args.reps, args.work, args.jobs, arms, args.keep, args.seed, shape))
            sizes.append(done[-1])
            last = done[-1]
            log("  median: " + ", ".join(f"{arm} {last[f'{arm}_median_s']} s" for arm in arms) + "; "
                + ", ".join(f"kb/{arm} {last[f'ratio_vs_{arm}']} (per pair: {last[f'ratios_vs_{arm}']}), "
                            f"peak memory {last[f'memory_ratio_vs_{arm}']}" for arm in arms if arm != "kb"))
            save_result(args.name, {"reps": args.reps, "jobs": args.jobs, "sizes": sizes, "skipped": skipped},
                        args.results, argv)
        for entry in done[1:]:
            entry["kb_growth"] = round(entry["kb_median_s"] / done[0]["kb_median_s"], 2)
            entry[f"{baseline}_growth"] = round(entry[f"{baseline}_median_s"] / done[0][f"{baseline}_median_s"], 2)
            entry["kb_memory_growth"] = round(entry["kb_max_rss_mb"] / done[0]["kb_max_rss_mb"], 2)
            entry[f"{baseline}_memory_growth"] = round(entry[f"{baseline}_max_rss_mb"]
                                                       / done[0][f"{baseline}_max_rss_mb"], 2)
            log(f"{entry['articles']} articles ({shape}): kb takes {entry['kb_growth']}x the "
                f"{done[0]['articles']}-article time ({baseline}: {entry[f'{baseline}_growth']}x) and "
                f"{entry['kb_memory_growth']}x its peak memory ({baseline}: {entry[f'{baseline}_memory_growth']}x)")
    path = save_result(args.name, {"reps": args.reps, "jobs": args.jobs, "sizes": sizes, "skipped": skipped},
                       args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
