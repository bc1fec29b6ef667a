"""Derived and explicit synergists and antagonists, parts and parents, on a small folder."""

from __future__ import annotations

import pytest

from calfexplorer.atlas import Atlas, Relation

from .data_folder import DataFolder, muscle


def _atlas(data: DataFolder, text: str) -> Atlas:
    data.write("structures/muscles.yaml", "structures:\n" + text)
    atlas, problems = data.load()
    assert problems == []
    return atlas


def _ids(relations: list[Relation]) -> list[str]:
    return [r.id for r in relations]


def test_same_movement_helps_opposite_movement_opposes(data: DataFolder) -> None:
    atlas = _atlas(
        data,
        muscle()
        + muscle("plantaris", "Plantaris")
        + muscle("tibialis_anterior", "Tibialis anterior", "deep_fibular_nerve", "dorsiflexion"),
    )
    assert atlas.synergists("soleus") == [
        Relation("plantaris", "ankle", "plantarflexion", derived=True, reason=None, role="prime")
    ]
    assert _ids(atlas.antagonists("soleus")) == ["tibialis_anterior"]
    assert _ids(atlas.antagonists("tibialis_anterior")) == ["soleus", "plantaris"]
    assert atlas.antagonists("tibialis_anterior")[0].movement == "dorsiflexion"
    [group] = atlas.relations_by_action("soleus")
    assert (group.joint, group.movement, group.action.role) == ("ankle", "plantarflexion", "prime")
    assert _ids(list(group.helpers)) == ["plantaris"]
    assert _ids(list(group.opposers)) == ["tibialis_anterior"]


def test_a_muscle_is_not_related_to_its_own_parts_but_to_other_parts(data: DataFolder) -> None:
    atlas = _atlas(
        data,
        muscle("gastrocnemius", "Gastrocnemius")
        + muscle("gastrocnemius_medial_head", "Medial head", extra="parent: gastrocnemius\n")
        + muscle("gastrocnemius_lateral_head", "Lateral head", extra="parent: gastrocnemius\n")
        + muscle(),
    )
    assert atlas.children("gastrocnemius") == [
        "gastrocnemius_medial_head",
        "gastrocnemius_lateral_head",
    ]
    assert _ids(atlas.synergists("gastrocnemius")) == ["soleus"]
    assert _ids(atlas.synergists("gastrocnemius_medial_head")) == [
        "gastrocnemius_lateral_head",
        "soleus",
    ]
    assert _ids(atlas.synergists("soleus")) == [
        "gastrocnemius",
        "gastrocnemius_medial_head",
        "gastrocnemius_lateral_head",
    ]


def test_explicit_relations_carry_their_reason_and_work_both_ways(data: DataFolder) -> None:
    extra = (
        "extra_antagonists:\n"
        "  - {id: tibialis_anterior, joint: knee, movement: flexion, reason: steadies the leg, "
        "refs: [book]}\n"
    )
    atlas = _atlas(
        data,
        muscle(extra=extra)
        + muscle("tibialis_anterior", "Tibialis anterior", "deep_fibular_nerve", "dorsiflexion"),
    )
    explicit = Relation("tibialis_anterior", "knee", "flexion", False, "steadies the leg")
    assert explicit in atlas.antagonists("soleus")
    # Seen from the other side the movement is the opposite one.
    assert Relation("soleus", "knee", "extension", False, "steadies the leg") in (
        atlas.antagonists("tibialis_anterior")
    )
    groups = {(g.joint, g.movement): g for g in atlas.relations_by_action("soleus")}
    assert groups[("knee", "flexion")].action is None
    assert groups[("knee", "flexion")].opposers == (explicit,)


def test_explicit_relation_to_an_unknown_muscle_is_reported(data: DataFolder) -> None:
    extra = (
        "extra_synergists:\n"
        "  - {id: solues, joint: ankle, movement: plantarflexion, reason: r, refs: [book]}\n"
    )
    data.write("structures/muscles.yaml", "structures:\n" + muscle("plantaris", extra=extra))
    atlas, problems = data.load()
    assert [str(p) for p in problems] == [
        "structures/muscles.yaml, line 34: entry 'plantaris', field 'extra_synergists[0].id': "
        "unknown muscle 'solues'"
    ]
    assert atlas.get("plantaris").extra_synergists == []


def test_queries_on_attachments_supply_and_layers(data: DataFolder) -> None:
    atlas = _atlas(data, muscle() + muscle("plantaris", "Plantaris"))
    site = atlas.attachment("soleus:origin:soleal_line")
    assert (site.muscle, site.role, site.bone) == ("soleus", "origin", "tibia")
    assert [s.id for s in atlas.attachments()] == [
        "soleus:origin:soleal_line",
        "soleus:insertion:calcaneal_tuberosity",
        "plantaris:origin:soleal_line",
        "plantaris:insertion:calcaneal_tuberosity",
    ]
    on_heel = atlas.attachments_on_bone("calcaneus")
    assert on_heel.origins == ()
    assert [s.muscle for s in on_heel.insertions] == ["soleus", "plantaris"]
    assert atlas.muscles_supplied_by("tibial_nerve") == ["soleus", "plantaris"]
    assert atlas.muscles_supplied_by_artery("posterior_tibial_artery") == ["soleus", "plantaris"]
    assert [atlas.layer_of(i) for i in ("soleus", "tibia", "tibial_nerve")] == [
        "deep",
        "bones",
        "nerves",
    ]
    assert atlas.layer_of("posterior_tibial_artery") == "vessels"
    assert atlas.layer_of("soleus:origin:soleal_line") == "attachments"
    assert atlas.layer_of("nothing") is None
    assert atlas.movement_name("ankle", "plantarflexion") == "plantarflexion"
    assert atlas.action_label("ankle", "dorsiflexion") == "Ankle dorsiflexion"
    assert [m.id for m in atlas.muscles()] == ["soleus", "plantaris"]
    assert [b.id for b in atlas.bones()] == ["tibia", "calcaneus"]
    assert [a.id for a in atlas.arteries()] == ["posterior_tibial_artery"]
    assert atlas.veins() == [] and atlas.tendons() == []
    assert atlas.get("nothing") is None


def test_the_atlas_is_immutable(data: DataFolder) -> None:
    atlas = _atlas(data, muscle())
    with pytest.raises(AttributeError):
        atlas._structures = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        atlas.structures["x"] = atlas.get("soleus")  # type: ignore[index]
    with pytest.raises(Exception):  # noqa: B017 - pydantic's frozen error
        atlas.get("soleus").name = "x"  # type: ignore[misc]


def test_isolating_a_muscle_keeps_the_tendon_it_inserts_through_and_its_bone(atlas) -> None:
    soleus = atlas.isolation_of("soleus")
    assert {"soleus", "calcaneal_tendon", "calcaneus", "tibia", "fibula"} <= soleus
    assert "gastrocnemius" not in soleus and "tibialis_anterior" not in soleus
    heads = atlas.isolation_of("gastrocnemius")  # a whole: its heads, their tendon and bones
    assert {"gastrocnemius_medial_head", "calcaneal_tendon", "calcaneus", "femur"} <= heads
    assert "soleus" not in heads


def test_isolating_shows_the_part_alone_and_bones_around_a_nerve_or_a_toe_tendon(atlas) -> None:
    """Isolating the medial head of gastrocnemius showed the lateral head too; the tibial
    nerve or the small saphenous vein alone hung in empty space ("and its bones", the status
    bar said); flexor digitorum longus showed the toe bones floating below the tibia."""
    head = atlas.isolation_of("gastrocnemius_medial_head")
    assert "gastrocnemius_lateral_head" not in head and "gastrocnemius" not in head
    assert {"calcaneal_tendon", "femur", "calcaneus"} <= head
    for line in ("tibial_nerve", "small_saphenous_vein", "posterior_tibial_artery"):
        assert {"tibia", "fibula"} <= atlas.isolation_of(line), line
    toes = atlas.isolation_of("flexor_digitorum_longus")
    assert {"tibia", "phalanges", "talus", "calcaneus", "metatarsals"} <= toes
    assert "femur" not in toes


def test_action_labels_read_as_english() -> None:
    """"Knee medial rotation of the leg" and "Lateral toes flexion" before, then "Lateral toe
    flexion", which reads as a toe bent sideways."""
    from calfexplorer.atlas import load_atlas

    atlas, _ = load_atlas()
    assert atlas.action_label("knee", "medial_rotation") == "Medial rotation of the leg at the knee"
    assert atlas.action_label("lateral_toes", "flexion") == "Flexion of the lateral four toes"
    assert atlas.action_label("lateral_toes", "flexion", [5]) == "Flexion of the little toe"
    assert atlas.action_label("great_toe", "flexion", [1]) == "Great toe flexion"
    assert atlas.action_label("ankle", "plantarflexion") == "Ankle plantarflexion"


def test_relation_explanations_name_a_whole_muscle_once() -> None:
    """"Biceps femoris, Long head of biceps femoris, Short head of biceps femoris"."""
    import random

    from calfexplorer.atlas import load_atlas
    from calfexplorer.study import CardKey, QuestionFactory, StudyFacts

    facts = StudyFacts(load_atlas()[0])
    factory = QuestionFactory(facts)
    for seed in range(20):
        q = factory.make(CardKey("semitendinosus", "synergist"), random.Random(seed))
        assert "head of biceps femoris" not in q.explanation, q.explanation


def test_muscles_moving_other_toes_are_not_relations(tmp_path) -> None:
    """Extensor digitorum brevis (toes 2 to 4) and abductor digiti minimi (the little toe)
    were listed as each other's antagonist, which their own notes contradict; the page says
    which toes, and a study question never offers one as the other's wrong opposer."""
    import random

    from calfexplorer.atlas import load_atlas
    from calfexplorer.study.facts import StudyFacts
    from calfexplorer.study.kinds import CardKey
    from calfexplorer.study.questions import QuestionFactory
    from calfexplorer.ui.explore.info_html import muscle_html

    from .data_folder import DataFolder

    atlas = load_atlas()[0]
    assert "abductor_digiti_minimi_foot" not in _ids(atlas.antagonists("extensor_digitorum_brevis"))
    assert "extensor_digitorum_brevis" not in _ids(atlas.antagonists("abductor_digiti_minimi_foot"))
    assert "extensor_digitorum_longus" in _ids(atlas.antagonists("abductor_digiti_minimi_foot"))
    assert "flexor_digitorum_brevis" in _ids(atlas.antagonists("extensor_digitorum_brevis"))
    assert "Extension of toes 2 to 4" in muscle_html(
        atlas, atlas.get("extensor_digitorum_brevis"))
    factory = QuestionFactory(StudyFacts.with_lesions(atlas))
    for seed in range(40):
        q = factory.make(CardKey("extensor_digitorum_brevis", "antagonist"), random.Random(seed))
        assert "abductor_digiti_minimi_foot" not in {c.id for c in q.choices}, seed

    data = DataFolder.copy_of_app_data(tmp_path / "data")
    path = data.path / "structures" / "foot.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("        digits: [5]\n") == 2  # abduction and flexion of the little toe
    path.write_text(text.replace("        digits: [5]\n", "        digits: [1, 5]\n", 1),
                    encoding="utf-8")
    _, problems = load_atlas(data.path)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "entry 'abductor_digiti_minimi_foot', field 'actions[0].digits': "
        "joint 'lateral_toes' moves toes 2, 3, 4, 5, not 1"
    ]


def test_an_explicit_relation_that_contradicts_or_repeats_another_is_reported_and_left_out(
    data: DataFolder,
) -> None:
    """Tibialis anterior named both a synergist and an antagonist of the soleus in knee
    flexion loaded silently: the panel listed it under both."""
    extra = (
        "extra_synergists:\n"
        "  - {id: tibialis_anterior, joint: knee, movement: flexion, reason: a, refs: [book]}\n"
        "  - {id: soleus, joint: knee, movement: flexion, reason: b, refs: [book]}\n"
        "extra_antagonists:\n"
        "  - {id: tibialis_anterior, joint: knee, movement: flexion, reason: c, refs: [book]}\n"
        "  - {id: tibialis_anterior, joint: ankle, movement: plantarflexion, reason: d, "
        "refs: [book]}\n"
        "  - {id: tibialis_anterior, joint: ankle, movement: plantarflexion, reason: e, "
        "refs: [book]}\n"
    )
    data.write(
        "structures/muscles.yaml",
        "structures:\n" + muscle(extra=extra)
        + muscle("tibialis_anterior", "Tibialis anterior", "deep_fibular_nerve", "dorsiflexion"),
    )
    atlas, problems = data.load()
    said = [str(p).split(": ", 1)[1] for p in problems]
    assert said == [
        "entry 'soleus', field 'extra_synergists[1].id': a muscle is not its own synergist",
        "entry 'soleus', field 'extra_antagonists[0].id': 'tibialis_anterior' is already named "
        "a synergist in knee flexion",
        "entry 'soleus', field 'extra_antagonists[2].id': 'tibialis_anterior' is named an "
        "antagonist twice in ankle plantarflexion",
    ]
    soleus = atlas.get("soleus")
    assert [r.reason for r in soleus.extra_synergists] == ["a"]
    assert [r.reason for r in soleus.extra_antagonists] == ["d"]
