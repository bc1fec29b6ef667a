"""Writing the built-in meshes: a write that fails part-way leaves the files as they were."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.assets import write as write_mod
from calfexplorer.geometry.build import Built
from calfexplorer.geometry.mesh import Mesh


def _built(size: float) -> list[Built]:
    verts = np.array([[0, 0, 0], [size, 0, 0], [0, size, 0], [0, 0, size]], np.float32)
    faces = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]], np.int32)
    return [Built("tibia", "bone", "bones", Mesh(verts, faces), body="tibia_r")]


def test_a_full_disk_while_writing_leaves_the_working_meshes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # write_glb wrote leg.glb in place: a full disk part-way (or a kill) left half a file, and
    # the window could draw nothing until the meshes were built again.
    write_mod.write_assets(tmp_path, _built(0.1), {}, {"version": "test"})
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = write_mod.write_glb

    def half_then_full(path: Path, *args: Any) -> None:
        real(path, *args)
        with open(path, "r+b") as fh:
            fh.truncate(path.stat().st_size // 2)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(write_mod, "write_glb", half_then_full)
    with pytest.raises(OSError):
        write_mod.write_assets(tmp_path, _built(0.2), {}, {"version": "test"})
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no scratch left
    assert load_assets(tmp_path).meshes["tibia"].vertices.max() == pytest.approx(0.1)
