"""The moves that mend the bent knee's creases (:mod:`calfexplorer.anatomy.folds`): solved on a
creased tube, blended between the grid's poses, learnt and kept with the pack's binding."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from calfexplorer.anatomy import folds
from calfexplorer.anatomy.folds import Folds, Mend, turned_over, unfold


def _tube(rings: int = 24, around: int = 16, radius: float = 0.01,
          length: float = 0.12) -> tuple[np.ndarray, np.ndarray]:
    """A closed tube along z (rings of vertices, a centre vertex closing each end)."""
    t = np.linspace(0, 2 * np.pi, around, endpoint=False)
    z = np.linspace(0, length, rings)
    v = np.array([(radius * np.cos(a), radius * np.sin(a), h) for h in z for a in t])
    v = np.vstack([v, [(0, 0, 0), (0, 0, length)]])
    f = []
    for r in range(rings - 1):
        for k in range(around):
            a, b = r * around + k, r * around + (k + 1) % around
            f += [(a, b, b + around), (a, b + around, a + around)]
    lo, hi = rings * around, rings * around + 1
    for k in range(around):
        f += [(lo, (k + 1) % around, k)]
        top = (rings - 1) * around
        f += [(hi, top + k, top + (k + 1) % around)]
    return v, np.array(f)


def _volume(v: np.ndarray, f: np.ndarray) -> float:
    return float(np.einsum("ij,ij->", v[f[:, 0]], np.cross(v[f[:, 1]], v[f[:, 2]]))) / 6.0


def test_a_creased_tube_is_solved_smooth_at_its_volume() -> None:
    rest, faces, posed = _creased_tube()  # the crease's triangles turned over
    assert _volume(rest, faces) > 0
    mesh = folds._Mesh(rest, faces)
    before = turned_over(faces, rest, posed, mesh.near_faces).mean()
    assert before > 0.02
    none = np.zeros(len(rest), bool)
    done = unfold(mesh, posed, {}, np.zeros((0, 4, 4)), none, np.full(len(rest), -1))
    assert done is not None
    q, share_before, after, left = done
    assert share_before == before
    again = turned_over(faces, rest, q, mesh.near_faces)
    assert after < before / 4 and after == again.mean() and np.array_equal(left, again)
    assert abs(_volume(q, faces) / _volume(posed, faces) - 1) < 0.01
    # only the crease and the rings around it move
    moved = np.abs(q - posed).max(1) > 1e-9
    assert np.all(np.abs(rest[moved, 2] - 0.06) < 0.045)


def _creased_tube() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tube, and it posed with a crease: three rings pushed back past the ring below."""
    rest, faces = _tube()
    posed = rest.copy()
    z = posed[:, 2]
    band = (z > 0.05) & (z < 0.068)
    posed[band, 2] = 0.05 - (z[band] - 0.05) * 0.5
    return rest, faces, posed


def _shortest(mesh: folds._Mesh, v: np.ndarray) -> float:
    """The least ratio of an edge's length to its rest length."""
    rest = np.linalg.norm(mesh.rest[mesh.i] - mesh.rest[mesh.j], axis=1)
    return float((np.linalg.norm(v[mesh.i] - v[mesh.j], axis=1) / rest).min())


def test_a_crease_solved_with_its_edges_held_squeezes_them_less() -> None:
    """Each edge under ``edge_min`` of its rest length projected to it: the crease is still
    undone at its volume, its shortest edges left longer (0.72 -> 0.77 of rest)."""
    rest, faces, posed = _creased_tube()
    mesh = folds._Mesh(rest, faces)
    none = np.zeros(len(rest), bool)
    args = (mesh, posed, {}, np.zeros((0, 4, 4)), none, np.full(len(rest), -1), None)
    plain, held = unfold(*args), unfold(*args, Mend(edge_min=0.8, edge_weight=5.0))
    assert plain is not None and held is not None
    assert held[2] < held[1] / 4
    assert _shortest(mesh, held[0]) > _shortest(mesh, plain[0]) + 0.03
    assert abs(_volume(held[0], faces) / _volume(posed, faces) - 1) < 0.01


def test_held_vertices_slide_no_farther_than_allowed() -> None:
    """An origin's vertices (a ring below the crease) moved at most ``slide_m`` from where
    posing left them (more without), the crease undone all the same."""
    rest, faces, posed = _creased_tube()
    mesh = folds._Mesh(rest, faces)
    hold = np.abs(rest[:, 2] - 0.045) < 0.006
    args = (mesh, posed, {}, np.zeros((0, 4, 4)), hold, np.full(len(rest), -1), None)
    free = unfold(*args, Mend(edge_min=0.6, edge_weight=5.0))
    kept = unfold(*args, Mend(edge_min=0.6, edge_weight=5.0, slide_m=0.0005))
    assert free is not None and kept is not None

    def slid(q: np.ndarray) -> float:
        return float(np.linalg.norm(q - posed, axis=1)[hold].max())

    assert slid(free[0]) > 0.002 and slid(kept[0]) < 0.0005 + 1e-9
    assert kept[2] < kept[1] / 4


def test_a_straight_tube_is_left_as_it_is() -> None:
    rest, faces = _tube()
    mesh = folds._Mesh(rest, faces)
    none = np.zeros(len(rest), bool)
    assert unfold(mesh, rest * 1.02, {}, np.zeros((0, 4, 4)), none,
                  np.full(len(rest), -1)) is None


def test_moves_blend_bilinearly_between_the_grid_poses() -> None:
    knees, ankles = np.radians([0.0, 90.0, 120.0]), np.radians([-40.0, 0.0, 30.0])
    values = np.arange(3 * 3 * 2 * 3, dtype=np.float32).reshape(3, 3, 2, 3)
    f = Folds(knees, ankles, np.array([4, 7]), values)
    np.testing.assert_allclose(f.blend(knees[1], ankles[2]), values[1, 2])
    mid = f.blend(np.radians(105.0), np.radians(-20.0))
    expect = 0.25 * (values[1, 0] + values[2, 0] + values[1, 1] + values[2, 1])
    np.testing.assert_allclose(mid, expect, rtol=1e-6)
    # held at the grid's edges
    np.testing.assert_allclose(f.blend(np.radians(150.0), np.radians(45.0)), values[2, 2])
    assert f.blend(0.0, 0.0).dtype == np.float32


def test_the_pack_binding_carries_the_moves(built_pack: Path) -> None:
    """Learnt with the binding for the creasing structures only, none with the knee straight;
    a selection posed alone, full or coarse, is posed as in the whole leg."""
    from calfexplorer.anatomy.soft_tissue import load_poser
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    poser = load_poser(built_pack)
    learnt, lev = poser.binding.folds, poser.binding.full
    assert learnt is not None and len(learnt.rows)
    owner = {lev.ids[k] for k in np.searchsorted(lev.starts, learnt.rows, side="right") - 1}
    assert owner == set(folds.FOLDING)
    for i, knee in enumerate(folds.KNEES_DEG):  # none with the knee straight (nor at rest)
        assert learnt.values[i].any() == (knee in folds.MENDED_KNEES_DEG), knee
    assert np.abs(learnt.values).max() < 0.05  # a few centimetres at most
    state = pose_state(Pose.from_degrees(knee=105, ankle=10))
    first = next(iter(folds.FOLDING))
    sel = frozenset({first, "soleus"})
    for coarse in (False, True):
        whole = poser.pose(state, coarse)
        alone = poser.pose(state, coarse, only=sel)
        for sid in sel:  # (the push out of bone after the moves may round a last bit apart)
            np.testing.assert_allclose(alone[sid], whole[sid], rtol=0, atol=1e-6)
    # the moves are what tells the poses apart from those without them
    with_moves = poser.pose(state)[first]
    poser._set_folds(None)
    without = poser.pose(state)[first]
    poser._set_folds(learnt)
    start = lev.starts[lev.ids.index(first)]
    moved = np.flatnonzero(np.abs(with_moves - without).max(1) > 0)
    assert len(moved) and set((moved + start).tolist()) <= set(learnt.rows.tolist())
