"""The pack's soft tissue posed by the model: rest identity, lengths against the model's,
volume, bone and attachment checks for the calf muscles in every preset and joint sweep."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.anatomy.posing_checks import Bones, edge_ratio, extent, flipped_share, signed_volume

from calfexplorer.anatomy.pack import build_from
from calfexplorer.anatomy.soft_tissue import load_poser, pose_pack
from calfexplorer.assets import load_assets
from calfexplorer.biomech.pose import Pose
from calfexplorer.geometry.source import pose_state
from calfexplorer.motion.presets import PRESETS

#: Calf muscles the posing targets hold for (the thigh and the popliteus: see the report).
CALF = ("gastrocnemius_medial_head", "gastrocnemius_lateral_head", "soleus",
        "tibialis_posterior", "flexor_digitorum_longus", "flexor_hallucis_longus",
        "fibularis_longus", "extensor_digitorum_longus", "calcaneal_tendon")
POSES = {p.id: p.pose for p in PRESETS if p.id != "anatomical"} | {
    "knee 60": Pose.from_degrees(knee=60), "knee 90": Pose.from_degrees(knee=90),
    "knee 120": Pose.from_degrees(knee=120), "ankle -30": Pose.from_degrees(ankle=-30),
    "ankle +20": Pose.from_degrees(ankle=20)}


@pytest.fixture(scope="module")
def posed(source_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A pack built from the shared subset, bound once, and every pose of POSES posed."""
    pack = tmp_path_factory.mktemp("posing") / "bodyparts3d"
    build_from(source_dir, pack)
    assets = load_assets(pack)
    rest = pose_state(None)
    poser = load_poser(pack, assets, rest)
    states = {name: pose_state(p) for name, p in POSES.items()}
    return {"assets": assets, "rest": rest, "poser": poser, "states": states,
            "verts": {n: pose_pack(poser, s) for n, s in states.items()}}


def _rest(posed: dict[str, Any], sid: str) -> np.ndarray:
    return posed["assets"].meshes[sid].vertices.astype(np.float64)


def test_rest_pose_gives_the_pack_vertices(posed: dict[str, Any]) -> None:
    verts = pose_pack(posed["poser"], posed["rest"])
    # bones and attachment patches move rigidly with their bodies, not through the binding
    assert set(verts) == {s for s, k in posed["assets"].kinds.items() if k not in ("bone", "site")}
    for sid, v in verts.items():
        assert np.abs(v - _rest(posed, sid)).max() < 1e-4, sid
    rough = pose_pack(posed["poser"], posed["rest"], coarse=True)
    faces = posed["poser"].binding.coarse.faces
    for sid, v in rough.items():
        assert len(v) <= len(verts[sid]) and faces[sid].max() < len(v), sid


def _extent(posed: dict[str, Any], sid: str, v: np.ndarray) -> float:
    rest = _rest(posed, sid)
    return extent(rest, v, rest[:, 2])  # the calf muscles run along z at rest


@pytest.mark.parametrize("head,actuator", [("gastrocnemius_medial_head", "gasmed_r"),
                                           ("gastrocnemius_lateral_head", "gaslat_r")])
def test_gastrocnemius_lengthens_with_knee_extension(posed: dict[str, Any], head: str,
                                                     actuator: str) -> None:
    rest_len = _extent(posed, head, _rest(posed, head))
    bent = _extent(posed, head, posed["verts"]["knee 90"][head].astype(np.float64))
    model = posed["states"]["knee 90"].length(actuator) / posed["rest"].length(actuator) - 1
    mesh = bent / rest_len - 1
    assert model < -0.05 and mesh < 0  # shorter when bent: longer when the knee extends
    assert 0.5 < mesh / model < 2.0, (mesh, model)


def test_soleus_does_not_change_with_the_knee(posed: dict[str, Any]) -> None:
    for name in ("knee 60", "knee 90", "knee 120"):
        v = posed["verts"][name]["soleus"].astype(np.float64)
        ratio = _extent(posed, "soleus", v) / _extent(posed, "soleus", _rest(posed, "soleus"))
        assert abs(ratio - 1) < 0.03, name
        # and it moves with the tibia: the same place relative to it as at rest
        tf = posed["states"][name].bodies["tibia_r"] @ np.linalg.inv(
            posed["rest"].bodies["tibia_r"])
        expect = _rest(posed, "soleus") @ tf[:3, :3].T + tf[:3, 3]
        assert np.percentile(np.linalg.norm(v - expect, axis=1), 95) < 0.002, name


@pytest.fixture(scope="module")
def bones(posed: dict[str, Any]) -> Bones:
    return Bones.of(posed["assets"], posed["rest"])


@pytest.mark.parametrize("pose", list(POSES))
def test_calf_muscles_keep_volume_and_shape(posed: dict[str, Any], pose: str) -> None:
    faces = posed["assets"].meshes
    for sid in CALF:
        rest, v = _rest(posed, sid), posed["verts"][pose][sid].astype(np.float64)
        f = faces[sid].faces
        assert abs(signed_volume(v, f) / signed_volume(rest, f) - 1) < 0.05, sid
        ratio = edge_ratio(f, rest, v)
        assert np.percentile(ratio, 0.5) > 0.3 and np.percentile(ratio, 99.5) < 2.0, sid
        assert flipped_share(f, rest, v) < 0.01, sid
