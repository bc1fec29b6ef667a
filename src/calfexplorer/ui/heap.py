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

Worker threads allocate from the main thread's heap (:func:`share_main_heap`): glibc gives
each thread an arena of its own, and a thread's arena keeps the freed memory at its top
resident (``malloc_trim`` does not return it, and free() only once more than a threshold is
there, which grows with the largest block freed: up to 64 MiB). The motion lab's poser, loaded
in a worker thread, left ~17 MiB of its temporaries so with the BodyParts3D leg.
"""

from __future__ import annotations

import ctypes
import os
import sys
from functools import cache


@cache
def _libc():
    """The process's own symbols, the C library's among them (Linux), else None. (Not
    found by name: ``ctypes.util.find_library`` runs ldconfig, ~13 ms at every start.)"""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None


@cache
def _glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # (not named, or not a POSIX system)
        return False


#: glibc's ``mallopt`` parameter for the most malloc arenas (``M_ARENA_MAX``).
_M_ARENA_MAX = -8


def share_main_heap() -> bool:
    """Have threads started from now on allocate from the main thread's heap (glibc: one
    malloc arena; as ``MALLOC_ARENA_MAX=1``); True where that was set.

    Call it before any other thread starts (numpy's OpenBLAS starts one as it is imported):
    a thread that already allocated keeps its own arena.
    """
    mallopt = getattr(_libc(), "mallopt", None) if _glibc() else None
    if mallopt is None:  # (musl has one, with other parameters)
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_ARENA_MAX, 1))


@cache
def _malloc_trim():
    return getattr(_libc(), "malloc_trim", None)  # absent from musl and other C libraries


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
    info = getattr(_libc(), "mallinfo2", None)  # glibc 2.33 and later
    if info is None:
        return None
    info.restype = _MallInfo2
    info.argtypes = []
    return info


def free_heap_bytes() -> int | None:
    """Bytes the C heap holds freed (all arenas), or None where glibc cannot say."""
    info = _mallinfo2()
    return None if info is None else int(info().fordblks)


def used_heap_bytes() -> int | None:
    """Bytes the C heap has handed out and not had back (all arenas, mapped blocks too), or
    None where glibc cannot say."""
    info = _mallinfo2()
    if info is None:
        return None
    got = info()
    return int(got.uordblks + got.hblkhd)


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
