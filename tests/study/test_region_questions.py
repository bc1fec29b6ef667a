"""Questions on compartments, region boundaries, contents in order and reflex roots."""

from __future__ import annotations

import random

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory

KINDS = ("compartment", "region_boundary", "region_contents", "reflex_roots")


@pytest.fixture(scope="module")
def facts() -> StudyFacts:
    atlas, _ = load_atlas()  # the app's own data (this folder's conftest has a small one)
    return StudyFacts.with_lesions(atlas)


def test_every_new_kind_has_cards_and_fair_questions(facts: StudyFacts) -> None:
    factory = QuestionFactory(facts)
    for kind in KINDS:
        cards = [c for c in facts.cards if c.kind == kind]
        assert cards, kind
        for card in cards:
            for seed in range(5):
                q = factory.make(card, random.Random(seed))
                assert sum(c.id in q.correct_ids for c in q.choices) == 1, (card, seed)
                assert len({c.text for c in q.choices}) == len(q.choices), (card, seed)


def test_which_compartment(facts: StudyFacts) -> None:
    q = QuestionFactory(facts).make(CardKey("tibialis_posterior", "compartment"),
                                    random.Random(1))
    assert q.correct_choice is not None
    assert q.correct_choice.text == "Deep posterior compartment of the leg"
    assert len(q.choices) == 4
    # a head belongs to its muscle's compartment
    head = QuestionFactory(facts).make(CardKey("gastrocnemius_medial_head", "compartment"),
                                       random.Random(1))
    assert head.correct_choice.text == "Superficial posterior compartment of the leg"


def test_contents_in_order_never_swap_an_artery_and_its_veins(facts: StudyFacts) -> None:
    factory = QuestionFactory(facts)
    for seed in range(20):
        q = factory.make(CardKey("tarsal_tunnel", "region_contents"), random.Random(seed))
        assert q.prompt == "What lies in the tarsal tunnel, from front to back?"
        assert q.answer_text.startswith("Tibialis posterior, Flexor digitorum longus")
        for c in q.choices:
            if c.id not in q.correct_ids:
                assert "Posterior tibial veins, Posterior tibial artery" not in c.text


def test_reflex_roots_accept_what_sources_give(facts: StudyFacts) -> None:
    q = QuestionFactory(facts).make(CardKey("reflex:ankle_reflex", "reflex_roots"),
                                    random.Random(0))
    assert q.prompt == "Which spinal roots carry the ankle (Achilles) reflex?"
    assert q.correct_choice.text == "S1, S2"
    assert frozenset({"S1"}) in q.roots_answers  # the other version sources give


def test_no_picture_questions_on_what_is_not_drawn(facts: StudyFacts) -> None:
    assert "sacrum" in facts.not_drawn  # outside the rendered region (data/geometry)
    for kind in ("name_it", "find_it"):
        assert CardKey("sacrum", kind) not in facts.cards
        assert CardKey("soleus", kind) in facts.cards
        assert CardKey("deltoid_ligament", kind) in facts.cards  # drawn since #15
    # a drawn foot muscle's attachment sites are asked about
    assert CardKey("abductor_hallucis:origin:medial_process", "attachment_site") in facts.cards
    assert CardKey("deep_posterior_compartment_leg", "region_boundary") in facts.cards


@pytest.mark.parametrize(("region", "side", "right_too"), [
    ("tarsal_tunnel", "lateral", {"calcaneus", "tibia"}),  # "the talus, with the calcaneus"
    ("deep_posterior_compartment_leg", "anterior", {"tibia", "fibula"}),
    ("anterior_compartment_leg", "lateral", {"fibula"}),
    ("popliteal_fossa", "superomedial", {"semitendinosus"}),
])
def test_a_wall_s_other_parts_are_never_offered_as_wrong(facts, region, side, right_too):
    """"The lateral boundary of the tarsal tunnel" marked Calcaneus wrong, and the deep
    posterior compartment's anterior one Tibia, though the data names them in that wall."""
    factory = QuestionFactory(facts)
    asked = 0
    for seed in range(200):
        q = factory.make(CardKey(region, "region_boundary"), random.Random(seed))
        if f"the {side} " not in q.prompt:
            continue
        asked += 1
        offered_wrong = {c.id for c in q.choices if c.id not in q.correct_ids}
        assert not offered_wrong & right_too, (seed, q.prompt, offered_wrong)
    assert asked


def test_wrong_walls_come_from_the_same_part_of_the_limb(facts: StudyFacts) -> None:
    """A compartment of the leg was offered the coccyx, the sacrum and gluteus maximus."""
    factory = QuestionFactory(facts)
    far = {"coccyx", "sacrum", "gluteus_maximus", "hip_bone", "abductor_digiti_minimi_foot"}
    for card in (c for c in facts.cards if c.kind == "region_boundary"):
        if facts.structures[card.structure_id].region != "leg":
            continue
        for seed in range(40):
            q = factory.make(card, random.Random(seed))
            assert not {c.id for c in q.choices} & far, (card, seed)


def test_a_myotome_never_marks_its_own_muscle_s_roots_wrong(facts: StudyFacts) -> None:
    """Great toe extension (L5) offered "L5, S1" as wrong, the roots the extensor hallucis
    longus card teaches; knee extension (L3) offered the vasti's "L2, L3, L4"."""
    factory = QuestionFactory(facts)
    for key, never in (("myotome:l5_great_toe_extension", {"L5, S1", "L4, L5"}),
                       ("myotome:l3_knee_extension", {"L2, L3, L4"})):
        for seed in range(60):
            q = factory.make(CardKey(key, "myotome_roots"), random.Random(seed))
            wrong = {c.text for c in q.choices if c.id not in q.correct_ids}
            assert not wrong & never, (key, seed, wrong)


def test_tibialis_anterior_typed_l4_is_right(facts: StudyFacts) -> None:
    """The app's own key muscle of L4: "L4" typed for its roots was marked wrong."""
    from calfexplorer.study.grading import grade_text

    q = QuestionFactory(facts).make(CardKey("tibialis_anterior", "roots"), random.Random(0))
    assert grade_text(q, "L4").correct
    assert not grade_text(q, "S1").correct


def test_region_questions_show_where_without_lighting_an_answer(facts: StudyFacts) -> None:
    """A region's boundary and order questions showed nothing in the 3D view. A boundary
    question lights what the region holds (never a wall, nor a wrong choice: the popliteus
    was offered as a wall of its own compartment); an order question lights the retinaculum
    over the contents, never the contents themselves."""
    factory = QuestionFactory(facts)
    for card in (c for c in facts.cards if c.kind == "region_boundary"):
        lit = {x for h in facts.structures[card.structure_id].held() for x in facts.family(h)}
        # (the scene lights what selecting the region selects: the held and their parts)
        assert "gastrocnemius_medial_head" in lit or card.structure_id != (
            "superficial_posterior_compartment_leg")
        for seed in range(8):
            q = factory.make(card, random.Random(seed))
            assert q.highlight_ids == (card.structure_id,)
            assert lit and not lit & {c.id for c in q.choices}, (card, seed)
    tunnel = factory.make(CardKey("tarsal_tunnel", "region_contents"), random.Random(0))
    assert tunnel.highlight_ids == ("flexor_retinaculum",)
    under = factory.make(CardKey("superior_extensor_retinaculum", "region_contents"),
                         random.Random(0))
    assert under.highlight_ids == ("superior_extensor_retinaculum",)


def test_two_walls_on_one_side_are_both_right(tmp_path) -> None:
    """A second superomedial wall (semitendinosus beside semimembranosus) was offered as a
    wrong answer: a true answer marked wrong."""
    import shutil

    from calfexplorer.paths import data_dir

    data = tmp_path / "data"
    shutil.copytree(data_dir(), data)
    regions = data / "structures/regions.yaml"
    text = regions.read_text(encoding="utf-8")
    wall = "      - {where: superomedial, structure: semimembranosus, text: with semitendinosus on"
    assert wall in text
    regions.write_text(text.replace(wall, "      - {where: superomedial, structure: "
                                    "semitendinosus, refs: [r15_pediagenosis_popliteal]}\n" + wall),
                       encoding="utf-8")
    atlas, problems = load_atlas(data)
    assert problems == []
    factory = QuestionFactory(StudyFacts.with_lesions(atlas))
    asked = 0
    for seed in range(60):
        q = factory.make(CardKey("popliteal_fossa", "region_boundary"), random.Random(seed))
        if "superomedial" not in q.prompt:
            continue
        asked += 1
        right = {c.id for c in q.choices if c.id in q.correct_ids}
        assert right and right <= {"semitendinosus", "semimembranosus"}, (seed, q.choices)
        assert not {"semitendinosus", "semimembranosus"} - q.correct_ids
    assert asked


def test_one_card_per_ordered_list(facts: StudyFacts) -> None:
    """"What lies in the tarsal tunnel, from front to back?" and "What passes under the
    flexor retinaculum ...?" had one answer: both came up in a session of three."""
    from calfexplorer.study.facts import _ordered_ids

    cards = [c.structure_id for c in facts.cards if c.kind == "region_contents"]
    lists = [tuple(_ordered_ids(facts.structures[s])) for s in cards]
    assert len(set(lists)) == len(lists)
    assert "tarsal_tunnel" in cards and "flexor_retinaculum" not in cards
