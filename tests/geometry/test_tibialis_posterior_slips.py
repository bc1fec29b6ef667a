"""Tibialis posterior of the built-in model sends slips across the sole from the tuberosity of
the navicular to the places its plantar insertion patches lie (the three cuneiforms, the cuboid
and the bases of metatarsals 2-4), under the bones, not through them, and they stay there as
the foot moves."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.biomech import Pose
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import body_rt, pose_state

from .pieces import piece_points

MUSCLE = "tibialis_posterior"
#: The plantar insertions the slips go to, and how many pieces each patch has.
PLANTAR = {"tibialis_posterior:insertion:cuneiforms_plantar": 3,
           "tibialis_posterior:insertion:cuboid_plantar": 1,
           "tibialis_posterior:insertion:metatarsal_bases_2_4": 1}  # metatarsal 2 only
REACH = 0.004  # m: a slip ends on its patch, not beside it


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _gaps(assets, muscle: np.ndarray, patches: dict[str, np.ndarray]) -> dict[str, list[float]]:
    """For each piece of each plantar patch: how far the muscle comes to it."""
    faces = np.asarray(assets.meshes[MUSCLE].faces)
    tree = cKDTree(np.asarray(muscle, dtype=np.float64)[np.unique(faces)])
    return {sid: [float(tree.query(p)[0].min())
                  for p in piece_points(v, np.asarray(assets.meshes[sid].faces))]
            for sid, v in patches.items()}


def test_slips_reach_every_plantar_insertion_patch(assets) -> None:
    gaps = _gaps(assets, assets.meshes[MUSCLE].vertices,
                 {sid: assets.meshes[sid].vertices for sid in PLANTAR})
    for sid, count in PLANTAR.items():
        assert len(gaps[sid]) == count, sid
        assert max(gaps[sid]) < REACH, (sid, [round(g * 1000, 1) for g in gaps[sid]])


def test_the_metatarsal_slips_reach_the_bases_of_metatarsals_2_to_4(assets) -> None:
    """One slip ends within a few millimetres of the plantar base of each of metatarsals 2-4."""
    rot, pos = (np.asarray(x) for x in body_rt(pose_state(), "calcn_r"))
    bone = assets.meshes["metatarsals"]
    pieces = piece_points(bone.vertices, np.asarray(bone.faces))
    local = [(p - pos) @ rot for p in pieces]
    order = np.argsort([p[:, 2].mean() for p in local])  # medial to lateral: 1..5
    mesh = assets.meshes[MUSCLE]
    tree = cKDTree(np.asarray(mesh.vertices, dtype=np.float64)[np.unique(mesh.faces)])
    for n in (2, 3, 4):
        p = local[order[n - 1]]
        base = p[p[:, 0] < p[:, 0].min() + 0.2 * np.ptp(p[:, 0])]
        plantar = base[base[:, 1] < np.quantile(base[:, 1], 0.25)]
        gap = tree.query(plantar @ rot.T + pos)[0].min()
        assert gap < REACH, (n, round(gap * 1000, 1))


def test_slips_lie_under_the_bones_not_through_them(assets) -> None:
    mesh = assets.meshes[MUSCLE]
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0
    # the slips lie on the plantar side: below the centre of the patches they reach
    rot, pos = (np.asarray(x) for x in body_rt(pose_state(), "calcn_r"))
    v = (np.asarray(mesh.vertices, dtype=np.float64) - pos) @ rot
    for sid in PLANTAR:
        patch = assets.meshes[sid]
        for piece in piece_points(patch.vertices, np.asarray(patch.faces)):
            c = (piece - pos) @ rot
            near = v[np.linalg.norm(v - c.mean(axis=0), axis=1) < REACH]
            assert len(near) and np.median(near[:, 1]) < c[:, 1].mean(), sid


@pytest.mark.parametrize("pose", [Pose.from_degrees(ankle=20),
                                  Pose.from_degrees(ankle=-40, subtalar=20),
                                  Pose.from_degrees(knee=60, ankle=-35, subtalar=10, toes=20)])
def test_the_slips_stay_on_their_bones_as_the_foot_moves(assets, pose) -> None:
    deformer = Deformer(assets)
    state = pose_state(pose)
    muscle = deformer.deform_sweeps(state, [MUSCLE])[MUSCLE]
    rigid = deformer.deform_rigid(state)
    gaps = _gaps(assets, muscle, {sid: rigid[sid] for sid in PLANTAR})
    for sid, g in gaps.items():
        assert max(g) < REACH + 0.002, (sid, [round(x * 1000, 1) for x in g])
