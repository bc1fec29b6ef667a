"""Opening the plane under a muscle that closes it over a kept nerve
(:mod:`calfexplorer.anatomy.plane_open`), on a closed box lying on a flat deep muscle."""

from __future__ import annotations

import numpy as np
import trimesh

from calfexplorer.anatomy.plane_open import open_plane
from calfexplorer.anatomy.route_solids import solids
from calfexplorer.geometry.mesh import Mesh, face_normals, vertex_normals, volume


def _muscle() -> tuple[np.ndarray, np.ndarray]:
    """A 40 x 30 x 100 mm box (y from -2 mm: 2 mm into the deep muscle under y = 0), finely
    divided so its surface can bend."""
    box = trimesh.creation.box(extents=(0.04, 0.03, 0.1))
    box.apply_translation((0.0, 0.013, 0.0))
    for _ in range(4):
        box = box.subdivide()
    return np.asarray(box.vertices, np.float32), np.asarray(box.faces, np.int32)


def _opened() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The box, the course along it (1 mm inside the box's underside), which of its
    vertices lie on a bone (its lateral side, held), and the box opened along the course."""
    v, f = _muscle()
    course = np.array([(0.0, -0.001, z) for z in np.linspace(-0.06, 0.06, 13)])
    away = np.tile([0.0, 1.0, 0.0], (len(v), 1))  # the deep muscle's surface is y = 0
    bone = 0.02 - v[:, 0].astype(np.float64)  # distance to a bone along its lateral side
    opened = open_plane(v, f, course, 0.003, np.zeros(len(course)), away, bone)
    return v, f, course, bone, opened.vertices


def test_the_course_is_cleared_keeping_the_volume_and_the_origins() -> None:
    v, f, course, bone, opened = _opened()
    before = solids({"m": Mesh(v, f, vertex_normals(v, f))})["m"]
    assert before.inside(course[2:-2]).all()

    after = solids({"m": Mesh(opened, f, vertex_normals(opened, f))})["m"]
    assert not after.inside(course).any()
    assert abs(volume(opened.astype(np.float64), f) / volume(v, f) - 1.0) < 0.01
    held = bone < 0.003
    assert np.abs(opened[held] - v[held]).max() < 1e-9


def test_the_opened_surface_bends_smoothly() -> None:
    """No face of the opened muscle is turned by more than 30 degrees: a face turned further
    among its neighbours drew the selection's outline across BodyParts3D's soleus as dark
    dashes (arch39's opening turned faces up to 146 degrees against their neighbours)."""
    v, f, _course, _bone, opened = _opened()
    cos = np.einsum("ij,ij->i", face_normals(v, f), face_normals(opened, f))
    assert np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))).max() <= 30.0
