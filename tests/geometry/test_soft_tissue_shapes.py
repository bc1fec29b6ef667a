"""The structures issue #15 added to the built-in model: cutaneous and plantar nerves, ankle
ligaments, retinacula, the interosseous membrane and septa, the foot's own muscles and the thigh
adductors. Each has a mesh in the layer its switch uses, lies on the bones it joins (not in
them), and moves with the leg."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.spatial import cKDTree

from calfexplorer.assets import load_assets
from calfexplorer.atlas import load_atlas
from calfexplorer.biomech import Pose
from calfexplorer.geometry.collide import BoneField
from calfexplorer.geometry.deform import Deformer
from calfexplorer.geometry.params import load_params
from calfexplorer.geometry.quality import inside_bone_share
from calfexplorer.geometry.source import body_rt, pose_state

#: Each new structure -> the bones it must touch (within TOUCH of each).
ON_BONES: dict[str, tuple[str, ...]] = {
    "anterior_talofibular_ligament": ("fibula", "talus"),
    "posterior_talofibular_ligament": ("fibula", "talus"),
    "calcaneofibular_ligament": ("fibula", "calcaneus"),
    "deltoid_ligament": ("tibia", "talus", "calcaneus"),
    "distal_tibiofibular_syndesmosis": ("tibia", "fibula"),
    "flexor_retinaculum": ("tibia", "calcaneus"),
    "superior_extensor_retinaculum": ("tibia", "fibula"),
    "inferior_extensor_retinaculum": ("calcaneus", "tibia"),
    "superior_fibular_retinaculum": ("fibula", "calcaneus"),
    "inferior_fibular_retinaculum": ("calcaneus",),
    "interosseous_membrane": ("tibia", "fibula"),
    "anterior_intermuscular_septum": ("fibula",),
    "posterior_intermuscular_septum": ("fibula",),
    "deep_transverse_fascia": (),
    "abductor_hallucis": ("calcaneus", "phalanges"),
    "flexor_digitorum_brevis": ("calcaneus",),
    "abductor_digiti_minimi_foot": ("calcaneus", "phalanges"),
    "quadratus_plantae": ("calcaneus",),
    "extensor_digitorum_brevis": ("calcaneus",),  # ends on the long extensor's tendons
    "extensor_hallucis_brevis": ("calcaneus", "phalanges"),
    "adductor_longus": ("hip_bone", "femur"),
    "adductor_brevis": ("hip_bone", "femur"),
    "adductor_magnus": ("hip_bone", "femur"),
    "plantar_aponeurosis": ("calcaneus", "phalanges"),
    "plantar_calcaneonavicular_ligament": ("calcaneus", "navicular"),
}
NERVES = (
    "saphenous_nerve", "medial_sural_cutaneous_nerve", "lateral_sural_cutaneous_nerve",
    "fibular_communicating_branch", "medial_plantar_nerve", "lateral_plantar_nerve",
    "medial_calcaneal_branches",
)
TOUCH = 0.006  # m: a muscle's rounded tip stands a little off its origin
#: Bands lie on bone; retinacula stand off it over the tendons they hold down.
BAND_TOUCH = {"ligament": 0.0035, "retinaculum": 0.006, "fascia": 0.005}


@pytest.fixture(scope="module")
def assets():
    return load_assets()


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()[0]


@pytest.fixture(scope="module")
def bone_trees(assets) -> dict[str, cKDTree]:
    return {i: cKDTree(m.vertices.astype(np.float64)) for i, m in assets.meshes.items()
            if assets.kinds.get(i) == "bone"}


@pytest.mark.parametrize("sid", [*ON_BONES, *NERVES, "crural_fascia"])
def test_each_new_structure_has_a_mesh_in_its_atlas_layer(assets, atlas, sid) -> None:
    assert sid in assets.meshes, f"{sid} has no mesh"
    assert assets.kinds[sid] == atlas.structures[sid].kind
    assert assets.layers[sid] == atlas.layer_of(sid)
    assert sid not in load_params().no_geometry


@pytest.mark.parametrize("sid", list(ON_BONES))
def test_lies_on_its_named_bones(assets, bone_trees, sid) -> None:
    verts = assets.meshes[sid].vertices.astype(np.float64)
    limit = BAND_TOUCH.get(assets.kinds[sid], TOUCH)
    for bone in ON_BONES[sid]:
        gap = float(bone_trees[bone].query(verts)[0].min())
        assert gap < limit, f"{sid} is {gap * 1000:.1f} mm from the {bone}"


@pytest.mark.parametrize("sid", list(ON_BONES))
def test_lies_on_the_bones_not_through_them(assets, sid) -> None:
    bones = BoneField({i: m for i, m in assets.meshes.items() if assets.kinds.get(i) == "bone"})
    assert inside_bone_share(assets.meshes[sid], bones) <= 0.02


def _in_frame(points: np.ndarray, body: str) -> np.ndarray:
    """Points in a model body's frame at rest (the calcaneus': x forward, y up, z lateral)."""
    rot, pos = body_rt(pose_state(), body)
    return (np.asarray(points, dtype=np.float64) - pos) @ np.asarray(rot)


def test_anterior_tibial_artery_passes_forwards_above_the_interosseous_membrane(assets) -> None:
    membrane = _in_frame(assets.meshes["interosseous_membrane"].vertices, "tibia_r")
    artery = _in_frame(assets.meshes["anterior_tibial_artery"].vertices, "tibia_r")
    # the membrane's upper part as a strip in the horizontal plane: across it (u) and its
    # normal (n); where the artery goes through that strip from back to front, it is above
    top = membrane[membrane[:, 1] > membrane[:, 1].max() - 0.01][:, [0, 2]]
    centre = top.mean(axis=0)
    u, n = np.linalg.svd(top - centre)[2]
    across = (artery[:, [0, 2]] - centre) @ u
    through = np.abs((artery[:, [0, 2]] - centre) @ n) < 0.0015
    within = (across > ((top - centre) @ u).min()) & (across < ((top - centre) @ u).max())
    crossing = artery[through & within]
    assert len(crossing)
    assert crossing[:, 1].min() > membrane[:, 1].max()


def test_flexor_retinaculum_roofs_the_tarsal_tunnel(assets) -> None:
    """Seen from the medial side, where the tibial nerve and posterior tibial artery lie under
    the retinaculum they are deep to it (lateral of it)."""
    band = _in_frame(assets.meshes["flexor_retinaculum"].vertices, "tibia_r")
    tree = cKDTree(band[:, :2])  # x anterior, y superior: the medial view
    for sid in ("tibial_nerve", "posterior_tibial_artery"):
        content = _in_frame(assets.meshes[sid].vertices, "tibia_r")
        dist, j = tree.query(content[:, :2])
        under = dist < 0.002
        assert under.sum() >= 5, sid
        deeper = content[under, 2] > band[j[under], 2]  # +z is lateral
        assert deeper.mean() >= 0.9, (sid, deeper.mean())


def test_crural_fascia_encloses_the_leg_muscles_and_stops_at_the_ankle(assets) -> None:
    from calfexplorer.geometry.implicit import winding_number

    sleeve = assets.meshes["crural_fascia"]
    for sid in ("soleus", "tibialis_anterior", "fibularis_longus", "flexor_hallucis_longus"):
        centre = assets.meshes[sid].vertices.astype(np.float64).mean(axis=0, keepdims=True)
        assert winding_number(centre, sleeve.vertices, sleeve.faces)[0] > 0.5, sid
    foot = assets.meshes["abductor_hallucis"].vertices.astype(np.float64).mean(axis=0)
    assert winding_number(foot[None], sleeve.vertices, sleeve.faces)[0] < 0.5


def test_sural_nerve_starts_where_its_two_roots_meet(assets) -> None:
    ends = {}
    for sid in ("medial_sural_cutaneous_nerve", "fibular_communicating_branch", "sural_nerve"):
        ends[sid] = assets.meshes[sid].vertices[-2:].astype(np.float64)  # cap centres
    junction = ends["sural_nerve"][0]
    for sid in ("medial_sural_cutaneous_nerve", "fibular_communicating_branch"):
        assert np.linalg.norm(ends[sid][1] - junction) < 0.01, sid


@pytest.fixture(scope="module")
def posed(assets):
    deformer = Deformer(assets)
    pose = pose_state(Pose.from_degrees(knee=70, ankle=-25, subtalar=10))
    return deformer.deform(pose)


@pytest.mark.parametrize("sid", NERVES)
def test_nerves_move_with_the_leg(assets, posed, sid) -> None:
    rest = assets.meshes[sid].vertices.astype(np.float64)
    moved = posed[sid].astype(np.float64)
    assert np.linalg.norm(moved - rest, axis=1).max() > 0.01, "did not move"
    bone_ids = [i for i in assets.meshes if assets.kinds.get(i) == "bone"]
    rest_bones = cKDTree(np.concatenate([assets.meshes[i].vertices for i in bone_ids]))
    posed_bones = cKDTree(np.concatenate([posed[i] for i in bone_ids]))
    # the nerve keeps its distance from the skeleton: it travels with the bones
    before = rest_bones.query(rest)[0]
    after = posed_bones.query(moved)[0]
    assert np.median(np.abs(after - before)) < 0.004


@pytest.mark.parametrize("sid", ["anterior_talofibular_ligament", "flexor_retinaculum",
                                 "calcaneofibular_ligament"])
def test_bands_across_the_ankle_stay_on_their_bones_when_the_foot_moves(
    assets, posed, sid
) -> None:
    verts = posed[sid].astype(np.float64)
    for bone in ON_BONES[sid]:
        gap = float(cKDTree(posed[bone].astype(np.float64)).query(verts)[0].min())
        assert gap < BAND_TOUCH[assets.kinds[sid]], (bone, gap)


def test_plantar_aponeurosis_lies_under_flexor_digitorum_brevis(assets) -> None:
    sheet = _in_frame(assets.meshes["plantar_aponeurosis"].vertices, "calcn_r")
    muscle = _in_frame(assets.meshes["flexor_digitorum_brevis"].vertices, "calcn_r")
    # where the sheet is under the muscle's belly (seen from below), it lies below the
    # muscle's lowest surface there, not across or above it (further on, its slips split round
    # the flexor tendons)
    sheet = sheet[sheet[:, 0] < 0.14]
    tree = cKDTree(muscle[:, [0, 2]])
    lowest = [muscle[idx, 1].min() if idx else np.nan
              for idx in tree.query_ball_point(sheet[:, [0, 2]], 0.003)]
    lowest = np.asarray(lowest)
    under = ~np.isnan(lowest)
    assert under.sum() > 100
    assert (sheet[under, 1] < lowest[under] + 0.001).mean() > 0.95
    bones = BoneField({"fdb": assets.meshes["flexor_digitorum_brevis"]})
    assert inside_bone_share(assets.meshes["plantar_aponeurosis"], bones) <= 0.02


def test_plantar_aponeurosis_splits_into_five_slips_towards_the_toes(assets) -> None:
    mesh = assets.meshes["plantar_aponeurosis"]
    local = _in_frame(mesh.vertices, "calcn_r")
    assert np.ptp(local[local[:, 0] < 0.03, 2]) < 0.025  # narrow at the heel ...
    faces = np.asarray(mesh.faces)
    # ... wide under the heads of the metatarsals, where the faces drawn fall into five strips
    # side by side (from the big toe to the little toe), with a gap between each two
    forward = local[faces, 0]
    distal = faces[((forward > 0.135) & (forward < 0.15)).all(axis=1)]
    across = np.sort(local[np.unique(distal), 2])
    assert across[-1] - across[0] > 0.07
    assert (np.diff(across) > 0.0015).sum() == 4


def test_spring_ligament_cradles_the_head_of_the_talus_above_tibialis_posterior(assets) -> None:
    band = _in_frame(assets.meshes["plantar_calcaneonavicular_ligament"].vertices, "calcn_r")
    talus = _in_frame(assets.meshes["talus"].vertices, "calcn_r")
    gap, near = cKDTree(talus[:, [0, 2]]).query(band[:, [0, 2]])
    covered = gap < 0.002
    assert covered.mean() > 0.3
    assert (band[covered, 1] < talus[near[covered], 1] + 0.001).mean() > 0.9  # under the head
    tendon = _in_frame(assets.meshes["tibialis_posterior"].vertices, "calcn_r")
    beside = ((tendon[:, 0] > band[:, 0].min()) & (tendon[:, 0] < band[:, 0].max())
              & (tendon[:, 1] < band[:, 1].max()))  # its tendon in the foot, not the belly
    # the tendon runs medial to (and below) it, towards the navicular tuberosity
    assert tendon[beside, 2].mean() < band[:, 2].mean()
