#!/bin/sh
# Every benchmark, one after another, at the sizes docs/performance.md reports; then the report.
# About an hour on a two-core machine. Run from the repository root: sh benchmarks/run_all.sh
set -e
N="nice -n 10"
$N python benchmarks/bench_build.py --sizes 1000 2000 5000 --reps 3
$N python benchmarks/bench_build.py --sizes 1000 --reps 5 --name build-1000-repeat
$N python benchmarks/bench_incremental.py --articles 1000 --verify
$N python benchmarks/bench_incremental.py --articles 5000
$N python benchmarks/bench_edit_loop.py --articles 1000 --reps 5
$N python benchmarks/bench_edit_loop.py --articles 5000 --reps 5
$N python benchmarks/profile_build.py --articles 1000
$N python benchmarks/bench_parallel.py --articles 1000 --reps 2
$N python benchmarks/bench_check.py --articles 10000 --reps 3
$N python benchmarks/bench_sizes.py --articles 5000
python benchmarks/report.py
