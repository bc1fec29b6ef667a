"""Skin questions in study mode, in the real window: "click the skin where the L5 dermatome
lies". The skin is shown plain for the question, the click is graded by the skin map under the
cursor, and the feedback shades the right area."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from calfexplorer.scene.skin_layer import ANSWER_HEX, SKIN_HEX
from calfexplorer.scene.style import hex_rgb
from calfexplorer.study import Scope
from calfexplorer.study.skin_questions import area_id

VIEWS = ("posterior", "anterior", "medial", "lateral")


def skin_point(window, wanted) -> tuple[float, float] | None:
    """A display pixel on the drawn skin where ``wanted(dermatomes, territories)`` holds, from
    the first view (of VIEWS) that shows one."""
    skin = window.scene.skin
    layer = skin.layer
    renderer = layer.renderer
    width, height = window.scene.render_window.GetSize()
    for view in VIEWS:
        window.set_view(view)
        window.scene.render()
        vertices = layer.data.vertices
        candidates = [i for i in range(0, len(vertices), 7) if wanted(*layer.labels.at(i))]
        for i in candidates[:: max(1, len(candidates) // 300)]:
            renderer.SetWorldPoint(*vertices[i], 1.0)
            renderer.WorldToDisplay()
            x, y, _ = renderer.GetDisplayPoint()
            if not (2 < x < width - 2 and 2 < y < height - 2):
                continue
            under = skin.pick(x, y)
            if under is not None and wanted(*under):
                return x, y
    return None


def click(window, qtbot, panel, point) -> object:
    with qtbot.waitSignal(panel.answered) as blocker:
        qtbot.mouseClick(
            window.viewport, Qt.MouseButton.LeftButton, pos=window.viewport.widget_point(*point)
        )
    return blocker.args[0]


def start_skin_question(window, panel):
    if not window.scene.skin.available():
        pytest.skip(f"no skin: {window.scene.skin.reason}")
    panel.scope_picker.set_scope(Scope.of(kinds=["skin_locate"]))
    panel.length_box.setValue(1)
    assert panel.start_session()
    q = panel.question
    assert q.mode == "skin" and q.prompt.startswith("Click the skin")
    assert window.scene.skin.mode == "plain"  # coloured areas would give the answer away
    assert window.scene.skin.layer.highlight_count == 0
    return q


def test_a_click_in_the_right_area_is_right_and_shades_it(study_window, qtbot) -> None:
    window, panel = study_window
    q = start_skin_question(window, panel)
    area = area_id(q.structure_id)
    point = skin_point(window, lambda d, t: area in d or area in t)
    assert point is not None, f"{area} is on no view's skin"
    result = click(window, qtbot, panel, point)
    assert result.correct
    assert panel.store.reviews(panel.session.session_id)[0].correct
    layer = window.scene.skin.layer
    assert layer.highlight_count == int(layer.labels.mask(area).sum()) > 0
    assert "✔ Correct" in panel.question_view.verdict.text()


def test_a_click_elsewhere_is_wrong_and_shows_the_right_area(study_window, qtbot) -> None:
    window, panel = study_window
    q = start_skin_question(window, panel)
    area = area_id(q.structure_id)
    dermatome = area in window.scene.skin.layer.labels.dermatome_ids

    def elsewhere(d: list[str], t: list[str]) -> bool:
        same = d if dermatome else t  # another area of the same map, so the answer is named
        return area not in d and area not in t and bool(same)

    point = skin_point(window, elsewhere)
    assert point is not None
    under = window.scene.skin.pick(*point)
    result = click(window, qtbot, panel, point)
    assert not result.correct
    given = (under[0] if dermatome else under[1])[0]
    assert result.given == f"skin:{given}"
    verdict = panel.question_view.verdict.text()
    assert "Not quite" in verdict and window.scene.skin.map.area(given).name in verdict
    assert panel.question_view.answer_label.text().endswith(f"<b>{q.answer_text}</b>")
    layer = window.scene.skin.layer
    mask = layer.labels.mask(area)
    assert layer.highlight_count == int(mask.sum()) > 0
    colours = layer.colours().astype(float) / 255
    answer = 0.15 * np.array(hex_rgb(SKIN_HEX)) + 0.85 * np.array(hex_rgb(ANSWER_HEX))
    assert np.allclose(colours[mask], answer, atol=0.01)  # the right area, in the answer colour
    assert np.allclose(colours[~mask], hex_rgb(SKIN_HEX), atol=0.01)  # the rest plain skin
    # Space goes on: the session ends and the skin goes back as it was (off).
    qtbot.keyClick(panel, Qt.Key.Key_Space)
    assert panel.summary is not None
    assert window.scene.skin.mode is None
    assert window.scene.skin.layer.highlight_count == 0


def test_switching_tabs_gives_the_skin_back_and_takes_it_again(study_window, qtbot) -> None:
    window, panel = study_window
    q = start_skin_question(window, panel)
    window.info_dock.raise_()  # the user looks at the Information tab
    qtbot.waitUntil(lambda: window.state.mode == "explore")
    assert window.scene.skin.mode is None  # as it was before the question
    window.mode_docks["study"].raise_()
    qtbot.waitUntil(lambda: window.state.mode == "study")
    assert panel.question is q and window.scene.skin.mode == "plain"
