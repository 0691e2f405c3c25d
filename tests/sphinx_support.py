"""Building small test sites with the project's real conf.py and extension."""

from __future__ import annotations

import io
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"


@dataclass
class Site:
    srcdir: Path
    outdir: Path
    status: str
    warnings: str

    def html(self, page: str) -> str:
        return (self.outdir / f"{page}.html").read_text(encoding="utf-8")

    def soup(self, page: str) -> BeautifulSoup:
        return BeautifulSoup(self.html(page), "html.parser")

    def written(self) -> set[str]:
        """Documents this build wrote, from Sphinx's 'writing output... docname' lines."""
        pages = set()
        for line in re.sub(r"\x1b\[[0-9;]*m", "", self.status).splitlines():
            if "writing output..." in line and "]" in line:
                pages.add(line.rsplit("]", 1)[1].strip().split()[0])
        return pages


def copy_root(name: str, destination: Path) -> Path:
    srcdir = destination / "src"
    shutil.copytree(ROOTS / name, srcdir)
    shutil.copy(REPO / "conf.py", srcdir / "conf.py")
    return srcdir


def build(srcdir: Path, *, parallel: int = 0, outdir: Path | None = None, confoverrides: dict | None = None) -> Site:
    """Build ``srcdir`` (incrementally, if it was built before into the same place)."""
    builddir = srcdir.parent / "build"
    status, warning = io.StringIO(), io.StringIO()
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir, status=status, warning=warning,
                        parallel=parallel, confoverrides=confoverrides or {})
    try:
        app.build()
    finally:
        app.cleanup()
    return Site(srcdir, Path(app.outdir), status.getvalue(), warning.getvalue())


def built_root(name: str, destination: Path) -> Path:
    """A copy of a test root, built once: the starting point of tests of what a rebuild does."""
    srcdir = copy_root(name, destination)
    build(srcdir)
    return srcdir


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` with ``new`` in a file, as a contributor's edit; ``old`` must be there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
