"""Attachment patches on the foot's small bones and the fibula lie where the atlas text says:
on the right toe, metatarsal or cuneiform, at its base, on the named side (the model's path end
put abductor digiti minimi's insertion mid-shaft on the little toe, tibialis posterior's slips on
the back faces of the first cuneiform and second metatarsal); on the named part of the fibula
(the model put fibularis longus' head origin on the neck, below the head, and soleus' fibular
origin on the front of the bone)."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.geometry.mesh_graph import components
from calfexplorer.geometry.source import body_rt, pose_state

#: Centres of the phalanges at rest (calcaneus frame: x forward, y up, z lateral), to tell the
#: pieces of the phalanges mesh apart: (toe, phalanx) -> centre.
PHALANGES = {
    (1, "proximal"): (0.204, -0.002, -0.024), (1, "distal"): (0.240, -0.006, -0.016),
    (2, "proximal"): (0.200, -0.004, 0.005), (2, "middle"): (0.231, -0.005, 0.011),
    (3, "proximal"): (0.185, -0.003, 0.019), (3, "middle"): (0.213, -0.005, 0.024),
    (4, "proximal"): (0.171, -0.002, 0.033), (4, "middle"): (0.197, -0.005, 0.038),
    (5, "proximal"): (0.158, -0.002, 0.045), (5, "middle"): (0.184, -0.005, 0.050),
}
UP, LATERAL = np.array([0.0, 1.0, 0.0]), np.array([0.0, 0.0, 1.0])


@pytest.fixture(scope="module")
def assets():
    return load_assets()


@pytest.fixture(scope="module")
def frame() -> tuple[np.ndarray, np.ndarray]:
    rot, pos = body_rt(pose_state(), "calcn_r")
    return np.asarray(rot), np.asarray(pos)


def _local(points: np.ndarray, frame) -> np.ndarray:
    rot, pos = frame
    return (np.asarray(points, dtype=np.float64) - pos) @ rot


def _pieces(assets, bone: str, frame) -> dict[object, np.ndarray]:
    """Vertex ids of each piece of a bone mesh, by name: (toe, phalanx), metatarsal 1-5 or
    cuneiform 1-3 (medial to lateral)."""
    mesh = assets.meshes[bone]
    pieces = [np.unique(mesh.faces[p]) for p in components(mesh.vertices, mesh.faces)]
    centres = np.array([_local(mesh.vertices[p], frame).mean(axis=0) for p in pieces])
    if bone != "phalanges":
        return {n + 1: pieces[i] for n, i in enumerate(np.argsort(centres[:, 2]))}
    return {key: pieces[int(np.argmin(np.linalg.norm(centres - xyz, axis=1)))]
            for key, xyz in PHALANGES.items()}


def _marks(assets, sid: str, bone: str, frame) -> list[tuple[object, float, np.ndarray]]:
    """Per piece of a patch: the bone piece under its centre, where along that piece it lies
    (0 its proximal end, 1 its distal end) and the bone's outward normal there."""
    mesh, patch = assets.meshes[bone], assets.meshes[sid]
    pieces = _pieces(assets, bone, frame)
    owner = {int(v): key for key, ids in pieces.items() for v in ids}
    rot, _ = frame
    out = []
    for part in components(patch.vertices, patch.faces):
        centre = patch.vertices[np.unique(patch.faces[part])].mean(axis=0)
        at = int(np.argmin(np.linalg.norm(mesh.vertices - centre, axis=1)))
        key = owner[at]
        pts = _local(mesh.vertices[pieces[key]], frame)
        _, _, axes = np.linalg.svd(pts - pts.mean(axis=0), full_matrices=False)
        axis = axes[0] * np.sign(axes[0][0])  # forward: towards the toes
        along = pts @ axis
        t = (_local(mesh.vertices[at], frame) @ axis - along.min()) / np.ptp(along)
        out.append((key, float(t), np.asarray(mesh.normals[at], dtype=np.float64) @ rot))
    return out


@pytest.mark.parametrize(("sid", "piece", "side"), [
    ("abductor_digiti_minimi_foot:insertion:proximal_phalanx_little_toe", (5, "proximal"),
     LATERAL),
    ("extensor_hallucis_brevis:insertion:proximal_phalanx_great_toe", (1, "proximal"), UP),
    ("abductor_hallucis:insertion:proximal_phalanx_great_toe", (1, "proximal"), -LATERAL),
])
def test_a_toe_muscle_inserts_on_the_named_side_of_the_base_of_its_phalanx(
        assets, frame, sid: str, piece: tuple[int, str], side: np.ndarray) -> None:
    (key, along, normal), = _marks(assets, sid, "phalanges", frame)
    assert key == piece, sid
    assert along < 1 / 3, (sid, along)  # the base, not the shaft
    assert normal @ side > 0.5, (sid, normal)


@pytest.mark.parametrize(("sid", "side"), [
    ("extensor_digitorum_longus:insertion:middle_phalanges", UP),
    ("flexor_digitorum_brevis:insertion:middle_phalanges", -UP),
])
def test_middle_phalanx_insertions_lie_on_toes_2_to_5_on_their_side(
        assets, frame, sid: str, side: np.ndarray) -> None:
    marks = _marks(assets, sid, "phalanges", frame)
    assert sorted(key for key, _, _ in marks) == [(t, "middle") for t in (2, 3, 4, 5)], sid
    for key, _, normal in marks:
        assert normal @ side > 0.5, (sid, key, normal)


@pytest.mark.parametrize(("sid", "bone", "pieces", "side"), [
    ("tibialis_anterior:insertion:base_of_first_metatarsal", "metatarsals", [1], -LATERAL),
    ("fibularis_tertius:insertion:base_of_fifth_metatarsal", "metatarsals", [5], UP),
    ("tibialis_posterior:insertion:metatarsal_bases_2_4", "metatarsals", [2], -UP),
    ("tibialis_posterior:insertion:cuneiforms_plantar", "cuneiforms", [1, 2, 3], -UP),
])
def test_metatarsal_and_cuneiform_insertions_lie_on_the_named_bones_and_side(
        assets, frame, sid: str, bone: str, pieces: list[int], side: np.ndarray) -> None:
    """On the base of each metatarsal named, not its joint face with the tarsus (where the
    path ends left tibialis anterior's and tibialis posterior's); the cuneiforms' plantar
    faces, not the first cuneiform's back."""
    marks = _marks(assets, sid, bone, frame)
    assert sorted(key for key, _, _ in marks) == pieces, sid
    for key, along, normal in marks:
        assert normal @ side > 0.5, (sid, key, normal)
        if bone == "metatarsals":
            assert along < 1 / 3, (sid, key, along)


@pytest.mark.parametrize(("sid", "bone", "side"), [
    ("tibialis_posterior:insertion:cuboid_plantar", "cuboid", -UP),
    ("tibialis_posterior:insertion:navicular_tuberosity", "navicular", -LATERAL),
    ("tibialis_posterior:insertion:sustentaculum_tali", "calcaneus", -LATERAL),
])
def test_tibialis_posterior_slips_face_the_named_side_of_the_tarsals(
        assets, frame, sid: str, bone: str, side: np.ndarray) -> None:
    """The plantar face of the cuboid (not its medial joint face), the navicular's tuberosity
    on its medial side (not its back, facing the talus), the medial shelf of the sustentaculum
    (not the front of the calcaneus)."""
    (_, _, normal), = _marks(assets, sid, bone, frame)
    assert normal @ side > 0.7, (sid, normal)


@pytest.mark.parametrize(("sid", "lo", "hi"), [
    ("fibularis_tertius:origin:medial_surface_of_fibula", 2 / 3, 0.95),  # lower third
    ("flexor_hallucis_longus:origin:fibula_posterior_lower_two_thirds", 0.5, 0.8),
    ("extensor_hallucis_longus:origin:medial_surface_of_fibula", 0.4, 0.6),  # middle half
])
def test_fibular_origins_are_centred_on_the_named_part_of_the_shaft(
        assets, sid: str, lo: float, hi: float) -> None:
    height, centre, _, _ = _on_fibula(assets, sid)
    down = (height[:, 1].max() - centre[1]) / np.ptp(height[:, 1])  # 0 at the head
    assert lo < down < hi, (sid, down)


def _on_fibula(assets, sid: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The fibula's vertices, a patch's centre and outer face, and the mean outward normal of
    the bone under it (tibia frame: x forward, y up, z lateral)."""
    rot, pos = (np.asarray(x, np.float64) for x in body_rt(pose_state(), "tibia_r"))
    fibula = assets.meshes["fibula"]
    bone = (np.asarray(fibula.vertices, np.float64) - pos) @ rot
    patch = assets.meshes[sid].vertices
    top = (np.asarray(patch[: len(patch) // 2], np.float64) - pos) @ rot  # its outer face
    under = np.unique([np.argmin(np.linalg.norm(bone - p, axis=1)) for p in top])
    normal = (np.asarray(fibula.normals, np.float64)[under] @ rot).mean(axis=0)
    return bone, top.mean(axis=0), top, normal / np.linalg.norm(normal)


@pytest.mark.parametrize(("sid", "side"), [
    ("fibularis_longus:origin:head_of_fibula", LATERAL),
    ("biceps_femoris:insertion:fibular_head", UP),
])
def test_fibular_head_sites_lie_on_the_head_on_their_side(
        assets, sid: str, side: np.ndarray) -> None:
    """Centred within the head, the top 25 mm of the fibula (not on the neck below, where the
    common fibular nerve winds round the bone), on the named face."""
    bone, centre, _, normal = _on_fibula(assets, sid)
    assert 0 < bone[:, 1].max() - centre[1] < 0.025, (sid, centre)
    assert normal @ side > 0.5, (sid, normal)


def test_soleus_arises_from_the_back_of_the_fibular_head_and_upper_shaft(assets) -> None:
    """From the head down the upper shaft, on its back (the model's point put the patch on
    the front of the fibula, away from the muscle)."""
    bone, _, patch, normal = _on_fibula(assets, "soleus:origin:fibula_head_and_upper_shaft")
    depth = bone[:, 1].max() - patch[:, 1]
    assert depth.min() < 0.015 and 0.05 < depth.max() < np.ptp(bone[:, 1]) / 3, depth
    assert normal @ np.array([-1.0, 0.0, 0.0]) > 0.7, normal
