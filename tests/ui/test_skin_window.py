"""The skin in the window: View > Skin, a click on it names the dermatome and territory, and a
lesion's numb skin is shaded while the lesion panel is in front."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(main_window):
    if main_window.scene is None:
        pytest.skip("no OpenGL: no 3D view")
    return main_window


def test_the_skin_menu_shows_and_cycles_the_colourings(window, qtbot) -> None:
    controls = window.skin
    bar = window.statusBar()
    assert window.scene.skin.mode is None
    window.select("soleus")
    controls.actions["dermatomes"].trigger()
    assert window.scene.skin.mode == "dermatomes" and window.scene.skin.layer.visible
    assert bar.currentMessage().startswith("Dermatomes")
    controls.cycle()
    assert window.scene.skin.mode == "territories"
    assert bar.currentMessage() == "Selected: Soleus"  # (the dermatomes are no longer shown)
    controls.cycle()
    assert window.scene.skin.mode is None and not window.scene.skin.layer.visible
    assert controls.actions[None].isChecked()


def test_a_click_on_the_skin_names_what_lies_there(window, qtbot) -> None:
    window.skin.set_mode("dermatomes")
    window.set_view("medial")
    window.scene.render()
    layer = window.scene.skin.layer
    width, height = window.scene.render_window.GetSize()
    point = next(
        (x, y)
        for y in range(height // 2, height, 7)
        for x in range(width // 3, 2 * width // 3, 7)
        if layer.pick(x, y) is not None
    )
    window.viewport.last_click_display = point
    selected = window.state.selected
    window._on_viewport_click(window.scene.pick(*point))
    page = window.info.toPlainText()
    assert page.startswith("Skin") and "Dermatome" in page and "Nerve territor" in page
    assert window.state.selected == selected  # the click named the skin, selected nothing
    window.skin.set_mode(None)
    window._on_viewport_click(window.scene.pick(*point))
    assert not window.info.toPlainText().startswith("Skin")  # no skin: a normal click


def test_a_lesion_shades_the_numb_skin(window, qtbot) -> None:
    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    panel = window.lesion.panel
    panel.set_lesion("deep_fibular_nerve", "upper_leg", ())
    skin = window.scene.skin
    assert skin.mode == "plain"  # shown for the numb skin
    assert skin.layer.numb_count > 0
    window.info_dock.raise_()  # the lesion panel goes behind: the skin goes as it came
    qtbot.waitUntil(lambda: not window.lesion.in_front)
    assert skin.mode is None
    assert skin.layer.numb_count == 0


def test_with_a_broken_skin_map_the_skin_key_still_cycles_and_the_ticks_tell_the_truth(
        window, qtbot, tmp_path, monkeypatch) -> None:
    from data_copy import append, data_copy

    append(data_copy(tmp_path, monkeypatch) / "skin_map.yaml")
    controls = window.skin
    seen = []
    for _ in range(4):
        controls.cycle()
        mode = window.scene.skin.mode
        seen.append(mode)
        assert controls.actions[mode].isChecked()
        if mode is None:  # (the colourings refused on the way, saying why)
            said = window.statusBar().currentMessage()
            assert "cannot be coloured" in said and "calfexplorer validate" in said, said
    assert seen == ["plain", None, "plain", None]


@pytest.mark.parametrize(("nerve", "roots", "view"), [
    ("common_fibular_nerve", (), "anterior"), (None, ("S1",), "posterior")])
def test_the_numb_skin_stands_out_from_what_lies_beneath(window, qtbot, nerve, roots, view):
    """The numb skin was a faint grey-blue, hard to tell from the muscles under it; then, made
    opaque cyan, it hid the denervated muscles beneath it. Its rim stands out; inside, the
    muscles still show through a tint."""
    import numpy as np

    window.mode_docks["lesion"].show()
    qtbot.waitUntil(lambda: window.lesion.in_front)
    panel, scene = window.lesion.panel, window.scene
    level = panel.model.levels(nerve)[0].level if nerve else None
    panel.set_lesion(nerve, level, roots)
    window.set_view(view)
    scene.render()
    layer = scene.skin.layer
    numb = set(np.flatnonzero(layer.labels.numb(panel.numb_skin())).tolist())
    seen = [(v, p) for v in sorted(numb)[::7]
            if layer.pick(*(p := scene.world_to_display(layer.data.vertices[v]))) in numb]
    shaded = scene.capture()
    scene.skin.set_numb(None)  # the same plain skin without the shading
    plain = scene.capture()
    scene.skin.set_numb(panel.numb_skin())
    opaque = layer.opacities() > 0.8
    change = {v: int(np.abs(scene.pixel(*p, shaded).astype(int) - scene.pixel(*p, plain)).sum())
              for v, p in seen}
    rim = sorted(c for v, c in change.items() if opaque[v])
    inside = sorted(c for v, c in change.items() if not opaque[v])
    assert len(rim) >= 3 and len(inside) >= 3, (rim, inside)
    # (summed over red, green and blue, of 765: the grey-blue changed the median point by
    # about 65, the opaque cyan by about 190)
    # (some points face the camera edge-on; a quarter of the rim or more is unmistakable)
    assert rim[3 * len(rim) // 4] > 150, rim
    assert inside[len(inside) // 2] < rim[len(rim) // 2], (inside, rim)
    assert inside[3 * len(inside) // 4] > 40, inside  # still tinted
