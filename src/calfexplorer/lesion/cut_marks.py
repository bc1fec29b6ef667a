"""Where the 3D view marks a nerve lesion's cuts, and which nerves it draws cut off.

A damaged spinal root gets no mark: it lies at the spine, off the 3D leg, and each nerve of the
leg carries fibres of several roots, so greying one would say it is cut when it is only partly
affected.
"""

from __future__ import annotations

from dataclasses import dataclass

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.model import LesionModel, LesionResult


@dataclass(frozen=True)
class CutMark:
    """A cut drawn on ``nerve`` at ``along`` (a share of its drawn length from its upper end),
    labelled ``label`` ("Cut: at the neck of the fibula")."""

    nerve: str
    along: float
    label: str


def cut_marks(model: LesionModel, result: LesionResult) -> tuple[CutMark, ...]:
    """The marks of ``result``'s nerve cuts whose level the data places on the nerve."""
    marks = []
    for cut in result.lesion.cuts:
        event = next((e for e in model.levels(cut.nerve) if e.level == cut.level), None)
        if event is None or event.along is None:
            continue
        name = event.name or cut.level
        marks.append(CutMark(cut.nerve, event.along, f"Cut: {name[:1].lower()}{name[1:]}"))
    return tuple(marks)


def cut_off_nerves(atlas: Atlas, result: LesionResult) -> frozenset[str]:
    """The nerves a lesion cuts off whole: those below its cuts (:attr:`LesionResult.
    nerves_cut`) and every atlas branch of them (the medial sural cutaneous nerve of a
    sciatic cut, which the lesion data does not name)."""
    off = set(result.nerves_cut)
    branches = [(n.id, n.branch_of) for n in atlas.nerves() if n.branch_of]
    grew = True
    while grew:
        new = {sid for sid, parent in branches if parent in off} - off
        off |= new
        grew = bool(new)
    return frozenset(off)


__all__ = ["CutMark", "cut_marks", "cut_off_nerves"]
