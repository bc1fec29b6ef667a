"""Study questions on regions, retinacula and reflexes: which compartment holds a muscle, what
bounds a region, what lies in it or under a retinaculum in order, and which roots carry a reflex.
"""

from __future__ import annotations

import random
import re
from itertools import permutations

from calfexplorer.atlas.models import ORDER_WORDS
from calfexplorer.study.facts import NEAR_REGIONS, StudyFacts
from calfexplorer.study.kinds import CardKey
from calfexplorer.study.questions import N_CHOICES, Choice, Question, _options, _the
from calfexplorer.study.root_choices import root_choices
from calfexplorer.study.text import accepted_roots, format_roots, other_sources
from calfexplorer.wording import listed


def compartment_question(facts: StudyFacts, mid: str, rng: random.Random, exam: bool) -> Question:
    """"Which compartment holds tibialis posterior?" (the leg's four compartments offered)."""
    compartments = facts.leg_compartments()
    answer = facts.compartment_region(mid)
    assert answer is not None  # cards exist only for muscles in a leg compartment
    others = [c for c in compartments if c != answer]
    rng.shuffle(others)
    name = facts.name(mid)
    region = facts.structures[answer]
    return Question(
        card=CardKey(mid, "compartment"),
        prompt=f"Which compartment of the leg holds {_the(name)}?",
        highlight_ids=(mid,),
        choices=_options(
            Choice(answer, region.name), [Choice(c, facts.name(c)) for c in others[:3]], rng
        ),
        correct_ids=frozenset({answer}),
        accepted_answers=(region.name,),
        answer_text=region.name,
        explanation=(
            f"{region.name}: {listed([facts.name(m) for m in region.members])}; its nerve is "
            f"{listed([_the(facts.name(n)) for n in region.nerves])}."
        ),
        link_id=answer,
        answer_ids=tuple(region.members),
        hint=None if exam else "Think of what the muscle does, and which nerve supplies it.",
    )


def _named_in(facts: StudyFacts, text: str | None) -> set[str]:
    """Ids of the structures a wall's words name ("with the posterior surfaces of the tibia
    and fibula" -> tibia, fibula)."""
    if not text:
        return set()
    words = f" {re.sub(r'[^a-z]+', ' ', text.lower())} "
    return {sid for sid, s in facts.structures.items()
            if f" {re.sub(r'[^a-z]+', ' ', s.name.lower()).strip()} " in words}


def boundary_question(facts: StudyFacts, rid: str, rng: random.Random, exam: bool) -> Question:
    """"Which structure bounds the popliteal fossa superolaterally?" (the other walls offered)."""
    region = facts.structures[rid]
    walls = [w for w in region.boundaries if w.structure and w.where]
    wall = rng.choice(walls)
    # Never offered as wrong: what this wall's own words name ("the talus, with the
    # calcaneus"), and the bones and sheets of the floor and roof, which also bound the
    # region on its deep or open side ("the medial surfaces of the tibia, talus and calcaneus").
    also_right = _named_in(facts, wall.text) | {
        sid for w in (*region.floor, *region.roof)
        for sid in ({w.structure} if w.structure else set()) | _named_in(facts, w.text)
    }
    # Another wall on the same side (semimembranosus with semitendinosus) is right too.
    same_side = {w.structure for w in walls if w.where == wall.where}
    also_right |= same_side
    # What the region holds is lit while the question is open, with its parts (the heads of
    # gastrocnemius): never offered as a wall.
    lit = {x for h in region.held() for x in facts.family(h)}
    others = [w.structure for w in walls
              if w.structure != wall.structure and w.structure not in also_right | lit]
    near = NEAR_REGIONS.get(region.region, (region.region,))
    pool = [s for s in facts.of_kind("muscle", "bone", "fascia")
            if s not in others and s not in also_right | lit
            and getattr(facts.structures[s], "region", None) in near]
    rng.shuffle(pool)
    wrong = list(dict.fromkeys(others + pool))
    wrong = [w for w in wrong if w != wall.structure][: N_CHOICES - 1]
    where = wall.where.split(" (")[0]
    sides = "; ".join(f"{w.where}: {facts.name(w.structure)}" for w in walls)
    return Question(
        card=CardKey(rid, "region_boundary"),
        prompt=f"Which structure forms the {where} boundary of {_the(region.name)}?",
        highlight_ids=(rid,),  # (what the region holds lights up, never one of its walls)
        choices=_options(
            Choice(wall.structure, facts.name(wall.structure)),
            [Choice(w, facts.name(w)) for w in wrong],
            rng,
        ),
        correct_ids=frozenset(same_side),
        accepted_answers=tuple(facts.name(w) for w in sorted(same_side)),
        answer_text=facts.name(wall.structure),
        explanation=f"{region.name}: {sides}.",
        link_id=rid,
        answer_ids=tuple(w.structure for w in walls),
        hint=None if exam else "Picture the region from behind (or from its open side).",
    )


def order_question(facts: StudyFacts, rid: str, rng: random.Random, exam: bool) -> Question:
    """"What lies in the tarsal tunnel, from front to back?" (the right order and three others)."""
    s = facts.structures[rid]
    ordered = s.contents if s.kind == "region" else s.passes_under
    ids = list(ordered.ids)
    words = ORDER_WORDS.get(ordered.order, ordered.order.replace("_", " "))

    def text(order: tuple[str, ...]) -> str:
        return ", ".join(facts.name(i) for i in order)

    def oid(order: tuple[str, ...]) -> str:
        return "order:" + ",".join(order)

    right = tuple(ids)
    wrong: list[tuple[str, ...]] = []
    kinds = [facts.structure_kind(i) for i in ids]
    # An artery and its veins run together (the veins on either side of it): swapping them is
    # no mistake, so it is never offered as a wrong order.
    swaps = [
        (i, i + 1)
        for i in range(len(ids) - 1)
        if {kinds[i], kinds[i + 1]} != {"artery", "vein"}
    ]
    rng.shuffle(swaps)
    for i, j in swaps:  # one neighbouring pair swapped: the mistakes students make
        w = list(ids)
        w[i], w[j] = w[j], w[i]
        wrong.append(tuple(w))
    wrong.append(tuple(reversed(ids)))
    if len(ids) <= 3:
        wrong += [p for p in permutations(ids) if p != right]
    wrong = list(dict.fromkeys(w for w in wrong if w != right))[: N_CHOICES - 1]
    verb = "passes under" if s.kind == "retinaculum" else "lies in"
    # The retinaculum over the contents shows where, and lights none of them (a region's
    # own highlight would light its contents, and with them their order).
    roofs = [w.structure for w in getattr(s, "roof", ()) if w.structure]
    over = s.id if s.kind == "retinaculum" else next(
        (r for r in roofs if getattr(facts.structures.get(r), "kind", None) == "retinaculum"), None
    )
    return Question(
        card=CardKey(rid, "region_contents"),
        prompt=f"What {verb} {_the(s.name)}, {words}?",
        highlight_ids=(over,) if over else (),
        choices=_options(Choice(oid(right), text(right)), [Choice(oid(w), text(w)) for w in wrong],
                         rng),
        correct_ids=frozenset({oid(right)}),
        accepted_answers=(),
        answer_text=text(right),
        explanation=f"{s.name}, {words}: {text(right)}." + (
            f" {ordered.note}" if ordered.note else ""
        ),
        link_id=rid,
        answer_ids=right,
        hint=None if exam else "Say it as the mnemonic you learned, then check each neighbour.",
    )


def reflex_question(facts: StudyFacts, card_id: str, rng: random.Random, exam: bool) -> Question:
    """"Which spinal roots carry the ankle reflex?" (sources that differ are accepted)."""
    reflex = facts.reflexes[card_id]
    accepted = accepted_roots(reflex.roots, reflex.disputed)
    main = accepted[0]

    choices, correct = root_choices(main, accepted, (o.roots for o in facts.reflexes.values()), rng)
    explanation = (f"{reflex.name}: roots {format_roots(main)}, through "
                   f"{_the(facts.name(reflex.nerve))}.{other_sources(accepted)}")
    return Question(
        card=CardKey(card_id, "reflex_roots"),
        prompt=f"Which spinal {'root carries' if len(main) == 1 else 'roots carry'} the "
        f"{reflex.name[:1].lower()}{reflex.name[1:]}?",
        highlight_ids=(),
        choices=choices,
        correct_ids=correct,
        accepted_answers=tuple(format_roots(a) for a in accepted),
        answer_text=format_roots(main),
        explanation=explanation,
        link_id=reflex.nerve,
        answer_ids=tuple(reflex.muscles),
        hint=None if exam else "Which muscle contracts, and which roots supply it?",
        roots_answers=tuple(accepted),
    )
