"""The extension's data on the application, behind typed accessors.

* :func:`build_data` - what one build computes from the corpus (the loaded
  knowledge base, its graph and views). Kept on the Sphinx application, never
  pickled, and inherited by forked parallel workers with it. What sees only the
  environment (a transform) reaches it through the ``kb`` domain, which is given
  its application once the builder exists (:func:`link_environment`).
* :func:`warm_state` - what a long-lived process (``kb serve``) keeps between
  its rebuilds, so that a rebuild costs what changed, not what the corpus holds.
  It belongs to the application that ``kb serve`` builds with, a
  :class:`WarmApplication`; a one-off ``kb build`` has none.

What the environment keeps of each page between builds is the ``kb`` domain's
(:mod:`.domain`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..graph import ConceptGraph
from ..load import LoadResult
from ..reuse.filecache import LoadCache
from ..search.index import SearchEntry, SearchIndex
from ..views import Views
from .domain import page_data
from .navigation import Navigation

# The attribute of the application that holds this build's data.
BUILD_DATA = "kb_build_data"


@dataclass
class BuildData:
    result: LoadResult
    graph: ConceptGraph
    views: Views
    removed: set[str] = field(default_factory=set)  # documents deleted since the last build
    added: set[str] = field(default_factory=set)    # documents new since the last build
    published_as_before: bool = False               # every record's published data is as in the last build
    # True when this build changes nothing that pages show beyond the pages it reads:
    # no record's published data, no navigation, no document added or removed.
    only_read_pages_changed: bool = False
    unreadable_patterns: list[str] = field(default_factory=list)  # added to exclude_patterns for this build
    navigation: Navigation | None = None             # the bounded sidebar, made once the documents are read

    @property
    def kb(self):
        return self.result.kb

    def is_scanned(self, docname: str) -> bool:
        """Did the engine check this document's body (so its reference warnings are already out)?"""
        return f"{docname}.md" in self.result.scanned


@dataclass
class WarmState:
    """What a long-lived process keeps between rebuilds of one source folder (never pickled)."""

    load_cache: LoadCache = field(default_factory=LoadCache)  # each file's facts, read again only when it changes
    previous: BuildData | None = None                # the last finished build's data
    read: set[str] = field(default_factory=set)      # documents the current build reads
    search_index: SearchIndex = field(default_factory=SearchIndex)
    # by document, as last indexed: (what the entry was made from, the entry)
    search_entries: dict[str, tuple[tuple, SearchEntry]] = field(default_factory=dict)
    search_written: bool = False                     # the index on disk is the one search_index last returned


class WarmApplication(Sphinx):
    """A Sphinx application that keeps the extension's :class:`WarmState` between its builds.

    The state is given before Sphinx's own ``__init__`` runs, since the corpus is loaded
    while the application is made (``config-inited``)."""

    def __init__(self, *args: Any, warm: WarmState, **kwargs: Any) -> None:
        self.kb_warm = warm
        super().__init__(*args, **kwargs)


def warm_state(app: Sphinx) -> WarmState | None:
    return app.kb_warm if isinstance(app, WarmApplication) else None


def build_data(app_or_env: Sphinx | BuildEnvironment) -> BuildData:
    """This build's data, from the application or from its environment."""
    app = app_or_env if isinstance(app_or_env, Sphinx) else page_data(app_or_env).application
    return getattr(app, BUILD_DATA)


def set_build_data(app: Sphinx, data: BuildData) -> None:
    setattr(app, BUILD_DATA, data)


def link_environment(app: Sphinx) -> None:
    """Let the environment reach the application's data through its ``kb`` domain (``builder-inited``:
    the environment is made or unpickled, with its domains, before the builder)."""
    page_data(app.env).application = app


def kept_from_last_build(app: Sphinx, pagename: str, shows: frozenset[str] = frozenset()) -> bool:
    """In a long-lived process, may an extra page (``html-collect-pages``) be left as the last build
    wrote it? Yes when this build changed nothing pages show beyond the pages it read, none of the
    documents in ``shows`` (whose text the page includes) was read, and the file is there."""
    warm = warm_state(app)
    return (warm is not None and build_data(app).only_read_pages_changed and not (shows & warm.read)
            and (Path(app.outdir) / app.builder.get_target_uri(pagename)).is_file())
