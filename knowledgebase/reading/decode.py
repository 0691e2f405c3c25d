"""Reading a content file as text: UTF-8, a byte order mark and CRLF tolerated, size bounded."""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Diagnostic, make

MAX_FILE_BYTES = 512 * 1024


def read_text(file: Path, shown: str, diagnostics: list[Diagnostic]) -> str | None:
    """Read a content file as text: UTF-8, BOM and CRLF tolerated, size bounded."""
    data = read_bytes(file, shown, diagnostics)
    return None if data is None else decode(data, shown, diagnostics)


def read_bytes(file: Path, shown: str, diagnostics: list[Diagnostic]) -> bytes | None:
    try:
        # A bare descriptor: every file of the corpus is read, and a buffered file object costs as much again.
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_BINARY", 0))
        try:
            size = os.fstat(descriptor).st_size
            if size > MAX_FILE_BYTES:
                diagnostics.append(make("KB002", shown, 1, f"the file is {size // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB",
                                        "split it into several articles"))
                return None
            chunks = []
            while chunk := os.read(descriptor, size + 1):
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            os.close(descriptor)
    except OSError as error:
        diagnostics.append(make("KB001", shown, 1, f"the file cannot be read: {error.strerror}", "check its permissions"))
        return None


def decode(data: bytes, shown: str, diagnostics: list[Diagnostic]) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):  # a byte order mark is tolerated
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        diagnostics.append(make("KB001", shown, line, f"byte 0x{data[error.start]:02x} is not valid UTF-8",
                                "save the file as UTF-8"))
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
