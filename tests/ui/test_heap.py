"""The window hands freed C-heap memory back to the system when idle (glibc)."""

from __future__ import annotations

import ctypes
import platform
import sys

import pytest

from calfexplorer.ui.heap import release_unused_heap


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc_trim is a glibc function",
)
def test_freed_small_blocks_leave_resident_memory_after_a_release():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    release_unused_heap()
    before = _rss_kib()
    blocks = [libc.malloc(4096) for _ in range(20_000)]  # 80 MiB below the mmap threshold
    pin = libc.malloc(64)  # above them: free() alone cannot shrink the heap from its top
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    for block in blocks:
        libc.free(block)
    held = _rss_kib() - before
    assert release_unused_heap()
    released = _rss_kib() - before
    libc.free(pin)
    assert held > 60 * 1024  # glibc kept the freed memory...
    # ...until it was released: most of it, measured as the drop (what other threads of the
    # test process allocate meanwhile counts too: a loaded full run left 28 of 80 MB)
    assert held - released > 40 * 1024, (held, released)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="malloc_trim and mallinfo2 are glibc functions",
)
def test_a_release_above_a_threshold_keeps_less_free_memory_in_place():
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    release_unused_heap()
    before = _rss_kib()
    blocks = [libc.malloc(4096) for _ in range(10_000)]  # 40 MiB below the mmap threshold
    pin = libc.malloc(64)
    for block in blocks:
        ctypes.memset(block, 1, 4096)
    for block in blocks:
        libc.free(block)
    kept = not release_unused_heap(above=1 << 40)  # far more than is free: kept
    held = _rss_kib() - before
    released = release_unused_heap(above=8 << 20)  # more than 8 MiB is free: returned
    after = _rss_kib() - before
    libc.free(pin)
    assert kept and held > 30 * 1024
    assert released and after < 10 * 1024
