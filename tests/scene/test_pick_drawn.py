"""A click selects only what is drawn under the cursor (the real leg, rendered offscreen)."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.scene import Scene
from calfexplorer.state import AppState

from .real import NEEDS_REAL_ASSETS

pytestmark = NEEDS_REAL_ASSETS

SIZE = (480, 600)


@pytest.fixture
def leg(real_assets, atlas):
    state = AppState.from_atlas(atlas, fade=0.25)
    scene = Scene(real_assets, atlas, state, size=SIZE)
    scene.renderer.SetUseFXAA(False)  # no smoothing across edges: a pixel is what it shows
    scene.set_view("posterior")
    while scene.build_twins_step():
        pass
    yield scene, state
    scene.close()


def _where_drawn(scene: Scene, state: AppState, structure_id: str) -> tuple[np.ndarray, ...]:
    """Display pixels (x, y) where the structure changes the frame the window shows, and
    pixels just around it where it changes nothing (hiding it leaves them as they were)."""
    with_it = scene.capture(exact=False).astype(int)
    state.hide(structure_id)
    without = scene.capture(exact=False).astype(int)
    state.show([structure_id])
    scene.capture(exact=False)  # the frame the user clicks on
    diff = np.abs(with_it - without).max(axis=2)[::-1]  # rows bottom-up, as display y
    drawn = diff > 40
    around = drawn.copy()  # within 3 pixels of where it is drawn: where a pick goes wrong
    for dy in range(-3, 4):
        for dx in range(-3, 4):
            around |= np.roll(np.roll(drawn, dy, axis=0), dx, axis=1)
    near = np.argwhere(around & (diff == 0))[:, ::-1]
    drawn = np.argwhere(drawn)[:, ::-1]
    return drawn, near


@pytest.mark.parametrize(
    ("selected", "structure_id"),
    [
        (None, "small_saphenous_vein"),  # runs over the gastrocnemius and the sural nerve
        (None, "sural_nerve"),  # beside the small saphenous vein
        (None, "tibial_nerve"),  # beside the posterior tibial veins
        ("soleus", "small_saphenous_vein"),  # faded, drawn with its coarse twin
    ],
)
def test_a_click_selects_a_structure_only_where_it_is_drawn(leg, selected, structure_id):
    scene, state = leg
    if selected:
        state.select(selected)
    drawn, not_drawn = _where_drawn(scene, state, structure_id)
    if selected:
        assert structure_id in scene.drawn_coarse
    wrong = [(int(x), int(y)) for x, y in not_drawn if scene.pick(x, y) == structure_id]
    # (a single pixel may differ where a surface is seen edge-on: rasterising and a ray
    # through the pixel's centre can disagree there)
    assert len(wrong) <= 1, f"picked where it is not drawn: {wrong[:5]} ({len(wrong)} pixels)"
    sample = drawn[:: max(len(drawn) // 40, 1)]
    assert sum(scene.pick(x, y) == structure_id for x, y in sample) > len(sample) // 2
