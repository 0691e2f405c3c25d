"""One Content-Security-Policy for the knowledge base's site and the project documentation alike.

Every page carries the policy as the first of its meta tags, before any script,
and the build writes it, with two more security headers, to ``_headers``. The
site's extension loads this module itself; the documentation registers it on
its own (``extensions = ["knowledgebase.sphinxext.csp"]``), so both publish one
policy without the documentation loading the knowledge base.
"""

from __future__ import annotations

import base64
import hashlib
import re
import weakref
from collections.abc import Iterable
from html import escape
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders import Builder

from ... import __version__

# The site loads its script, styles and images from itself only. Inline script
# is refused, except the theme's own snippets, allowed by their hashes; styles
# may be inline (the SVG maps and the theme use style attributes), which cannot
# run script. `frame-ancestors` works only as a real header, so it is only in
# `_headers`, which hosts such as Netlify and Cloudflare Pages read.
_POLICY = ("default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
           "form-action 'self'")
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
HEADERS_FILE = "_headers"
SPHINX_CATALOGUE = "_static/translations.js"
# Late among the handlers of ``html-page-context`` (the default is 500), so that the policy is
# still first once the others have added their meta tags, and before the doctree is freed (999).
PRIORITY = 800

# Per builder, since the hashes come from its theme: made at the first page, inherited by forked workers.
_POLICIES: weakref.WeakKeyDictionary[Builder, str] = weakref.WeakKeyDictionary()


def theme_script_hashes(template_dirs: Iterable[str | Path]) -> list[str]:
    """CSP hashes of the inline scripts written literally (no template code) in the theme's templates."""
    hashes = set()
    for folder in template_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            for match in _INLINE_SCRIPT.finditer(template.read_text(encoding="utf-8")):
                script = match.group(1)
                if "{{" not in script and "{%" not in script:
                    hashes.add("'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'")
    return sorted(hashes)


def content_security_policy(app: Sphinx) -> str:
    """The policy for this build's theme."""
    policy = _POLICIES.get(app.builder)
    if policy is None:
        theme = getattr(app.builder, "theme", None)
        policy = _POLICY.format(hashes=" ".join(theme_script_hashes(theme.get_theme_dirs() if theme else ())))
        _POLICIES[app.builder] = policy
    return policy


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict,
               doctree: nodes.document | None) -> None:
    """The policy as the first of the page's meta tags, before any script (``html-page-context``)."""
    policy = content_security_policy(app)
    context["metatags"] = (f'<meta http-equiv="Content-Security-Policy" content="{escape(policy)}">\n'
                           + context.get("metatags", ""))
    # Sphinx's JavaScript message catalogue compiles its plural rule with `new Function`, which the
    # policy refuses (no 'unsafe-eval'). Nothing needs it: the theme's, Sphinx's and the site's
    # scripts fall back to their English text, which is the language of the site and the docs.
    context["script_files"] = [script for script in context.get("script_files", ())
                               if getattr(script, "filename", script) != SPHINX_CATALOGUE]


def write_headers(app: Sphinx, exception: Exception | None) -> None:
    """The same policy as HTTP headers, for hosts that read a ``_headers`` file (``build-finished``)."""
    if exception is not None or app.builder.format != "html":
        return
    text = ("/*\n"
            f"  Content-Security-Policy: {content_security_policy(app)}; frame-ancestors 'none'\n"
            "  X-Content-Type-Options: nosniff\n"
            "  Referrer-Policy: strict-origin-when-cross-origin\n")
    target = Path(app.outdir) / HEADERS_FILE
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_policy, priority=PRIORITY)
    app.connect("build-finished", write_headers)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
