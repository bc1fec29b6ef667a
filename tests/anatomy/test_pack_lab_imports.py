"""The motion lab poses the BodyParts3D leg without SciPy (#12): its sparse products, the
twins' maps and the kept tubes' k-d tree search held ~40 MiB resident once the lab opened
(``benchmarks/bench_window.py --pack DIR --lab-memory``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
    from lab_probe import probe_lab

    lines = probe_lab(env)
    assert lines["leg"] == "bodyparts3d"
    assert lines["at start"] == "False"
    assert lines["moved"] == "True"  # (the leg was posed)
    assert lines["scipy"] == "[]"
