"""What exists only for the HTML builder.

* :mod:`.assets` - the extension's static files and templates, given to the builder;
* :mod:`.search` - the search index written into the site, its page and the search box;
* :mod:`.session` - the session builder's page and data;
* :mod:`.printing` - reading packs, the session print page and each article's pack text;
* :mod:`.packs` - an article page's body made into a pack's text, with the HTML parser;
* :mod:`.facilitator` - a facilitator page per reading path;
* :mod:`.pagemeta` - each page's description, and the Atom feed;
* :mod:`.sidebar` - the bounded navigation given to the theme;
* :mod:`.csp` - the Content-Security-Policy;
* :mod:`.published` - the output guard: the body policy held on what is written;
* :mod:`.memory` - each written page's doctree freed at once.

Every handler here is connected for every builder and returns at once unless the
builder is an HTML one.
"""
