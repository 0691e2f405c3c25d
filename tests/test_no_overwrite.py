"""Nothing lost: every `kb` verb that writes files refuses to replace one, and writes atomically.

Each row of ``WRITERS`` is a command line and the file it writes. For each:

* with the name free, it writes the file (so the refusals below mean something);
* with a file already there - even one that appears while the command runs, or
  a dangling symbolic link - it exits with 2 and leaves it byte-identical;
* when writing fails half-way (a full disk) or the folder is not writable, it
  exits with 2, leaves no partial file and no temporary file behind, and an
  existing file it was told to replace (``--force``) is left as it was;
* the file it writes has the permissions the user's umask gives any new file.
"""

from __future__ import annotations

import errno
import io
import os
import stat
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import make_corpus

from knowledgebase import files
from knowledgebase.cli import main

PRECIOUS = b"A contributor's work \xe2\x80\x94 with a stray \xff byte and CRLF\r\nthat must survive byte for byte.\r\n"


@dataclass(frozen=True)
class Writer:
    argv: tuple[str, ...]
    target: str                 # relative to the working folder
    forced: tuple[str, ...] = ()  # the option that allows replacing, if the verb has one


WRITERS = {
    "path-plan-write": Writer(("path", "plan", "--content", "content", "--concepts", "trust", "--minutes", "60",
                               "--write", "content/paths/new-session.md"), "content/paths/new-session.md"),
    "graph-json": Writer(("graph", "--content", "content", "-o", "out/graph.json"), "out/graph.json", ("--force",)),
    "graph-graphml": Writer(("graph", "--content", "content", "--format", "graphml", "-o", "out/graph.graphml"),
                            "out/graph.graphml", ("--force",)),
    "schema-out-first-kind": Writer(("schema", "--content", "content", "--out", "out"), "out/article.schema.json",
                                    ("--force",)),
    "schema-out-last-kind": Writer(("schema", "--content", "content", "--out", "out"), "out/source.schema.json",
                                   ("--force",)),
    "schema-one-kind": Writer(("schema", "path", "--content", "content", "--out", "out"), "out/path.schema.json",
                              ("--force",)),
    "new-article": Writer(("new", "--content", "content", "article", "Fresh thinking on trust", "--concepts", "trust",
                           "--audience", "headteacher"), "content/articles/fresh-thinking-on-trust.md"),
    "new-concept": Writer(("new", "--content", "content", "concept", "Fresh concept"),
                          "content/concepts/fresh-concept.md"),
    "new-path": Writer(("new", "--content", "content", "path", "Fresh session", "--audience", "middle-leader"),
                       "content/paths/fresh-session.md"),
}


def rows(names=None):
    return [pytest.param(w, id=n) for n, w in WRITERS.items() if names is None or n in names]


FORCEABLE = [n for n, w in WRITERS.items() if w.forced]


@dataclass
class Run:
    status: int
    out: str
    err: str


def kb(*argv: str) -> Run:
    """Run `kb` in-process; an exception escaping it is a bug (a traceback for the user), so it fails the test."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(argv))
    except SystemExit as exit_:
        status = exit_.code
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"`kb {' '.join(argv)}` raised {type(error).__name__}: {error} - it should exit with 2")
    return Run(status, out.getvalue(), err.getvalue())


@pytest.fixture
def here(workdir: Path) -> Path:
    make_corpus(workdir)
    return workdir


def leftovers(folder: Path) -> list[str]:
    """Temporary files a writer left behind (they start with a dot and end with .tmp)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp")) if folder.is_dir() else []


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


# Control: each command does write its file ----------------------------------------------------------


@pytest.mark.parametrize("writer", rows())
def test_writer_creates_its_file_when_the_name_is_free(here, writer):
    run = kb(*writer.argv)
    assert run.status == 0, run.err
    target = here / writer.target
    assert target.is_file() and target.stat().st_size > 0
    assert leftovers(target.parent) == []


@pytest.fixture
def umask():
    """Set the process's umask for the test; the one before is restored afterwards."""
    before = os.umask(0o022)
    try:
        yield os.umask
    finally:
        os.umask(before)


@pytest.mark.parametrize("mask, mode", [pytest.param(mask, mode, id=f"umask-{mask:03o}")
                                        for mask, mode in [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)]])
@pytest.mark.parametrize("writer", rows())
def test_writer_gives_its_file_the_permissions_the_umask_allows(here, writer, umask, mask, mode):
    """A web server, a CI user or the group can read what `kb` writes, as far as the user's umask lets them."""
    umask(mask)
    run = kb(*writer.argv)
    assert run.status == 0, run.err
    assert stat.S_IMODE((here / writer.target).stat().st_mode) == mode


# Never over an existing file --------------------------------------------------------------------


@pytest.mark.parametrize("writer", rows())
def test_writer_refuses_to_overwrite_an_existing_file_and_leaves_it_byte_identical(here, writer):
    target = here / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PRECIOUS)
    run = kb(*writer.argv)
    assert run.status == 2
    assert "already exists" in run.err
    assert target.read_bytes() == PRECIOUS
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("argv, existing", [
    pytest.param(("path", "plan", "--content", "content", "--concepts", "trust", "--minutes", "60",
                  "--write", "content/paths/trust-for-inquiry.md"), "content/paths/trust-for-inquiry.md",
                 id="path-plan-over-a-curated-path"),
    pytest.param(("new", "--content", "content", "article", "Trust before tests", "--concepts", "trust",
                  "--audience", "headteacher"), "content/articles/trust-before-tests.md",
                 id="new-article-over-an-article"),
    pytest.param(("new", "--content", "content", "concept", "Trust"), "content/concepts/trust.md",
                 id="new-concept-over-a-concept"),
])
def test_writer_refuses_to_overwrite_a_file_of_the_corpus(here, argv, existing):
    """A real record of the corpus, not only a stray file, is safe."""
    before = (here / existing).read_bytes()
    run = kb(*argv)
    assert run.status == 2
    assert (here / existing).read_bytes() == before


@pytest.mark.parametrize("writer", rows())
def test_writer_does_not_overwrite_a_file_that_appears_while_it_runs(here, writer, monkeypatch):
    """The existence check and the write are one step: a file created in between still wins."""
    target = here / writer.target
    real = files._temporary_copy

    def racing(path: Path, text: str) -> Path:
        temporary = real(path, text)
        if Path(path).resolve() == target.resolve():
            target.write_bytes(PRECIOUS)  # another process creates the file just before ours lands
        return temporary

    monkeypatch.setattr(files, "_temporary_copy", racing)
    run = kb(*writer.argv)
    assert run.status == 2
    assert target.read_bytes() == PRECIOUS
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("writer", rows())
def test_writer_refuses_to_write_through_a_dangling_symbolic_link(here, writer):
    target = here / writer.target
    victim = here / "elsewhere" / "victim.txt"
    victim.parent.mkdir()
    target.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(victim, target)
    run = kb(*writer.argv)
    assert run.status == 2
    assert not victim.exists()
    assert target.is_symlink()


# Atomic writes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("writer", rows())
def test_writer_leaves_no_partial_file_when_the_disk_is_full(here, writer, monkeypatch):
    target = here / writer.target
    monkeypatch.setattr(files.os, "fsync", disk_full)
    run = kb(*writer.argv)
    assert run.status == 2
    assert not target.exists()
    assert leftovers(target.parent) == []


def test_write_new_removes_its_temporary_file_when_writing_fails(tmp_path, monkeypatch):
    """The library may raise (the command reports it), but must not leave `.name.*.tmp` behind."""
    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError):
        files.write_new(tmp_path / "new.md", "text")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_write_replacing_removes_its_temporary_file_and_keeps_the_old_one_when_writing_fails(tmp_path, monkeypatch):
    target = tmp_path / "graph.json"
    target.write_bytes(PRECIOUS)
    monkeypatch.setattr(files.os, "fsync", disk_full)
    with pytest.raises(OSError):
        files.write_replacing(target, "new text", force=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.json"]
    assert target.read_bytes() == PRECIOUS


@pytest.mark.parametrize("writer", rows(FORCEABLE))
def test_forced_replacement_keeps_the_old_file_when_the_disk_is_full(here, writer, monkeypatch):
    target = here / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PRECIOUS)
    monkeypatch.setattr(files.os, "fsync", disk_full)
    run = kb(*writer.argv, *writer.forced)
    assert run.status == 2
    assert target.read_bytes() == PRECIOUS
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("writer", rows(FORCEABLE))
def test_forced_replacement_does_replace_the_file(here, writer):
    """Control for the test above: with --force and a working disk, the old bytes are gone."""
    target = here / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PRECIOUS)
    run = kb(*writer.argv, *writer.forced)
    assert run.status == 0, run.err
    assert target.read_bytes() != PRECIOUS
    assert leftovers(target.parent) == []


@pytest.mark.parametrize("writer", rows(FORCEABLE))
def test_forced_replacement_keeps_the_permissions_of_the_file_it_replaces(here, writer, umask):
    target = here / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(PRECIOUS)
    target.chmod(0o640)
    run = kb(*writer.argv, *writer.forced)
    assert run.status == 0, run.err
    assert target.read_bytes() != PRECIOUS
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def _permissions_enforced(folder: Path) -> bool:
    probe = folder / "probe"
    probe.mkdir()
    probe.chmod(0o555)
    try:
        (probe / "x").write_text("x")
    except PermissionError:
        return True
    else:
        return False
    finally:
        probe.chmod(0o755)
        for child in probe.iterdir():
            child.unlink()
        probe.rmdir()


@pytest.mark.parametrize("writer", rows())
def test_writer_exits_with_2_and_leaves_nothing_when_the_folder_is_not_writable(here, writer):
    if not _permissions_enforced(here):
        pytest.skip("file permissions are not enforced here (running as root?)")
    target = here / writer.target
    target.parent.mkdir(parents=True, exist_ok=True)
    target.parent.chmod(0o555)
    try:
        run = kb(*writer.argv)
        assert run.status == 2
        assert not target.exists()
        assert leftovers(target.parent) == []
    finally:
        target.parent.chmod(0o755)


def test_schema_out_writes_nothing_when_any_target_exists(tmp_path, monkeypatch):
    from knowledgebase.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "path.schema.json").write_text("mine", encoding="utf-8")
    assert main(["schema", "--out", "schemas"]) == 2
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == ["path.schema.json"]
