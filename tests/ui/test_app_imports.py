"""Start-up imports the Qt-free layers before Qt, so PySide6 keeps little source in memory.

PySide6, once imported, reads the whole source of each module imported after it into Python's
line cache. Measured when this test was written, importing the window's module: 3.2 MiB of
source text cached with Qt first, 0.4 MiB with the layers first; the whole window with the
BodyParts3D leg, resident memory after start 388.3 -> 378.9 MiB (built-in leg 378.4 ->
368.3 MiB; ``benchmarks/bench_window.py --skip-cold``).
"""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import linecache, sys
from calfexplorer.ui.app import import_before_qt
import_before_qt()
print("qt before:", any(m.split(".")[0] in ("PySide6", "shiboken6") for m in sys.modules))
before = set(sys.modules)
import calfexplorer.ui.main_window
late = sorted(m for m in set(sys.modules) - before
              if m.startswith("calfexplorer.") and not m.startswith("calfexplorer.ui"))
print("late:", ",".join(late))
cached = sum(sum(map(len, e[2])) for e in linecache.cache.values() if len(e) == 4)
print("cached:", cached)
"""


def test_the_window_imports_its_qt_free_layers_before_qt() -> None:
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    lines = dict(line.split(": ", 1) if ": " in line else (line.rstrip(":"), "")
                 for line in out.splitlines())
    assert lines["qt before"] == "False"  # none of them imports Qt
    assert lines["late"] == ""  # the window's module imports no other layer after Qt
    assert int(lines["cached"]) < 1_000_000  # was 3.3 million characters with Qt first


_LATE_PROBE = """
import linecache, sys
from calfexplorer.ui.app import import_before_qt
import_before_qt()
import PySide6.QtCore
if sys.argv[1] == "spared":
    from calfexplorer.ui.line_cache import spare_line_cache
    assert spare_line_cache()
import pydoc, numpy.ma  # (neither imported before; large sources: 109k and 289k characters)
import numpy.ma as ma
print(ma.masked_array([1, 2], mask=[0, 1]).sum())  # (they work as ever)
late = [m.__file__ for m in (pydoc, numpy.ma.core)]
print("cached:", sum(sum(map(len, linecache.cache[f][2])) for f in late if f in linecache.cache))
"""


def test_modules_imported_after_qt_leave_no_source_in_memory() -> None:
    """The app's start (``spare_line_cache`` after Qt): what numpy, SciPy and the standard
    library import later no longer stays in Python's line cache (~16 MiB at start)."""
    out = {}
    for how in ("spared", "as_qt_does"):
        run = subprocess.run([sys.executable, "-c", _LATE_PROBE, how], capture_output=True,
                             text=True, timeout=120, check=True).stdout.splitlines()
        assert run[0] == "1"
        out[how] = int(run[1].split(": ")[1])
    assert out["as_qt_does"] > 300_000  # (the guard sees what it guards against)
    assert out["spared"] == 0
