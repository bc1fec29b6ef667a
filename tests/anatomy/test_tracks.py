"""Display tracks' stations along a model path (:mod:`calfexplorer.anatomy.tracks`)."""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.tracks import MIN_GAP, _spread


def test_evenly_spaced_stations_stay_where_they_are() -> None:
    s = np.linspace(0.0, 0.3, 64)
    assert np.array_equal(_spread(s, 0.3), s)
    uneven = np.concatenate([np.linspace(0.0, 0.1, 40), np.linspace(0.1, 0.3, 25)[1:]])
    assert np.array_equal(_spread(uneven, 0.3), uneven)  # no gap under MIN_GAP of even


def test_stations_squeezed_between_two_via_sites_are_spread() -> None:
    """Where two anchors close up, the stations between them are moved apart to at least
    ``MIN_GAP`` of even spacing, in order, the path's ends kept."""
    s = np.concatenate([np.linspace(0.0, 0.15, 30), np.linspace(0.15, 0.152, 10)[1:],
                        np.linspace(0.152, 0.3, 26)[1:]])
    out = _spread(s, 0.3)
    even = 0.3 / (len(s) - 1)
    assert np.diff(s).min() < 0.1 * even
    assert np.diff(out).min() >= MIN_GAP * even - 1e-12
    assert out[0] == 0.0 and abs(out[-1] - 0.3) < 1e-12
