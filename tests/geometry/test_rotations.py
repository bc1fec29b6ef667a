"""The nearest proper rotations, by Newton steps or SVD, against a plain SVD (Kabsch)."""

from __future__ import annotations

import numpy as np

from calfexplorer.geometry.rotations import nearest_rotations


def _kabsch(m: np.ndarray) -> np.ndarray:
    u, _s, vt = np.linalg.svd(m)
    d = np.sign(np.linalg.det(u @ vt))
    u[:, :, 2] *= d[:, None]
    return u @ vt


def test_the_nearest_rotations_match_an_svd_and_are_proper() -> None:
    rng = np.random.default_rng(5)
    m = rng.normal(size=(2000, 3, 3))
    m[:5] = np.eye(3)
    m[5:10] = np.diag([1.0, 1.0, 1e-5])  # nearly flat (the kept tubes' straight neighbours)
    m[10:15] = np.diag([1.0, 1.0, -1.0])  # mirrored: the SVD's sign fix
    r = nearest_rotations(m)
    assert np.allclose(r, _kabsch(m), atol=1e-10)
    assert np.allclose(np.linalg.det(r), 1.0)
    assert np.allclose(r @ r.transpose(0, 2, 1), np.eye(3), atol=1e-12)
