"""Whether a new corpus publishes exactly what the last one did, so that its graph and views can be kept."""

from __future__ import annotations

from dataclasses import replace

from ..model import KnowledgeBase


def same_published_data(old: KnowledgeBase, new: KnowledgeBase) -> bool:
    """Would every view of ``new`` equal the same view of ``old``?

    Views show an article's reading time, not its word count, so an edit that changes
    the count but not the minutes publishes nothing new. Anything else that differs
    may show somewhere (a title in a card, a concept in a related list...).
    """
    if (old.root, old.concepts, old.audiences, old.sources, old.paths, old.aliases) != (
            new.root, new.concepts, new.audiences, new.sources, new.paths, new.aliases):
        return False
    if old.articles.keys() != new.articles.keys():
        return False
    for aid, article in new.articles.items():
        before = old.articles[aid]
        if before != article and (before.reading_time != article.reading_time
                                  or replace(before, word_count=article.word_count) != article):
            return False
    return True
