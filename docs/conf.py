"""Sphinx configuration of the project's own documentation (contributors, trainers, maintainers)."""

project = "Leading Learning: project documentation"
author = "Leading Learning contributors"
copyright = "Leading Learning contributors"
language = "en_GB"

# The site's Content-Security-Policy, from the same module (and without the knowledge base itself).
extensions = ["myst_parser", "sphinx_design", "knowledgebase.sphinxext.reference", "knowledgebase.sphinxext.csp"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "Leading Learning docs"
html_static_path = ["_static"]
