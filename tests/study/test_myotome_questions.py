"""Myotome questions: root -> key movement and movement -> root, right by the data, with the
values sources dispute accepted and never offered as wrong."""

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
from calfexplorer.study.text import format_roots


@pytest.fixture(scope="module")
def facts() -> StudyFacts:
    atlas, _ = load_atlas()  # the app's own data (this folder's conftest has a small one)
    return StudyFacts.with_lesions(atlas)


def test_root_to_key_movement_matches_the_data(facts: StudyFacts) -> None:
    data = facts.lesion_model.data
    cards = [c for c in facts.cards if c.kind == "myotome_movement"]
    assert {c.structure_id for c in cards} == {"root:L2", "root:L3", "root:L4", "root:L5",
                                               "root:S1"}
    factory = QuestionFactory(facts)
    for card in cards:
        root = card.structure_id.removeprefix("root:")
        key = data.key_myotome(root)
        for seed in range(6):
            q = factory.make(card, random.Random(seed))
            assert q.correct_choice.id == key.movement.replace(".", ":")
            assert sum(c.id in q.correct_ids for c in q.choices) == 1
            for c in q.choices:  # no wrong choice is a movement any source gives this root
                if c.id in q.correct_ids:
                    continue
                other = next(m for m in data.myotomes if m.movement.replace(".", ":") == c.id)
                given = set(other.roots) | {r for a in other.disputed for r in a.roots}
                assert root not in given, (card, c)
    q = factory.make(CardKey("root:L4", "myotome_movement"), random.Random(0))
    assert q.prompt == "Which movement tests the L4 root (its key muscle group)?"
    assert q.correct_choice.text == "Ankle dorsiflexion"
    assert grade(q, "ankle dorsiflexion", typed=True).correct
    assert not grade(q, "great toe extension", typed=True).correct


def test_movement_to_root_accepts_what_sources_give(facts: StudyFacts) -> None:
    factory = QuestionFactory(facts)
    for card in (c for c in facts.cards if c.kind == "myotome_roots"):
        myotome = facts.myotomes[card.structure_id]
        q = factory.make(card, random.Random(2))
        assert q.correct_choice.text == format_roots(myotome.roots)
        assert len({c.text for c in q.choices}) == len(q.choices) == 4
    q = factory.make(CardKey("myotome:l4_ankle_dorsiflexion", "myotome_roots"),
                     random.Random(0))
    assert q.prompt == "Which spinal root does ankle dorsiflexion test (its myotome)?"
    assert q.answer_text == "L4"
    assert grade(q, "L4", typed=True).correct
    assert grade(q, "L4-L5", typed=True).correct  # the dispute, with its sources
    assert grade(q, "L5", typed=True).correct
    assert not grade(q, "S1", typed=True).correct


def test_scheduled_and_exported_like_the_others(facts: StudyFacts) -> None:
    scope = Scope.of(kinds=["myotome_movement", "myotome_roots"])
    cards = scope.cards(facts)
    assert len(cards) == 5 + len(facts.myotomes)
    notes = build_notes(facts, scope)
    assert len(notes) == len(cards)
    by_card = {q.card: note for q, note in notes}
    note = by_card[CardKey("root:S1", "myotome_movement")]
    assert note.fields[1] == "Ankle plantarflexion"
    assert note.fields[5] == "Myotome: key movement"
    assert Scope.of(structure_kinds=["nerve"]).includes(facts, CardKey("root:S1",
                                                                      "myotome_movement"))


def test_a_session_asks_and_schedules_them(facts: StudyFacts, tmp_path) -> None:
    from calfexplorer.study.session import StudySession
    from calfexplorer.study.store import ProgressStore

    scope = Scope.of(kinds=["myotome_movement", "myotome_roots"])
    with ProgressStore.open(tmp_path / "progress.sqlite") as store:
        session = StudySession(facts, store, scope, length=3, rng=random.Random(0))
        asked = []
        for _ in range(3):
            q = session.next_question()
            assert q is not None and q.kind in ("myotome_movement", "myotome_roots")
            asked.append(q.card)
            index = next(i for i, c in enumerate(q.choices) if c.id in q.correct_ids)
            assert session.answer(index).correct
        session.finish()
        reviews = store.reviews(session.session_id)
        assert [r.correct for r in reviews] == [True, True, True]
        assert set(asked) <= set(scope.cards(facts))
        later = StudySession(facts, store, scope, length=20, rng=random.Random(1))
        assert later.counts().learning + later.counts().learned >= 3  # scheduled, not new


def test_part_of_a_range_some_source_gives_is_never_a_wrong_choice(facts: StudyFacts) -> None:
    # Hip extension: S1, with L5 and L5 to S2 from other sources; "L5, S1" lies within that.
    # Hip adduction: L2 to L4, "each source names part of that range".
    factory = QuestionFactory(facts)
    for card, part in (("myotome:hip_extension", "L5, S1"), ("myotome:hip_adduction", "L3")):
        for seed in range(40):
            q = factory.make(CardKey(card, "myotome_roots"), random.Random(seed))
            assert part not in {c.text for c in q.choices if c.id not in q.correct_ids}, seed
