"""Study questions on myotomes: which movement tests a spinal root (its key muscle group), and
which root a movement tests. Values some sources give instead are accepted, never offered as
wrong choices."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import N_CHOICES, Choice, Question, _options
from calfexplorer.study.root_choices import root_choices
from calfexplorer.study.text import Vocabulary, accepted_roots, format_roots, other_sources


def _movement_id(myotome: Any) -> str:
    joint, movement = myotome.movement.split(".")
    return f"{joint}:{movement}"


def movement_label(facts: StudyFacts, myotome: Any) -> str:
    """"Ankle dorsiflexion": the joint and the movement a myotome is tested by."""
    joint, movement = myotome.movement.split(".")
    return f"{joint.replace('_', ' ').capitalize()} {facts.movement_name(joint, movement)}"


def _all_roots(myotome: Any) -> set[str]:
    """Every root the sources give for a movement, disputes included."""
    return set(myotome.roots) | {r for a in myotome.disputed for r in a.roots or ()}


def _vocabulary(facts: StudyFacts) -> Vocabulary:
    """Every way to type a myotome's movement the action questions take ("big toe extension",
    "foot dorsiflexion"), and the bare movement where no other myotome shares it
    ("dorsiflexion", never a bare "extension")."""
    moves = Counter(m.movement.split(".")[1] for m in facts.myotomes.values())
    pairs = []
    for m in facts.myotomes.values():
        cid = _movement_id(m)
        joint, movement = m.movement.split(".")
        pairs.append((movement_label(facts, m), cid))
        pairs += [(text, cid) for text, move in facts.movement_names(joint, moves[movement] == 1)
                  if move == f"{joint}:{movement}"]
    return Vocabulary(pairs)


def myotome_movement_question(
    facts: StudyFacts, card_id: str, rng: random.Random, exam: bool
) -> Question:
    """"Which movement tests the L4 root?" (its key movement; the other key movements
    offered, never one that some source also gives to L4)."""
    key = facts.key_myotomes[card_id]
    root = card_id.removeprefix("root:")
    right = _movement_id(key)
    wrong: list[Any] = []
    for group in (
        [m for m in facts.myotomes.values() if m.key],
        [m for m in facts.myotomes.values() if not m.key],
    ):
        pool = [m for m in group if root not in _all_roots(m)]
        rng.shuffle(pool)
        for m in pool:
            if _movement_id(m) not in {right, *(_movement_id(w) for w in wrong)}:
                wrong.append(m)
    wrong = wrong[: N_CHOICES - 1]
    label = movement_label(facts, key)
    muscles = ", ".join(facts.name(m) for m in key.muscles)
    return Question(
        card=CardKey(card_id, "myotome_movement"),
        prompt=f"Which movement tests the {root} root (its key muscle group)?",
        highlight_ids=(),
        choices=_options(
            Choice(right, label),
            [Choice(_movement_id(w), movement_label(facts, w)) for w in wrong],
            rng,
        ),
        correct_ids=frozenset({right}),
        accepted_answers=(label,),
        answer_text=label,
        explanation=f"{root}: {label.lower()} ({muscles}). {key.text}",
        link_id=key.muscles[0],
        answer_ids=tuple(key.muscles),
        hint=None if exam else ("Go down the leg: each lower root tests a movement of a joint "
                                "further down."),
        vocabulary=_vocabulary(facts),
    )


def _muscles_roots(facts: StudyFacts, muscles: list[str]) -> list[frozenset[str]]:
    """Every root set the atlas accepts for these muscles (their own and disputed ones)."""
    out: list[frozenset[str]] = []
    for mid in muscles:
        inn = getattr(facts.structures.get(mid), "innervation", None)
        if inn is not None:
            out += accepted_roots(inn.roots, inn.disputed)
    return out


def myotome_roots_question(
    facts: StudyFacts, card_id: str, rng: random.Random, exam: bool
) -> Question:
    """"Which spinal root does ankle dorsiflexion test?" (values sources dispute are accepted)."""
    myotome = facts.myotomes[card_id]
    accepted = accepted_roots(myotome.roots, myotome.disputed)
    main = accepted[0]

    choices, correct = root_choices(main, accepted, (o.roots for o in facts.myotomes.values()),
                                    rng, _muscles_roots(facts, myotome.muscles))
    label = movement_label(facts, myotome)
    explanation = f"{label}: {format_roots(main)}. {myotome.text}{other_sources(accepted)}"
    return Question(
        card=CardKey(card_id, "myotome_roots"),
        prompt=f"Which spinal {'root does' if len(main) == 1 else 'roots does'} "
        f"{label.lower()} test (its myotome)?",
        highlight_ids=(),
        choices=choices,
        correct_ids=correct,
        accepted_answers=tuple(format_roots(a) for a in accepted),
        answer_text=format_roots(main),
        explanation=explanation,
        link_id=myotome.muscles[0],
        answer_ids=tuple(myotome.muscles),
        hint=None if exam else "Which muscles do it, and which roots supply them?",
        roots_answers=tuple(accepted),
    )
