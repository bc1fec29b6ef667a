"""Spaced repetition with FSRS: one ``fsrs.Card`` per (structure, kind), rated from answers."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import fsrs

from calfexplorer.study.kinds import CardKey

SELF_RATINGS: dict[str, fsrs.Rating] = {
    "again": fsrs.Rating.Again,
    "hard": fsrs.Rating.Hard,
    "good": fsrs.Rating.Good,
    "easy": fsrs.Rating.Easy,
}


def now_utc() -> datetime:
    """The current time, timezone-aware (UTC), as FSRS needs."""
    return datetime.now(UTC)


def card_id(key: CardKey) -> int:
    """A stable integer id for a card (FSRS cards carry one)."""
    return zlib.crc32(f"{key.structure_id}/{key.kind}".encode()) + 1


def new_card(key: CardKey, now: datetime) -> fsrs.Card:
    """A card never reviewed, due now."""
    return fsrs.Card(card_id=card_id(key), due=now)


def anchored(card: fsrs.Card, now: datetime) -> fsrs.Card:
    """The card, due now if its last review is stamped after ``now``.

    Such a review was made while the clock was ahead, or the clock has been set back since.
    Left as it was, the card would wait until the clock passed its due time again (years
    after a clock far ahead), and FSRS would count a negative time since the review. Asked
    again now, its next review is stamped by the clock as it is.
    """
    if card.last_review is None or card.last_review <= now:
        return card
    copy = fsrs.Card.from_dict(card.to_dict())
    copy.last_review = copy.due = now
    return copy


def rating_for(correct: bool, self_rating: str | fsrs.Rating | None = None) -> fsrs.Rating:
    """The FSRS rating of an answer: a wrong answer is Again; a right one is Good unless the
    user rated it themselves (hard, good or easy; "again" is honoured too)."""
    if not correct:
        return fsrs.Rating.Again
    if self_rating is None:
        return fsrs.Rating.Good
    if isinstance(self_rating, fsrs.Rating):
        return self_rating
    try:
        return SELF_RATINGS[self_rating.lower()]
    except KeyError:
        raise ValueError(f"unknown self-rating {self_rating!r}") from None


class Scheduler:
    """FSRS scheduling of study cards.

    Fuzzing of intervals is off by default: FSRS draws it from the global ``random`` module,
    and the study engine keeps all randomness injected and reproducible.
    """

    def __init__(self, desired_retention: float = 0.9, enable_fuzzing: bool = False) -> None:
        self.fsrs = fsrs.Scheduler(
            desired_retention=desired_retention, enable_fuzzing=enable_fuzzing
        )

    def review(
        self, card: fsrs.Card, rating: fsrs.Rating, when: datetime, duration_ms: int | None = None
    ) -> tuple[fsrs.Card, fsrs.ReviewLog]:
        """The card after a review at ``when`` (the input card is not changed)."""
        copy = fsrs.Card.from_dict(card.to_dict())
        return self.fsrs.review_card(copy, rating, when, duration_ms)

    def retrievability(self, card: fsrs.Card, when: datetime) -> float:
        """Probability (0-1) that the card is recalled at ``when``; 0 for a card never learned."""
        if card.last_review is None:
            return 0.0
        return float(self.fsrs.get_card_retrievability(card, when))
