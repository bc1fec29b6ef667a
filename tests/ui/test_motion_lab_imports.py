"""The motion lab poses the built-in leg without SciPy: importing ``scipy.sparse`` for its
stations' smoothing held ~19 MiB for as long as the window ran and slowed the lab's first
opening (``benchmarks/bench_window.py --lab-memory``, ``bench_mode_open.py --modes motion``)."""

from __future__ import annotations


def test_posing_the_built_in_leg_in_the_motion_lab_leaves_scipy_unimported() -> None:
    # (a fresh process: the tests before this one imported SciPy here; the built-in leg: the
    # test session's anatomy folder holds no pack)
    from lab_probe import probe_lab

    lines = probe_lab()
    assert lines["leg"] == "builtin"
    assert lines["at start"] == "False"
    assert lines["moved"] == "True"  # (the leg was posed)
    assert lines["scipy"] == "[]"
