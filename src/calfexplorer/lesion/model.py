"""What a patient loses when a nerve is cut at a level, or a spinal root is damaged.

Everything is derived from the atlas (which nerve and roots supply each muscle, what each muscle
does and with what role) and from ``data/lesions.yaml`` (where each nerve gives its branches and
can be cut, the reflexes, dermatomes and named signs). Deterministic and cheap: no I/O, no
randomness, a few hundred dictionary look-ups per lesion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from calfexplorer.atlas import Atlas
from calfexplorer.atlas.models import Alternative, Muscle
from calfexplorer.lesion.data import LesionData
from calfexplorer.lesion.models import CourseEvent, Myotome, Reflex

Status = Literal["lost", "severely_weakened", "weakened", "slightly_weakened", "spared"]
ReflexStatus = Literal["absent", "reduced", "normal"]


class LesionError(ValueError):
    """An unknown nerve, level or root; the message lists the valid ones."""


@dataclass(frozen=True)
class Cut:
    """A nerve cut at one of its levels (``data/lesions.yaml``)."""

    nerve: str
    level: str


@dataclass(frozen=True)
class Lesion:
    """One or more nerve cuts and damaged spinal roots, taken together."""

    cuts: tuple[Cut, ...] = ()
    roots: tuple[str, ...] = ()


@dataclass(frozen=True)
class MuscleLoss:
    """A muscle that lost all or part of its nerve supply.

    ``supply_left`` is 0 for a muscle whose nerve is cut. After a root lesion it is the share of
    the muscle's roots still intact, an ``estimate``: sources give the roots, not how much each
    contributes.
    """

    muscle: str
    supply_left: float
    estimate: bool
    because: str


@dataclass(frozen=True)
class MovementEffect:
    """One joint movement after the lesion, with the muscles that still can (and cannot) do it.

    ``partial_atlas`` is true when the atlas has only assisting muscles for the movement (its
    main movers, such as iliopsoas for hip flexion, are not modelled): then the movement is
    never called lost, only weakened.
    """

    joint: str
    movement: str
    status: Status
    intact_prime: tuple[str, ...]
    intact_assisting: tuple[str, ...]
    weakened: tuple[str, ...]
    lost: tuple[str, ...]
    partial_atlas: bool = False


@dataclass(frozen=True)
class ReflexEffect:
    """A tendon reflex after the lesion."""

    reflex: Reflex
    status: ReflexStatus
    because: str


@dataclass(frozen=True)
class SkinEffect:
    """An area of skin that goes numb: a nerve's territory or a root's dermatome."""

    id: str
    name: str
    text: str
    refs: tuple[str, ...]
    via: Literal["nerve", "dermatome"]
    disputed: tuple[Alternative, ...] = ()


@dataclass(frozen=True)
class MyotomeEffect:
    """A myotome of a damaged root: the movement that tests it and how that movement fares.

    ``disputed`` is true when only some sources give the root for this movement."""

    myotome: Myotome
    root: str
    status: Status
    disputed: bool = False


@dataclass(frozen=True)
class LesionResult:
    """Everything the lesion model computes for one lesion."""

    lesion: Lesion
    muscles: tuple[MuscleLoss, ...]
    possibly: tuple[MuscleLoss, ...]
    movements: tuple[MovementEffect, ...]
    reflexes: tuple[ReflexEffect, ...]
    skin: tuple[SkinEffect, ...]
    branches_cut: tuple[tuple[str, str], ...]
    signs: tuple[tuple[str, str, str, tuple[str, ...]], ...]
    nerves_cut: tuple[str, ...] = ()
    myotomes: tuple[MyotomeEffect, ...] = ()

    def movement(self, joint: str, movement: str) -> MovementEffect | None:
        """The effect on ``joint``'s ``movement``, or ``None`` when no atlas muscle does it."""
        return next(
            (m for m in self.movements if m.joint == joint and m.movement == movement), None
        )

    def supply_left(self, muscle_id: str) -> float:
        """0 to 1: how much nerve supply ``muscle_id`` keeps (1 when untouched)."""
        return next((m.supply_left for m in self.muscles if m.muscle == muscle_id), 1.0)


class LesionModel:
    """Computes :class:`LesionResult` for lesions, over one atlas and its lesion data."""

    def __init__(self, atlas: Atlas, data: LesionData) -> None:
        self.atlas = atlas
        self.data = data
        # the leg's muscles before the foot's: lists and the study's links name them first
        # (a tibial nerve palsy's feedback linked three muscles of the sole, not the calf)
        self._leaves = sorted((m for m in atlas.muscles() if not atlas.children(m.id)),
                              key=lambda m: m.region == "foot")
        self._roots = sorted(
            {r for m in self._leaves for r in m.innervation.roots} | set(data.dermatomes),
            key=_root_order,
        )

    # -- what can be cut -------------------------------------------------------------------
    def nerves(self) -> list[str]:
        """Nerves that can be cut (those with a course in the data), in atlas order."""
        return [n.id for n in self.atlas.nerves()
                if n.id in self.data.courses and any(e.level for e in self.levels(n.id))]

    def levels(self, nerve_id: str) -> list[CourseEvent]:
        """Where ``nerve_id`` can be cut, proximal to distal."""
        return self.data.levels_of(nerve_id)

    def first_offered(self, nerve_id: str) -> str | None:
        """The level offered first for ``nerve_id`` (see :meth:`LesionData.first_offered`)."""
        return self.data.first_offered(nerve_id)

    def roots(self) -> list[str]:
        """Spinal roots that supply a muscle of the atlas or have a dermatome."""
        return list(self._roots)

    def cut(self, nerve_id: str, level: str | None = None) -> Cut:
        """A checked :class:`Cut`; ``level=None`` cuts the nerve at its highest level."""
        if nerve_id in self.data.courses and nerve_id not in self.nerves():
            raise LesionError(f"the course of {nerve_id} in the data gives no level to cut it at; "
                              f"nerves that can be cut: {', '.join(self.nerves())}")
        if nerve_id not in self.data.courses:
            raise LesionError(
                f"unknown nerve '{nerve_id}'; nerves that can be cut: {', '.join(self.nerves())}"
            )
        levels = [e.level for e in self.levels(nerve_id) if e.level]
        if level is None:
            return Cut(nerve_id, levels[0])
        if level not in levels:
            raise LesionError(
                f"unknown level '{level}' for {nerve_id}; its levels: {', '.join(levels)}"
            )
        return Cut(nerve_id, level)

    def root(self, root: str) -> str:
        """A checked root name (``l5`` is read as ``L5``)."""
        name = root.strip().upper()
        if name not in self._roots:
            raise LesionError(f"unknown root '{root}'; roots: {', '.join(self._roots)}")
        return name

    # -- the computation ---------------------------------------------------------------------
    def compute(self, lesion: Lesion) -> LesionResult:
        """The consequences of ``lesion``."""
        reach = _Reach()
        for c in lesion.cuts:
            level = self._level_name(c)
            because = f"{self.atlas.name_of(c.nerve)} cut ({level[:1].lower()}{level[1:]})"
            course = self.data.courses[c.nerve].course
            start = next(i for i, e in enumerate(course) if e.level == c.level)
            self._collect(c.nerve, course[start + 1 :], reach, because)
        skin: dict[str, SkinEffect] = {}
        cut = reach.nerves | {c.nerve for c in lesion.cuts}
        for event in reach.events:
            if event.skin and event.skin not in skin:
                carried = tuple(a for a, unless in reach.skin_disputed.get(id(event), ())
                                if not cut.intersection(unless))
                skin[event.skin] = SkinEffect(
                    event.skin, event.name or event.skin, event.text or "", tuple(event.refs),
                    "nerve", (*event.disputed, *carried),
                )
        for root in lesion.roots:
            d = self.data.dermatomes.get(root)
            if d is not None:
                skin[f"dermatome_{root.lower()}"] = SkinEffect(
                    f"dermatome_{root.lower()}", f"{root} dermatome", d.area, tuple(d.refs),
                    "dermatome", tuple(d.disputed),
                )
        branches = {e.branch: e.name or e.branch for e in reach.events if e.branch}
        losses, possibly = self._muscle_losses(reach, set(lesion.roots))
        supply = {m.muscle: m.supply_left for m in losses}
        movements = tuple(self._movements(supply, self._part_supply(reach, set(lesion.roots))))
        by_nerves = supply if not lesion.roots else {  # (what the cut nerves alone leave)
            m.muscle: m.supply_left for m in self._muscle_losses(reach, set())[0]}
        reflexes = tuple(self._reflex(r, supply, by_nerves, set(lesion.roots))
                         for r in self.data.reflexes)
        signs = tuple(self._signs(movements, set(branches) | reach.nerves, set(lesion.roots)))
        return LesionResult(
            lesion, tuple(losses), tuple(possibly), movements, reflexes, tuple(skin.values()),
            tuple(branches.items()), signs, tuple(sorted(reach.nerves)),
            tuple(self._myotomes(lesion.roots, movements)),
        )

    def _myotomes(
        self, roots: Iterable[str], movements: tuple[MovementEffect, ...]
    ) -> Iterable[MyotomeEffect]:
        """The movements that test each damaged root: its key one first, then others, then
        those only some sources give it."""
        status = {f"{m.joint}.{m.movement}": m.status for m in movements}
        for root in roots:
            mine = self.data.myotomes_of(root)
            for m in mine:
                yield MyotomeEffect(m, root, status.get(m.movement, "spared"))
            for m in self.data.myotomes:
                if m not in mine and any(root in (a.roots or ()) for a in m.disputed):
                    yield MyotomeEffect(m, root, status.get(m.movement, "spared"), True)

    def _level_name(self, c: Cut) -> str:
        return next((e.name or c.level for e in self.levels(c.nerve) if e.level == c.level), "")

    def _collect(
        self, nerve: str, course: Iterable[CourseEvent], reach: _Reach, because: str,
        skin_disputed: tuple[_SkinDispute, ...] = (),
    ) -> None:
        """Everything distal to a cut along ``nerve``'s course, child nerves included;
        ``skin_disputed``: what the branch that led here says about the skin beyond it."""
        for event in course:
            reach.events.append(event)
            if event.skin and skin_disputed:
                reach.skin_disputed[id(event)] = skin_disputed
            for m in event.muscles or ():
                reach.add_muscle(m, nerve, because)
            unless = tuple(event.skin_disputed_unless_cut)
            for child in event.nerves or ():
                self._collect_nerve(child, reach, because,
                                    (*skin_disputed, *((a, unless) for a in event.skin_disputed)))

    def _collect_nerve(self, nerve: str, reach: _Reach, because: str,
                       skin_disputed: tuple[_SkinDispute, ...] = ()) -> None:
        if nerve in reach.nerves:
            return  # (reached already: a loop in the data must not recurse without end)
        reach.nerves.add(nerve)
        course = self.data.courses.get(nerve)
        if course is not None:
            self._collect(nerve, course.course, reach, because, skin_disputed)
            return
        # A nerve the data gives no course for: all it supplies, as the atlas says.
        for m in self.atlas.muscles_supplied_by(nerve):
            reach.add_muscle(m, nerve, because)
        for n in self.atlas.nerves():
            if n.branch_of == nerve:
                self._collect_nerve(n.id, reach, because)

    def _muscle_losses(
        self, reach: _Reach, roots: set[str]
    ) -> tuple[list[MuscleLoss], list[MuscleLoss]]:
        losses: list[MuscleLoss] = []
        possibly: list[MuscleLoss] = []
        for m in self._leaves:
            own = set(m.innervation.nerves)
            cut = _cut_reaching(reach, m)
            nerve_left, why = 1.0, []
            if cut and own:  # (no nerve left: a misspelt one in the data was dropped)
                hit = _nerves_hit(own, cut)
                nerve_left = 1 - len(hit) / len(own)
                why.append("; ".join(dict.fromkeys(cut[n] for n in cut)))
                if nerve_left > 0:
                    kept = ", ".join(self.atlas.name_of(n) for n in sorted(own - hit))
                    why.append(f"it keeps its supply from the {kept.lower()}")
            main = set(m.innervation.roots)
            hit_roots = sorted(main & roots, key=_root_order)
            tested = self.data.tested_roots({m.id, m.parent or m.id}) & main
            if hit_roots and tested and not tested & roots and nerve_left == 1:
                # Sources test this muscle through its other roots (extensor hallucis longus:
                # L5): a lesion of a root that is not among them leaves it strong, or nearly.
                possibly.append(MuscleLoss(m.id, 1.0, True, (
                    f"{_join(hit_roots)} is one of its roots, but sources test it for "
                    f"{_join(sorted(tested, key=_root_order))}: little if any weakness expected"
                )))
                hit_roots = []
            root_left = _roots_left(m, set(hit_roots))
            if hit_roots:
                why.append(
                    f"{_join(hit_roots)} cut: {len(main) - len(hit_roots)} of its {len(main)} "
                    f"roots ({_join(sorted(main, key=_root_order))}) left"
                )
            left = round(nerve_left * root_left, 3)
            if left < 1:
                estimate = 0 < left < 1  # sources give nerves and roots, not their shares
                losses.append(MuscleLoss(m.id, left, estimate, "; ".join(why)))
                continue
            disputed = {r for alt in m.innervation.disputed for r in alt.roots or ()}
            if disputed & roots and not any(p.muscle == m.id for p in possibly):
                text = f"some sources also give {_join(sorted(disputed & roots))} for it"
                possibly.append(MuscleLoss(m.id, 1.0, True, text))
        return losses, possibly

    def _part_supply(self, reach: _Reach, roots: set[str]) -> dict[tuple[str, str], float]:
        """0 to 1: the supply each part keeps of a muscle whose parts have nerves of their own
        (its innervation's ``parts``: the adductor and hamstring parts of adductor magnus)."""
        out: dict[tuple[str, str], float] = {}
        for m in self._leaves:
            own = set(m.innervation.nerves)
            hit = _nerves_hit(own, _cut_reaching(reach, m))
            for entry in m.innervation.parts:
                mine = set(entry.nerves) & own
                if mine:
                    left = (1 - len(mine & hit) / len(mine)) * _roots_left(m, roots)
                    out[(m.id, entry.part)] = round(left, 3)
        return out

    def _movements(
        self, supply: dict[str, float], part_supply: dict[tuple[str, str], float]
    ) -> Iterable[MovementEffect]:
        for joint in self.atlas.joints.values():
            for mv in joint.movements:
                movers = [
                    (m.id, a.role, part_supply.get((m.id, a.part or ""), supply.get(m.id, 1.0)))
                    for m in self._leaves
                    for a in m.actions
                    if a.joint == joint.id and a.movement == mv.id
                ]
                if movers:
                    yield _movement_effect(joint.id, mv.id, movers)

    def _reflex(self, r: Reflex, supply: dict[str, float], by_nerves: dict[str, float],
                roots: set[str]) -> ReflexEffect:
        """A reflex after the lesion: absent when its muscles lost all supply, reduced when a
        damaged root is in its arc or a cut nerve took part of its muscles (a root that is not
        in its arc does not: an S1 lesion left the L5 medial hamstring reflex reduced)."""
        muscles = [leaf for m in r.muscles for leaf in self._leaves_of(m)]
        left = [supply.get(m, 1.0) for m in muscles]
        if left and all(s == 0 for s in left):
            return ReflexEffect(r, "absent", "the muscles of its arc have lost their nerve")
        hit = sorted(set(r.roots) & roots, key=_root_order)
        if hit:
            # (an L5 lesion's medial hamstring reflex, whose arc is L5 alone, read "L5 is part
            # of its arc (L5)")
            if len(hit) < len(set(r.roots)):
                return ReflexEffect(r, "reduced", f"{_join(hit)} is part of its arc "
                                                  f"({_join(r.roots)})")
            whole = "is the root of its arc" if len(hit) == 1 else "are all the roots of its arc"
            return ReflexEffect(r, "reduced", f"{_join(hit)} {whole}")
        if any(by_nerves.get(m, 1.0) < 1 for m in muscles):
            return ReflexEffect(r, "reduced", "part of the muscles of its arc lost their nerve")
        disputed = sorted({x for alt in r.disputed for x in alt.roots or ()} & roots)
        if disputed:
            return ReflexEffect(r, "normal", f"some sources add {_join(disputed)} to its arc")
        return ReflexEffect(r, "normal", "its arc is intact")

    def _leaves_of(self, muscle_id: str) -> list[str]:
        children = self.atlas.children(muscle_id)
        return [x for c in children for x in self._leaves_of(c)] if children else [muscle_id]

    def _signs(
        self, movements: tuple[MovementEffect, ...], cut: set[str], roots: set[str]
    ) -> Iterable[tuple[str, str, str, tuple[str, ...]]]:
        status = {f"{m.joint}.{m.movement}": m.status for m in movements}
        for sign in self.data.signs:
            when = sign.when
            moves_ok = all(status.get(k, "spared") in v for k, v in when.movements.items())
            branch_ok = not when.nerves_cut or bool(set(when.nerves_cut) & cut)
            root_ok = not when.roots_damaged or bool(set(when.roots_damaged) & roots)
            if moves_ok and branch_ok and root_ok:
                yield sign.id, sign.name, sign.text, tuple(sign.refs)


#: A dispute a branch carries to the skin beyond it, and the nerves whose cut makes it moot.
_SkinDispute = tuple[Alternative, tuple[str, ...]]


class _Reach:
    """What a cut reaches: muscles (with the nerve and the reason), events, child nerves."""

    def __init__(self) -> None:
        self.muscles: dict[str, dict[str, str]] = {}
        self.events: list[CourseEvent] = []
        self.nerves: set[str] = set()
        #: skin events (by id) -> disputes the branches leading to them add
        self.skin_disputed: dict[int, tuple[_SkinDispute, ...]] = {}

    def add_muscle(self, muscle: str, nerve: str, because: str) -> None:
        self.muscles.setdefault(muscle, {}).setdefault(nerve, because)


def _cut_reaching(reach: _Reach, m: Muscle) -> dict[str, str]:
    """The cut nerves that reach a muscle (or the whole it is part of), with the reason."""
    return reach.muscles.get(m.id) or (reach.muscles.get(m.parent) if m.parent else None) or {}


def _nerves_hit(own: set[str], cut: dict[str, str]) -> set[str]:
    """Which of a muscle's own nerves a cut reaching it takes (none when none reaches it; all
    of them where it was reached as a part of a whole listed for its parts)."""
    return (own & set(cut) or own) if cut else set()


def _roots_left(m: Muscle, roots: set[str]) -> float:
    """The share of a muscle's main roots a root lesion leaves it."""
    main = set(m.innervation.roots)
    return 1 - len(main & roots) / len(main)


def _movement_effect(
    joint: str, movement: str, movers: Sequence[tuple[str, str, float]]
) -> MovementEffect:
    """How a movement fares, from its movers: (muscle, role, supply left to what does it)."""
    prime = [(m, left) for m, role, left in movers if role == "prime"]
    intact_prime = tuple(m for m, left in prime if left == 1)
    intact_assisting = tuple(m for m, role, left in movers if role != "prime" and left == 1)
    by_role = sorted(movers, key=lambda x: x[1] != "prime")  # (prime movers named first)
    weakened = tuple(m for m, _, left in by_role if 0 < left < 1)
    lost = tuple(m for m, _, left in movers if left == 0)
    status: Status
    if not lost and not weakened:
        status = "spared"
    elif not prime:
        status = "weakened"  # its main movers are not in the atlas: never say "lost"
    elif all(left == 0 for _, _, left in movers):
        status = "lost"
    elif all(left == 0 for _, left in prime):
        status = "severely_weakened"  # only assisting muscles are left to do it
    elif all(left == 1 for _, left in prime):
        status = "slightly_weakened"  # only assisting muscles are touched
    else:
        status = "weakened"
    return MovementEffect(
        joint, movement, status, intact_prime, intact_assisting, weakened, lost, not prime
    )


_SEGMENTS = ("C", "T", "L", "S", "Co")


def _root_order(root: str) -> tuple[int, int]:
    """Cervical to coccygeal, then by number: L4 < L5 < S1."""
    segment = root.rstrip("0123456789")
    return (_SEGMENTS.index(segment) if segment in _SEGMENTS else 9, int(root[len(segment) :]))


def _join(items: Iterable[str]) -> str:
    return ", ".join(items)
