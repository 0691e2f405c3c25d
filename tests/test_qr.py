"""QR codes for print-outs (static/kb-qr.js, our adapter around the vendored qrcode-generator), run in Node.

Every code is read back with zxing-cpp, an independent decoder: from the adapter's matrix
here, and from each code a print page draws and from a handout printed to PDF in
``tests/test_browser_print.py``.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

STATIC = Path(__file__).resolve().parent.parent / "knowledgebase" / "sphinxext" / "static"
ADAPTER = STATIC / "kb-qr.js"
VENDOR = STATIC / "vendor"

RUN_ENCODER = """
const qr = require(process.argv[1]);
const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(texts.map((text) => {
  const code = qr.encode(text);
  return code && [code.version, code.mask, code.modules.map((row) => row.map(Number).join(""))];
})));
"""


def node_encode(texts: list[str]) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing")
    result = subprocess.run([node, "-e", RUN_ENCODER, str(ADAPTER)], input=json.dumps(texts),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def sample_texts() -> list[str]:
    """URLs of every length from 1 to 200 bytes, ASCII and UTF-8, plus a few long enough for high versions."""
    rng = random.Random(14)
    ascii_chars = "abcdefghijklmnopqrstuvwxyz0123456789-._~/?#=&%"
    other = "éüßø✓–“”日本語😀"
    texts = []
    for length in range(1, 201):
        base = "https://example.org/"[:length]
        texts.append(base + "".join(rng.choice(ascii_chars) for _ in range(length - len(base))))
    for length in range(1, 201, 3):
        text = ""
        while len(text.encode()) < length:
            text += rng.choice(ascii_chars + other)
        texts.append(text)
    texts += ["x" * n for n in (400, 800, 1500, 2331)]
    return texts


def grey_image(modules: list[str], scale: int = 6, quiet: int = 4) -> memoryview:
    """The code as an 8-bit grey image (dark 0, light 255) with its quiet zone, shaped for zxing-cpp."""
    side = (len(modules) + 2 * quiet) * scale
    pixels = bytearray(b"\xff" * side * side)
    for r, row in enumerate(modules):
        for c, module in enumerate(row):
            if module == "1":
                for y in range((r + quiet) * scale, (r + quiet + 1) * scale):
                    pixels[y * side + (c + quiet) * scale:y * side + (c + quiet + 1) * scale] = bytes(scale)
    return memoryview(pixels).cast("B", (side, side))


def test_every_code_decodes_to_its_text_with_zxing():
    zxingcpp = pytest.importorskip("zxingcpp")
    texts = sample_texts()
    codes = node_encode(texts)
    versions = set()
    for text, (version, mask, modules) in zip(texts, codes):
        versions.add(version)
        assert len(modules) == 17 + 4 * version and 0 <= mask <= 7
        [result] = zxingcpp.read_barcodes(grey_image(modules, scale=3 if version > 20 else 6),
                                          formats=zxingcpp.BarcodeFormat.QRCode)
        assert result.text == text, (text, version)
    assert versions >= set(range(1, 11)) and max(versions) == 40  # every version a URL of up to 200 bytes needs


def test_the_site_addresses_decode_with_zxing():
    zxingcpp = pytest.importorskip("zxingcpp")
    texts = ["https://example.org/leading-learning/articles/trust-and-respect-between-teachers-and-leaders.html",
             "file:///home/teacher/site/articles/trust-before-tests.html", "héllo ✓"]
    for text, (_, _, modules) in zip(texts, node_encode(texts)):
        [result] = zxingcpp.read_barcodes(grey_image(modules), formats=zxingcpp.BarcodeFormat.QRCode)
        assert result.text == text


def test_text_too_long_for_any_version_gives_no_code():
    assert node_encode(["x" * 2331, "x" * 2332])[1] is None


def test_the_vendored_library_is_the_pinned_release_with_its_licence():
    """vendor/README.md names the package, version and SHA-256 of the file as it came from npm."""
    readme = (VENDOR / "README.md").read_text(encoding="utf-8")
    version = re.search(r"qrcode-generator@(\d+\.\d+\.\d+)", readme)
    digest = re.search(r"SHA-256 `([0-9a-f]{64})`", readme)
    assert version and digest
    assert hashlib.sha256((VENDOR / "qrcode-generator.js").read_bytes()).hexdigest() == digest[1]
    assert "MIT" in (VENDOR / "LICENSE").read_text(encoding="utf-8")
