"""`kb build` and `kb serve`: where the site goes, strictness, never a half-written site that looks finished,
and a preview server from any install."""

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
from knowledgebase.commands import site as site_command
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
