"""Deterministic output: the same content gives byte-identical pages, maps, search index and feed.

The real ``content/`` (with the real ``conf.py``) is copied and built from
scratch into separate output folders: twice serially and once with two
processes (``-j 2``), in this process; and twice more with `kb build` in
child processes with different ``PYTHONHASHSEED`` values, so that output
depending on the iteration order of sets cannot pass by luck. Every HTML page,
every concept map inside them, every search index file and the feed must be
byte-identical; a failure lists each file that differs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx_support import REPO, Site, build

_SVG = re.compile(r'<svg class="kb-map".*?</svg>', re.DOTALL)


def _copy_content(destination: Path) -> Path:
    srcdir = destination / "src"
    shutil.copytree(REPO / "content", srcdir)
    shutil.copy(REPO / "conf.py", srcdir / "conf.py")
    return srcdir


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Site]:
    built = {}
    for name, parallel in (("first", 0), ("second", 0), ("parallel", 2)):
        built[name] = build(_copy_content(tmp_path_factory.mktemp(f"determinism-{name}")), parallel=parallel)
    return built


def _build_in_child(destination: Path, hash_seed: str) -> Site:
    srcdir = _copy_content(destination)
    outdir = destination / "html"
    completed = subprocess.run(
        [sys.executable, "-m", "knowledgebase", "build", "--content", str(srcdir), "--conf", str(srcdir),
         "--out", str(outdir), "-q"],
        cwd=destination, env={**os.environ, "PYTHONHASHSEED": hash_seed}, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    return Site(srcdir, outdir, completed.stdout, completed.stderr)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> dict[str, Site]:
    return {seed: _build_in_child(tmp_path_factory.mktemp(f"determinism-seed-{seed}"), seed) for seed in ("1", "2")}


def outputs(site: Site, pattern: str) -> dict[str, bytes]:
    return {p.relative_to(site.outdir).as_posix(): p.read_bytes() for p in sorted(site.outdir.glob(pattern))
            if p.is_file()}


def differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Every file missing from one side or different between the two, by name."""
    return sorted((set(a) ^ set(b)) | {name for name in set(a) & set(b) if a[name] != b[name]})


def svg_maps(site: Site) -> dict[str, bytes]:
    maps = {}
    for name, raw in outputs(site, "**/*.html").items():
        for number, match in enumerate(_SVG.finditer(raw.decode("utf-8"))):
            maps[f"{name}#map-{number}"] = match.group(0).encode("utf-8")
    return maps


@pytest.mark.parametrize("other", ["second", "parallel"])
def test_html_pages_are_byte_identical(sites, other):
    first, second = outputs(sites["first"], "**/*.html"), outputs(sites[other], "**/*.html")
    assert len(first) > 50
    assert differences(first, second) == []


@pytest.mark.parametrize("other", ["second", "parallel"])
def test_concept_maps_are_byte_identical(sites, other):
    first, second = svg_maps(sites["first"]), svg_maps(sites[other])
    assert len(first) > 50  # a map on every article and concept page and the home page
    assert differences(first, second) == []


@pytest.mark.parametrize("other", ["second", "parallel"])
def test_search_index_files_are_byte_identical(sites, other):
    first, second = outputs(sites["first"], "_kb/search/*.json"), outputs(sites[other], "_kb/search/*.json")
    assert "meta.json" in {Path(n).name for n in first}
    assert differences(first, second) == []


@pytest.mark.parametrize("other", ["second", "parallel"])
def test_feed_is_byte_identical(sites, other):
    first, second = outputs(sites["first"], "feed.xml"), outputs(sites[other], "feed.xml")
    assert list(first) == ["feed.xml"]
    assert differences(first, second) == []


@pytest.mark.parametrize("pattern", ["**/*.html", "_kb/search/*.json", "feed.xml"])
def test_output_does_not_depend_on_the_hash_seed(seeded, pattern):
    first, second = outputs(seeded["1"], pattern), outputs(seeded["2"], pattern)
    assert first
    assert differences(first, second) == []


def test_the_builds_went_to_different_folders(sites, seeded):
    """Guards the comparison itself: separate output folders, none reused."""
    folders = {site.outdir.resolve() for site in [*sites.values(), *seeded.values()]}
    assert len(folders) == 5
