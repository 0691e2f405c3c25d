"""The `kb` command, through its real entry point: output formats, exit codes and usage errors."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BASE_FILES
from knowledgebase import __version__
from knowledgebase.cli import build_parser, main
from knowledgebase.graph import ConceptGraph
from knowledgebase.load import load
from knowledgebase.schema import ARTICLE, SCHEMAS, json_schema

TYPO = BASE_FILES["articles/research-on-trust.md"].replace("concepts: [trust]", "concepts: [trsut]")
TYPO_LINE = "content/articles/research-on-trust.md:4: error KB102 unknown concept `trsut` in `concepts` (did you mean `trust`?)"
DUPLICATE_STEP = BASE_FILES["paths/trust-for-inquiry.md"].replace(
    "  - article: research-on-trust\n", "  - article: trust-before-tests\n")
TEXT_DIAGNOSTIC = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+): (?P<severity>error|warning) (?P<code>KB\d{3}) "
                             r"(?P<message>.+?)(?: \((?P<hint>.+)\))?$")


@pytest.fixture
def kb(capsys):
    """Run `kb ARGS...` in-process; returns (exit code, stdout, stderr)."""

    def run(*argv: str) -> tuple[int, str, str]:
        try:
            code = main(list(argv))
        except SystemExit as stop:  # argparse exits for usage errors, --help and --version
            code = stop.code
        out, err = capsys.readouterr()
        return code, out, err

    return run


# check: formats ----------------------------------------------------------------------------


def test_check_on_clean_content_exits_0_with_a_one_line_summary(corpus, kb):
    corpus()
    code, out, err = kb("check")
    assert code == 0
    assert out == "0 error(s), 0 warning(s); checked 6 articles, 5 concepts, 1 paths, 3 sources.\n"
    assert err == ""


def test_check_text_format_is_file_line_severity_code_message_and_hint(corpus, kb):
    corpus({"articles/research-on-trust.md": TYPO})
    code, out, _ = kb("check", "--content", "content")
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == TYPO_LINE
    match = TEXT_DIAGNOSTIC.match(lines[0])
    assert match and match["hint"] == "did you mean `trust`?"
    assert lines[-1].startswith("1 error(s), 0 warning(s); checked ")


def test_check_lists_every_diagnostic_in_file_then_line_order(corpus, kb):
    corpus({
        "articles/research-on-trust.md": TYPO,
        "articles/b-second.md": "---\ntitle: Second\n---\n",
        "articles/a-first.md": "# no front matter\n",
    })
    _, out, _ = kb("check")
    diagnostics = [TEXT_DIAGNOSTIC.match(line) for line in out.splitlines()[:-1]]
    assert all(diagnostics), out
    order = [(m["path"], int(m["line"])) for m in diagnostics]
    assert order == sorted(order)
    assert order[0] == ("content/articles/a-first.md", 1)


def test_check_json_format_has_every_field_and_the_counts(corpus, kb):
    corpus({"articles/research-on-trust.md": TYPO})
    code, out, _ = kb("check", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["errors"] == 1 and data["warnings"] == 0
    assert data["diagnostics"] == [{
        "code": "KB102", "name": "unknown-concept", "severity": "error",
        "path": "content/articles/research-on-trust.md", "line": 4,
        "message": "unknown concept `trsut` in `concepts`", "hint": "did you mean `trust`?",
    }]
    assert data["counts"] == {"articles": 5, "concepts": 5, "paths": 1, "sources": 3, "audiences": 3}


def test_check_github_format_writes_workflow_annotations(corpus, kb):
    corpus({"articles/research-on-trust.md": TYPO, "paths/trust-for-inquiry.md": DUPLICATE_STEP})
    code, out, _ = kb("check", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=content/articles/research-on-trust.md,line=4,title=KB102 unknown-concept::"
        "unknown concept `trsut` in `concepts` (did you mean `trust`?)",
        "::warning file=content/paths/trust-for-inquiry.md,line=22,title=KB305 duplicate-step::"
        "`trust-before-tests` is already step 1 (remove one of the two steps)",
    ]


def test_github_annotations_escape_commas_and_colons_in_properties(corpus, kb):
    corpus({"articles/trust,tests.md": BASE_FILES["articles/trust-before-tests.md"]})
    _, out, _ = kb("check", "--format", "github")
    (line,) = out.splitlines()
    assert line.startswith("::error file=content/articles/trust%2Ctests.md,line=1,title=KB011 bad-file-name::")


# check: exit codes and selection -----------------------------------------------------------


def test_warnings_alone_exit_0_but_fail_with_strict(corpus, kb):
    corpus({"paths/trust-for-inquiry.md": DUPLICATE_STEP})
    code, out, _ = kb("check")
    assert code == 0
    assert "warning KB305" in out
    assert out.splitlines()[-1].startswith("0 error(s), 1 warning(s)")
    code, _, _ = kb("check", "--strict")
    assert code == 1


def test_strict_on_clean_content_still_exits_0(corpus, kb):
    corpus()
    assert kb("check", "--strict")[0] == 0


def test_paths_limit_the_report_to_the_files_named(corpus, kb):
    corpus({
        "articles/research-on-trust.md": TYPO,
        "articles/staff-meeting.md": "# Leading a staff meeting\n",
    })
    code, out, _ = kb("check", "content/articles/staff-meeting.md")
    lines = out.splitlines()
    assert code == 1
    assert lines[:-1] == ["content/articles/staff-meeting.md:1: error KB003 the file does not start with a front "
                          "matter block (the first line must be `---`, followed by the fields and a closing `---`)"]
    assert "(in 1 selected file(s) or folder(s))" in lines[-1]


def test_a_selected_file_without_problems_passes_even_when_others_have_errors(corpus, kb):
    corpus({"articles/research-on-trust.md": TYPO})
    code, out, _ = kb("check", "content/articles/trust-before-tests.md")
    assert code == 0
    assert out.startswith("0 error(s), 0 warning(s) (in 1 selected file(s) or folder(s))")


def test_a_selected_folder_covers_the_files_in_it(corpus, kb):
    corpus({"articles/research-on-trust.md": TYPO, "paths/trust-for-inquiry.md": DUPLICATE_STEP})
    code, out, _ = kb("check", "--format", "json", "content/paths")
    data = json.loads(out)
    assert code == 0
    assert [d["code"] for d in data["diagnostics"]] == ["KB305"]


# Usage errors: one line, exit 2 ------------------------------------------------------------


def assert_one_line_usage_error(code: int, out: str, err: str) -> None:
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err


def test_an_unknown_option_is_a_usage_error(corpus, kb):
    corpus()
    code, out, err = kb("check", "--colour")
    assert_one_line_usage_error(code, out, err)
    assert "--colour" in err


def test_an_unknown_verb_is_a_usage_error(kb):
    code, out, err = kb("chekc")
    assert_one_line_usage_error(code, out, err)


def test_a_missing_content_folder_is_a_usage_error(workdir, kb):
    code, out, err = kb("check", "--content", "no-such-folder")
    assert_one_line_usage_error(code, out, err)
    assert err == "kb check: no content folder at `no-such-folder`; pass one with --content DIR\n"


def test_a_selected_path_that_does_not_exist_is_a_usage_error(corpus, kb):
    corpus()
    code, out, err = kb("check", "content/articles/no-such-article.md")
    assert_one_line_usage_error(code, out, err)
    assert "content/articles/no-such-article.md" in err


def test_base_without_changed_is_a_usage_error(corpus, kb):
    corpus()
    assert_one_line_usage_error(*kb("check", "--base", "main"))


def test_an_unknown_article_for_related_suggests_the_nearest(corpus, kb):
    corpus()
    code, out, err = kb("related", "trust-before-test")
    assert_one_line_usage_error(code, out, err)
    assert err == "kb related: no article `trust-before-test`; did you mean `trust-before-tests`?\n"


NUMBERS_OUT_OF_RANGE = [
    (("serve", "--port", "99999"), "kb: error: argument --port: `99999` is not a whole number from 1 to 65535 "
                                   "(see `kb serve --help`)"),
    (("serve", "--port", "0"), "kb: error: argument --port: `0` is not a whole number from 1 to 65535 "
                               "(see `kb serve --help`)"),
    (("serve", "--port", "abc"), "kb: error: argument --port: `abc` is not a whole number from 1 to 65535 "
                                 "(see `kb serve --help`)"),
    (("related", "trust-before-tests", "-k", "-3"), "kb: error: argument -k: `-3` is not a whole number of 1 or more "
                                                    "(see `kb related --help`)"),
    (("related", "trust-before-tests", "-k", "0"), "kb: error: argument -k: `0` is not a whole number of 1 or more "
                                                   "(see `kb related --help`)"),
    (("path", "plan", "--concepts", "trust", "--minutes", "-60"),
     "kb: error: argument --minutes: `-60` is not a whole number of 1 or more (see `kb path plan --help`)"),
    (("path", "plan", "--concepts", "trust", "--minutes", "60", "--pre-reading", "-5"),
     "kb: error: argument --pre-reading: `-5` is not a whole number of 0 or more (see `kb path plan --help`)"),
    (("build", "-j", "-2"), "kb: error: argument -j/--jobs: `-2` is not a whole number of 1 or more, or `auto` "
                            "(see `kb build --help`)"),
]


@pytest.mark.parametrize("argv, message", NUMBERS_OUT_OF_RANGE,
                         ids=[" ".join(argv) for argv, _ in NUMBERS_OUT_OF_RANGE])
def test_a_number_out_of_range_is_one_line_naming_the_option(corpus, kb, argv, message):
    corpus()
    code, out, err = kb(*argv)
    assert_one_line_usage_error(code, out, err)
    assert err == message + "\n"


@pytest.mark.parametrize("argv, option, value", [
    (("serve", "--port", "1"), "port", 1),
    (("serve", "--port", "65535"), "port", 65535),
    (("related", "some-article", "-k", "1"), "k", 1),
    (("path", "plan", "--concepts", "trust", "--minutes", "1", "--pre-reading", "0"), "pre_reading", 0),
    (("build", "-j", "auto"), "jobs", "auto"),
])
def test_the_limits_of_a_numeric_option_are_accepted(argv, option, value):
    assert getattr(build_parser().parse_args(argv), option) == value


def test_no_verb_prints_help_and_exits_2(kb):
    code, out, _ = kb()
    assert code == 2
    assert "check" in out and "related" in out


def test_version(kb):
    code, out, _ = kb("--version")
    assert code == 0
    assert out.strip() == f"kb {__version__}"


# Other verbs -------------------------------------------------------------------------------


def test_stats_json_reports_coverage(corpus, kb):
    corpus()
    code, out, _ = kb("stats", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert (report["articles"], report["concepts"], report["paths"], report["sources"], report["audiences"]) == (6, 5, 1, 3, 3)
    assert report["articles_per_concept"] == {"agency": 3, "inquiry": 3, "trust": 3, "evaluation-as-process": 2,
                                              "skin-in-the-game": 1}
    assert report["concepts_with_one_article"] == ["skin-in-the-game"]
    assert report["concepts_without_articles"] == []
    assert report["sources_cited_by_nothing"] == []
    assert report["articles_in_no_path"] == ["leading-as-lead-learner", "skin-in-the-game-explained"]
    assert report["articles_per_audience"] == {"headteacher": 4, "middle-leader": 3, "teacher": 2}


def test_stats_text_names_the_thin_spots(corpus, kb):
    corpus()
    code, out, _ = kb("stats")
    assert code == 0
    assert out.startswith("6 articles (")
    assert "Concepts with only one article: 1\n  - skin-in-the-game\n" in out
    assert "Audiences with fewer than 3 articles: 1\n  - teacher\n" in out


def test_concepts_lists_ids_labels_aliases_and_definitions(corpus, kb):
    corpus()
    code, out, _ = kb("concepts")
    lines = out.splitlines()
    assert code == 0
    assert "trust: Trust  (also: relational trust)  [3 articles]" in lines
    index = lines.index("trust: Trust  (also: relational trust)  [3 articles]")
    assert lines[index + 1] == ("    Confidence that colleagues act in good faith, which lets people take risks "
                                "and admit mistakes.")


def test_concepts_json(corpus, kb):
    corpus()
    code, out, _ = kb("concepts", "--format", "json")
    concepts = json.loads(out)
    assert [c["id"] for c in concepts] == ["agency", "evaluation-as-process", "inquiry", "skin-in-the-game", "trust"]
    skin = concepts[3]
    assert skin == {"id": "skin-in-the-game", "label": "Skin in the game", "aliases": ["ownership of risk"],
                    "definition": "Having a personal stake in the outcome of a change, so that you live with its "
                                  "consequences.", "broader": ["agency"], "related": ["trust"], "articles": 1}


def test_related_text_shows_scores_and_reasons(corpus, kb):
    corpus()
    code, out, _ = kb("related", "trust-before-tests")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Related to Trust before tests (trust-before-tests):"
    assert re.match(r"^\s+\d+\.\d{3}  monitoring-as-a-process: Monitoring as a process, not an event$", lines[1])
    assert lines[2].strip() == "shares evaluation-as-process; linked; prerequisite"


def test_related_json_matches_the_graph(corpus, kb):
    content = corpus()
    code, out, _ = kb("related", "teacher-led-inquiry", "-k", "2", "--format", "json")
    expected = ConceptGraph(load(content).kb).related_articles("teacher-led-inquiry", 2)
    data = json.loads(out)
    assert code == 0
    assert [(r["article"], r["score"]) for r in data] == [(r.article, r.score) for r in expected]
    assert len(data) == 2


def test_graph_prints_the_json_export(corpus, kb):
    content = corpus()
    code, out, _ = kb("graph")
    assert code == 0
    assert out == ConceptGraph(load(content).kb).to_json()


def test_graph_writes_graphml_to_a_new_file(corpus, kb):
    content = corpus()
    code, out, _ = kb("graph", "--format", "graphml", "-o", "graph.graphml")
    assert code == 0
    assert out == "wrote graph.graphml\n"
    assert Path("graph.graphml").read_text(encoding="utf-8") == ConceptGraph(load(content).kb).to_graphml()


def test_graph_refuses_to_overwrite_a_file_without_force_and_leaves_it_unchanged(corpus, kb):
    corpus()
    existing = Path("graph.json")
    existing.write_text("my notes, not a graph\n", encoding="utf-8")
    code, out, err = kb("graph", "-o", "graph.json")
    assert_one_line_usage_error(code, out, err)
    assert "--force" in err
    assert existing.read_text(encoding="utf-8") == "my notes, not a graph\n"
    code, _, _ = kb("graph", "-o", "graph.json", "--force")
    assert code == 0
    assert json.loads(existing.read_text(encoding="utf-8"))["nodes"]


def test_schema_prints_one_kind(kb):
    code, out, _ = kb("schema", "article")
    assert code == 0
    assert json.loads(out) == json_schema(ARTICLE)


def test_schema_with_vocabulary_restricts_concepts_to_the_corpus(corpus, kb):
    corpus()
    code, out, _ = kb("schema", "article", "--vocabulary")
    pattern = re.compile(json.loads(out)["properties"]["concepts"]["items"]["pattern"])
    assert code == 0
    assert pattern.match("relational trust") and pattern.match("Relational Trust") and pattern.match("trust")
    assert not pattern.match("trsut")


def test_schema_out_writes_every_kind_and_never_overwrites_without_force(workdir, kb):
    code, out, _ = kb("schema", "--out", "schemas")
    assert code == 0
    written = sorted(p.name for p in Path("schemas").iterdir())
    assert written == sorted(f"{kind}.schema.json" for kind in SCHEMAS)
    Path("schemas/article.schema.json").write_text("{}\n", encoding="utf-8")
    code, out, err = kb("schema", "--out", "schemas")
    assert code == 2
    assert Path("schemas/article.schema.json").read_text(encoding="utf-8") == "{}\n"
    code, _, _ = kb("schema", "--out", "schemas", "--force")
    assert code == 0
    assert json.loads(Path("schemas/article.schema.json").read_text(encoding="utf-8")) == json_schema(ARTICLE)


def test_schema_without_kind_or_out_is_a_usage_error(kb):
    assert_one_line_usage_error(*kb("schema"))


# The installed console script --------------------------------------------------------------


def test_the_kb_console_script_checks_a_corpus(corpus):
    executable = shutil.which("kb") or str(Path(sys.executable).parent / "kb")
    if not Path(executable).exists():
        pytest.skip("the `kb` console script is not installed")
    corpus({"articles/research-on-trust.md": TYPO})
    completed = subprocess.run([executable, "check", "--content", "content"], capture_output=True, text=True,
                               timeout=60)
    assert completed.returncode == 1
    assert completed.stdout.splitlines()[0] == TYPO_LINE
    assert completed.stderr == ""


# The package and its verbs: no import cycle -------------------------------------------------

REPO = Path(__file__).resolve().parent.parent
CLI = REPO / "knowledgebase" / "cli"


def is_module(name: str) -> bool:
    """Whether ``name`` is a module or package of this repository."""
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(source: str, package: str = "knowledgebase.cli") -> set[str]:
    """Every module that ``source``, a module of ``package``, imports, anywhere in it (at module level,
    inside functions, under ``if TYPE_CHECKING``), by absolute name; ``from PACKAGE import NAME`` counts
    as importing the module PACKAGE.NAME where there is one, and PACKAGE otherwise."""
    parts = package.split(".")
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = parts[:len(parts) - node.level + 1] if node.level else []
            module = ".".join(base + (node.module.split(".") if node.module else []))
            names |= {f"{module}.{alias.name}" if is_module(f"{module}.{alias.name}") else module
                      for alias in node.names}
    return names


def cli_modules() -> dict[str, Path]:
    return {("knowledgebase.cli" if path.stem == "__init__" else f"knowledgebase.cli.{path.stem}"): path
            for path in sorted(CLI.glob("*.py"))}


def test_the_imports_are_read_wherever_they_are():
    """The test below sees an import in a function, under TYPE_CHECKING, and each form of import."""
    source = (
        "import knowledgebase.cli.common\n"
        "from .site import find_conf\n"
        "from .. import cli\n"
        "if TYPE_CHECKING:\n"
        "    from ..graph import ConceptGraph\n"
        "def run():\n"
        "    from . import check\n"
        "    from knowledgebase import cli as package\n"
        "    from ..cli import main\n"
        "    import uvicorn\n"
    )
    assert imported_modules(source) == {"knowledgebase.cli.common", "knowledgebase.cli.site", "knowledgebase.cli",
                                        "knowledgebase.graph", "knowledgebase.cli.check", "uvicorn"}
    assert {"knowledgebase.cli.common", "knowledgebase.cli.site", "knowledgebase.sphinxext.rebuild"} <= \
        imported_modules((CLI / "serve.py").read_text(encoding="utf-8"))


def test_no_verb_module_imports_the_cli_package_and_there_is_no_import_cycle():
    modules = cli_modules()
    assert {"knowledgebase.cli", "knowledgebase.cli.common", "knowledgebase.cli.check"} <= set(modules)
    imports = {name: imported_modules(path.read_text(encoding="utf-8")) for name, path in modules.items()}
    for name, imported in imports.items():
        if name != "knowledgebase.cli":
            assert "knowledgebase.cli" not in imported, f"{name} imports the package knowledgebase.cli"
    graph = {name: imported & set(modules) for name, imported in imports.items()}
    done, path = set(), []

    def visit(name: str) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " -> ".join(path[path.index(name):] + [name]))
        if name in done:
            return
        path.append(name)
        for imported in sorted(graph[name]):
            visit(imported)
        path.pop()
        done.add(name)

    for name in graph:
        visit(name)


def test_the_package_builds_the_parser_from_the_verb_modules_in_order():
    from knowledgebase import cli

    names = [verb.name for verb in cli.VERBS]
    assert names == ["check", "stats", "concepts", "related", "graph", "schema", "new", "path", "build", "serve"]
    assert [module.__name__ for module in cli.VERB_MODULES] == [
        f"knowledgebase.cli.{name}" for name in ("check", "inspect", "new", "path", "site", "serve")]
    assert set(cli_modules()) == {"knowledgebase.cli", "knowledgebase.cli.common",
                                  *(module.__name__ for module in cli.VERB_MODULES)}
