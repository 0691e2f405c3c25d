"""Sphinx configuration of the project's own documentation (contributors, trainers, maintainers)."""

from knowledgebase import __version__

project = "Leading Learning: project documentation"
author = "Leading Learning contributors"
copyright = "Leading Learning contributors"
language = "en_GB"
version = release = __version__  # the `kb` that the CLI reference (docs/cli.md) is generated from

# The reference pages (knowledgebase.sphinxext.reference, and sphinx-argparse's `argparse` directive
# for the `kb` command), and the site's Content-Security-Policy, from the same module (and without
# the knowledge base itself).
extensions = ["myst_parser", "sphinx_design", "sphinxarg.ext", "knowledgebase.sphinxext.reference",
              "knowledgebase.sphinxext.csp"]
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
html_theme = "furo"
html_title = "Leading Learning docs"
html_static_path = ["_static"]
# Each verb's heading in the CLI reference is its whole command line (`kb path plan`, not `plan`), and
# its usage and examples, like any block that names no language, are shown as they are, not as Python.
sphinxarg_full_subcommand_name = True
highlight_language = "text"
