"""Lesion questions, both ways, made by the lesion model; and their Anki notes, imported into a
real Anki collection."""

from __future__ import annotations

import random

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.lesion import open_lesion_model
from calfexplorer.study.anki import export_deck
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory
from calfexplorer.study.scope import Scope

CFN = "lesion:common_fibular_nerve@fibular_neck"


@pytest.fixture(scope="module")
def facts() -> StudyFacts:
    atlas, _ = load_atlas()  # the app's own data (this folder's conftest has a small one)
    model, problems = open_lesion_model(atlas)
    assert problems == []
    return StudyFacts(atlas, model)


def test_lesion_cards_exist_both_ways(facts: StudyFacts) -> None:
    kinds = {c.kind for c in facts.cards if c.structure_id.startswith("lesion:")}
    assert kinds == {"lesion_loss", "lesion_locate"}
    assert CardKey(CFN, "lesion_loss") in facts.cards
    assert CardKey("lesion:root:S1", "lesion_locate") in facts.cards
    # A purely sensory lesion has no movement to ask about.
    assert CardKey("lesion:sural_nerve@calf", "lesion_loss") not in facts.cards
    assert facts.structure_kind(CFN) == "nerve"
    assert facts.name(CFN) == "Common fibular nerve, at the neck of the fibula"


def test_what_is_lost(facts: StudyFacts) -> None:
    q = QuestionFactory(facts).make(CardKey(CFN, "lesion_loss"), random.Random(2))
    assert q.prompt == (
        "The common fibular nerve is cut at the neck of the fibula. "
        "Which movements does the patient lose (or keep only through weak assisting muscles)?"
    )
    right = q.correct_choice
    assert right is not None
    assert right.text == (
        "Ankle dorsiflexion, Subtalar eversion, Great toe extension, Extension of the lateral "
        "four toes"
    )
    assert len(q.choices) == 4 and len({c.id for c in q.choices}) == 4
    assert sum(c.id in q.correct_ids for c in q.choices) == 1
    assert q.highlight_ids == ("common_fibular_nerve",)
    assert "tibialis_anterior" in q.answer_ids


def test_a_movement_left_to_assisting_muscles_is_very_weak_not_impossible(
    facts: StudyFacts,
) -> None:
    # A tibial nerve palsy leaves inversion to tibialis anterior (and plantarflexion to the
    # fibular muscles): weak, not gone. The case said "cannot perform subtalar inversion".
    card = "lesion:tibial_nerve@popliteal_fossa"
    q = QuestionFactory(facts).make(CardKey(card, "lesion_locate"), random.Random(0))
    assert ("cannot perform great toe flexion, great toe abduction, flexion of the lateral "
            "four toes and abduction of the lateral four toes;") in q.prompt
    assert "has very weak ankle plantarflexion and subtalar inversion;" in q.prompt


@pytest.mark.parametrize("seed", range(5))
def test_where_is_the_lesion_names_no_nerve_and_offers_neighbours(
    facts: StudyFacts, seed: int
) -> None:
    q = QuestionFactory(facts).make(CardKey(CFN, "lesion_locate"), random.Random(seed))
    assert q.prompt.endswith("Where is the lesion?")
    assert "cannot perform ankle dorsiflexion" in q.prompt
    for nerve in facts.atlas.nerves():
        assert nerve.name.lower() not in q.prompt.lower()
    assert q.highlight_ids == ()  # the 3D view must not give it away
    assert q.correct_ids == {CFN}
    assert sum(c.id in q.correct_ids for c in q.choices) == 1
    fibular = [c for c in q.choices if "fibular" in c.id]
    assert len(fibular) >= 3  # plausible distractors: the neighbouring fibular lesions


def test_every_lesion_card_makes_a_fair_question(facts: StudyFacts) -> None:
    factory = QuestionFactory(facts)
    for card in facts.cards:
        if card.kind.startswith("lesion_"):
            q = factory.make(card, random.Random(0))
            assert sum(c.id in q.correct_ids for c in q.choices) == 1, card
            assert len({c.text for c in q.choices}) == len(q.choices), card
            assert q.link_id, card


def test_lesion_notes_import_into_a_real_anki_collection(facts: StudyFacts, tmp_path) -> None:
    anki_collection = pytest.importorskip("anki.collection")
    path = tmp_path / "lesions.apkg"
    report = export_deck(facts, path, Scope.of(kinds=["lesion_loss", "lesion_locate"]))
    assert report.notes == len([c for c in facts.cards if c.kind.startswith("lesion_")])
    col = anki_collection.Collection(str(tmp_path / "collection.anki2"))
    try:
        col.import_anki_package(
            anki_collection.ImportAnkiPackageRequest(package_path=str(path))
        )
        ids = col.find_notes("tag:calfexplorer::lesion_locate")
        assert len(ids) == len([c for c in facts.cards if c.kind == "lesion_locate"])
        fronts = [col.get_note(i).fields[0] for i in ids]
        assert any("Where is the lesion?" in f for f in fronts)
    finally:
        col.close()


def test_a_relation_done_by_part_of_a_muscle_names_the_part(facts: StudyFacts) -> None:
    rels = [r for r in facts.synergists["adductor_longus"]
            if r.other == "gluteus_maximus" and r.movement == "adduction"]
    assert rels and all(r.part for r in rels)  # its lower fibres adduct
    factory = QuestionFactory(facts)
    for seed in range(40):
        q = factory.make(CardKey("adductor_longus", "synergist"), random.Random(seed))
        if "gluteus_maximus" in q.correct_ids and "adduction" in q.prompt:
            assert "Gluteus maximus (lower fibres)" in q.answer_text
            break
    else:
        raise AssertionError("no synergist question on hip adduction in 40 seeds")


@pytest.mark.parametrize(("muscle", "kind", "movement"), [
    ("gluteus_maximus", "synergist", "abduction"),  # gluteus medius and minimus: not in it
    ("rectus_femoris", "synergist", "flexion"),  # iliopsoas
    ("gluteus_maximus", "antagonist", "extension"),  # (the hip flexors)
    ("semitendinosus", "synergist", "medial_rotation"),
])
def test_no_quiz_on_helpers_of_a_movement_whose_main_movers_the_atlas_lacks(
        facts: StudyFacts, muscle: str, kind: str, movement: str) -> None:
    """'Which muscle helps the gluteus maximus in abduction?' had Sartorius as its only
    right answer."""
    rels = facts.synergists[muscle] if kind == "synergist" else facts.antagonists[muscle]
    assert not [r for r in rels if (r.joint, r.movement) == ("hip", movement)]
    factory = QuestionFactory(facts)
    for seed in range(20):
        q = factory.make(CardKey(muscle, kind), random.Random(seed))
        assert f"{facts.movement_name('hip', movement)} at the hip" not in q.prompt, q.prompt


def test_a_root_lesion_links_its_key_muscle_not_a_foot_muscle(facts: StudyFacts) -> None:
    """The S2 case's feedback showed and linked only the abductor hallucis; L5 and S1 the
    extensor digitorum brevis."""
    factory = QuestionFactory(facts)
    links = {}
    for card in facts.cards:
        if card.kind == "lesion_locate" and card.structure_id.startswith("lesion:root:"):
            links[card.structure_id] = factory.make(card, random.Random(0)).link_id
    assert links["lesion:root:L5"] == "extensor_hallucis_longus"
    assert links["lesion:root:L4"] == "tibialis_anterior"
    assert all(facts.structures[m].region != "foot" for m in links.values()), links


def test_an_action_of_some_toes_is_asked_and_explained_with_those_toes(facts: StudyFacts) -> None:
    """Abductor digiti minimi 'produces flexion of the lateral four toes' was marked right,
    where it flexes the little toe only."""
    factory = QuestionFactory(facts)
    for seed in range(20):
        q = factory.make(CardKey("abductor_digiti_minimi_foot", "action"), random.Random(seed))
        texts = [c.text for c in q.choices] + [q.explanation, q.answer_text]
        assert not any("flexion of the lateral four toes" in t.lower() for t in texts), texts
        assert "little toe" in q.explanation


def test_a_compartment_s_deck_asks_the_lesions_that_weaken_its_muscles(facts: StudyFacts) -> None:
    """Study with the two posterior compartments and both lesion kinds ticked asked no lesion
    question at all, with nothing said (a lesion card has no compartment of its own): the
    tibial nerve's lesions and the roots of the calf muscles belong to the calf's deck."""
    kinds = ["lesion_loss", "lesion_locate"]
    calf = Scope.of(compartments=["posterior_superficial", "posterior_deep"], kinds=kinds)
    asked = {c.structure_id for c in calf.cards(facts)}
    assert {"lesion:tibial_nerve@popliteal_fossa", "lesion:sciatic_nerve@gluteal",
            "lesion:root:S1"} <= asked
    # neither a lesion that spares every calf muscle (the tunnel's: the sole's muscles only)
    assert "lesion:tibial_nerve@tarsal_tunnel" not in asked
    assert CFN not in asked and "lesion:femoral_nerve@inguinal" not in asked
    lateral = {c.structure_id for c in Scope.of(compartments=["lateral"], kinds=kinds).cards(facts)}
    assert CFN in lateral and "lesion:tibial_nerve@popliteal_fossa" not in lateral
    # a lesion is about a nerve: a deck of muscles alone still asks none
    muscles = Scope.of(compartments=["posterior_deep"], kinds=kinds, structure_kinds=["muscle"])
    assert muscles.cards(facts) == []
