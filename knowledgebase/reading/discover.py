"""Finding the files of a content folder, and naming them in diagnostics as the user would type them.

Record folders (``articles/``, ``concepts/``...) hold one record per ``<id>.md``;
every other Markdown file is a hand-made page. A linked folder is never
followed (KB016), a file linking outside the folder is refused (KB013), and a
page named like one the site makes itself is refused (KB017).
"""

from __future__ import annotations

import os
import posixpath
from functools import lru_cache
from pathlib import Path

from .. import schema as s
from ..diagnostics import Diagnostic, make
from ..sitepages import generated_page_named


def relative(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def displayed(path: Path, root: Path) -> str:
    """How a file is named in diagnostics: as the user would type it from where they stand."""
    try:
        return posixpath.join(root_display(str(root)), path.relative_to(root).as_posix())
    except ValueError:
        return os.path.relpath(path)


@lru_cache(maxsize=8)
def root_display(root: str) -> str:
    return Path(os.path.relpath(root)).as_posix()


def shown_path(rel: str, root: Path) -> str:
    """`displayed` of the file ``rel`` (relative to ``root``), without touching the file system."""
    return _root_prefix(str(root)) + rel


@lru_cache(maxsize=8)
def _root_prefix(root: str) -> str:
    return posixpath.join(root_display(root), "")


def discover_records(folder: Path, real_root: Path, root: Path, diagnostics: list[Diagnostic],
                     links: set[str] | None = None) -> list[str]:
    """The names of the files of a record folder that may be records; those that are links also go into ``links``."""
    if not folder.is_dir():
        return []
    found: list[str] = []
    with os.scandir(folder) as listing:
        entries = sorted((entry for entry in listing if entry.name.endswith(".md")), key=lambda entry: entry.name)
    slug_stems = {entry.name[:-3] for entry in entries if s.SLUG.match(entry.name[:-3])}
    folder_inside = folder.resolve().is_relative_to(real_root)
    for entry in entries:
        name = entry.name
        linked = entry.is_symlink()
        # Only a link (or a linked folder) can lead outside; resolving every file would cost a syscall each.
        if (not folder_inside or linked) and not (folder / name).resolve().is_relative_to(real_root):
            diagnostics.append(make("KB013", shown_path(f"{folder.name}/{name}", root), 1,
                                    "this file is a link to a place outside the content folder",
                                    "replace the link with a real file inside content/"))
            continue
        if not entry.is_file():
            continue
        stem = name[:-3]
        if stem != stem.lower() and stem.lower() in slug_stems:
            diagnostics.append(make("KB012", shown_path(f"{folder.name}/{name}", root), 1,
                                    f"`{name}` differs from `{stem.lower()}.md` only in case",
                                    "keep one of them; ids are lower case"))
            continue
        if stem not in slug_stems:
            diagnostics.append(make("KB011", shown_path(f"{folder.name}/{name}", root), 1,
                                    f"`{name}` is not a valid file name for an id",
                                    f"rename it to `{s.slugify(stem) or 'my-id'}.md`"))
            continue
        found.append(name)
        if linked and links is not None:
            links.add(name)
    return found


def other_pages(root: Path, real_root: Path, diagnostics: list[Diagnostic]) -> list[Path]:
    """Every other Markdown file Sphinx would publish: the home page, list pages, and any in other folders."""
    found = []
    for folder, subfolders, files in os.walk(root):
        here = Path(folder)
        subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and d != "_build")
        for name in [d for d in subfolders if (here / d).is_symlink()]:
            # A linked folder may lead anywhere, or back into the content folder without end.
            diagnostics.append(make("KB016", displayed(here / name, root), 1, "this folder is a link; the site never "
                                    "follows a linked folder, so nothing in it is checked or published",
                                    "replace the link with a real folder holding the files"))
            subfolders.remove(name)
        in_records = here != root and here.parent == root and here.name in s.RECORD_FOLDERS.values()
        for name in sorted(files):
            if not name.endswith(".md") or name.startswith(".") or in_records or (here == root and name == "README.md"):
                continue
            file = here / name
            if not file.resolve().is_relative_to(real_root):
                diagnostics.append(make("KB013", displayed(file, root), 1, "this file is a link to a place outside "
                                        "the content folder", "replace the link with a real file inside content/"))
                continue
            generated = generated_page_named(relative(file, root)[:-3])
            if generated is not None:
                diagnostics.append(make("KB017", displayed(file, root), 1, f"the site publishes {generated} under "
                                        "this name, which would replace this page", "rename the file"))
                continue
            found.append(file)
    return found
