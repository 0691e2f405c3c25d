"""``kb path plan``: draft a reading path for a CPD session from concepts, audience and time."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..files import FileExists, write_new
from ..paths import PlanError, format_minutes, path_file_text, plan_path
from .common import (
    EXIT_OK,
    UsageError,
    Verb,
    content_option,
    load_or_fail,
    whole_number,
)

EXAMPLES = """\
  kb path plan --concepts trust inquiry --audience middle-leader --minutes 60
  kb path plan --concepts "skin in the game" --minutes 90 --pre-reading 20
  kb path plan --concepts trust inquiry --minutes 60 --write content/paths/trust-and-inquiry.md
"""


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(parser))
    plan = actions.add_parser("plan", help="draft a path that covers concepts within a time budget",
                              description="Draft a reading path: choose articles that cover the concepts as fully "
                                          "as the time allows, add their prerequisites, and order them.",
                              formatter_class=argparse.RawDescriptionHelpFormatter, epilog="examples:\n" + EXAMPLES)
    content_option(plan)
    plan.add_argument("--concepts", nargs="+", required=True, metavar="CONCEPT",
                      help="concept ids or aliases to cover (quote aliases with spaces)")
    plan.add_argument("--audience", metavar="ID", help="the audience the session is for, e.g. middle-leader")
    plan.add_argument("--minutes", type=whole_number(1), required=True, help="length of the session in minutes")
    plan.add_argument("--pre-reading", type=whole_number(0), default=0, metavar="MINUTES",
                      help="minutes participants can read before the session (default 0)")
    plan.add_argument("--write", type=Path, metavar="FILE", help="write the draft as a path file (never overwrites)")
    plan.add_argument("--title", help="the session's title in the written file")
    plan.add_argument("--format", choices=("text", "json"), default="text", help="text for people, json for programs")
    plan.set_defaults(run=run_plan)


VERBS = (Verb("path", "Reading paths for CPD sessions: draft one with `kb path plan`.", EXAMPLES, configure),)


def run_plan(args) -> int:
    if args.write is not None and args.write.exists():
        raise UsageError(f"{args.write} already exists; choose another file name (nothing was written)")
    kb = load_or_fail(args.content).kb
    try:
        plan = plan_path(kb, args.concepts, args.minutes, args.audience, args.pre_reading)
    except PlanError as error:
        raise UsageError(plan_error_message(error)) from None
    if args.format == "json":
        print(json.dumps({
            "concepts": list(plan.concepts), "audience": plan.audience, "minutes": plan.minutes,
            "in_session_minutes": plan.in_session_minutes, "pre_reading_minutes": plan.pre_reading_total,
            "steps": [{"article": s.article, "title": kb.articles[s.article].title, "minutes": s.minutes,
                       "when": s.when, "reason": s.reason, "covers": list(s.covers)} for s in plan.steps],
            "uncovered": list(plan.uncovered), "prerequisites_left_out": list(plan.left_out_prerequisites),
        }, indent=2, ensure_ascii=False))
    else:
        print_plan(kb, plan)
    if args.write is not None:
        try:
            write_new(args.write, path_file_text(kb, plan, args.title))
        except FileExists:
            raise UsageError(f"{args.write} already exists; choose another file name (nothing was written)") from None
        print(f"\nWrote {args.write}. Fill in each `TODO(trainer)` marker, then run `kb check` and `kb build`.")
    return EXIT_OK


def print_plan(kb, plan) -> None:
    labels = ", ".join(kb.concepts[c].label for c in plan.concepts)
    audience = f" for {kb.audiences[plan.audience].label.lower()}" if plan.audience else ""
    print(f"Draft path on {labels}{audience}: {plan.in_session_minutes} of {plan.minutes} minutes in the session"
          + (f", {plan.pre_reading_total} minutes of pre-reading" if plan.pre_reading_total else ""))
    clock = 0
    for when, title in (("pre-reading", "Before the session"), ("in-session", "In the session")):
        steps = [s for s in plan.steps if s.when == when]
        if not steps:
            continue
        print(f"\n{title}:")
        for step in steps:
            timing = f"{step.minutes:3d} min"
            if when == "in-session":
                timing = f"{format_minutes(clock)}  {timing}"
                clock += step.minutes
            print(f"  {timing}  {kb.articles[step.article].title} ({step.article})")
            print(f"             why: {step.reason}")
    if plan.uncovered:
        print("\nNot covered (no article fits the time left): " + ", ".join(kb.concepts[c].label for c in plan.uncovered))
    if plan.left_out_prerequisites:
        print("Prerequisites left out for lack of time: " + ", ".join(plan.left_out_prerequisites)
              + " (allow pre-reading time with --pre-reading)")


# How `kb path plan` words the planner's refusals (PlanError codes, see paths.py); the session
# builder words the same codes for the browser (kb-builder-messages.js).
PLAN_ERRORS = {
    "no-concepts": "name at least one concept with --concepts",
    "unknown-concept": "unknown concept `{term}`; {hint}",
    "unknown-audience": "unknown audience `{audience}`; {hint}",
    "no-articles": "no article is tagged with {concepts}",
    "too-short": "{minutes} minutes is shorter than the shortest useful reading on these concepts "
                 "({shortest} minutes with discussion); allow at least {shortest}",
}
# Said instead of a suggestion when no name is close to what was typed.
PLAN_FALLBACKS = {"unknown-concept": "run `kb concepts` to list them", "unknown-audience": "see content/audiences/"}


def plan_error_message(error: PlanError) -> str:
    """One line for the command line: the planner's code and parameters, in words."""
    params = dict(error.params)
    if error.code in PLAN_FALLBACKS:
        suggestion = params.get("suggestion")
        params["hint"] = f"did you mean `{suggestion}`?" if suggestion else PLAN_FALLBACKS[error.code]
    if "concepts" in params:
        params["concepts"] = ", ".join(params["concepts"])
    return PLAN_ERRORS[error.code].format(**params)
