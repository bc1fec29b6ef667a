"""Ctrl+C while the window starts ends the run with one line and status 130, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys

# Sends the process Ctrl+C's signal the moment PySide6 starts its signature loader (a point
# where a KeyboardInterrupt printed a traceback and aborted the interpreter).
_STARTER = """
import os, signal, sys
sent = []
def ctrl_c_at(event, args):
    if event == "import" and not sent and str(args[0]).startswith("shibokensupport"):
        sent.append(True)
        os.kill(os.getpid(), signal.SIGINT)
sys.addaudithook(ctrl_c_at)
from calfexplorer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_start_says_interrupted_and_exits_130(tmp_path):
    env = dict(os.environ)
    env["CALFEXPLORER_CONFIG_DIR"] = str(tmp_path / "config")
    env["CALFEXPLORER_USER_DIR"] = str(tmp_path / "user")
    env["CALFEXPLORER_ANATOMY_DIR"] = str(tmp_path / "anatomy")
    proc = subprocess.run(
        [sys.executable, "-c", _STARTER, "--screenshot", str(tmp_path / "window.png")],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.stderr.strip() == "calfexplorer: interrupted", proc.stderr
    assert proc.returncode == 130


# Presses Ctrl+C once the window is up (from a timer started as the window's handler is set).
_RUNNING = """
import os, signal, sys
from PySide6.QtCore import QTimer
import calfexplorer.ui.app as app
handler = app._close_on_ctrl_c
def pressed_later(window):
    got = handler(window)
    QTimer.singleShot(1500, lambda: os.kill(os.getpid(), signal.SIGINT))
    return got
app._close_on_ctrl_c = pressed_later
from calfexplorer.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_once_the_window_is_up_closes_it_as_quit_does(tmp_path):
    """The start's quick exit stayed for the whole session: Ctrl+C in the terminal ended the
    window at once, skipping what closing it does (the layout saved, unsaved answers asked
    about)."""
    env = dict(os.environ)
    env["CALFEXPLORER_CONFIG_DIR"] = str(tmp_path / "config")
    env["CALFEXPLORER_USER_DIR"] = str(tmp_path / "user")
    env["CALFEXPLORER_ANATOMY_DIR"] = str(tmp_path / "anatomy")
    proc = subprocess.run([sys.executable, "-c", _RUNNING], env=env, capture_output=True,
                          text=True, timeout=180)
    assert proc.stderr.strip().splitlines()[-1] == "calfexplorer: interrupted", proc.stderr
    assert proc.returncode == 130
    assert (tmp_path / "config" / "settings.ini").is_file()  # closed as Quit closes it
