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
