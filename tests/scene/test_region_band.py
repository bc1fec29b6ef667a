"""The boxes a selected space's contents are lit in: round the space, along its own axes,
one per arm of a bent space."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.geometry.implicit import winding_number
from calfexplorer.paths import assets_dir
from calfexplorer.scene.region_band import BAND_MARGIN, band_boxes, inside


def test_the_box_follows_an_oblique_tunnel_and_no_further() -> None:
    # a tunnel 6 cm long and 1 cm across, running obliquely down and forwards
    along = np.linspace(0.0, 0.06, 50)[:, None] * np.array([0.0, 0.6, -0.8])
    rng = np.random.default_rng(0)
    tunnel = along + rng.uniform(-0.005, 0.005, (50, 3)) + np.array([0.02, 0.1, 0.1])
    box = band_boxes(tunnel)
    assert inside(box, tunnel).all()
    centre = tunnel.mean(axis=0)
    beside = centre + np.array([2 * (0.005 + BAND_MARGIN), 0.0, 0.0])  # (its corners reach 1.7x)
    beyond = centre + np.array([0.0, 0.6, -0.8]) * 0.045  # past its end, on its line
    above = centre + np.array([0.0, 0.0, 0.04])  # inside its axis-aligned bounds, not in it
    assert not inside(box, np.array([beside, beyond, above])).any()
    assert inside(band_boxes(tunnel[:2]), tunnel[:2]).all()  # (two points: still boxes)


def _l_shaped_tunnel() -> np.ndarray:
    """Points filling an L: an upright arm 5.5 cm tall behind (+y), turning forward at its foot
    into an arm 2 cm tall reaching 4.5 cm further, 2 cm across (x); like the tarsal tunnel."""
    grid = np.mgrid[-0.01:0.0101:0.005, -0.045:0.0251:0.0025, 0:0.0551:0.0025]
    pts = grid.reshape(3, -1).T
    return pts[(pts[:, 1] >= 0) | (pts[:, 2] <= 0.02)]


def test_a_bent_space_lights_its_contents_in_both_arms_and_not_above_its_top() -> None:
    # One box round the L overshot its top by 1.6 cm where a tendon runs down its back wall:
    # the lit part of the tarsal tunnel's tendons reached ~2 cm above it in a close-up.
    boxes = band_boxes(_l_shaped_tunnel())
    down = np.column_stack([np.zeros(30), np.full(30, 0.02), np.linspace(0.054, 0.012, 30)])
    forward = np.column_stack([np.zeros(20), np.linspace(0.02, -0.044, 20), np.full(20, 0.01)])
    assert inside(boxes, np.concatenate([down, forward])).all()
    above = np.array([[0.0, 0.02, 0.055 + 0.01], [0.0, 0.02, 0.055 + 0.015]])
    assert not inside(boxes, above).any()
    beyond_the_bend = np.array([[0.0, -0.03, 0.045]])  # in front of the upright arm, high up
    assert not inside(boxes, beyond_the_bend).any()


@pytest.mark.skipif(not (assets_dir() / "manifest.json").is_file(),
                    reason="assets/meshes not built yet (calfexplorer build-assets)")
def test_the_tarsal_tunnels_tendons_are_lit_inside_it_and_not_above_it() -> None:
    meshes = load_assets().meshes
    tunnel = meshes["tarsal_tunnel"]
    walls = tunnel.vertices.astype(np.float64)
    boxes = band_boxes(walls)
    top = walls[:, 2].max()
    for tendon in ("tibialis_posterior", "flexor_digitorum_longus", "flexor_hallucis_longus"):
        points = meshes[tendon].vertices.astype(np.float64)
        near = points[(points >= walls.min(0)).all(1) & (points <= walls.max(0)).all(1)]
        held = near[winding_number(near, walls, tunnel.faces) > 0.5]
        assert len(held) > 20 and inside(boxes, held).all(), tendon
        # the tendon from 1.5 cm above the tunnel's top on (it runs down into it)
        above = points[points[:, 2] > top + 0.015]
        assert len(above) and not inside(boxes, above).any(), tendon
