"""Lesions to reason back from: the candidate lesions and plausible wrong answers for a case.

Shared by the lesion panel's case view and the study questions, so both ask the same things.
"""

from __future__ import annotations

import random
import re
from collections.abc import Collection
from dataclasses import dataclass

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.model import Lesion, LesionModel, LesionResult, MovementEffect
from calfexplorer.wording import listed

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


CARD_PREFIX = "lesion:"


def card_id(candidate: Candidate) -> str:
    """A stable id for a candidate lesion, used as a study card's structure id:
    ``lesion:common_fibular_nerve@fibular_neck`` or ``lesion:root:L5``."""
    lesion = candidate.lesion
    if lesion.cuts:
        c = lesion.cuts[0]
        return f"{CARD_PREFIX}{c.nerve}@{c.level}"
    return f"{CARD_PREFIX}root:{','.join(lesion.roots)}"


def lost_movements(result: LesionResult) -> tuple[tuple[str, str], ...]:
    """The movements a lesion takes away (lost, or left only to assisting muscles)."""
    return tuple(
        (m.joint, m.movement) for m in result.movements if m.status in ("lost", "severely_weakened")
    )


def movement_labels(atlas: Atlas, result: LesionResult, status: str,
                    leave_out: Collection[str] = ()) -> list[str]:
    """The movements with a status after a lesion, as lower-case labels ("ankle
    dorsiflexion"), but those in ``leave_out`` ("ankle.dorsiflexion") and those the atlas
    cannot judge (:func:`judged`). Left only to assisting muscles ("severely_weakened") is not
    lost: a tibial nerve palsy leaves inversion to tibialis anterior, weak but there."""
    return [
        atlas.action_label(m.joint, m.movement).lower()
        for m in result.movements
        if m.status == status and f"{m.joint}.{m.movement}" not in leave_out
        and judged(result, m)
    ]


def judged(result: LesionResult, m: MovementEffect) -> bool:
    """Whether the atlas can say how a movement fares: not where its main movers are not in
    the atlas (hip abduction without gluteus medius: an S2 lesion weakened it through the
    upper fibres of gluteus maximus alone), unless it is a damaged root's key test, which the
    sources give for the root itself (L2: hip flexion)."""
    key = {e.myotome.movement for e in result.myotomes if e.myotome.key and not e.disputed}
    return not m.partial_atlas or f"{m.joint}.{m.movement}" in key


def findings_sentence(atlas: Atlas, result: LesionResult) -> str:
    """What an examiner finds, in one paragraph that names no nerve and no muscle."""
    parts: list[str] = []
    lost, barely, weak = (
        movement_labels(atlas, result, s) for s in ("lost", "severely_weakened", "weakened")
    )
    if lost:
        parts.append("cannot perform " + listed(lost))
    if barely:
        parts.append("has very weak " + listed(barely))
    if weak:
        parts.append("has weak " + listed(weak))
    if not lost and not barely and not weak and all(
            judged(result, m) for m in result.movements if m.status != "spared"):
        parts.append("has full strength in the leg")
    off = [f"the {_plain(r.reflex.name).lower()} is {r.status}" for r in result.reflexes
           if r.status != "normal"]
    parts.append(listed(off) if off else "the tendon reflexes are normal")
    for via, verb in (("nerve", "feels nothing over "), ("dermatome", "feels less over ")):
        # a nerve's area by its short name (without the nerve); a dermatome's by its text
        areas = [
            "the " + _area(s.name) if via == "nerve" else _area(s.text)
            for s in result.skin
            if s.via == via
        ]
        if areas:
            parts.append(verb + listed(areas))
    signs = [name[:1].lower() + name[1:] for _, name, _, _ in result.signs]
    text = "The patient " + "; ".join(parts) + "."
    if signs:
        text += " On examination: " + listed(signs) + "."
    foot = [m for m in result.muscles if _in_foot(atlas, m.muscle)]
    if foot:
        text += " Some small muscles of the foot are weak."
    return text


def _in_foot(atlas: Atlas, muscle_id: str) -> bool:
    return str(getattr(atlas.get(muscle_id), "compartment", "")).startswith("foot")


def skin_area(text: str) -> str:
    """A skin text's first clause without its brackets (they name nerves and test points):
    "The sole and the plantar side of the toes"."""
    return _plain(re.split(r"[:;]|\. ", _plain(text))[0])


def _area(text: str) -> str:
    """:func:`skin_area` to go inside a sentence: "the sole and ..."."""
    area = skin_area(text)
    return area[:1].lower() + area[1:]


def _plain(text: str) -> str:
    """Text without its parentheses (which name nerves and test points) or final stop."""
    return re.sub(r"\s*\([^)]*\)", "", text).strip().rstrip(".;")


