"""The real knowledge base in data/: it validates, and the derived relations hold."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas, AtlasProblem
from calfexplorer.atlas.models import Muscle

# The structures the issue requires (ids fixed in docs/CONTRACTS.md).
REQUIRED = {
    "muscle": """gastrocnemius gastrocnemius_medial_head gastrocnemius_lateral_head soleus plantaris
        popliteus tibialis_posterior flexor_digitorum_longus flexor_hallucis_longus
        fibularis_longus fibularis_brevis fibularis_tertius tibialis_anterior
        extensor_digitorum_longus extensor_hallucis_longus biceps_femoris
        biceps_femoris_long_head biceps_femoris_short_head semitendinosus semimembranosus
        gracilis sartorius rectus_femoris vastus_lateralis vastus_medialis vastus_intermedius
        gluteus_maximus""",
    "tendon": "calcaneal_tendon",
    "bone": """femur patella tibia fibula talus calcaneus navicular cuboid cuneiforms metatarsals
        phalanges""",
    "nerve": """sciatic_nerve tibial_nerve common_fibular_nerve deep_fibular_nerve
        superficial_fibular_nerve femoral_nerve obturator_nerve inferior_gluteal_nerve""",
    "artery": """popliteal_artery sural_arteries anterior_tibial_artery posterior_tibial_artery
        fibular_artery""",
    "vein": "posterior_tibial_veins fibular_veins soleal_veins gastrocnemius_veins popliteal_vein",
}
HAMSTRINGS = {
    "biceps_femoris_long_head",
    "biceps_femoris_short_head",
    "semitendinosus",
    "semimembranosus",
}
QUADRICEPS = {"rectus_femoris", "vastus_lateralis", "vastus_medialis", "vastus_intermedius"}


def _related(relations, joint: str, movement: str) -> set[str]:
    return {r.id for r in relations if (r.joint, r.movement) == (joint, movement)}


def test_the_data_folder_validates_without_problems(
    loaded_atlas: tuple[Atlas, list[AtlasProblem]],
) -> None:
    _, problems = loaded_atlas
    assert [str(p) for p in problems] == []


@pytest.mark.parametrize("kind", sorted(REQUIRED))
def test_every_required_structure_is_present(atlas: Atlas, kind: str) -> None:
    missing = [i for i in REQUIRED[kind].split() if i not in atlas]
    assert missing == []
    wrong = [i for i in REQUIRED[kind].split() if atlas[i].kind != kind]
    assert wrong == []


def test_ankle_plantarflexion_soleus_helps_tibialis_anterior_opposes(atlas: Atlas) -> None:
    assert "soleus" in _related(atlas.synergists("gastrocnemius"), "ankle", "plantarflexion")
    assert "tibialis_anterior" in _related(
        atlas.antagonists("gastrocnemius"), "ankle", "plantarflexion"
    )
    assert "gastrocnemius" in _related(atlas.synergists("soleus"), "ankle", "plantarflexion")


def test_knee_flexion_hamstrings_help_quadriceps_opposes(atlas: Atlas) -> None:
    helpers = _related(atlas.synergists("gastrocnemius"), "knee", "flexion")
    assert helpers >= HAMSTRINGS
    opposers = _related(atlas.antagonists("gastrocnemius"), "knee", "flexion")
    assert opposers >= QUADRICEPS
    groups = {(g.joint, g.movement): g for g in atlas.relations_by_action("gastrocnemius")}
    assert {r.id for r in groups[("knee", "flexion")].opposers} >= QUADRICEPS


def test_soleus_has_no_action_at_the_knee(atlas: Atlas) -> None:
    soleus = atlas["soleus"]
    assert isinstance(soleus, Muscle)
    assert [a for a in soleus.actions if a.joint == "knee"] == []
    assert "knee" not in {r.joint for r in atlas.synergists("soleus") if r.derived}


def test_gastrocnemius_is_not_related_to_its_own_heads(atlas: Atlas) -> None:
    own = {"gastrocnemius", "gastrocnemius_medial_head", "gastrocnemius_lateral_head"}
    assert not own & {r.id for r in atlas.synergists("gastrocnemius")}
    assert "gastrocnemius_lateral_head" in {
        r.id for r in atlas.synergists("gastrocnemius_medial_head")
    }


def test_every_muscle_has_actions_supply_and_attachments_on_real_bones(atlas: Atlas) -> None:
    for m in atlas.muscles():
        # quadratus plantae inserts on a tendon only (flexor digitorum longus), not on a bone
        assert m.actions and m.origins and (m.insertions or m.tendon_insertions), m.id
        assert m.innervation.nerves and m.innervation.roots, m.id
        for site in atlas.attachments_of(m.id):
            assert atlas[site.bone].kind == "bone"


def test_calcaneus_lists_the_calf_insertions(atlas: Atlas) -> None:
    on = atlas.attachments_on_bone("calcaneus")
    assert {"calcaneal_tendon", "soleus", "gastrocnemius"} <= {s.muscle for s in on.insertions}
    assert "soleus" in atlas.muscles_supplied_by("tibial_nerve")


def test_facts_export_of_the_real_atlas_has_the_documented_fields(atlas: Atlas) -> None:
    import json

    from calfexplorer.atlas.export import atlas_facts

    doc = json.loads(json.dumps(atlas_facts(atlas)))
    assert len(doc["structures"]) == len(atlas)
    for s in doc["structures"]:
        assert {"id", "kind", "name", "synonyms", "references"} <= set(s), s["id"]
        assert all(r in doc["references"] for r in s["references"]), s["id"]
        if s["kind"] == "muscle":
            keys = {"origin", "insertion", "actions", "innervation", "blood_supply"}
            assert keys | {"synergists", "antagonists"} <= set(s), s["id"]
            assert {"bone", "text", "landmark", "site", "id"} <= set(s["origin"][0])
            assert {"joint", "movement", "role"} <= set(s["actions"][0])
            assert {"nerves", "roots", "disputed"} <= set(s["innervation"])


def test_every_movement_has_a_normal_range_from_two_sources(atlas: Atlas) -> None:
    """Every movement the motion lab poses (its sliders show the range) and every hip
    movement; the toes' abduction and adduction, which no slider poses and few tables
    measure, may go without."""
    from calfexplorer.biomech.pose import DIRECTIONS
    from calfexplorer.motion.words import ATLAS_JOINTS

    posed = {(ATLAS_JOINTS.get(j, j), m) for j, pair in DIRECTIONS.items() for m in pair}
    for joint in atlas.joints.values():
        for m in joint.movements:
            if (joint.id, m.id) in posed or joint.id == "hip":
                assert m.normal is not None, (joint.id, m.id)
            assert m.normal is None or len(m.normal.refs) >= 2, (joint.id, m.id)
    assert ("ankle", "dorsiflexion") in posed and ("great_toe", "extension") in posed
    assert atlas.normal_range("ankle", "dorsiflexion").degrees == 20
    assert atlas.normal_range("ankle", "nowhere") is None
