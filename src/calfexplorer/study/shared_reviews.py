"""Cards that share their reviews: the cards of one attachment place.

Earlier versions made a card for each muscle (and head) at a place, so a progress file may
hold several scheduled cards and their answers for what is now one card. They are read as
that card's, never rewritten: every answer counts, the newest schedule is the one used, and
the file stays as an earlier version wrote it (which can still read it).
"""

from __future__ import annotations

from collections.abc import Iterable

import fsrs

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.store import ProgressStore


def _reviewed_at(card: fsrs.Card) -> tuple[bool, object]:
    return card.last_review is not None, card.last_review or card.due


def newest(cards: Iterable[fsrs.Card | None]) -> fsrs.Card | None:
    """The most recently reviewed of some cards (None when there is none)."""
    return max((c for c in cards if c is not None), key=_reviewed_at, default=None)


def merged_cards(facts: StudyFacts, cards: dict[CardKey, fsrs.Card]) -> dict[CardKey, fsrs.Card]:
    """Stored cards under the keys of the cards they count for now, the newest of each."""
    out: dict[CardKey, fsrs.Card] = {}
    for key, card in cards.items():
        now_key = facts.card_of(key)
        best = newest((out.get(now_key), card))
        if best is not None:
            out[now_key] = best
    return out


def stored_card(facts: StudyFacts, store: ProgressStore, key: CardKey) -> fsrs.Card | None:
    """A card's schedule as stored now: the newest of the stored cards it shares."""
    return newest(store.card(k) for k in facts.shared_by(key))
