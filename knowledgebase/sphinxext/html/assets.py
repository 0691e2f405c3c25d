"""The extension's static files and templates, given to the HTML builder."""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

PACKAGE = Path(__file__).resolve().parent.parent
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"


def add_static_files_and_templates(app: Sphinx) -> None:
    """The static folder and the template folder (``builder-inited``): after the builder has hashed
    its configuration, so incremental builds are not forced to rewrite everything."""
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        _add_templates(app)


def _add_templates(app: Sphinx) -> None:
    """Templates that name Furo's landmarks (templates/page.html), ahead of the project's own
    templates; added to the loader, not the configuration, for the same reason as the static folder."""
    from sphinx.jinja2glue import SphinxFileSystemLoader

    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "loaders") and hasattr(templates, "templatepathlen"):
        templates.loaders.insert(0, SphinxFileSystemLoader(str(TEMPLATES)))
        templates.templatepathlen += 1  # a user template: "!page.html" skips it and finds Furo's
