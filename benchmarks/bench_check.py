"""``kb check`` on a large corpus, as a contributor runs it: cold, with its cache, and ``--changed``.

    nice python benchmarks/bench_check.py --articles 10000 --reps 5

Every run is a fresh process of the project's ``<venv>/bin/kb`` called by its
absolute path, with the virtual environment not activated, from a folder
outside the repository, with ``--content DIR``; the time is the whole command
(start-up, imports, loading, validating, printing), median of ``--reps`` runs.
In one run, side by side:

* cold: ``kb check --no-cache`` (every file read and parsed);
* warm: ``kb check`` with the per-file cache already up to date (the run that
  fills it is timed separately);
* ``--changed``: one article edited (a different unknown concept each time, so
  the check has an error to find) and ``kb check --changed``, the cache warm
  but for that file. Its diagnostics are compared with those a full
  ``--no-cache`` check gives for that file.

The corpus is copied into its own git repository for ``--changed``; the cache
goes to a folder of its own (``KB_CACHE_DIR``), and so does Python's bytecode
(``PYTHONPYCACHEPREFIX``), as an installed ``kb`` keeps it beside its sources: a
shell that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise have every run
compile the engine afresh (about 0.06 s), which no contributor pays. A separate
run checks that ``kb check`` never imports Sphinx. Writes
``<results>/check.json``.

This machine's speed drifts, so ``--compare-with REF`` also times the engine
of an older commit on the same corpus (``git archive REF knowledgebase``, run
with ``python -m knowledgebase check`` and that folder first on
``PYTHONPATH``), alternating with the cold runs: the ratio of each pair says
what the code changed, whatever the machine was doing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DEFAULT_WORK, REPO, RESULTS, log, median, run_timed, save_result  # noqa: E402
from generate_corpus import ensure_corpus  # noqa: E402

PROBE = """
import json, sys, time
start = time.perf_counter()
from knowledgebase.cli import main
import contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["check", "--no-cache", "--content", sys.argv[1]])
print(json.dumps({"code": code, "seconds": time.perf_counter() - start,
                  "sphinx_imported": any(m == "sphinx" or m.startswith("sphinx.") for m in sys.modules)}))
"""
SETTLE_SECONDS = 2.5   # files younger than the cache's settling time are hashed, not trusted by their stamp


def kb_executable() -> Path:
    """The console script of the environment running this benchmark."""
    script = Path(sys.executable).parent / "kb"
    if not script.exists():
        raise SystemExit(f"no kb console script beside {sys.executable}; install the project into that environment")
    return script


def prepare(corpus_content: Path, work: Path) -> Path:
    """A copy of the corpus in a git repository of its own; returns its content folder."""
    repository = work / "repository"
    if repository.exists():
        shutil.rmtree(repository)
    shutil.copytree(corpus_content, repository / "content")
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
    for command in (["init", "-q"], ["add", "content"], ["commit", "-qm", "corpus"]):
        subprocess.run([*git, *command], cwd=repository, check=True, capture_output=True)
    return repository / "content"


def timed(label: str, kb: Path, arguments: list[str], cwd: Path, env: dict, allowed=(0,)):
    run = run_timed(label, [str(kb), "check", *arguments], cwd=cwd, env=env)
    if run.returncode not in allowed:
        raise SystemExit(f"{label}: kb check exited {run.returncode}:\n{run.output[-3000:]}")
    log(f"  {label}: {run.seconds:.2f} s wall, {run.cpu_seconds:.2f} s cpu, {run.max_rss_mb:.0f} MB"
        f"  | {run.output.strip().splitlines()[-1]}")
    return run


def series(runs: list) -> dict:
    return {"runs": [r.summary() for r in runs], "median_s": round(median([r.seconds for r in runs]), 3),
            "median_cpu_s": round(median([r.cpu_seconds for r in runs]), 3),
            "max_rss_mb": max(r.max_rss_mb for r in runs)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=10000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--compare-with", metavar="REF", help="also time this commit's engine, cold, in alternation")
    args = parser.parse_args(argv)
    kb = kb_executable()
    corpus = ensure_corpus(args.work / f"corpus-{args.articles}" / "content", args.articles, args.seed)
    work = args.work / f"check-{args.articles}"
    content = prepare(args.work / f"corpus-{args.articles}" / "content", work)
    elsewhere = work / "elsewhere"   # the command runs from a folder that is neither the repository nor the venv
    elsewhere.mkdir(exist_ok=True)
    cache = work / "cache"
    shutil.rmtree(cache, ignore_errors=True)
    venv_bin = str(kb.parent)
    os.environ.pop("VIRTUAL_ENV", None)
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    bytecode = work / "pycache"
    env = {"KB_CACHE_DIR": str(cache), "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(bytecode),
           "PATH": os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)}
    target = str(content)
    time.sleep(SETTLE_SECONDS)

    older = None
    if args.compare_with:
        older = work / "older"
        shutil.rmtree(older, ignore_errors=True)
        older.mkdir()
        commit = subprocess.run(["git", "rev-parse", args.compare_with], cwd=REPO, check=True,
                                capture_output=True, text=True).stdout.strip()
        archive = subprocess.run(["git", "archive", commit, "knowledgebase"], cwd=REPO,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(older)], input=archive, check=True)
    cold, before = [], []
    for i in range(args.reps):
        cold.append(timed(f"cold (--no-cache), rep {i + 1}", kb, ["--no-cache", "--content", target], elsewhere, env))
        if older is not None:
            run = run_timed("older", [sys.executable, "-m", "knowledgebase", "check", "--content", target],
                            cwd=elsewhere, env={**env, "PYTHONPATH": str(older)})
            if run.output != cold[0].output:
                raise SystemExit(f"the engine of {args.compare_with} printed something else:\n{run.output[-3000:]}")
            before.append(run)
            log(f"  {args.compare_with} (cold), rep {i + 1}: {run.seconds:.2f} s wall, {run.cpu_seconds:.2f} s cpu")
    filling = timed("first run with the cache (fills it)", kb, ["--content", target], elsewhere, env)
    warm = [timed(f"warm (cache up to date), rep {i + 1}", kb, ["--content", target], elsewhere, env)
            for i in range(args.reps)]
    if any(run.output != cold[0].output for run in [*cold, filling, *warm]):
        raise SystemExit("kb check printed something different with its cache than without")

    articles = sorted((content / "articles").glob("*.md"))
    edited = articles[len(articles) // 2]
    original = edited.read_bytes()
    changed, exact = [], []
    try:
        for rep in range(args.reps):
            edited.write_bytes(original + f"\nSee also {{concept}}`no-such-concept-{rep}`.\n".encode())
            changed.append(timed(f"--changed, one article edited, rep {rep + 1}", kb,
                                 ["--changed", "--format", "json", "--content", target], elsewhere, env,
                                 allowed=(1,)))
            full = run_timed("full", [str(kb), "check", "--no-cache", "--format", "json", "--content", target],
                             cwd=elsewhere, env=env)
            shown = str(Path(os.path.relpath(edited, elsewhere)).as_posix())
            expected = [d for d in json.loads(full.output)["diagnostics"] if d["path"] == shown]
            got = json.loads(changed[-1].output)["diagnostics"]
            exact.append(bool(expected) and got == expected)
    finally:
        edited.write_bytes(original)
    if not all(exact):
        raise SystemExit("kb check --changed did not report exactly the full check's diagnostics for the file")

    probe = run_timed("probe", [sys.executable, "-c", PROBE, target], cwd=elsewhere, env=env)
    details = json.loads(probe.output.strip().splitlines()[-1])
    result = {
        "articles": args.articles, "corpus": corpus, "kb": str(kb), "cwd": "a folder outside the repository",
        "cold": series(cold), "first_with_cache": series([filling]), "warm": series(warm),
        "changed": {**series(changed), "edited": edited.relative_to(content).as_posix(),
                    "same_diagnostics_as_full_check": all(exact)},
        "compared_with": None if older is None else {
            "ref": args.compare_with, "commit": commit, **series(before),
            "ratios": [round(new.seconds / old.seconds, 3) for new, old in zip(cold, before)],
            "median_ratio": round(median([new.seconds / old.seconds for new, old in zip(cold, before)]), 3)},
        "cache_mb": round(sum(f.stat().st_size for f in cache.rglob("*") if f.is_file()) / 2**20, 1),
        "cache_files_mb": {f.name: round(f.stat().st_size / 2**20, 1) for f in sorted(cache.rglob("*.json"))},
        "bytecode": "kept between runs in the work folder (PYTHONPYCACHEPREFIX)",
        # kept under these names for the report's history
        "runs": [r.summary() for r in cold], "median_s": round(median([r.seconds for r in cold]), 2),
        "max_rss_mb": max(r.max_rss_mb for r in cold),
        "sphinx_imported": details["sphinx_imported"],
        "summary_line": cold[0].output.strip().splitlines()[-1],
    }
    log(f"median: cold {result['cold']['median_s']} s, warm {result['warm']['median_s']} s, "
        f"--changed {result['changed']['median_s']} s; Sphinx imported: {details['sphinx_imported']}")
    path = save_result("check", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0 if not details["sphinx_imported"] else 1


if __name__ == "__main__":
    sys.exit(main())
