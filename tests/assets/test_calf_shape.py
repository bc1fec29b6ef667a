"""The committed calf reads as a calf from behind: two broad gastrocnemius heads either side of
the midline (an inverted heart, the medial head lower), the soleus beneath and beside them."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.assets import load_assets
from calfexplorer.geometry.source import body_rt, rest_pose


@pytest.fixture(scope="module")
def calf() -> dict[str, np.ndarray]:
    """Vertices of the calf muscles in the tibia frame (x anterior, y up, z lateral), metres."""
    assets = load_assets()
    rot, pos = body_rt(rest_pose(), "tibia_r")
    rot, pos = np.asarray(rot), np.asarray(pos)
    ids = ("gastrocnemius_medial_head", "gastrocnemius_lateral_head", "soleus",
           "fibularis_longus", "calcaneal_tendon")
    return {i: (np.asarray(assets.meshes[i].vertices, float) - pos) @ rot for i in ids}


def _band(v: np.ndarray, y: float, half: float = 0.006) -> np.ndarray:
    return v[np.abs(v[:, 1] - y) < half]


def _widest(v: np.ndarray) -> tuple[float, float]:
    """Largest mediolateral extent over 1 cm bands, and the band's height."""
    ys = np.arange(v[:, 1].min() + 0.01, v[:, 1].max() - 0.01, 0.005)
    spans = [np.ptp(_band(v, y)[:, 2]) if len(_band(v, y)) else 0.0 for y in ys]
    k = int(np.argmax(spans))
    return float(spans[k]), float(ys[k])


def test_heads_are_broad_and_either_side_of_the_midline(calf) -> None:
    mid = float(calf["calcaneal_tendon"][:, 2].mean())
    med, lat = calf["gastrocnemius_medial_head"], calf["gastrocnemius_lateral_head"]
    for head, side in ((med, -1.0), (lat, 1.0)):
        width, y = _widest(head)
        assert 0.04 <= width <= 0.06, width
        assert -0.16 < y < -0.02  # bulge in the upper third of the leg
        band = _band(head, y)
        # the head lies on its own side: at most 1 cm across the midline
        assert np.all(side * (band[:, 2] - mid) > -0.01)
    # together about as wide as the calf (the soleus' widest span)
    span = max(lat[:, 2].max(), 0) - med[:, 2].min()
    assert span >= 0.9 * _widest(calf["soleus"])[0]


def test_heads_converge_to_the_midline_and_the_medial_head_ends_lower(calf) -> None:
    mid = float(calf["calcaneal_tendon"][:, 2].mean())
    med, lat = calf["gastrocnemius_medial_head"], calf["gastrocnemius_lateral_head"]
    assert med[:, 1].min() < lat[:, 1].min() - 0.02
    for head in (med, lat):
        low = head[head[:, 1] < head[:, 1].min() + 0.02]
        assert abs(float(np.median(low[:, 2])) - mid) < 0.015


def test_soleus_shows_beside_the_heads_below_and_lies_deep_to_them(calf) -> None:
    med, lat, sol = (calf[i] for i in ("gastrocnemius_medial_head",
                                       "gastrocnemius_lateral_head", "soleus"))
    y = lat[:, 1].min() - 0.01  # just below the lateral head
    s, m = _band(sol, y), _band(med, y)
    assert s[:, 2].min() < m[:, 2].min() - 0.005 and s[:, 2].max() > m[:, 2].max() + 0.01
    for y in (-0.10, -0.14, -0.18):  # heads behind (more posterior than) the soleus
        heads = np.concatenate([_band(med, y), _band(lat, y)])
        assert heads[:, 0].min() < _band(sol, y)[:, 0].min() - 0.01


def test_fibularis_longus_stays_inside_the_calf_outline_from_behind(calf) -> None:
    fl = calf["fibularis_longus"]
    for y in (-0.08, -0.11, -0.14, -0.17, -0.20):
        cover = np.concatenate([_band(calf[i], y) for i in
                                ("gastrocnemius_lateral_head", "soleus")])
        assert _band(fl, y)[:, 2].max() <= cover[:, 2].max() + 0.002
