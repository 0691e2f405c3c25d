"""The name Sphinx imports the output guard's template bridge by.

``config.template_bridge`` names the class by this path (:func:`.html.published.use_published_page_templates`);
it is part of the configuration Sphinx hashes into every site's ``.buildinfo``, so it keeps
the name it was first published under. The guard itself is :mod:`.html.published`.
"""

from .html.published import PublishedPageTemplates

__all__ = ["PublishedPageTemplates"]
