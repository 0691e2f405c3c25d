"""What reading packs cost a full build: time writing article fragments and path pack pages, and disk.

    python benchmarks/bench_pack.py --articles 1000

Generates the synthetic corpus (generate_corpus.py), builds it once in this process with the
two print steps timed (they are wrapped before the extension connects them), and prints the
time in each against the whole build, and the size of ``_kb/pack/`` and ``paths/pack/``
against the article pages and the whole site.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_corpus import main as generate


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args(argv)
    from knowledgebase.cli import main as kb
    from knowledgebase.sphinxext.html import printing

    spent = {"fragments": 0.0, "path packs": 0.0}

    def timed(name, function):
        def wrapper(*a, **k):
            start = time.perf_counter()
            try:
                return function(*a, **k)
            finally:
                spent[name] += time.perf_counter() - start
        return wrapper

    printing.write_article_fragment = timed("fragments", printing.write_article_fragment)
    printing.path_pack_body = timed("path packs", printing.path_pack_body)
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "html"
        assert generate(["--articles", str(args.articles), "--out", str(content)]) == 0
        start, cpu = time.perf_counter(), time.process_time()
        assert kb(["build", "--content", str(content), "--out", str(out), "-q"]) == 0
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        fragments, packs = folder_bytes(out / "_kb" / "pack"), folder_bytes(out / "paths" / "pack")
        articles, site = folder_bytes(out / "articles"), folder_bytes(out)
        count = len(list((out / "_kb" / "pack").glob("*.js")))
    print(f"{args.articles} articles: full build {wall:.1f} s wall, {cpu:.1f} s CPU (this process)")
    for name, seconds in spent.items():
        print(f"  {name}: {seconds:.2f} s ({100 * seconds / cpu:.1f}% of the CPU time)")
    print(f"  fragments: {count} files, {fragments / 1e6:.1f} MB (article pages {articles / 1e6:.1f} MB; "
          f"whole site {site / 1e6:.1f} MB, of which fragments {100 * fragments / site:.0f}%)")
    print(f"  path pack pages: {packs / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
