"""The box a selected space's contents are lit in: round the space, along its own axes."""

from __future__ import annotations

import numpy as np

from calfexplorer.scene.region_band import BAND_MARGIN, band_box, inside


def test_the_box_follows_an_oblique_tunnel_and_no_further() -> None:
    # a tunnel 6 cm long and 1 cm across, running obliquely down and forwards
    along = np.linspace(0.0, 0.06, 50)[:, None] * np.array([0.0, 0.6, -0.8])
    rng = np.random.default_rng(0)
    tunnel = along + rng.uniform(-0.005, 0.005, (50, 3)) + np.array([0.02, 0.1, 0.1])
    box = band_box(tunnel)
    assert inside(box, tunnel).all()
    centre = tunnel.mean(axis=0)
    beside = centre + np.array([2 * (0.005 + BAND_MARGIN), 0.0, 0.0])  # (its corners reach 1.7x)
    beyond = centre + np.array([0.0, 0.6, -0.8]) * 0.045  # past its end, on its line
    above = centre + np.array([0.0, 0.0, 0.04])  # inside its axis-aligned bounds, not in it
    assert not inside(box, np.array([beside, beyond, above])).any()
