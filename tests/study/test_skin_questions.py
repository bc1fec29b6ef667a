"""Skin questions without a window: one card per area of the skin map, graded by the areas
under the click, exported to Anki as a question in words."""

from __future__ import annotations

import random

import pytest

from calfexplorer.atlas import load_atlas
from calfexplorer.study.anki import build_notes
from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.grading import grade
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import QuestionFactory
from calfexplorer.study.scope import Scope
from calfexplorer.study.skin_questions import skin_answer


@pytest.fixture(scope="module")
def facts() -> StudyFacts:
    atlas, _ = load_atlas()  # the app's own data (this folder's conftest has a small one)
    return StudyFacts.with_lesions(atlas)


def test_one_card_per_dermatome_and_territory(facts: StudyFacts) -> None:
    cards = {c.structure_id for c in facts.cards if c.kind == "skin_locate"}
    assert {"skin:L4", "skin:L5", "skin:S1", "skin:lateral_foot", "skin:sole"} <= cards
    assert cards == set(facts.skin_areas)


def test_the_click_is_graded_by_the_areas_under_it(facts: StudyFacts) -> None:
    factory = QuestionFactory(facts)
    q = factory.make(CardKey("skin:L5", "skin_locate"), random.Random(0))
    assert q.mode == "skin" and q.prompt == "Click the skin where the L5 dermatome lies."
    right = skin_answer(q, ["L5", "L4"], ["dorsum_of_foot"])
    assert right == "skin:L5" and grade(q, right).correct
    wrong = skin_answer(q, ["S1"], ["lateral_foot"])
    assert wrong == "skin:S1" and not grade(q, wrong).correct  # named by the same map
    assert skin_answer(q, [], ["sole"]) == "" and not grade(q, "").correct
    sural = factory.make(CardKey("skin:lateral_foot", "skin_locate"), random.Random(0))
    assert sural.prompt == "Click the skin that the sural nerve supplies."
    assert skin_answer(sural, ["S1"], ["sole"]) == "skin:sole"
    assert grade(sural, skin_answer(sural, ["S1"], ["lateral_foot", "sole"])).correct
    assert sural.answer_text == "Lateral ankle and foot (sural nerve)"


def test_anki_asks_it_in_words(facts: StudyFacts) -> None:
    notes = dict((q.card, n) for q, n in build_notes(facts, Scope.of(kinds=["skin_locate"])))
    assert len(notes) == len(facts.skin_areas)
    note = notes[CardKey("skin:sole", "skin_locate")]
    assert note.fields[0] == (
        "Which skin do the medial plantar nerve and the lateral plantar nerve supply?"
    )
    assert note.fields[1] == "Sole of the foot (medial and lateral plantar nerves)"
