"""The lesion data for ``calfexplorer facts``: nerve courses, reflexes, dermatomes, myotomes and
signs as plain data (JSON) and as Markdown tables for teachers."""

from __future__ import annotations

from typing import Any

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.data import LesionData


def _alts(items: Any) -> list[dict[str, Any]]:
    return [{"text": a.text, "roots": a.roots, "refs": list(a.refs)} for a in items]


def clinical_facts(atlas: Atlas, data: LesionData) -> dict[str, Any]:
    """``{"nerve_courses", "reflexes", "dermatomes", "myotomes", "signs"}`` with every fact's
    references."""
    courses = {}
    for nerve, course in data.courses.items():
        events = []
        for e in course.course:
            event: dict[str, Any] = {"kind": e.kind, "refs": list(e.refs)}
            for field in ("level", "branch", "skin", "name", "text", "causes"):
                if getattr(e, field):
                    event[field] = getattr(e, field)
            for field in ("muscles", "nerves"):
                if getattr(e, field):
                    event[field] = list(getattr(e, field))
            if e.disputed:
                event["disputed"] = _alts(e.disputed)
            if e.skin_disputed:
                event["skin_disputed"] = _alts(e.skin_disputed)
            events.append(event)
        courses[nerve] = {"name": atlas.name_of(nerve), "course": events}
    return {
        "nerve_courses": courses,
        "reflexes": [
            {
                "id": r.id, "name": r.name, "muscles": list(r.muscles), "nerve": r.nerve,
                "roots": list(r.roots), "text": r.text, "refs": list(r.refs),
                "disputed": _alts(r.disputed),
            }
            for r in data.reflexes
        ],
        "dermatomes": [
            {"root": d.root, "area": d.area, "refs": list(d.refs), "disputed": _alts(d.disputed)}
            for d in data.dermatomes.values()
        ],
        "myotomes": [
            {
                "id": m.id, "roots": list(m.roots), "movement": m.movement,
                "name": atlas.action_label(*m.joint_movement), "key": m.key,
                "muscles": list(m.muscles), "text": m.text, "refs": list(m.refs),
                "disputed": _alts(m.disputed),
            }
            for m in data.myotomes
        ],
        "signs": [
            {
                "id": s.id, "name": s.name, "text": s.text, "refs": list(s.refs),
                "when": {
                    "movements": dict(s.when.movements), "nerves_cut": list(s.when.nerves_cut),
                    "roots_damaged": list(s.when.roots_damaged),
                },
            }
            for s in data.signs
        ],
    }


def clinical_markdown(atlas: Atlas, data: LesionData) -> str:
    """Reflexes, dermatomes and where each nerve can be injured, as Markdown tables."""
    out = ["## Reflexes", "", "| Reflex | Muscles | Nerve | Roots | Sources differ |"]
    out.append("|---|---|---|---|---|")
    for r in data.reflexes:
        alts = "; ".join(f"{', '.join(a.roots or [])}" for a in r.disputed) or "-"
        out.append(
            f"| {r.name} | {', '.join(atlas.name_of(m) for m in r.muscles)} | "
            f"{atlas.name_of(r.nerve)} | {', '.join(r.roots)} | {alts} |"
        )
    out += ["", "## Dermatomes", "", "| Root | Area |", "|---|---|"]
    out += [f"| {d.root} | {' '.join(d.area.split())} |" for d in data.dermatomes.values()]
    out += ["", "## Myotomes", "", "| Roots | Movement | Key muscle group | Sources differ |",
            "|---|---|---|---|"]
    for m in data.myotomes:
        alts = "; ".join(", ".join(a.roots or []) for a in m.disputed) or "-"
        out.append(
            f"| {', '.join(m.roots)} | {atlas.action_label(*m.joint_movement)} | "
            f"{'yes' if m.key else '-'} | {alts} |"
        )
    out += ["", "## Where the nerves are injured", "", "| Nerve | Level | Usual causes |",
            "|---|---|---|"]
    for nerve, course in data.courses.items():
        for e in course.course:
            if e.level:
                causes = " ".join((e.causes or "-").split())
                out.append(f"| {atlas.name_of(nerve)} | {e.name} | {causes} |")
    return "\n".join(out) + "\n"
