"""Colour swatches for the HTML pages: a small square of a colour inside a thin dark edge.

Pure Python (no Qt). A coloured glyph alone was lost on the white page where the colour is pale
(a nerve's yellow: 1.3:1 against white); the edge is seen whatever the colour (11:1).
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache

#: The swatch's side in pixels (about the height of the 13-point square glyph it replaced).
SWATCH_PX = 12
#: Its edge: a dark grey, 11:1 against the white page (WCAG asks 3:1 of a graphic's edge).
EDGE_HEX = "#3A3A3A"


def _rgb(code: str) -> bytes:
    code = code.lstrip("#")
    return bytes(int(code[i : i + 2], 16) for i in (0, 2, 4))


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def swatch_png(colour: str, size: int = SWATCH_PX, edge: str = EDGE_HEX, edge_px: int = 1) -> bytes:
    """A PNG image (RGB, unfiltered rows): a ``size``-pixel square of ``colour`` (``#RRGGBB``)
    inside an edge ``edge_px`` pixels wide of ``edge``."""
    rim_rgb, fill = _rgb(edge), _rgb(colour)
    rim = rim_rgb * size
    inner = rim_rgb * edge_px + fill * (size - 2 * edge_px) + rim_rgb * edge_px
    raw = b"".join(b"\x00" + row for row in
                   [*[rim] * edge_px, *[inner] * (size - 2 * edge_px), *[rim] * edge_px])
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(raw))
            + _chunk(b"IEND", b""))


@lru_cache(maxsize=64)
def swatch_html(colour: str, edge: str = EDGE_HEX, edge_px: int = 1) -> str:
    """An inline image of :func:`swatch_png` for ``colour`` (``#RRGGBB``), for a page's text."""
    data = base64.b64encode(swatch_png(colour, SWATCH_PX, edge, edge_px)).decode("ascii")
    return (f'<img class="swatch" src="data:image/png;base64,{data}" '
            f'width="{SWATCH_PX}" height="{SWATCH_PX}" alt="">')


__all__ = ["EDGE_HEX", "SWATCH_PX", "swatch_html", "swatch_png"]
