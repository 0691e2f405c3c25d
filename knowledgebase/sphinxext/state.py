"""All the extension's data, behind two typed accessors.

* :func:`build_data` - what one build computes from the corpus (the loaded
  knowledge base, its graph and views). Kept in this module per source
  folder, never pickled, and inherited by forked parallel workers.
* :func:`warm_state` - what a long-lived process (``kb serve``) keeps between
  its rebuilds of one source folder, so that a rebuild costs what changed, not
  what the corpus holds. Absent in a one-off ``kb build``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

from ..cache import LoadCache
from ..graph import ConceptGraph
from ..loader import LoadResult
from ..search import SearchEntry, SearchIndex
from ..views import Views

if TYPE_CHECKING:
    from .navigation import Navigation

# Per source folder, so that transforms (which see the environment, not the
# application) reach it too; forked parallel workers inherit it.
_BUILDS: dict[str, "BuildData"] = {}


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


# Per application: another build of the same folder in the same process (a test's) is not warm.
_WARM: weakref.WeakKeyDictionary[Sphinx, WarmState] = weakref.WeakKeyDictionary()
_EXPECTED: dict[str, WarmState] = {}


def expect_warm(srcdir: str, state: WarmState) -> None:
    """The next application made for ``srcdir`` keeps ``state`` between its builds; its corpus is
    loaded while it is made, before the application exists to be named, hence this step."""
    _EXPECTED[srcdir] = state


def claim_warm(app: Sphinx) -> WarmState | None:
    """The state :func:`expect_warm` set aside for this application's folder, now tied to it."""
    state = _EXPECTED.pop(str(app.srcdir), None)
    if state is not None:
        _WARM[app] = state
    return state


def warm_state(app: Sphinx) -> WarmState | None:
    return _WARM.get(app)


def build_data(app_or_env: Sphinx | BuildEnvironment) -> BuildData:
    return _BUILDS[str(app_or_env.srcdir)]


def set_build_data(app: Sphinx, data: BuildData) -> None:
    _BUILDS[str(app.srcdir)] = data


def kept_from_last_build(app: Sphinx, pagename: str, shows: frozenset[str] = frozenset()) -> bool:
    """In a long-lived process, may an extra page (``html-collect-pages``) be left as the last build
    wrote it? Yes when this build changed nothing pages show beyond the pages it read, none of the
    documents in ``shows`` (whose text the page includes) was read, and the file is there."""
    warm = warm_state(app)
    return (warm is not None and build_data(app).only_read_pages_changed and not (shows & warm.read)
            and (Path(app.outdir) / app.builder.get_target_uri(pagename)).is_file())
