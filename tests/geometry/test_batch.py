"""The built-in leg's stations posed with numpy alone match the sparse (SciPy) formulation they
replaced, bit for bit, so the motion lab no longer needs SciPy to pose it and
``calfexplorer build-assets`` writes the same files."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from calfexplorer.biomech import Pose
from calfexplorer.geometry.batch import StationBatch, _gradient, _smoother
from calfexplorer.geometry.deform import _fallback
from calfexplorer.geometry.params import load_params
from calfexplorer.geometry.source import pose_state, rest_pose


def _sparse_twin(batch: StationBatch):
    """The batch with the block-diagonal sparse operators it was posed with before."""
    sp = pytest.importorskip("scipy.sparse")
    twin = copy.copy(batch)
    specs = batch.specs
    rows = np.concatenate([batch.offsets[k] + np.arange(specs[k].stations)
                           for k, _ in batch.sources])
    weights = np.concatenate([np.full(specs[k].stations, 1.0 / len(specs[k].sources))
                              for k, _ in batch.sources])
    twin.average = sp.csr_matrix((weights, (rows, np.arange(len(rows)))),
                                 shape=(int(batch.offsets[-1]), len(rows)))
    twin.smooth = sp.block_diag([_smoother(s.stations, s.smooth) for s in specs]).tocsr()
    twin.grad = sp.block_diag([_gradient(s.stations) for s in specs]).tocsr()
    twin.radial_smooth = sp.block_diag([_smoother(s.stations, 3) for s in specs]).tocsr()
    return twin


def test_every_structure_poses_as_the_sparse_formulation_did() -> None:
    params = load_params()
    batch = StationBatch(list(params.sweeps), rest_pose(), params.axis_bodies)
    assert len({len(s.sources) for s in batch.specs}) > 1  # (averaging exercised)
    twin = _sparse_twin(batch)
    rng = np.random.default_rng(7)
    poses = [Pose.from_degrees(knee=rng.uniform(0, 120), ankle=rng.uniform(-40, 30),
                               subtalar=rng.uniform(-20, 20), toes=rng.uniform(-30, 30))
             for _ in range(12)] + [Pose.from_degrees(knee=120, ankle=-40), None]
    for pose in poses:
        state = pose_state(pose)
        centres, frames, lengths = batch.compute(state, _fallback(state))
        ref_centres, ref_frames, ref_lengths = twin.compute(state, _fallback(state))
        # Exactly: where a path shortens, stations held at its start can coincide (belly
        # (0, 0): every station keeps its distance from the far end), and their frames follow
        # the last bit of the sums. (Sums rounded otherwise, ~1e-16 m apart, moved a few
        # vertices of 31 built meshes by up to 2.2 mm and changed the built skin.)
        assert np.array_equal(centres, ref_centres)
        assert np.array_equal(frames, ref_frames)
        assert np.array_equal(lengths, ref_lengths)


def test_the_smoothing_matrices_are_built_without_blas_products(monkeypatch) -> None:
    """The smoothing matrices were matrix powers: their BLAS products ran OpenBLAS's threads
    in the posing loader's thread while the motion lab drew its first frame, and on two cores
    the window stood frozen ~0.1 s longer (bench_mode_open). Built by their passes instead,
    they are the matrix powers bit for bit (every entry a multiple of 4**-iterations)."""
    params = load_params()
    sizes = {(s.stations, s.smooth) for s in params.sweeps} | {
        (s.stations, 3) for s in params.sweeps}
    _smoother.cache_clear()
    with monkeypatch.context() as patched:
        def no_blas(*_args: object) -> None:
            raise AssertionError("a BLAS product")

        patched.setattr(np.linalg, "matrix_power", no_blas)
        built = {(n, k): _smoother(n, k) for n, k in sizes}
    _smoother.cache_clear()
    for (n, k), matrix in built.items():
        step = np.eye(n)
        for i in range(1, n - 1):
            step[i, i - 1 : i + 2] = (0.25, 0.5, 0.25)
        assert np.array_equal(matrix, np.linalg.matrix_power(step, k)), (n, k)
