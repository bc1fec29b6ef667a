"""The motion lab poses the BodyParts3D leg without SciPy (#12): its sparse products, the
twins' maps and the kept tubes' k-d tree search held ~40 MiB resident once the lab opened
(``benchmarks/bench_window.py --pack DIR --lab-memory``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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


window = MainWindow.create(show_problems=False)
window.resize(1400, 900)
window.show()
wait_until(lambda: window.viewport.frames_rendered > 0 and window.scene.warmed_up)
print("leg:", window.assets.model)
print("at start:", "scipy" in sys.modules)
window.mode_docks["motion"].toggleViewAction().trigger()
wait_until(lambda: window.motion.built and window.scene.posing_ready)
rest = window.scene.world_vertices("soleus").copy()
for knee in (60, 90):  # a drag's coarse steps (the twins), then the full pose once let go
    frames = window.viewport.frames_rendered
    slider = window.motion.panel.sliders["knee"]
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

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")),
    reason="window tests need a display: run them under Xvfb (scripts/dev.sh test does)",
)


def test_posing_the_pack_leg_in_the_motion_lab_leaves_scipy_unimported(
        built_pack: Path, tmp_path: Path) -> None:
    # (a fresh process: the tests before this one imported SciPy here; the session's pack, as
    # built, installed: its binding, the twins' maps and the kept tubes' search saved in it)
    env = dict(os.environ, CALFEXPLORER_ANATOMY_DIR=str(built_pack.parent),
               CALFEXPLORER_CONFIG_DIR=str(tmp_path / "config"),
               CALFEXPLORER_USER_DIR=str(tmp_path / "user"))
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                          timeout=600, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines() if ": " in line)
    assert lines["leg"] == "bodyparts3d"
    assert lines["at start"] == "False"
    assert lines["moved"] == "True"  # (the leg was posed)
    assert lines["scipy"] == "[]"
