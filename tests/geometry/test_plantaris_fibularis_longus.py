"""Two attachments of the built-in model where the structure meets its patch: the plantaris' tendon
runs down beside the calcaneal tendon to the middle of the back of the heel bone, its insertion
patch just medial to the calcaneal tendon's; fibularis longus' belly starts at its origin patch
on the head of the fibula, not below it."""

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

PLANTARIS = "plantaris"
PLANTARIS_PATCH = "plantaris:insertion:calcaneus_medial_to_tendon"
CALCANEAL_PATCH = "calcaneal_tendon:insertion:posterior_calcaneus_middle"
FIBULARIS = "fibularis_longus"
HEAD_PATCH = "fibularis_longus:origin:head_of_fibula"
#: Calcaneus frame at rest (x forward, y up, z lateral): the heel bone's upper back corner,
#: where the model's triceps paths end, is at y about 0.031; the posterior surface's middle, 0.012.
UPPER_CORNER_Y = 0.031
REACH = 0.004  # m: a tendon ends on its patch, not beside it


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _local(points: object, body: str, state: object = None) -> np.ndarray:
    """World points in a body's frame."""
    rot, pos = body_rt(state if state is not None else pose_state(), body)
    return (np.asarray(points, dtype=np.float64) - pos) @ np.asarray(rot)


def _centre(assets, sid: str, body: str) -> np.ndarray:
    return _local(assets.meshes[sid].vertices, body).mean(axis=0)


def test_the_plantaris_patch_lies_beside_the_calcaneal_tendons_insertion_on_its_medial_side(
        assets) -> None:
    mine = _centre(assets, PLANTARIS_PATCH, "calcn_r")
    theirs = _centre(assets, CALCANEAL_PATCH, "calcn_r")
    assert mine[1] < UPPER_CORNER_Y - 0.01, f"patch at height {mine[1] * 1000:.1f} mm"
    assert abs(mine[1] - theirs[1]) < 0.005  # level with it, not on the upper corner
    assert theirs[2] - mine[2] > 0.006  # medial (z is lateral)
    assert np.linalg.norm(mine - theirs) < 0.02


def test_the_plantaris_tendon_ends_on_its_patch(assets) -> None:
    mesh = assets.meshes[PLANTARIS]
    local = _local(mesh.vertices, "calcn_r")
    centre = _centre(assets, PLANTARIS_PATCH, "calcn_r")
    gap = cKDTree(local).query(centre)[0]
    assert gap < REACH, f"tendon {gap * 1000:.1f} mm from its insertion patch"
    assert local[:, 1].min() < UPPER_CORNER_Y - 0.01  # down past the bone's upper back corner
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0


@pytest.mark.parametrize("pose", [Pose.from_degrees(ankle=30), Pose.from_degrees(ankle=-20)])
def test_the_plantaris_tendon_stays_on_its_patch_as_the_ankle_moves(assets, pose) -> None:
    state = pose_state(pose)
    posed = Deformer(assets).deform_sweeps(state, [PLANTARIS])[PLANTARIS]
    gap = cKDTree(_local(posed, "calcn_r", state)).query(
        _centre(assets, PLANTARIS_PATCH, "calcn_r"))[0]
    assert gap < 0.005, f"{gap * 1000:.1f} mm"


def test_fibularis_longus_starts_at_its_origin_on_the_head_of_the_fibula(assets) -> None:
    belly = _local(assets.meshes[FIBULARIS].vertices, "tibia_r")
    patch = _local(assets.meshes[HEAD_PATCH].vertices, "tibia_r")
    assert belly[:, 1].max() > patch[:, 1].mean(), "the belly's top lies below its origin patch"
    gap = cKDTree(belly).query(patch.mean(axis=0))[0]
    assert gap < 0.008, f"belly {gap * 1000:.1f} mm from the head of the fibula's patch"
