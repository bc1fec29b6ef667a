"""The skin blended across the knee (:mod:`calfexplorer.geometry.skin_blend`): posed rigidly,
vertex by vertex with its nearest bone's body, the built-in skin parted at the bent knee (skin
edges stretched 20-55 times across the gap, up to 14 cm long; the longest at rest is 37 mm)
and the patella showed through."""

from __future__ import annotations

import numpy as np
import pytest

from calfexplorer.biomech import Pose
from calfexplorer.geometry import skin_fit
from calfexplorer.geometry.mesh_graph import unique_edges
from calfexplorer.geometry.skin import SKIN_FILE, Skin, load_skin
from calfexplorer.geometry.skin_blend import KNEE_BODIES, blend_weights
from calfexplorer.geometry.source import pose_state
from calfexplorer.paths import assets_dir

KNEES = (90, 120)


@pytest.fixture(scope="module")
def skin() -> Skin:
    """The built-in skin (the built assets')."""
    return load_skin(assets_dir() / SKIN_FILE)


def _posed(skin: Skin, knee: float, ankle: float = 0.0) -> np.ndarray:
    bodies = pose_state(Pose(**skin_fit.angles_of(knee, ankle))).bodies
    return skin.posed_vertices(pose_state(None).bodies, bodies).astype(np.float64)


def test_the_weights_fall_smoothly_across_the_knee_and_leave_the_foot_rigid(skin) -> None:
    w = blend_weights(skin.faces, skin.body_of, skin.bodies)
    assert w.shape == (len(skin.vertices), len(skin.bodies))
    assert np.allclose(w.sum(axis=1), 1.0) and w.min() >= 0
    names = skin.vertex_bodies()
    foot = ~np.isin(names, KNEE_BODIES)
    assert np.array_equal(w[foot], np.eye(len(skin.bodies))[skin.body_of[foot]])
    knee = ~foot
    assert 0.3 < np.mean(w[knee].max(axis=1) < 0.99) < 0.95  # a band, not the whole leg
    e = unique_edges(skin.faces)
    e = e[knee[e[:, 0]] & knee[e[:, 1]]]
    assert np.abs(w[e[:, 0]] - w[e[:, 1]]).max() < 0.15  # no step from a vertex to the next


@pytest.mark.parametrize("knee", KNEES)
def test_the_skin_stays_one_surface_at_the_bent_knee(skin, knee: int) -> None:
    """No skin edge spans a gap: none longer than the longest at rest, hardly any stretched more
    than 6 times (21-27 times for the 0.1 % most stretched when it parted)."""
    e = unique_edges(skin.faces)
    rest = np.linalg.norm(skin.vertices[e[:, 0]] - skin.vertices[e[:, 1]], axis=1)
    v = _posed(skin, knee)
    posed = np.linalg.norm(v[e[:, 0]] - v[e[:, 1]], axis=1)
    assert posed.max() < 1.2 * rest.max()
    assert np.percentile(posed / rest, 99.9) < 6.0


def test_a_straight_knee_poses_the_skin_as_at_rest_and_the_foot_rigidly(skin) -> None:
    assert np.allclose(_posed(skin, 0), skin.vertices, atol=1e-6)
    bodies = pose_state(Pose(**skin_fit.angles_of(0, 30))).bodies
    rest = pose_state(None).bodies
    v = skin.posed_vertices(rest, bodies)
    toes = skin.body_of == skin.bodies.index("toes_r")
    tf = np.asarray(bodies["toes_r"]) @ np.linalg.inv(np.asarray(rest["toes_r"]))
    expected = skin.vertices[toes].astype(np.float64) @ tf[:3, :3].T + tf[:3, 3]
    assert np.allclose(v[toes], expected, atol=1e-5)
