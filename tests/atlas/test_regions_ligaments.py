"""Regions, retinacula, fasciae, ligaments, foot muscles and the new nerves (issue #15).

Each check breaks one thing in a copy of the real data folder and expects the problem named by
file, entry and field, as ``calfexplorer validate`` prints it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import Fascia, Ligament, Region, Retinaculum
from calfexplorer.cli import main

from .data_folder import DataFolder


@pytest.fixture
def real(tmp_path: Path) -> DataFolder:
    """A copy of the app's data folder."""
    return DataFolder.copy_of_app_data(tmp_path / "data")


def _edit(folder: DataFolder, rel: str, old: str, new: str) -> None:
    path = folder.path / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur once in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _problems(folder: DataFolder, rel: str) -> list[str]:
    """The problems in one file, without their line numbers."""
    out = []
    for message in folder.messages():
        if message.startswith(rel + ","):
            out.append(re.sub(r"^([^,]+), line \d+:", r"\1:", message))
    return out


# --- the real atlas ---------------------------------------------------------------------------


def test_no_muscle_part_is_both_synergist_and_antagonist_for_the_same_movement(
    atlas: Atlas,
) -> None:
    for m in atlas.muscles():
        helpers = {(r.id, r.part, r.joint, r.movement) for r in atlas.synergists(m.id)}
        opposers = {(r.id, r.part, r.joint, r.movement) for r in atlas.antagonists(m.id)}
        assert not helpers & opposers, m.id


def test_gluteus_maximus_helps_gracilis_adduct_with_its_lower_fibres_only(atlas: Atlas) -> None:
    def parts(relations: list) -> set:  # type: ignore[type-arg]
        return {
            r.part for r in relations if r.id == "gluteus_maximus" and r.movement == "adduction"
        }

    assert parts(atlas.synergists("gracilis")) == {"lower fibres"}
    assert parts(atlas.antagonists("gracilis")) == {"upper fibres"}


def test_hip_adduction_synergists_are_the_adductors_not_gracilis_alone(atlas: Atlas) -> None:
    helpers = {r.id for r in atlas.synergists("gracilis") if r.movement == "adduction"}
    assert {"adductor_longus", "adductor_brevis", "adductor_magnus"} <= helpers


def test_adductor_magnus_has_both_nerves_and_its_parts_act_apart(atlas: Atlas) -> None:
    m = atlas.get("adductor_magnus")
    assert set(m.innervation.nerves) == {"obturator_nerve", "sciatic_nerve"}
    parts = {(a.movement, a.part) for a in m.actions}
    assert ("extension", "hamstring part") in parts and ("flexion", "adductor part") in parts


def test_the_compartments_list_their_muscles_nerve_and_artery(atlas: Atlas) -> None:
    anterior = atlas.get("anterior_compartment_leg")
    assert isinstance(anterior, Region)
    assert anterior.nerves == ["deep_fibular_nerve"]
    assert anterior.arteries == ["anterior_tibial_artery"]
    assert "tibialis_anterior" in anterior.members
    assert atlas.regions_containing("soleus") == ["superficial_posterior_compartment_leg"]
    assert len([r for r in atlas.regions() if r.compartment]) == 4


def test_tarsal_tunnel_contents_run_front_to_back(atlas: Atlas) -> None:
    tunnel = atlas.get("tarsal_tunnel")
    assert tunnel.contents.order == "front_to_back"
    ids = tunnel.contents.ids
    assert ids[0] == "tibialis_posterior" and ids[-1] == "flexor_hallucis_longus"
    assert ids.index("posterior_tibial_artery") < ids.index("tibial_nerve")
    assert atlas.retinacula_over("tibial_nerve") == ["flexor_retinaculum"]


def test_only_ligaments_reaching_below_the_talus_resist_subtalar_movement(atlas: Atlas) -> None:
    # The talofibular ligaments cross the ankle joint only: they hold the talus in the mortise
    # (a forward drawer, a tilt), not the subtalar joint; the calcaneofibular ligament crosses both.
    below_talus = {"calcaneus", "navicular"}
    for s in atlas.structures.values():
        if isinstance(s, Ligament) and any(r.joint == "subtalar" for r in s.resists):
            assert below_talus & {a.bone for a in s.attachments}, s.id
    resisted = {
        ligament: [(r.joint, r.movement) for r in atlas.structures[ligament].resists]
        for ligament in ("anterior_talofibular_ligament", "posterior_talofibular_ligament")
    }
    assert ("subtalar", "inversion") not in resisted["anterior_talofibular_ligament"]
    assert ("ankle", "dorsiflexion") in resisted["posterior_talofibular_ligament"]
    assert ("subtalar", "inversion") in [
        (r.joint, r.movement) for r in atlas.structures["calcaneofibular_ligament"].resists
    ]


def test_popliteal_fossa_contents_run_superficial_to_deep(atlas: Atlas) -> None:
    fossa = atlas.get("popliteal_fossa")
    assert fossa.contents.ids == ["tibial_nerve", "popliteal_vein", "popliteal_artery"]


def test_quadratus_plantae_inserts_on_the_tendon_of_flexor_digitorum_longus(atlas: Atlas) -> None:
    qp = atlas.get("quadratus_plantae")
    assert qp.insertions == [] and [t.structure for t in qp.tendon_insertions] == [
        "flexor_digitorum_longus"
    ]
    assert atlas.inserting_onto("flexor_digitorum_longus") == ["quadratus_plantae"]
    assert {s.muscle for s in atlas.attachments_on_bone("calcaneus").origins} >= {
        "quadratus_plantae",
        "abductor_hallucis",
        "flexor_digitorum_brevis",
    }


def test_new_nerves_branch_from_the_right_nerves(atlas: Atlas) -> None:
    expected = {
        "saphenous_nerve": "femoral_nerve",
        "medial_sural_cutaneous_nerve": "tibial_nerve",
        "lateral_sural_cutaneous_nerve": "common_fibular_nerve",
        "fibular_communicating_branch": "common_fibular_nerve",
        "medial_plantar_nerve": "tibial_nerve",
        "lateral_plantar_nerve": "tibial_nerve",
        "medial_calcaneal_branches": "tibial_nerve",
        "sural_nerve": "tibial_nerve",
    }
    assert {n: atlas.get(n).branch_of for n in expected} == expected
    assert atlas.get("saphenous_nerve").skin_territory.refs
    assert atlas.muscles_supplied_by("lateral_plantar_nerve") == [
        "abductor_digiti_minimi_foot",
        "quadratus_plantae",
    ]


def test_layers_of_the_new_kinds(atlas: Atlas) -> None:
    assert atlas.layer_of("tarsal_tunnel") == "regions"
    assert atlas.layer_of("flexor_retinaculum") == "regions"
    assert atlas.layer_of("interosseous_membrane") == "regions"
    assert atlas.layer_of("deltoid_ligament") == "bones"


def test_every_new_structure_cites_at_least_two_sources(atlas: Atlas) -> None:
    for s in atlas:
        if isinstance(s, (Region, Retinaculum, Fascia, Ligament)):
            assert len(s.refs) >= 2, s.id


# --- export -----------------------------------------------------------------------------------


def test_facts_json_exports_every_new_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["facts", "--json"]) in (0, 1)  # 1 while lesions.yaml lags behind the atlas
    doc = json.loads(capsys.readouterr().out)
    by_id = {s["id"]: s for s in doc["structures"]}
    assert {s["kind"] for s in doc["structures"]} >= {"region", "retinaculum", "fascia", "ligament"}
    tunnel = by_id["tarsal_tunnel"]
    assert tunnel["layer"] == "regions" and tunnel["contents"]["order"] == "front_to_back"
    assert by_id["flexor_retinaculum"]["passes_under"]["ids"][0] == "tibialis_posterior"
    assert by_id["interosseous_membrane"]["separates"] == [
        "anterior_compartment_leg",
        "deep_posterior_compartment_leg",
    ]
    assert "plantarflexion" in {
        r.get("movement") for r in by_id["anterior_talofibular_ligament"]["resists"]
    }
    assert by_id["tibial_nerve"]["under_retinacula"] == ["flexor_retinaculum"]
    assert by_id["tibial_nerve"]["in_regions"] == [
        "superficial_posterior_compartment_leg",
        "deep_posterior_compartment_leg",
        "popliteal_fossa",
        "tarsal_tunnel",
    ]
    assert by_id["saphenous_nerve"]["skin_territory"]["refs"]
    assert by_id["quadratus_plantae"]["tendon_insertions"][0]["structure"] == (
        "flexor_digitorum_longus"
    )
    gluteus = [r for r in by_id["gracilis"]["synergists"] if r["id"] == "gluteus_maximus"]
    assert {r.get("part") for r in gluteus if r["movement"] == "adduction"} == {"lower fibres"}


def test_facts_markdown_has_a_table_per_new_kind(capsys: pytest.CaptureFixture[str]) -> None:
    main(["facts", "--markdown"])
    out = capsys.readouterr().out
    for title in ("## Regions", "## Retinacula", "## Fasciae and septa", "## Ligaments"):
        assert title in out
    assert "| Passes under | medial to lateral: Tibialis anterior, Extensor hallucis longus" in out
    assert "Gluteus maximus (lower fibres)" in out
    main(["facts", "--markdown", "--id", "deltoid_ligament"])
    single = capsys.readouterr().out
    assert single.startswith("### Deltoid ligament") and "| Resists |" in single


def test_facts_markdown_gives_how_deep_a_nerve_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """The deep fibular nerve's table listed the sources of its depth under References but
    had no row saying it."""
    main(["facts", "--markdown", "--id", "deep_fibular_nerve"])
    out = capsys.readouterr().out
    assert "| Depth | In the leg it runs on the interosseous membrane" in out


# --- validation: one break each ---------------------------------------------------------------

R = "structures/regions.yaml"


def test_real_data_has_no_atlas_problems(real: DataFolder) -> None:
    assert [m for m in real.messages() if m.startswith("structures/")] == []


def test_an_unknown_boundary_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "{where: superolateral, structure: biceps_femoris,",
        "{where: superolateral, structure: bicep_femoris,",
    )
    assert _problems(real, R) == [
        f"{R}: entry 'popliteal_fossa', field 'boundaries[0].structure': unknown structure "
        "'bicep_femoris' (did you mean 'biceps_femoris'?)"
    ]


def test_an_unknown_content_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "ids: [tibial_nerve, popliteal_vein, popliteal_artery]",
        "ids: [tibial_nerve, popliteal_veins, popliteal_artery]",
    )
    assert _problems(real, R) == [
        f"{R}: entry 'popliteal_fossa', field 'contents.ids[1]': unknown structure "
        "'popliteal_veins' (did you mean 'popliteal_vein'?)"
    ]


def test_an_unknown_structure_under_a_retinaculum_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "ids: [fibularis_brevis, fibularis_longus]\n      note: In the groove",
        "ids: [fibularis_brevis, peroneus_longus]\n      note: In the groove",
    )
    [problem] = _problems(real, R)
    assert problem.startswith(
        f"{R}: entry 'superior_fibular_retinaculum', field 'passes_under.ids[1]': "
        "unknown structure 'peroneus_longus'"
    )


def test_a_missing_compartment_member_is_named(real: DataFolder) -> None:
    _edit(
        real, R, "members: [gastrocnemius, soleus, plantaris]", "members: [gastrocnemius, soleus]"
    )
    assert _problems(real, R) == [
        f"{R}: entry 'superficial_posterior_compartment_leg', field 'members': muscle 'plantaris' "
        "has compartment 'posterior_superficial' but is not listed"
    ]


def test_a_member_of_another_compartment_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "members: [fibularis_longus, fibularis_brevis]",
        "members: [fibularis_longus, fibularis_brevis, soleus]",
    )
    assert _problems(real, R) == [
        f"{R}: entry 'lateral_compartment_leg', field 'members[2]': muscle 'soleus' is not in "
        "compartment 'lateral' (its own 'compartment' field says otherwise, or it is a part of a "
        "muscle)"
    ]


def test_a_member_that_is_not_a_muscle_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "members: [fibularis_longus, fibularis_brevis]",
        "members: [fibularis_longus, fibularis_brevis, fibula]",
    )
    assert _problems(real, R) == [
        f"{R}: entry 'lateral_compartment_leg', field 'members[2]': 'fibula' is a bone, not a "
        "muscle"
    ]


def test_a_muscle_moved_to_another_compartment_is_named_at_the_region(real: DataFolder) -> None:
    _edit(
        real,
        "structures/leg_anterior_lateral.yaml",
        "compartment: anterior\n",
        "compartment: lateral\n",
    ) if False else None
    text = (real.path / "structures/foot.yaml").read_text(encoding="utf-8")
    moved = text.replace(
        "compartment: foot_plantar\n    layer: deep", "compartment: posterior_deep\n    layer: deep"
    )
    (real.path / "structures/foot.yaml").write_text(moved, encoding="utf-8")
    assert _problems(real, R) == [
        f"{R}: entry 'deep_posterior_compartment_leg', field 'members': muscle 'quadratus_plantae' "
        "has compartment 'posterior_deep' but is not listed"
    ]


def test_a_fascia_that_separates_a_bone_is_named(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "separates: [anterior_compartment_leg, lateral_compartment_leg]",
        "separates: [anterior_compartment_leg, fibula]",
    )
    assert _problems(real, R) == [
        f"{R}: entry 'anterior_intermuscular_septum', field 'separates[1]': 'fibula' is a bone, "
        "not a region"
    ]


def test_a_ligament_on_an_unknown_bone_or_landmark_is_named(real: DataFolder) -> None:
    rel = "structures/ligaments.yaml"
    _edit(
        real,
        rel,
        "{bone: navicular, landmark: Tuberosity of the navicular,",
        "{bone: navicula, landmark: Tuberosity of the navicular,",
    )
    _edit(
        real,
        rel,
        "{bone: fibula, landmark: Malleolar fossa,",
        "{bone: fibula, landmark: Malleolar pit,",
    )
    assert _problems(real, rel) == [
        f"{rel}: entry 'deltoid_ligament', field 'attachments[1].bone': unknown bone 'navicula' "
        "(did you mean 'navicular'?)",
        f"{rel}: entry 'posterior_talofibular_ligament', field 'attachments[0].landmark': landmark "
        "'Malleolar pit' is not in the landmarks of bone 'fibula'",
    ]


def test_a_resisted_movement_that_the_joint_lacks_is_named(real: DataFolder) -> None:
    rel = "structures/ligaments.yaml"
    _edit(
        real,
        rel,
        "        joint: subtalar\n        movement: eversion",
        "        joint: subtalar\n        movement: eversio",
    )
    [problem] = _problems(real, rel)
    assert problem.startswith(
        f"{rel}: entry 'deltoid_ligament', field 'resists[0].movement': unknown movement "
        "'eversio' of joint 'subtalar'"
    )


def test_an_insertion_on_a_bone_instead_of_a_tendon_is_named(real: DataFolder) -> None:
    rel = "structures/foot.yaml"
    _edit(real, rel, "structure: flexor_digitorum_longus", "structure: calcaneus")
    assert _problems(real, rel) == [
        f"{rel}: entry 'quadratus_plantae', field 'tendon_insertions[0].structure': 'calcaneus' "
        "is a bone, not a muscle or tendon"
    ]


def test_a_muscle_without_any_insertion_is_an_error(real: DataFolder) -> None:
    path = real.path / "structures/foot.yaml"
    text = path.read_text(encoding="utf-8")
    qp = text.index("  - id: quadratus_plantae")
    block = re.compile(r"    tendon_insertions:\n(?:      .*\n|        .*\n)+")
    path.write_text(text[:qp] + block.sub("", text[qp:], count=1), encoding="utf-8")
    assert _problems(real, "structures/foot.yaml") == [
        "structures/foot.yaml: entry 'quadratus_plantae': "
        "a muscle needs at least one insertion (on a bone or a tendon)"
    ]


def test_an_unknown_field_in_a_region_is_an_error(real: DataFolder) -> None:
    _edit(real, R, "    compartment: anterior\n", "    compartment: anterior\n    colour: red\n")
    problems = _problems(real, R)
    assert problems[0] == (
        f"{R}: entry 'anterior_compartment_leg', field 'colour': unknown field 'colour'"
    )
    # the entry is skipped; the fasciae that name it say so rather than 'unknown region'
    assert len(problems) == 3
    assert all("has errors of its own and was skipped" in p for p in problems[1:])


def test_a_wall_needs_a_structure_or_words(real: DataFolder) -> None:
    _edit(
        real,
        R,
        "{where: middle, text: the capsule of the knee joint with the oblique popliteal ligament,",
        "{where: middle,",
    )
    [problem] = _problems(real, R)
    assert "entry 'popliteal_fossa', field 'floor[1]'" in problem
    assert "give a 'structure' id or a 'text'" in problem


def test_a_duplicate_action_of_the_same_part_is_named_but_parts_may_differ(
    real: DataFolder,
) -> None:
    rel = "structures/thigh_adductors.yaml"
    _edit(real, rel, "        part: adductor part\n        note: The upper, horizontal",
          "        part: hamstring part\n        note: The upper, horizontal")
    _edit(
        real,
        rel,
        "        movement: flexion\n        role: assisting\n        part: hamstring part",
        "        movement: extension\n        role: assisting\n        part: hamstring part",
    )
    assert _problems(real, rel) == [
        f"{rel}: entry 'adductor_magnus', field 'actions[2]': duplicate action 'hip extension' of "
        "the hamstring part",
    ]


def test_a_part_no_action_names_is_named(real: DataFolder) -> None:
    rel = "structures/thigh_adductors.yaml"
    text = (real.path / rel).read_text(encoding="utf-8")
    (real.path / rel).write_text(text.replace("part: adductor part\n", "part: upper fibres\n"),
                                 encoding="utf-8")
    assert _problems(real, rel) == [
        # (its nerves are given per part: the part edited away is named no more)
        f"{rel}: entry 'adductor_magnus', field 'innervation.parts[0].part': no action names the "
        "part 'adductor part'",
    ]


def test_a_part_s_nerve_must_be_one_of_the_muscle_s(real: DataFolder) -> None:
    rel = "structures/thigh_adductors.yaml"
    _edit(real, rel, "{part: hamstring part, nerves: [sciatic_nerve]}",
          "{part: hamstring part, nerves: [femoral_nerve]}")
    assert _problems(real, rel) == [
        f"{rel}: entry 'adductor_magnus', field 'innervation.parts[1]': 'femoral_nerve' is not "
        "one of its nerves (obturator_nerve, sciatic_nerve)"
    ]


def test_a_disputed_movement_that_the_joint_lacks_is_named(real: DataFolder) -> None:
    rel = "structures/thigh_adductors.yaml"
    path = real.path / rel
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("            movement: medial_rotation\n",
                                 "            movement: medial_rotaton\n", 1), encoding="utf-8")
    [problem] = _problems(real, rel)
    assert problem.startswith(
        f"{rel}: entry 'adductor_longus', field 'actions[2].disputed[0].movement': unknown "
        "movement 'medial_rotaton' of joint 'hip'"
    )


def test_a_movement_on_a_dispute_that_is_not_an_action_s_is_named(real: DataFolder) -> None:
    """It was taken without a word, and did nothing."""
    rel = "structures/leg_posterior.yaml"
    _edit(real, rel, "        - text: Some sources give L5 to S2.\n          roots: [L5, S1, S2]\n",
          "        - text: Some sources give L5 to S2.\n          roots: [L5, S1, S2]\n"
          "          movement: flexion\n")
    [problem] = _problems(real, rel)
    assert "entry 'soleus', field 'innervation.disputed[0].movement': only a dispute of an " \
        "action can name a movement" in problem
