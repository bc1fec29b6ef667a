"""Keeping posed soft tissue out of bone (:mod:`calfexplorer.anatomy.bone_fields`)."""

from __future__ import annotations

import numpy as np

from calfexplorer.anatomy.bone_fields import soft_distance


def test_the_soft_push_keeps_order_along_the_bone_normal() -> None:
    """Vertices pressed into a bone end in the band between the goal and its top, deeper ones
    lower (a side pressed in is squeezed, not turned over); above the top nothing moves."""
    dist = np.linspace(-0.02, 0.006, 500)
    goal, top = np.full_like(dist, 0.001), np.full_like(dist, 0.004)
    out = soft_distance(dist, goal, top)
    assert np.all(out >= goal) and np.all(out >= dist - 1e-12)
    assert np.all(np.diff(out) > 0)  # strictly in order
    assert np.array_equal(out[dist >= 0.004], dist[dist >= 0.004])
    near = np.abs(dist - 0.004).argmin()
    assert abs(out[near] - dist[near]) < 1e-5  # meets the unmoved part without a step


def test_a_vertex_on_the_bone_at_rest_is_pushed_to_its_goal() -> None:
    dist = np.array([-0.01, -0.002, 0.0])
    goal = np.full(3, -0.001)
    assert np.array_equal(soft_distance(dist, goal, goal), np.array([-0.001, -0.001, 0.0]))
