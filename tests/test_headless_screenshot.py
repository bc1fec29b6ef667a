"""A window screenshot works where there is no display (re-run under xvfb-run), or says why not."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def _headless_env(tmp_path: Path, path: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XAUTHORITY")}
    env["CALFEXPLORER_CONFIG_DIR"] = str(tmp_path / "config")
    env["CALFEXPLORER_USER_DIR"] = str(tmp_path / "user")
    if path is not None:
        env["PATH"] = path
    return env


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "calfexplorer.cli", *argv], env=env,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (package xvfb)")
def test_screenshot_without_a_display_draws_the_window_with_the_leg(tmp_path):
    from PySide6.QtGui import QImage

    out = tmp_path / "window.png"
    proc = _run(["--select", "soleus", "--screenshot", str(out)], _headless_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    image = QImage(str(out))
    assert image.width() >= 800 and image.height() >= 600
    # the highlighted soleus (magenta) is drawn: the 3D view rendered, not an empty panel
    from calfexplorer.scene import style

    r, g, b = (round(c * 255) for c in style.HIGHLIGHT.color)
    magenta = 0
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            c = image.pixelColor(x, y)
            magenta += abs(c.red() - r) + abs(c.green() - g) + abs(c.blue() - b) < 90
    assert magenta > 200


def test_without_xvfb_run_a_screenshot_says_what_it_needs(tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    out = tmp_path / "window.png"
    proc = _run(["--screenshot", str(out)], _headless_env(tmp_path, path=str(empty)))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "calfexplorer: error: no display (DISPLAY and WAYLAND_DISPLAY are unset): needs "
        "xvfb-run (the xvfb package) to make a virtual screen"
    ]
    assert not out.exists()


def test_the_window_without_a_display_says_what_it_needs(tmp_path):
    proc = _run(["--select", "soleus"], _headless_env(tmp_path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "needs a display to open the window on" in lines[0]
    assert "calfexplorer render" in lines[0]


def test_an_empty_screenshot_name_fails_before_opening_anything(tmp_path):
    """`--screenshot ''` opened the window and never ended (a script's empty variable)."""
    proc = _run(["--screenshot", ""], _headless_env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        "calfexplorer: error: --screenshot: no file name given; give one, e.g. window.png")


def test_a_screenshot_into_a_folder_fails_before_opening_anything(tmp_path):
    proc = _run(["--screenshot", str(tmp_path)], _headless_env(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.strip() == (
        f"calfexplorer: error: --screenshot: {tmp_path} is a folder; give a file name, "
        f"e.g. {tmp_path / 'window.png'}"
    )


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (package xvfb)")
def test_on_a_small_screen_the_first_window_fits_it(tmp_path):
    # A first run (no saved layout) on a 1024 x 700 screen: the window fits the screen, so the
    # selected structure's information panel and the 3D view are on it, not beyond its edge.
    from PySide6.QtGui import QImage

    out = tmp_path / "window.png"
    env = _headless_env(tmp_path)
    proc = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1024x700x24", sys.executable, "-m",
         "calfexplorer.cli", "--select", "soleus", "--screenshot", str(out)],
        env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert 0 < image.width() <= 1024 and 0 < image.height() <= 700, image.size()


def test_the_readme_app_command_without_a_display_says_what_to_do_instead(tmp_path):
    """'scripts/dev.sh app' on a machine without a screen opened the window under Xvfb, where
    nobody could see it, and never returned."""
    venv = Path(sys.prefix)
    script = Path(__file__).resolve().parents[1] / "scripts" / "dev.sh"
    stamp = venv / ".calfexplorer-installed"
    if not stamp.is_file() or stamp.stat().st_mtime < (script.parents[1] / "pyproject.toml"
                                                        ).stat().st_mtime:
        pytest.skip("the environment was not set up by scripts/dev.sh (it would install)")
    env = _headless_env(tmp_path) | {"CALFEXPLORER_VENV": str(venv)}
    done = subprocess.run(["bash", str(script), "app"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 1
    line = done.stderr.strip().splitlines()[-1]
    assert "no display" in line and "--screenshot" in line and "render" in line
