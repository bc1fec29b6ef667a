"""What the 3D view shows of a lesion, and the one rule that hides it while it is the answer.

The Lesion panel's case and a study card's front both ask about a lesion whose picture would
answer them: the colours of its denervated muscles, its cut marks and its numb skin tell where
it is and what it takes away. Both draw from :func:`lesion_shown`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calfexplorer.atlas import Atlas
from calfexplorer.lesion.cut_marks import CutMark, cut_marks, cut_off_nerves
from calfexplorer.lesion.model import LesionModel, LesionResult
from calfexplorer.lesion.report import denervation_colours


@dataclass(frozen=True)
class LesionShown:
    """A lesion as drawn: the denervated muscles' colours (id -> hex), the cut marks, the
    nerves cut off whole, and the ids of the numb skin (``SkinEffect`` ids)."""

    colours: dict[str, str] = field(default_factory=dict)
    marks: tuple[CutMark, ...] = ()
    cut_off: frozenset[str] = frozenset()
    numb_skin: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.colours or self.marks or self.cut_off or self.numb_skin)


def lesion_shown(atlas: Atlas, model: LesionModel, result: LesionResult | None,
                 answer_hidden: bool = False, cut_named: bool = False) -> LesionShown:
    """What to draw of ``result`` (None: nothing).

    ``answer_hidden``: the lesion is the answer to a question not yet answered (a case, a
    card's front): nothing is drawn, but its cut where the question itself names it
    (``cut_named``: "the common fibular nerve is cut at the neck of the fibula").
    """
    if result is None or (answer_hidden and not cut_named):
        return LesionShown()
    marks, off = cut_marks(model, result), cut_off_nerves(atlas, result)
    if answer_hidden:
        return LesionShown(marks=marks, cut_off=off)
    return LesionShown(denervation_colours(atlas, result), marks, off,
                       tuple(s.id for s in result.skin))


__all__ = ["LesionShown", "lesion_shown"]
