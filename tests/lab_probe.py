"""The motion lab opened and posed in a fresh process, as a user would (window tests: under
Xvfb): what it imported, and whether the leg moved."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping

_PROBE = """
import sys, time
from calfexplorer.ui.app import import_before_qt
import_before_qt()  # as the app does
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication([])
from calfexplorer.ui.main_window import MainWindow


def wait_until(done, timeout=300.0):
    loop, end, poll = QEventLoop(), time.monotonic() + timeout, QTimer()
    poll.timeout.connect(lambda: (done() or time.monotonic() > end) and loop.quit())
    poll.start(10)
    loop.exec()
    poll.stop()
    assert done(), "timed out"


BUILD_ONLY = ("calfexplorer.anatomy.routing", "calfexplorer.anatomy.route_tubes",
              "calfexplorer.anatomy.route_lines", "calfexplorer.anatomy.route_solids",
              "calfexplorer.anatomy.route_finding", "calfexplorer.anatomy.route_laying",
              "calfexplorer.anatomy.posed_routes", "calfexplorer.anatomy.envelope",
              "calfexplorer.anatomy.fan_winding", "calfexplorer.geometry.implicit")
window = MainWindow.create(show_problems=False)
window.resize(1400, 900)
window.show()
wait_until(lambda: window.viewport.frames_rendered > 0 and window.scene.warmed_up)
print("leg:", window.assets.model)
print("at start:", "scipy" in sys.modules)
print("build code at start:", sorted(m for m in BUILD_ONLY if m in sys.modules))
if sys.argv[1:] == ["start"]:
    window.close()
    raise SystemExit
window.mode_docks["motion"].toggleViewAction().trigger()
# (a lab that cannot be prepared says why in its box: waiting on for the pose ran to the timeout)
wait_until(lambda: window.motion.built and window.scene.posing_ready
           or window.motion.failed is not None)
assert window.motion.failed is None, f"the motion lab failed: {window.motion.failed}"
rest = window.scene.world_vertices("soleus").copy()
slider = window.motion.panel.sliders["knee"]
for knee in (60, 90):  # a drag's coarse steps (the twins), then the full pose once let go
    frames = window.viewport.frames_rendered
    slider.setValue(knee)
    wait_until(lambda: window.viewport.frames_rendered > frames)
slider.sliderReleased.emit()
frames = window.viewport.frames_rendered
wait_until(lambda: window.viewport.frames_rendered >= frames + 1)
window.scene.render()
print("moved:", abs(window.scene.world_vertices("soleus") - rest).max() > 1e-3)
print("scipy:", sorted(m for m in sys.modules if m.split(".")[0] == "scipy")[:3])
window.close()
"""


def probe_lab(env: Mapping[str, str] | None = None, lab: bool = True) -> dict[str, str]:
    """Open the window, then the motion lab, drag the knee to 60 and 90 degrees and let go,
    in a fresh process (``env``: its environment); its report by line: ``leg`` (the model
    shown), ``at start`` (SciPy imported by then), ``build code at start`` (the pack build's
    routing modules imported by then), ``moved`` (the soleus posed), ``scipy`` (the first
    SciPy modules imported in all). ``lab=False``: the window's start only."""
    done = subprocess.run([sys.executable, "-c", _PROBE, *(() if lab else ("start",))],
                          capture_output=True, text=True,
                          timeout=600, env=None if env is None else dict(env))
    assert done.returncode == 0, done.stderr[-3000:]
    return dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
