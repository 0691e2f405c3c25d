"""Verbs that look at the corpus: ``stats``, ``concepts``, ``related``, ``graph``, ``schema``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import FileExists, write_replacing
from ..suggest import did_you_mean
from .common import (
    EXIT_OK,
    UsageError,
    Verb,
    content_option,
    load_or_fail,
    print_json,
    whole_number,
)

if TYPE_CHECKING:
    from ..graph import ConceptGraph

FEW_ARTICLES = 3


def _format_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for programs")


def _graph(args) -> ConceptGraph:
    from ..graph import (
        ConceptGraph,  # networkx is slow to import; `kb check` does not need it
    )

    return ConceptGraph(load_or_fail(args.content).kb)


def configure_stats(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    _format_option(parser)
    parser.set_defaults(run=run_stats)


def coverage(graph: ConceptGraph) -> dict:
    kb = graph.kb
    per_concept = {cid: len(graph.articles_for(cid)) for cid in kb.concepts}
    cited = {sid for a in kb.articles.values() for sid in a.sources}
    per_audience = {aid: sum(aid in a.audience for a in kb.articles.values()) for aid in kb.audiences}
    in_paths = {s.article for p in kb.paths.values() for s in p.steps}
    return {
        "articles": len(kb.articles), "concepts": len(kb.concepts), "paths": len(kb.paths),
        "sources": len(kb.sources), "audiences": len(kb.audiences),
        "words": sum(a.word_count for a in kb.articles.values()),
        "articles_per_concept": dict(sorted(per_concept.items(), key=lambda item: (-item[1], item[0]))),
        "concepts_without_articles": sorted(c for c, n in per_concept.items() if n == 0),
        "concepts_with_one_article": sorted(c for c, n in per_concept.items() if n == 1),
        "articles_linked_from_nowhere": sorted(a for a in kb.articles if not graph.backlinks(a)),
        "articles_in_no_path": sorted(a for a in kb.articles if a not in in_paths),
        "sources_cited_by_nothing": sorted(set(kb.sources) - cited),
        "articles_per_audience": dict(sorted(per_audience.items())),
        "audiences_with_few_articles": sorted(a for a, n in per_audience.items() if n < FEW_ARTICLES),
    }


def run_stats(args) -> int:
    report = coverage(_graph(args))
    if args.format == "json":
        print_json(report)
        return EXIT_OK
    print(f"{report['articles']} articles ({report['words']} words), {report['concepts']} concepts, "
          f"{report['paths']} reading paths, {report['sources']} sources, {report['audiences']} audiences\n")
    print("Articles per concept:")
    for cid, count in report["articles_per_concept"].items():
        print(f"  {count:4d}  {cid}")
    print("\nArticles per audience:")
    for aid, count in report["articles_per_audience"].items():
        print(f"  {count:4d}  {aid}")
    for key, title in (("concepts_without_articles", "Concepts with no article"),
                       ("concepts_with_one_article", "Concepts with only one article"),
                       ("articles_linked_from_nowhere", "Articles no other article links to"),
                       ("sources_cited_by_nothing", "Sources no article cites"),
                       ("audiences_with_few_articles", f"Audiences with fewer than {FEW_ARTICLES} articles")):
        items = report[key]
        print(f"\n{title}: {len(items)}")
        for item in items:
            print(f"  - {item}")
    return EXIT_OK


def configure_concepts(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    _format_option(parser)
    parser.set_defaults(run=run_concepts)


def run_concepts(args) -> int:
    graph = _graph(args)
    concepts = graph.kb.concepts
    if args.format == "json":
        print_json([{"id": c.id, "label": c.label, "aliases": list(c.aliases), "definition": c.definition,
                     "broader": list(c.broader), "related": list(c.related),
                     "articles": len(graph.articles_for(c.id))} for c in concepts.values()])
        return EXIT_OK
    for c in concepts.values():
        aliases = f"  (also: {', '.join(c.aliases)})" if c.aliases else ""
        print(f"{c.id}: {c.label}{aliases}  [{len(graph.articles_for(c.id))} articles]")
        print(f"    {c.definition}")
    return EXIT_OK


def configure_related(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    parser.add_argument("article", help="an article id (its file name without .md)")
    parser.add_argument("-k", type=whole_number(1), default=5, metavar="N", help="how many to show (default 5)")
    _format_option(parser)
    parser.set_defaults(run=run_related)


def run_related(args) -> int:
    graph = _graph(args)
    kb = graph.kb
    if args.article not in kb.articles:
        raise UsageError(f"no article `{args.article}`; " + did_you_mean(args.article, kb.articles, "see content/articles/"))
    related = graph.related_articles(args.article, args.k)
    if args.format == "json":
        print_json([{"article": r.article, "title": kb.articles[r.article].title, "score": r.score,
                     "shared_concepts": list(r.shared_concepts), "linked": r.linked,
                     "prerequisite": r.prerequisite} for r in related])
        return EXIT_OK
    print(f"Related to {kb.articles[args.article].title} ({args.article}):")
    for r in related:
        reasons = []
        if r.shared_concepts:
            reasons.append("shares " + ", ".join(r.shared_concepts))
        if r.linked:
            reasons.append("linked")
        if r.prerequisite:
            reasons.append("prerequisite")
        print(f"  {r.score:6.3f}  {r.article}: {kb.articles[r.article].title}")
        print(f"          {'; '.join(reasons)}")
    if not related:
        print("  (no article shares a concept or a link with it)")
    return EXIT_OK


def configure_graph(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    parser.add_argument("--format", choices=("json", "graphml"), default="json", help="json (default) or graphml")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE", help="write to FILE instead of standard output")
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")
    parser.set_defaults(run=run_graph)


def run_graph(args) -> int:
    graph = _graph(args)
    text = graph.to_json() if args.format == "json" else graph.to_graphml()
    if args.output is None:
        print(text, end="")
        return EXIT_OK
    _write(args.output, text, args.force)
    print(f"wrote {args.output}")
    return EXIT_OK


def _write(path: Path, text: str, force: bool) -> None:
    try:
        write_replacing(path, text, force)
    except FileExists:
        raise UsageError(f"{path} already exists; choose another name or add --force to replace it") from None


def configure_schema(parser: argparse.ArgumentParser) -> None:
    content_option(parser)
    parser.add_argument("kind", nargs="?", choices=("article", "concept", "path", "audience", "source"),
                        help="print one schema to standard output")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write <kind>.schema.json files into DIR")
    parser.add_argument("--vocabulary", action="store_true",
                        help="restrict ids to those of the corpus in --content (as kb check does)")
    parser.add_argument("--force", action="store_true", help="replace existing files in DIR")
    parser.set_defaults(run=run_schema)


def vocabulary(kb) -> dict[str, list[str]]:
    """Every id or alias each reference kind accepts, for JSON Schema enums."""
    concept_terms = set(kb.aliases) | {alias for c in kb.concepts.values() for alias in c.aliases}
    concept_terms |= {c.label for c in kb.concepts.values()}
    return {"concept": sorted(concept_terms), "audience": sorted(kb.audiences), "source": sorted(kb.sources),
            "article": sorted(kb.articles)}


def run_schema(args) -> int:
    from ..schema import SCHEMAS, json_schema

    if not args.kind and not args.out:
        raise UsageError("name a kind to print, or --out DIR to write all of them")
    vocab = vocabulary(load_or_fail(args.content).kb) if args.vocabulary else None
    if args.kind and not args.out:
        print(json.dumps(json_schema(SCHEMAS[args.kind], vocab), indent=2, ensure_ascii=False))
        return EXIT_OK
    kinds = [args.kind] if args.kind else list(SCHEMAS)
    targets = {kind: args.out / f"{kind}.schema.json" for kind in kinds}
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing and not args.force:  # all or nothing: refuse before writing any
        verb_form = "already exists" if len(existing) == 1 else "already exist"
        raise UsageError(f"{', '.join(existing)} {verb_form}; choose another folder or add --force to replace")
    for kind, target in targets.items():
        _write(target, json.dumps(json_schema(SCHEMAS[kind], vocab), indent=2, ensure_ascii=False) + "\n", args.force)
        print(f"wrote {target}")
    return EXIT_OK


VERBS = (
    Verb("stats", "Coverage report: what the corpus covers well, thinly or not at all.", """\
  kb stats
  kb stats --format json
""", configure_stats),
    Verb("concepts", "List the concept vocabulary: ids, labels, aliases and definitions.", """\
  kb concepts
  kb concepts --format json
""", configure_concepts),
    Verb("related", "Show the articles most related to one article, with the reasons.", """\
  kb related headteacher-as-lead-learner
  kb related skin-in-the-game -k 10 --format json
""", configure_related),
    Verb("graph", "Export the concept graph as node-link JSON or GraphML.", """\
  kb graph --format json > graph.json
  kb graph --format graphml -o graph.graphml
""", configure_graph),
    Verb("schema", "Export the front matter rules as JSON Schema files for editors.", """\
  kb schema article                          print the article schema
  kb schema --out schemas --force            regenerate the committed schema files
  kb schema --out .vscode/kb --vocabulary    schemas that also know this corpus's ids
""", configure_schema),
)
