"""The ``kb`` verbs, one module per group; importing this package registers them all."""

from . import check, inspect, new, path, serve, site  # noqa: F401
