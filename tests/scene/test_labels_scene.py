"""Which labels a selection gets over the real leg: many sites on one bone share one label."""

from __future__ import annotations

import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene
from calfexplorer.state import AppState

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


@pytest.fixture(scope="module")
def leg(atlas):
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas, fade=0.25)
    scene = Scene(load_assets(), atlas, state, size=(808, 851))
    scene.set_view("posterior")
    yield scene, state
    scene.close()


def test_the_calcaneus_lists_its_seven_insertions_in_one_label_pointing_at_each(leg) -> None:
    scene, state = leg
    state.select("calcaneus")
    sites = sorted(scene.lit_sites)
    # seven insertions, and the origins of the six foot muscles drawn since #15
    assert len(sites) == 14
    origins_text, text = sorted(scene.labels, key=lambda t: not t.startswith("Origins:"))
    heading, *items = text.split("\n")
    assert heading == "Insertions:"
    assert len(items) == 7 and all(item.startswith("\u2022 ") for item in items)
    assert "\u2022 Tibialis posterior" in items and "\u2022 Soleus" in items
    assert "\u2022 Quadratus plantae" in origins_text.split("\n")
    scene.render()
    placements = [p for p in scene._label_layer.placements if p is not None]
    assert len(placements) == 2
    # a leader to every distinct site centre in view
    centres = {tuple(round(v, 6) for v in scene.centre(s)) for s in sites}
    assert sum(len(p.leaders) for p in placements) == len(centres)


def test_a_muscle_with_few_sites_per_bone_keeps_one_label_per_site(leg) -> None:
    scene, state = leg
    state.select("soleus")
    assert sorted(scene.labels) == [
        "Insertion: Calcaneal tuberosity (calcaneus)",
        "Origin: Head of the fibula",
        "Origin: Medial border of the tibia",
        "Origin: Soleal line of the tibia",
    ]
    scene.render()
    assert all(p is not None for p in scene._label_layer.placements)
