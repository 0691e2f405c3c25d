"""The extension's static files and templates, given to the HTML builder, and its templates rendered.

The pages the extension makes (the search page, the session builder, print pages,
reading packs), the search box and the sidebar come from ``templates/kb/``, rendered
by the builder's own template engine (:func:`render`) with every value escaped.
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup
from sphinx.application import Sphinx

PACKAGE = Path(__file__).resolve().parent.parent
STATIC = PACKAGE / "static"
TEMPLATES = PACKAGE / "templates"

# Per template bridge: its engine, set to escape every value (made at the first page, inherited by
# forked workers).
_ENGINES: weakref.WeakKeyDictionary[Any, Environment] = weakref.WeakKeyDictionary()


def add_static_files_and_templates(app: Sphinx) -> None:
    """The static folder and the template folder (``builder-inited``): after the builder has hashed
    its configuration, so incremental builds are not forced to rewrite everything."""
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        _add_templates(app)


def _add_templates(app: Sphinx) -> None:
    """Templates that name Furo's landmarks (templates/page.html) and the extension's own (kb/...),
    ahead of the project's own templates; added to the loader, not the configuration, for the same
    reason as the static folder."""
    from sphinx.jinja2glue import SphinxFileSystemLoader

    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "loaders") and hasattr(templates, "templatepathlen"):
        templates.loaders.insert(0, SphinxFileSystemLoader(str(TEMPLATES)))
        templates.templatepathlen += 1  # a user template: "!page.html" skips it and finds Furo's


def escaped(value: Any) -> Any:
    """Every value a template writes: text escaped as :func:`html.escape` escapes it (the bytes the
    site has always had), HTML the extension made itself (:class:`~markupsafe.Markup`) as it is."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return Markup(escape(value))
    return value


def engine(builder) -> Environment:
    """The builder's template engine (Sphinx's Jinja environment, with its filters and globals),
    set to escape every value it writes, finding the extension's templates first; a plain one
    over ``templates/`` if the project's template bridge has none."""
    templates = getattr(builder, "templates", None)
    if templates is None:  # no template bridge (a builder made for a test)
        return _plain_engine()
    found = _ENGINES.get(templates)
    if found is None:
        sphinx_engine = getattr(templates, "environment", None)
        if isinstance(sphinx_engine, Environment):
            loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), *filter(None, [sphinx_engine.loader])])
            found = sphinx_engine.overlay(loader=loader, autoescape=True, finalize=escaped)
        else:
            found = _plain_engine()
        _ENGINES[templates] = found
    return found


@lru_cache(maxsize=1)
def _plain_engine() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, finalize=escaped)


def render(builder, name: str, **context: Any) -> str:
    """``templates/kb/<name>`` rendered for ``builder``: every value escaped unless it is Markup."""
    return engine(builder).get_template(f"kb/{name}").render(context)
