"""One card per attachment place, and the progress earlier versions kept per muscle at it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs

from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scheduler import Scheduler, new_card
from calfexplorer.study.scope import Scope
from calfexplorer.study.session import StudySession
from calfexplorer.study.stats import compute_stats
from calfexplorer.study.store import ProgressStore

START = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
TUBEROSITY = "gastrocnemius:insertion:calcaneal_tuberosity"  # the place's card
SOLEUS = CardKey("soleus:insertion:calcaneal_tuberosity", "attachment_site")
MEDIAL_HEAD = CardKey("gastrocnemius_medial_head:insertion:calcaneal_tuberosity",
                      "attachment_site")
CALF_SITES = Scope.of(compartments=["posterior_superficial"], kinds=["attachment_site"])


def _answer(store: ProgressStore, key: CardKey, days: float, correct: bool = True) -> None:
    """An answer as an earlier version recorded it: on the card of one muscle at a place."""
    when = START + timedelta(days=days)
    card = store.card(key) or new_card(key, when)
    rating = fsrs.Rating.Good if correct else fsrs.Rating.Again
    updated, _ = Scheduler().review(card, rating, when)
    store.record_answer(key, updated, correct, int(rating), "", when)


def _earlier_progress(path) -> fsrs.Card:
    """Reviews on three cards of the calcaneal tuberosity; the soleus's card is the newest
    (reviewed on day 30, not due for weeks), the gastrocnemius's last seen on day 1 (due
    since day 2). Returns the soleus's card."""
    with ProgressStore.open(path) as store:
        _answer(store, CardKey(TUBEROSITY, "attachment_site"), 0)
        _answer(store, CardKey(TUBEROSITY, "attachment_site"), 1, correct=False)
        _answer(store, MEDIAL_HEAD, 2)
        for day in (3, 6, 14, 30):
            _answer(store, SOLEUS, day)
        soleus = store.card(SOLEUS)
    assert soleus is not None and soleus.due > START + timedelta(days=40)
    return soleus


def test_a_place_is_one_card_in_a_deck(facts):
    cards = CALF_SITES.cards(facts)
    places = {(facts.sites[c.structure_id].role, facts.sites[c.structure_id].landmark_key)
              for c in cards}
    assert len(cards) == len(places) == 5  # (ten cards before: four at the tuberosity)
    assert CardKey(TUBEROSITY, "attachment_site") in cards
    assert facts.card_of(SOLEUS) == facts.card_of(MEDIAL_HEAD) == (TUBEROSITY,
                                                                    "attachment_site")


def test_earlier_reviews_of_a_place_s_cards_are_kept_and_counted(facts, tmp_path):
    path = tmp_path / "progress.sqlite"
    soleus = _earlier_progress(path)
    clock = [START + timedelta(days=31)]
    now = clock[0]
    with ProgressStore.open(path) as store:
        stats = compute_stats(facts, store, CALF_SITES, now=now, tz=UTC)
        assert stats.by_kind["attachment_site"].answered == 7  # every answer counts
        assert stats.by_kind["attachment_site"].correct == 6
        assert stats.by_kind["attachment_site"].reviewed == 1  # one card: the place
        assert stats.by_structure["soleus"].answered == 7  # each muscle there sees it
        assert stats.by_structure["gastrocnemius"].reviewed == 1
        # the newest schedule holds: not due (the gastrocnemius's old card was overdue)
        assert stats.due_now == 0 and stats.learned == 1
        session = StudySession(facts, store, CALF_SITES, rng=random.Random(0),
                               clock=lambda: clock[0])
        counts = session.counts()
        assert (counts.due, counts.learned, counts.total) == (0, 1, 5)
        # when it falls due, its answer builds on the newest schedule, under the place's card
        session._in_scope = [CardKey(TUBEROSITY, "attachment_site")]
        clock[0] = soleus.due
        q = session.next_question()
        assert q is not None and q.card == (TUBEROSITY, "attachment_site")
        session.answer(next(i for i, c in enumerate(q.choices) if c.id in q.correct_ids))
        after = store.card(CardKey(TUBEROSITY, "attachment_site"))
        assert after is not None and after.state == fsrs.State.Review
        assert after.stability > soleus.stability
        # nothing an earlier version wrote is changed or moved: it can still read its cards
        assert store.card(SOLEUS) == soleus
        assert len(store.reviews()) == 8
        assert store.integrity_ok() and store.status.in_file
    assert sorted(p.name for p in tmp_path.iterdir() if "corrupt" in p.name) == []
