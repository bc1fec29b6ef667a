"""A scripted run with a mode's panel open saves its screenshot and exits without a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize("mode", ["--study", "--motion"])
def test_screenshot_run_with_a_mode_open_exits_cleanly(tmp_path, mode):
    env = dict(os.environ)
    env["CALFEXPLORER_CONFIG_DIR"] = str(tmp_path / "config")
    env["CALFEXPLORER_USER_DIR"] = str(tmp_path / "user")
    out = tmp_path / "window.png"
    proc = subprocess.run(
        [sys.executable, "-m", "calfexplorer.cli", mode, "--screenshot", str(out)],
        env=env, capture_output=True, text=True, timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Traceback" not in proc.stderr, proc.stderr
