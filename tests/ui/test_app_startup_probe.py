"""The start-up probe the window benchmark uses: a real launch prints its first frame and exits."""

from __future__ import annotations

import os
import subprocess
import sys
import time


def test_probe_prints_the_first_frame_time_and_exits(tmp_path):
    env = dict(os.environ, CALFEXPLORER_STARTUP_PROBE="1")
    env["CALFEXPLORER_CONFIG_DIR"] = str(tmp_path / "config")
    env["CALFEXPLORER_USER_DIR"] = str(tmp_path / "user")
    launched = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "calfexplorer.cli"],
        env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.startswith("first-frame ")]
    assert len(lines) == 1
    frame_at = float(lines[0].split()[1])
    assert launched < frame_at < time.monotonic()
