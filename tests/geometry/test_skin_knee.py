"""The skin's learnt moves for the bent knee (:mod:`calfexplorer.geometry.skin_knee`): saved
with the skin, blended by the knee's angle as it is posed, none with the knee straight; and
the fast winding number the pack build learns them with."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from calfexplorer.biomech import Pose
from calfexplorer.geometry import skin_fit
from calfexplorer.geometry.implicit import fast_winding_number, winding_number
from calfexplorer.geometry.skin import SKIN_FILE, Skin, load_skin, save_skin
from calfexplorer.geometry.skin_knee import knee_angle_deg
from calfexplorer.geometry.source import pose_state
from calfexplorer.paths import assets_dir


@pytest.fixture(scope="module")
def skin() -> Skin:
    """The built-in skin with made-up moves: 10 mm out along x at knee 60, 20 at 120."""
    base = load_skin(assets_dir() / SKIN_FILE)
    moves = np.zeros((2, len(base.vertices), 3), np.float32)
    moves[0, :, 0], moves[1, :, 0] = 0.01, 0.02
    return replace(base, knee_grid=np.array([60.0, 120.0]), knee_moves=moves)


def _bodies(knee: float) -> dict[str, np.ndarray]:
    return pose_state(Pose(**skin_fit.angles_of(knee, 0))).bodies


@pytest.mark.parametrize("knee", [30, 60, 90, 120])
def test_the_knee_angle_is_read_from_the_thigh_and_the_leg(knee: int) -> None:
    """(The model's knee turns a little about its other axes as it bends.)"""
    assert knee_angle_deg(pose_state(None).bodies, _bodies(knee)) == pytest.approx(knee, abs=1.5)


@pytest.mark.parametrize(("knee", "move"), [(0, 0.0), (30, 0.005), (60, 0.01), (90, 0.015),
                                            (120, 0.02)])
def test_the_moves_blend_by_the_knee_angle(skin: Skin, knee: int, move: float) -> None:
    """Posed with the moves, each vertex lies its move (turned with it) from where it lies
    without them: none with the knee straight, blended linearly between the learnt knees."""
    rest = pose_state(None).bodies
    plain = replace(skin, knee_grid=None, knee_moves=None)
    shift = skin.posed_vertices(rest, _bodies(knee)) - plain.posed_vertices(rest, _bodies(knee))
    assert np.linalg.norm(shift, axis=1) == pytest.approx(move, abs=3e-4)


def test_the_moves_are_saved_with_the_skin(skin: Skin, tmp_path: Path) -> None:
    save_skin(tmp_path / SKIN_FILE, skin)
    back = load_skin(tmp_path / SKIN_FILE)
    assert back.knee_grid is not None and back.knee_moves is not None
    assert np.array_equal(back.knee_grid, skin.knee_grid)
    assert np.array_equal(back.knee_moves, skin.knee_moves)
    save_skin(tmp_path / "plain.npz", replace(skin, knee_grid=None, knee_moves=None))
    assert load_skin(tmp_path / "plain.npz").knee_moves is None


def test_damaged_moves_are_refused(skin: Skin, tmp_path: Path) -> None:
    save_skin(tmp_path / SKIN_FILE, replace(skin, knee_moves=skin.knee_moves[:, :10]))
    with pytest.raises(ValueError, match="bent knee"):
        load_skin(tmp_path / SKIN_FILE)


def test_the_fast_winding_number_tells_inside_from_outside_as_the_exact_one(skin: Skin) -> None:
    rng = np.random.default_rng(1)
    v = skin.vertices.astype(np.float64)
    near = v[rng.choice(len(v), 300)] + rng.normal(0, 0.004, (300, 3))
    fast = fast_winding_number(near, v, skin.faces)
    exact = winding_number(near, v, skin.faces)
    assert np.abs(fast - exact).max() < 0.05
    assert np.array_equal(fast > 0.5, exact > 0.5)
