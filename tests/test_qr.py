"""The browser's QR encoder (static/kb-qr.js), run in Node, against segno, an independent Python encoder.

segno builds the reference from its own Reed-Solomon code, block interleaving, codeword
placement, masks, penalty score, format and version information. One step is ours: segno's
``write_padding_bits`` adds eight zero bits when the stream already ends on a byte boundary
(always so in byte mode), where ISO/IEC 18004 7.4.10 adds none and goes straight to the pad
codewords. Both decode alike, but the modules differ, so the reference pads as the standard
says and takes everything else from segno's encoder module.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest

segno = pytest.importorskip("segno")
from segno import consts, encoder

ENCODER = Path(__file__).resolve().parent.parent / "knowledgebase" / "sphinxext" / "static" / "kb-qr.js"

RUN_ENCODER = """
const qr = require(process.argv[1]);
const requests = JSON.parse(require("fs").readFileSync(0, "utf8"));
console.log(JSON.stringify(requests.map(([text, options]) => {
  const code = qr.encode(text, options);
  return code && [code.version, code.mask, code.modules.map((row) => row.map(Number).join(""))];
})));
"""


def node_encode(requests: list[tuple[str, dict]]) -> list:
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing")
    result = subprocess.run([node, "-e", RUN_ENCODER, str(ENCODER)], input=json.dumps(requests),
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def segno_matrix(data: bytes, version: int, mask: int | None = None) -> tuple[int, list[str]]:
    """segno's level-M byte-mode code for ``data`` at ``version``, padded as ISO/IEC 18004 says."""
    buff = encoder.Buffer()
    for segment in encoder.prepare_data(data, consts.MODE_BYTE, None):
        encoder.write_segment(buff, segment, None, encoder.version_range(version))
    capacity = consts.SYMBOL_CAPACITY[version][consts.ERROR_LEVEL_M]
    encoder.write_terminator(buff, capacity, None, len(buff))
    if len(buff) % 8:
        buff.extend([0] * (8 - len(buff) % 8))
    encoder.write_pad_codewords(buff, version, capacity, len(buff))
    final = encoder.make_final_message(version, consts.ERROR_LEVEL_M, buff)
    width = encoder.calc_matrix_size(version)
    matrix = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(matrix, width, width)
    encoder.add_alignment_patterns(matrix, width, width)
    encoder.add_codewords(matrix, final, version)
    mask, matrix = encoder.find_and_apply_best_mask(matrix, width, width, mask)
    encoder.add_format_info(matrix, version, consts.ERROR_LEVEL_M, mask)
    encoder.add_version_info(matrix, version)
    return mask, ["".join(str(module) for module in row) for row in matrix]


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


def test_every_module_matches_segno_for_the_same_version_and_mask():
    texts = sample_texts()
    codes = node_encode([(text, {}) for text in texts])
    versions = set()
    for text, code in zip(texts, codes):
        version, mask, modules = code
        versions.add(version)
        assert segno_matrix(text.encode(), version, mask)[1] == modules, (text, version, mask)
    assert versions >= set(range(1, 11)) and max(versions) == 40  # every version a URL of up to 200 bytes needs


def test_the_encoder_chooses_the_smallest_version_and_the_mask_segno_scores_best():
    texts = sample_texts()
    codes = node_encode([(text, {}) for text in texts])
    for text, (version, mask, _) in zip(texts, codes):
        assert version == segno.make(text.encode(), mode="byte", error="m", boost_error=False, micro=False).version
        assert mask == segno_matrix(text.encode(), version)[0], text


@pytest.mark.parametrize("mask", range(8))
def test_each_mask_and_a_larger_version_than_needed_match_segno(mask):
    text = "https://school.example.org/leading-learning/articles/trust-before-tests.html"
    for version in (5, 7, 12, 27, 32):
        [(got_version, got_mask, modules)] = node_encode([(text, {"version": version, "mask": mask})])
        assert (got_version, got_mask) == (version, mask)
        assert segno_matrix(text.encode(), version, mask)[1] == modules


def test_text_too_long_for_the_version_or_for_any_version_gives_no_code():
    assert node_encode([("x" * 15, {"version": 1}), ("x" * 2332, {})]) == [None, None]


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


def test_a_code_decodes_to_its_text_with_zxing():
    zxingcpp = pytest.importorskip("zxingcpp")
    texts = ["https://example.org/leading-learning/articles/trust-and-respect-between-teachers-and-leaders.html",
             "file:///home/teacher/site/articles/trust-before-tests.html", "héllo ✓"]
    for text, (_, _, modules) in zip(texts, node_encode([(text, {}) for text in texts])):
        [result] = zxingcpp.read_barcodes(grey_image(modules), formats=zxingcpp.BarcodeFormat.QRCode)
        assert result.text == text
