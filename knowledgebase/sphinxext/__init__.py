"""The Sphinx extension that publishes the knowledge base.

``setup()`` only registers things, phase by phase in the order a build meets
them; the work is in small modules:

* :mod:`.nodes` - the placeholder nodes, filled in when a page is written;
* :mod:`.pages` - which document stands for which record, and the pages the extension adds;
* :mod:`.roles` and :mod:`.directives` - what authors write;
* :mod:`.transforms` - page titles and placeholders for generated sections;
* :mod:`.domain` - what the environment keeps of each page between builds (the ``kb`` domain);
* :mod:`.state` - what one build computes, and what ``kb serve`` keeps, on the application;
* :mod:`.corpus` - the corpus, loaded once per build, and its diagnostics;
* :mod:`.safety` - the body policy while pages are read;
* :mod:`.searchtext` - each page's text for the search index, kept as it is read;
* :mod:`.incremental` and :mod:`.navigation` - which pages a build reads again and rewrites,
  and the bounded sidebar each page's fingerprint includes;
* :mod:`.resolve` and :mod:`.render` - placeholders filled with current data at write time;
* :mod:`.html` - what exists only for the HTML builder: search, session builder, print pages,
  facilitator pages, page metadata and feed, sidebar, Content-Security-Policy, output guard;
* :mod:`.rebuild` - the warm rebuilds behind ``kb serve``.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from .. import __version__
from . import corpus, incremental, safety, searchtext
from .directives import DIRECTIVES
from .domain import KnowledgeBaseDomain
from .html import (
    assets,
    facilitator,
    memory,
    pagemeta,
    printing,
    published,
    search,
    session,
    sidebar,
)
from .nodes import (
    kb_generated,
    kb_html,
    kb_reference,
    kb_search_box,
    visit_html,
    visit_skip,
)
from .resolve import resolve_page
from .roles import make_role
from .state import link_environment
from .transforms import KnowledgeBasePage

ROLES = ("article", "concept", "path", "source")


def setup(app: Sphinx) -> dict:
    # Nodes: placeholders that no writer sees (they are filled in first), and HTML written by the extension.
    skip = (visit_skip, None)
    for node in (kb_reference, kb_generated):
        app.add_node(node, html=skip, latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(kb_html, html=(visit_html, None), latex=skip, text=skip, man=skip, texinfo=skip)
    app.add_node(kb_search_box, html=(search.visit_search_box, None), latex=skip, text=skip, man=skip,
                 texinfo=skip)

    # Roles and directives: what authors write; each records on its page what it needs.
    for kind in ROLES:
        app.add_role(kind, make_role(kind))
    for name, directive in DIRECTIVES.items():
        app.add_directive(name, directive)

    # Transforms and the domain: record pages get their title and placeholders, refused content is
    # removed, and the kb domain keeps what each page needs between builds.
    app.add_transform(KnowledgeBasePage)
    app.add_domain(KnowledgeBaseDomain)
    app.add_transform(safety.RemoveUnsafeNodes)

    # Loading the corpus: once per build, before Sphinx looks for documents; the environment is
    # linked to it, and the engine's diagnostics become Sphinx warnings, once there is a builder.
    app.connect("config-inited", safety.use_policy_syntax)
    app.connect("config-inited", corpus.load_corpus)
    app.connect("builder-inited", link_environment)
    app.connect("builder-inited", corpus.report_diagnostics)
    app.add_config_value("kb_repository", None, "", types=(dict, type(None)))  # for "Propose on GitHub"

    # Reading: the body policy before and after MyST parses a page; each page's text for search.
    app.connect("env-before-read-docs", safety.disable_raw_and_file_insertion)
    app.connect("env-before-read-docs", incremental.note_pages_read)
    app.connect("source-read", safety.drop_refused_blocks)
    app.connect("doctree-read", searchtext.collect_text)
    app.connect("doctree-read", incremental.mark_orphan)

    # Deciding what to rewrite: pages read against another corpus, pages showing changed data.
    app.connect("env-get-outdated", incremental.pages_to_read_again)
    app.connect("env-get-updated", incremental.pages_with_changed_data)
    app.connect("env-get-updated", printing.pages_missing_fragments)

    # Writing: placeholders filled from current data; the HTML builder's guard, files, sidebar,
    # metadata and policy on every page.
    app.setup_extension("knowledgebase.sphinxext.csp")  # the policy on every page and in _headers
    app.connect("config-inited", published.use_published_page_templates)
    app.connect("builder-inited", published.guard_translator)
    app.connect("builder-inited", assets.add_static_files_and_templates)
    app.connect("builder-inited", search.disable_sphinx_search)
    app.connect("builder-inited", search.check_stemmers)
    app.connect("doctree-resolved", resolve_page)
    app.connect("html-page-context", printing.write_article_fragment)
    app.connect("html-page-context", printing.add_print_scripts)
    app.connect("html-page-context", sidebar.bounded_sidebar, priority=400)  # before the theme reads it
    app.connect("html-page-context", sidebar.furo_sidebar, priority=600)     # after Furo's own handler
    app.connect("html-page-context", pagemeta.add_page_metadata)
    app.connect("html-page-context", published.same_origin_assets, priority=900)  # after every other handler
    app.connect("html-page-context", search.add_search_script)
    app.connect("html-page-context", memory.release_doctree, priority=memory.PRIORITY)
    app.add_css_file("kb.css")
    app.add_js_file("kb-preview.js", loading_method="defer")  # previews of concept and article links
    app.add_js_file("kb-map.js", loading_method="defer")  # a concept map's node picked out with its links
    app.add_css_file("kb-session.css")
    app.add_js_file("kb-session.js", loading_method="defer")  # the trainer's session, for the buttons below
    app.add_js_file("kb-add-to-session.js", loading_method="defer")  # "Add to my session", "Start from this path"
    app.add_js_file("kb-cite.js", loading_method="defer")  # "Cite this page": download a citation as a file

    # Extra pages: the search index and page, facilitator pages, the session builder, print pages.
    app.connect("html-collect-pages", search.write_index)
    app.connect("html-collect-pages", facilitator.facilitator_pages)
    app.connect("html-collect-pages", session.session_page)
    app.connect("html-collect-pages", printing.print_pages)

    # Finishing: the feed, and nothing left of deleted pages or foreign files; kb serve keeps the build.
    app.connect("build-finished", pagemeta.write_feed)
    app.connect("build-finished", printing.remove_stale_fragments)
    app.connect("build-finished", published.remove_foreign_files)
    app.connect("build-finished", incremental.remove_stale_pages)
    app.connect("build-finished", incremental.remember_build)
    return {"version": __version__, "env_version": 7, "parallel_read_safe": True, "parallel_write_safe": True}
