"""The engine on the real knowledge base: every card asks a sound question, fast, without Qt."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from calfexplorer.study.anki import build_notes
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.grading import grade_text
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory
from calfexplorer.study.scope import Scope


@pytest.fixture(scope="module")
def real():
    from calfexplorer.atlas import load_atlas

    atlas, _ = load_atlas()
    if not atlas.muscles():
        pytest.skip("the real atlas has no muscles yet")
    facts = StudyFacts(atlas)
    return facts, QuestionFactory(facts)


def test_every_real_card_makes_a_sound_question(real):
    facts, factory = real
    assert {m for m in facts.of_kind("muscle")} <= {c.structure_id for c in facts.cards}
    for card in facts.cards:
        for seed in range(2):
            q = factory.make(card, random.Random(seed))
            if q.mode == "pick":
                continue
            assert len(q.choices) == 4, q  # never a coin toss between two movements
            assert sum(c.id in q.correct_ids for c in q.choices) == 1, q
            assert len({c.text for c in q.choices}) == len(q.choices), q
            if card.kind == "synergist":
                true = {r.other for r in facts.synergists[card.structure_id]}
                assert not {c.id for c in q.choices if c.id not in q.correct_ids} & true
            if card.kind == "antagonist":
                true = {r.other for r in facts.antagonists[card.structure_id]}
                assert not {c.id for c in q.choices if c.id not in q.correct_ids} & true


def test_real_typed_names(real):
    facts, _ = real
    vocab = facts.all_names
    assert vocab.match("peroneus longus").ids == {"fibularis_longus"}
    assert vocab.match("soleus").ids == {"soleus"}
    assert "popliteus" not in (vocab.match("soleus").ids)
    assert "fibularis_longus" not in vocab.match("fibularis brevis").ids
    assert vocab.match("achilles tendon").ids == {"calcaneal_tendon"}


def test_study_imports_neither_qt_nor_vtk():
    code = (
        "import sys, calfexplorer.study, calfexplorer.study.anki, calfexplorer.study.stats;"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'vtkmodules', 'vtk', 'pyqtgraph', 'superqt')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _wrong_texts(factory, sid, kind, seeds=range(30)):
    out = set()
    for seed in seeds:
        q = factory.make(CardKey(sid, kind), random.Random(seed))
        out |= {c.text for c in q.choices if c.id not in q.correct_ids}
    return out


def test_a_place_the_muscle_s_own_description_names_is_never_a_wrong_choice(real):
    # The gracilis arises "from the body of the pubis, the inferior pubic ramus and the ramus
    # of the ischium"; its site's landmark is only the ramus. The popliteus from "the lateral
    # surface of the lateral femoral condyle".
    facts, factory = real
    assert not {"Body of the pubis (hip bone)", "Ramus of the ischium (hip bone)"} & (
        _wrong_texts(factory, "gracilis", "origin")
    )
    assert "Body of the pubis (hip bone)" not in _wrong_texts(factory, "adductor_brevis", "origin")
    assert "Lateral condyle of the femur" not in _wrong_texts(factory, "popliteus", "origin")
    on_pubis = _wrong_texts(factory, "adductor_longus:origin:body_of_pubis", "attachment_site")
    assert not {"Gracilis", "Adductor brevis"} & on_pubis


def test_an_artery_the_supply_note_names_is_never_a_wrong_choice(real):
    facts, factory = real
    # "Small twigs from the lateral inferior genicular artery reach its upper end."
    assert "Genicular arteries" not in _wrong_texts(factory, "fibularis_longus", "blood_supply")
    # "Orthobullets also lists sural branches of the popliteal artery"
    assert "Sural arteries" not in _wrong_texts(factory, "tibialis_posterior", "blood_supply")


def test_an_artery_the_whole_muscle_s_note_names_is_never_a_wrong_choice_for_a_head(real):
    """"Which artery supplies the medial head of gastrocnemius?" offered the posterior tibial
    and fibular arteries as wrong, while the gastrocnemius's page says its belly also gets
    twigs from both (the lateral head's own note says so, the medial head's does not)."""
    facts, factory = real
    wrong = _wrong_texts(factory, "gastrocnemius_medial_head", "blood_supply")
    assert "Posterior tibial artery" not in wrong and "Fibular artery" not in wrong


def test_an_action_is_asked_among_four_movements_none_at_a_joint_the_muscle_crosses_silently(
    real,
):
    facts, factory = real
    soleus = _wrong_texts(factory, "soleus", "action")
    assert "Ankle dorsiflexion" in soleus and "Knee flexion" in soleus
    # the soleus crosses the subtalar joint, and the atlas lists no action of it there
    assert not {t for t in soleus if t.startswith("Subtalar")}
    q = factory.make(CardKey("soleus", "action"), random.Random(0))
    assert q.prompt == "Which of these movements does the soleus produce?"
    assert grade_text(q, "plantar flexion").correct
    assert grade_text(q, "ankle plantarflexion").correct
    assert not grade_text(q, "dorsiflexion").correct


def test_a_typed_typo_is_read_as_the_name_it_spells_not_the_one_it_sorts_beside(real):
    facts, factory = real
    vocabulary = facts.all_names
    assert vocabulary.match("aterior tibial artery").ids == {"anterior_tibial_artery"}
    assert vocabulary.match("nterior talofibular ligament").ids == {
        "anterior_talofibular_ligament"
    }
    assert vocabulary.match("iuperior extensor retinaculum").ids == {
        "superior_extensor_retinaculum"
    }
    q = factory.make(CardKey("flexor_digitorum_longus", "blood_supply"), random.Random(0))
    assert not grade_text(q, "aterior tibial artery").correct  # it was read as posterior


def test_typed_answers_as_students_write_them(real):
    facts, factory = real
    magnus = factory.make(CardKey("adductor_magnus", "innervation"), random.Random(0))
    assert grade_text(magnus, "Obturator nerve and Sciatic nerve").correct
    assert grade_text(magnus, "obturator, sciatic").correct
    assert not grade_text(magnus, "obturator nerve and femoral nerve").correct
    gastro = factory.make(CardKey("gastrocnemius", "blood_supply"), random.Random(0))
    assert grade_text(gastro, "sural artery").correct
    tibialis = factory.make(CardKey("tibialis_anterior", "roots"), random.Random(0))
    assert grade_text(tibialis, "L4/5").correct and grade_text(tibialis, "L4,5").correct
    longus = factory.make(CardKey("adductor_longus", "synergist"), random.Random(1))
    assert grade_text(longus, "Gluteus maximus (lower fibres)").correct
    assert not grade_text(longus, "Gluteus maximus (upper fibres)").correct  # they abduct
    vocabulary = facts.all_names
    assert vocabulary.match("popliteal ven").ids == {"popliteal_vein"}  # not the popliteus
    assert vocabulary.match("dep femoral artery").ids == {"deep_femoral_artery"}
    brevis = factory.make(CardKey("flexor_digitorum_brevis", "action"), random.Random(0))
    assert grade_text(brevis, "toe flexion").correct and grade_text(brevis, "flexion").correct
    assert not grade_text(brevis, "hip flexion").correct
    popliteus = factory.make(CardKey("popliteus", "action"), random.Random(0))
    assert grade_text(popliteus, "medial rotation").correct
    assert not grade_text(popliteus, "hip medial rotation").correct


def test_root_levels_some_source_gives_are_accepted_and_never_offered_as_wrong(real):
    facts, factory = real
    fhl = factory.make(CardKey("flexor_hallucis_longus", "roots"), random.Random(0))
    for roots in ("S1, S2", "L5, S1", "L5, S1, S2", "S2, S3"):
        assert grade_text(fhl, roots).correct, roots
    assert "L4, L5, S1" not in _wrong_texts(factory, "tibialis_posterior", "roots")


def test_find_it_notes_ask_in_the_right_number(real, tmp_path):
    facts, _ = real
    notes = build_notes(facts, Scope(kinds=frozenset({"find_it"})))
    prompts = {q.structure_id: note.fields[0] for q, note in notes}
    assert prompts["genicular_arteries"].startswith("Where are the genicular arteries?")
    assert prompts["soleus"].startswith("Where is the soleus?")
    assert prompts["phalanges"].startswith("Where are the phalanges of the foot?")


def test_a_place_a_description_only_locates_by_is_still_a_wrong_choice(real):
    # tibialis posterior arises "below the soleal line": it does not arise from it
    facts, factory = real
    on_line = _wrong_texts(factory, "soleus:origin:soleal_line", "attachment_site", range(60))
    assert {"Tibialis posterior", "Flexor digitorum longus"} & on_line
    assert facts.crosses("flexor_digitorum_brevis", "subtalar")  # the calcaneocuboid joint
    assert not facts.crosses("soleus", "knee") and facts.crosses("soleus", "subtalar")


def test_a_site_question_does_not_pair_attachments_on_opposite_sides_of_a_bone(real):
    """'Which muscles insert on the highlighted site on the phalanges?' answered 'Abductor
    hallucis and Extensor hallucis brevis': one inserts on the medial side of the great toe's
    proximal phalanx, the other on its dorsal surface, under one landmark."""
    _, factory = real
    for owner in ("abductor_hallucis", "extensor_hallucis_brevis"):
        sid = f"{owner}:insertion:proximal_phalanx_great_toe"
        q = factory.make(CardKey(sid, "attachment_site"), random.Random(0))
        assert q.answer_text == factory.facts.name(owner), q.answer_text


def test_one_place_is_asked_about_once(real):
    """Each muscle (and each head of it) at one landmark made a card of its own: a deck for
    the calf asked "Which muscles insert on the highlighted site on the calcaneus?" five times
    with the same answer (the gastrocnemius's and its heads' with the same picture too), and
    each head's origin twice."""
    facts, factory = real
    asked: dict[tuple[str, frozenset[str], str], str] = {}
    for card in Scope().cards(facts):
        if card.kind != "attachment_site":
            continue
        q = factory.make(card, random.Random(0))
        place = facts.sites[card.structure_id].landmark_key
        key = (q.static_prompt or q.prompt, q.correct_ids, place)
        assert key not in asked, f"{card.structure_id} asks what {asked[key]} asks"
        asked[key] = card.structure_id
    asked_ids = set(asked.values())  # the calf's places are still asked about
    assert "gastrocnemius:insertion:calcaneal_tuberosity" in asked_ids
    assert {"soleus:origin:soleal_line", "soleus:origin:tibia_medial_border"} <= asked_ids
    # a place two compartments share is asked in each one's deck, as one card
    head_of_fibula = facts.card_of(CardKey("soleus:origin:fibula_head_and_upper_shaft",
                                           "attachment_site"))
    assert head_of_fibula == facts.card_of(CardKey("fibularis_longus:origin:head_of_fibula",
                                                   "attachment_site"))
    for compartment in ("posterior_superficial", "lateral"):
        deck = Scope.of(compartments=[compartment], kinds=["attachment_site"]).cards(facts)
        assert head_of_fibula in deck, compartment
    calf = Scope.of(compartments=["posterior_superficial"], kinds=["attachment_site"])
    at_tuberosity = [c for c in calf.cards(facts)
                     if facts.sites[c.structure_id].landmark_key.endswith(":calcaneal_tuberosity")
                     and facts.sites[c.structure_id].role == "insertion"]
    assert len(at_tuberosity) == 1  # (asked five times)


def test_a_site_question_whose_answer_names_a_tendon_asks_for_tendons_too(real):
    """"Which muscles insert on the highlighted site on the calcaneus?" was answered
    "Gastrocnemius, Calcaneal tendon, ...": a tendon given as one of the muscles."""
    facts, factory = real
    q = factory.make(CardKey("gastrocnemius:insertion:calcaneal_tuberosity", "attachment_site"),
                     random.Random(0))
    assert "Calcaneal tendon" in q.answer_text
    assert (q.static_prompt or q.prompt) == (
        "Which muscles or tendons insert on the highlighted site on the calcaneus?")
    q = factory.make(CardKey("soleus:origin:soleal_line", "attachment_site"), random.Random(0))
    assert q.prompt == "Which muscle originates from the highlighted site on the tibia?"


@pytest.mark.parametrize(("site", "answer"), [
    # only the medial head arises there: not "Gastrocnemius and Medial head of gastrocnemius",
    # which reads as two muscles
    ("gastrocnemius:origin:medial_head_femur", "Medial head of gastrocnemius"),
    # both heads insert there: the whole muscle, once
    ("gastrocnemius:insertion:calcaneal_tuberosity",
     "Gastrocnemius, Calcaneal tendon, Plantaris and Soleus"),
])
def test_a_site_answer_names_a_muscle_once(real, site, answer):
    _, factory = real
    q = factory.make(CardKey(site, "attachment_site"), random.Random(0))
    assert q.answer_text == answer
    assert {"gastrocnemius", "gastrocnemius_medial_head"} <= q.correct_ids  # both still right


def test_every_card_is_in_the_whole_leg_scope(real):
    """A card left out of every scope keeps its reviews in the store but out of statistics
    and scheduling: to the student, progress lost (one card per shared place, chosen per
    scope, left 27 of 101 site cards in no deck)."""
    facts, _ = real
    assert Scope().cards(facts) == list(facts.cards)
