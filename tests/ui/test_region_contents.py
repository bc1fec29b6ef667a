"""Selecting a space in the real window lights what passes through it where it passes, not
from the knee to the toes (a student's walk: the tarsal tunnel lit its tendons' whole length)."""

from __future__ import annotations

import numpy as np
import pytest


def _lit_pixels(image: np.ndarray) -> np.ndarray:
    """Mask of the vivid colours a space's contents are lit in inside it (any shade bright
    enough: the same hue, the brightest channel over 215), top row first."""
    from calfexplorer.scene.style import SPACE_CONTENT_HEX, hex_rgb

    vivid = np.array([hex_rgb(code) for code in set(SPACE_CONTENT_HEX.values())])
    vivid /= vivid.max(axis=1)[:, None]
    rgb = image[..., :3].astype(float)
    top = rgb.max(axis=2)
    hue = rgb / np.maximum(top, 1.0)[..., None]
    apart = np.abs(hue[..., None, :] - vivid[None, None]).sum(axis=3).min(axis=2)
    return (top > 215) & (apart < 0.25)


def _space_selected(window, space: str):
    """The window seen from the medial side with ``space`` selected, and its scene."""
    window.set_view("medial")
    window.select(space)
    return window, window.scene


@pytest.mark.parametrize("space", ["tarsal_tunnel", "popliteal_fossa"])
def test_a_selected_space_lights_its_contents_only_where_they_pass_through_it(
    main_window, space
) -> None:
    window, scene = _space_selected(main_window, space)
    image = scene.capture()
    height = image.shape[0]
    # the space's extent on screen (top row first), a little wider than it
    ys = [height - scene.world_to_display(p)[1] for p in scene.world_vertices(space)]
    top, bottom = min(ys) - 25, max(ys) + 25
    lit = _lit_pixels(image)
    rows = np.arange(height)[:, None]
    inside = int((lit & (rows >= top) & (rows <= bottom)).sum())
    outside = int((lit & ((rows < top) | (rows > bottom))).sum())
    assert inside > 200, "what passes through the space is lit in its kinds' colours"
    assert outside < 0.05 * inside, (
        f"{outside} lit pixels beyond the {space} (vs {inside} in it)"
    )
    # what it holds is still drawn beyond it, in its own colours
    assert scene.highlighted - {space}
    for sid in scene.highlighted - {space}:
        drawn = scene.drawn_style(sid)
        assert drawn is not None and drawn.opacity > 0.5


def _regions_on(window) -> bool:
    return window.state.layer_visible("regions") and window.layer_actions["regions"].isChecked()


def test_a_link_to_a_space_shows_the_regions_layer_only_while_the_space_is_selected(
    main_window,
) -> None:
    window = main_window
    assert not _regions_on(window)  # (off as the window opens)
    window.info.link_activated.emit("popliteal_fossa")  # a link in a structure's page
    assert window.state.selected == "popliteal_fossa"
    assert _regions_on(window) and window.scene.is_shown("popliteal_fossa")
    window.info.link_activated.emit("tarsal_tunnel")  # on to another region: still shown
    assert _regions_on(window) and window.scene.is_shown("tarsal_tunnel")
    window.select_clicked("soleus")  # the user moves on
    assert not _regions_on(window)
    assert not window.scene.is_shown("popliteal_fossa")


def test_regions_the_user_switched_on_themself_stay_on(main_window) -> None:
    window = main_window
    window.info.link_activated.emit("popliteal_fossa")
    window.layer_actions["regions"].trigger()  # off by the user ...
    window.layer_actions["regions"].trigger()  # ... and on again: now the user's choice
    window.select_clicked("soleus")
    assert _regions_on(window)


@pytest.mark.parametrize("space", ["tarsal_tunnel", "popliteal_fossa"])
def test_focus_on_a_space_frames_the_space_not_its_contents_whole_length(
    main_window, space
) -> None:
    window, scene = _space_selected(main_window, space)
    scene.focus(duration=0)
    scene.render()
    width, height = scene.render_window.GetSize()
    xy = np.array([scene.world_to_display(p) for p in scene.world_vertices(space)])
    extent = max((xy[:, 0].max() - xy[:, 0].min()) / width,
                 (xy[:, 1].max() - xy[:, 1].min()) / height)
    assert extent > 0.4, f"the {space} fills {extent:.0%} of the view after Focus"
    # the labels keep clear of the space where its contents are lit (a box round it, a little
    # beyond its surface), not of their whole length
    boxes = np.array(scene.selection_on_screen())
    assert len(boxes)
    span = boxes[:, 3].max() - boxes[:, 1].min()
    own = xy[:, 1].max() - xy[:, 1].min()
    assert span < 1.5 * own, f"the labels keep clear of {span:.0f} px around a {own:.0f} px space"
