"""The Sphinx extension that publishes the knowledge base.

``setup()`` only registers things; the work is in small modules:

* :mod:`.state` - the extension's data, behind two typed accessors;
* :mod:`.transforms` - page titles and placeholders for generated sections;
* :mod:`.roles` and :mod:`.directives` - what authors write;
* :mod:`.resolve` and :mod:`.render` - placeholders filled with current data at write time;
* :mod:`.incremental` - which pages an incremental build must rewrite;
* :mod:`.safety` - the body policy: refused content never reaches the site;
* :mod:`.published` - the same rules held on the output as it is written;
* :mod:`.csp` - the Content-Security-Policy, shared with the project documentation;
* :mod:`.navigation` - a sidebar bounded whatever toctrees authors write;
* :mod:`.memory` - each written page's doctree freed at once.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx

from .. import __version__
from . import facilitator, home, incremental, memory, navigation, pagemeta, printing, published, safety, search, session
from .directives import DIRECTIVES
from .domain import KnowledgeBaseDomain
from .nodes import kb_generated, kb_html, kb_reference, visit_html, visit_skip
from .resolve import resolve_page
from .roles import make_role
from .state import link_environment
from .transforms import KnowledgeBasePage

STATIC = Path(__file__).parent / "static"


def _add_static(app: Sphinx) -> None:
    # After the builder has hashed its configuration, so incremental builds are not forced to rewrite everything.
    if app.builder.format == "html":
        app.config.html_static_path.append(str(STATIC))
        _add_templates(app)


def _add_templates(app: Sphinx) -> None:
    """Templates that name Furo's landmarks (templates/page.html), ahead of the project's own
    templates; added to the loader, not the configuration, for the same reason as the static folder."""
    from sphinx.jinja2glue import SphinxFileSystemLoader

    templates = getattr(app.builder, "templates", None)
    if templates is not None and hasattr(templates, "loaders") and hasattr(templates, "templatepathlen"):
        templates.loaders.insert(0, SphinxFileSystemLoader(str(Path(__file__).parent / "templates")))
        templates.templatepathlen += 1  # a user template: "!page.html" skips it and finds Furo's


def setup(app: Sphinx) -> dict:
    skip = (visit_skip, None)
    for node in (kb_reference, kb_generated):
        app.add_node(node, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(kb_html, html=(visit_html, None), latex=skip, text=skip, man=skip, texinfo=skip)
    home_skip = (home.visit_skip, None)
    app.add_node(home.kb_search_box, html=(home.visit_html, None), latex=home_skip, text=home_skip,
                 man=home_skip, texinfo=home_skip)
    for kind in ("article", "concept", "path", "source"):
        app.add_role(kind, make_role(kind))
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)
    app.add_transform(KnowledgeBasePage)
    app.add_domain(KnowledgeBaseDomain)
    app.setup_extension("knowledgebase.sphinxext.csp")  # the policy on every page and in _headers
    app.add_transform(safety.RemoveUnsafeNodes)
    app.connect("config-inited", safety.use_policy_syntax)
    app.connect("config-inited", incremental.load_corpus)
    app.connect("config-inited", published.use_published_page_templates)
    app.connect("builder-inited", link_environment)
    app.connect("builder-inited", published.guard_translator)
    app.connect("builder-inited", incremental.report_diagnostics)
    app.connect("builder-inited", _add_static)
    app.connect("builder-inited", search.disable_sphinx_search)
    app.connect("doctree-read", search.collect_text)
    app.connect("html-collect-pages", search.write_index)
    app.connect("html-collect-pages", facilitator.facilitator_pages)
    app.connect("html-collect-pages", session.session_page)
    app.connect("html-collect-pages", printing.print_pages)
    app.connect("html-page-context", printing.write_article_fragment)
    app.connect("html-page-context", printing.add_print_scripts)
    app.connect("html-page-context", navigation.bounded_sidebar, priority=400)  # before the theme reads it
    app.connect("html-page-context", navigation.furo_sidebar, priority=600)     # after Furo's own handler
    app.connect("html-page-context", pagemeta.add_page_metadata)
    app.connect("html-page-context", published.same_origin_assets, priority=900)  # after every other handler
    app.connect("html-page-context", search.add_search_script)
    app.connect("html-page-context", memory.release_doctree, priority=memory.PRIORITY)
    app.connect("build-finished", pagemeta.write_feed)
    app.connect("build-finished", printing.remove_stale_fragments)
    app.connect("build-finished", published.remove_foreign_files)
    app.connect("env-before-read-docs", safety.disable_raw_and_file_insertion)
    app.connect("source-read", safety.drop_refused_blocks)
    app.connect("doctree-read", incremental.mark_orphan)
    app.connect("env-get-outdated", incremental.pages_to_read_again)
    app.connect("env-get-updated", incremental.pages_with_changed_data)
    app.connect("env-get-updated", printing.pages_missing_fragments)
    app.connect("build-finished", incremental.remove_stale_pages)
    app.connect("build-finished", incremental.remember_build)
    app.connect("env-before-read-docs", incremental.note_pages_read)
    app.connect("doctree-resolved", resolve_page)
    app.add_css_file("kb.css")
    app.add_js_file("kb-preview.js", loading_method="defer")  # previews of concept and article links
    app.add_css_file("kb-session.css")
    app.add_js_file("kb-session.js", loading_method="defer")  # the trainer's session, for the buttons below
    app.add_js_file("kb-add-to-session.js", loading_method="defer")  # "Add to my session", "Start from this path"
    app.add_config_value("kb_repository", None, "", types=(dict, type(None)))  # for "Propose on GitHub"
    return {"version": __version__, "env_version": 7, "parallel_read_safe": True, "parallel_write_safe": True}
