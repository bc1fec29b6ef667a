"""A lesion result as plain data (for ``--json``) and as text for people."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.model import LesionResult, MovementEffect

#: Colour-blind-safe colours of denervated muscles (Okabe-Ito vermillion; a pale apricot tint
#: of it for muscles that keep part of their supply, told apart at a glance: CIELAB distance 45,
#: where the earlier #F0924F was 24 and looked alike on the leg). The selection is magenta,
#: sites orange and blue.
DENERVATED_HEX = "#D55E00"
PARTLY_DENERVATED_HEX = "#FFC080"

STATUS_WORDS = {
    "lost": "lost",
    "severely_weakened": "severely weakened (only assisting muscles left)",
    "weakened": "weakened",
    "slightly_weakened": "slightly weakened (only assisting muscles touched)",
    "spared": "spared",
}


def still_words(m: MovementEffect, names: Callable[[tuple[str, ...]], str]) -> str:
    """What is left to do it: '; Soleus keeps part of its supply' for muscles a lesion only
    weakens (without it, 'still assisted by' read as if the main movers were gone), then
    '; still done by ...' (an untouched prime mover is left) or '; still assisted by ...'
    (only assisting muscles are), with ``names`` formatting the ids; '' when none is left."""
    parts = []
    if m.weakened:
        one = len(m.weakened) == 1
        parts.append(f"{names(m.weakened)} keep{'s' if one else ''} part of "
                     f"{'its' if one else 'their'} supply")
    left = m.intact_prime + m.intact_assisting
    if left:
        parts.append(f"still {'done' if m.intact_prime else 'assisted'} by {names(left)}")
    return "".join(f"; {p}" for p in parts)


def result_data(atlas: Atlas, result: LesionResult) -> dict[str, Any]:
    """Everything in ``result``, as JSON-ready data with display names beside ids."""
    lesion = result.lesion
    return {
        "lesion": {
            "cuts": [{"nerve": c.nerve, "level": c.level} for c in lesion.cuts],
            "roots": list(lesion.roots),
        },
        "muscles": [
            {
                "id": m.muscle,
                "name": atlas.name_of(m.muscle),
                "supply_left": m.supply_left,
                "estimate": m.estimate,
                "because": m.because,
            }
            for m in result.muscles
        ],
        "possibly_affected": [
            {"id": m.muscle, "name": atlas.name_of(m.muscle), "because": m.because}
            for m in result.possibly
        ],
        "movements": [
            {
                "joint": m.joint,
                "movement": m.movement,
                "name": atlas.action_label(m.joint, m.movement),
                "status": m.status,
                "still_done_by": list(m.intact_prime + m.intact_assisting),
                "weakened_muscles": list(m.weakened),
                "lost_muscles": list(m.lost),
                "main_movers_not_in_atlas": m.partial_atlas,
            }
            for m in result.movements
        ],
        "reflexes": [
            {
                "id": r.reflex.id,
                "name": r.reflex.name,
                "status": r.status,
                "because": r.because,
                "refs": list(r.reflex.refs),
            }
            for r in result.reflexes
        ],
        "myotomes": [
            {
                "root": e.root,
                "id": e.myotome.id,
                "movement": e.myotome.movement,
                "name": atlas.action_label(*e.myotome.joint_movement),
                "key": e.myotome.key,
                "status": e.status,
                "disputed": e.disputed,
                "refs": list(e.myotome.refs),
            }
            for e in result.myotomes
        ],
        "numb_skin": [
            {"id": s.id, "name": s.name, "text": s.text, "via": s.via, "refs": list(s.refs),
             "disputed": [{"text": a.text, "refs": list(a.refs)} for a in s.disputed]}
            for s in result.skin
        ],
        "branches_cut": [{"id": i, "name": n} for i, n in result.branches_cut],
        "nerves_cut": [{"id": n, "name": atlas.name_of(n)} for n in result.nerves_cut],
        "signs": [
            {"id": i, "name": n, "text": t, "refs": list(r)} for i, n, t, r in result.signs
        ],
    }


def result_text(atlas: Atlas, result: LesionResult) -> str:
    """A readable summary: muscles, movements that changed, reflexes, skin and signs."""
    lines: list[str] = []
    if result.muscles:
        lines.append("Muscles that lose their nerve supply:")
        for m in result.muscles:
            share = "all" if m.supply_left == 0 else f"{1 - m.supply_left:.0%}"
            est = " (estimate)" if m.estimate else ""
            lines.append(f"  {atlas.name_of(m.muscle)}: {share} lost{est} - {m.because}")
    else:
        lines.append("No muscle of the atlas loses its nerve supply.")
    if result.possibly:
        lines.append("Possibly weak as well:")
        lines.extend(f"  {atlas.name_of(m.muscle)}: {m.because}" for m in result.possibly)
    changed = [m for m in result.movements if m.status != "spared"]
    if changed:
        lines.append("Movements:")
        for effect in changed:
            still = still_words(effect, lambda ids: ", ".join(atlas.name_of(x) for x in ids))
            label = atlas.action_label(effect.joint, effect.movement)
            note = (atlas.partial_atlas_note(effect.joint, effect.movement)
                    if effect.partial_atlas else None)
            partial = f" ({note})" if note else ""
            lines.append(f"  {label}: {STATUS_WORDS[effect.status]}{still}{partial}")
    if result.myotomes:
        lines.append("Myotomes (the movements that test the damaged roots):")
        for e in result.myotomes:
            label = atlas.action_label(*e.myotome.joint_movement)
            kind = "key movement" if e.myotome.key else "also"
            some = ", some sources only" if e.disputed else ""
            lines.append(f"  {e.root} ({kind}{some}): {label}, {STATUS_WORDS[e.status]}")
    lines.append("Reflexes:")
    for r in result.reflexes:
        lines.append(f"  {r.reflex.name}: {r.status} - {r.because}")
    if result.skin:
        lines.append("Numb skin:")
        for s in result.skin:
            lines.append(f"  {s.name}: {s.text}")
            lines.extend(f"    Disputed: {a.text}" for a in s.disputed)
    if result.branches_cut:
        lines.append("Branches cut that the atlas has no 3D structure for yet:")
        lines.extend(f"  {name}" for _, name in result.branches_cut)
    if result.signs:
        lines.append("Signs:")
        lines.extend(f"  {name}: {text}" for _, name, text, _ in result.signs)
    return "\n".join(lines)


def telling_muscles(colours: Mapping[str, Mapping[str, str]], key: str) -> set[str]:
    """The muscles that tell lesion ``key`` from the lesions most like it: of the others
    whose colours (:func:`denervation_colours`, by lesion) differ from its, those that differ
    least; the muscles coloured in one of the two and not the other, or in another colour.
    Lesions that colour the same muscles alike (a nerve cut at two levels above its first
    branch) tell nothing of each other; those that colour none (a skin nerve's) have no
    picture to be taken for its."""
    mine = colours[key]
    nearest: list[set[str]] = []
    for other, theirs in colours.items():
        if other == key or not theirs:
            continue
        differ = {m for m in mine.keys() | theirs.keys() if mine.get(m) != theirs.get(m)}
        if differ and (not nearest or len(differ) < len(nearest[0])):
            nearest = [differ]
        elif differ and len(differ) == len(nearest[0]):
            nearest.append(differ)
    return set().union(*nearest)


def denervation_colours(atlas: Atlas, result: LesionResult) -> dict[str, str]:
    """The 3D colour (hex) of every muscle the lesion denervates; a whole (gastrocnemius)
    takes its parts' colour when they all share it."""
    out = {
        m.muscle: DENERVATED_HEX if m.supply_left == 0 else PARTLY_DENERVATED_HEX
        for m in result.muscles
    }
    for muscle in atlas.muscles():
        parts = atlas.children(muscle.id)
        if parts and all(p in out for p in parts) and len({out[p] for p in parts}) == 1:
            out[muscle.id] = out[parts[0]]
    return out
