"""Sphinx configuration of the project's own documentation (contributors, trainers, maintainers)."""

project = "Leading Learning: project documentation"
author = "Leading Learning contributors"
copyright = "Leading Learning contributors"
language = "en_GB"

extensions = ["myst_parser", "sphinx_design", "knowledgebase.sphinxext.reference"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "Leading Learning docs"
html_static_path = ["_static"]
