"""Which reader a file needs: AWS text or Parquet, Azure NSG / VNet JSON, GCP Cloud Logging JSON.

Detection sniffs the first bytes (decompressing the head of a gzip file), never the file name, so
renamed or extension-less objects are still recognised.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Literal

FileFormat = Literal["aws-text", "aws-parquet", "azure-json", "gcp-json"]
FormatChoice = Literal["auto", "aws", "azure", "gcp"]
GZIP_MAGIC = b"\x1f\x8b"
HEAD_BYTES = 64 * 1024


def is_gzip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(2) == GZIP_MAGIC


def head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """The first bytes of the file's content (decompressed when gzip; a truncated gzip gives what it has)."""
    with path.open("rb") as handle:
        raw = handle.read(size)
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return zlib.decompressobj(wbits=47).decompress(raw, size)
    except zlib.error:
        return b""


def detect(path: Path, choice: FormatChoice = "auto") -> FileFormat | None:
    """The file's format, or None when it is none of them (or not the one asked for)."""
    with path.open("rb") as handle:
        magic = handle.read(4)
    if magic == b"PAR1":
        return "aws-parquet" if choice in ("auto", "aws") else None
    text = head(path).lstrip()
    if text[:1] in (b"{", b"["):
        if b'"flowTuples"' in text or b'"flowRecords"' in text or b"FlowEvent" in text:
            found: FileFormat | None = "azure-json"
        elif b'"jsonPayload"' in text or b"vpc_flows" in text or b"compute.googleapis.com" in text:
            found = "gcp-json"
        else:
            found = None
    else:
        first = text.split(b"\n", 1)[0].split()
        header = b"srcaddr" in first or b"dstaddr" in first
        default_v2 = len(first) == 14 and first[0] in (b"2", b"3", b"4", b"5")
        found = "aws-text" if header or default_v2 else None
    if found is None and choice != "auto":
        return {"aws": "aws-text", "azure": "azure-json", "gcp": "gcp-json"}[choice]  # type: ignore[return-value]
    if found is not None and choice != "auto" and not found.startswith(choice):
        return None
    return found


def read_content(path: Path) -> tuple[bytes, bool]:
    """The whole file's content, decompressed when gzip; (what could be read, whether it was cut short)."""
    raw = path.read_bytes()
    if not raw.startswith(GZIP_MAGIC):
        return raw, False
    decompressor = zlib.decompressobj(wbits=47)
    try:
        data = decompressor.decompress(raw)
    except zlib.error:
        return b"", True
    return data, not decompressor.eof
