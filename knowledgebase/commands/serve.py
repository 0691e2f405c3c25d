"""``kb serve``: preview the site while writing; every save rebuilds what changed and reloads the page.

The server, the file watcher and the reload channel are sphinx-autobuild's
(``RebuildServer``, ``IgnoreFilter``). Two things differ from running
sphinx-autobuild itself:

* It runs each rebuild as a fresh ``sphinx-build`` subprocess, which at 5,000
  articles spends twenty seconds getting back to where the last build was. Here
  its change callback (:class:`RebuildRequest`) asks this process's
  :class:`~knowledgebase.sphinxext.rebuild.WarmBuilder` to rebuild, which keeps
  Sphinx and the extension's data warm between builds.
* Its reload snippet is an inline script, which the site's Content-Security-Policy
  refuses. :class:`ReloadScript` adds the same few lines as a file the server
  serves instead, which the policy allows (``script-src 'self'``).
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import secrets
import sys
import threading
from multiprocessing import AuthenticationError
from multiprocessing.connection import Client, Listener
from pathlib import Path

from ..cli import EXIT_OK, UsageError, verb
from .site import build_folders, find_conf, site_options

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


@verb("serve", "Preview the site while you write: rebuilds and reloads the browser on every save.", """\
  kb serve                      serve on http://127.0.0.1:8000
  kb serve --port 8080
""")
def configure_serve(parser):
    site_options(parser)
    parser.add_argument("--port", type=int, default=8000, help="port to serve on (default 8000)")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.set_defaults(run=run_serve)


def run_serve(args) -> int:
    if importlib.util.find_spec("sphinx_autobuild") is None:
        raise UsageError(f"sphinx-autobuild is not installed for {sys.executable}; "
                         "run `python -m pip install -e .` again with that Python")
    conf = find_conf(args).resolve()
    srcdir, outdir, doctrees = (folder.resolve() for folder in build_folders(args))

    from ..sphinxext.rebuild import WarmBuilder

    # sphinx-autobuild runs the change callback in a new process pool for every change. Forked
    # from this process, which holds the warm site (a gigabyte at 5,000 articles), the child
    # would share its memory copy-on-write while the rebuild runs here, and every page of
    # memory the rebuild touches would first be copied. A fork server forks the callback from
    # a small process instead.
    multiprocessing.set_forkserver_preload([__name__])
    multiprocessing.set_start_method("forkserver", force=True)
    builder = WarmBuilder(srcdir, conf, outdir, doctrees, owns_process=True)
    builder.build()
    authkey = secrets.token_bytes(32)
    listener = Listener(("127.0.0.1", 0), authkey=authkey)
    threading.Thread(target=answer_rebuild_requests, args=(listener, builder), daemon=True).start()
    print(f"Serving on http://{args.host}:{args.port}/ - edit a file in {args.content} and the page reloads. "
          "Ctrl+C stops.")
    sys.stdout.flush()
    serve(args.host, args.port, srcdir, outdir, doctrees, conf / "conf.py", RebuildRequest(listener.address, authkey))
    return EXIT_OK


class RebuildRequest:
    """sphinx-autobuild's change callback. It runs in a worker process, so it asks the serving
    process, which keeps Sphinx warm, to rebuild, and returns when that is done."""

    def __init__(self, address, authkey: bytes):
        self.address, self.authkey = address, authkey

    def __call__(self, *, changed_paths) -> None:
        with Client(self.address, authkey=self.authkey) as connection:
            connection.send([str(path) for path in changed_paths])
            connection.recv()


def answer_rebuild_requests(listener: Listener, builder) -> None:
    """One rebuild at a time, for as long as the server runs."""
    while True:
        try:
            with listener.accept() as connection:
                changed = [Path(path) for path in connection.recv()]
                builder.build(changed)
                connection.send("done")
        except (OSError, EOFError, AuthenticationError):  # a request that went away or failed the key
            continue
        builder.tidy()


class ReloadScript:
    """Adds ``<script src=RELOAD_SCRIPT_PATH>`` to every HTML response (an ASGI middleware)."""

    TAG = f'<script src="{RELOAD_SCRIPT_PATH}"></script>\n'.encode()

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        from starlette.datastructures import MutableHeaders  # starlette is loaded only to serve

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


def serve(host: str, port: int, srcdir: Path, outdir: Path, doctrees: Path, conf_file: Path,
          callback: RebuildRequest) -> None:
    import uvicorn
    from sphinx_autobuild.filter import IgnoreFilter
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import Response
    from starlette.routing import Mount, Route, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    async def reload_script(request):
        return Response(RELOAD_SCRIPT, media_type="text/javascript")

    watcher = RebuildServer([srcdir, conf_file], IgnoreFilter([outdir, doctrees], IGNORED), change_callback=callback)
    app = Starlette(
        routes=[WebSocketRoute("/websocket-reload", watcher, name="reload"),
                Route(RELOAD_SCRIPT_PATH, reload_script),
                Mount("/", app=StaticFiles(directory=outdir, html=True), name="static")],
        middleware=[Middleware(ReloadScript)],
        lifespan=watcher.lifespan,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
