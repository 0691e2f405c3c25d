"""Python's cycle collector held off while loading, which makes millions of objects and hardly any cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Loading (and reading a cache file) makes millions of objects that live on and hardly any reference
    cycles: the cycle collector would walk them again and again for next to nothing (on a large corpus,
    a large share of the time)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
