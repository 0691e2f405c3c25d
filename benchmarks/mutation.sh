#!/usr/bin/env bash
# Mutation testing with mutmut: does the test suite notice a deliberate bug?
#
#   benchmarks/mutation.sh engine        # knowledgebase/linking.py, graph.py, views.py
#   benchmarks/mutation.sh incremental   # knowledgebase/sphinxext/incremental.py, corpus.py, domain.py
#   benchmarks/mutation.sh engine "knowledgebase.graph*"   # only some mutants (mutmut name globs)
#
# Each scope runs in its own copy of the working tree under build/mutation/<scope>/
# (so mutmut's mutants/ folder never lands in the repository, and a second run
# only retests what changed), with a test selection fast enough for a 2-core
# machine. At the end it prints every surviving mutant; `mutmut show NAME`, run
# in that folder, prints one. See docs/testing.md for the last scores and for
# the survivors that are explained rather than killed.
#
# Needs the dev extra: python -m pip install -e ".[dev]". PYTHON picks the
# interpreter (default: python), MUTATION_CHILDREN the number of workers (default 2).
set -euo pipefail

scope="${1:-}"
shift || true
repo="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-python}"
children="${MUTATION_CHILDREN:-2}"

case "$scope" in
  engine)
    files='"knowledgebase/linking.py", "knowledgebase/graph.py", "knowledgebase/views.py"'
    tests='"tests/test_graph.py", "tests/test_diagnostics.py", "tests/test_paths.py", "tests/test_hostile.py", "tests/test_site.py"'
    ;;
  incremental)
    files='"knowledgebase/sphinxext/incremental.py", "knowledgebase/sphinxext/corpus.py", "knowledgebase/sphinxext/domain.py"'
    # test_hostile.py builds a corpus with unreadable files (load_corpus excludes them from Sphinx).
    # The differential test keeps its default size: one example of six steps let mutants that
    # drop role targets from the fingerprint survive.
    tests='"tests/test_incremental.py", "tests/test_hostile.py", "tests/test_differential_builds.py"'
    ;;
  *)
    echo "usage: benchmarks/mutation.sh engine|incremental [mutant name glob...]" >&2
    exit 2
    ;;
esac

work="$repo/build/mutation/$scope"
mkdir -p "$work"
# A fresh copy of the working tree (tracked and new files), keeping mutmut's cache in mutants/.
find "$work" -mindepth 1 -maxdepth 1 ! -name mutants -exec rm -rf {} +
git -C "$repo" ls-files -z --cached --others --exclude-standard \
  | (cd "$repo" && tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$work"
cat >> "$work/pyproject.toml" <<EOF

[tool.mutmut]
source_paths = ["knowledgebase/"]
only_mutate = [$files]
pytest_add_cli_args_test_selection = [$tests]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "-x"]
also_copy = ["conf.py"]
EOF

cd "$work"
"$python" -m mutmut run --max-children "$children" "$@"
echo
echo "Surviving mutants (mutmut show NAME, in $work, prints one):"
"$python" -m mutmut results
