"""Lesions to reason back from: the candidate lesions and plausible wrong answers for a case.

Shared by the lesion panel's case view and the study questions, so both ask the same things.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.model import Lesion, LesionModel, LesionResult

#: Roots offered as single-root lesions (the lumbosacral roots examined in the leg).
CASE_ROOTS = ("L4", "L5", "S1", "S2")


@dataclass(frozen=True)
class Candidate:
    """A lesion a case can be about, with its name in words and the nerves it touches."""

    lesion: Lesion
    title: str
    family: frozenset[str]


def candidates(atlas: Atlas, model: LesionModel) -> list[Candidate]:
    """Every single nerve cut at each of its levels, and each lumbosacral root alone."""
    out: list[Candidate] = []
    for nerve in model.nerves():
        family = _family(atlas, nerve)
        for event in model.levels(nerve):
            name = (event.name or event.level or "").lower()
            out.append(
                Candidate(
                    Lesion(cuts=(model.cut(nerve, event.level),)),
                    f"{atlas.name_of(nerve)}, {name}",
                    family,
                )
            )
    for root in CASE_ROOTS:
        if root in model.roots():
            out.append(Candidate(Lesion(roots=(root,)), f"{root} root", frozenset({"roots"})))
    return out


def findings_key(result: LesionResult) -> tuple:
    """What an examiner finds: two lesions with the same key cannot be told apart."""
    return (
        tuple((m.joint, m.movement, m.status) for m in result.movements),
        tuple((r.reflex.id, r.status) for r in result.reflexes),
        tuple(sorted(s.id for s in result.skin)),
        tuple(sorted(s[0] for s in result.signs)),
    )


def distinguishable(model: LesionModel, pool: list[Candidate]) -> list[Candidate]:
    """The candidates whose findings no other candidate shares (a fair case has one answer)."""
    keys = [findings_key(model.compute(c.lesion)) for c in pool]
    return [c for c, k in zip(pool, keys, strict=True) if keys.count(k) == 1]


def choices(
    model: LesionModel, answer: Candidate, pool: list[Candidate], rng: random.Random, n: int = 4
) -> list[Candidate]:
    """``answer`` and up to ``n - 1`` wrong lesions, neighbours first (same nerve family or,
    for a root, other roots), then any other; in random order."""
    wrong = [c for c in pool if c.lesion != answer.lesion]
    near = [c for c in wrong if c.family & answer.family]
    far = [c for c in wrong if not c.family & answer.family]
    rng.shuffle(near)
    rng.shuffle(far)
    picked = [answer, *(near + far)[: n - 1]]
    rng.shuffle(picked)
    return picked


def _family(atlas: Atlas, nerve_id: str) -> frozenset[str]:
    """The nerve, its parent and its branches: lesions of these are neighbours."""
    out = {nerve_id}
    node = atlas.get(nerve_id)
    parent = getattr(node, "branch_of", None)
    if parent:
        out.add(parent)
    out.update(n.id for n in atlas.nerves() if n.branch_of == nerve_id)
    return frozenset(out)
