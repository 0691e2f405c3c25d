"""Reading paths: the checks a curated path must pass, and the planner that drafts one."""

from __future__ import annotations

import networkx as nx

from .diagnostics import Diagnostic, make
from .frontmatter import FrontMatter
from .model import KnowledgeBase, ReadingPath

WHEN_ORDER = {"pre-reading": 0, "in-session": 1, "follow-up": 2}


def format_minutes(minutes: int) -> str:
    """``95`` -> ``1:35``: a timetable clock from the start of the session."""
    return f"{minutes // 60}:{minutes % 60:02d}"


def reading_order(kb: KnowledgeBase, article_ids: list[str]) -> list[str]:
    """``article_ids`` reordered so that every prerequisite comes first, otherwise keeping their order."""
    position = {aid: i for i, aid in enumerate(article_ids)}
    graph = nx.DiGraph()
    graph.add_nodes_from(article_ids)
    for aid in article_ids:
        for prerequisite in kb.articles[aid].prerequisites if aid in kb.articles else ():
            if prerequisite in position:
                graph.add_edge(prerequisite, aid)
    try:
        return list(nx.lexicographical_topological_sort(graph, key=position.__getitem__))
    except nx.NetworkXUnfeasible:  # a prerequisite cycle, reported elsewhere
        return list(article_ids)


def check_paths(kb: KnowledgeBase, path: ReadingPath, shown: str, fm: FrontMatter) -> list[Diagnostic]:
    """Rules a path must follow beyond its fields: time, order and repetition."""
    diagnostics = []
    if path.in_session_minutes > path.duration:
        diagnostics.append(make(
            "KB301", shown, fm.line("duration"),
            f"the in-session steps take {path.in_session_minutes} minutes; the session lasts {path.duration}",
            "shorten steps, move one to pre-reading or follow-up, or raise `duration`"))
    step_lines = {}
    for index, step in enumerate(path.steps):
        step_lines.setdefault(step.article, fm.line("steps", index))
    seen: dict[str, int] = {}
    for index, step in enumerate(path.steps):
        if step.article in seen:
            diagnostics.append(make("KB305", shown, fm.line("steps", index),
                                    f"`{step.article}` is already step {seen[step.article] + 1}",
                                    "remove one of the two steps"))
        seen.setdefault(step.article, index)
    order = [s.article for s in path.steps]
    suggested = reading_order(kb, list(dict.fromkeys(order)))
    for index, step in enumerate(path.steps):
        article = kb.articles.get(step.article)
        if article is None:
            continue
        for prerequisite in article.prerequisites:
            if prerequisite not in seen:
                diagnostics.append(make(
                    "KB302", shown, fm.line("steps", index),
                    f"`{step.article}` assumes `{prerequisite}`, which the path does not include",
                    f"add a pre-reading step with `article: {prerequisite}`"))
            elif seen[prerequisite] > index:
                diagnostics.append(make(
                    "KB302", shown, fm.line("steps", index),
                    f"step {index + 1} (`{step.article}`) comes before its prerequisite `{prerequisite}` "
                    f"(step {seen[prerequisite] + 1})",
                    "reorder the steps: " + ", ".join(suggested)))
    return diagnostics
