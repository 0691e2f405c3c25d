"""`kb build` and `kb serve`: where the site goes, strictness, never a half-written site that looks finished,
never a user's file replaced, and a preview server from any install."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from knowledgebase.cli import main as kb
from knowledgebase.cli import site as site_command
from sphinx_support import REPO, copy_root


def build(content, out, *extra):
    return kb(["build", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(out), *extra])


def test_build_says_where_the_site_is(tmp_path, capsys):
    content = copy_root("site-basic", tmp_path)
    assert build(content, tmp_path / "html") == 0
    out = capsys.readouterr().out
    assert f"The site is ready: {tmp_path / 'html' / 'index.html'}" in out
    assert not (tmp_path / "html" / site_command.INCOMPLETE_MARKER).exists()


def test_strict_build_fails_on_a_content_warning(tmp_path):
    content = copy_root("site-basic", tmp_path)
    article = content / "articles" / "quiet-reflection.md"
    article.write_text(article.read_text().replace("concepts: [learning]", "concepts: [lerning]"))
    assert build(content, tmp_path / "html") == 0
    assert build(content, tmp_path / "strict", "--strict") == 1


def test_an_interrupted_build_leaves_the_site_marked_incomplete(tmp_path, monkeypatch):
    content = copy_root("site-basic", tmp_path)
    out = tmp_path / "html"
    assert build(content, out) == 0

    def interrupted(arguments):
        raise KeyboardInterrupt

    import sphinx.cmd.build

    monkeypatch.setattr(sphinx.cmd.build, "build_main", interrupted)
    assert build(content, out) == 130
    assert "incomplete" in (out / site_command.INCOMPLETE_MARKER).read_text()


def test_the_build_after_an_interrupted_one_rewrites_every_page_and_clears_the_mark(tmp_path, capsys):
    content = copy_root("site-basic", tmp_path)
    out = tmp_path / "html"
    assert build(content, out) == 0
    (out / site_command.INCOMPLETE_MARKER).write_text("left by an interrupted build")
    (out / "articles" / "trust-first.html").write_text("half written")
    capsys.readouterr()
    assert build(content, out) == 0
    assert "rebuilding every page" in capsys.readouterr().err
    assert "Trust comes first" in (out / "articles" / "trust-first.html").read_text()
    assert not (out / site_command.INCOMPLETE_MARKER).exists()


# The output folder is the build's own -------------------------------------------------------------

PRECIOUS = b"A user's own notes \xe2\x80\x94 not a page of the site.\n"


def files_in(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def site_verb(monkeypatch):
    """Run `kb build` or `kb serve` on a folder; a server that would start fails the test instead."""
    from knowledgebase.cli import serve as serve_command

    def no_server(*args):
        raise AssertionError("kb serve went on to serve")

    monkeypatch.setattr(serve_command, "serve", no_server)

    def run(verb: str, content: Path, out: Path) -> int:
        port = ["--port", str(free_port())] if verb == "serve" else []  # kb serve checks its port first
        return kb([verb, "--content", str(content), "--conf", str(REPO), "--out", str(out), *port])

    return run


@pytest.mark.parametrize("verb", ["build", "serve"])
@pytest.mark.parametrize("mine", [
    pytest.param({"notes.txt": PRECIOUS, "index.html": b"<p>My own home page</p>"}, id="a-user's-files"),
    pytest.param({".buildinfo": b"# Sphinx build info version 1\n", "index.html": b"<p>Another project</p>"},
                 id="another-sphinx-project's-site"),
])
def test_an_out_folder_holding_files_kb_did_not_write_is_refused_and_left_as_it_was(tmp_path, capsys, site_verb,
                                                                                    verb, mine):
    content = copy_root("site-basic", tmp_path)
    out = tmp_path / "Documents"
    out.mkdir()
    for name, data in mine.items():
        (out / name).write_bytes(data)
    assert site_verb(verb, content, out) == 2
    assert capsys.readouterr().err == (
        f"kb {verb}: --out `{out}` already holds files that kb did not write (such as `{min(mine)}`); "
        "choose a new or empty folder, or remove those files (nothing was written)\n")
    assert files_in(out) == mine
    assert not (tmp_path / ".doctrees-Documents").exists()


def test_an_out_folder_that_is_a_file_is_refused(tmp_path, capsys):
    content = copy_root("site-basic", tmp_path)
    out = tmp_path / "notes.txt"
    out.write_bytes(PRECIOUS)
    assert build(content, out) == 2
    assert capsys.readouterr().err == (f"kb build: --out `{out}` is a file, not a folder; choose a new or empty folder "
                                       "(nothing was written)\n")
    assert out.read_bytes() == PRECIOUS


def test_a_doctree_folder_holding_a_users_files_is_refused_and_left_as_it_was(tmp_path, capsys):
    content = copy_root("site-basic", tmp_path)
    cache = tmp_path / ".doctrees-html"
    cache.mkdir()
    (cache / "notes.txt").write_bytes(PRECIOUS)
    assert build(content, tmp_path / "html") == 2
    assert capsys.readouterr().err == (
        f"kb build: Sphinx's cache for --out `{tmp_path / 'html'}`, `{cache}`, already holds files that kb did not "
        "write (such as `notes.txt`); choose another --out, or remove those files (nothing was written)\n")
    assert files_in(cache) == {"notes.txt": PRECIOUS}
    assert not (tmp_path / "html").exists()


def test_the_build_marks_both_folders_it_writes_as_its_own(tmp_path):
    content = copy_root("site-basic", tmp_path)
    assert build(content, tmp_path / "html") == 0
    for folder in (tmp_path / "html", tmp_path / ".doctrees-html"):
        assert "written by `kb build`" in (folder / site_command.OWN_MARKER).read_text(encoding="utf-8")


def test_the_marker_lets_a_later_build_rewrite_the_site(tmp_path):
    content = copy_root("site-basic", tmp_path)
    out = tmp_path / "html"
    assert build(content, out) == 0
    article = content / "articles" / "trust-first.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nA sentence about kingfishers.\n", encoding="utf-8")
    assert build(content, out) == 0
    assert "kingfishers" in (out / "articles" / "trust-first.html").read_text(encoding="utf-8")


def test_a_folder_an_earlier_kb_build_wrote_without_the_marker_is_rebuilt_and_marked(tmp_path):
    """Before the marker, a site was recognisable by Sphinx's .buildinfo and the site's _static/kb.css, and its
    doctree cache by Sphinx's environment.pickle: upgrading kb does not refuse the folders it built."""
    content = copy_root("site-basic", tmp_path)
    out, cache = tmp_path / "html", tmp_path / ".doctrees-html"
    assert build(content, out) == 0
    for folder in (out, cache):
        (folder / site_command.OWN_MARKER).unlink()
    assert build(content, out) == 0
    assert (out / site_command.OWN_MARKER).is_file() and (cache / site_command.OWN_MARKER).is_file()


@pytest.mark.parametrize("out, message", [
    ("src", "is the content folder"),
    ("src/site", "is inside the content folder `{content}`"),
    ("link-to-src/site", "is inside the content folder `{content}`"),
    (".", "holds the content folder `{content}`"),
])
def test_an_out_folder_inside_the_content_folder_or_holding_it_is_refused(tmp_path, capsys, monkeypatch,
                                                                         out, message):
    content = copy_root("site-basic", tmp_path / "project")  # project/src
    (tmp_path / "project" / "link-to-src").symlink_to(content, target_is_directory=True)
    monkeypatch.chdir(tmp_path / "project")
    before = files_in(tmp_path)
    assert build(content, out) == 2
    assert capsys.readouterr().err == (f"kb build: --out `{out}` {message.format(content=content)}; "
                                       "choose a folder outside it (nothing was written)\n")
    assert files_in(tmp_path) == before


def test_a_doctree_folder_that_would_be_inside_the_content_folder_is_refused(tmp_path, capsys, monkeypatch):
    """`--out site`, run from the content folder, with site a link to a folder elsewhere: the site would be
    outside the content, but Sphinx's cache beside `site` would be inside it."""
    content = copy_root("site-basic", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (content / "site").symlink_to(elsewhere, target_is_directory=True)
    monkeypatch.chdir(content)
    assert build(content, Path("site")) == 2
    assert capsys.readouterr().err == (
        f"kb build: Sphinx's cache for --out `site`, `{content / '.doctrees-site'}`, is inside the content folder "
        f"`{content}`; choose another --out (nothing was written)\n")
    assert list(elsewhere.iterdir()) == []


def test_out_dot_puts_sphinxs_cache_beside_the_folder_not_in_it(tmp_path, monkeypatch):
    content = copy_root("site-basic", tmp_path)
    site = tmp_path / "site"
    site.mkdir()
    monkeypatch.chdir(site)
    assert build(content, Path(".")) == 0
    assert (tmp_path / ".doctrees-site" / "environment.pickle").is_file()
    assert not [p.name for p in site.iterdir() if p.name.startswith(".doctrees")]


def test_build_without_a_content_folder_is_a_usage_error(tmp_path, capsys):
    assert build(tmp_path / "missing", tmp_path / "html") == 2
    assert "no content folder" in capsys.readouterr().err


@pytest.mark.parametrize("jobs", ["0", "two"])
def test_build_rejects_a_bad_job_count_before_writing_anything(tmp_path, jobs, capsys):
    content = copy_root("site-basic", tmp_path)
    with pytest.raises(SystemExit) as stop:
        build(content, tmp_path / "html", "-j", jobs)
    assert stop.value.code == 2
    assert capsys.readouterr().err == (f"kb: error: argument -j/--jobs: `{jobs}` is not a whole number of 1 or more, "
                                       "or `auto` (see `kb build --help`)\n")
    assert not (tmp_path / "html").exists()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_serve_on_a_port_in_use_says_so_in_one_line_before_building_or_writing_anything(tmp_path, capsys,
                                                                                      monkeypatch, host):
    from knowledgebase.cli import serve as serve_command
    from knowledgebase.sphinxext import rebuild

    def no_build(*args, **kwargs):
        raise AssertionError("kb serve went on to build")

    monkeypatch.setattr(rebuild, "WarmBuilder", no_build)
    monkeypatch.setattr(serve_command, "serve", no_build)
    content = copy_root("site-basic", tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as taken:  # another server, listening
        port = taken.getsockname()[1]
        status = kb(["serve", "--content", str(content), "--conf", str(REPO), "--out", str(tmp_path / "html"),
                     "--host", host, "--port", str(port)])
    assert status == 2
    assert capsys.readouterr() == ("", f"kb serve: port {port} on {host} is in use; pass another with --port\n")
    assert not (tmp_path / "html").exists() and not (tmp_path / ".doctrees-html").exists()


def test_serve_checks_its_port_as_the_server_binds_it(tmp_path):
    """A free port passes, and so does one a server has just let go of (in TIME_WAIT after a connection),
    which the server itself can listen on again; a host that cannot be listened on is one line."""
    from knowledgebase.cli.common import UsageError
    from knowledgebase.cli.serve import require_listenable

    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)) as client:
            accepted, _ = server.accept()
            accepted.close()  # the server closes first: its end of the connection waits in TIME_WAIT
            client.recv(1)
    require_listenable("127.0.0.1", port)
    with socket.create_server(("127.0.0.1", port)):  # as asyncio's create_server binds it
        pass
    with pytest.raises(UsageError, match=r"^cannot listen on "):
        require_listenable("192.0.2.1", free_port())  # TEST-NET-1: an address of no interface here


def test_serve_works_from_a_virtual_environment_that_is_not_activated(tmp_path):
    """`<venv>/bin/kb serve`, run by its path from another folder with the venv off PATH, serves the site,
    rebuilds it when a file is saved, and loads its reload script from a file the site's policy allows."""
    scripts = Path(sys.executable).parent
    kb_script = scripts / ("kb.exe" if os.name == "nt" else "kb")
    if not kb_script.is_file():
        pytest.skip(f"the kb script is not installed beside {sys.executable}")
    content = copy_root("site-basic", tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != scripts.resolve())
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")} | {"PATH": path}
    port = free_port()
    server = subprocess.Popen(
        [str(kb_script), "serve", "--content", str(content), "--conf", str(REPO), "--out", str(tmp_path / "html"),
         "--port", str(port)],
        cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)

    def fetch(address: str, timeout: float) -> str | None:
        deadline = time.monotonic() + timeout
        while server.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{address}", timeout=5) as response:
                    return response.read().decode("utf-8")
            except OSError:
                time.sleep(0.5)
        return None

    try:
        page = fetch("", 120)  # the first build comes before the server answers
        assert server.poll() is None, server.communicate()[0]
        assert page is not None, "the server never answered"
        assert "Trust comes first" in page
        assert '<script src="/_kb-serve/reload.js"></script>' in page and "<script>" not in page.split("</html>")[1]
        assert "/websocket-reload" in fetch("_kb-serve/reload.js", 10)

        article = content / "articles" / "trust-first.md"
        article.write_text(article.read_text(encoding="utf-8") + "\nA sentence about kingfishers.\n", encoding="utf-8")
        deadline = time.monotonic() + 60
        while "kingfishers" not in (fetch("articles/trust-first.html", 10) or "") and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "kingfishers" in fetch("articles/trust-first.html", 10), "the saved edit never reached the page"
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()
        server.stdout.close()
