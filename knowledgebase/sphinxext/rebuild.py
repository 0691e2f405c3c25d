"""Rebuilds in a long-lived process: the edit loop behind ``kb serve``.

A one-off ``sphinx-build`` starts from nothing each time: it imports Sphinx,
unpickles the environment, loads and checks the whole corpus, scores every
related list and fingerprints every page before it can write the one page that
changed. :class:`WarmBuilder` keeps one Sphinx application, its environment and
the extension's data (:func:`.state.keep_warm`) alive between builds, so a
rebuild pays for what changed:

* the corpus is loaded again, and when no record's published data changed
  (a body edit), the concept graph and the views of the last build are kept;
* only the pages read again are fingerprinted (:func:`.incremental.pages_with_changed_data`);
* the search index takes out and puts back the postings of the pages read
  again, and writes only the files that changed (:class:`knowledgebase.search.SearchIndex`).

Each rebuild is Sphinx's own incremental build (``Sphinx.build``), so what it
writes is what a fresh ``sphinx-build`` would write; the tests hold both to the
same HTML after every kind of edit.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Iterable
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

from docutils.parsers.rst import directives, roles
from sphinx.application import Sphinx
from sphinx.util.docutils import additional_nodes, docutils_namespace, patch_docutils, register_node

from .incremental import reload_corpus
from .state import keep_warm


class WarmBuilder:
    """One Sphinx application, kept warm between incremental HTML builds of a source folder."""

    def __init__(self, srcdir: Path, confdir: Path, outdir: Path, doctreedir: Path,
                 status: TextIO | None = sys.stdout, warning: TextIO | None = sys.stderr):
        self.srcdir, self.confdir, self.outdir, self.doctreedir = srcdir, confdir, outdir, doctreedir
        self.status, self.warning = status, warning
        self.app: Sphinx | None = None
        self._registered: tuple[dict, dict, set] = ({}, {}, set())

    def build(self, changed: Iterable[Path] = ()) -> int:
        """Build what changed since the last build; 0 on success, 1 when the build failed.

        A change to ``conf.py``, or a failed build, starts a new application: settings are read
        once per application, and after an exception the application's state cannot be trusted.
        """
        started = time.perf_counter()
        conf = (self.confdir / "conf.py").resolve()
        try:
            if self.app is None or any(Path(path).resolve() == conf for path in changed):
                self.app = self._new_app()
            else:
                reload_corpus(self.app)
            self._forget_read_doctrees()
            with self._docutils_registrations():
                self.app.build(False, [])
        except Exception:  # noqa: BLE001 - the server must go on serving the last good site
            self.app = None
            if self.warning is not None:
                self.warning.write("kb serve: the build failed; fix the cause and save again.\n"
                                   + traceback.format_exc(limit=4))
            return 1
        if self.status is not None:
            self.status.write(f"kb serve: rebuilt in {time.perf_counter() - started:.2f} s\n")
            self.status.flush()
        return 0 if self.app.statuscode == 0 else 1

    def _new_app(self) -> Sphinx:
        with patch_docutils(self.confdir), docutils_namespace():
            app = Sphinx(str(self.srcdir), str(self.confdir), str(self.outdir), str(self.doctreedir), "html",
                         status=self.status, warning=self.warning, freshenv=False)
            self._registered = (dict(directives._directives), dict(roles._roles), set(additional_nodes))
        keep_warm(app)
        return app

    def _forget_read_doctrees(self) -> None:
        """The environment keeps each doctree it loaded from disk for the rest of its life (and the
        root document's apart), which are stale once a page has been read again. Sphinx's own test
        application clears the same cache before each build."""
        env = self.app.env
        env._pickled_doctree_cache.clear()
        env.__dict__.pop("master_doctree", None)

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
