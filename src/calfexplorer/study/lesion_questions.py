"""Study questions made by the lesion model, both ways: a cut nerve or root and what it takes
away, and a patient's findings and where the lesion is."""

from __future__ import annotations

import random

from calfexplorer.lesion.cases import card_id, choices, findings_sentence, lost_movements
from calfexplorer.study.facts import LesionCard, StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import N_CHOICES, Choice, Question

Movement = tuple[str, str]


def lesion_loss_question(facts: StudyFacts, lid: str, rng: random.Random, exam: bool) -> Question:
    """"The common fibular nerve is cut at the fibular neck: which movements are lost?"."""
    card = facts.lesions[lid]
    atlas = facts.atlas
    lost = lost_movements(card.result)
    others: dict[str, tuple[Movement, ...]] = {}
    near = card.candidate.family
    ranked = sorted(card.pool, key=lambda c: (not c.family & near, rng.random()))
    for c in ranked:
        theirs = lost_movements(facts.lesion_model.compute(c.lesion))  # type: ignore[union-attr]
        if theirs and set(theirs) != set(lost):
            others.setdefault(_id(theirs), theirs)
    for shifted in _shifted(card, lost, rng):  # too few lesions nearby: change one movement
        others.setdefault(_id(shifted), shifted)
    wrong = list(others.items())[: N_CHOICES - 1]
    options = [Choice(_id(lost), _text(facts, lost))]
    options += [Choice(i, _text(facts, m)) for i, m in wrong]
    rng.shuffle(options)
    weak_only = [m for m in card.result.movements if m.status == "severely_weakened"]
    explanation = f"{_lesion_sentence(facts, card)}: the muscles below it lose their nerve."
    if weak_only:
        left = "; ".join(
            f"{atlas.action_label(m.joint, m.movement)} only by "
            + ", ".join(facts.name(x) for x in m.intact_assisting)
            for m in weak_only
        )
        explanation += f" Only weak assisting muscles are left for some: {left}."
    nerve = card.candidate.lesion.cuts[0].nerve if card.candidate.lesion.cuts else None
    return Question(
        card=CardKey(lid, "lesion_loss"),
        prompt=f"{_lesion_sentence(facts, card)}. Which movements does the patient lose "
        "(or keep only through weak assisting muscles)?",
        highlight_ids=(nerve,) if nerve else (),
        choices=tuple(options),
        correct_ids=frozenset({_id(lost)}),
        accepted_answers=(),
        answer_text=_text(facts, lost),
        explanation=explanation,
        link_id=nerve or _first_muscle(facts, card),
        answer_ids=tuple(m.muscle for m in card.result.muscles if m.supply_left == 0),
        hint=None if exam else "Which muscles does the nerve supply below that level?",
    )


def lesion_locate_question(
    facts: StudyFacts, lid: str, rng: random.Random, exam: bool
) -> Question:
    """A patient's findings (no nerve or muscle named): where is the lesion?"""
    card = facts.lesions[lid]
    atlas = facts.atlas
    offered = choices(facts.lesion_model, card.candidate, list(card.pool), rng, N_CHOICES)  # type: ignore[arg-type]
    nerve = card.candidate.lesion.cuts[0].nerve if card.candidate.lesion.cuts else None
    signs = ", ".join(name[:1].lower() + name[1:] for _, name, _, _ in card.result.signs)
    explanation = _lesion_sentence(facts, card) + "."
    if signs:
        explanation += f" Signs: {signs}."
    return Question(
        card=CardKey(lid, "lesion_locate"),
        prompt=f"{findings_sentence(atlas, card.result)} Where is the lesion?",
        highlight_ids=(),  # the 3D view would give it away
        choices=tuple(Choice(card_id(c), c.title) for c in offered),
        correct_ids=frozenset({lid}),
        accepted_answers=(),
        answer_text=card.candidate.title,
        explanation=explanation,
        link_id=nerve or _first_muscle(facts, card),
        answer_ids=(nerve,) if nerve else (),
        hint=None if exam else "Start with the movements: which nerve, or which root, "
        "supplies all of them? Then the numb skin and the reflexes.",
    )


def _lesion_sentence(facts: StudyFacts, card: LesionCard) -> str:
    lesion = card.candidate.lesion
    if lesion.cuts:
        c = lesion.cuts[0]
        level = next(
            (e.name for e in facts.lesion_model.levels(c.nerve) if e.level == c.level),  # type: ignore[union-attr]
            c.level,
        )
        return f"The {facts.name(c.nerve).lower()} is cut {(level or '').lower()}"
    return f"The {', '.join(lesion.roots)} root is damaged"


def _id(movements: tuple[Movement, ...]) -> str:
    return "movements:" + ",".join(sorted(f"{j}.{m}" for j, m in movements))


def _text(facts: StudyFacts, movements: tuple[Movement, ...]) -> str:
    return ", ".join(facts.atlas.action_label(j, m) for j, m in movements)


def _shifted(
    card: LesionCard, lost: tuple[Movement, ...], rng: random.Random
) -> list[tuple[Movement, ...]]:
    """Wrong sets one change away: a lost movement swapped for one the lesion spares."""
    spared = [(m.joint, m.movement) for m in card.result.movements if m.status == "spared"]
    rng.shuffle(spared)
    out = []
    for i, extra in enumerate(spared[: N_CHOICES]):
        keep = list(lost)
        keep[i % len(keep)] = extra
        out.append(tuple(keep))
    return out


def _first_muscle(facts: StudyFacts, card: LesionCard) -> str:
    """The muscle to show for a lesion: a root's key muscle (extensor hallucis longus for L5),
    else the most weakened one, those of the leg before the foot's (S2 showed the abductor
    hallucis)."""
    for root in card.candidate.lesion.roots:
        key = facts.key_myotomes.get(f"root:{root}")
        if key is not None and key.muscles:
            return key.muscles[0]
    worst = sorted(card.result.muscles, key=lambda m: (
        m.supply_left, getattr(facts.structures.get(m.muscle), "region", None) == "foot"))
    return worst[0].muscle if worst else ""
