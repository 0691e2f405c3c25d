"""The Node unit tests of the site's scripts (``tests/js/*.test.js``), run with Node's own test runner.

They cover the session logic the builder, the buttons and the print page share: validation,
limits, share links, messages, the participants' copy, the path file, the builder's parts. They
read the session data the site publishes for the real content, written here once. Without Node
they are skipped, except under CI (``CI`` set), where a missing Node fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from browser_support import REPO, require

from knowledgebase.load import load
from knowledgebase.sessiondata import script, session_data

TESTS = REPO / "tests" / "js"


def test_the_javascript_unit_tests_pass(tmp_path):
    node = shutil.which("node") or shutil.which("nodejs")
    require(node is not None, "Node.js (Debian package `nodejs`)")
    files = sorted(TESTS.glob("*.test.js"))
    assert files, "no tests in tests/js"
    data = tmp_path / "session-data.js"
    data.write_text(script(session_data(load(REPO / "content").kb)), encoding="ascii")
    env = {**os.environ, "KB_SESSION_DATA_FILE": str(data), "KB_PYTHON": sys.executable}
    done = subprocess.run([node, "--test", *map(str, files)], cwd=REPO, env=env, capture_output=True, text=True,
                          encoding="utf-8", timeout=600)
    assert done.returncode == 0, f"node --test failed:\n{done.stdout}\n{done.stderr}"
    assert "# fail 0" in done.stdout and "# pass 0\n" not in done.stdout
