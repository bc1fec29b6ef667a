"""Selecting a region lights what it holds, with its see-through volume (issue #15)."""

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


def test_selecting_a_compartment_lights_its_muscles_nerve_and_artery(atlas) -> None:
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas)
    scene = Scene(load_assets(), atlas, state, size=(200, 300))
    try:
        state.select("deep_posterior_compartment_leg")
        lit = scene.highlighted
        assert "deep_posterior_compartment_leg" in lit
        assert {"tibialis_posterior", "flexor_hallucis_longus", "tibial_nerve",
                "posterior_tibial_artery"} <= lit
        assert "soleus" not in lit  # the superficial compartment's
        state.select("tarsal_tunnel")
        assert {"flexor_digitorum_longus", "tibial_nerve"} <= scene.highlighted
    finally:
        scene.close()


def test_a_region_lights_what_it_holds_but_not_where_those_muscles_attach(atlas) -> None:
    # The tarsal tunnel lit seven origin and insertion callouts from the knee to the toes.
    from calfexplorer.assets import load_assets

    state = AppState.from_atlas(atlas)
    scene = Scene(load_assets(), atlas, state, size=(200, 300))
    try:
        state.select("tarsal_tunnel")
        assert {"tibialis_posterior", "flexor_digitorum_longus"} <= scene.highlighted
        assert scene.lit_sites == {}
        assert not any(label.startswith(("Origin", "Insertion")) for label in scene.labels)
        state.select("tibialis_posterior")
        assert scene.lit_sites  # a muscle's own, as before
    finally:
        scene.close()


def test_the_tarsal_tunnels_lit_boxes_follow_it_as_the_knee_bends(atlas) -> None:
    # (the tunnel moves with the tibia; its boxes are refitted when the pose moves it)
    from calfexplorer.assets import load_assets
    from calfexplorer.scene.region_band import inside

    state = AppState.from_atlas(atlas)
    scene = Scene(load_assets(), atlas, state, size=(200, 300))
    try:
        state.select("tarsal_tunnel")
        at_rest = scene.world_vertices("tarsal_tunnel").copy()
        assert inside(scene._styles.band, at_rest).all()
        state.set_pose({"knee": np.radians(90.0)})
        bent = scene.world_vertices("tarsal_tunnel")
        assert inside(scene._styles.band, bent).all()
        assert not inside(scene._styles.band, at_rest).any()  # (lit no longer where it was)
        state.set_pose({})
        assert inside(scene._styles.band, at_rest).all()
    finally:
        scene.close()
