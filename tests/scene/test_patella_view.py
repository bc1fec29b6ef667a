"""The patella shows in the anterior view: the quadriceps tendon crosses its front as a narrow
strip, not a sheet that covers it (issue #17)."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.paths import assets_dir
from calfexplorer.scene import Scene
from calfexplorer.state import AppState

pytestmark = pytest.mark.skipif(
    not (assets_dir() / "manifest.json").is_file(),
    reason="assets/meshes not built yet (calfexplorer build-assets)",
)


def test_most_of_the_patella_is_what_the_anterior_view_shows(atlas) -> None:
    from calfexplorer.assets import load_assets

    scene = Scene(load_assets(), atlas, AppState(), size=(360, 480))
    try:
        scene.set_view("anterior")
        scene.focus("patella", duration=0.0)
        scene.render()
        lo, hi = scene._data["patella"].bounds()
        centre = (lo + hi) / 2
        # pixels over the patella's front: a grid across its middle part, seen from the front
        xs = np.linspace(lo[0], hi[0], 9)[2:-2]
        zs = np.linspace(lo[2], hi[2], 9)[2:-2]
        hits = [
            scene.pick(*scene.world_to_display((x, centre[1], z))) == "patella"
            for x in xs for z in zs
        ]
        assert np.mean(hits) >= 0.6, f"{np.mean(hits):.0%} of the patella's front is visible"
    finally:
        scene.close()
