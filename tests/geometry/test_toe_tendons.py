"""The long toe muscles' tendons divide into four, one to each of toes 2-5, in the built-in
model: extensor digitorum longus over the dorsum of the foot, flexor digitorum longus across
the sole. Each slip reaches its toe's phalanges, stays on them as the ankle and toes move, and
the insertion patches lie on all four toes."""

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

MUSCLES = ("extensor_digitorum_longus", "flexor_digitorum_longus")
#: Bases of the distal phalanges of toes 2-5 (calcaneus frame at rest: x forward, y up,
#: z lateral), to tell the toes' bones apart.
DISTAL = {2: (0.244, -0.005, 0.0133), 3: (0.223, -0.005, 0.026), 4: (0.207, -0.005, 0.0395),
          5: (0.192, -0.005, 0.051)}
REACH = 0.004  # m: a slip ends on its toe, not beside it
INSERTIONS = ("extensor_digitorum_longus:insertion:middle_phalanges",
              "extensor_digitorum_longus:insertion:distal_phalanges",
              "flexor_digitorum_longus:insertion:distal_phalanges_2_5")


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _world(points: object) -> np.ndarray:
    """Points given in the calcaneus' frame at rest, in the world."""
    rot, pos = body_rt(pose_state(), "calcn_r")
    return np.asarray(points, dtype=np.float64) @ np.asarray(rot).T + pos


def _pieces(vertices: np.ndarray, faces: np.ndarray) -> list[np.ndarray]:
    """Vertex ids of each connected piece of a mesh."""
    return [np.unique(faces[piece]) for piece in components(vertices, faces)]


@pytest.fixture(scope="module")
def distal_phalanges(assets) -> dict[int, np.ndarray]:
    """Vertex ids of the phalanges mesh: the distal phalanx of each of toes 2-5."""
    mesh = assets.meshes["phalanges"]
    pieces = _pieces(mesh.vertices, np.asarray(mesh.faces))
    centres = np.array([mesh.vertices[p].mean(axis=0) for p in pieces])
    out = {}
    for toe, xyz in DISTAL.items():
        out[toe] = pieces[int(np.argmin(np.linalg.norm(centres - _world(xyz), axis=1)))]
    assert len({tuple(v[:3]) for v in out.values()}) == 4
    return out


def _gaps(vertices: np.ndarray, faces: np.ndarray, bone: np.ndarray,
          toes: dict[int, np.ndarray]) -> dict[int, float]:
    """Per toe: how far (m) the drawn surface comes to its distal phalanx."""
    tree = cKDTree(np.asarray(vertices, dtype=np.float64)[np.unique(faces)])
    return {toe: float(tree.query(np.asarray(bone, dtype=np.float64)[ids])[0].min())
            for toe, ids in toes.items()}


@pytest.mark.parametrize("sid", MUSCLES)
def test_each_long_toe_muscle_reaches_each_of_toes_2_to_5(assets, distal_phalanges,
                                                         sid) -> None:
    mesh = assets.meshes[sid]
    gaps = _gaps(mesh.vertices, np.asarray(mesh.faces), assets.meshes["phalanges"].vertices,
                 distal_phalanges)
    assert max(gaps.values()) < REACH, gaps
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0


@pytest.mark.parametrize("pose", [Pose.from_degrees(ankle=25, toes=30),
                                  Pose.from_degrees(ankle=-30, toes=-30),
                                  Pose.from_degrees(knee=60, ankle=-35, subtalar=10, toes=20)])
def test_the_slips_stay_on_their_toes_as_the_ankle_and_toes_move(
        assets, distal_phalanges, pose) -> None:
    deformer = Deformer(assets)
    state = pose_state(pose)
    posed = deformer.deform_sweeps(state, list(MUSCLES))
    bone = deformer.deform_rigid(state)["phalanges"]
    for sid in MUSCLES:
        gaps = _gaps(posed[sid], np.asarray(assets.meshes[sid].faces), bone, distal_phalanges)
        assert max(gaps.values()) < REACH + 0.002, (sid, gaps)


def _across(points: np.ndarray) -> np.ndarray:
    """Where points lie across the toes (m; the toes run about 12 degrees lateral of forward
    in the calcaneus frame)."""
    rot, pos = body_rt(pose_state(), "calcn_r")
    local = (np.asarray(points, dtype=np.float64) - pos) @ np.asarray(rot)
    return -0.21 * local[..., 0] + 0.98 * local[..., 2]


@pytest.mark.parametrize("sid", INSERTIONS)
def test_the_insertion_patches_lie_on_toes_2_to_5(assets, distal_phalanges, sid) -> None:
    patch = assets.meshes[sid]
    pieces = _pieces(patch.vertices, np.asarray(patch.faces))
    phalanges = assets.meshes["phalanges"].vertices
    rays = {toe: _across(phalanges[ids].mean(axis=0)) for toe, ids in distal_phalanges.items()}
    # the toe each piece lies on: the one in whose line it lies (middle or distal phalanx)
    toes = [min(rays, key=lambda t: abs(rays[t] - _across(patch.vertices[p].mean(axis=0))))
            for p in pieces]
    assert sorted(toes) == [2, 3, 4, 5]
    bone = cKDTree(phalanges)
    assert bone.query(patch.vertices)[0].max() < 0.002  # on the bone
