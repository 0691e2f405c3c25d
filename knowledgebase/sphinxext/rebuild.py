"""Rebuilds in a long-lived process: the edit loop behind ``kb serve``.

A one-off ``sphinx-build`` starts from nothing each time: it imports Sphinx,
unpickles the environment, loads and checks the whole corpus, scores every
related list and fingerprints every page before it can write the one page that
changed. :class:`WarmBuilder` keeps one Sphinx application, its environment and
the extension's data (:class:`.state.WarmState`) alive between builds, so a
rebuild pays for what changed:

* the corpus is loaded again, reading only the files that changed
  (:class:`knowledgebase.reuse.filecache.LoadCache`), and when no record's published data changed
  (a body edit), the concept graph and the views of the last build are kept;
  otherwise related lists and views whose inputs are unchanged are taken from them;
* only the pages read again are fingerprinted (:func:`.incremental.pages_with_changed_data`);
* the search index takes out and puts back the postings of the pages whose entries
  changed, and writes only the files that changed (:class:`knowledgebase.search.index.SearchIndex`).

Each rebuild is Sphinx's own incremental build (``Sphinx.build``), so what it
writes is what a fresh ``sphinx-build`` would write; the tests hold both to the
same HTML after every kind of edit.
"""

from __future__ import annotations

import gc
import hashlib
import sys
import time
import traceback
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from docutils.parsers.rst import directives, roles
from sphinx.application import Sphinx
from sphinx.builders.html import _assets as html_assets
from sphinx.util.docutils import (
    additional_nodes,
    docutils_namespace,
    patch_docutils,
    register_node,
)

from ..reuse.filecache import LoadCache
from .corpus import reload_corpus
from .state import WarmApplication, WarmState

FOLDER = "a folder"  # never the digest of a file, so a change to a folder always builds


class WarmBuilder:
    """One Sphinx application, kept warm between incremental HTML builds of a source folder."""

    def __init__(self, srcdir: Path, confdir: Path, outdir: Path, doctreedir: Path,
                 status: TextIO | None = sys.stdout, warning: TextIO | None = sys.stderr,
                 owns_process: bool = False):
        """``owns_process``: the builder is what its process is for (``kb serve``), so it may steer the
        process's cycle collector; a builder inside another program (a test) leaves it alone."""
        self.srcdir, self.confdir, self.outdir, self.doctreedir = srcdir, confdir, outdir, doctreedir
        self.status, self.warning = status, warning
        self.owns_process = owns_process
        self.app: Sphinx | None = None
        self.load_cache = LoadCache()  # outlives an application made again after a change to conf.py
        self._registered: tuple[dict, dict, set] = ({}, {}, set())
        self._contents: dict[Path, str | None] = {}   # every source file's digest, as of the last good build

    def build(self, changed: Iterable[Path] = ()) -> int:
        """Build what changed since the last build; 0 on success, 1 when the build failed.

        ``changed`` names the files the watcher saw change. When none of them holds other bytes
        than at the last good build (a save without an edit, a file touched), there is nothing
        to build: the site on disk is already what a build would write. A change to ``conf.py``,
        or a failed build, starts a new application: settings are read once per application,
        and after an exception the application's state cannot be trusted.
        """
        started = time.perf_counter()
        conf = (self.confdir / "conf.py").resolve()
        changed = [Path(path).resolve() for path in changed]
        if (self.app is not None and changed and conf not in changed
                and all(_digest(path) == self._contents.get(path) for path in changed)):
            if self.status is not None:
                self.status.write("kb serve: nothing changed\n")
            return 0
        app = self.app
        fresh = app is None or conf in changed
        try:
            if fresh or app is None:
                if self.owns_process:
                    gc.unfreeze()  # the last application's objects may be collected again
                    gc.enable()    # a first build reads every page: it runs with the collector
                app = self.app = self._new_app()
            else:
                reload_corpus(app)
            _forget_stale_caches(app)
            if self.owns_process and not fresh:
                # A rebuild makes little cyclic garbage, but allocates enough to set off full
                # collections, each of which walks every object the process keeps (seconds on a
                # large corpus). The collector waits until tidy(), once the rebuild is answered.
                gc.disable()
            with self._docutils_registrations():
                app.build(False, [])
        except Exception:  # noqa: BLE001 - the server must go on serving the last good site
            self.app = None
            if self.warning is not None:
                self.warning.write("kb serve: the build failed; fix the cause and save again.\n"
                                   + traceback.format_exc(limit=4))
            return 1
        if changed and self._contents:
            for path in changed:
                digest = _digest(path)
                if digest != FOLDER:
                    self._contents[path] = digest
        else:
            self._contents = {path: _digest(path) for path in Path(self.srcdir).resolve().rglob("*") if path.is_file()}
        if self.status is not None:
            self.status.write(f"kb serve: rebuilt in {time.perf_counter() - started:.2f} s\n")
            self.status.flush()
        if fresh and self.owns_process:
            # What the first build leaves (the environment, the corpus, the search index: millions
            # of objects that live on) is set aside, so the cycle collector stops walking it.
            gc.collect()
            gc.freeze()
        return 0 if app.statuscode == 0 else 1

    def tidy(self) -> None:
        """Collect what the last build left behind, and let the collector run again: the owner of
        the process calls this after each build, once it has been answered."""
        if self.owns_process:
            gc.collect()
            gc.enable()

    def _new_app(self) -> Sphinx:
        with patch_docutils(self.confdir), docutils_namespace():
            app = WarmApplication(str(self.srcdir), str(self.confdir), str(self.outdir), str(self.doctreedir),
                                  "html", status=self.status, warning=self.warning, freshenv=False,
                                  warm=WarmState(self.load_cache))
            # docutils' registries (see the private names in docs/architecture.md)
            self._registered = (dict(directives._directives), dict(roles._roles),  # type: ignore[attr-defined]
                                set(additional_nodes))
        return app

    @contextmanager
    def _docutils_registrations(self):
        """The application's directives, roles and nodes, registered with docutils for one build.

        docutils keeps them in module globals. ``sphinx-build`` registers them for its one
        build inside ``docutils_namespace()``, which removes them afterwards; a long-lived
        application does the same around each build, so that other builds in the same
        process (a test's) neither see its registrations nor take away its own.
        """
        own_directives, own_roles, own_nodes = self._registered
        with patch_docutils(self.confdir), docutils_namespace():
            directives._directives.update(own_directives)
            roles._roles.update(own_roles)
            for node in own_nodes:
                register_node(node)
            yield


def _forget_stale_caches(app: Sphinx) -> None:
    """Sphinx caches, for the life of a process, what a one-off build reads once but a rebuild
    must read again: each doctree the environment loaded from disk (and the root document's
    apart), stale once a page has been read again - Sphinx's own test application clears the
    same cache before each build - and the checksum in each asset's ``?v=`` address, stale once
    the extension rewrites a file such as the session builder's data."""
    env = app.env
    env._pickled_doctree_cache.clear()
    env.__dict__.pop("master_doctree", None)
    checksums = getattr(html_assets, "_file_checksum_inner", None)
    if checksums is not None:
        checksums.cache_clear()


def _digest(path: Path) -> str | None:
    """A file's content as a digest; a folder is always taken as changed, a missing file is None."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
    except IsADirectoryError:
        return FOLDER
    except OSError:
        return None
