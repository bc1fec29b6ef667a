"""What the 3D view shows of a lesion, and the one rule that hides it while it is an answer."""

from __future__ import annotations

from calfexplorer.atlas import Atlas
from calfexplorer.lesion import open_lesion_model
from calfexplorer.lesion.model import Lesion
from calfexplorer.lesion.report import DENERVATED_HEX
from calfexplorer.lesion.shown import lesion_shown


def test_an_answer_hidden_shows_nothing_but_a_cut_the_question_names(atlas: Atlas) -> None:
    """A case's answer and a card's front: no muscle colour and no numb skin (they tell where
    the lesion is and what it takes); the cut only where the question itself names it."""
    model, _ = open_lesion_model(atlas)
    result = model.compute(Lesion((model.cut("common_fibular_nerve", "fibular_neck"),)))
    shown = lesion_shown(atlas, model, result)
    assert shown.colours["tibialis_anterior"] == DENERVATED_HEX
    assert shown.marks and "superficial_fibular_nerve" in shown.cut_off
    assert "first_web_space" in shown.numb_skin
    assert not lesion_shown(atlas, model, result, answer_hidden=True)
    asked = lesion_shown(atlas, model, result, answer_hidden=True, cut_named=True)
    assert (asked.marks, asked.cut_off) == (shown.marks, shown.cut_off)
    assert not asked.colours and not asked.numb_skin
    assert not lesion_shown(atlas, model, None)
