"""The contributor's edit loop: a file saved, then the new HTML on disk, through ``kb serve``.

``kb serve`` is started the way a contributor starts it: ``<venv>/bin/kb`` by its path,
from another folder, with the virtual environment not activated, on a copy of the
generated corpus. Once its first build is done, each scenario edits one file and times:

* **HTML on disk**: from the save until the page that shows the edit holds it (polled
  every 10 ms), which is when a reload in the browser shows it;
* **rebuild done**: from the save until the server says the rebuild finished (every page
  that shows the change is then written); the server's own account of the build alone is kept
  beside it, so what the watcher and the hand-over to the warm process cost shows apart.

Scenarios: a one-word body edit, repeated (``--reps``); a save that changes nothing;
an edit of the article's concepts, repeated (``--concept-reps``), each gaining a concept (the
page of the concept it gains must then list it; from the sixth, it loses its last one too).
Side by side, in the same run:

* the floor: each one-word edit is also made to a copy of the corpus that plain Sphinx + MyST
  keeps warm in a process of its own (``warm_sphinx.py``: the project's configuration without
  the extension and without Sphinx's search index), right after ``kb serve``'s rebuild, and
  the two rebuilds' ratio is kept pair by pair (``--no-plain`` leaves it out);
* the same one-word edit built the way ``kb serve`` built before, and sphinx-autobuild still
  does: a fresh ``kb build`` process (incremental, on the same output folder).

Writes ``<results>/edit-loop-<N>.json``.
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_incremental import pick_article, split_article  # noqa: E402
from common import (DEFAULT_WORK, RESULTS, kb_build_command, log, median, run_timed, save_result,  # noqa: E402
                    write_baseline_conf)
from generate_corpus import ensure_corpus  # noqa: E402

EDIT_WORD = "editloopword"
POLL = 0.01


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``kb serve`` in a process of its own; its output lines are read as they come, with their time."""

    def __init__(self, content: Path, out: Path, port: int):
        kb = Path(sys.executable).parent / "kb"
        scripts = kb.parent.resolve()
        path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                               if p and Path(p).resolve() != scripts)
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"} | {"PATH": path}
        elsewhere = out.parent / "elsewhere"
        elsewhere.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [str(kb), "serve", "--content", str(content), "--conf", str(Path(__file__).resolve().parent.parent),
             "--out", str(out), "--port", str(port)],
            cwd=elsewhere, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True)
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.perf_counter(), line.rstrip("\n")))

    def wait_for(self, pattern: str, timeout: float) -> tuple[float, str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                at, line = self.lines.get(timeout=0.5)
            except queue.Empty:
                if self.process.poll() is not None:
                    raise SystemExit("kb serve stopped")
                continue
            if re.search(pattern, line):
                return at, line
        raise SystemExit(f"kb serve did not say {pattern!r} within {timeout} s")

    def drain(self) -> None:
        while not self.lines.empty():
            self.lines.get_nowait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


class PlainSphinx:
    """Plain Sphinx + MyST kept warm in a process of its own (``warm_sphinx.py``)."""

    def __init__(self, content: Path, conf: Path, out: Path):
        self.process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve().parent / "warm_sphinx.py"), str(content), str(conf), str(out)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.startup_seconds = self._answer("ready")

    def build(self) -> float:
        self.process.stdin.write("build\n")
        self.process.stdin.flush()
        return self._answer("built")

    def _answer(self, word: str) -> float:
        line = self.process.stdout.readline()
        if not line.startswith(word + " "):
            raise SystemExit(f"plain Sphinx stopped (exit code {self.process.poll()})")
        return float(line.split()[1])

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def wait_until(page: Path, text: str, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if text in page.read_text(encoding="utf-8"):
                return time.perf_counter()
        except OSError:
            pass
        time.sleep(POLL)
    raise SystemExit(f"{page} never showed {text!r}")


def replace_word(file: Path, old: str, new: str) -> None:
    head, body = split_article(file.read_text(encoding="utf-8"))
    assert old in body, (file, old)
    file.write_text(head + body.replace(old, new, 1), encoding="utf-8")


def first_body_word(file: Path) -> str:
    _, body = split_article(file.read_text(encoding="utf-8"))
    for line in body.split("\n"):
        if line and not line.startswith(("#", "-", "`", "{", ":")):
            words = [w for w in line.split(" ") if w.isalpha() and len(w) > 4]
            if words:
                return words[0]
    raise SystemExit(f"no word to edit in {file}")


def gain_concept(file: Path, content: Path) -> str:
    text = file.read_text(encoding="utf-8")
    match = re.search(r"^concepts: \[(.*)\]$", text, re.M)
    assert match, file
    concepts = [c.strip() for c in match.group(1).split(",")]
    vocabulary = sorted(p.stem for p in (content / "concepts").glob("*.md"))
    new = next(c for c in vocabulary[len(vocabulary) // 2:] + vocabulary if c not in concepts)
    tags = (concepts[:5] + [new]) if len(concepts) >= 6 else concepts + [new]
    file.write_text(text[: match.start()] + f"concepts: [{', '.join(tags[-6:])}]" + text[match.end():], encoding="utf-8")
    return new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", "-n", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=5, help="one-word edits timed through kb serve")
    parser.add_argument("--concept-reps", type=int, default=3,
                        help="edits of the article's concepts, each gaining a concept, timed through kb serve")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-plain", action="store_true",
                        help="leave out plain Sphinx kept warm beside kb serve (the floor under a body edit)")
    args = parser.parse_args(argv)

    ensure_corpus(args.work / f"corpus-{args.articles}" / "content", args.articles, args.seed)
    root = args.work / f"edit-loop-{args.articles}"
    if root.exists():
        shutil.rmtree(root)
    content = root / "content"
    shutil.copytree(args.work / f"corpus-{args.articles}" / "content", content)
    plain_content = root / "plain" / "content"
    if not args.no_plain:
        shutil.copytree(content, plain_content)
    out = root / "html"
    article = pick_article(content)
    file = content / "articles" / f"{article}.md"
    page = out / "articles" / f"{article}.html"
    log(f"{args.articles} articles; editing articles/{article}; starting kb serve")
    started = time.perf_counter()
    server = Server(content, out, free_port())
    plain: PlainSphinx | None = None
    result: dict = {"articles": args.articles, "article": f"articles/{article}"}
    try:
        ready, _ = server.wait_for(r"^Serving on ", timeout=3600)
        result["startup_seconds"] = round(ready - started, 3)
        log(f"  first build and start-up {ready - started:7.1f} s")
        if not args.no_plain:  # started once kb serve is idle, so the two first builds do not share the cores
            plain = PlainSphinx(plain_content, write_baseline_conf(args.work / "baseline-conf-nosearch", search=False),
                                root / "plain" / "html")
            log(f"  plain Sphinx's first build  {plain.startup_seconds:7.1f} s")
        time.sleep(3)  # let the files the first build wrote settle

        edits = []
        for rep in range(args.reps):
            old = first_body_word(file)
            marker = f"{EDIT_WORD}{rep}"
            server.drain()
            saved = time.perf_counter()
            replace_word(file, old, marker)
            on_disk = wait_until(page, marker)
            done, line = server.wait_for(r"kb serve: rebuilt in", timeout=600)
            inside = float(re.search(r"rebuilt in ([0-9.]+) s", line).group(1))
            edit = {"html_on_disk": round(on_disk - saved, 3), "rebuild_done": round(done - saved, 3),
                    "build_inside_server": inside}
            report = f"  body word {rep + 1}: HTML on disk {on_disk - saved:6.2f} s, rebuild done {done - saved:6.2f} s"
            if plain is not None:
                time.sleep(1)
                replace_word(plain_content / "articles" / file.name, old, marker)
                edit["plain_sphinx_warm"] = plain.build()
                edit["ratio_to_plain"] = round(inside / edit["plain_sphinx_warm"], 2)
                report += f"; plain Sphinx warm {edit['plain_sphinx_warm']:6.2f} s (kb serve's build {inside:.2f} s)"
            edits.append(edit)
            log(report)
            time.sleep(2.5)  # as a person types: the file's times settle before the next save
        result["body_word"] = {"runs": edits,
                               "build_inside_server_median": median([e["build_inside_server"] for e in edits]),
                               "html_on_disk_median": median([e["html_on_disk"] for e in edits]),
                               "rebuild_done_median": median([e["rebuild_done"] for e in edits])}
        if plain is not None:
            result["plain_sphinx_warm"] = {
                "startup_seconds": plain.startup_seconds,
                "body_word_median": median([e["plain_sphinx_warm"] for e in edits]),
                "ratio_median": median([e["ratio_to_plain"] for e in edits])}
            plain.stop()
            plain = None

        server.drain()
        saved = time.perf_counter()
        file.write_bytes(file.read_bytes())
        done, _ = server.wait_for(r"kb serve: (nothing changed|rebuilt in)", timeout=600)
        result["save_without_edit"] = {"seconds": round(done - saved, 3)}
        log(f"  save without an edit: {done - saved:6.2f} s")
        time.sleep(2.5)

        concept_edits = []
        for rep in range(args.concept_reps):
            server.drain()
            saved = time.perf_counter()
            concept = gain_concept(file, content)
            on_disk = wait_until(out / "concepts" / f"{concept}.html", f"{article}.html")
            done, _ = server.wait_for(r"kb serve: rebuilt in", timeout=600)
            concept_edits.append({"gained": concept, "html_on_disk": round(on_disk - saved, 3),
                                  "rebuild_done": round(done - saved, 3)})
            log(f"  concepts {rep + 1} (+{concept}): concept page updated {on_disk - saved:6.2f} s, "
                f"rebuild done {done - saved:6.2f} s")
            time.sleep(2.5)
        result["concepts"] = {"gained": concept_edits[-1]["gained"], "runs": concept_edits,
                              "html_on_disk": median([e["html_on_disk"] for e in concept_edits]),
                              "rebuild_done": median([e["rebuild_done"] for e in concept_edits])}
    finally:
        server.stop()
        if plain is not None:
            plain.process.kill()

    # The way kb serve rebuilt before (and sphinx-autobuild does): a fresh process per save.
    old = first_body_word(file)
    replace_word(file, old, f"{EDIT_WORD}fresh")
    run = run_timed("fresh process", kb_build_command(content, out))
    if run.returncode != 0:
        raise SystemExit(run.output[-3000:])
    result["fresh_process_body_word"] = {"seconds": run.seconds, "cpu_seconds": run.cpu_seconds}
    result["ratio_fresh_to_warm"] = round(run.seconds / result["body_word"]["rebuild_done_median"], 1)
    log(f"  the same edit in a fresh kb build process: {run.seconds:6.2f} s")
    path = save_result(f"edit-loop-{args.articles}", result, args.results, argv)
    if path:
        log(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
