"""The name under which the Content-Security-Policy is registered as an extension of its own.

The project documentation's ``docs/conf.py`` lists ``knowledgebase.sphinxext.csp``,
so that it publishes the site's policy without loading the knowledge base; the
policy itself is :mod:`.html.csp`.
"""

from .html.csp import setup

__all__ = ["setup"]
