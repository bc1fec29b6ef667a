"""Synergists and antagonists, derived per action from the actions data.

A synergist of a muscle for an action (joint + movement) is another muscle with the same
action; an antagonist is one with the opposite movement at that joint (``data/joints.yaml``).
A muscle's own parent and parts are not its relations; the parts of other muscles are. Explicit
``extra_synergists``/``extra_antagonists`` are added with their reason, and they work both
ways: a muscle named by another as its synergist (antagonist) lists that muscle too.

Relations are per part: where an action names the ``part`` of the muscle that does it (the upper
fibres of gluteus maximus abduct the hip, the lower ones adduct it), the relation names that part,
so a muscle whose parts act against each other is a synergist through one part and an
antagonist through another, never both through the same part. Where both actions name the toes
they move (``digits``), they must share one: extensor digitorum brevis (toes 2 to 4) does not
oppose abductor digiti minimi (the little toe).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from calfexplorer.atlas.models import Action, Muscle

if TYPE_CHECKING:
    from calfexplorer.atlas.atlas import Atlas

Kind = Literal["synergist", "antagonist"]

#: Said of a movement whose main movers the atlas lacks (it has only assisting muscles for it:
#: hip abduction without gluteus medius and minimus, hip flexion without iliopsoas) where the
#: data does not name them.
PARTIAL_ATLAS_NOTE = "counting only this atlas's muscles: its main movers are not among them"


@dataclass(frozen=True)
class Relation:
    """Another muscle that helps or opposes this muscle's action ``joint`` + ``movement``.

    ``movement`` is always this muscle's movement. ``role`` is the other muscle's role
    (prime or assisting) in the movement it shares or opposes, ``None`` for an explicit one.
    ``derived`` is false for a relation that exists only because the data names it; ``reason``
    is the explanation the data gives (``None`` for a purely derived relation). ``part`` is the
    part of the other muscle that acts (``"upper fibres"``), ``None`` for the whole muscle.
    """

    id: str
    joint: str
    movement: str
    derived: bool
    reason: str | None = None
    role: str | None = None
    part: str | None = None


@dataclass(frozen=True)
class ActionRelations:
    """One action of a muscle, with the muscles that help and those that oppose it.

    ``action`` is ``None`` for a joint movement that only explicit relations mention.
    ``helpers_note`` (``opposers_note``) says which main movers of the movement the helpers
    (opposers) do are not in the atlas, where some are not: the list is then far from whole
    (:func:`partial_atlas_note`).
    """

    joint: str
    movement: str
    action: Action | None
    helpers: tuple[Relation, ...]
    opposers: tuple[Relation, ...]
    helpers_note: str | None = None
    opposers_note: str | None = None


def _muscle(atlas: Atlas, muscle_id: str) -> Muscle | None:
    m = atlas.get(muscle_id)
    return m if isinstance(m, Muscle) else None


def _derived(atlas: Atlas, m: Muscle, kind: Kind) -> list[Relation]:
    family = atlas.family(m.id)
    out: list[Relation] = []
    for act in m.actions:
        wanted = act.movement
        if kind == "antagonist":
            wanted = atlas.opposite_movement(act.joint, act.movement) or ""
        for other in atlas.muscles():
            if other.id in family:
                continue
            for o in other.actions:
                if o.joint == act.joint and o.movement == wanted and _same_toes(act, o):
                    out.append(
                        Relation(other.id, act.joint, act.movement, True, None, o.role, o.part)
                    )
    return out


def _same_toes(a: Action, b: Action) -> bool:
    """Whether two actions move a toe in common (an action naming no toes moves them all)."""
    return not (a.digits and b.digits) or bool(set(a.digits) & set(b.digits))


def _explicit(atlas: Atlas, m: Muscle, kind: Kind) -> list[Relation]:
    out = []
    own = m.extra_synergists if kind == "synergist" else m.extra_antagonists
    for r in own:
        out.append(Relation(r.id, r.joint, r.movement, False, r.reason))
    # Relations that other muscles declare with this one, seen from this muscle's side.
    for other in atlas.muscles():
        theirs = other.extra_synergists if kind == "synergist" else other.extra_antagonists
        for r in theirs:
            if r.id != m.id:
                continue
            movement = r.movement
            if kind == "antagonist":
                movement = atlas.opposite_movement(r.joint, r.movement) or r.movement
            out.append(Relation(other.id, r.joint, movement, False, r.reason))
    return out


def related(atlas: Atlas, muscle_id: str, kind: Kind) -> list[Relation]:
    """Synergists or antagonists of a muscle, derived ones first, one per muscle part and
    action."""
    m = _muscle(atlas, muscle_id)
    if m is None:
        return []
    found: dict[tuple[str, str | None, str, str], Relation] = {}
    for r in _derived(atlas, m, kind):
        found.setdefault((r.id, r.part, r.joint, r.movement), r)
    for r in _explicit(atlas, m, kind):
        key = (r.id, r.part, r.joint, r.movement)
        if key in found:  # already derived: keep it and add the stated reason
            if found[key].reason is None:
                d = found[key]
                found[key] = Relation(d.id, d.joint, d.movement, True, r.reason, d.role, d.part)
        else:
            found[key] = r
    return list(found.values())


def synergists(atlas: Atlas, muscle_id: str) -> list[Relation]:
    """Muscles that share an action with ``muscle_id`` (plus explicit ones)."""
    return related(atlas, muscle_id, "synergist")


def antagonists(atlas: Atlas, muscle_id: str) -> list[Relation]:
    """Muscles whose action opposes one of ``muscle_id``'s actions (plus explicit ones)."""
    return related(atlas, muscle_id, "antagonist")


def main_movers_missing(atlas: Atlas, joint: str, movement: str) -> bool:
    """Whether the atlas has muscles for a movement but none that is its prime mover."""
    roles = {a.role for m in atlas.muscles() for a in m.actions
             if (a.joint, a.movement) == (joint, movement)}
    return bool(roles) and "prime" not in roles


def partial_atlas_note(
    atlas: Atlas, joint: str, movement: str, listed: bool = True, digits: Sequence[int] = ()
) -> str | None:
    """What to say beside the atlas's muscles for a movement where main movers of it are not
    in the atlas: the data's names for them (hip lateral rotation lacks the short rotators
    though gluteus maximus is there), or that none is there; None where nothing is missing.
    ``listed`` is false where the atlas has no muscle for the movement to list (great toe
    adduction: only the data's names are said); ``digits``, the toes moved, leaves out movers
    of other toes (the dorsal interossei do not abduct the little toe)."""
    absent = atlas.absent_main_movers(joint, movement)
    if absent is not None and absent.digits and digits and not set(absent.digits) & set(digits):
        absent = None
    if absent is not None and not listed:
        return f"its main movers are not in this atlas: {absent.text}"
    if absent is not None:
        return f"counting only this atlas's muscles; main movers it lacks: {absent.text}"
    return PARTIAL_ATLAS_NOTE if listed and main_movers_missing(atlas, joint, movement) else None


def relation_labels(atlas: Atlas, relations: Iterable[Relation]) -> list[tuple[str, str]]:
    """(id, name) once each for related muscles, naming the part that acts ("Gluteus maximus
    (upper fibres)": without it a muscle could read as both helper and opponent), without a
    head whose whole muscle is listed too."""
    relations = list(relations)
    wholes = set(atlas.wholes_over_parts(r.id for r in relations))
    labels = (
        (r.id, atlas.name_of(r.id) + (f" ({r.part})" if r.part else ""))
        for r in relations if r.id in wholes
    )
    return list(dict.fromkeys(labels))


def relations_by_action(atlas: Atlas, muscle_id: str) -> list[ActionRelations]:
    """For each action of the muscle (in data order): who helps and who opposes it."""
    m = _muscle(atlas, muscle_id)
    if m is None:
        return []
    helpers = synergists(atlas, muscle_id)
    opposers = antagonists(atlas, muscle_id)
    keys: list[tuple[str, str]] = [(a.joint, a.movement) for a in m.actions]
    for r in helpers + opposers:
        if (r.joint, r.movement) not in keys:
            keys.append((r.joint, r.movement))
    actions = {(a.joint, a.movement): a for a in m.actions}
    out = []
    for joint, movement in keys:
        helping = tuple(r for r in helpers if (r.joint, r.movement) == (joint, movement))
        opposing = tuple(r for r in opposers if (r.joint, r.movement) == (joint, movement))
        opposite = atlas.opposite_movement(joint, movement) or ""
        action = actions.get((joint, movement))
        digits = action.digits if action is not None else ()
        out.append(ActionRelations(
            joint, movement, action, helping, opposing,
            partial_atlas_note(atlas, joint, movement, bool(helping), digits),
            partial_atlas_note(atlas, joint, opposite, bool(opposing), digits),
        ))
    return out
