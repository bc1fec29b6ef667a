"""Key teaching facts of the thigh/hip muscles, nerves and vessels in the shipped knowledge base."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import load_atlas


@pytest.fixture(scope="module")
def atlas():
    atlas, problems = load_atlas()
    assert problems == []
    return atlas


def _actions(atlas, muscle_id: str) -> set[tuple[str, str]]:
    return {(a.joint, a.movement) for a in atlas[muscle_id].actions}


def test_short_head_of_biceps_crosses_only_the_knee(atlas) -> None:
    assert {joint for joint, _ in _actions(atlas, "biceps_femoris_short_head")} == {"knee"}
    assert atlas["biceps_femoris_short_head"].parent == "biceps_femoris"
    assert "common fibular part" in atlas["biceps_femoris_short_head"].innervation.note.lower()


def test_knee_rotators(atlas) -> None:
    for muscle in ("semitendinosus", "semimembranosus", "gracilis", "sartorius"):
        assert ("knee", "medial_rotation") in _actions(atlas, muscle)
    assert ("knee", "lateral_rotation") in _actions(atlas, "biceps_femoris")


def test_gluteus_maximus_acts_at_the_hip_and_reaches_the_tibia_via_the_iliotibial_tract(atlas):
    glmax = atlas["gluteus_maximus"]
    assert {joint for joint, _ in _actions(atlas, "gluteus_maximus")} == {"hip"}
    assert {a.bone for a in glmax.origins} == {"hip_bone", "sacrum", "coccyx"}
    assert {a.bone for a in glmax.insertions} == {"femur", "tibia"}
    assert glmax.innervation.nerves == ["inferior_gluteal_nerve"]


def test_nerve_tree(atlas) -> None:
    branch = {n.id: n.branch_of for n in atlas.nerves()}
    assert branch["tibial_nerve"] == branch["common_fibular_nerve"] == "sciatic_nerve"
    assert (
        branch["deep_fibular_nerve"]
        == branch["superficial_fibular_nerve"]
        == ("common_fibular_nerve")
    )
    assert atlas["femoral_nerve"].roots == ["L2", "L3", "L4"]
    assert atlas["sural_nerve"].disputed, "the variable formation of the sural nerve is recorded"


def test_vessel_tree_and_calf_pump(atlas) -> None:
    assert atlas["fibular_artery"].branch_of == "posterior_tibial_artery"
    assert atlas["dorsalis_pedis_artery"].branch_of == "anterior_tibial_artery"
    titles = " ".join(note.title for note in atlas["soleal_veins"].notes).lower()
    assert "peripheral heart" in titles and "thrombosis" in titles
    assert {v.id for v in atlas.veins()} >= {"soleal_veins", "popliteal_vein", "femoral_vein"}
