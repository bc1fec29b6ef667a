"""Give memory the C heap no longer uses back to the operating system (glibc only).

Software OpenGL (Mesa) allocates and frees large blocks on the main thread for every frame;
glibc keeps what was freed at the top of its heap, so resident memory creeps up by tens of
MiB over a session although nothing is live. ``malloc_trim`` returns it; it takes a few
milliseconds at most, so the window calls it when idle, after a full-quality frame.

Returned pages cost again when used again: each is faulted in and zeroed by the kernel. A
click's frames reuse ~10-15 MiB of what the last full-quality frame freed, so trimming after
every frame made the next click fault those pages in (~7 ms of its main thread on a 2-core
machine). ``release_unused_heap(above=...)`` therefore trims only once more than that much is
free (glibc's ``mallinfo2`` counts it), which still stops a creep of tens of MiB.
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


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena", "ordblks", "smblks", "hblks", "hblkhd",
            "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost",
        )
    ]


@cache
def _mallinfo2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        info = libc.mallinfo2  # glibc 2.33 and later
    except (OSError, AttributeError):
        return None
    info.restype = _MallInfo2
    info.argtypes = []
    return info


def free_heap_bytes() -> int | None:
    """Bytes the C heap holds freed (all arenas), or None where glibc cannot say."""
    info = _mallinfo2()
    return None if info is None else int(info().fordblks)


def release_unused_heap(above: int = 0) -> bool:
    """Return the C heap's free memory to the system; True when it was returned.

    ``above``: only when the heap holds more than this many bytes free (where that is known;
    elsewhere always), so memory a frame frees and the next one reuses stays in place.
    """
    trim = _malloc_trim()
    if trim is None:
        return False
    if above > 0:
        free = free_heap_bytes()
        if free is not None and free <= above:
            return False
    trim(0)
    return True
