"""`kb check` on some files (`--changed`, or files named): it reads those files and lets the link index stand
in for the rest, and reports exactly what a full check reports for them, whatever changed since the index was
written; an index that is missing, damaged or forged only makes it load everything, and it is never kept in
the content folder."""

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

from knowledgebase.cli.check import is_selected
from knowledgebase.linking import counts
from knowledgebase.load import load
from knowledgebase.reading import frontmatter, stamps
from knowledgebase.reuse import store
from knowledgebase.reuse.filecache import LoadCache
from knowledgebase.reuse.linkindex import (
    INDEX_FILE,
    INDEX_FORMAT,
    read_index_file,
    write_index_file,
)
from knowledgebase.reuse.selected import load_and_index, load_selected
from knowledgebase.reuse.store import (
    cache_file,
    code_fingerprint,
    read_stored,
    write_stored,
)

# Edits that change what other files' diagnostics depend on: ids, aliases, audiences, sources,
# prerequisite and broader cycles, the articles a path or a concept's orphan check needs.
TEXTS = {
    "prerequisite cycle": article("Trust before tests", ["trust"], prerequisites=["monitoring-as-a-process"]),
    "long cycle": article("Lead learner", ["agency"], prerequisites=["monitoring-as-a-process"]),
    "unknown everything": article("Odd one", ["trsut", "agency"], audience=["headteachers", "teacher"],
                                  sources=["trust-reprot"], prerequisites=["no-such-article"],
                                  body="See {article}`teacher-led-inqiury`, {path}`trust-for-inquiry` and "
                                       "[this](skin-in-the-game-explained.md).\n"),
    "only a new concept": article("New concept only", ["new-one"], audience=["teacher"]),
    "research without sources": article("Research", ["trust"], kind="research-summary", sources=["stake-essay"]),
    "tagged by alias": article("Alias", ["relational trust", "teacher inquiry", "process not event"]),
    "new article": article("New one", ["trust", "agency"], body="See {article}`research-on-trust`.\n",
                           prerequisites=["leading-as-lead-learner"]),
    "requires the lead learner": article("Trust before tests", ["trust"], prerequisites=["leading-as-lead-learner"]),
    "trust reworded": BASE_FILES["concepts/trust.md"].replace("Confidence that", "Assurance that"),
    "concept taking an alias": "---\nlabel: Agency\naliases: [relational trust, teacher agency]\n"
                               "definition: Acting on one's own judgement.\nbroader: [skin-in-the-game]\n---\nText.\n",
    "concept without aliases": "---\nlabel: Collaborative inquiry\ndefinition: Inquiry together.\n"
                               "broader: [evaluation-as-process]\n---\nSee {concept}`trust`.\n",
    "new concept": "---\nlabel: New one\naliases: [fresh idea]\ndefinition: Something new.\n---\nText.\n",
    "concept without a label": "---\ndefinition: No label.\n---\nText.\n",
    "audience": "---\nlabel: New audience\ndescription: People new to the corpus.\n---\nSee {article}`trust-before-tests`.\n",
    "path out of order": "---\ntitle: Out of order\nsummary: Steps in the wrong order.\naudience: [teacher]\n"
                         "duration: 30\noutcomes: [Something]\nsteps:\n"
                         "  - article: monitoring-as-a-process\n    minutes: 20\n    when: in-session\n"
                         "  - article: trust-before-tests\n    minutes: 20\n    when: in-session\n"
                         "  - article: trust-before-tests\n    minutes: 5\n    when: follow-up\n"
                         "  - article: new-one\n    minutes: 5\n    when: follow-up\n---\nText.\n",
    "sources without the report": "stake-essay:\n  title: Who bears the risk?\n  kind: practitioner-post\n"
                                  "inquiry-case-study:\n  title: Teachers leading\n  kind: web-page\n",
    "empty lists": "---\ntitle: []\nsummary: []\nconcepts: [trust]\naudience: [teacher]\nkind: guide\nupdated: []\n"
                   "sources: []\nprerequisites: []\n---\nText.\n",
    "broken yaml": "---\ntitle: [unclosed\n---\n",
    "no front matter": "no front matter\n",
    "empty": "",
    "raw html": "---\nlabel: x\n---\n<b>raw</b>\n",
}
NAMES = ["articles/trust-before-tests.md", "articles/monitoring-as-a-process.md", "articles/research-on-trust.md",
         "articles/leading-as-lead-learner.md", "articles/teacher-led-inquiry.md", "articles/new-one.md",
         "articles/Trust-before-tests.md", "concepts/trust.md", "concepts/agency.md", "concepts/inquiry.md",
         "concepts/evaluation-as-process.md", "concepts/new-one.md", "audiences/headteacher.md",
         "audiences/new-audience.md", "paths/trust-for-inquiry.md", "paths/new-one.md", "sources.yaml", "index.md",
         "notes/page.md"]
EDITS = st.lists(st.tuples(st.sampled_from(["write", "delete", "rename", "touch"]), st.sampled_from(NAMES),
                           st.sampled_from(sorted(TEXTS)), st.sampled_from(NAMES)), min_size=1, max_size=5)


def apply(content: Path, operation: str, name: str, text: str, other: str) -> set[str]:
    """Make the edit; the names of the files it touched."""
    file, target = content / name, content / other
    if operation == "write":
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(TEXTS[text], encoding="utf-8")
    elif operation == "delete" and file.exists():
        file.unlink()
    elif operation == "rename" and file.exists() and file != target:
        target.parent.mkdir(parents=True, exist_ok=True)
        file.replace(target)
        return {name, other}
    elif operation == "touch" and file.exists():
        os.utime(file, ns=(0, 0))
    return {name}


def full_check_of(content: Path, selection: set[Path]) -> tuple[list, dict]:
    """What a full check without any cache reports for ``selection``, and the corpus' counts."""
    result = load(content)
    return [d for d in result.diagnostics if is_selected(d, selection)], counts(result.kb)


def selected_check_of(content: Path, index, selection: set[Path]) -> tuple[list, dict]:
    found = load_selected(content, index, selection)
    assert found is not None, "the index should have been usable"
    return [d for d in found.diagnostics if is_selected(d, selection)], found.counts


SOME_NAMES = st.sets(st.sampled_from(NAMES), max_size=3)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rounds=st.lists(st.tuples(EDITS, SOME_NAMES, SOME_NAMES), min_size=1, max_size=4), through_file=st.booleans())
def test_a_check_of_some_files_reports_what_a_full_check_reports_for_them(rounds, through_file):
    """After any edits, creations, renames and deletions, the files checked (those edited, as `--changed`
    has it, or any others named, whether they changed or not) get exactly the diagnostics of a full check,
    and the counts are the corpus'."""
    with tempfile.TemporaryDirectory(prefix="kb-changed-property-") as folder:
        content = make_corpus(Path(folder))
        stored = Path(folder) / "cache" / INDEX_FILE
        index = load_and_index(content, LoadCache())[1]()
        for edits, also_checked, not_checked in rounds:
            touched = set()
            for edit in edits:
                touched |= apply(content, *edit)
            if through_file:  # as `kb check` does: each run starts from the index the last one wrote
                assert write_index_file(index, stored)
                index = read_index_file(stored, content.resolve())
            selection = {(content / name).resolve() for name in touched - not_checked | also_checked}
            assert selected_check_of(content, index, selection) == full_check_of(content, selection)


@pytest.mark.parametrize("edit", [
    pytest.param({"concepts/agency.md": TEXTS["concept taking an alias"]}, id="an alias moves to another concept"),
    pytest.param({"concepts/inquiry.md": TEXTS["concept without aliases"]}, id="a concept drops its aliases"),
    pytest.param({"audiences/headteacher.md": None}, id="an audience is deleted"),
    pytest.param({"concepts/agency.md": None, "concepts/skin-in-the-game.md": None}, id="concepts are deleted"),
    pytest.param({"concepts/trust.md": TEXTS["concept without a label"]}, id="a concept stops loading"),
])
def test_articles_that_no_file_checked_names_still_count_as_a_full_check_counts_them(corpus, edit):
    """Whether an unread article is in the knowledge base depends on the vocabulary and the audiences: a
    change to those is noticed, and the counts (and the index's record of them) follow."""
    content = corpus({f"articles/extra-{i}.md": article(f"Extra {i}", [tag], audience=[audience])
                      for i, (tag, audience) in enumerate([("agency", "headteacher"), ("teacher inquiry", "teacher"),
                                                           ("relational trust", "headteacher"),
                                                           ("skin-in-the-game", "teacher")])})
    index = load_and_index(content, LoadCache())[1]()
    for name, text in edit.items():
        if text is None:
            (content / name).unlink()
        else:
            (content / name).write_text(text, encoding="utf-8")
    selection = {(content / name).resolve() for name in edit}
    assert selected_check_of(content, index, selection) == full_check_of(content, selection)
    nothing = {(content / "articles" / "research-on-trust.md").resolve()}
    assert selected_check_of(content, index, nothing) == full_check_of(content, nothing)


def test_a_cycle_is_reported_on_its_first_article_though_the_others_were_not_read(corpus):
    content = corpus({"articles/b-second.md": article("Second", ["trust"], prerequisites=["c-third"]),
                      "articles/c-third.md": article("Third", ["trust"], prerequisites=["a-first"]),
                      "articles/a-first.md": article("First", ["trust"])})
    index = load_and_index(content, LoadCache())[1]()
    (content / "articles" / "a-first.md").write_text(article("First", ["trust"], prerequisites=["b-second"]),
                                                     encoding="utf-8")
    selection = {(content / "articles" / "a-first.md").resolve()}
    found = selected_check_of(content, index, selection)
    assert found == full_check_of(content, selection)
    assert [d.message for d in found[0]] == [
        "prerequisites form a cycle: `a-first` requires `b-second` requires `c-third` requires `a-first`"]


def test_a_concept_checked_alone_is_an_orphan_only_if_no_article_at_all_is_tagged_with_it(corpus):
    content = corpus({"concepts/orphan.md": "---\nlabel: Orphan\ndefinition: Nobody's.\n---\nText.\n"})
    index = load_and_index(content, LoadCache())[1]()
    for name in ("skin-in-the-game", "orphan"):
        file = content / "concepts" / f"{name}.md"
        file.write_text(file.read_text(encoding="utf-8") + "\nMore prose.\n", encoding="utf-8")
        selection = {file.resolve()}
        found = selected_check_of(content, index, selection)
        assert found == full_check_of(content, selection)
        assert [d.code for d in found[0]] == ([] if name == "skin-in-the-game" else ["KB401"])


@pytest.fixture
def settle_quickly(monkeypatch):
    """Files count as settled a moment after they are written, so that their stamps alone vouch for them."""
    monkeypatch.setattr(stamps, "SETTLE_NS", 1_000_000)
    return lambda: time.sleep(0.05)


def test_only_the_checked_files_and_those_that_changed_are_read(corpus, monkeypatch, settle_quickly):
    content = corpus({f"articles/extra-{i}.md": article(f"Extra {i}", ["trust"]) for i in range(30)})
    settle_quickly()
    index = load_and_index(content, LoadCache())[1]()
    (content / "articles" / "extra-3.md").write_text(article("Changed", ["agency"]), encoding="utf-8")
    settle_quickly()
    selection = {(content / "articles" / "research-on-trust.md").resolve()}
    expected = full_check_of(content, selection)
    read = reads_spied(monkeypatch)
    assert selected_check_of(content, index, selection) == expected
    assert read == ["extra-3.md", "research-on-trust.md"]
    read.clear()
    assert selected_check_of(content, index, selection) == expected
    assert read == ["research-on-trust.md"]


def test_an_edit_that_keeps_size_and_modification_time_is_still_seen(corpus, settle_quickly):
    content = corpus()
    file = content / "articles" / "research-on-trust.md"
    old = file.stat().st_mtime_ns
    settle_quickly()
    index = load_and_index(content, LoadCache())[1]()
    settle_quickly()
    file.write_text(BASE_FILES["articles/research-on-trust.md"].replace("concepts: [trust]", "concepts: [trusx]"),
                    encoding="utf-8")
    os.utime(file, ns=(old, old))   # the same size and modification time; the change time moves on
    selection = {(content / "articles" / "monitoring-as-a-process.md").resolve()}
    assert selected_check_of(content, index, selection) == full_check_of(content, selection)
    assert index.entries["articles/research-on-trust.md"].row == load_and_index(content, LoadCache())[1]().entries[
        "articles/research-on-trust.md"].row


@pytest.mark.parametrize("selection", [
    pytest.param(lambda content: {content.resolve()}, id="the whole folder"),
    pytest.param(lambda content: {content.resolve().parent}, id="a folder around it"),
])
def test_a_selection_that_holds_the_whole_folder_loads_everything(corpus, selection):
    content = corpus()
    index = load_and_index(content, LoadCache())[1]()
    assert load_selected(content, index, selection(content)) is None


def test_a_record_folder_that_is_a_link_loads_everything(corpus):
    content = corpus()
    (content / "articles").rename(content / "real-articles")
    (content / "articles").symlink_to("real-articles")
    index = load_and_index(content, LoadCache())[1]()
    assert load_selected(content, index, {(content / "real-articles" / "research-on-trust.md").resolve()}) is None


def test_a_file_that_is_a_link_is_read_for_the_name_it_resolves_to(corpus):
    content = corpus({"articles/research-on-trust.md": None, "notes/research-on-trust.md":
                      BASE_FILES["articles/research-on-trust.md"].replace("[trust]", "[trsut]")})
    (content / "articles" / "research-on-trust.md").symlink_to("../notes/research-on-trust.md")
    index = load_and_index(content, LoadCache())[1]()
    selection = {(content / "notes" / "research-on-trust.md").resolve()}
    found = selected_check_of(content, index, selection)
    assert found == full_check_of(content, selection)
    assert {d.code for d in found[0]} >= {"KB102"}


# kb check, as a contributor runs it ---------------------------------------------------------------------


def kb(*argv: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).parent / "kb"
    command = [str(executable)] if executable.exists() else [sys.executable, "-m", "knowledgebase"]
    return subprocess.run([*command, *argv], cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def repository(corpus, workdir, tmp_path):
    """The base corpus and a hundred more articles (so that one edit is too few to rewrite the load cache)
    committed to a git repository, checked once so that the cache and index are warm; returns the content
    folder and the environment to run kb in."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    content = corpus({f"articles/extra-{i}.md": article(f"Extra {i}", ["trust"]) for i in range(100)})
    env = {"KB_CACHE_DIR": str(tmp_path / "user-cache"), "GIT_CONFIG_GLOBAL": "/dev/null",
           "GIT_CONFIG_SYSTEM": "/dev/null"}
    for command in (["init", "-q"], ["add", "."], ["-c", "user.name=t", "-c", "user.email=t@example.org",
                                                    "commit", "-qm", "base"]):
        subprocess.run(["git", *command], cwd=workdir, check=True, env={**os.environ, **env})
    assert kb("check", "--content", "content", cwd=workdir, env=env).returncode == 0
    assert len(list((tmp_path / "user-cache").glob(f"*/{INDEX_FILE}"))) == 1
    return content, env


def changed_and_full(workdir: Path, env: dict[str, str], *also: str) -> tuple[dict, list, subprocess.CompletedProcess]:
    """kb check --changed (JSON), and the diagnostics a full check without a cache gives for the same files."""
    changed = kb("check", "--content", "content", "--format", "json", "--changed", *also, cwd=workdir, env=env)
    full = kb("check", "--content", "content", "--format", "json", "--no-cache", cwd=workdir, env=env)
    names = set(subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--no-renames"],
                               cwd=workdir, capture_output=True, text=True, check=True).stdout.split()[1::2])
    names |= {name for name in also}
    everything = json.loads(full.stdout)
    expected = [d for d in everything["diagnostics"] if any(d["path"] == name or d["path"].startswith(name + "/")
                                                             for name in names)]
    return json.loads(changed.stdout), expected, full


SCENARIOS = {
    "an edited article": {"articles/research-on-trust.md": BASE_FILES["articles/research-on-trust.md"]
                          .replace("[trust]", "[trsut]") + "\nTODO(author): more\n"},
    "a new article in a prerequisite cycle": {
        "articles/new-one.md": article("New one", ["trust"], prerequisites=["trust-before-tests"]),
        "articles/trust-before-tests.md": article("Trust before tests", ["trust"], prerequisites=["new-one"])},
    "a deleted article that others name": {"articles/trust-before-tests.md": None},
    "a renamed article": {"articles/teacher-led-inquiry.md": None,
                          "articles/teachers-leading-inquiry.md": BASE_FILES["articles/teacher-led-inquiry.md"]},
    "a concept that loses its alias": {"concepts/inquiry.md": TEXTS["concept without aliases"]},
    "the last article of a concept deleted": {"articles/skin-in-the-game-explained.md": None},
    "a source removed": {"sources.yaml": TEXTS["sources without the report"]},
    "a path out of order": {"paths/trust-for-inquiry.md": TEXTS["path out of order"]},
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_check_changed_reports_what_a_full_check_without_cache_reports(repository, workdir, scenario):
    content, env = repository
    for name, text in SCENARIOS[scenario].items():
        if text is None:
            (content / name).unlink()
        else:
            (content / name).write_text(text, encoding="utf-8")
    changed, expected, full = changed_and_full(workdir, env)
    assert changed["diagnostics"] == expected
    assert changed["counts"] == json.loads(full.stdout)["counts"]
    # ... and so does checking an unchanged file by name, with the same index
    other, expected_other, _ = changed_and_full(workdir, env, "content/articles/leading-as-lead-learner.md")
    assert other["diagnostics"] == expected_other


def forge_row(columns: dict, rows: list[bytes]) -> None:
    rows[columns["files"].index("articles/research-on-trust.md")] = b'[1, "not a title"]'


def forge_concepts(columns: dict, rows: list[bytes]) -> None:
    rows[columns["files"].index("concepts/trust.md")] = b'{"label": "Trust"}'


def forge_sources(columns: dict, rows: list[bytes]) -> None:
    rows[columns["files"].index("sources.yaml")] = b'{"trust-report": [1, 2]}'


def forge_columns(columns: dict, rows: list[bytes]) -> None:
    columns["stamps"][0] = "now"


def forge_flags(columns: dict, rows: list[bytes]) -> None:
    columns["counted"] = "2" * len(columns["counted"])


def drop_a_row(columns: dict, rows: list[bytes]) -> None:
    rows.pop()


FORGERIES = {"row of the wrong shape": forge_row, "concept row not a list": forge_concepts,
             "source row of numbers": forge_sources, "stamp of text": forge_columns, "flags not 0 or 1": forge_flags,
             "a row missing": drop_a_row}


def forge(path: Path, root: Path, change) -> None:
    """Change the index file's body and write it under a header that vouches for it."""
    columns, _, rows = read_stored(path, INDEX_FORMAT, code_fingerprint(), root).partition(b"\n")
    columns, rows = json.loads(columns), rows.split(b"\n")
    change(columns, rows)
    assert write_stored(path, INDEX_FORMAT, code_fingerprint(), str(root),
                        b"\n".join([json.dumps(columns).encode(), *rows]))
    assert read_stored(path, INDEX_FORMAT, code_fingerprint(), root) is not None


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "body edited", "other engine",
                                    *sorted(FORGERIES)])
def test_a_damaged_or_forged_index_makes_check_changed_load_everything(repository, workdir, damage):
    content, env = repository
    index = Path(env["KB_CACHE_DIR"]) / store.cache_folder(content).name / INDEX_FILE
    data = index.read_bytes()
    header, _, body = data.partition(b"\n")
    time.sleep(0.01)
    if damage in FORGERIES:
        forge(index, content.resolve(), FORGERIES[damage])
    else:
        index.write_bytes({"garbage": b"\x00\xff not json", "truncated": data[: len(data) // 2], "empty": b"",
                           "body edited": header + b"\n" + body.replace(b"trust", b"trusx"),
                           "other engine": header.replace(b'"engine": "', b'"engine": "0') + b"\n" + body}[damage])
    written = index.stat().st_mtime_ns
    (content / "articles" / "research-on-trust.md").write_text(SCENARIOS["an edited article"][
        "articles/research-on-trust.md"], encoding="utf-8")
    changed, expected, _ = changed_and_full(workdir, env)
    assert changed["diagnostics"] == expected != []
    index_again = read_index_file(index, content.resolve())   # written afresh by the full load
    assert index_again is not None
    assert load_selected(content, index_again, {(content / "articles" / "research-on-trust.md").resolve()})
    assert index.stat().st_mtime_ns > written


@pytest.mark.parametrize("change", ["engine version", "YAML parser"])
def test_an_index_from_other_engine_code_or_yaml_parser_is_not_used(corpus, tmp_path, monkeypatch, change):
    content = corpus()
    stored = tmp_path / INDEX_FILE
    assert write_index_file(load_and_index(content, LoadCache())[1](), stored)
    assert read_index_file(stored, content.resolve()) is not None
    if change == "engine version":
        monkeypatch.setattr(store, "__version__", "99.0")
    elif not yaml.__with_libyaml__:
        pytest.skip("PyYAML is built without libyaml: there is no other parser to switch to")
    else:
        monkeypatch.setattr(frontmatter, "_Loader", yaml.SafeLoader)
    store.code_fingerprint.cache_clear()
    try:
        assert read_index_file(stored, content.resolve()) is None
    finally:
        monkeypatch.undo()
        store.code_fingerprint.cache_clear()


def test_the_index_is_never_inside_the_content_folder(repository, workdir, monkeypatch):
    content, env = repository
    env = {**env, "KB_CACHE_DIR": str(content / "articles")}
    monkeypatch.setenv("KB_CACHE_DIR", env["KB_CACHE_DIR"])
    assert cache_file(content, INDEX_FILE) is None
    (content / "articles" / "research-on-trust.md").write_text(SCENARIOS["an edited article"][
        "articles/research-on-trust.md"], encoding="utf-8")
    for _ in range(2):
        changed, expected, _ = changed_and_full(workdir, env)
        assert changed["diagnostics"] == expected != []
    assert [p for p in content.rglob("*") if p.is_file() and p.suffix not in (".md", ".yaml")] == []
