"""Sphinx configuration of the public Leading Learning site (source folder: content/)."""

project = "Leading Learning"
author = "Leading Learning contributors"
copyright = "Leading Learning contributors"
language = "en_GB"

extensions = [
    "myst_parser",
    "sphinx_design",
    "knowledgebase.sphinxext",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "**/.*", "README.md"]

# MyST's syntax (myst_enable_extensions) is set by the extension from the body
# policy in knowledgebase/bodypolicy.py, so that `kb check` and the build read
# pages alike; article bodies are untrusted input.
myst_heading_anchors = 3

# Furo: maintained, accessible, mobile-first, light and dark modes. Its sidebar
# shows only the toctree from index.md; articles are reached through generated
# links, so no page's navigation grows with the number of articles.
html_theme = "furo"
html_title = "Leading Learning"
html_static_path: list[str] = []
html_last_updated_fmt = None
html_copy_source = False
html_show_sourcelink = False
html_theme_options = {
    "navigation_with_keys": True,
}

# Article bodies start at H2 because the extension makes the front matter
# title the page's H1.
suppress_warnings = ["myst.header"]
