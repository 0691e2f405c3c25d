"""``kb serve``: preview the site while writing; every save rebuilds what changed and reloads the page.

The file watcher, the reload channel and the server are sphinx-autobuild's
(``RebuildServer``, ``IgnoreFilter``). Two things differ from running
sphinx-autobuild itself:

* It runs each rebuild as a fresh ``sphinx-build`` subprocess, which at 5,000
  articles spends twenty seconds getting back to where the last build was, from
  a new process pool per change. Here (:func:`warm_rebuild_server`) each change
  is built by this process's :class:`~knowledgebase.sphinxext.rebuild.WarmBuilder`,
  in a worker thread, which keeps Sphinx and the extension's data warm between builds.
* Its reload snippet is an inline script, which the site's Content-Security-Policy
  refuses. :class:`ReloadScript` adds the same few lines as a file the server
  serves instead, which the policy allows (``script-src 'self'``).
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import importlib.util
import os
import socket
import sys
from pathlib import Path

from .common import EXIT_OK, UsageError, Verb, whole_number
from .site import find_conf, prepare_folders, site_options

RELOAD_SCRIPT_PATH = "/_kb-serve/reload.js"
RELOAD_SCRIPT = """\
// kb serve only: reload the page when the site has been rebuilt.
(function () {
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var socket = new WebSocket(scheme + location.host + "/websocket-reload");
  socket.onmessage = function () { location.reload(); };
})();
"""
# Editors' swap, backup and temporary files, and hidden files, are not content.
IGNORED = [r"/\.[^/]*$", r"~$", r"\.sw[px]$", r"\.tmp$", r"/#[^/]*#$", r"/4913$"]


SERVE_EXAMPLES = """\
  kb serve                      serve on http://127.0.0.1:8000
  kb serve --port 8080
"""


def configure_serve(parser: argparse.ArgumentParser) -> None:
    site_options(parser)
    parser.add_argument("--port", type=whole_number(1, 65535), default=8000,
                        help="port to serve on, 1 to 65535 (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.set_defaults(run=run_serve)


VERBS = (Verb("serve", "Preview the site while you write: rebuilds and reloads the browser on every save.",
              SERVE_EXAMPLES, configure_serve),)


def run_serve(args) -> int:
    if importlib.util.find_spec("sphinx_autobuild") is None:
        raise UsageError(f"sphinx-autobuild is not installed for {sys.executable}; "
                         "run `python -m pip install -e .` again with that Python")
    conf = find_conf(args).resolve()
    require_listenable(args.host, args.port)  # the first build takes a while: find a taken port before it
    srcdir, outdir, doctrees = (folder.resolve() for folder in prepare_folders(args))

    from ..sphinxext.rebuild import WarmBuilder

    builder = WarmBuilder(srcdir, conf, outdir, doctrees, owns_process=True)
    builder.build()
    print(f"Serving on http://{args.host}:{args.port}/ - edit a file in {args.content} and the page reloads. "
          "Ctrl+C stops.")
    sys.stdout.flush()
    serve(args.host, args.port, srcdir, outdir, doctrees, conf / "conf.py", builder)
    return EXIT_OK


def require_listenable(host: str, port: int) -> None:
    """Say why the server could not listen on ``port`` at ``host``, if it could not now.

    A socket is bound to each of the host's addresses as the server will bind them (uvicorn listens
    through asyncio's ``create_server``: every address the host name has, ``SO_REUSEADDR`` on POSIX,
    IPv6 sockets for IPv6 only), then closed.
    """
    try:
        addresses = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise UsageError(f"cannot listen on {host}: {error.strerror}; pass another with --host") from None
    for family, kind, protocol, _, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            if os.name == "posix" and sys.platform != "cygwin":
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6 and hasattr(socket, "IPPROTO_IPV6"):
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                if error.errno in {errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", None)}:  # None: not Windows
                    raise UsageError(f"port {port} on {host} is in use; pass another with --port") from None
                raise UsageError(f"cannot listen on port {port} on {host}: {error.strerror or error}") from None


class ReloadScript:
    """Adds ``<script src=RELOAD_SCRIPT_PATH>`` to every HTML response (an ASGI middleware)."""

    TAG = f'<script src="{RELOAD_SCRIPT_PATH}"></script>\n'.encode()

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        from starlette.datastructures import (
            MutableHeaders,  # starlette is loaded only to serve
        )

        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_html = False

        async def send_with_script(message):
            nonlocal is_html
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                is_html = headers.get("content-type", "").startswith("text/html")
                if is_html and "content-length" in headers:
                    headers["content-length"] = str(int(headers["content-length"]) + len(self.TAG))
            elif message["type"] == "http.response.body" and is_html and not message.get("more_body", False):
                message["body"] += self.TAG
            await send(message)

        await self.app(scope, receive, send_with_script)


def serve(host: str, port: int, srcdir: Path, outdir: Path, doctrees: Path, conf_file: Path, builder) -> None:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    async def reload_script(request):
        return Response(RELOAD_SCRIPT, media_type="text/javascript")

    watcher = warm_rebuild_server()([srcdir, conf_file], IgnoreFilter([outdir, doctrees], IGNORED), builder)
    app = Starlette(
        routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                Route(RELOAD_SCRIPT_PATH, reload_script),
                Mount("/", app=StaticFiles(directory=outdir, html=True), name="static")],
        middleware=[Middleware(ReloadScript)],
        lifespan=watcher.lifespan,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def warm_rebuild_server() -> type:
    """The class, made when serving starts: sphinx-autobuild (and the web server it brings) is
    imported only by ``kb serve``, not by every ``kb`` command."""
    from sphinx_autobuild.server import RebuildServer

    class WarmRebuildServer(RebuildServer):
        """sphinx-autobuild's server, with each change built by the warm builder in a worker
        thread of this process, rather than by a callback in a new process pool per change.

        Watching, the paths it reports and the reload signal stay sphinx-autobuild's; a pool
        would only start a process to hand the change back to this one (a tenth of a second or
        more per save, and forked from a process holding the warm site, copies of every page of
        memory the rebuild touched). The builder's cycle collection runs once the browser has
        been told to reload."""

        def __init__(self, paths, ignore_filter, builder) -> None:
            super().__init__(paths, ignore_filter, change_callback=builder.build)
            self.builder = builder

        async def watch(self) -> None:
            import watchfiles

            async for changes in watchfiles.awatch(*self.paths, watch_filter=lambda _, path: not self.ignore(path)):
                await asyncio.to_thread(self.builder.build, [Path(path).resolve() for _, path in changes])
                self.flag.set()
                await asyncio.to_thread(self.builder.tidy)

    return WarmRebuildServer

