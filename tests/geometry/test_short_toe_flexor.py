"""Flexor digitorum brevis of the built-in model divides into four tendons, one to the middle
phalanx of each of toes 2-5, where its four insertion patches lie, and they stay there as the
ankle and toes move."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.biomech import Pose
from calfexplorer.geometry.bones import components
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import pose_state

MUSCLE = "flexor_digitorum_brevis"
INSERTION = "flexor_digitorum_brevis:insertion:middle_phalanges"
REACH = 0.003  # m: a tendon ends on its patch, not beside it


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _pieces(vertices: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Points of each connected piece of a mesh."""
    v = np.asarray(vertices, dtype=np.float64)
    return [v[np.unique(faces[piece])] for piece in components(vertices, faces)]


def _gaps(muscle: np.ndarray, faces: np.ndarray, patch: np.ndarray,
          patch_faces: np.ndarray) -> list[float]:
    """For each piece of the insertion patch (one per toe): how far the muscle comes to it."""
    tree = cKDTree(np.asarray(muscle, dtype=np.float64)[np.unique(faces)])
    return [float(tree.query(piece)[0].min()) for piece in _pieces(patch, patch_faces)]


def test_four_tendons_reach_the_middle_phalanges_of_toes_2_to_5(assets) -> None:
    mesh, patch = assets.meshes[MUSCLE], assets.meshes[INSERTION]
    gaps = _gaps(mesh.vertices, np.asarray(mesh.faces), patch.vertices, np.asarray(patch.faces))
    assert len(gaps) == 4
    assert max(gaps) < REACH, [round(g * 1000, 1) for g in gaps]
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0
    # between two neighbouring toes' patches no tendon passes: four tendons, not one sheet
    centres = np.array([p.mean(axis=0) for p in _pieces(patch.vertices, np.asarray(patch.faces))])
    tree = cKDTree(np.asarray(mesh.vertices[np.asarray(mesh.faces)].reshape(-1, 3),
                              dtype=np.float64))
    order = np.argsort(centres[:, 0])
    for a, b in zip(order[:-1], order[1:], strict=True):
        mid = (centres[a] + centres[b]) / 2
        assert tree.query(mid)[0] > 0.002


@pytest.mark.parametrize("pose", [Pose.from_degrees(toes=30), Pose.from_degrees(toes=-30),
                                  Pose.from_degrees(knee=60, ankle=-35, subtalar=10, toes=20)])
def test_the_tendons_stay_on_their_toes_as_the_toes_move(assets, pose) -> None:
    deformer = Deformer(assets)
    state = pose_state(pose)
    muscle = deformer.deform_sweeps(state, [MUSCLE])[MUSCLE]
    patch = deformer.deform_rigid(state)[INSERTION]
    gaps = _gaps(muscle, np.asarray(assets.meshes[MUSCLE].faces), patch,
                 np.asarray(assets.meshes[INSERTION].faces))
    assert max(gaps) < REACH + 0.002, [round(g * 1000, 1) for g in gaps]
