"""The calcaneal tendon of the built-in model runs down the back of the heel bone to the middle of
its posterior surface (the calcaneal tuberosity), where the triceps surae's insertion patches lie:
one continuous tendon ending on the bone, not in it, at rest and as the ankle moves."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.biomech import Pose
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.mesh_graph import components
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import body_rt, pose_state

TENDON = "calcaneal_tendon"
#: Calcaneus frame at rest (x forward, y up, z lateral): the back of the heel bone runs from its
#: turn into the sole (y about -0.004) up to its upper back corner (y about 0.031, where the
#: model's muscle paths end, above the retrocalcaneal bursa); the middle of that surface.
MIDDLE = (-0.0075, 0.012, -0.0045)
UPPER_CORNER = (0.0044, 0.031, -0.0053)
PATCHES = ("calcaneal_tendon:insertion:posterior_calcaneus_middle",
           "gastrocnemius:insertion:calcaneal_tuberosity",
           "gastrocnemius_medial_head:insertion:calcaneal_tuberosity",
           "gastrocnemius_lateral_head:insertion:calcaneal_tuberosity",
           "soleus:insertion:calcaneal_tuberosity")


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _local(points: object, state: object = None) -> np.ndarray:
    """World points in the calcaneus' frame."""
    rot, pos = body_rt(state if state is not None else pose_state(), "calcn_r")
    return (np.asarray(points, dtype=np.float64) - pos) @ np.asarray(rot)


def _middle(assets) -> np.ndarray:
    """The point of the calcaneus' surface nearest the middle of its posterior surface (local)."""
    bone = _local(assets.meshes["calcaneus"].vertices)
    return bone[int(np.argmin(np.linalg.norm(bone - MIDDLE, axis=1)))]


def _surface(vertices: np.ndarray, faces: np.ndarray) -> cKDTree:
    """Dense points of a mesh's surface (its faces' corners, centres and edge midpoints)."""
    tri = np.asarray(vertices, dtype=np.float64)[np.asarray(faces)]
    pts = [tri.reshape(-1, 3), tri.mean(axis=1)]
    pts += [(tri[:, i] + tri[:, (i + 1) % 3]) / 2 for i in range(3)]
    return cKDTree(np.concatenate(pts))


def test_the_tendon_ends_on_the_middle_of_the_back_of_the_heel_bone(assets) -> None:
    mesh = assets.meshes[TENDON]
    local = _local(mesh.vertices)
    middle = _middle(assets)
    gap = _surface(local, mesh.faces).query(middle)[0]
    assert gap < 0.004, f"tendon {gap * 1000:.1f} mm from the middle of the posterior surface"
    assert local[:, 1].min() < middle[1]  # it reaches down past the middle, not just the top
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0
    assert len(components(mesh.vertices, np.asarray(mesh.faces))) == 1  # one continuous tendon


def test_it_passes_the_upper_back_corner_with_room_for_the_bursa(assets) -> None:
    mesh = assets.meshes[TENDON]
    gap = _surface(_local(mesh.vertices), mesh.faces).query(UPPER_CORNER)[0]
    assert gap > 0.003


@pytest.mark.parametrize("sid", PATCHES)
def test_the_insertion_patches_lie_on_the_middle_under_the_tendon(assets, sid) -> None:
    patch = _local(assets.meshes[sid].vertices)
    centre = patch.mean(axis=0)
    assert np.linalg.norm(centre - _middle(assets)) < 0.004
    tendon = assets.meshes[TENDON]
    under = _surface(_local(tendon.vertices), tendon.faces).query(centre)[0]
    assert under < 0.004, f"{sid}: {under * 1000:.1f} mm from the tendon"


@pytest.mark.parametrize("pose", [Pose.from_degrees(ankle=30), Pose.from_degrees(ankle=-20),
                                  Pose.from_degrees(knee=60, ankle=-30, subtalar=10)])
def test_the_tendon_stays_on_the_tuberosity_as_the_ankle_moves(assets, pose) -> None:
    state = pose_state(pose)
    deformer = Deformer(assets)
    posed = _local(deformer.deform_sweeps(state, [TENDON])[TENDON], state)
    gap = _surface(posed, assets.meshes[TENDON].faces).query(_middle(assets))[0]
    assert gap < 0.005, f"{gap * 1000:.1f} mm"
