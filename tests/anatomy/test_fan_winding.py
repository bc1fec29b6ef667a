"""The winding number with far patches summed as fans over their rims gives the plain sum's
numbers: closed, open and doubled meshes, points near the surface and far from it."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.anatomy.fan_winding import LEAF_FACES, FanWinding
from calfexplorer.geometry.implicit import winding_number

from .test_routing import _ball


def _sphere(n: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """A closed UV sphere of radius 10 mm (metres), faces outwards: test_routing's ball."""
    ball = _ball(0.01, n)
    return ball.vertices.astype(np.float64), np.asarray(ball.faces)


def _points(v: np.ndarray) -> np.ndarray:
    """Points just off the surface (a few within a millimetre of it) and far from it."""
    rng = np.random.default_rng(7)
    near = v[rng.integers(0, len(v), 300)] * rng.uniform(0.9, 1.1, (300, 1))
    far = rng.normal(size=(200, 3)) * 0.02
    return np.concatenate([near, far])


def _open(v: np.ndarray, f: np.ndarray) -> np.ndarray:
    """The faces of the sphere less its top cap: an open mesh, fractional winding numbers."""
    return f[v[f][:, :, 2].min(axis=1) < 0.007]


@pytest.mark.parametrize("shape", ["closed", "open", "doubled"])
def test_the_fan_sum_gives_the_plain_winding_number(shape: str) -> None:
    v, f = _sphere()
    f = {"closed": f, "open": _open(v, f), "doubled": np.concatenate([f, f[::3]])}[shape]
    assert len(f) > 16 * LEAF_FACES  # (so that far patches are summed as fans)
    points = _points(v)
    plain = winding_number(points, v, f)
    fast = FanWinding(v, f)(points)
    assert np.allclose(fast, plain, atol=1e-5)
    assert ((fast > 0.5) == (plain > 0.5)).all()
    if shape == "open":
        assert ((plain > 0.05) & (plain < 0.95)).any()  # (the open mesh's fractional values)


def test_the_fans_hold_for_the_mesh_posed_otherwise() -> None:
    """Patches split for one pose (cached by the faces) still give the plain numbers once the
    mesh is posed otherwise: a fan needs its points outside the patch's box only."""
    v, f = _sphere()
    FanWinding(v, f)
    bent = v * [1.0, 2.0, 0.5] + np.sin(v[:, 2:] * 200) * 0.004
    points = _points(bent)
    assert np.allclose(FanWinding(bent, f)(points), winding_number(points, bent, f), atol=1e-5)
