"""Files damaged as a failing disk or an interrupted copy might leave them."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path


def damage_member(path: Path, member: str, at: int, data: bytes) -> None:
    """Overwrite bytes of a zip member's stored data, ``at`` bytes into it (its checksum is
    left as it was: a reader finds out only at the member's end)."""
    raw = bytearray(path.read_bytes())
    offset = zipfile.ZipFile(path).getinfo(member).header_offset
    name_len, extra_len = struct.unpack("<HH", raw[offset + 26:offset + 30])
    start = offset + 30 + name_len + extra_len + at
    raw[start:start + len(data)] = data
    path.write_bytes(bytes(raw))
