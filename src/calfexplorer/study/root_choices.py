"""Choices for "which roots" questions: the accepted root sets, and wrong ones drawn from the
other entries' roots and from neighbouring root pairs (never a set some source accepts, nor a
part of one)."""

from __future__ import annotations

import random
from collections.abc import Iterable

from calfexplorer.study.questions import N_CHOICES, Choice, _options
from calfexplorer.study.text import format_roots, part_of_accepted, root_id

#: Neighbouring root pairs offered as wrong answers besides the other entries' roots.
NEIGHBOUR_PAIRS = (("L2", "L3"), ("L3", "L4"), ("L4", "L5"), ("L5", "S1"), ("S1", "S2"))


def root_choices(main: frozenset[str], accepted: list[frozenset[str]],
                 others: Iterable[Iterable[str]], rng: random.Random,
                 muscles_roots: Iterable[frozenset[str]] = ()) -> tuple[
                     tuple[Choice, ...], frozenset[str]]:
    """The shuffled choices (``main`` and wrong sets) and the ids of every accepted set.

    ``muscles_roots``: the root sets the atlas accepts for the muscles that do the movement;
    a set that shares a root with ``main`` and lies within one of them is never offered as
    wrong ("L5, S1" for great toe extension, the roots its muscle's own card teaches)."""
    correct = {root_id(r) for r in accepted}
    muscles_roots = list(muscles_roots)

    def offerable(r: frozenset[str]) -> bool:
        return not part_of_accepted(r, accepted) and not (
            r & main and part_of_accepted(r, muscles_roots))

    pool: dict[str, frozenset[str]] = {}
    for roots in others:
        r = frozenset(roots)
        if offerable(r):
            pool[root_id(r)] = r
    for pair in NEIGHBOUR_PAIRS:
        r = frozenset(pair)
        if offerable(r):
            pool.setdefault(root_id(r), r)
    keys = list(pool)
    rng.shuffle(keys)
    wrong = [Choice(k, format_roots(pool[k])) for k in keys[: N_CHOICES - 1]]
    return _options(Choice(root_id(main), format_roots(main)), wrong, rng), frozenset(correct)
