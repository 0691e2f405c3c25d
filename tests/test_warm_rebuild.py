"""The edit loop behind `kb serve`: a long-lived WarmBuilder rebuilds what changed and writes what a clean build writes.

`tests/test_differential_builds.py` holds its output to clean builds byte for byte after
random sequences of every kind of edit; these tests pin down what it skips and how it recovers.
"""

from __future__ import annotations

import gc
import io
from pathlib import Path

from knowledgebase.cli import main as kb
from knowledgebase.cli.site import OWN_MARKER
from knowledgebase.sphinxext.rebuild import WarmBuilder
from sphinx_support import REPO, copy_root


def warm(tmp_path: Path) -> tuple[WarmBuilder, Path, io.StringIO]:
    content = copy_root("site-basic", tmp_path)
    status = io.StringIO()
    builder = WarmBuilder(content, REPO, tmp_path / "html", tmp_path / ".doctrees-html", status=status,
                          warning=io.StringIO())
    assert builder.build() == 0
    return builder, content, status


def test_a_save_that_changes_no_bytes_builds_nothing(tmp_path):
    builder, content, status = warm(tmp_path)
    article = content / "articles" / "trust-first.md"
    page = tmp_path / "html" / "articles" / "trust-first.html"
    written = page.stat().st_mtime_ns
    article.write_bytes(article.read_bytes())
    assert builder.build([article]) == 0
    assert status.getvalue().splitlines()[-1] == "kb serve: nothing changed"
    assert page.stat().st_mtime_ns == written


def test_an_edit_is_built_and_shown(tmp_path):
    builder, content, status = warm(tmp_path)
    article = content / "articles" / "trust-first.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nKingfishers nest in banks.\n", encoding="utf-8")
    assert builder.build([article]) == 0
    assert status.getvalue().splitlines()[-1].startswith("kb serve: rebuilt in")
    assert "Kingfishers nest in banks." in (tmp_path / "html" / "articles" / "trust-first.html").read_text()


def test_a_new_folder_is_always_built(tmp_path):
    builder, content, status = warm(tmp_path)
    folder = content / "articles" / "more"
    folder.mkdir()
    assert builder.build([folder]) == 0
    assert status.getvalue().splitlines()[-1].startswith("kb serve: rebuilt in")


def test_a_change_to_conf_py_starts_a_new_application(tmp_path):
    builder, content, _ = warm(tmp_path)
    first = builder.app
    assert builder.build([REPO / "conf.py"]) == 0
    assert builder.app is not first


def test_after_a_failed_build_the_next_save_builds_again_from_a_new_application(tmp_path, monkeypatch):
    builder, content, status = warm(tmp_path)
    article = content / "articles" / "trust-first.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nFirst try.\n", encoding="utf-8")
    monkeypatch.setattr(builder.app, "build", lambda *args: (_ for _ in ()).throw(RuntimeError("disk full")))
    assert builder.build([article]) == 1
    assert builder.app is None
    assert "the build failed" in builder.warning.getvalue() and "disk full" in builder.warning.getvalue()
    assert builder.build([article]) == 0
    assert "First try." in (tmp_path / "html" / "articles" / "trust-first.html").read_text()


def test_warm_rebuilds_write_what_a_clean_build_writes_after_a_body_and_a_concept_edit(tmp_path):
    builder, content, _ = warm(tmp_path)
    article = content / "articles" / "learning-walks.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nWalk the corridors slowly.\n", encoding="utf-8")
    assert builder.build([article]) == 0
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("concepts: [", "concepts: [trust, ", 1), encoding="utf-8")
    assert builder.build([article]) == 0
    clean = tmp_path / "clean"
    assert kb(["build", "-q", "--content", str(content), "--conf", str(REPO), "--out", str(clean)]) == 0
    # The command, not the builder, marks the folder as its own (kb serve does so before its builder starts).
    files = sorted(p.relative_to(clean) for p in clean.rglob("*")
                   if p.is_file() and p.name not in (".buildinfo", OWN_MARKER))
    different = [f for f in files if (clean / f).read_bytes() != (tmp_path / "html" / f).read_bytes()]
    assert different == []


def test_a_builder_inside_another_program_leaves_its_cycle_collector_alone(tmp_path):
    frozen = gc.get_freeze_count()
    builder, content, _ = warm(tmp_path)
    article = content / "articles" / "trust-first.md"
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    assert builder.build([article]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_kb_serve_builder_sets_aside_what_its_first_build_leaves_and_collects_after_each_rebuild(tmp_path):
    content = copy_root("site-basic", tmp_path)
    builder = WarmBuilder(content, REPO, tmp_path / "html", tmp_path / ".doctrees-html", status=None,
                          warning=io.StringIO(), owns_process=True)
    try:
        assert builder.build() == 0
        assert gc.get_freeze_count() > 0
        article = content / "articles" / "trust-first.md"
        article.write_text(article.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
        assert builder.build([article]) == 0
        assert not gc.isenabled()  # paused from the rebuild until it has been answered
        builder.tidy()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
