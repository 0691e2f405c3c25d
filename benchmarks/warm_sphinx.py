"""Plain Sphinx + MyST kept warm in one process: the floor under ``kb serve``'s edit loop.

``bench_edit_loop.py`` runs this beside ``kb serve``, on its own copy of the same corpus,
with the baseline configuration (the project's ``conf.py`` and theme without the extension and
without Sphinx's search index, which the extension replaces with its own). It builds once and
prints ``ready <seconds>``; then each line ``build`` on its input rebuilds what changed, as
``kb serve`` does, and prints ``built <seconds>``. What Sphinx itself does for one edited file
(find and stat every document, read the file, pickle the environment, write the page) is then
measured side by side with ``kb serve``'s whole rebuild, so their ratio does not drift with the
machine.

    python benchmarks/warm_sphinx.py CONTENT CONF OUT
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from sphinx.application import Sphinx


def main(argv: list[str]) -> int:
    content, conf, out = (Path(a) for a in argv)
    started = time.perf_counter()
    app = Sphinx(str(content), str(conf), str(out), str(out.parent / f".doctrees-{out.name}"), "html",
                 status=None, warning=None, freshenv=True)
    app.build(False, [])
    print(f"ready {time.perf_counter() - started:.3f}", flush=True)
    for line in sys.stdin:
        if line.strip() != "build":
            continue
        started = time.perf_counter()
        app.build(False, [])
        print(f"built {time.perf_counter() - started:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
