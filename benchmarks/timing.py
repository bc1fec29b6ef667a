"""Timing helpers shared by the benchmark scripts (run them from the repository root)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Seconds taken by each of ``repeat`` calls of ``fn``."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def report(name: str, seconds: list[float], target_ms: float | None = None) -> None:
    """Print the median and minimum in milliseconds, with the verdict against a target."""
    ms = [s * 1000 for s in seconds]
    med = statistics.median(ms)
    target = ""
    if target_ms is not None:
        verdict = "OK" if med < target_ms else "OVER TARGET"
        target = f"  target < {target_ms:g} ms  {verdict}"
    print(f"{name:<52} median {med:8.3f} ms   min {min(ms):8.3f} ms  (n={len(ms)}){target}")
