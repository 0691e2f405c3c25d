"""The benchmark scripts work: each runs on a tiny corpus (30 articles, one repetition) and writes its results.

Only that they run and report is checked here; the numbers themselves are for
``docs/performance.md`` (see ``benchmarks/README.md``), never asserted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pytest

# Smoke runs of every benchmark script: part of the README's test command (and so of CI); deselect them
# for a quicker run while working with `python -m pytest -m "not benchmark"`.
pytestmark = pytest.mark.benchmark

REPO = Path(__file__).resolve().parent.parent
BENCHMARKS = REPO / "benchmarks"
ARTICLES = 30


def run_script(name: str, *arguments: str) -> subprocess.CompletedProcess:
    completed = subprocess.run([sys.executable, str(BENCHMARKS / name), *arguments], cwd=REPO,
                               capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, f"{name} failed:\n{completed.stdout}\n{completed.stderr}"
    return completed


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """A work folder with a generated corpus, and an empty results folder, shared by the scripts."""
    root = tmp_path_factory.mktemp("bench")
    work, results = root / "work", root / "results"
    run_script("generate_corpus.py", "--articles", str(ARTICLES), "--out", str(work / f"corpus-{ARTICLES}" / "content"))
    return work, results


def common(bench) -> list[str]:
    work, results = bench
    return ["--work", str(work), "--results", str(results)]


def result(bench, name: str) -> dict:
    data = json.loads((bench[1] / f"{name}.json").read_text(encoding="utf-8"))
    assert data["command"].startswith("python benchmarks/")
    assert data["machine"]["nproc"] >= 1 and data["date"]
    return data


def test_generated_corpus_is_deterministic_and_passes_kb_check(tmp_path):
    first, second = tmp_path / "a" / "content", tmp_path / "b" / "content"
    completed = run_script("generate_corpus.py", "--articles", str(ARTICLES), "--out", str(first), "--check")
    assert "0 error(s), 0 warning(s)" in completed.stdout
    run_script("generate_corpus.py", "--articles", str(ARTICLES), "--out", str(second))
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert len([f for f in files if f.parts[0] == "articles"]) == ARTICLES
    assert {"index.md", "sources.yaml", "articles.md"} <= {f.name for f in files}
    assert any(f.parts[0] == "paths" for f in files) and any(f.parts[0] == "concepts" for f in files)
    for f in files:
        assert (first / f).read_bytes() == (second / f).read_bytes(), f


def test_build_benchmark(bench):
    run_script("bench_build.py", "--sizes", str(ARTICLES), "--reps", "1", *common(bench))
    (size,) = result(bench, "build")["sizes"]
    assert size["articles"] == ARTICLES
    assert size["kb_median_s"] > 0 and size["plain_median_s"] > 0 and size["ratio_vs_plain"] > 0
    assert size["runs"]["kb"][0]["warnings"] == 0 and size["runs"]["plain"][0]["warnings"] == 0


def test_build_benchmark_builds_each_toctree_shape_against_plain_sphinx_with_alabaster(bench):
    run_script("bench_build.py", "--sizes", str(ARTICLES), "--reps", "1", "--shapes", "glob-home", "page-toctrees",
               "--baselines", "plain-alabaster", "--name", "shapes", *common(bench))
    sizes = result(bench, "shapes")["sizes"]
    assert [s["shape"] for s in sizes] == ["glob-home", "page-toctrees"]
    for size in sizes:
        assert size["ratio_vs_plain-alabaster"] > 0
        assert size["runs"]["kb"][0]["warnings"] == 0 and size["runs"]["plain-alabaster"][0]["warnings"] == 0


def test_incremental_benchmark(bench):
    run_script("bench_incremental.py", "--articles", str(ARTICLES), "--verify", *common(bench))
    data = result(bench, f"incremental-{ARTICLES}")
    scenarios = data["scenarios"]
    assert scenarios["no-edit"]["written_count"] == 0
    assert data["article"].removeprefix("articles/") in " ".join(scenarios["body-word"]["written"])
    assert scenarios["concepts"]["written_count"] >= 1
    assert data["verify"]["stale_count"] == 0, data["verify"]["stale"]


def test_edit_loop_benchmark_times_edits_through_kb_serve(bench):
    run_script("bench_edit_loop.py", "--articles", str(ARTICLES), "--reps", "1", *common(bench))
    data = result(bench, f"edit-loop-{ARTICLES}")
    assert data["body_word"]["html_on_disk_median"] > 0 and data["body_word"]["rebuild_done_median"] > 0
    assert data["save_without_edit"]["seconds"] > 0
    assert data["concepts"]["gained"] and data["fresh_process_body_word"]["seconds"] > 0
    plain = data["plain_sphinx_warm"]  # the floor, measured beside kb serve on the same edit
    assert plain["body_word_median"] > 0 and plain["ratio_median"] > 0
    assert data["body_word"]["runs"][0]["plain_sphinx_warm"] == plain["body_word_median"]


def test_check_benchmark(bench):
    run_script("bench_check.py", "--articles", str(ARTICLES), "--reps", "1", *common(bench))
    data = result(bench, "check")
    assert data["sphinx_imported"] is False and data["median_s"] > 0
    assert data["warm"]["median_s"] > 0 and data["changed"]["same_diagnostics_as_full_check"] is True


def test_sizes_benchmark(bench):
    run_script("bench_sizes.py", "--articles", str(ARTICLES), *common(bench))
    data = result(bench, f"sizes-{ARTICLES}")
    assert data["article_pages"]["count"] == ARTICLES and data["article_pages"]["median_kb"] > 0
    assert data["search"]["files"]["meta.json"]["kb"] > 0 and data["build"]["max_rss_mb"] > 0


def test_parallel_benchmark(bench):
    run_script("bench_parallel.py", "--articles", str(ARTICLES), "--reps", "1", *common(bench))
    data = result(bench, "parallel")
    assert data["files_compared"] > ARTICLES and data["identical"] is True, data["differing"]


def test_profile_script(bench):
    run_script("profile_build.py", "--articles", str(ARTICLES), "--top", "10", *common(bench))
    data = result(bench, f"profile-{ARTICLES}")
    assert any("knowledgebase/" in row["function"] for row in data["top_knowledgebase"])


def test_report_writes_the_document_and_a_valid_svg(bench, tmp_path):
    # Runs last in this module: it needs the results the tests above wrote.
    for name in ("build", f"incremental-{ARTICLES}", "check", f"sizes-{ARTICLES}", "parallel", f"profile-{ARTICLES}"):
        if not (bench[1] / f"{name}.json").is_file():
            pytest.skip(f"{name}.json missing: run the whole module")
    doc = tmp_path / "performance.md"
    run_script("report.py", "--results", str(bench[1]), "--doc", str(doc))
    text = doc.read_text(encoding="utf-8")
    for heading in ("## Targets", "## Full builds", "## Parallel builds", "## Incremental builds", "## `kb check`",
                    "## Page sizes and search download", "## Profile"):
        assert heading in text
    svg = ElementTree.parse(bench[1] / "build-time.svg").getroot()
    assert svg.tag.endswith("svg")
