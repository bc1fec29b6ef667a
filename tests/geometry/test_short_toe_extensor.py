"""Extensor digitorum brevis of the built-in model: a flat, fleshy belly lying on the dorsum of
the tarsus that ends in three tendons, one to each of toes 2-4, where they join the lateral
sides of extensor digitorum longus' tendons over the proximal phalanges (the mesh was one
blade-like tube ~1 cm above the bones, ending over the second toe)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.mesh_graph import components
from calfexplorer.geometry.params import load_params
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import body_rt, pose_state

from .pieces import TOE_POSES
from .test_foot_sites import PHALANGES

MUSCLE = "extensor_digitorum_brevis"
REACH = 0.0025  # m: a tendon lies on its toe, not beside or above it
BED = ("calcaneus", "talus", "navicular", "cuboid", "cuneiforms", "metatarsals")


@pytest.fixture(scope="module")
def assets():
    return load_assets()


def _proximal_phalanges(assets, vertices: np.ndarray) -> dict[int, np.ndarray]:
    """Points of the proximal phalanx of toes 2, 3 and 4 (``vertices``: the phalanges mesh's
    vertices, posed or not, in the order of its faces)."""
    rot, pos = (np.asarray(x, dtype=np.float64) for x in body_rt(pose_state(), "calcn_r"))
    mesh = assets.meshes["phalanges"]
    rest = (np.asarray(mesh.vertices, dtype=np.float64) - pos) @ rot
    pieces = [np.unique(mesh.faces[p]) for p in components(mesh.vertices, mesh.faces)]
    centres = np.array([rest[p].mean(axis=0) for p in pieces])
    out = {}
    for toe in (2, 3, 4):
        near = np.linalg.norm(centres - PHALANGES[(toe, "proximal")], axis=1)
        out[toe] = np.asarray(vertices, dtype=np.float64)[pieces[int(np.argmin(near))]]
    return out


def _drawn(assets, vertices: np.ndarray) -> np.ndarray:
    return np.asarray(vertices, dtype=np.float64)[np.unique(assets.meshes[MUSCLE].faces)]


def test_three_tendons_reach_the_proximal_phalanges_of_toes_2_to_4(assets) -> None:
    mesh = assets.meshes[MUSCLE]
    drawn = _drawn(assets, mesh.vertices)
    tree = cKDTree(drawn)
    toes = _proximal_phalanges(assets, assets.meshes["phalanges"].vertices)
    gaps = {toe: float(tree.query(pts)[0].min()) for toe, pts in toes.items()}
    assert max(gaps.values()) < REACH, {t: round(g * 1000, 1) for t, g in gaps.items()}
    # three tendons, not one sheet: nothing of the muscle between neighbouring toes' phalanges
    for a, b in ((2, 3), (3, 4)):
        mid = (toes[a].mean(axis=0) + toes[b].mean(axis=0)) / 2
        assert tree.query(mid)[0] > 0.003, (a, b)
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(mesh, bones) == 0.0
    assert len(components(mesh.vertices, mesh.faces)) == 1


def test_the_belly_lies_on_the_dorsum_and_is_fleshy(assets) -> None:
    """The fleshy part rests on the tarsal and metatarsal bones (its nearest point under 6 mm
    from them at every station; was up to 10.8 mm) and is a muscle, not a blade: at its
    fullest at least 2 cm wide and 7 mm thick."""
    spec = next(s for s in load_params().sweeps if s.id == MUSCLE)
    mesh = assets.meshes[MUSCLE]
    n, ring = spec.stations, spec.ring
    rings = np.asarray(mesh.vertices[: n * ring], dtype=np.float64).reshape(n, ring, 3)
    fleshy = np.asarray(mesh.belly[: n * ring]).reshape(n, ring).mean(axis=1) >= 0.5
    tarsus = cKDTree(np.concatenate([assets.meshes[b].vertices for b in BED]))
    gaps = [float(tarsus.query(r)[0].min()) for r in rings[fleshy]]
    assert max(gaps) < 0.006, [round(g * 1000, 1) for g in gaps]
    sizes = []
    for r in rings[fleshy]:
        across, through = ((r - r.mean(axis=0)) @ _axes(r).T).T
        sizes.append((np.ptp(across), np.ptp(through)))
    width, thick = np.max(sizes, axis=0)
    assert width > 0.020 and thick > 0.007, (round(width * 1000, 1), round(thick * 1000, 1))


def _axes(ring_points: np.ndarray) -> np.ndarray:
    """The two main axes of one ring of the tube (across, then through its thickness)."""
    _, _, vt = np.linalg.svd(ring_points - ring_points.mean(axis=0), full_matrices=False)
    return vt[:2]


@pytest.mark.parametrize("pose", TOE_POSES)
def test_the_tendons_stay_on_their_toes_as_the_toes_move(assets, pose) -> None:
    deformer = Deformer(assets)
    state = pose_state(pose)
    muscle = deformer.deform_sweeps(state, [MUSCLE])[MUSCLE]
    toes = _proximal_phalanges(assets, deformer.deform_rigid(state)["phalanges"])
    tree = cKDTree(_drawn(assets, muscle))
    gaps = {toe: float(tree.query(pts)[0].min()) for toe, pts in toes.items()}
    assert max(gaps.values()) < REACH + 0.002, {t: round(g * 1000, 1) for t, g in gaps.items()}
