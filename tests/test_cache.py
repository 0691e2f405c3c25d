"""The per-file load cache: a cached load is the same as a cold load, whatever changed in between,
and a cache file that is damaged, hostile or from other code counts as empty, never as a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import yaml
from conftest import BASE_FILES, article, make_corpus, reads_spied
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledgebase import load as load_module
from knowledgebase.reading import frontmatter, stamps
from knowledgebase.reuse import store
from knowledgebase.reuse.cachefile import read_cache_file, write_cache_file
from knowledgebase.reuse.filecache import LoadCache
from knowledgebase.reuse.store import cache_file
from knowledgebase.cli import main
from knowledgebase.load import load
from knowledgebase.reading.references import _WORD, count_words

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "tests" / "roots" / "hostile"
TYPO = BASE_FILES["articles/research-on-trust.md"].replace("concepts: [trust]", "concepts: [trsut]")

# Edits a contributor makes between two loads: each is (operation, file, text).
NAMES = ["articles/trust-before-tests.md", "articles/research-on-trust.md", "concepts/trust.md",
         "concepts/agency.md", "paths/trust-for-inquiry.md", "articles/new-one.md", "concepts/new-one.md",
         "index.md", "notes/page.md"]
TEXTS = st.one_of(
    st.sampled_from(sorted(set(BASE_FILES.values()) - {BASE_FILES["sources.yaml"]})),
    st.sampled_from([TYPO, article("New one", ["trust", "agency"], body="See {article}`research-on-trust`.\n"),
                     "---\ntitle: [unclosed\n---\n", "no front matter\n", "", "---\nlabel: x\n---\n<b>raw</b>\n",
                     "---\nupdated: 2026-01-02\ntitle: T\n---\n![x](../_assets/missing.png)\n"]),
    st.text(max_size=80),
)
EDITS = st.lists(st.tuples(st.sampled_from(["write", "delete", "rename", "touch"]), st.sampled_from(NAMES),
                           TEXTS, st.sampled_from(NAMES)), min_size=1, max_size=6)


def apply(content: Path, operation: str, name: str, text: str, other: str) -> None:
    file, target = content / name, content / other
    if operation == "write":
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(text, encoding="utf-8")
    elif operation == "delete" and file.exists():
        file.unlink()
    elif operation == "rename" and file.exists() and file != target:
        target.parent.mkdir(parents=True, exist_ok=True)
        file.replace(target)
    elif operation == "touch" and file.exists():
        os.utime(file, ns=(0, 0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(EDITS, min_size=1, max_size=4), through_file=st.booleans())
def test_a_cached_load_after_any_edits_equals_a_cold_load(rounds, through_file):
    with tempfile.TemporaryDirectory(prefix="kb-cache-property-") as folder:
        content = make_corpus(Path(folder))
        stored = Path(folder) / "cache" / "load-cache.json"
        cache = LoadCache()
        assert load(content, cache) == load(content)
        for edits in rounds:
            for edit in edits:
                apply(content, *edit)
            if through_file:  # as `kb check` does: each load starts from the file the last one wrote
                write_cache_file(cache, stored)
                cache = read_cache_file(stored, content.resolve())
            assert load(content, cache) == load(content)


# Lines an article's body is rewritten with, which a long-lived cache links from the last load
# (reuse.relink): words, links and roles to records that exist or not, and problems for the body policy.
BODY_LINES = st.sampled_from([
    "A plain sentence about leading learning.",
    "See {article}`research-on-trust` and {concept}`agency`.",
    "See {article}`no-such-article` and {concept}`no-such-concept`.",
    "Read [the lead learner](leading-as-lead-learner.md) next.",
    "Read [a missing page](missing-page.md) next.",
    "{source}`stake-essay`, {source}`no-such-source`, {path}`trust-for-inquiry` and {path}`no-such-path`.",
    "{article}`trust-before-tests`",   # the article may link to itself
    "<b>raw HTML</b>",
    "TODO(author): finish this.",
    "",
])
# Front matter edits to one field of an article, which the cache also links from the last load as long
# as the article still loads (or still does not): valid, aliased, unknown and repeated concepts, none at
# all; prerequisites that exist, do not, or make a cycle; audiences; a research summary without sources.
FIELD_EDITS = st.one_of(
    st.tuples(st.just("concepts"), st.sampled_from(["[trust]", "[agency, inquiry]", "[relational trust]", "[trsut]",
                                                    "[trust, trust]", "[skin-in-the-game, trsut]", "[]"])),
    st.tuples(st.just("prerequisites"), st.sampled_from(["[trust-before-tests]", "[no-such-article]", "[]",
                                                         "[monitoring-as-a-process]", "[research-on-trust]"])),
    st.tuples(st.just("audience"), st.sampled_from(["[teacher]", "[nobody]", "[headteacher, teacher]"])),
    st.tuples(st.just("kind"), st.sampled_from(["research-summary", "guide"])),
    st.tuples(st.just("sources"), st.sampled_from(["[]", "[stake-essay]", "[no-such-source]"])),
    st.tuples(st.just("title"), st.sampled_from(["A new title", "Trust before tests"])),
)
ARTICLE_NAMES = st.sampled_from(sorted(n for n in BASE_FILES if n.startswith("articles/")))
ARTICLE_EDITS = st.lists(st.one_of(st.tuples(st.just("body"), ARTICLE_NAMES, st.lists(BODY_LINES, max_size=5)),
                                   st.tuples(st.just("field"), ARTICLE_NAMES, FIELD_EDITS)), min_size=1, max_size=3)


def with_body(text: str, lines: list[str]) -> str:
    """``text`` (an article) with its body replaced by ``lines``, its front matter byte for byte as it was."""
    end = text.index("\n---\n", 4) + len("\n---\n")
    return text[:end] + "\n" + "\n\n".join(lines) + "\n"


def with_field(text: str, name: str, value: str) -> str:
    """``text`` (an article) with the one-line field ``name`` set to ``value``, added if it is not there."""
    end = text.index("\n---\n", 4)
    lines = text[:end].split("\n")
    found = [i for i, line in enumerate(lines) if line.startswith(f"{name}:")]
    if found:
        lines[found[0]] = f"{name}: {value}"
    else:
        lines.append(f"{name}: {value}")
    return "\n".join(lines) + text[end:]


def everything(result) -> tuple:
    """A load result with what equality leaves out: each record's body references, with their lines."""
    kb = result.kb
    return (result, {aid: a.references for aid, a in kb.articles.items()},
            {cid: c.references for cid, c in kb.concepts.items()}, [d.hint for d in result.diagnostics])


# A concept whose own file does not load: an article tagged with it alone is linked (a reading path can
# still take it as a step) but left out of the knowledge base.
BROKEN_CONCEPT = "\n".join(line for line in BASE_FILES["concepts/skin-in-the-game.md"].split("\n")
                           if not line.startswith("definition:"))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(st.tuples(ARTICLE_EDITS, st.booleans()), min_size=1, max_size=5), typo_first=st.booleans(),
       broken_concept=st.booleans())
def test_a_long_lived_cache_links_article_edits_as_a_cold_load_does(rounds, typo_first, broken_concept):
    with tempfile.TemporaryDirectory(prefix="kb-relink-property-") as folder:
        # With the typo, research-on-trust is a record that does not load: links to it lead nowhere.
        start = {"articles/research-on-trust.md": TYPO} if typo_first else {}
        if broken_concept:
            start["concepts/skin-in-the-game.md"] = BROKEN_CONCEPT
        content = make_corpus(Path(folder), start)
        cache = LoadCache()
        load(content, cache)
        for edits, typo_too in rounds:
            for what, name, change in edits:
                file = content / name
                text = file.read_text(encoding="utf-8")
                file.write_text(with_body(text, change) if what == "body" else with_field(text, *change),
                                encoding="utf-8")
            if typo_too:  # research-on-trust's only concept misspelt or put right: it stops or starts loading
                typo = content / "articles/research-on-trust.md"
                text = typo.read_text(encoding="utf-8")
                typo.write_text(text.replace("[trust]", "[trsut]") if "[trust]" in text
                                else text.replace("[trsut]", "[trust]"), encoding="utf-8")
            assert everything(load(content, cache)) == everything(load(content))


def test_an_article_that_stops_being_linked_while_its_concepts_do_not_load_leaves_its_reading_path(corpus):
    # Tagged only with a concept that does not load, the article is left out of the knowledge base, but a
    # reading path still takes it as a step; without an audience it is not linked at all, and the path
    # loses the step: an edit the last linking cannot answer.
    tagged_with_broken = with_field(BASE_FILES["articles/trust-before-tests.md"], "concepts", "[skin-in-the-game]")
    content = corpus({"concepts/skin-in-the-game.md": BROKEN_CONCEPT, "articles/trust-before-tests.md": tagged_with_broken})
    cache = LoadCache()
    before = load(content, cache)
    assert "trust-before-tests" in [step.article for step in before.kb.paths["trust-for-inquiry"].steps]
    (content / "articles/trust-before-tests.md").write_text(with_field(tagged_with_broken, "audience", "[]"),
                                                            encoding="utf-8")
    after = load(content, cache)
    assert "trust-before-tests" not in [step.article for step in after.kb.paths["trust-for-inquiry"].steps]
    assert everything(after) == everything(load(content))


@pytest.mark.parametrize("edit, linked", [
    (lambda text: with_body(text, ["See {article}`research-on-trust`."]), lambda a: a.links == ("research-on-trust",)),
    (lambda text: with_field(text, "concepts", "[trust, agency]"), lambda a: a.concepts == ("trust", "agency")),
], ids=["body", "concepts"])
def test_an_articles_edit_is_linked_from_the_last_load_not_afresh(corpus, monkeypatch, edit, linked):
    content = corpus()
    cache = LoadCache()
    load(content, cache)
    file = content / "articles/trust-before-tests.md"
    file.write_text(edit(file.read_text(encoding="utf-8")), encoding="utf-8")
    linked_afresh = []
    real = load_module.link_all
    monkeypatch.setattr(load_module, "link_all", lambda *args: linked_afresh.append(args) or real(*args))
    result = load(content, cache)
    assert not linked_afresh
    assert linked(result.kb.articles["trust-before-tests"])


@pytest.fixture
def settle_quickly(monkeypatch):
    """Files count as settled a moment after they are written (instead of two seconds), so that a test can
    see a file trusted by its stamp alone."""
    monkeypatch.setattr(stamps, "SETTLE_NS", 1_000_000)
    return lambda: time.sleep(0.05)


def test_an_unchanged_file_is_not_read_again(corpus, monkeypatch, settle_quickly):
    content = corpus()
    settle_quickly()
    cache = LoadCache()
    result = load(content, cache)
    # Read every time: pages whose policy check looks at other files, and sources.yaml (not cached).
    always = sorted([Path(rel).name for rel, page in result.pages.items() if page.reads_files] + ["sources.yaml"])
    read = reads_spied(monkeypatch)
    load(content, cache)
    assert sorted(read) == always
    read.clear()
    (content / "articles" / "research-on-trust.md").write_text(TYPO, encoding="utf-8")
    settle_quickly()
    assert [d.code for d in load(content, cache).diagnostics] == ["KB102"]
    assert sorted(read) == sorted(always + ["research-on-trust.md"])


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(corpus, settle_quickly):
    content = corpus()
    file = content / "articles" / "research-on-trust.md"
    old = file.stat().st_mtime_ns
    settle_quickly()
    cache = LoadCache()
    load(content, cache)
    settle_quickly()
    file.write_text(BASE_FILES["articles/research-on-trust.md"].replace("concepts: [trust]", "concepts: [trsx]"),
                    encoding="utf-8")
    os.utime(file, ns=(old, old))   # the same size and modification time; the change time moves on
    assert [d.message for d in load(content, cache).diagnostics] == [
        "unknown concept `trsx` in `concepts`"]


def test_a_cache_names_files_as_each_load_is_asked(corpus, monkeypatch):
    content = corpus({"articles/research-on-trust.md": TYPO})
    cache = LoadCache()
    assert load("content", cache).diagnostics[0].path == "content/articles/research-on-trust.md"
    monkeypatch.chdir(content / "articles")
    assert load("..", cache).diagnostics[0].path == "../articles/research-on-trust.md"
    assert load(content.resolve(), cache).diagnostics[0].path == "../articles/research-on-trust.md"
    assert load(content.resolve(), cache) == load(content.resolve())


def test_a_cache_used_for_another_folder_starts_afresh(tmp_path):
    first = make_corpus(tmp_path, folder="one")
    second = make_corpus(tmp_path, {"articles/research-on-trust.md": TYPO}, folder="two")
    cache = LoadCache()
    load(first, cache)
    assert load(second, cache) == load(second)


def test_the_body_policy_is_checked_again_when_it_looks_at_other_files(corpus):
    page = article("Pictures", ["trust"], body="![a chart](../_assets/chart.png)\n")
    content = corpus({"articles/pictures.md": page})
    cache = LoadCache()
    missing = load(content, cache)
    assert missing == load(content)
    assert missing.errors
    (content / "_assets").mkdir()
    (content / "_assets" / "chart.png").write_bytes(b"\x89PNG\r\n")
    present = load(content, cache)
    assert present == load(content)
    assert not present.errors


def test_the_hostile_corpus_loads_the_same_through_a_cache_file(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(HOSTILE, content)
    cache = LoadCache()
    cold = load(content, cache)
    stored = tmp_path / "cache.json"
    assert write_cache_file(cache, stored)
    again = read_cache_file(stored, content.resolve())
    assert len(again) == len(cache) > 0
    assert load(content, again) == cold == load(content)


def test_front_matter_that_looks_like_the_cache_files_own_tags_comes_back_as_it_was(corpus, tmp_path):
    tricky = ('---\ntitle: {"\\0date": "2020-01-01"}\nsummary: {"\\0pairs": [[a, b]]}\n'
              'questions: [{"\\0datetime": 5, "\\0other": x}]\nupdated: 2020-01-02 10:00:00+02:00\n---\nText.\n')
    content = corpus({"articles/tricky.md": tricky})
    cache = LoadCache()
    cold = load(content, cache)
    assert {d.code for d in cold.diagnostics if d.path.endswith("tricky.md")} >= {"KB104"}
    stored = tmp_path / "cache.json"
    write_cache_file(cache, stored)
    again = read_cache_file(stored, content.resolve())
    assert len(again) == len(cache)
    assert load(content, again) == cold


def test_libyaml_and_pure_python_yaml_give_the_same_diagnostics(monkeypatch):
    """The same codes, files, lines and hints, and the same messages but for how each parser words a
    syntax error (its own text, quoted after "YAML syntax error:")."""
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml")
    assert frontmatter.yaml_implementation() == "libyaml"
    with_libyaml = load(HOSTILE)
    monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    assert frontmatter.yaml_implementation() == "python"
    pure = load(HOSTILE)
    assert len(with_libyaml.diagnostics) > 40

    def comparable(result):
        return [(d.code, d.path, d.line, d.hint, "YAML syntax error" if d.code == "KB005" and
                 d.message.startswith("YAML syntax error: ") else d.message) for d in result.diagnostics]

    assert comparable(pure) == comparable(with_libyaml)
    assert pure.kb == with_libyaml.kb


# The cache file -------------------------------------------------------------------------------------------


@pytest.fixture
def stored(corpus, tmp_path) -> tuple[Path, Path]:
    """A content folder with an error, and a cache file written by loading it."""
    content = corpus({"articles/research-on-trust.md": TYPO})
    cache = LoadCache()
    load(content, cache)
    path = tmp_path / "cache" / "load-cache.json"
    assert write_cache_file(cache, path)
    return content, path


def rewrite_body(path: Path, change) -> None:
    """Change the cache file's body and fix its hash: a forged file, not a damaged one."""
    import hashlib

    header, _, body = path.read_bytes().partition(b"\n")
    files = json.loads(body)
    change(files)
    body = json.dumps(files).encode()
    header = json.loads(header)
    header["body"] = hashlib.blake2b(body, digest_size=16).hexdigest()
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)


def first_article(files: dict) -> list:
    return files["articles/research-on-trust.md"]


FORGERIES = {
    "not a mapping": lambda files: files.clear() or files.update({"articles/x.md": "not an entry"}),
    "short entry": lambda files: first_article(files).pop(),
    "stamp of text": lambda files: first_article(files).__setitem__(0, ["a", "b", "c", "d"]),
    "settled not a bool": lambda files: first_article(files).__setitem__(2, "yes"),
    "unknown code": lambda files: first_article(files).__setitem__(4, [["KB999", 1, "m", "h"]]),
    "line of text": lambda files: first_article(files).__setitem__(4, [["KB005", "1", "m", "h"]]),
    "reference kind": lambda files: first_article(files).__setitem__(6, ["script", "x", 1]),
    "reference list": lambda files: first_article(files).__setitem__(6, [["article"], "x", 1]),
    "lines not text": lambda files: first_article(files)[5].__setitem__(1, 7),
    "path outside the content": lambda files: files.update({"../../etc/passwd.md": first_article(files)}),
    "absolute path": lambda files: files.update({"/etc/passwd.md": first_article(files)}),
    "bad date": lambda files: first_article(files)[5][0].update({"updated": {"\u0000date": "tomorrow"}}),
    "date tag and more": lambda files: first_article(files)[5][0].update({"updated": {"\u0000date": "2020-01-01",
                                                                                       "x": 1}}),
}


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_cache_file_counts_as_empty(stored, forgery):
    content, path = stored
    rewrite_body(path, FORGERIES[forgery])
    assert len(read_cache_file(path, content.resolve())) == 0


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "body edited", "other engine", "other folder",
                                    "deeply nested", "too big"])
def test_a_damaged_cache_file_counts_as_empty(stored, damage, monkeypatch):
    content, path = stored
    data = path.read_bytes()
    header, _, body = data.partition(b"\n")
    replacement = {
        "garbage": b"\x00\xff not json at all",
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "body edited": header + b"\n" + body.replace(b"trsut", b"trust"),
        "other engine": header.replace(b'"engine": "', b'"engine": "0') + b"\n" + body,
        "other folder": data,
        "deeply nested": header + b"\n" + b"[" * 100_000 + b"]" * 100_000,
        "too big": data,
    }[damage]
    path.write_bytes(replacement)
    if damage == "too big":
        monkeypatch.setattr(store, "MAX_CACHE_BYTES", len(data) - 1)
    root = content.resolve().parent if damage == "other folder" else content.resolve()
    assert len(read_cache_file(path, root)) == 0


@pytest.fixture
def fingerprint_afresh():
    """The engine's fingerprint is computed once per process; a test that changes what it covers
    computes it again, before and after."""
    store.engine_fingerprint.cache_clear()
    store.code_fingerprint.cache_clear()
    yield
    store.engine_fingerprint.cache_clear()
    store.code_fingerprint.cache_clear()


@pytest.mark.parametrize("change", ["engine version", "MyST version", "YAML parser"])
def test_other_engine_code_or_parsers_empty_the_cache(stored, monkeypatch, fingerprint_afresh, change):
    content, path = stored
    assert len(read_cache_file(path, content.resolve())) > 0
    if change == "engine version":
        monkeypatch.setattr(store, "__version__", "99.0")
    elif change == "MyST version":
        from importlib import metadata

        real = metadata.version
        monkeypatch.setattr(metadata, "version", lambda name: "99.0" if name == "myst-parser" else real(name))
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml: there is no other parser to switch to")
    else:
        monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    store.engine_fingerprint.cache_clear()
    store.code_fingerprint.cache_clear()
    assert len(read_cache_file(path, content.resolve())) == 0


def test_a_stale_or_forged_table_of_lines_never_raises(stored):
    content, path = stored
    rewrite_body(path, lambda files: first_article(files)[5].__setitem__(1, "[[\"concepts\", \"x\"]]"))
    cache = read_cache_file(path, content.resolve())
    assert len(cache) > 0
    result = load(content, cache)
    assert [(d.code, d.line) for d in result.diagnostics] == [("KB102", 2)]


def test_the_cache_file_is_never_inside_the_content_folder(corpus, monkeypatch):
    content = corpus()
    monkeypatch.setenv("KB_CACHE_DIR", str(content / "articles"))
    assert cache_file(content) is None
    assert main(["check", "--content", str(content)]) == 0
    assert sorted(p.name for p in (content / "articles").iterdir() if not p.name.endswith(".md")) == []


# kb check with its cache, as a contributor runs it ---------------------------------------------------------


def kb(*argv: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "kb"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "knowledgebase"]
    return subprocess.run([*command, *argv], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def cache_home(tmp_path) -> Path:
    return tmp_path / "user-cache"


def test_check_keeps_a_cache_and_reports_the_same_with_and_without_it(corpus, workdir, cache_home):
    corpus({"articles/research-on-trust.md": TYPO})
    env = {"KB_CACHE_DIR": str(cache_home)}
    cold = kb("check", "--content", "content", "--no-cache", cwd=workdir, env=env)
    assert not cache_home.exists()
    first = kb("check", "--content", "content", cwd=workdir, env=env)
    assert len(list(cache_home.glob("*/load-cache.json"))) == 1
    warm = kb("check", "--content", "content", "--format", "json", cwd=workdir, env=env)
    warm_text = kb("check", "--content", "content", cwd=workdir, env=env)
    assert cold.returncode == first.returncode == warm.returncode == 1
    assert cold.stdout == first.stdout == warm_text.stdout
    assert cold.stdout.startswith("content/articles/research-on-trust.md:4: error KB102")
    assert json.loads(warm.stdout)["errors"] == 1
    assert cold.stderr == first.stderr == warm.stderr == ""


def test_check_leaves_the_cache_file_alone_after_a_few_edits_and_still_sees_them(corpus, capsys, settle_quickly):
    many = {f"articles/extra-{i}.md": article(f"Extra {i}", ["trust"]) for i in range(120)}
    content = corpus(many)
    settle_quickly()
    assert main(["check", "--content", "content"]) == 0
    stored = cache_file(content)
    written = stored.stat().st_mtime_ns
    (content / "articles" / "research-on-trust.md").write_text(TYPO, encoding="utf-8")
    capsys.readouterr()
    for _ in range(2):
        assert main(["check", "--content", "content"]) == 1
        assert capsys.readouterr().out.startswith("content/articles/research-on-trust.md:4: error KB102")
        assert stored.stat().st_mtime_ns == written


def test_check_with_a_garbage_cache_file_reports_as_without_one(corpus, workdir, cache_home):
    content = corpus({"articles/research-on-trust.md": TYPO})
    env = {"KB_CACHE_DIR": str(cache_home)}
    expected = kb("check", "--content", "content", "--no-cache", cwd=workdir, env=env)
    file = cache_home / store.cache_folder(content).name / "load-cache.json"
    file.parent.mkdir(parents=True)
    file.write_bytes(b'{"format": "leading-learning/load-cache"}\n{"articles/x.md": [1, 2]}')
    damaged = kb("check", "--content", "content", cwd=workdir, env=env)
    assert (damaged.returncode, damaged.stdout, damaged.stderr) == (expected.returncode, expected.stdout, "")


def test_check_works_when_the_cache_folder_cannot_be_written(corpus, workdir, tmp_path):
    corpus({"articles/research-on-trust.md": TYPO})
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        result = kb("check", "--content", "content", cwd=workdir,
                    env={"KB_CACHE_DIR": str(locked / "cache"), "HOME": str(locked)})
    finally:
        locked.chmod(0o700)
    assert result.returncode == 1
    assert result.stdout.startswith("content/articles/research-on-trust.md:4: error KB102")
    assert result.stderr == ""


def test_check_changed_reports_exactly_the_full_checks_diagnostics_of_that_file(corpus, workdir, cache_home):
    content = corpus()
    env = {"KB_CACHE_DIR": str(cache_home), "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_SYSTEM": "/dev/null"}
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@example.org",
                                                    "commit", "-qm", "base"]):
        subprocess.run(["git", *command], cwd=workdir, check=True, env={**os.environ, **env})
    kb("check", "--content", "content", cwd=workdir, env=env)   # the cache is warm
    (content / "articles" / "research-on-trust.md").write_text(TYPO + "\nTODO(author): more\n", encoding="utf-8")
    (content / "concepts" / "agency.md").write_text(
        BASE_FILES["concepts/agency.md"].replace("label:", "label: [", 1), encoding="utf-8")
    full = kb("check", "--content", "content", "--format", "json", "--no-cache", cwd=workdir, env=env)
    changed = kb("check", "--content", "content", "--format", "json", "--changed", cwd=workdir, env=env)
    one = kb("check", "--content", "content", "--format", "json", "content/articles/research-on-trust.md",
             cwd=workdir, env=env)
    everything = json.loads(full.stdout)["diagnostics"]
    assert {d["path"] for d in everything} >= {"content/articles/research-on-trust.md", "content/concepts/agency.md"}
    assert json.loads(changed.stdout)["diagnostics"] == [d for d in everything if d["path"] in (
        "content/articles/research-on-trust.md", "content/concepts/agency.md")]
    assert json.loads(one.stdout)["diagnostics"] == [d for d in everything
                                                     if d["path"] == "content/articles/research-on-trust.md"]
    assert changed.returncode == one.returncode == full.returncode == 1


# Counting words -------------------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab1_ 'é’\u00a0\u0301½-.\n\tÅ𝟘ß"), max_size=60) | st.text(max_size=60))
def test_counting_words_agrees_with_the_word_pattern(text):
    assert count_words(text) == len(_WORD.findall(text))
