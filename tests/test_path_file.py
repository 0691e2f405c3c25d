"""One shape of reading path file: the builder's writer (kb-path-file.js) and Python's are byte for byte alike.

``kb path plan --write`` writes with ``paths.path_file_text`` (``paths.path_file``); the session
builder's download and "Propose on GitHub" write with ``kb-path-file.js``. Both run here on the
same sessions, full of text YAML could misread (colons, quotes, ``#``, a leading ``-``, line
breaks, words YAML reads as true or null, numbers, dates, non-ASCII, controls), and must give
the same bytes, which the engine's own front matter reader reads back as exactly those values.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browser_support import REPO, require

from knowledgebase.load import load
from knowledgebase.paths import (
    PLAN_NOTE,
    path_file,
    path_file_text,
    plan_fields,
    plan_path,
)
from knowledgebase.reading.frontmatter import split
from knowledgebase.sessiondata import session_data

RUNNER = Path(__file__).with_name("path_file_runner.js")
# What JavaScript's String.prototype.trim() removes: its WhiteSpace and LineTerminator characters.
JS_SPACE = " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
           "\u2028\u2029\u202f\u205f\u3000\ufeff"

HOSTILE = [
    "key: value", "Ends with a colon:", "# not a comment", "a # b", "- starts with a dash", "-", "? a question",
    "\"double\" and 'single'", "'single'", "back\\slash \\n", "two\nlines", "line\r\nbreaks\r", "tab\there",
    "123", "0x1F", "1e3", "2026-01-01", "12:30", ".inf", "yes", "No", "ON", "off", "y", "N", "null", "~", "true",
    " leading space", "trailing space ", "", "Café — ✓ 😀", "日本語のテキスト", "[bracket] {brace}", "a | b > c",
    "*star &anchor !tag @at `tick` %percent", "{{7*7}}", "<script>alert(1)</script>", "a, b; c. (d)",
    "Leaders\u2019 time", "next\u0085line", "para\u2029graph", "line\u2028sep", "del\u007f", "bell\u0007",
    "bom\ufeff", "nbsp\u00a0end", "e\u0301", "---", "...", "&", "!important", "%YAML 1.2", "=", "<<",
]


def sessions() -> list[dict]:
    """Several sessions whose every text field is hostile, in turn."""
    found = []
    for n in range(0, len(HOSTILE), 7):
        texts = HOSTILE[n:n + 7] + HOSTILE[:max(0, n + 7 - len(HOSTILE))]
        found.append({
            "title": texts[0], "summary": texts[1], "audience": ["middle-leader", "headteacher"], "duration": 60 + n,
            "outcomes": texts[2:5],
            "steps": [{"article": "trust-first", "minutes": 15, "when": "pre-reading", "prompt": texts[5],
                       "facilitator": texts[6]},
                      {"article": "2024-review", "minutes": 5, "when": "in-session", "prompt": "", "facilitator": texts[3]},
                      {"article": "yes", "minutes": 600, "when": "follow-up", "prompt": texts[4], "facilitator": ""}],
        })
    return found


def run_in_node(data: dict, files: list, builder_sessions: list) -> dict:
    node = shutil.which("node") or shutil.which("nodejs")
    require(node is not None, "Node.js (Debian package `nodejs`)")
    done = subprocess.run([node, str(RUNNER)], input=json.dumps({"data": data, "files": files, "sessions": builder_sessions}),
                          capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def read_back(text: str) -> tuple[dict, str]:
    """The values and body the engine reads from a path file, as `kb check` does."""
    parts, diagnostics = split(text, "paths/written.md")
    assert diagnostics == [] and parts is not None, (diagnostics, text)
    return parts.front_matter.data, parts.body


def written(fields: dict) -> dict:
    """The values a file written from ``fields`` holds: empty prompts and notes are left out."""
    steps = [{k: v for k, v in step.items() if k not in ("prompt", "facilitator") or v} for step in fields["steps"]]
    return {**fields, "steps": steps}


@pytest.fixture(scope="module")
def kb():
    return load(REPO / "content").kb


def test_both_writers_write_the_same_bytes_for_the_same_sessions(kb):
    cases = [(fields, note) for fields in sessions() for note in (PLAN_NOTE, "A note with `code` and a: colon.")]
    answer = run_in_node(session_data(kb), cases, [])
    assert len(answer["texts"]) == len(cases) >= 16
    for (fields, note), text in zip(cases, answer["texts"]):
        assert text == path_file(fields, note), fields
        values, body = read_back(text)
        assert values == written(fields)
        assert body == "\n" + note + "\n"


def test_the_plan_kb_path_plan_writes_is_what_the_builders_writer_writes(kb):
    titles = [None, *HOSTILE[:12], "Trust: a session for \"middle\" leaders # 1"]
    plans = [plan_path(kb, ["trust", "inquiry"], 60, "middle-leader", 15), plan_path(kb, ["skin in the game"], 45)]
    cases = [(plan, title) for plan in plans for title in titles if title != ""]
    answer = run_in_node(session_data(kb), [[plan_fields(kb, plan, title), PLAN_NOTE] for plan, title in cases], [])
    for (plan, title), text in zip(cases, answer["texts"]):
        assert text == path_file_text(kb, plan, title)
        assert read_back(text)[0]["title"] == (title or plan_fields(kb, plan)["title"])


def test_the_builders_download_is_that_shape_of_the_trimmed_session(kb):
    data = session_data(kb)
    article = sorted(kb.articles)[0]
    builder_sessions = []
    for fields in sessions():
        session = {"v": 1, **fields, "title": f"  {fields['title']} \n", "outcomes": [*fields["outcomes"], "  ", "\t"],
                   "audience": ["middle-leader"]}
        session["steps"] = [{**step, "article": article, "prompt": f"\n{step['prompt']}  "} for step in fields["steps"]]
        builder_sessions.append(session)
    answer = run_in_node(data, [], builder_sessions)
    for session, exported in zip(builder_sessions, answer["exports"]):
        fields = exported["fields"]
        assert fields["title"] == session["title"].strip(JS_SPACE)
        assert fields["outcomes"] == [o.strip(JS_SPACE) for o in session["outcomes"] if o.strip(JS_SPACE)]
        assert [s["prompt"] for s in fields["steps"]] == [s["prompt"].strip(JS_SPACE) for s in session["steps"]]
        assert exported["text"] == path_file(fields, answer["note"])
        assert read_back(exported["text"])[0] == written(fields)
