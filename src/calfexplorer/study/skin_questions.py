"""Study questions on the skin map: "click the skin where the L5 dermatome lies", "click the
skin the sural nerve supplies". The 3D view shows the skin plain for the question; a click is
graded by the areas of the map under the cursor (``data/skin_map.yaml``).

Answer ids are card ids, ``skin:L5`` or ``skin:lateral_foot``, so a wrong click can be named.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable

from calfexplorer.study.facts import StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import Question, _the
from calfexplorer.wording import listed

PREFIX = "skin:"
_ROOT = re.compile(r"^(C[1-8]|T(1[0-2]|[1-9])|L[1-5]|S[1-5]|Co1)$")  # a dermatome's id


def area_id(card_id: str) -> str:
    """``skin:L5`` -> ``L5``: the area's id in the skin map."""
    return card_id.removeprefix(PREFIX)


def skin_question(facts: StudyFacts, card_id: str, rng: random.Random, exam: bool) -> Question:
    """Click where a dermatome or a nerve's skin territory lies (answered on the 3D skin)."""
    area = facts.skin_areas[card_id]
    dermatome = area.id in facts.skin_dermatomes
    nerves = [facts.name(n) for n in area.nerves]
    if dermatome:
        what = f"the {area.id} dermatome lies"
        prompt = f"Click the skin where {what}."
        static = f"Where on the skin does {what[:-5]} lie?"
        hint = ("The lumbar strips wind down the front and inner side of the leg, the sacral "
                "ones lie behind and under the foot.")
    else:
        who = listed([_the(n) for n in nerves])
        plural = len(nerves) > 1 or who.endswith("branches")
        prompt = f"Click the skin that {who} {'supply' if plural else 'supplies'}."
        static = f"Which skin {'do' if plural else 'does'} {who} supply?"
        hint = "Follow the nerve down: where does it reach the surface?"
    return Question(
        card=CardKey(card_id, "skin_locate"),
        prompt=prompt,
        highlight_ids=(),
        choices=(),
        correct_ids=frozenset({card_id}),
        accepted_answers=(),
        answer_text=area.name,
        explanation=" ".join(area.text.split()),
        link_id=area.nerves[0] if area.nerves else "",
        answer_ids=tuple(area.nerves),
        hint=None if exam else hint,
        mode="skin",
        static_prompt=static,
        # "S1 dermatome" answers nothing in a note: where it lies does (a territory's name
        # says where: "Sole of the foot (...)")
        static_answer=" ".join(area.text.split()) if dermatome else None,
    )


def skin_answer(question: Question, dermatomes: Iterable[str], territories: Iterable[str]) -> str:
    """The answer id a click on the skin gives: the asked area when the click lies in it, else
    the first area of the same map under the cursor (a dermatome for a dermatome question), or
    "" where that map draws none there."""
    asked = area_id(question.structure_id)
    dermatomes, territories = list(dermatomes), list(territories)
    if asked in dermatomes or asked in territories:
        return question.structure_id
    same = dermatomes if _ROOT.match(asked) else territories
    return PREFIX + same[0] if same else ""
