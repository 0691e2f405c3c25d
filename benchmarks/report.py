"""Write ``docs/performance.md`` and the build-time plot from the benchmarks' JSON results.

    python benchmarks/report.py

Reads ``benchmarks/results/*.json`` (each records the command that produced
it, the date and the machine), writes ``benchmarks/results/build-time.svg``
(plain SVG, no plotting library) and ``docs/performance.md``. Hand-written
analysis in ``benchmarks/results/notes.md`` is included as it is.
"""

from __future__ import annotations

import argparse
import json
import sys
from html import escape
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import REPO, RESULTS, median  # noqa: E402

DOC = REPO / "docs" / "performance.md"
PLOT_NAME = "build-time.svg"

# Thresholds used to mark a target met. Where the design says "a few" or "tens of KB",
# the number chosen is written next to the target.
BUILD_RATIO_MAX = 1.25
GROWTH_MAX = 5.5
MEMORY_RATIO_MAX = 1.2  # peak memory of kb build / plain Sphinx on the same files, 5,000 articles (issue 12)
BODY_EDIT_MAX_PAGES = 4
# The edit loop through kb serve (issue 12): save -> new HTML on disk, and a save that changes nothing.
EDIT_LOOP_MAX_SECONDS = {1000: 1.0, 5000: 2.0}
EDIT_LOOP_NO_CHANGE_MAX_SECONDS = 1.0
EDIT_LOOP_CONCEPTS_MAX_SECONDS = 5.0
CHECK_MAX_SECONDS = 3.0             # issue 12: cold, no cache (was "a few seconds", ≤ 5 s)
CHECK_CHANGED_MAX_SECONDS = 0.5     # issue 12: `kb check --changed` on one edited file, cache warm
ARTICLE_PAGE_MAX_KB = 100.0
SHAPE_RATIO_MAX = 1.5               # issue 12: with the theme, whatever toctrees authors write
SHAPE_ARTICLE_PAGE_MAX_KB = 60.0
PARALLEL_MIN_SPEEDUP = 1.05


def toctree_parents() -> dict[str, set[str]]:
    """For each hand-made page, the documents its toctrees list (the generated corpus copies these pages).

    Sphinx itself rewrites a page whenever a document in its toctree is written, whatever
    the extension decides; such a rewrite is reported apart from the extension's own."""
    parents: dict[str, set[str]] = {}
    for page in sorted((REPO / "content").glob("*.md")):
        inside = False
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("```{toctree}"):
                inside = True
            elif inside and line.startswith("```"):
                inside = False
            elif inside and line.strip() and not line.startswith(":"):
                parents.setdefault(page.stem, set()).add(line.strip())
    return parents


def needless_writes(scenario: dict, parents: dict[str, set[str]]) -> tuple[list[str], list[str]]:
    """Pages written although they came out byte-identical: (the extension's, Sphinx's toctree rule's)."""
    written = set(scenario["written"])
    by_sphinx = [p for p in scenario["written_unchanged"] if parents.get(p, set()) & written]
    return [p for p in scenario["written_unchanged"] if p not in by_sphinx], by_sphinx


def load(results: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(results.glob("*.json"))}


def fit_line(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Least-squares a + b x."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    b = sum((x - mean_x) * (y - mean_y) for x, y in points) / sxx if sxx else 0.0
    return mean_y - b * mean_x, b


# Plot ------------------------------------------------------------------------------------------

def nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def plot_svg(build: dict, extrapolated: dict[int, float]) -> str:
    sizes = build["sizes"]
    width, height = 720, 420
    left, right, top, bottom = 70, 170, 40, 60
    max_x = max([s["articles"] for s in sizes] + list(extrapolated)) * 1.05
    all_y = [r["seconds"] for s in sizes for arm in s["runs"].values() for r in arm] + list(extrapolated.values())
    max_y = max(all_y) * 1.1
    x_step, y_step = nice_step(max_x), nice_step(max_y)

    def sx(x):
        return left + (width - left - right) * x / max_x

    def sy(y):
        return height - bottom - (height - top - bottom) * y / max_y

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
           'font-family="sans-serif" font-size="12" role="img" aria-labelledby="t d">',
           '<title id="t">Full build time against corpus size</title>',
           '<desc id="d">Median wall-clock seconds of a full build with kb build and with plain Sphinx and MyST, '
           'for each corpus size measured; faint dots are individual runs.</desc>',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2 - 50}" y="22" text-anchor="middle" font-size="15">Full build time vs corpus size</text>']
    tick = 0.0
    while tick <= max_y:
        y = sy(tick)
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        out.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end">{tick:g}</text>')
        tick += y_step
    tick = 0.0
    while tick <= max_x:
        x = sx(tick)
        out.append(f'<line x1="{x:.1f}" y1="{height - bottom}" x2="{x:.1f}" y2="{height - bottom + 5}" stroke="#333"/>')
        out.append(f'<text x="{x:.1f}" y="{height - bottom + 19}" text-anchor="middle">{tick:g}</text>')
        tick += x_step
    out.append(f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#333"/>')
    out.append(f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#333"/>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 15}" text-anchor="middle">articles</text>')
    out.append(f'<text x="18" y="{(top + height - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(top + height - bottom) / 2})">seconds (wall clock)</text>')
    series = [("kb", "kb build", "#c0392b"), ("plain", "plain Sphinx + MyST", "#2c6fbb")]
    if any("plain-nosearch" in s["runs"] for s in sizes):
        series.append(("plain-nosearch", "plain, search index off", "#7f8c8d"))
    legend_y = top + 10
    for arm, label, colour in series:
        points = [(s["articles"], s[f"{arm}_median_s"]) for s in sizes if f"{arm}_median_s" in s]
        for s in sizes:
            for r in s["runs"].get(arm, ()):
                out.append(f'<circle cx="{sx(s["articles"]):.1f}" cy="{sy(r["seconds"]):.1f}" r="2.5" '
                           f'fill="{colour}" fill-opacity="0.35"/>')
        if len(points) > 1:
            path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for x, y in points:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="4" fill="{colour}">'
                       f'<title>{escape(label)}: {x} articles, median {y} s</title></circle>')
        out.append(f'<line x1="{width - right + 12}" y1="{legend_y}" x2="{width - right + 32}" y2="{legend_y}" '
                   f'stroke="{colour}" stroke-width="2"/>')
        out.append(f'<text x="{width - right + 38}" y="{legend_y + 4}">{escape(label)}</text>')
        legend_y += 20
    if extrapolated:
        last = sizes[-1]
        points = [(last["articles"], last["kb_median_s"])] + sorted(extrapolated.items())
        path = " ".join(f"{sx(x):.1f},{sy(y):.1f}" for x, y in points)
        out.append(f'<polyline points="{path}" fill="none" stroke="#c0392b" stroke-width="2" stroke-dasharray="6 4"/>')
        out.append(f'<text x="{width - right + 12}" y="{legend_y + 4}">dashed: kb, extrapolated</text>')
        legend_y += 20
    if sizes:
        base = sizes[0]
        x0, y0 = base["articles"], base["kb_median_s"]
        x1 = max_x / 1.05
        out.append(f'<line x1="{sx(x0):.1f}" y1="{sy(y0):.1f}" x2="{sx(x1):.1f}" y2="{sy(y0 * x1 / x0):.1f}" '
                   'stroke="#c0392b" stroke-opacity="0.4" stroke-dasharray="2 3"/>')
        out.append(f'<text x="{width - right + 12}" y="{legend_y + 4}" fill="#888">dotted: kb at</text>')
        out.append(f'<text x="{width - right + 12}" y="{legend_y + 18}" fill="#888">{x0} articles × n/{x0}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


# Document --------------------------------------------------------------------------------------

def mark(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def table(header: list[str], rows: list[list]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines + [""]


def spread_sentence(build: dict | None) -> str:
    """How much the same build's time varied within the run: the noise every figure carries."""
    if not build:
        return "This machine is shared, so wall-clock times carry noise. "
    first = build["sizes"][0]
    times = [r["seconds"] for r in first["runs"]["plain"]]
    return (f"This machine is shared and its speed drifts: within this run the same plain Sphinx build of "
            f"{first['articles']:,} articles took between {min(times)} s and {max(times)} s. ")


def sphinx_note(pages: list[str]) -> str:
    if not pages:
        return ""
    return (", plus " + ", ".join(f"`{p}`" for p in pages)
            + " (unchanged), which Sphinx itself rewrites because its toctree lists a page that was rewritten")


def concept_runs(concepts: dict) -> str:
    """Each timed concepts edit, after the median; nothing for older results, which timed one."""
    runs = concepts.get("runs")
    if not runs:
        return ""
    each = ", ".join(f"{r['html_on_disk']}/{r['rebuild_done']}" for r in runs)
    return f" (median of {len(runs)}; each on disk/done: {each})"


def plain_floor(loop: dict) -> str:
    """Plain Sphinx kept warm beside ``kb serve``, the same body edits; nothing for older results."""
    plain = loop.get("plain_sphinx_warm")
    if not plain:
        return "-"
    return (f"{plain['body_word_median']} s; `kb serve`'s build takes {plain['ratio_median']}x as long "
            "(median of the ratios pair by pair)")


def provenance(record: dict) -> str:
    text = f"`{record['command']}` — {record['date']}"
    code = record.get("code")
    if code:
        text += f" — code `{code['digest']}` (newest file {code['newest_file']})"
    if record.get("code_changed_during_run"):
        text += " — **the code changed while this ran: treat these numbers with suspicion**"
    return text


def machine_line(m: dict) -> str:
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items() if v)
    load = m.get("load_at_start")
    load_text = f"; load average at start {load[0]:.2f}" if load else ""
    return (f"{m['nproc']} CPUs ({m['cpu']}), {m['memory_gb']} GB memory, Python {m['python']}, "
            f"{m['platform']}; {versions}{load_text}")


def lighthouse_section(results: dict) -> list[str]:
    """Lighthouse scores of the real site (``benchmarks/lighthouse.py``), mobile settings."""
    first = next(iter(results.values()))
    rows = [[f"`{page}`", r["scores"]["performance"], r["scores"]["accessibility"], r["scores"]["best-practices"],
             r["scores"]["seo"], r["metrics"]["first-contentful-paint"].replace("\u00a0", " "),
             r["metrics"]["largest-contentful-paint"].replace("\u00a0", " "),
             r["metrics"]["total-blocking-time"].replace("\u00a0", " "), r["metrics"]["cumulative-layout-shift"]]
            for page, r in sorted(results.items())]
    return ["## Lighthouse (the real site, mobile)", "",
            f"Lighthouse {first['lighthouse']} (npm, pinned in `package.json`), its default mobile settings "
            "(emulated phone, simulated slow 4G and CPU slowdown), Debian's Chromium, the site served on "
            "127.0.0.1 with the headers of its `_headers` file (so the Content-Security-Policy is the real one). "
            "Targets: Accessibility, Best Practices and SEO 100, Performance at least 95.", "",
            "Command: `python benchmarks/lighthouse.py` (builds the site; `--site DIR` for a built one), which runs, "
            "per page:", "",
            "```", "CHROME_PATH=/usr/bin/chromium node_modules/.bin/lighthouse URL --output=json --quiet \\",
            "  --only-categories=performance,accessibility,best-practices,seo \\",
            '  --chrome-flags="--headless --no-sandbox --disable-gpu"', "```", "",
            *table(["Page", "Performance", "Accessibility", "Best Practices", "SEO", "FCP", "LCP", "TBT", "CLS"], rows),
            "", "Performance is below 100 only because simulated slow 4G puts first and largest contentful paint at "
            "about 2 s; blocking time and layout shift are zero.", ""]


def write(results: Path, doc: Path) -> str:
    data = load(results)
    build = data.get("build")
    parallel = data.get("parallel")
    check = data.get("check")
    incrementals = sorted((v for k, v in data.items() if k.startswith("incremental-")), key=lambda d: d["articles"])
    sizes_all = sorted((v for k, v in data.items() if k.startswith("sizes-")), key=lambda d: d["articles"])
    profiles = sorted((v for k, v in data.items() if k.startswith("profile-")), key=lambda d: d["articles"])
    edit_loops = sorted((v for k, v in data.items() if k.startswith("edit-loop-")), key=lambda d: d["articles"])
    lines = ["# Performance", "",
             "Measured with the scripts in `benchmarks/` (see `benchmarks/README.md`) on a synthetic corpus made by",
             "`benchmarks/generate_corpus.py`: articles of about 750 words on average with 1-6 concept tags drawn",
             "from a skewed (Zipf-like) vocabulary of 28 + N/25 concepts, audiences, sources, prerequisites and",
             "about four links to other articles each (link targets are skewed as well, so some articles are",
             "linked from many others), plus concept, audience and path pages and the project's own hand-made",
             "pages. The design's budget is in `DESIGN.md` §7; these are benchmarks, not timed tests.", "",
             "This page is generated by `python benchmarks/report.py` from `benchmarks/results/*.json`;",
             "each section names the command that produced its numbers and when.", ""]
    machines = {json.dumps(r["machine"].get("cpu")) for r in data.values() if "machine" in r}
    first = next((r for r in data.values() if "machine" in r), None)
    if first:
        lines += ["## Machine", "", machine_line(first["machine"]), ""]
        if len(machines) > 1:
            lines += ["(Results come from more than one machine; each JSON file records its own.)", ""]
        digests = sorted({r["code"]["digest"] for r in data.values() if r.get("code")})
        if len(digests) > 1:
            lines += [f"**The results below were measured on {len(digests)} different versions of the code** "
                      f"({', '.join(digests)}); each section names its own.", ""]
        elif digests:
            lines += [f"All results were measured on the same code: digest `{digests[0]}` of `knowledgebase/` and "
                      "`conf.py` (see `benchmarks/common.py:code_version`).", ""]
        lines += [spread_sentence(data.get("build")) + "The builds being compared alternate to spread the "
                  "noise evenly between them, ratios are taken pair by pair, and CPU times (user + system of the "
                  "build's whole process tree) are given alongside.", ""]

    # Summary ---------------------------------------------------------------------------------
    rows = []
    extrapolated: dict[int, float] = {}
    by_size = {s["articles"]: s for s in build["sizes"]} if build else {}
    repeats = [v for k, v in sorted(data.items()) if k.startswith("build-")]
    if build:
        s1000 = by_size.get(1000) or build["sizes"][0]
        pooled = list(s1000["ratios_vs_plain"])
        measured = f"{s1000['ratio_vs_plain']}x (median of {len(s1000['ratios_vs_plain'])} pairs; CPU time " \
                   f"{s1000['cpu_ratio_vs_plain']}x)"
        for repeat in repeats:
            for entry in repeat["sizes"]:
                if entry["articles"] == s1000["articles"]:
                    pooled += entry["ratios_vs_plain"]
                    measured += (f"; repeat run: {entry['ratio_vs_plain']}x ({len(entry['ratios_vs_plain'])} pairs, "
                                 f"CPU {entry['cpu_ratio_vs_plain']}x)")
        if len(pooled) > len(s1000["ratios_vs_plain"]):
            measured += f"; all {len(pooled)} pairs: median {median(pooled):.3f}x"
        rows.append([f"Full build, {s1000['articles']} articles: at most {BUILD_RATIO_MAX}x plain Sphinx + MyST",
                     measured, mark(median(pooled) <= BUILD_RATIO_MAX)])
        largest = max(build["sizes"], key=lambda s: s["articles"])
        if 5000 in by_size:
            growth = by_size[5000]["kb_median_s"] / s1000["kb_median_s"]
            plain_growth = by_size[5000]["plain_median_s"] / s1000["plain_median_s"]
            rows.append([f"5,000 articles at most about {GROWTH_MAX}x the 1,000 time",
                         f"{growth:.2f}x (measured; plain Sphinx + MyST in the same run: {plain_growth:.2f}x)",
                         mark(growth <= GROWTH_MAX)])
            s5000 = by_size[5000]
            if "memory_ratio_vs_plain" in s5000:
                rows.append([f"Peak memory, 5,000 articles: at most {MEMORY_RATIO_MAX}x plain Sphinx + MyST on the same files",
                             f"{s5000['memory_ratio_vs_plain']}x ({s5000['kb_max_rss_mb']:.0f} MB against "
                             f"{s5000['plain_max_rss_mb']:.0f} MB, largest of {len(s5000['runs']['kb'])} builds each)",
                             mark(s5000["memory_ratio_vs_plain"] <= MEMORY_RATIO_MAX)])
        elif len(build["sizes"]) >= 2:
            a, b = fit_line([(s["articles"], s["kb_median_s"]) for s in build["sizes"]])
            for n in build.get("skipped") or [5000]:
                extrapolated[n] = round(a + b * n, 1)
            if 5000 in extrapolated:
                growth = extrapolated[5000] / s1000["kb_median_s"]
                rows.append([f"5,000 articles at most about {GROWTH_MAX}x the 1,000 time",
                             f"{growth:.2f}x (**extrapolated** linearly from {largest['articles']} articles; not measured)",
                             mark(growth <= GROWTH_MAX) + " (extrapolated)"])
    for inc in incrementals[-1:]:
        sc = inc["scenarios"]
        body = sc["body-word"]
        rows.append([f"Body-only edit ({inc['articles']} articles): one page re-written plus at most a few "
                     f"(≤ {BODY_EDIT_MAX_PAGES})",
                     f"{body['written_count']} document(s) written ({body['html_changed_count']} HTML file(s) changed); "
                     f"{body['seconds']} s", mark(body["written_count"] <= BODY_EDIT_MAX_PAGES)])
        parents = toctree_parents()
        grow = sc["body-grow"]
        needless, by_sphinx = needless_writes(grow, parents)
        rows.append([f"Body edit that changes the reading time ({inc['articles']} articles): the page plus the "
                     "pages showing its card",
                     f"{grow['written_count']} documents written, of which {len(needless)} came out byte-identical"
                     + sphinx_note(by_sphinx) + f"; {grow['html_changed_count']} HTML files changed; {grow['seconds']} s",
                     mark(not needless)])
        con = sc["concepts"]
        stale = inc.get("verify", {}).get("stale_count")
        needless, by_sphinx = needless_writes(con, parents)
        ok = stale == 0 and not needless if stale is not None else not needless
        rows.append([f"Concept edit ({inc['articles']} articles): only the pages that show that concept's data",
                     f"{con['written_count']} documents written, of which {len(needless)} came out byte-identical "
                     f"(written for nothing)" + sphinx_note(by_sphinx) + f"; {con['html_changed_count']} HTML files "
                     "changed; " + (f"{stale} stale page(s) against a fresh build; " if stale is not None else "")
                     + f"{con['seconds']} s", mark(ok)])
    for loop in edit_loops:
        n, body = loop["articles"], loop["body_word"]
        limit = EDIT_LOOP_MAX_SECONDS.get(n)
        if limit is not None:
            rows.append([f"`kb serve`, {n:,} articles: one-word body edit saved -> new HTML on disk ≤ {limit:g} s",
                         f"{body['html_on_disk_median']} s (median of {len(body['runs'])}; rebuild finished "
                         f"{body['rebuild_done_median']} s; a fresh `kb build` process for the same edit: "
                         f"{loop['fresh_process_body_word']['seconds']} s"
                         + (f"; plain Sphinx kept warm, the same edit: {plain_floor(loop)}"
                            if loop.get("plain_sphinx_warm") else "") + ")",
                         mark(body["html_on_disk_median"] <= limit)])
        if n == 5000:
            rows.append([f"`kb serve`, {n:,} articles: a save that changes nothing ≤ {EDIT_LOOP_NO_CHANGE_MAX_SECONDS:g} s",
                         f"{loop['save_without_edit']['seconds']} s",
                         mark(loop["save_without_edit"]["seconds"] <= EDIT_LOOP_NO_CHANGE_MAX_SECONDS)])
            con = loop["concepts"]
            rows.append([f"`kb serve`, {n:,} articles: an article's concepts edited -> every page showing them "
                         f"rewritten ≤ {EDIT_LOOP_CONCEPTS_MAX_SECONDS:g} s",
                         f"{con['rebuild_done']} s{concept_runs(con)}; the concept page listed it after "
                         f"{con['html_on_disk']} s",
                         mark(con["rebuild_done"] <= EDIT_LOOP_CONCEPTS_MAX_SECONDS)])
    if check:
        rows.append([f"`kb check` at {check['articles']:,} articles, fresh process, no cache: under "
                     f"{CHECK_MAX_SECONDS:g} s, no Sphinx",
                     f"{check['median_s']} s (median of {len(check['runs'])}); Sphinx imported: "
                     f"{'yes' if check['sphinx_imported'] else 'no'}",
                     mark(check["median_s"] < CHECK_MAX_SECONDS and not check["sphinx_imported"])])
        if "changed" in check:
            changed = check["changed"]
            rows.append([f"`kb check --changed` at {check['articles']:,} articles, one file edited, cache warm: "
                         f"under {CHECK_CHANGED_MAX_SECONDS:g} s, the full check's diagnostics for that file",
                         f"{changed['median_s']} s (median of {len(changed['runs'])}); same diagnostics: "
                         f"{'yes' if changed['same_diagnostics_as_full_check'] else 'no'}",
                         mark(changed["median_s"] < CHECK_CHANGED_MAX_SECONDS
                              and changed["same_diagnostics_as_full_check"])])
    for sz in sizes_all[-1:]:
        a = sz["article_pages"]
        rows.append([f"Article page HTML tens of KB at any size (< {ARTICLE_PAGE_MAX_KB:g} KB) — {sz['articles']:,} articles",
                     f"median {a['median_kb']} KB, 90th percentile {a['p90_kb']} KB, largest {a['max_kb']} KB",
                     mark(a["max_kb"] < ARTICLE_PAGE_MAX_KB) + ("" if a["max_kb"] < ARTICLE_PAGE_MAX_KB else
                                                                " (largest page)")])
    if parallel:
        rows.append([f"`-j 2` measurably faster than `-j 1` (≥ {PARALLEL_MIN_SPEEDUP}x), identical output "
                     f"({parallel['articles']:,} articles)",
                     f"{parallel['speedup']}x ({parallel['j1_median_s']} s → {parallel['j2_median_s']} s); output "
                     + ("identical" if parallel["identical"] else f"differs in {parallel['differing_count']} files"),
                     mark(parallel["speedup"] >= PARALLEL_MIN_SPEEDUP and parallel["identical"])])
    shapes = data.get("toctree-shapes")
    if shapes:
        worst = max(shapes["sizes"], key=lambda e: e["ratio_vs_plain-alabaster"])
        rows.append([f"Full build with the theme, {worst['articles']:,} articles, every toctree shape: at most "
                     f"{SHAPE_RATIO_MAX}x plain Sphinx + MyST (alabaster, no sidebars)",
                     "; ".join(f"{e['shape']} {e['ratio_vs_plain-alabaster']}x (CPU {e['cpu_ratio_vs_plain-alabaster']}x)"
                               for e in shapes["sizes"]),
                     mark(all(e["ratio_vs_plain-alabaster"] <= SHAPE_RATIO_MAX for e in shapes["sizes"]))])
    for sz in sizes_all:
        if sz.get("shape", "none") != "none" and sz["articles"] >= 5000:
            largest_kb = sz["article_pages"]["max_kb"]
            rows.append([f"Article pages at {sz['articles']:,} articles with the `{sz['shape']}` toctree: at most "
                         f"{SHAPE_ARTICLE_PAGE_MAX_KB} KB",
                         f"largest {largest_kb} KB, median {sz['article_pages']['median_kb']} KB",
                         mark(largest_kb <= SHAPE_ARTICLE_PAGE_MAX_KB)])
    lines += ["## Targets", ""] + table(["Target", "Measured", "Result"], rows)
    if shapes:
        lines += ["## Toctree shapes", "", provenance(shapes), "",
                  "The same generated articles with the toctrees an author may write (`generate_corpus.py --shape`): "
                  "`none` (the home page lists only section pages), `glob-home` (a hidden `:glob:` toctree over "
                  "every concept, article and path on the home page) and `page-toctrees` (every tenth article "
                  "gathers the next nine). Each is built by `kb build` and by plain Sphinx + MyST with the default "
                  "theme and no sidebars, alternating, into fresh folders; ratios are per pair.", ""]
        lines += table(["Shape", "Articles", "kb build (median)", "plain Sphinx, alabaster (median)", "Ratio",
                        "Per pair", "CPU ratio", "kb peak memory"],
                       [[e["shape"], f"{e['articles']:,}", f"{e['kb_median_s']} s", f"{e['plain-alabaster_median_s']} s",
                         f"{e['ratio_vs_plain-alabaster']}x", ", ".join(map(str, e["ratios_vs_plain-alabaster"])),
                         f"{e['cpu_ratio_vs_plain-alabaster']}x", f"{e['kb_max_rss_mb']:.0f} MB"] for e in shapes["sizes"]])

    # Full builds -----------------------------------------------------------------------------
    if build:
        lines += ["## Full builds", "", provenance(build), "",
                  f"Each row: {build['reps']} full builds of each kind into fresh folders, alternating; "
                  f"{'serial' if not build.get('jobs') else '-j ' + str(build['jobs'])}. "
                  "The ratio is the median of the per-pair ratios kb / plain (wall clock).", ""]
        has_nosearch = any("plain-nosearch_median_s" in s for s in build["sizes"])
        header = ["Articles", "kb build (s)", "plain (s)", "ratio", "per-pair ratios", "CPU ratio",
                  "kb growth vs first", "plain growth", "kb peak memory", "plain peak memory", "memory ratio"]
        if has_nosearch:
            header.insert(3, "plain, no search index (s)")
        rows = []
        for s in build["sizes"]:
            row = [f"{s['articles']:,}", s["kb_median_s"], s["plain_median_s"], f"{s['ratio_vs_plain']}x",
                   ", ".join(f"{r}" for r in s["ratios_vs_plain"]), f"{s['cpu_ratio_vs_plain']}x",
                   f"{s.get('kb_growth', 1.0)}x", f"{s.get('plain_growth', 1.0)}x", f"{s['kb_max_rss_mb']:.0f} MB",
                   f"{s['plain_max_rss_mb']:.0f} MB", f"{s['kb_max_rss_mb'] / s['plain_max_rss_mb']:.2f}x"]
            if has_nosearch:
                row.insert(3, s.get("plain-nosearch_median_s", ""))
            rows.append(row)
        for n, seconds in sorted(extrapolated.items()):
            rows.append([f"{n:,} (extrapolated)", seconds, "", "", "", "", "", "", "", "", ""][:len(header)])
        lines += table(header, rows)
        if build.get("skipped"):
            lines += [f"Skipped sizes: {', '.join(map(str, build['skipped']))} (the previous build pair took longer "
                      "than the limit); the figures above for them are a straight-line extrapolation, not a measurement.", ""]
        lines += [f"![Full build time against corpus size](../benchmarks/results/{PLOT_NAME})", ""]
        for repeat in repeats:
            lines += ["Repeat measurement: " + provenance(repeat), "",
                      *table(["Articles", "kb build (s)", "plain (s)", "ratio", "per-pair ratios", "CPU ratio"],
                             [[f"{e['articles']:,}", e["kb_median_s"], e["plain_median_s"], f"{e['ratio_vs_plain']}x",
                               ", ".join(str(r) for r in e["ratios_vs_plain"]), f"{e['cpu_ratio_vs_plain']}x"]
                              for e in repeat["sizes"]])]

    if parallel:
        lines += ["## Parallel builds", "", provenance(parallel), "",
                  *table(["Articles", "-j 1 (s)", "-j 2 (s)", "speed-up", "files compared", "identical"],
                         [[f"{parallel['articles']:,}", parallel["j1_median_s"], parallel["j2_median_s"],
                           f"{parallel['speedup']}x", parallel["files_compared"],
                           "yes" if parallel["identical"] else f"no ({parallel['differing_count']} differ)"]])]
        cpu = {arm: [r["cpu_seconds"] for r in runs] for arm, runs in parallel["runs"].items()}
        lines += [f"CPU seconds per run: -j 1 {cpu['j1']}, -j 2 {cpu['j2']}.", ""]
        if parallel["differing"]:
            lines += ["Files that differ: " + ", ".join(f"`{p}`" for p in parallel["differing"][:20]), ""]

    if edit_loops:
        lines += ["## The edit loop: `kb serve`", "",
                  "Each row: `kb serve` started as a contributor starts it (`<venv>/bin/kb` by its path, from another "
                  "folder, the environment not activated) on a copy of the generated corpus; after its first build, "
                  "one file is saved and the clock runs until the page shows the edit (\"HTML on disk\", polled "
                  "every 10 ms) and until the server says the rebuild is done. The last column is the same one-word "
                  "edit built by a fresh `kb build` process, as `kb serve` did before (sphinx-autobuild runs a new "
                  "`sphinx-build` per save). The floor: plain Sphinx + MyST (the project's configuration without the "
                  "extension and without Sphinx's search index) kept warm in a process of its own on a copy of the "
                  "corpus, given each body edit right after `kb serve` (`benchmarks/warm_sphinx.py`).", ""]
        for loop in edit_loops:
            lines += [provenance(loop), ""]
        lines += table(["Articles", "Start-up (first build)", "Body edit: HTML on disk (median)",
                        "Body edit: rebuild done", "Body edit: the build alone, as the server times it",
                        "Each run (on disk / done)", "Save without an edit",
                        "Concepts edit: concept page / rebuild done", "Fresh `kb build` process, same edit",
                        "Plain Sphinx kept warm, same body edit"],
                       [[f"{loop['articles']:,}", f"{loop['startup_seconds']} s",
                         f"{loop['body_word']['html_on_disk_median']} s", f"{loop['body_word']['rebuild_done_median']} s",
                         f"{loop['body_word'].get('build_inside_server_median', '-')} s",
                         ", ".join(f"{r['html_on_disk']}/{r['rebuild_done']}" for r in loop["body_word"]["runs"]),
                         f"{loop['save_without_edit']['seconds']} s",
                         f"{loop['concepts']['html_on_disk']} s / {loop['concepts']['rebuild_done']} s"
                         + concept_runs(loop["concepts"]),
                         f"{loop['fresh_process_body_word']['seconds']} s", plain_floor(loop)] for loop in edit_loops])
        lines += [""]

    for inc in incrementals:
        lines += [f"## Incremental builds ({inc['articles']:,} articles)", "", provenance(inc), "",
                  f"Edited article: `{inc['article']}`. \"Documents written\" counts Sphinx's `writing output...` lines; "
                  "\"HTML touched\" counts HTML files whose modification time changed (this includes the extra "
                  "pages Sphinx regenerates on every build: search, genindex and the facilitator pages); "
                  "\"HTML changed\" counts files whose bytes changed.", ""]
        rows = []
        for label, sc in inc["scenarios"].items():
            if label == "full":
                rows.append(["full build", "", sc["seconds"], sc["written_count"], "", "", ""])
                continue
            rows.append([label, sc["edit"], sc["seconds"], sc["written_count"], sc["written_unchanged_count"],
                         sc["html_touched_count"], sc["html_changed_count"]])
        lines += table(["Scenario", "Edit", "Time (s)", "Documents written", "of which byte-identical",
                        "HTML files touched", "HTML files changed"], rows)
        for label in ("body-word", "body-grow", "concepts"):
            sc = inc["scenarios"][label]
            lines += [f"- `{label}` wrote: " + ", ".join(f"`{p}`" for p in sc["written"][:40])
                      + (" …" if sc["written_count"] > 40 else "")]
            if sc["written_unchanged"]:
                lines += ["  - of these, byte-identical afterwards: " + ", ".join(
                    f"`{p}`" for p in sc["written_unchanged"][:40]) + (" …" if sc["written_unchanged_count"] > 40 else "")]
            others = [p for p in sc["rewritten_unchanged"] if p.removesuffix(".html") not in sc["written"]]
            if others:
                lines += ["  - extra pages regenerated on every build (unchanged): "
                          + ", ".join(f"`{p}`" for p in others[:12]) + (" …" if len(others) > 12 else "")]
        lines += [""]
        if "verify" in inc:
            v = inc["verify"]
            lines += [f"After the last edit the corpus was built from scratch and compared page by page with the "
                      f"incremental result: {v['stale_count']} page(s) differ"
                      + (": " + ", ".join(f"`{p}`" for p in v["stale"]) if v["stale"] else " (nothing stale)") + ".", ""]

    if check:
        lines += ["## `kb check`", "", provenance(check), "",
                  *table(["Articles", "Concepts", "Median (s)", "Runs (s)", "Peak memory", "Imports Sphinx"],
                         [[f"{check['articles']:,}", check["corpus"]["concepts"], check["median_s"],
                           ", ".join(str(r["seconds"]) for r in check["runs"]), f"{check['max_rss_mb']:.0f} MB",
                           "yes" if check["sphinx_imported"] else "no"]]),
                  f"Times are for the whole command in a fresh process (start-up and imports included). "
                  f"Output: `{check['summary_line']}`", ""]
        if "warm" in check:
            lines += ["With the per-file cache (`kb check` keeps it in the user's cache folder; see `docs/cli.md`), "
                      f"each a fresh process of `{check['kb']}` run from {check['cwd']}:", "",
                      *table(["Run", "Median (s)", "Runs (s)", "CPU (s, median)", "Peak memory"],
                             [[name, run["median_s"], ", ".join(str(r["seconds"]) for r in run["runs"]),
                               run["median_cpu_s"], f"{run['max_rss_mb']:.0f} MB"]
                              for name, run in (("cold: `kb check --no-cache`", check["cold"]),
                                                ("first `kb check` (reads everything, writes the cache)",
                                                 check["first_with_cache"]),
                                                ("warm: `kb check`, cache up to date", check["warm"]),
                                                ("`kb check --changed`, one article edited", check["changed"]))]),
                      *([f"Run alternately with the cold runs, the engine of `{check['compared_with']['ref']}` "
                         f"(commit `{check['compared_with']['commit'][:12]}`) took {check['compared_with']['median_s']} s "
                         f"(runs: {', '.join(str(r['seconds']) for r in check['compared_with']['runs'])} s); the cold "
                         f"check takes {check['compared_with']['median_ratio']}x its time (per pair: "
                         f"{', '.join(str(r) for r in check['compared_with']['ratios'])}).", ""]
                        if check.get("compared_with") else []),
                      (f"The cache files hold {check['cache_mb']} MB ("
                       + ", ".join(f"`{name}` {size} MB" for name, size in check["cache_files_mb"].items()) + ")."
                       if "cache_files_mb" in check else f"The cache file holds {check['cache_mb']} MB.")
                      + (f" Python's bytecode was {check['bytecode']}." if "bytecode" in check else "")
                      + f" `--changed` reported exactly the diagnostics a full `--no-cache` check gives for the "
                      f"edited file (`{check['changed']['edited']}`): "
                      f"{'yes' if check['changed']['same_diagnostics_as_full_check'] else 'no'}.", ""]

    for sz in sizes_all:
        shape = f", `{sz['shape']}` toctrees" if sz.get("shape", "none") != "none" else ""
        lines += [f"## Page sizes and search download ({sz['articles']:,} articles{shape})", "", provenance(sz), ""]
        if "build" in sz:
            b = sz["build"]
            lines += [f"The build these were measured on: {b['seconds']} s wall, {b['cpu_seconds']} s CPU, "
                      f"**peak memory {b['max_rss_mb']:.0f} MB** (largest process of the build's tree, from `wait4`; "
                      f"{'serial' if not b.get('jobs') else '-j ' + str(b['jobs'])}).", ""]
        rows = []
        for label, key in (("Article pages", "article_pages"), ("Concept pages", "concept_pages")):
            p = sz[key]
            rows.append([label, p["count"], f"{p['median_kb']} KB ({p['median_gzip_kb']} KB gzip)", f"{p['p90_kb']} KB",
                         f"{p['max_kb']} KB ({p['max_gzip_kb']} KB gzip), `{p['max_page']}`"])
        lines += table(["Pages", "Count", "Median", "90th percentile", "Largest"], rows)
        lines += table(["Listing page", "Size", "gzip"],
                       [[f"`{name}`", f"{v['kb']} KB", f"{v['gzip_kb']} KB"] for name, v in sz["listing_pages"].items()])
        s = sz["search"]
        lines += [f"First search for \"{s['query']}\": the browser fetches "
                  + ", ".join(f"`{n}` ({v['kb']} KB, {v['gzip_kb']} KB gzip)" for n, v in s["files"].items())
                  + (f", and one file per result shown ({s['result_files']['count']} of {s['results']} results: "
                     f"{s['result_files']['kb']} KB, {s['result_files']['gzip_kb']} KB gzip)" if "result_files" in s else "")
                  + f" — **{s['total_kb']} KB in all, {s['total_gzip_kb']} KB gzip-compressed** — out of an index of "
                  f"{s['index_files']} files ({s['index_total_kb']} KB) covering {s['documents']} documents. "
                  + ("The files are those the search page's own script asks for (run in Node)."
                     if "result_files" in s else "The docs chunk counted is the largest one."), "",
                  f"Whole site: {sz['site_files']} files, {sz['site_mb']} MB.", ""]

    for prof in profiles:
        entry_points = ("__main__.py", "cli.py:", "commands/site.py:", "cli/__init__.py:", "cli/site.py:")
        rows = [r for r in prof["top_knowledgebase"] if not any(e in r["function"] for e in entry_points)][:10]
        lines += [f"## Profile of a {prof['articles']:,}-article build", "", provenance(prof), "",
                  f"cProfile of a serial `kb build` ({prof['profiled_seconds']} s profiled; cProfile inflates "
                  "Python-heavy code, so read the entries relative to each other). Top 10 entries defined in "
                  "`knowledgebase/` by cumulative time (the command's entry points left out):", "",
                  *table(["Cumulative (s)", "Own (s)", "Calls", "Function"],
                         [[r["cumulative_s"], r["own_s"], r["calls"], f"`{r['function']}`"] for r in rows]),
                  "For scale, the top entries of the whole build:", "",
                  *table(["Cumulative (s)", "Own (s)", "Calls", "Function"],
                         [[r["cumulative_s"], r["own_s"], r["calls"], f"`{r['function']}`"]
                          for r in prof["top_overall"][:12]])]

    if (results / "lighthouse.json").is_file():
        lines += lighthouse_section(json.loads((results / "lighthouse.json").read_text(encoding="utf-8")))

    notes = results / "notes.md"
    if notes.is_file():
        lines += ["## Notes", "", notes.read_text(encoding="utf-8").strip(), ""]
    if build:
        (results / PLOT_NAME).write_text(plot_svg(build, extrapolated), encoding="utf-8")
    text = "\n".join(lines).rstrip() + "\n"
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--doc", type=Path, default=DOC)
    args = parser.parse_args(argv)
    write(args.results, args.doc)
    print(f"wrote {args.doc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
