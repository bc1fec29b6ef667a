"""The pack's posing maps in numpy alone (#12: SciPy's sparse matrices held ~19 MiB resident
in the motion lab, and its k-d tree more).

* :class:`Blend`: each row a fixed number of weighted columns (a coarse twin's vertex from
  the three corners of its full mesh's triangle: :func:`calfexplorer.anatomy.twins.follow_matrix`).
* :class:`BlockRows`: each row a sum of weighted 4-row blocks of a per-pose table, as the
  pack's posing combines them (a station pair's centres and tangents, a body's rotation
  columns and translation). Gathered by whole blocks, summed component by component: about
  as quick as SciPy's product of the same matrix, which gathers one entry at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Rows of a block (its weights per group).
BLOCK = 4
#: Groups gathered at a time (their temporaries then stay in the CPU's cache: with the whole
#: full level's at once the product took ~3x as long on a loaded machine).
CHUNK = 8192


class Blend:
    """A (rows, columns) map whose every row blends ``index.shape[1]`` columns: ``index``
    (int32) and ``weight`` (float32), both (rows, k)."""

    def __init__(self, index: np.ndarray, weight: np.ndarray, columns: int) -> None:
        self.index = np.ascontiguousarray(index, np.int32)
        self.weight = np.ascontiguousarray(weight, np.float32)
        self.shape = (len(self.index), int(columns))

    def __matmul__(self, x: np.ndarray) -> np.ndarray:
        """The rows applied to ``x`` ((columns,) or (columns, c)): float32 where ``x`` is."""
        x = np.asarray(x)
        if not len(self.index):
            return np.zeros((0, *x.shape[1:]), np.result_type(x.dtype, np.float32))
        g = np.take(x, self.index, axis=0)  # (rows, k, ...)
        w = self.weight.astype(np.result_type(x.dtype, np.float32), copy=False)
        out = g[:, 0] * (w[:, 0] if x.ndim == 1 else w[:, 0, None])
        for k in range(1, self.index.shape[1]):
            out += g[:, k] * (w[:, k] if x.ndim == 1 else w[:, k, None])
        return out

    def __getitem__(self, rows: Any) -> Blend:
        """These rows (an index array, mask or slice)."""
        return Blend(self.index[rows], self.weight[rows], self.shape[1])

    def on_columns(self, columns: np.ndarray) -> tuple[np.ndarray, Blend]:
        """The rows that take any of ``columns`` (indices), and those rows as a map on just
        them (in their order): the other columns' weights dropped."""
        at = np.full(self.shape[1], -1, np.int64)
        at[columns] = np.arange(len(columns))
        new = at[self.index]
        rows = np.flatnonzero((new >= 0).any(axis=1))
        keep = new[rows] >= 0
        return rows, Blend(np.where(keep, new[rows], 0), np.where(keep, self.weight[rows], 0.0),
                           len(columns))


def block_diagonal(parts: Sequence[Blend]) -> Blend:
    """The maps ``parts`` one after another, each on its own columns."""
    if not parts:
        return Blend(np.zeros((0, 1), np.int32), np.zeros((0, 1), np.float32), 0)
    offsets = np.cumsum([0] + [p.shape[1] for p in parts])
    return Blend(np.concatenate([p.index + o for p, o in zip(parts, offsets, strict=False)]),
                 np.concatenate([p.weight for p in parts]), int(offsets[-1]))


class BlockRows:
    """An (n, 4 * blocks) map: row ``v`` is the sum over its groups ``g`` (``vertex[g] ==
    v``) of ``weight[:, g]`` times the 4 rows of block ``block[g]``; applied to a table of
    blocks (blocks, 4, 3) by :meth:`apply`.

    Kept for the product: the groups in slots (every row's first group, then the second of
    those rows with two or more, ...; rows with more groups first), so each slot adds to a
    prefix of the rows in that order, and a row's place in it.
    """

    def __init__(self, vertex: np.ndarray, block: np.ndarray, weight: np.ndarray,
                 rows: int) -> None:
        """``vertex``, ``block``: (m,) each group's row and block; ``weight``: (4, m)."""
        vertex = np.asarray(vertex, np.int64)
        order = np.argsort(vertex, kind="stable")
        count = np.bincount(vertex, minlength=rows)
        first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        by_count = np.argsort(-count, kind="stable")  # rows with more groups first
        self.sizes = [int((count > s).sum()) for s in range(int(count.max(initial=0)))]
        slot = np.concatenate([order[first[by_count[:size]] + s]
                               for s, size in enumerate(self.sizes)]) \
            if self.sizes else np.zeros(0, np.int64)
        self.block = np.ascontiguousarray(np.asarray(block)[slot], np.int32)
        self.weight = np.ascontiguousarray(np.asarray(weight)[:, slot], np.float32)
        self.place = np.empty(rows, np.int32)  # each row's place in that order
        self.place[by_count] = np.arange(rows)
        self.rows = rows

    def groups(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(vertex, block, weight) of every group, in the slots' order."""
        by_count = np.empty(self.rows, np.int64)
        by_count[self.place] = np.arange(self.rows)
        vertex = np.concatenate([by_count[:size] for size in self.sizes]) if self.sizes \
            else np.zeros(0, np.int64)
        return vertex, self.block, self.weight

    def apply(self, blocks: np.ndarray) -> np.ndarray:
        """(n, 3) float32: the rows applied to ``blocks`` ((blocks, 4, 3))."""
        table = np.ascontiguousarray(np.asarray(blocks, np.float32).transpose(1, 2, 0)) \
            .reshape(BLOCK * 3, -1)
        m = len(self.block)
        terms = np.empty((3, m), np.float32)
        gathered = np.empty((BLOCK * 3, min(CHUNK, m)), np.float32)
        for a in range(0, m, CHUNK):  # (in chunks: the temporaries stay in the cache)
            b = min(a + CHUNK, m)
            g = gathered[:, :b - a]
            # ("clip": no bounds check; the blocks are the table's by construction)
            np.take(table, self.block[a:b], axis=1, out=g, mode="clip")
            g3 = g.reshape(BLOCK, 3, b - a)
            g3 *= self.weight[:, None, a:b]
            t = terms[:, a:b]
            np.add(g3[0], g3[1], out=t)
            t += g3[2]
            t += g3[3]
        out = np.zeros((3, self.rows), np.float32)
        start = 0
        for size in self.sizes:
            out[:, :size] += terms[:, start:start + size]
            start += size
        res = np.empty((self.rows, 3), np.float32)
        for c in range(3):
            res[:, c] = np.take(out[c], self.place, mode="clip")
        return res

    def subset(self, rows: np.ndarray) -> BlockRows:
        """These rows (indices), in their order."""
        new = np.full(self.rows, -1, np.int64)
        new[rows] = np.arange(len(rows))
        vertex, block, weight = self.groups()
        keep = new[vertex] >= 0
        return BlockRows(new[vertex[keep]], block[keep], weight[:, keep], len(rows))

    def blended(self, follow: Blend) -> BlockRows:
        """``follow @ self``: each of ``follow``'s rows the blend of these rows (the groups of
        its columns, weighted; groups on the same block added into one)."""
        vertex, block, weight = self.groups()
        order = np.argsort(vertex, kind="stable")
        count = np.bincount(vertex, minlength=self.rows)
        first = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
        cols = follow.index.ravel().astype(np.int64)
        n = count[cols]
        out_row = np.repeat(np.repeat(np.arange(follow.shape[0]), follow.index.shape[1]), n)
        scale = np.repeat(follow.weight.ravel(), n)
        at = order[np.repeat(first[cols], n) + _ranges(n)]
        key = out_row * (int(block.max(initial=0)) + 1) + block[at]
        srt = np.argsort(key, kind="stable")
        key, at, scale, out_row = key[srt], at[srt], scale[srt], out_row[srt]
        starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
        w = np.add.reduceat(weight[:, at] * scale, starts, axis=1) if len(starts) \
            else np.zeros((BLOCK, 0), np.float32)
        return BlockRows(out_row[starts], block[at[starts]], w, follow.shape[0])


def _ranges(n: np.ndarray) -> np.ndarray:
    """0, 1, ..., n[0]-1, 0, 1, ..., n[1]-1, ..."""
    ends = np.cumsum(n)
    return np.arange(int(ends[-1]) if len(n) else 0) - np.repeat(ends - n, n)
