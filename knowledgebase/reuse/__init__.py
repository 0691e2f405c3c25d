"""Everything that knows about an earlier load or build, and nothing else.

A load or a build computes the same thing with or without what is here; this
package only lets it skip work whose inputs are unchanged:

* :mod:`.filecache` keeps each file's facts, and the last linking;
  :mod:`.cachefile` keeps the facts on disk between ``kb check`` runs;
* :mod:`.relink` links an edit of articles from the last linking;
* :mod:`.linkindex` and :mod:`.selected` let ``kb check --changed`` report on a
  few files without reading the rest;
* :mod:`.store` is the one on-disk format both files use, read by a strict decoder;
* :mod:`.related` carries related-article lists over from an earlier graph,
  :mod:`.views` views and their fingerprints from earlier views, and
  :mod:`.published` says when a new corpus publishes exactly what the last did.
"""
