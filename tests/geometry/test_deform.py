"""Posing deforms the built meshes: same faces, rigid bones, volume-keeping muscles."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.biomech import Pose
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.mesh import volume
from calfexplorer.geometry.source import pose_state


@pytest.fixture(scope="module")
def assets():
    return load_assets()


@pytest.fixture(scope="module")
def deformer(assets):
    return Deformer(assets)


def test_rest_pose_reproduces_the_built_meshes(assets, deformer) -> None:
    out = deformer.deform(pose_state())
    assert set(out) == set(assets.meshes)
    for sid, verts in out.items():
        assert np.allclose(verts, assets.meshes[sid].vertices, atol=1e-5), sid


@pytest.mark.parametrize(
    "pose",
    [Pose.from_degrees(knee=90, ankle=-20), Pose.from_degrees(ankle=25),
     Pose.from_degrees(knee=60, ankle=-35, subtalar=10, toes=20)],
)
def test_muscle_volume_kept_within_5_percent(assets, deformer, pose) -> None:
    out = deformer.deform_sweeps(pose_state(pose))
    for sid, verts in out.items():
        if assets.kinds[sid] != "muscle":
            continue
        mesh = assets.meshes[sid]
        ratio = volume(verts, mesh.faces) / volume(mesh.vertices, mesh.faces)
        assert abs(ratio - 1) < 0.05, (sid, ratio)


def test_bones_move_rigidly_with_the_knee(assets, deformer) -> None:
    out = deformer.deform_rigid(pose_state(Pose.from_degrees(knee=90)))
    rest, posed = assets.meshes["tibia"].vertices, out["tibia"]
    assert not np.allclose(rest, posed, atol=1e-3)
    i, j = 0, len(rest) // 2
    assert np.isclose(np.linalg.norm(rest[i] - rest[j]), np.linalg.norm(posed[i] - posed[j]),
                      atol=1e-5)


def _belly_girth(verts: np.ndarray, ring: int, stations: slice) -> float:
    rings = verts[: (len(verts) - 2)].reshape(-1, ring, 3)[stations]
    return float(np.linalg.norm(rings - rings.mean(axis=1, keepdims=True), axis=2).mean())


def test_soleus_thickens_when_it_shortens(assets, deformer) -> None:
    short = deformer.deform_sweeps(pose_state(Pose.from_degrees(ankle=-35)), ["soleus"])["soleus"]
    long = deformer.deform_sweeps(pose_state(Pose.from_degrees(ankle=25)), ["soleus"])["soleus"]
    mid = slice(15, 30)
    assert _belly_girth(short, 20, mid) > _belly_girth(long, 20, mid) * 1.05


def test_pose_places_bones_and_patches_by_the_same_transforms(assets, deformer) -> None:
    state = pose_state(Pose.from_degrees(knee=70, ankle=-25, subtalar=10))
    posed = deformer.pose(state)
    rigid = deformer.deform_rigid(state)
    assert set(posed.transforms) == set(rigid)
    assert not set(posed.transforms) & set(posed.vertices)
    for sid, verts in rigid.items():
        rest = assets.meshes[sid].vertices.astype(np.float64)
        placed = rest @ posed.transforms[sid][:3, :3].T + posed.transforms[sid][:3, 3]
        assert np.allclose(placed, verts, atol=1e-5), sid


def test_pose_normals_agree_with_normals_from_the_faces(assets, deformer) -> None:
    from calfexplorer.geometry.mesh import vertex_normals

    posed = deformer.pose(pose_state(Pose.from_degrees(knee=60, ankle=20)))
    assert set(posed.vertices) == set(deformer.sweep_ids) == set(posed.normals)
    for sid in ("soleus", "gastrocnemius_medial_head", "tibialis_anterior", "tibial_nerve"):
        exact = vertex_normals(posed.vertices[sid], assets.meshes[sid].faces)
        cos = (exact * posed.normals[sid]).sum(axis=1)
        assert np.allclose(np.linalg.norm(posed.normals[sid], axis=1), 1.0, atol=1e-4)
        assert np.median(cos) > 0.99 and np.mean(cos > 0.9) > 0.9, sid


def test_meshes_with_nothing_to_sweep_say_how_to_rebuild_them(assets) -> None:
    """Bones alone (the built-in meshes missing under a pack) failed with numpy's 'need at
    least one array to concatenate', shown as is in the motion lab's box."""
    from dataclasses import replace

    bones = {sid: m for sid, m in assets.meshes.items() if assets.kinds[sid] == "bone"}
    with pytest.raises(ValueError, match="calfexplorer build-assets"):
        Deformer(replace(assets, meshes=bones))
