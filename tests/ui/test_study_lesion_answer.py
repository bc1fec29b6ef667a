"""A lesion question's answer in study mode shows what the lesion takes away, as the Lesion
panel does: the muscles that lose their supply coloured, the cut marked, the numb skin shaded."""

from __future__ import annotations

import numpy as np

from calfexplorer.lesion.report import denervation_colours
from calfexplorer.scene.style import hex_rgb
from calfexplorer.study import Scope


def test_a_lesion_answer_shows_the_muscles_and_skin_it_takes(study_window) -> None:
    """The answer lit the cut nerve alone: nothing showed which muscles lose their supply or
    which skin goes numb."""
    window, panel = study_window
    scene = window.scene
    panel.scope_picker.set_scope(Scope.of(kinds=["lesion_loss"]))
    panel.length_box.setValue(2)
    assert panel.start_session()
    q = panel.question
    card = panel.facts.lesions[q.structure_id]
    colours = denervation_colours(window.atlas, card.result)
    weak = next(m for m in colours if scene.parts(m))
    before = scene.drawn_style(weak).color
    right = next(i for i, c in enumerate(q.choices) if c.id in q.correct_ids)
    assert panel.answer_choice(right) is not None
    assert np.allclose(scene.drawn_style(weak).color, hex_rgb(colours[weak]), atol=0.02)
    assert scene.nerve_cuts.places  # the cut marked
    if card.result.skin and scene.skin.available() and scene.skin.shades_numb():
        assert len(scene.skin.numb_triangles()) > 0
    panel.go_on()  # the next question starts clean: the last answer would show
    assert np.allclose(scene.drawn_style(weak).color, before, atol=0.02)
    assert not scene.nerve_cuts.places
    assert not len(scene.skin.numb_triangles())
