"""Sessions: due cards first, then new ones, within scope and length; exam mode; stats."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import fsrs
import pytest

from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scope import Scope
from calfexplorer.study.session import StudySession
from calfexplorer.study.stats import compute_stats
from calfexplorer.study.store import ProgressStore


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> None:
        self.now += timedelta(**kw)


@pytest.fixture
def store(tmp_path):
    with ProgressStore.open(tmp_path / "progress.sqlite") as s:
        yield s


@pytest.fixture
def clock():
    return Clock()


def right(q):
    """The correct answer to a question, as the GUI would give it."""
    if q.mode == "pick":
        return q.structure_id
    return next(i for i, c in enumerate(q.choices) if c.id in q.correct_ids)


def wrong(q):
    if q.mode == "pick":
        return "no_such_structure"
    return next(i for i, c in enumerate(q.choices) if c.id not in q.correct_ids)


def session(facts, store, clock, **kw):
    kw.setdefault("rng", random.Random(0))
    return StudySession(facts, store, clock=clock, **kw)


def test_scope_limits_cards(facts):
    scope = Scope.of(compartments=["lateral"], kinds=["name_it", "innervation"])
    cards = scope.cards(facts)
    assert set(cards) == {
        CardKey(m, k)
        for m in ("fibularis_longus", "fibularis_brevis")
        for k in ("name_it", "innervation")
    }
    sites = Scope.of(kinds=["attachment_site"], compartments=["lateral"]).cards(facts)
    assert sites and all(facts.sites[c.structure_id].owner.startswith("fibularis") for c in sites)
    nerves = Scope.of(structure_kinds=["nerve"]).cards(facts)
    assert nerves and {c.kind for c in nerves} == {"name_it", "find_it"}
    with pytest.raises(ValueError, match="unknown question kinds"):
        Scope.of(kinds=["spelling"])


def test_session_asks_new_cards_within_scope_and_length(facts, store, clock):
    scope = Scope.of(compartments=["posterior_deep"], kinds=["name_it", "origin"])
    s = session(facts, store, clock, scope=scope, length=5)
    assert s.counts().new == len(scope.cards(facts)) == 6
    asked = []
    while (q := s.next_question()) is not None:
        assert scope.includes(facts, q.card)
        asked.append(q.card)
        s.answer(right(q))
    assert len(asked) == 5 and len(set(asked)) == 5
    summary = s.finish()
    assert summary.answered == 5 and summary.correct == 5 and summary.score == 1.0
    assert s.counts().new == 1


def test_wrong_answers_come_back_due_before_new_cards(facts, store, clock):
    scope = Scope.of(kinds=["name_it"], structure_kinds=["muscle"])
    s = session(facts, store, clock, scope=scope, length=50)
    first = s.next_question()
    s.answer(wrong(first))
    clock.advance(minutes=2)  # past FSRS's first learning step (1 minute)
    assert s.counts().due == 1
    again = s.next_question()
    assert again.card == first.card  # due before new
    result = s.answer(right(again))
    assert result.correct


def test_due_reviews_in_a_later_session(facts, store, clock):
    scope = Scope.of(kinds=["find_it"], compartments=["anterior"])
    s = session(facts, store, clock, scope=scope, length=10)
    while (q := s.next_question()) is not None:
        s.answer(right(q))
    s.finish()
    counts = s.counts()
    assert counts.new == 0 and counts.due == 0
    clock.advance(days=30)
    later = session(facts, store, clock, scope=scope, length=10)
    assert later.counts().due == len(scope.cards(facts))
    assert later.next_question().card in scope.cards(facts)


@pytest.mark.parametrize("jump", [timedelta(days=4 * 365), timedelta(days=-4 * 365)])
def test_cards_learnt_while_the_clock_was_wrong_come_due_after_their_interval(
        facts, store, clock, jump):
    """Cards learnt with the clock four years ahead waited those four years once it was set
    right, counted learned; a clock set back between sessions the same. They are due now,
    and once answered again their next due time counts from the clock as it is."""
    scope = Scope.of(kinds=["find_it"], compartments=["anterior"])
    cards = scope.cards(facts)
    start = clock.now
    clock.now = start + max(jump, timedelta(0))  # ahead while learning, or ...
    s = session(facts, store, clock, scope=scope, length=10)
    while (q := s.next_question()) is not None:
        s.answer(right(q), self_rating="easy")
    s.finish()
    interval = max(c.due - c.last_review for c in store.cards().values())
    clock.now = start + min(jump, timedelta(0))  # ... set back after it
    later = session(facts, store, clock, scope=scope, length=10)
    assert later.counts().due == len(cards) and later.counts().new == 0
    assert compute_stats(facts, store, scope, now=clock.now, tz=UTC).due_now == len(cards)
    while (q := later.next_question()) is not None:
        later.answer(right(q))
    after = store.cards()
    assert set(after) == set(cards)
    assert all(clock.now < c.due <= clock.now + interval for c in after.values())
    again = session(facts, store, clock, scope=scope, length=10)
    assert again.counts().due == 0 and again.counts().learned == len(cards)
    clock.now += interval
    assert session(facts, store, clock, scope=scope, length=10).counts().due == len(cards)


def test_learned_count_after_graduating(facts, store, clock):
    scope = Scope.of(kinds=["roots"], compartments=["lateral"])
    s = session(facts, store, clock, scope=scope, length=1)
    q = s.next_question()
    s.answer(right(q), self_rating="easy")  # easy graduates straight to review
    assert store.cards()[q.card].state == fsrs.State.Review
    assert s.counts().learned == 1


def test_rate_last_amends_the_committed_answer(facts, store, clock):
    s = session(facts, store, clock, scope=Scope.of(kinds=["innervation"]), length=3)
    q = s.next_question()
    s.answer(right(q))
    good_due = store.cards()[q.card].due
    s.rate_last("easy")
    assert store.reviews()[-1].rating == int(fsrs.Rating.Easy)
    assert store.cards()[q.card].due > good_due
    q = s.next_question()
    s.answer(wrong(q))
    s.rate_last("easy")  # a wrong answer stays Again
    assert store.reviews()[-1].rating == int(fsrs.Rating.Again)


def test_typed_and_picked_answers(facts, store, clock):
    s = session(facts, store, clock, scope=Scope.of(kinds=["name_it"], compartments=["lateral"]))
    q = s.next_question()
    assert q.structure_id == "fibularis_longus"
    assert s.answer("peroneus longus", typed=True).correct
    q = s.next_question()
    assert not s.answer("fibularis longus", typed=True).correct
    assert store.reviews()[-1].answer == "fibularis longus"


def test_exam_mode_hides_hints_and_scores_at_the_end(facts, store, clock):
    s = session(facts, store, clock, scope=Scope.of(compartments=["anterior"]), length=6, exam=True)
    assert not s.show_feedback
    n = 0
    while (q := s.next_question()) is not None:
        assert q.hint is None
        s.answer(right(q) if n % 2 == 0 else wrong(q))
        n += 1
    summary = s.finish()
    assert (summary.answered, summary.correct) == (6, 3)
    assert len(summary.missed) == 3
    assert sum(n for _, n in summary.by_kind.values()) == 6
    assert store.sessions()[-1][2] is not None and store.sessions()[-1][3] is True


def test_answer_without_question_raises(facts, store, clock):
    s = session(facts, store, clock)
    with pytest.raises(RuntimeError):
        s.answer(0)


def test_stats(facts, store, clock):
    scope = Scope.of(compartments=["lateral"])
    s = session(facts, store, clock, scope=scope, length=4)
    results = []
    while (q := s.next_question()) is not None:
        results.append(s.answer(right(q) if len(results) != 1 else wrong(q)).correct)
    clock.advance(days=1)
    s2 = session(facts, store, clock, scope=scope, length=2)
    while (q := s2.next_question()) is not None:
        s2.answer(right(q))
    stats = compute_stats(facts, store, scope, now=clock.now, tz=UTC)
    assert [(d.answered, d.correct) for d in stats.per_day] == [(4, 3), (2, 2)]
    assert stats.per_day[0].day.isoformat() == "2026-03-01"
    longus = stats.by_structure["fibularis_longus"]
    assert longus.reviewed >= 1 and 0 < longus.mastery <= 1
    assert stats.by_kind["name_it"].answered >= 1
    untouched = [m for m in stats.by_structure.values() if m.reviewed == 0]
    assert all(m.mastery is None for m in untouched)  # (never seen: no recall to estimate)
    assert stats.new == len(scope.cards(facts)) - len(
        [k for k in store.cards() if scope.includes(facts, k)]
    )
    assert len(stats.due_next_days) == 7
    assert sum(n for _, n in stats.due_next_days) >= stats.due_now
    c = s2.counts()  # the statistics count as the session does
    assert (stats.due_now, stats.new, stats.learning, stats.learned) == (
        c.due, c.new, c.learning, c.learned)


def test_a_question_the_view_cannot_show_is_left_out(facts, tmp_path):
    """The window's test (e.g. "this site can be seen") drops a card from the session."""
    import random

    from calfexplorer.study import ProgressStore, Scope, StudySession

    refused: list[str] = []

    def askable(q) -> bool:
        if not refused:
            refused.append(q.structure_id)
            return False
        return True

    with ProgressStore.open(tmp_path / "p.sqlite") as store:
        session = StudySession(
            facts,
            store,
            Scope.of(kinds=["name_it"]),
            length=50,
            rng=random.Random(2),
            askable=askable,
        )
        asked = []
        while (q := session.next_question()) is not None:
            asked.append(q.structure_id)
            session.answer(0)
    assert refused and refused[0] not in asked
    assert len(set(asked)) == len(Scope.of(kinds=["name_it"]).cards(facts)) - 1


def test_new_cards_start_with_the_calf() -> None:
    """A student of the calf meets its muscles first, not the sole's (the real atlas's file
    order put the foot's intrinsic muscles first)."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.study import StudyFacts

    real = StudyFacts.with_lesions(load_atlas()[0])  # as the Study panel makes them
    first = [k.structure_id for k in Scope.of(kinds=["name_it"]).cards(real)[:6]]
    assert {"gastrocnemius", "soleus"} <= set(first)
    assert not {"abductor_hallucis", "flexor_digitorum_brevis", "quadratus_plantae"} & set(first)


def test_the_most_overdue_card_comes_first(facts, store, clock):
    from datetime import timedelta

    from calfexplorer.study.scheduler import Scheduler, new_card, rating_for

    scope = Scope.of(compartments=["lateral"], kinds=["name_it"])
    a, b = scope.cards(facts)[:2]
    for key, days_over in ((b, 1), (a, 3)):  # recorded in the other order
        card, _ = Scheduler().review(new_card(key, clock.now), rating_for(True), clock.now)
        card.due = clock.now - timedelta(days=days_over)
        store.record_answer(key, card, True, int(rating_for(True)), "x", clock.now)
    s = session(facts, store, clock, scope=scope, length=2)
    assert s.next_question().card == a  # three days overdue before one day
    s.answer(right(s.current))
    assert s.next_question().card == b


def test_days_in_the_statistics_are_the_users_days(facts, store, clock):
    """An answer at 02:00 UTC is the evening before for a user five hours behind UTC."""
    from datetime import timedelta, timezone

    scope = Scope.of(compartments=["lateral"], kinds=["name_it"])
    clock.now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    s = session(facts, store, clock, scope=scope, length=1)
    s.answer(right(s.next_question()))
    east_of_americas = timezone(timedelta(hours=-5))
    stats = compute_stats(facts, store, scope, now=clock.now, tz=east_of_americas)
    assert [d.day.isoformat() for d in stats.per_day] == ["2026-03-01"]
    assert [d.day.isoformat() for d in compute_stats(
        facts, store, scope, now=clock.now, tz=UTC).per_day] == ["2026-03-02"]


def test_every_card_subject_has_a_kind_word_for_the_statistics() -> None:
    """The statistics' Kind column was empty for skin areas, lesions, reflexes and myotomes."""
    from calfexplorer.atlas import load_atlas
    from calfexplorer.study import StudyFacts

    real = StudyFacts.with_lesions(load_atlas()[0])  # as the Study panel makes them
    words = {k.structure_id: real.kind_word(k.structure_id) for k in real.cards}
    assert all(words.values()), [sid for sid, w in words.items() if not w]
    assert words["skin:L5"] == "dermatome" and words["soleus"] == "muscle"
    assert {"skin territory", "lesion", "reflex", "myotome", "root"} <= set(words.values())


def test_a_second_window_s_answers_are_built_on_not_overwritten(facts, tmp_path, clock):
    """Two windows on one progress file: window A, open all along, answered a card once after
    window B had answered it three times, and wrote a state computed from its own stale copy
    (B's learning lost: the card back in Learning, its stability small again)."""
    path = tmp_path / "progress.sqlite"
    key = CardKey("soleus", "name_it")
    with ProgressStore.open(path) as a_store, ProgressStore.open(path) as b_store:
        a = session(facts, a_store, clock, length=99)
        b = session(facts, b_store, clock, length=99)
        a._in_scope = [key]  # both windows happen to ask the same card
        b._in_scope = [key]
        for _ in range(3):
            clock.now = max(clock.now, b_store.card(key).due) if b_store.card(key) else clock.now
            b.answer(right(b.next_question()))
        after_b = b_store.card(key)
        assert after_b.state == fsrs.State.Review
        clock.advance(minutes=1)
        a.answer(right(a.next_question()))
        after_a = a_store.card(key)
        assert after_a.state == fsrs.State.Review and after_a.stability >= after_b.stability
        assert a_store.card_counts()[key] == (4, 0)


def test_a_card_missed_twice_is_listed_once_to_review(facts, store, clock):
    """"To review" listed Plantaris - Blood supply twice."""
    from calfexplorer.study.session import AnswerRecord

    s = session(facts, store, clock, length=5)
    key = CardKey("soleus", "name_it")
    s.answers = [AnswerRecord(key, False, 1, 1), AnswerRecord(key, False, 1, 2)]
    assert s.summary().missed == [key]


def test_a_card_just_answered_right_is_not_asked_again_at_once(facts, store, clock):
    """A scope of three cards asked each of them again straight after a right answer (six
    right answers from three cards); a missed card still comes back."""
    s = session(facts, store, clock, length=20)
    keys = s._in_scope[:3]
    s._in_scope = list(keys)
    asked = []
    while (q := s.next_question()) is not None:
        asked.append(q.card)
        s.answer(wrong(q) if q.card == keys[0] and asked.count(q.card) == 1 else right(q))
        clock.advance(seconds=20)
    assert asked.count(keys[1]) == 1 and asked.count(keys[2]) == 1
    assert asked.count(keys[0]) == 2  # missed once, asked again, then right


def test_the_number_of_questions_planned_is_what_the_scope_can_ask(facts, store, clock):
    """A scope of three cards read "question 1 of 20" (and the session ended at 3 of 20); a
    missed card adds the question that brings it back."""
    s = session(facts, store, clock, length=20)
    keys = s._in_scope[:3]
    s._in_scope = list(keys)
    seen = []
    while (q := s.next_question()) is not None:
        seen.append((len(s.answers) + 1, s.planned()))
        s.answer(wrong(q) if q.card == keys[0] and len(s.answers) == 0 else right(q))
        clock.advance(seconds=20)
    assert seen == [(1, 3), (2, 4), (3, 4), (4, 4)]
    assert session(facts, store, clock, length=2).planned() == 2  # (never above the length)


def test_an_exam_asks_each_card_once_and_its_count_tells_nothing(facts, store, clock):
    """In an exam "question 1 of 3" became "question 2 of 4" after a wrong answer (the missed
    card was to come back), telling the student the answer was wrong before the score."""
    s = session(facts, store, clock, length=20, exam=True)
    keys = s._in_scope[:3]
    s._in_scope = list(keys)
    seen = []
    while (q := s.next_question()) is not None:
        seen.append((q.card, s.planned()))
        s.answer(wrong(q) if len(s.answers) == 0 else right(q))
        clock.advance(minutes=11)  # (a missed card's learning step comes due)
    assert [n for _, n in seen] == [3, 3, 3]
    assert sorted(k for k, _ in seen) == sorted(keys)


def test_a_card_answered_wrongly_every_time_is_not_reported_as_recalled(facts, store, clock):
    """The statistics read 'Recall now 100 %' for a card just answered wrongly five times (any
    card is fresh the moment it is reviewed); its recall is now estimated a week on, below that
    of a card answered right, and below even odds."""
    cards = session(facts, store, clock)._in_scope
    missed = cards[0]
    known = next(k for k in cards if k.kind != missed.kind)  # (recall is told per kind)
    for card, times in ((known, 1), (missed, 5)):
        for _ in range(times):
            s = session(facts, store, clock, length=1)
            s._in_scope = [card]
            q = s.next_question()
            assert q is not None and q.card == card
            s.answer(right(q) if card == known else wrong(q))
            clock.advance(minutes=10)
    stats = {k: compute_stats(facts, store, Scope.of(kinds=[k.kind]), now=clock.now,
                              tz=UTC).by_kind[k.kind] for k in (missed, known)}
    assert (stats[missed].answered, stats[missed].correct) == (5, 0)
    assert stats[missed].mastery < 0.5 < stats[known].mastery, (missed, known, stats)
