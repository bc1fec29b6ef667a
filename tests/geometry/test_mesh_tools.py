"""Mesh building blocks: closedness measure, marching tetrahedra, swept tubes."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry import sweep
from calfexplorer.geometry.implicit import marching_tetrahedra, winding_number
from calfexplorer.geometry.mesh import edge_report, volume


def test_edge_report_finds_holes_and_flips() -> None:
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    assert edge_report(f) == (0, 0)
    assert edge_report(f[:3])[0] > 0
    flipped = f.copy()
    flipped[0] = flipped[0][::-1]
    assert edge_report(flipped)[1] > 0


def test_marching_tetrahedra_sphere_is_closed_with_right_volume() -> None:
    h = 0.05
    g = np.indices((41, 41, 41)).transpose(1, 2, 3, 0) * h - 1.0
    field = 0.8 - np.linalg.norm(g, axis=-1)  # > 0 inside a sphere of radius 0.8
    v, f = marching_tetrahedra(field, np.array([-1.0, -1.0, -1.0]), h, level=0.0)
    assert edge_report(f) == (0, 0)
    assert abs(volume(v, f) / (4 / 3 * np.pi * 0.8**3) - 1) < 0.03


def test_winding_number_inside_and_outside() -> None:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]], float)
    f = np.array([[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]])
    w = winding_number(np.array([[0.1, 0.1, 0.1], [2, 2, 2]]), v, f)
    assert abs(w[0] - 1) < 1e-9 and abs(w[1]) < 1e-9


def test_tube_faces_are_closed() -> None:
    assert edge_report(sweep.tube_faces(10, 12)) == (0, 0)
