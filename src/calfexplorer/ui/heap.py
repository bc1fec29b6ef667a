"""Give memory the C heap no longer uses back to the operating system (glibc only).

Software OpenGL (Mesa) allocates and frees large blocks on the main thread for every frame;
glibc keeps what was freed at the top of its heap, so resident memory creeps up by tens of
MiB over a session although nothing is live. ``malloc_trim`` returns it; it takes a few
milliseconds at most, so the window calls it when idle, after a full-quality frame.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from functools import cache


@cache
def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim  # absent from musl and other C libraries
    except (OSError, AttributeError):
        return None


def release_unused_heap() -> bool:
    """Return the C heap's free memory to the system; True where the C library can."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
