"""A short soak: the window driven through mixed user actions raises nothing and hangs nowhere.

The driver is the soak benchmark's (``benchmarks/soak_window.py``); the benchmark runs 1,000
actions and measures growth, this runs a few dozen so every change is checked.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

SOAK_SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "soak_window.py"


def _soak_module():
    """The benchmark script as a module (benchmarks/ is not a package)."""
    name = "soak_window"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SOAK_SCRIPT)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while it loads
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_sixty_mixed_actions_raise_nothing_and_each_finishes(qtbot, main_window):
    soak = _soak_module()
    driver = soak.SoakDriver(main_window, seed=7)
    with soak.watch_problems() as problems:
        report = driver.run(60, problems)
    assert set(report.actions) == set(driver.kinds)  # every kind of action was done
    found = [*problems.exceptions, *problems.qt_messages, *problems.vtk_messages, *problems.hangs]
    assert problems.errors == 0, "\n".join(found)
    assert main_window.isVisible() and main_window.scene is not None
