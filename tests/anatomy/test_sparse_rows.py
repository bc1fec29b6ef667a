"""The pack's posing maps in numpy (``anatomy.sparse_rows``) give SciPy's sparse products: on
made-up rows, and on the BodyParts3D pack's binding as posing builds them (#12: SciPy's sparse
matrices held ~19 MiB resident in the motion lab)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from calfexplorer.anatomy.sparse_rows import Blend, BlockRows, block_diagonal

sparse = pytest.importorskip("scipy.sparse")


def _as_csr(rows: BlockRows, blocks: int) -> sparse.csr_matrix:
    """``rows`` as SciPy's (n, 4 * blocks) matrix: block b's rows are columns 4b .. 4b + 3."""
    vertex, block, weight = rows.groups()
    cols = (block[:, None].astype(np.int64) * 4 + np.arange(4)).T
    return sparse.csr_matrix((weight.ravel(), (np.tile(vertex, 4), cols.ravel())),
                             shape=(rows.rows, 4 * blocks))


def _blend_csr(b: Blend) -> sparse.csr_matrix:
    k = b.index.shape[1]
    return sparse.csr_matrix((b.weight.ravel(), (np.repeat(np.arange(b.shape[0]), k),
                                                 b.index.ravel())), shape=b.shape)


def _made_up(rng: np.random.Generator, n: int, blocks: int) -> BlockRows:
    count = rng.integers(0, 5, n)  # 0 to 4 groups a row, some rows with none
    vertex = np.repeat(np.arange(n), count)
    rng.shuffle(vertex)
    return BlockRows(vertex, rng.integers(0, blocks, len(vertex)),
                     rng.standard_normal((4, len(vertex))), n)


def test_block_rows_subsets_and_blends_are_scipys_products() -> None:
    rng = np.random.default_rng(7)
    n, blocks = 20_000, 300  # (more groups than one chunk)
    rows = _made_up(rng, n, blocks)
    table = rng.standard_normal((blocks, 4, 3)).astype(np.float32)
    csr = _as_csr(rows, blocks)
    np.testing.assert_allclose(rows.apply(table), csr @ table.reshape(-1, 3), atol=2e-5)
    pick = rng.permutation(n)[:5000]
    np.testing.assert_allclose(rows.subset(pick).apply(table), (csr @ table.reshape(-1, 3))[pick],
                               atol=2e-5)
    follow = Blend(rng.integers(0, n, (3000, 3)), rng.random((3000, 3)), n)
    np.testing.assert_allclose(rows.blended(follow).apply(table),
                               _blend_csr(follow) @ (csr @ table.reshape(-1, 3)), atol=1e-4)


def test_blends_are_scipys_products() -> None:
    rng = np.random.default_rng(8)
    parts = [Blend(rng.integers(0, m, (r, 3)), rng.random((r, 3)), m)
             for r, m in ((50, 80), (0, 10), (70, 40))]
    whole = block_diagonal(parts)
    ref = sparse.block_diag([_blend_csr(p) for p in parts], format="csr")
    x = rng.standard_normal((whole.shape[1], 3))
    np.testing.assert_allclose(whole @ x, ref @ x, atol=1e-6)
    np.testing.assert_allclose(whole @ x[:, 0], ref @ x[:, 0], atol=1e-6)
    cols = np.sort(rng.permutation(whole.shape[1])[:30])
    rows, on = whole.on_columns(cols)
    picked = ref[:, cols].tocsr()
    assert rows.tolist() == np.flatnonzero(np.diff(picked.indptr) > 0).tolist()
    np.testing.assert_allclose(on @ x[cols], picked[rows] @ x[cols], atol=1e-6)


def test_the_packs_posing_products_are_scipys(pack_dir: Path) -> None:
    """Both levels' products on the pack, against the sparse matrices posing made before
    (built here from the binding's rows as it made them), in a bent pose."""
    from calfexplorer.anatomy.posing import _wide
    from calfexplorer.anatomy.soft_tissue import load_poser
    from calfexplorer.biomech.pose import Pose
    from calfexplorer.geometry.source import pose_state

    poser = load_poser(pack_dir)
    b = poser.binding
    p, r = _wide(b.full.path), _wide(b.full.rigid)
    s, nb, total = int(sum(len(t.fraction) for t in b.tracks)), len(b.bodies), \
        int(b.full.starts[-1])
    a0, a1 = (1.0 - p.frac) * p.weight, p.frac * p.weight
    j0, j1 = p.driver, p.driver + 1
    lx, ly, lz = p.local[:, 0], p.local[:, 1], p.local[:, 2]
    rb = 2 * s + r.driver * 4
    axial = sparse.csr_matrix((np.concatenate(
        [a0, a1, a0 * lz, a1 * lz, r.weight * r.local[:, 0], r.weight * r.local[:, 1],
         r.weight * r.local[:, 2], r.weight]).astype(np.float32),
        (np.concatenate([p.vertex] * 4 + [r.vertex] * 4),
         np.concatenate([j0, j1, s + j0, s + j1, rb, rb + 1, rb + 2, rb + 3]))),
        shape=(total, 2 * s + 4 * nb))
    lateral = sparse.csr_matrix((np.concatenate([a0 * lx, a1 * lx, a0 * ly, a1 * ly]).astype(
        np.float32), (np.concatenate([p.vertex] * 4), np.concatenate([j0, j1, s + j0, s + j1]))),
        shape=(total, 2 * s))
    state = pose_state(Pose.from_degrees(knee=100, ankle=-25))
    ax_blocks, lat_blocks, _delta = poser._columns(state)
    ax_cols = np.concatenate([ax_blocks[:s, 0], ax_blocks[:s, 2], ax_blocks[s:].reshape(-1, 3)])
    lat_cols = np.concatenate([lat_blocks[:, 0], lat_blocks[:, 2]])
    poser.pose(state, coarse=True)  # (the twins' level is made on the first coarse pose)
    follow = sparse.block_diag([_blend_csr(poser.follow_matrices()[sid]) for sid in b.full.ids],
                               format="csr")
    for level, ax, lat in ((poser._levels[False], axial, lateral),
                           (poser._levels[True], follow @ axial, follow @ lateral)):
        mine = level.parts(ax_blocks, lat_blocks)
        np.testing.assert_allclose(mine[0], ax @ ax_cols, atol=2e-6)  # (metres)
        np.testing.assert_allclose(mine[1], lat @ lat_cols, atol=2e-6)
        assert np.abs(mine[1]).max() > 1e-3  # (cross-sections there)
