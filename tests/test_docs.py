"""The project documentation builds cleanly, carries the site's Content-Security-Policy, its
generated reference is complete, and the contributor workflow files (CI, pre-commit) run the
commands the documentation promises."""

from __future__ import annotations

import base64
import hashlib
import os
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from sphinx.cmd.build import build_main
from sphinx_support import build, copy_root
from sphinxarg.parser import parse_parser

from knowledgebase.cli import VERBS, build_parser
from knowledgebase.diagnostics import CODES
from knowledgebase.schema import SCHEMAS

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"

# MyST's {include} and its reference resolver (in the site's build) still call APIs Sphinx has
# announced it will remove; not ours to fix.
pytestmark = [pytest.mark.filterwarnings("ignore:'sphinx.environment.BuildEnvironment.app' is deprecated"),
              pytest.mark.filterwarnings("ignore:'myst_parser.sphinx_ext.myst_refs.MystReferenceResolver.app'")]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The documentation, built once with every warning an error."""
    out = tmp_path_factory.mktemp("docs-html")
    cwd = os.getcwd()
    os.chdir(REPO)  # the command the docs are built with, run from the repository root
    try:
        status = build_main(["-W", "--keep-going", "-q", "-b", "html", "docs", str(out)])
    finally:
        os.chdir(cwd)
    assert status == 0, "the documentation does not build cleanly with -W"
    return out


def page(site: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((site / f"{name}.html").read_text(encoding="utf-8"), "html.parser")


def main_text(soup: BeautifulSoup) -> str:
    return " ".join((soup.find("article") or soup).get_text(" ").split())


def test_the_docs_build_without_warnings(site):
    for name in ("index", "contributing", "style", "front-matter", "diagnostics", "trainers", "cli",
                 "architecture", "changelog"):
        assert (site / f"{name}.html").is_file(), f"docs/{name}.md was not built"


def test_every_docs_page_is_published_under_its_own_name(site):
    """No page is replaced by one Sphinx or the theme writes (`search.md` was, by the search page)."""
    for source in sorted(DOCS.glob("*.md")):
        heading = next((line[2:].strip() for line in source.read_text(encoding="utf-8").splitlines()
                        if line.startswith("# ")), None)
        if heading:
            h1 = page(site, source.stem).find("h1")
            assert h1 is not None and heading.replace("`", "") in h1.get_text(), source.name


def test_every_docs_page_is_in_the_toctree():
    index = (DOCS / "index.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^([a-z][a-z0-9-]*)$", index, flags=re.MULTILINE))
    pages = {p.stem for p in DOCS.glob("*.md") if p.stem != "index"}
    assert pages <= listed, f"not in the toctree of docs/index.md: {sorted(pages - listed)}"


def test_the_diagnostics_page_lists_every_code(site):
    text = main_text(page(site, "diagnostics"))
    missing = [code for code, entry in CODES.items() if f"{code} {entry.name}" not in text]
    assert not missing, f"codes missing from the diagnostics page: {missing}"


def commands(data: dict, prefix: str = "kb"):
    """Each command (`kb check`, `kb path`, `kb path plan`...) of a parser described by sphinx-argparse's
    ``parse_parser``, with its description: its options, positional arguments and usage."""
    for child in data.get("children", []):
        command = f"{prefix} {child['name']}"
        yield command, child
        yield from commands(child, command)


def words(text: str) -> str:
    return " ".join(text.split())


def test_the_cli_page_documents_every_verb_with_its_options_and_examples(site):
    soup = page(site, "cli")
    sections = {h.get_text().rstrip("¶").strip(): h.find_parent("section")
                for h in soup.find_all(["h2", "h3", "h4", "h5", "h6"])}
    documented = dict(commands(parse_parser(build_parser())))
    assert {f"kb {verb.name}" for verb in VERBS} | {"kb path plan"} <= set(documented)
    missing = [command for command in documented if command not in sections]
    assert not missing, f"verbs missing from the CLI page: {missing}"
    for command, data in documented.items():
        section = sections[command]
        shown = {name for entry in section.find_all("kbd") for name in entry.get_text().split(", ")}
        arguments = {name for group in data["action_groups"] for option in group["options"] for name in option["name"]}
        arguments |= set(re.findall(r"(?:^|[\s\[])(--?[A-Za-z][\w-]*)", data["usage"])) - {"-h"}
        assert arguments <= shown, f"{command}: options missing from the CLI page: {sorted(arguments - shown)}"
        assert words(data["bare_usage"]) in words(section.get_text())
    for verb in VERBS:
        text = words(sections[f"kb {verb.name}"].get_text())
        lost = [line for line in verb.examples.splitlines() if words(line) not in text]
        assert not lost, f"kb {verb.name}: examples missing from the CLI page: {lost}"


def test_the_cli_page_shows_help_texts_as_written(site):
    """sphinx-argparse reads help texts as reStructuredText: `code` is code there too, and nothing else
    is markup (no link made of `file:line`, no dash made of `--changed`)."""
    check = BeautifulSoup(str(page(site, "cli").find("section", id="kb-check")), "html.parser")
    text = words(check.get_text())
    assert "report problems as file:line diagnostics" in text and not check.find("a", href="file:line")
    assert "the git base for --changed (default:" in text
    path = page(site, "cli").find("section", id="kb-path")
    assert [code.get_text() for code in path.find("p").find_all("code")] == ["kb path plan"]


def test_the_front_matter_page_has_a_table_of_every_field_of_every_schema(site):
    soup = page(site, "front-matter")
    tables = [tuple(row.find("td").get_text().strip() for row in table.select("tbody tr"))
              for table in soup.find_all("table")]
    schemas = dict(SCHEMAS, step=SCHEMAS["path"].item_schema)
    for kind, schema in schemas.items():
        assert schema.names in tables, f"no table of the {kind} fields {schema.names} on the front matter page"


def test_the_layout_diagram_is_accessible_and_names_every_part_of_the_package(site):
    svg = (DOCS / "_static" / "layout.svg").read_text(encoding="utf-8")
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    images = page(site, "architecture").find_all("img", src=re.compile(r"layout\.svg$"))
    assert images and all(len(img.get("alt", "")) > 40 for img in images)
    package = DOCS.parent / "knowledgebase"
    for part in [p.name for p in package.iterdir() if p.is_dir() and (p / "__init__.py").is_file()]:
        assert f"{part}/" in svg, part


def test_the_changelog_page_includes_the_root_changelog(site):
    text = main_text(page(site, "changelog"))
    assert "0.1.0" in text and "kb path plan" in text


# The Content-Security-Policy: the site's, from the same code ----------------------------------

CSP = {"http-equiv": "Content-Security-Policy"}


def is_theme_meta(tag) -> bool:
    """Furo's own meta tags, which it writes before the page's: charset, viewport, colour scheme."""
    return tag.name == "meta" and ("charset" in tag.attrs or tag.get("name") in ("viewport", "color-scheme"))


@pytest.fixture(scope="module")
def site_policy(tmp_path_factory) -> str:
    """The policy of the knowledge base's site: a small root built with the project's conf.py."""
    built = build(copy_root("site-basic", tmp_path_factory.mktemp("kb-site")))
    return built.soup("index").find("meta", attrs=CSP)["content"]


def docs_pages(site: Path) -> list[tuple[Path, BeautifulSoup]]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 10
    return [(p, BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")) for p in pages]


def test_every_docs_page_carries_the_policy_before_anything_it_governs(site):
    for path, soup in docs_pages(site):
        meta = soup.head.find("meta", attrs=CSP)
        assert meta is not None, path
        # A policy in a meta tag governs only what follows it: nothing but the theme's first tags before it.
        before = [tag for tag in meta.find_all_previous(True) if tag.name not in ("html", "head")]
        assert before and all(map(is_theme_meta, before)), (path, [str(tag) for tag in before])


def test_the_docs_have_the_sites_policy_and_headers(site, site_policy):
    for path, soup in docs_pages(site):
        assert soup.find("meta", attrs=CSP)["content"] == site_policy, path
    headers = (site / "_headers").read_text(encoding="utf-8")
    assert f"Content-Security-Policy: {site_policy}; frame-ancestors 'none'" in headers


def test_every_script_of_the_docs_runs_under_the_policy(site):
    """Inline scripts match a hash of the policy; the rest are the docs' own files; no message
    catalogue (it needs `eval`, which the policy refuses)."""
    for path, soup in docs_pages(site):
        policy = soup.find("meta", attrs=CSP)["content"]
        script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        hashes = set(re.findall(r"'sha256-([^']+)'", script_src))
        for script in soup.find_all("script"):
            if script.get("src"):
                source = (path.parent / script["src"].split("?")[0]).resolve()
                assert source.is_file() and source.is_relative_to(site.resolve()), (path, script)
                assert source.name != "translations.js", path
            else:
                assert base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode() in hashes, (
                    path, script)
        for element in soup.find_all(True):
            assert not [name for name in element.attrs if name.lower().startswith("on")], (path, element.name)


# The contributor workflow -----------------------------------------------------------------


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _runs(job: dict) -> list[str]:
    return [step["run"] for step in job["steps"] if "run" in step]


def _uses(job: dict) -> list[str]:
    return [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]


def test_ci_runs_on_pull_requests_and_pushes_to_main():
    workflow = _workflow()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]


def test_ci_runs_the_readme_commands_the_content_check_and_a_strict_build():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    job = _workflow()["jobs"]["check"]
    runs = "\n".join(_runs(job))
    for command in ('python -m pip install -e ".[test]"', "python -m pytest"):
        assert command in readme, f"the README no longer says `{command}`"
        assert command in runs, f"CI does not run `{command}`"
    for command in ("kb check --format github", "kb build --strict", "sudo apt-get install -y chromium", "npm ci"):
        assert command in runs, f"CI does not run `{command}`"
    ordered = [next(i for i, r in enumerate(_runs(job)) if c in r)
               for c in ("kb check --format github", "kb build --strict", "python -m pytest")]
    assert ordered == sorted(ordered), "CI should check the content, then build, then test"
    setup = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python"))
    assert str(setup["with"]["python-version"]) == "3.11"


def test_ci_uploads_the_built_site():
    job = _workflow()["jobs"]["check"]
    upload = [s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload and upload[0]["with"]["path"] == "build/html"


def test_a_separate_job_deploys_main_to_github_pages():
    jobs = _workflow()["jobs"]
    deploy = [job for job in jobs.values() if "actions/deploy-pages" in _uses(job)]
    assert len(deploy) == 1
    job = deploy[0]
    assert "actions/deploy-pages" not in _uses(jobs["check"])
    assert "github.ref == 'refs/heads/main'" in job["if"] and "push" in job["if"]
    assert job["needs"] == "check"
    assert {"actions/configure-pages", "actions/upload-pages-artifact"} <= set(_uses(job))
    assert job["permissions"]["pages"] == "write" and job["permissions"]["id-token"] == "write"
    assert job["environment"]["name"] == "github-pages"


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    lines = [line for line in WORKFLOW.read_text(encoding="utf-8").splitlines() if re.match(r"\s*(- )?uses:", line)]
    assert len(lines) == 7
    for line in lines:
        assert re.fullmatch(r"\s*(- )?uses: [\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


def test_ci_keeps_no_credentials_and_asks_each_job_for_the_least_permissions():
    workflow = _workflow()
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    checkout = next(s for s in jobs["check"]["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_ci_audits_the_workflow_with_a_pinned_zizmor_before_the_tests():
    run = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r'pip install -q "zizmor==\d+\.\d+\.\d+"', run)
    audit = run.index("zizmor --offline")
    assert "--no-exit-codes" not in run and audit < run.index("python -m pytest")
    assert run[audit:].split("\n")[0].rstrip().endswith(".github/workflows")


def test_the_pre_commit_hook_runs_kb_check_on_changed_content():
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "kb-check")
    assert hook["entry"] == "kb check"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert re.match(hook["files"], "content/articles/trust-before-tests.md")
    assert not re.match(hook["files"], "knowledgebase/cli/__init__.py")


def test_the_repository_uses_its_own_hook():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    hook = next(h for h in hooks if h["id"] == "kb-check")
    assert hook["entry"] == "kb check" and hook.get("pass_filenames", True) is True
