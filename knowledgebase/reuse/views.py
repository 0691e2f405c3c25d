"""Views and their fingerprints carried over from a long-lived process's last build where their inputs are unchanged.

A view's fingerprint decides whether its page is rewritten, so a view that is
the same object as in the last build costs nothing: its fingerprint is known.
:class:`ViewMemory` keeps, for its :class:`~knowledgebase.views.Views`, every
article view with the records it was made from, the views made once per build
under a key (``Views.kept``), and each view's fingerprint; the next build's
memory takes the earlier object wherever the inputs are equal, and, when only
articles changed, carries over without looking at them the article views that
cannot have changed. A property test holds every reused view and fingerprint
to a fresh one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from ..views import ArticleView, Views, fingerprint
from .related import RelatedMemory


class ViewMemory:
    """The views of one build and what they were made from; made with the memory of the build before it."""

    def __init__(self, related: RelatedMemory, earlier: ViewMemory | None = None):
        """``related``: the memory of the graph the views are made from."""
        self.related = related
        self.earlier = earlier
        self.views: Views | None = None
        self.article_inputs: dict[str, tuple[tuple, ArticleView]] = {}
        self.fingerprints: dict[int, tuple[object, str]] = {}
        self.kept_views: dict[Hashable, object] = {}
        self.same_articles: set[str] = set()

    def bind(self, views: Views) -> None:
        """Serve ``views`` (called by the views as they are made)."""
        self.views = views
        if self.earlier is not None and self.earlier.views is not None:
            self.same_articles = self._unchanged_article_views(views, self.earlier)

    def unchanged_article(self, aid: str) -> ArticleView | None:
        """The earlier view of an article known to be unchanged without looking at its inputs, or None."""
        if aid not in self.same_articles or self.earlier is None:
            return None
        self.article_inputs[aid] = found = self.earlier.article_inputs[aid]
        return found[1]

    def article(self, aid: str, inputs: tuple, make: Callable[[], ArticleView]) -> ArticleView:
        """The earlier view when it was made from equal ``inputs``, else ``make()``; kept for the next build."""
        earlier = self.earlier.article_inputs.get(aid) if self.earlier is not None else None
        view = earlier[1] if earlier is not None and earlier[0] == inputs else make()
        self.article_inputs[aid] = (inputs, view)
        return view

    def kept(self, key: Hashable, view: object) -> object:
        """The view the earlier build kept under ``key`` when it equals ``view`` (its fingerprint is known)."""
        earlier = self.earlier.kept_views.get(key) if self.earlier is not None else None
        found = self.kept_views[key] = earlier if earlier is not None and earlier == view else view
        return found

    def fingerprint(self, view: object) -> str:
        """:func:`~knowledgebase.views.fingerprint`, once per view object: views are immutable, and one
        reused from an earlier build keeps the fingerprint it had there."""
        found = self.fingerprints.get(id(view))
        if found is None and self.earlier is not None:
            found = self.earlier.fingerprints.get(id(view))
        if found is None or found[0] is not view:
            found = (view, fingerprint(view))
        self.fingerprints[id(view)] = found
        return found[1]

    def _unchanged_article_views(self, views: Views, earlier: ViewMemory) -> set[str]:
        """Articles whose views are the earlier ones, known without looking at their inputs.

        A view shows its article's record and related list, and the records of what it names:
        its concepts, audiences, sources and paths, and the articles in its related list, its
        backlinks and its prerequisites. With the concepts, audiences, sources, paths and aliases
        as they were, that leaves the related list (:attr:`RelatedMemory.same_related`, which also
        covers every neighbour of a changed article) and the changed articles the earlier list
        named. Otherwise every view is checked by its inputs."""
        old, new = earlier.views.kb if earlier.views is not None else None, views.kb
        related = self.related
        if (old is None or not related.same_related
                or related.earlier is not earlier.related   # compared with another build
                or (old.concepts, old.audiences, old.sources, old.paths, old.aliases)
                != (new.concepts, new.audiences, new.sources, new.paths, new.aliases)):
            return set()
        changed = related.changed_articles
        named_changed = {aid for (aid, _), (_, found) in earlier.related.lists.items()
                         if any(r.article in changed for r in found)}
        return {aid for aid in related.same_related - named_changed if aid in earlier.article_inputs}
