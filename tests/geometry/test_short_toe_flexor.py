"""Flexor digitorum brevis of the built-in model divides into four tendons, one to the middle
phalanx of each of toes 2-5, where its four insertion patches lie, and they stay there as the
ankle and toes move. Its tendons run plantar to flexor digitorum longus' and part round them at
the toes (each brevis tendon splits to let the long flexor's through), not through them."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.implicit import winding_number
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import body_rt, pose_state

from .pieces import TOE_POSES, piece_points

MUSCLE = "flexor_digitorum_brevis"
LONG = "flexor_digitorum_longus"
INSERTION = "flexor_digitorum_brevis:insertion:middle_phalanges"
REACH = 0.003  # m: a tendon ends on its patch, not beside it


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _gaps(muscle: np.ndarray, faces: np.ndarray, patch: np.ndarray,
          patch_faces: np.ndarray) -> list[float]:
    """For each piece of the insertion patch (one per toe): how far the muscle comes to it."""
    tree = cKDTree(np.asarray(muscle, dtype=np.float64)[np.unique(faces)])
    return [float(tree.query(piece)[0].min()) for piece in piece_points(patch, patch_faces)]


def test_four_tendons_reach_the_middle_phalanges_of_toes_2_to_5(assets) -> None:
    mesh, patch = assets.meshes[MUSCLE], assets.meshes[INSERTION]
    gaps = _gaps(mesh.vertices, np.asarray(mesh.faces), patch.vertices, np.asarray(patch.faces))
    assert len(gaps) == 4
    assert max(gaps) < REACH, [round(g * 1000, 1) for g in gaps]
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0
    # between two neighbouring toes' patches no tendon passes: four tendons, not one sheet
    # (each toe's tendon is drawn as two halves that part round the long flexor's)
    pieces = piece_points(patch.vertices, np.asarray(patch.faces))
    centres = np.array([p.mean(axis=0) for p in pieces])
    tree = cKDTree(np.asarray(mesh.vertices[np.asarray(mesh.faces)].reshape(-1, 3),
                              dtype=np.float64))
    order = np.argsort(centres[:, 0])
    for a, b in zip(order[:-1], order[1:], strict=True):
        mid = (centres[a] + centres[b]) / 2
        assert tree.query(mid)[0] > 0.002


@pytest.mark.parametrize("pose", TOE_POSES)
def test_the_tendons_stay_on_their_toes_as_the_toes_move(assets, pose) -> None:
    deformer = Deformer(assets)
    state = pose_state(pose)
    muscle = deformer.deform_sweeps(state, [MUSCLE])[MUSCLE]
    patch = deformer.deform_rigid(state)[INSERTION]
    gaps = _gaps(muscle, np.asarray(assets.meshes[MUSCLE].faces), patch,
                 np.asarray(assets.meshes[INSERTION].faces))
    assert max(gaps) < REACH + 0.002, [round(g * 1000, 1) for g in gaps]


def test_the_tendons_do_not_run_through_the_long_flexor_tendons(assets) -> None:
    """Under 0.5 % of brevis' drawn vertices lie inside flexor digitorum longus (5.1 % did, its
    four tendons running through the long flexor's under the toes)."""
    mesh, long_ = assets.meshes[MUSCLE], assets.meshes[LONG]
    drawn = np.asarray(mesh.vertices, dtype=np.float64)[np.unique(mesh.faces)]
    inside = winding_number(drawn, long_.vertices, long_.faces) > 0.5
    assert inside.mean() < 0.005, f"{inside.mean():.2%}"


def _behind(points: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """The points in a 4 mm long stretch of the toe just behind a patch centre (calcaneus
    frame)."""
    x, z = points[:, 0], points[:, 2]
    return points[(x > centre[0] - 0.008) & (x < centre[0] - 0.004)
                  & (np.abs(z - centre[2]) < 0.008)]


def test_each_tendon_parts_round_the_long_flexor_tendon_at_its_toe(assets) -> None:
    """Near each insertion patch the long flexor's tendon passes between two pieces of brevis'
    tendon: brevis lies on both sides of it across the toe, not only on one."""
    rot, pos = (np.asarray(x) for x in body_rt(pose_state(), "calcn_r"))
    patch = assets.meshes[INSERTION]
    mesh, long_ = assets.meshes[MUSCLE], assets.meshes[LONG]
    short = (np.asarray(mesh.vertices, dtype=np.float64)[np.unique(mesh.faces)] - pos) @ rot
    longv = (np.asarray(long_.vertices, dtype=np.float64) - pos) @ rot
    for piece in piece_points(patch.vertices, np.asarray(patch.faces)):
        c = ((piece - pos) @ rot).mean(axis=0)
        s, lg = _behind(short, c), _behind(longv, c)
        assert len(s) and len(lg), c
        mid = np.median(lg[:, 2])
        assert (s[:, 2] < mid - 0.0015).any() and (s[:, 2] > mid + 0.0015).any(), c
