"""The motion lab poses the built-in leg without SciPy: importing ``scipy.sparse`` for its
stations' smoothing held ~19 MiB for as long as the window ran and slowed the lab's first
opening (``benchmarks/bench_window.py --lab-memory``, ``bench_mode_open.py --modes motion``)."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys, time
from calfexplorer.ui.app import import_before_qt
import_before_qt()  # as the app does
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from calfexplorer.ui.main_window import MainWindow


def wait_until(done, timeout=120.0):
    loop, end, poll = QEventLoop(), time.monotonic() + timeout, QTimer()
    poll.timeout.connect(lambda: (done() or time.monotonic() > end) and loop.quit())
    poll.start(10)
    loop.exec()
    poll.stop()
    assert done(), "timed out"


window = MainWindow.create(show_problems=False)
window.resize(1400, 900)
window.show()
wait_until(lambda: window.viewport.frames_rendered > 0 and window.scene.warmed_up)
print("at start:", "scipy" in sys.modules)
window.mode_docks["motion"].toggleViewAction().trigger()
wait_until(lambda: window.motion.built and window.scene.posing_ready)
rest = window.scene.world_vertices("soleus").copy()
frames = window.viewport.frames_rendered
slider = window.motion.panel.sliders["knee"]
slider.setValue(90)  # as a drag step does, then the user lets go
slider.sliderReleased.emit()
wait_until(lambda: window.viewport.frames_rendered >= frames + 2)
window.scene.render()
print("moved:", abs(window.scene.world_vertices("soleus") - rest).max() > 1e-3)
print("scipy:", sorted(m for m in sys.modules if m.split(".")[0] == "scipy")[:3])
window.close()
"""


def test_posing_the_built_in_leg_in_the_motion_lab_leaves_scipy_unimported() -> None:
    # (a fresh process: the tests before this one imported SciPy here; the built-in leg: the
    # test session's anatomy folder holds no pack)
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    assert lines["at start"] == "False"
    assert lines["moved"] == "True"  # (the leg was posed)
    assert lines["scipy"] == "[]"
