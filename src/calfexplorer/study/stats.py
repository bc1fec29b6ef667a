"""Study statistics as plain data for the stats view: mastery, accuracy per day, what is due."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

import fsrs

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.scheduler import Scheduler, anchored, now_utc
from calfexplorer.study.scope import Scope
from calfexplorer.study.shared_reviews import merged_cards
from calfexplorer.study.store import ProgressStore

#: How far ahead the statistics' recall is estimated.
RECALL_HORIZON = timedelta(days=7)


@dataclass(frozen=True)
class Mastery:
    """How well a group of cards (one structure, or one kind) is known.

    ``mastery`` is the mean FSRS recall probability :data:`RECALL_HORIZON` from now over the
    group's reviewed cards, None before any is reviewed: a card never seen has no recall to
    estimate, and counting it as 0 showed a muscle just answered right at 8 %. (Recall *now*
    read 100 % for a card just answered wrongly five times: any card is fresh in memory the
    moment it is reviewed; a week on, how firmly it was learnt shows.) ``reviewed`` of ``cards``
    says how much of the group it covers.
    """

    cards: int
    reviewed: int
    answered: int
    correct: int
    mastery: float | None

    @property
    def accuracy(self) -> float | None:
        """Share of right answers, or None before any answer."""
        return self.correct / self.answered if self.answered else None


@dataclass(frozen=True)
class DayAccuracy:
    """Answers given on one day."""

    day: date
    answered: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


@dataclass(frozen=True)
class StudyStats:
    """Everything the stats view shows."""

    by_structure: dict[str, Mastery]
    by_kind: dict[str, Mastery]
    per_day: list[DayAccuracy]
    due_now: int
    new: int
    learning: int  # in (re)learning steps, not due yet
    learned: int
    due_next_days: list[tuple[date, int]]  # today and the next six days


def _mastery(keys: list[CardKey], cards, tallies, scheduler: Scheduler, now) -> Mastery:
    reviewed = [k for k in keys if k in cards]
    answered = sum(tallies[k][0] for k in keys)
    correct = sum(tallies[k][1] for k in keys)
    later = now + RECALL_HORIZON
    total_r = sum(scheduler.retrievability(cards[k], later) for k in reviewed)
    recall = total_r / len(reviewed) if reviewed else None
    return Mastery(len(keys), len(reviewed), answered, correct, recall)


def compute_stats(
    facts: StudyFacts,
    store: ProgressStore,
    scope: Scope | None = None,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    scheduler: Scheduler | None = None,
) -> StudyStats:
    """Mastery per structure and per kind, accuracy per day, and due counts, within a scope.

    Days are calendar days in ``tz`` (default: the machine's local time zone).
    """
    scope = scope or Scope()
    now = now or now_utc()
    scheduler = scheduler or Scheduler()
    keys = scope.cards(facts)
    in_scope = set(keys)
    cards = {k: anchored(c, now) for k, c in merged_cards(facts, store.cards()).items()
             if k in in_scope}
    tallies: dict[CardKey, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for r in store.reviews():
        card = facts.card_of(r.card)  # (an earlier version's card of a place is the place's)
        if card not in in_scope:
            continue
        tallies[card][0] += 1
        tallies[card][1] += int(r.correct)
        day = r.reviewed_at.astimezone(tz).date()
        days[day][0] += 1
        days[day][1] += int(r.correct)

    by_sid: dict[str, list[CardKey]] = defaultdict(list)
    by_kind: dict[str, list[CardKey]] = defaultdict(list)
    for k in keys:
        # an attachment place's card counts toward each structure in scope that attaches there
        owners = [facts.sites[s].owner if s in facts.sites else s for s in scope.covered(facts, k)]
        for owner in dict.fromkeys(owners):
            by_sid[owner].append(k)
        by_kind[k.kind].append(k)

    due_now = sum(1 for c in cards.values() if c.due <= now)
    learned = sum(1 for c in cards.values() if c.state == fsrs.State.Review and c.due > now)
    learning = sum(1 for c in cards.values() if c.state != fsrs.State.Review and c.due > now)
    today = now.astimezone(tz).date()
    upcoming: dict[date, int] = {today + timedelta(days=i): 0 for i in range(7)}
    for c in cards.values():
        d = max(c.due.astimezone(tz).date(), today)
        if d in upcoming:
            upcoming[d] += 1
    return StudyStats(
        by_structure={s: _mastery(v, cards, tallies, scheduler, now) for s, v in by_sid.items()},
        by_kind={k: _mastery(v, cards, tallies, scheduler, now) for k, v in by_kind.items()},
        per_day=[DayAccuracy(d, n, c) for d, (n, c) in sorted(days.items())],
        due_now=due_now,
        new=len(keys) - len(cards),
        learning=learning,
        learned=learned,
        due_next_days=sorted(upcoming.items()),
    )
